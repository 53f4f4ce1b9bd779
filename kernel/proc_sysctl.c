/* proc_sysctl.c - the /proc/sys framework: ctl_table registration and Linux 5.4's handlers
 * (proc_dointvec[_minmax], proc_douintvec[_minmax], proc_dostring, proc_do_large_bitmap), with the
 * same parsing rules and errors as kernel/sysctl.c (owner: kuser). Handlers get kernel buffers. */
#include "kuser.h"
#include "fs.h"
#include "proc.h"
#include "sysctl.h"

const int sysctl_vals[] = { 0, 1, INT_MAX };

#define TMPBUFLEN 22
static const char wspace_sep[] = { ' ', '\t', '\n' };

struct sysctl_node {
	char *path;                    /* "kernel/watchdog_thresh" */
	struct ctl_table *table;
	struct sysctl_node *next;
};
static struct sysctl_node *sysctl_list, **sysctl_tail = &sysctl_list;
static bool proc_ready;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_spaces_n(char **p, size_t left)
{
	size_t n = 0;
	while (n < left && is_space((*p)[n]))
		n++;
	*p += n;
	return n;
}

static void skip_char(char **p, size_t *left, char c)
{
	while (*left && **p == c) {
		(*p)++;
		(*left)--;
	}
}

/* strtoul with base 0 (0x hex, 0 octal, else decimal); fails on overflow. */
static int strtoul_lenient(const char *s, char **end, unsigned long *res)
{
	unsigned int base = 10;
	unsigned long v = 0;
	if (s[0] == '0') {
		if ((s[1] == 'x' || s[1] == 'X') &&
		    (is_digit(s[2]) || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f'))) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (;; s++) {
		unsigned int d;
		char c = *s;
		if (is_digit(c))
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (ULONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*end = (char *)s;
	*res = v;
	return 0;
}

/* Linux's proc_get_long(): one (possibly negative) integer; the character after it must be one of
 * perm_tr (if it is not the end of the buffer). tr receives that character. */
static int proc_get_long(char **buf, size_t *size, unsigned long *val, bool *neg,
			 const char *perm_tr, unsigned int perm_tr_len, char *tr)
{
	char tmp[TMPBUFLEN], *p;
	size_t len;

	if (!*size)
		return -EINVAL;
	len = *size;
	if (len > TMPBUFLEN - 1)
		len = TMPBUFLEN - 1;
	memcpy(tmp, *buf, len);
	tmp[len] = 0;
	p = tmp;
	if (*p == '-' && *size > 1) {
		*neg = true;
		p++;
	} else {
		*neg = false;
	}
	if (!is_digit(*p))
		return -EINVAL;
	if (strtoul_lenient(p, &p, val))
		return -EINVAL;
	len = p - tmp;
	/* a number filling the whole temporary buffer may continue: refuse it */
	if (len == TMPBUFLEN - 1)
		return -EINVAL;
	if (len < *size && perm_tr_len && !memchr(perm_tr, *p, perm_tr_len))
		return -EINVAL;
	if (tr && len < *size)
		*tr = *p;
	*buf += len;
	*size -= len;
	return 0;
}

static void proc_put_long(char **buf, size_t *size, unsigned long val, bool neg)
{
	char tmp[TMPBUFLEN];
	int len = snprintf(tmp, sizeof(tmp), "%s%lu", neg ? "-" : "", val);
	if ((size_t)len > *size)
		len = *size;
	memcpy(*buf, tmp, len);
	*size -= len;
	*buf += len;
}

static void proc_put_char(char **buf, size_t *size, char c)
{
	if (*size) {
		**buf = c;
		(*buf)++;
		(*size)--;
	}
}

typedef int conv_fn(bool *negp, unsigned long *lvalp, void *valp, int write, struct ctl_table *t);

static int conv_int(bool *negp, unsigned long *lvalp, void *vp, int write, struct ctl_table *t)
{
	int *valp = vp;
	if (write) {
		int tmp;
		if (*negp) {
			if (*lvalp > (unsigned long)INT_MAX + 1)
				return -EINVAL;
			tmp = -(long)*lvalp;
		} else {
			if (*lvalp > (unsigned long)INT_MAX)
				return -EINVAL;
			tmp = *lvalp;
		}
		if (t && ((t->extra1 && *(int *)t->extra1 > tmp) || (t->extra2 && *(int *)t->extra2 < tmp)))
			return -EINVAL;
		*valp = tmp;
	} else {
		int val = *valp;
		*negp = val < 0;
		*lvalp = val < 0 ? -(unsigned long)val : (unsigned long)val;
	}
	return 0;
}

static int conv_uint(bool *negp, unsigned long *lvalp, void *vp, int write, struct ctl_table *t)
{
	unsigned int *valp = vp;
	if (write) {
		if (*negp || *lvalp > UINT_MAX)
			return -EINVAL;
		unsigned int tmp = *lvalp;
		if (t && ((t->extra1 && *(unsigned int *)t->extra1 > tmp) ||
			  (t->extra2 && *(unsigned int *)t->extra2 < tmp)))
			return -ERANGE;
		*valp = tmp;
	} else {
		*negp = false;
		*lvalp = *valp;
	}
	return 0;
}

/* Linux's __do_proc_dointvec(): a vector of maxlen/4 values separated by blanks. */
static int do_intvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos,
		     conv_fn *conv, struct ctl_table *range)
{
	char *p = buffer;
	int *i = table->data, vleft, first = 1, err = 0;
	size_t left;

	if (!table->data || !table->maxlen || !*lenp || (*ppos && !write)) {
		*lenp = 0;
		return 0;
	}
	vleft = table->maxlen / sizeof(*i);
	left = *lenp;
	if (write && *ppos)            /* sysctl_writes_strict: writes past offset 0 are ignored */
		goto out;
	for (; left && vleft--; i++, first = 0) {
		unsigned long lval;
		bool neg;
		if (write) {
			left -= skip_spaces_n(&p, left);
			if (!left)
				break;
			err = proc_get_long(&p, &left, &lval, &neg, wspace_sep, sizeof(wspace_sep), NULL);
			if (err)
				break;
			if (conv(&neg, &lval, i, 1, range)) {
				err = -EINVAL;
				break;
			}
		} else {
			conv(&neg, &lval, i, 0, range);
			if (!first)
				proc_put_char(&p, &left, '\t');
			proc_put_long(&p, &left, lval, neg);
		}
	}
	if (!write && !first && left && !err)
		proc_put_char(&p, &left, '\n');
	if (write && !err && left)
		left -= skip_spaces_n(&p, left);
	if (write && first)
		return err ? err : -EINVAL;
	*lenp -= left;
out:
	*ppos += *lenp;
	return err;
}

int proc_dointvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return do_intvec(table, write, buffer, lenp, ppos, conv_int, NULL);
}

int proc_dointvec_minmax(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return do_intvec(table, write, buffer, lenp, ppos, conv_int, table);
}

/* Linux's do_proc_douintvec() handles exactly one value. */
static int do_uintvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos,
		      struct ctl_table *range)
{
	char *p = buffer;
	size_t left = *lenp;
	unsigned long lval;
	bool neg;
	int err;

	if (!table->data || !table->maxlen || !*lenp || (*ppos && !write)) {
		*lenp = 0;
		return 0;
	}
	if (!write) {
		conv_uint(&neg, &lval, table->data, 0, NULL);
		proc_put_long(&p, &left, lval, false);
		proc_put_char(&p, &left, '\n');
		*lenp -= left;
		*ppos += *lenp;
		return 0;
	}
	if (*ppos)
		goto out;
	left -= skip_spaces_n(&p, left);
	if (!left)
		return -EINVAL;
	err = proc_get_long(&p, &left, &lval, &neg, wspace_sep, sizeof(wspace_sep), NULL);
	if (err)
		return err;
	err = conv_uint(&neg, &lval, table->data, 1, range);
	if (err)
		return range ? err : -EINVAL;
	if (left)
		left -= skip_spaces_n(&p, left);
	*lenp -= left;
out:
	*ppos += *lenp;
	return 0;
}

int proc_douintvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return do_uintvec(table, write, buffer, lenp, ppos, NULL);
}

int proc_douintvec_minmax(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return do_uintvec(table, write, buffer, lenp, ppos, table);
}

int proc_dostring(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	char *data = table->data;
	size_t maxlen = table->maxlen;

	if (!data || !maxlen || !*lenp) {
		*lenp = 0;
		return 0;
	}
	if (write) {
		if (*ppos)               /* strict: only a write at offset 0 changes the string */
			goto out;
		size_t len = 0;
		const char *p = buffer;
		while (len < *lenp && p[len] && p[len] != '\n' && len < maxlen - 1)
			len++;
		memcpy(data, p, len);
		data[len] = 0;
	} else {
		size_t len = strnlen(data, maxlen);
		if ((size_t)*ppos > len) {
			*lenp = 0;
			return 0;
		}
		char *out = buffer;
		size_t n = len - *ppos;
		if (n > *lenp)
			n = *lenp;
		memcpy(out, data + *ppos, n);
		if (n < *lenp)
			out[n++] = '\n';
		*lenp = n;
	}
out:
	*ppos += *lenp;
	return 0;
}

/* Linux's proc_do_large_bitmap(): cpulist syntax "0,2-3" on write, same form on read. */
int proc_do_large_bitmap(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned long bitmap_len = table->maxlen;
	unsigned long *bitmap = table->data ? *(unsigned long **)table->data : NULL;
	size_t left = *lenp;
	static const char tr_a[] = { '-', ',', '\n' }, tr_b[] = { ',', '\n', 0 };
	char *p = buffer, c = 0;
	int err = 0;
	bool first = true;
	size_t words = (bitmap_len + 63) / 64;

	if (!bitmap || !bitmap_len || !left || (*ppos && !write)) {
		*lenp = 0;
		return 0;
	}
	if (write) {
		unsigned long *tmp = kzalloc(words * sizeof(long), GFP_KERNEL);
		if (!tmp)
			return -ENOMEM;
		skip_char(&p, &left, '\n');
		while (!err && left) {
			unsigned long a, b;
			bool neg;
			err = proc_get_long(&p, &left, &a, &neg, tr_a, sizeof(tr_a), &c);
			if (err)
				break;
			if (a >= bitmap_len || neg) {
				err = -EINVAL;
				break;
			}
			b = a;
			if (left) {
				p++;
				left--;
			}
			if (c == '-') {
				err = proc_get_long(&p, &left, &b, &neg, tr_b, sizeof(tr_b), &c);
				if (err)
					break;
				if (b >= bitmap_len || neg || a > b) {
					err = -EINVAL;
					break;
				}
				if (left) {
					p++;
					left--;
				}
			}
			for (unsigned long bit = a; bit <= b; bit++)
				tmp[bit / 64] |= 1UL << (bit % 64);
			first = false;
			skip_char(&p, &left, '\n');
		}
		if (!err) {
			for (size_t w = 0; w < words; w++)
				bitmap[w] = *ppos ? (bitmap[w] | tmp[w]) : tmp[w];
		}
		kfree(tmp);
	} else {
		unsigned long bit = 0;
		while (left && bit < bitmap_len) {
			if (!(bitmap[bit / 64] >> (bit % 64) & 1)) {
				bit++;
				continue;
			}
			unsigned long a = bit;
			while (bit + 1 < bitmap_len && (bitmap[(bit + 1) / 64] >> ((bit + 1) % 64) & 1))
				bit++;
			if (!first)
				proc_put_char(&p, &left, ',');
			proc_put_long(&p, &left, a, false);
			if (bit != a) {
				proc_put_char(&p, &left, '-');
				proc_put_long(&p, &left, bit, false);
			}
			first = false;
			bit++;
		}
		proc_put_char(&p, &left, '\n');
	}
	(void)first;
	if (!err) {
		*lenp -= left;
		*ppos += *lenp;
	}
	return err;
}

/* ---- registration ---- */

static const char *boot_cmdline;
static void apply_params(const char *cmdline, const char *only_name);

static void materialise(struct sysctl_node *n)
{
	char path[FS_PATH_MAX];
	struct inode *node;
	snprintf(path, sizeof(path), "/proc/sys/%s", n->path);
	char *slash = strrchr(path, '/');
	*slash = 0;
	struct inode *dir;
	if (fs_mkdir_p(NULL, path, 0555, &dir))
		return;
	*slash = '/';
	if (fs_create(NULL, path, n->table->mode & 0777, &node))
		return;
	node->proc = kzalloc(sizeof(*node->proc), GFP_KERNEL);
	if (node->proc)
		node->proc->sysctl = n->table;
}

static int add_one(const char *dir, struct ctl_table *t)
{
	struct sysctl_node *n = kzalloc(sizeof(*n), GFP_KERNEL);
	size_t dl = strlen(dir), nl = strlen(t->procname);
	if (!n)
		return -ENOMEM;
	n->path = kmalloc(dl + nl + 2, GFP_KERNEL);
	if (!n->path) {
		kfree(n);
		return -ENOMEM;
	}
	memcpy(n->path, dir, dl);
	for (size_t i = 0; i < dl; i++)
		if (n->path[i] == '.')
			n->path[i] = '/';
	n->path[dl] = '/';
	memcpy(n->path + dl + 1, t->procname, nl + 1);
	n->table = t;
	*sysctl_tail = n;
	sysctl_tail = &n->next;
	if (proc_ready) {
		materialise(n);
		if (boot_cmdline) {
			char name[256];
			snprintf(name, sizeof(name), "%s", n->path);
			for (char *q = name; *q; q++)
				if (*q == '/')
					*q = '.';
			apply_params(boot_cmdline, name);
		}
	}
	return 0;
}

static int add_table(const char *dir, struct ctl_table *table)
{
	for (struct ctl_table *t = table; t->procname; t++) {
		int err;
		if (t->child) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s%s%s", dir, *dir ? "/" : "", t->procname);
			err = add_table(sub, t->child);
		} else {
			err = add_one(dir, t);
		}
		if (err)
			return err;
	}
	return 0;
}

struct ctl_table_header *register_sysctl(const char *path, struct ctl_table *table)
{
	struct ctl_table_header *h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h || add_table(path, table)) {
		kfree(h);
		return NULL;
	}
	h->table = table;
	return h;
}

struct ctl_table_header *register_sysctl_table(struct ctl_table *table)
{
	return register_sysctl("", table);
}

/* Create the /proc/sys files for everything registered so far; later registrations appear at once. */
void sysctl_proc_ready(void)
{
	proc_ready = true;
	for (struct sysctl_node *n = sysctl_list; n; n = n->next)
		materialise(n);
}

struct ctl_table *sysctl_find(const char *name)
{
	char path[256];
	strlcpy(path, name, sizeof(path));
	for (char *p = path; *p; p++)
		if (*p == '.')
			*p = '/';
	for (struct sysctl_node *n = sysctl_list; n; n = n->next)
		if (!strcmp(n->path, path))
			return n->table;
	return NULL;
}

int sysctl_read(struct ctl_table *t, char *buf, size_t size)
{
	size_t len = size;
	loff_t pos = 0;
	if (!(t->mode & 0444))
		return -EACCES;
	if (!t->proc_handler)
		return -EIO;
	int err = t->proc_handler(t, 0, buf, &len, &pos);
	return err ? err : (int)len;
}

int sysctl_write(struct ctl_table *t, const char *buf, size_t len)
{
	loff_t pos = 0;
	if (!(t->mode & 0222))
		return -EACCES;
	if (!t->proc_handler)
		return -EIO;
	if (len > 4095)                /* Linux handlers see at most PAGE_SIZE - 1 bytes */
		len = 4095;
	char *copy = kstrdup_n(buf, len);
	if (!copy)
		return -ENOMEM;
	int err = t->proc_handler(t, 1, copy, &len, &pos);
	kfree(copy);
	return err;
}

static void walk_sysctl(struct inode *dir, char *name, size_t len, size_t size,
			void (*fn)(const char *name, struct ctl_table *t, void *arg), void *arg)
{
	for (struct inode *ch = dir->children; ch; ch = ch->next) {
		size_t n = strlen(ch->name);
		if (len + n + 2 > size)
			continue;
		if (len)
			name[len] = '.';
		memcpy(name + len + !!len, ch->name, n + 1);
		if (S_ISDIR(ch->mode))
			walk_sysctl(ch, name, len + !!len + n, size, fn, arg);
		else if (ch->proc && ch->proc->sysctl)
			fn(name, ch->proc->sysctl, arg);
		name[len] = 0;
	}
}

/* In name order, as `sysctl -a` lists the /proc/sys tree. */
void sysctl_for_each(void (*fn)(const char *name, struct ctl_table *t, void *arg), void *arg)
{
	char name[256] = "";
	struct inode *dir;
	if (!fs_lookup(NULL, "/proc/sys", 0, &dir))
		walk_sysctl(dir, name, 0, sizeof(name), fn, arg);
}

/* Boot parameters "sysctl.kernel.watchdog_thresh=5" (Linux 5.8+ syntax); only the entry only_name
 * if set (an entry registered after /proc was created). Unknown keys are ignored. */

static void apply_params(const char *cmdline, const char *only_name)
{
	const char *p = cmdline;
	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ' ')
			end++;
		const char *eq = memchr(p, '=', end - p);
		if (end - p > 7 && !strncmp(p, "sysctl.", 7) && eq) {
			char name[128];
			size_t nl = eq - (p + 7);
			if (nl < sizeof(name)) {
				memcpy(name, p + 7, nl);
				name[nl] = 0;
				for (char *q = name; *q; q++)
					if (*q == '/')
						*q = '.';
				struct ctl_table *t = only_name && strcmp(name, only_name) ? NULL : sysctl_find(name);
				if (t && sysctl_write(t, eq + 1, end - eq - 1))
					pr_err("Failed to set sysctl parameter '%s=%.*s': parse failed\n",
					       name, (int)(end - eq - 1), eq + 1);
			}
		}
		p = end;
	}
}

void sysctl_apply_cmdline(const char *cmdline)
{
	boot_cmdline = cmdline;
	apply_params(cmdline, NULL);
}
