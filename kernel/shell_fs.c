/* shell_fs.c - file commands: cd pwd ls cat echo grep mkdir rm touch true false (owner: kuser).
 * Messages follow busybox (ls, cat, cd) and GNU grep (grep . soft* prints "name:line"). */
#include "shell_int.h"
#include "shell.h"

static int cmd_cd(struct sh_ctx *c, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : SHELL_HOME;
	struct inode *n;
	int err = fs_lookup(sh_cwd, dir, 0, &n);
	if (!err && !S_ISDIR(n->mode))
		err = -ENOTDIR;
	if (err) {
		sh_err("sh: cd: can't cd to %s: %s\n", dir, kuser_strerror(-err));
		return 2;
	}
	sh_cwd = n;
	return 0;
}

static int cmd_pwd(struct sh_ctx *c, int argc, char **argv)
{
	char path[FS_PATH_MAX];
	fs_path(c->cwd, path, sizeof(path));
	sh_printf(c, "%s\n", path);
	return 0;
}

/* ---- ls ---- */

static void mode_string(unsigned int mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";
	s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		s[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	s[10] = 0;
}

/* "Jan  1 00:00" from seconds since the epoch (the guest has no RTC: boot files show 1970). */
static void time_string(unsigned long t, char *s, size_t size)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
					   "Sep", "Oct", "Nov", "Dec" };
	unsigned long days = t / 86400, secs = t % 86400;
	/* civil_from_days (Howard Hinnant) */
	long z = days + 719468, era = z / 146097;
	unsigned long doe = z - era * 146097;
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned long m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(s, size, "%s %2lu %02lu:%02lu", mon[m - 1], d, secs / 3600, secs / 60 % 60);
}

struct ls_opts {
	bool all, longfmt, one, dir;
};

static void ls_long(struct sh_ctx *c, struct inode *n, const char *name)
{
	char mode[11], tm[32];
	mode_string(n->mode, mode);
	time_string(n->mtime, tm, sizeof(tm));
	unsigned long links = S_ISDIR(n->mode) ? 2 : 1;
	sh_printf(c, "%s %4lu %-8s %-8s %9lu %s %s", mode, links, "root", "root",
		  (unsigned long)fs_size(n), tm, name);
	if (S_ISLNK(n->mode))
		sh_printf(c, " -> %.*s", (int)n->size, n->data ? n->data : "");
	sh_write(c, "\n", 1);
}

/* names[] in columns, top to bottom then left to right, for an 80-column terminal */
static void ls_columns(struct sh_ctx *c, const char **names, int n, bool one)
{
	size_t w = 0;
	for (int i = 0; i < n; i++)
		w = max(w, strlen(names[i]));
	w += 2;
	int cols = one || c->out ? 1 : (int)(80 / w);
	if (cols < 1)
		cols = 1;
	int rows = (n + cols - 1) / cols;
	for (int r = 0; r < rows; r++) {
		for (int col = 0; col < cols; col++) {
			int i = col * rows + r;
			if (i >= n)
				break;
			bool last = col == cols - 1 || i + rows >= n;
			if (last)
				sh_printf(c, "%s", names[i]);
			else
				sh_printf(c, "%-*s", (int)w, names[i]);
		}
		sh_write(c, "\n", 1);
	}
}

static void ls_dir(struct sh_ctx *c, struct inode *dir, struct ls_opts *o)
{
	int n = 0, i = 0;
	for (struct inode *ch = dir->children; ch; ch = ch->next)
		n++;
	const char **names = kmalloc((n + 2) * sizeof(char *), GFP_KERNEL);
	struct inode **nodes = kmalloc((n + 2) * sizeof(*nodes), GFP_KERNEL);
	if (!names || !nodes)
		goto out;
	if (o->all) {
		names[i] = ".", nodes[i++] = dir;
		names[i] = "..", nodes[i++] = dir->parent ? dir->parent : dir;
	}
	for (struct inode *ch = dir->children; ch; ch = ch->next)
		if (o->all || ch->name[0] != '.')
			names[i] = ch->name, nodes[i++] = ch;
	if (o->longfmt) {
		sh_printf(c, "total %d\n", 0);
		for (int k = 0; k < i; k++)
			ls_long(c, nodes[k], names[k]);
	} else {
		ls_columns(c, names, i, o->one);
	}
out:
	kfree(names);
	kfree(nodes);
}

static int cmd_ls(struct sh_ctx *c, int argc, char **argv)
{
	struct ls_opts o = { 0 };
	int first = 1, status = 0;
	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		for (const char *p = argv[first] + 1; *p; p++) {
			switch (*p) {
			case 'a': o.all = true; break;
			case 'l': o.longfmt = true; break;
			case '1': o.one = true; break;
			case 'd': o.dir = true; break;
			case 'A': case 'h': case 'C': break;
			default:
				sh_err("ls: invalid option -- '%c'\nBusyBox-compatible ls: usage: ls [-1adl] [FILE]...\n", *p);
				return 2;
			}
		}
	}
	const char *dot = ".";
	char **paths = argc > first ? argv + first : (char **)&dot;
	int npaths = argc > first ? argc - first : 1;
	/* files first (in one listing), then directories with headers when there are several */
	const char **files = kmalloc(npaths * sizeof(char *), GFP_KERNEL);
	int nfiles = 0, ndirs = 0;
	if (!files)
		return 1;
	for (int i = 0; i < npaths; i++) {
		struct inode *n;
		int err = fs_lookup(c->cwd, paths[i], 0, &n);
		if (err) {
			sh_err("ls: %s: %s\n", paths[i], kuser_strerror(-err));
			status = 1;
			continue;
		}
		if (!S_ISDIR(n->mode) || o.dir) {
			if (o.longfmt)
				ls_long(c, n, paths[i]);
			else
				files[nfiles++] = paths[i];
		} else {
			ndirs++;
		}
	}
	if (nfiles)
		ls_columns(c, files, nfiles, o.one);
	kfree(files);
	bool headers = npaths > 1;
	int shown = nfiles;
	for (int i = 0; i < npaths && !o.dir; i++) {
		struct inode *n;
		if (fs_lookup(c->cwd, paths[i], 0, &n) || !S_ISDIR(n->mode))
			continue;
		if (headers)
			sh_printf(c, "%s%s:\n", shown++ ? "\n" : "", paths[i]);
		ls_dir(c, n, &o);
	}
	return status;
}

/* ---- cat / echo ---- */

static int cmd_cat(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		if (c->has_in)
			sh_write(c, c->in, c->in_len);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			if (c->has_in)
				sh_write(c, c->in, c->in_len);
			continue;
		}
		struct inode *n;
		char *data;
		unsigned long len;
		int err = fs_lookup(c->cwd, argv[i], 0, &n);
		if (err) {
			sh_err("cat: can't open '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
			continue;
		}
		err = fs_read_all(n, (void **)&data, &len);
		if (err) {
			sh_err("cat: read error: %s\n", kuser_strerror(-err));
			status = 1;
			continue;
		}
		sh_write(c, data, len);
		kfree(data);
		if (sh_interrupted())
			return 130;
	}
	return status;
}

static bool only_chars(const char *s, const char *set)
{
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static int cmd_echo(struct sh_ctx *c, int argc, char **argv)
{
	bool newline = true, escapes = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *p = argv[i] + 1;
		if (!only_chars(p, "neE"))
			break;
		for (; *p; p++)
			if (*p == 'n')
				newline = false;
			else if (*p == 'e')
				escapes = true;
			else
				escapes = false;
	}
	struct kbuf b = { 0 };
	for (int first = i; i < argc; i++) {
		if (i > first)
			kbuf_putc(&b, ' ');
		for (const char *p = argv[i]; *p; p++) {
			if (!escapes || *p != '\\' || !p[1]) {
				kbuf_putc(&b, *p);
				continue;
			}
			switch (*++p) {
			case 'n': kbuf_putc(&b, '\n'); break;
			case 't': kbuf_putc(&b, '\t'); break;
			case 'r': kbuf_putc(&b, '\r'); break;
			case '\\': kbuf_putc(&b, '\\'); break;
			case 'c': newline = false; i = argc; goto done;
			default: kbuf_putc(&b, '\\'); kbuf_putc(&b, *p);
			}
		}
	}
done:
	if (newline)
		kbuf_putc(&b, '\n');
	if (b.len)
		sh_write(c, b.data, b.len);
	kbuf_free(&b);
	return 0;
}

/* ---- grep: a basic-regex subset (. * ^ $ [...] \x), or fixed strings with -F ---- */

struct grep_opts {
	bool icase, invert, count, number, names, quiet, fixed, list, nomsg;
	const char *pattern;
};

static char fold(char ch, bool icase)
{
	return icase && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* one pattern atom at p against character ch; *len = atom length */
static bool atom_match(const char *p, char ch, size_t *len, bool icase)
{
	if (*p == '.') {
		*len = 1;
		return true;
	}
	if (*p == '\\' && p[1]) {
		*len = 2;
		return fold(p[1], icase) == fold(ch, icase);
	}
	if (*p == '[') {
		const char *q = p + 1;
		bool neg = false, ok = false;
		if (*q == '^')
			neg = true, q++;
		const char *start = q;
		while (*q && (*q != ']' || q == start)) {
			char lo = *q, hi = lo;
			if (q[1] == '-' && q[2] && q[2] != ']')
				hi = q[2], q += 2;
			if ((fold(ch, icase) >= fold(lo, icase) && fold(ch, icase) <= fold(hi, icase)) ||
			    (ch >= lo && ch <= hi))
				ok = true;
			q++;
		}
		if (*q == ']') {
			*len = q - p + 1;
			return ok != neg;
		}
	}
	*len = 1;
	return fold(*p, icase) == fold(ch, icase);
}

static bool match_at(const char *re, const char *s, const char *end, bool icase)
{
	while (*re) {
		if (re[0] == '$' && !re[1])
			return s == end;
		size_t alen;
		atom_match(re, 0, &alen, icase);
		if (re[alen] == '*') {
			const char *t = s;
			while (t < end && atom_match(re, *t, &alen, icase))
				t++;
			for (; t >= s; t--)
				if (match_at(re + alen + 1, t, end, icase))
					return true;
			return false;
		}
		if (s >= end || !atom_match(re, *s, &alen, icase))
			return false;
		re += alen;
		s++;
	}
	return true;
}

bool grep_line_matches(const char *re, const char *s, size_t n, bool icase, bool fixed)
{
	const char *end = s + n;
	if (fixed) {
		size_t pl = strlen(re);
		for (const char *p = s; p + pl <= end; p++) {
			size_t k = 0;
			while (k < pl && fold(p[k], icase) == fold(re[k], icase))
				k++;
			if (k == pl)
				return true;
		}
		return false;
	}
	if (*re == '^')
		return match_at(re + 1, s, end, icase);
	for (const char *p = s; p <= end; p++)
		if (match_at(re, p, end, icase))
			return true;
	return false;
}

static int grep_buf(struct sh_ctx *c, struct grep_opts *o, const char *name, const char *data, size_t len)
{
	int matches = 0;
	unsigned long lineno = 0;
	for (size_t pos = 0; pos < len; ) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		lineno++;
		bool m = grep_line_matches(o->pattern, data + pos, end - pos, o->icase, o->fixed) != o->invert;
		if (m) {
			matches++;
			if (o->quiet || o->list)
				break;
			if (!o->count) {
				struct kbuf b = { 0 };
				if (o->names)
					kbuf_printf(&b, "%s:", name);
				if (o->number)
					kbuf_printf(&b, "%lu:", lineno);
				kbuf_put(&b, data + pos, end - pos);
				kbuf_putc(&b, '\n');
				sh_write(c, b.data, b.len);
				kbuf_free(&b);
			}
		}
		pos = end + 1;
	}
	if (o->count) {
		if (o->names)
			sh_printf(c, "%s:%d\n", name, matches);
		else
			sh_printf(c, "%d\n", matches);
	}
	if (o->list && matches)
		sh_printf(c, "%s\n", name);
	return matches;
}

static int cmd_grep(struct sh_ctx *c, int argc, char **argv)
{
	struct grep_opts o = { 0 };
	int i = 1, force_names = -1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *p = argv[i] + 1; *p; p++) {
			switch (*p) {
			case 'i': o.icase = true; break;
			case 'v': o.invert = true; break;
			case 'c': o.count = true; break;
			case 'n': o.number = true; break;
			case 'q': o.quiet = true; break;
			case 'F': o.fixed = true; break;
			case 'l': o.list = true; break;
			case 's': o.nomsg = true; break;
			case 'H': force_names = 1; break;
			case 'h': force_names = 0; break;
			case 'G': break;
			case 'e':
				if (p[1]) {
					o.pattern = p + 1;
				} else if (i + 1 < argc) {
					o.pattern = argv[++i];
				} else {
					sh_err("grep: option requires an argument -- 'e'\n");
					return 2;
				}
				goto next_arg;
			default:
				sh_err("grep: invalid option -- '%c'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
				       "Try 'grep --help' for more information.\n", *p);
				return 2;
			}
		}
next_arg:;
	}
	if (!o.pattern) {
		if (i >= argc) {
			sh_err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
			return 2;
		}
		o.pattern = argv[i++];
	}
	int nfiles = argc - i, matched = 0, errors = 0;
	o.names = force_names >= 0 ? force_names : nfiles > 1;
	if (!nfiles) {
		matched = grep_buf(c, &o, "(standard input)", c->has_in ? c->in : "", c->has_in ? c->in_len : 0);
		return matched ? 0 : 1;
	}
	for (; i < argc; i++) {
		struct inode *n;
		char *data;
		unsigned long len;
		int err = fs_lookup(c->cwd, argv[i], 0, &n);
		if (!err && S_ISDIR(n->mode))
			err = -EISDIR;
		if (!err)
			err = fs_read_all(n, (void **)&data, &len);
		if (err) {
			if (!o.nomsg)
				sh_err("grep: %s: %s\n", argv[i], kuser_strerror(-err));
			errors++;
			continue;
		}
		matched += grep_buf(c, &o, argv[i], data, len) > 0;
		kfree(data);
		if (o.quiet && matched)
			return 0;
	}
	return errors && !(o.quiet && matched) ? 2 : matched ? 0 : 1;
}

/* ---- mkdir / rm / touch ---- */

static int cmd_mkdir(struct sh_ctx *c, int argc, char **argv)
{
	bool parents = false;
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p")) {
			parents = true;
			continue;
		}
		int err = parents ? fs_mkdir_p(c->cwd, argv[i], 0755, NULL) : fs_mkdir(c->cwd, argv[i], 0755, NULL);
		if (err) {
			sh_err("mkdir: can't create directory '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_rm(struct sh_ctx *c, int argc, char **argv)
{
	bool force = false, dirs = false;
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			force |= strchr(argv[i], 'f') != NULL;
			dirs |= strchr(argv[i], 'r') != NULL || strchr(argv[i], 'd') != NULL;
			continue;
		}
		int err = fs_unlink(c->cwd, argv[i], dirs);
		if (err && !(force && err == -ENOENT)) {
			if (err == -EISDIR)
				sh_err("rm: '%s' is a directory\n", argv[i]);
			else
				sh_err("rm: can't remove '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_touch(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct inode *n;
		if (!fs_lookup(c->cwd, argv[i], 0, &n))
			continue;
		int err = fs_create(c->cwd, argv[i], 0644, NULL);
		if (err) {
			sh_err("touch: %s: %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_true(struct sh_ctx *c, int argc, char **argv)
{
	return 0;
}

static int cmd_false(struct sh_ctx *c, int argc, char **argv)
{
	return 1;
}

const struct sh_command sh_fs_commands[] = {
	{ "cd", cmd_cd, CMD_BUILTIN, "cd [DIR]           change directory (default " SHELL_HOME ")" },
	{ "pwd", cmd_pwd, CMD_BUILTIN, "pwd                print the working directory" },
	{ "ls", cmd_ls, 0, "ls [-1adl] [FILE]  list files" },
	{ "cat", cmd_cat, 0, "cat [FILE]...      print files (/proc files too)" },
	{ "echo", cmd_echo, CMD_BUILTIN, "echo [-ne] [ARG]   print arguments (echo 5 > /proc/sys/kernel/x)" },
	{ "grep", cmd_grep, 0, "grep [-cFHhilnqsv] PATTERN [FILE]... (. * ^ $ [..])" },
	{ "mkdir", cmd_mkdir, 0, "mkdir [-p] DIR     make a directory" },
	{ "rm", cmd_rm, 0, "rm [-rf] FILE      remove files" },
	{ "touch", cmd_touch, 0, "touch FILE         create empty files" },
	{ "true", cmd_true, CMD_BUILTIN, NULL },
	{ "false", cmd_false, CMD_BUILTIN, NULL },
	{ NULL, NULL, 0, NULL }
};
