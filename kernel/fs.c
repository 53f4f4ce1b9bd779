/* fs.c - the RAM filesystem: an in-memory tree of directories, files and symlinks (owner: kuser).
 * Lookup walks components from the root or a working directory; "." and ".." are handled and
 * symlinks followed (at most 8 levels). Children are kept sorted by name, so ls needs no sort.
 * One lock guards the tree and file data; /proc handlers run outside it. */
#include "kuser.h"
#include "fs.h"
#include "proc.h"
#include "sysctl.h"

#ifdef KUSER_HOSTTEST
#define FS_LOCK() do { } while (0)
#define FS_UNLOCK() do { } while (0)
#else
static DEFINE_SPINLOCK(fs_lock);
#define FS_LOCK() spin_lock(&fs_lock)
#define FS_UNLOCK() spin_unlock(&fs_lock)
#endif

static struct inode root_inode = { .name = "", .mode = S_IFDIR | 0755, .ino = 1 };
static unsigned long next_ino = 2;

struct inode *fs_root(void)
{
	return &root_inode;
}

static struct inode *find_child(struct inode *dir, const char *name, size_t len)
{
	for (struct inode *c = dir->children; c; c = c->next)
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	return NULL;
}

static struct inode *new_child(struct inode *dir, const char *name, size_t len, unsigned int mode)
{
	struct inode *n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return NULL;
	n->name = kstrdup_n(name, len);
	if (!n->name) {
		kfree(n);
		return NULL;
	}
	n->mode = mode;
	n->parent = dir;
	FS_LOCK();
	n->ino = next_ino++;
	struct inode **pp = &dir->children;
	while (*pp && strcmp((*pp)->name, n->name) < 0)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
	FS_UNLOCK();
	return n;
}

static int walk(struct inode *cwd, const char *path, int flags, int depth, struct inode **out,
		struct inode **parent_out, const char **last_out);

/* Resolve a symlink found in directory dir. */
static int follow(struct inode *dir, struct inode *link, int depth, struct inode **out)
{
	if (depth >= 8)
		return -ELOOP;
	char *target = kstrdup_n(link->data ? link->data : "", link->size);
	if (!target)
		return -ENOMEM;
	int err = walk(dir, target, 0, depth + 1, out, NULL, NULL);
	kfree(target);
	return err;
}

/* The walker. With parent_out set, stops before the last component and returns its directory
 * and name (the name points into path); the trailing component may not exist. */
static int walk(struct inode *cwd, const char *path, int flags, int depth, struct inode **out,
		struct inode **parent_out, const char **last_out)
{
	struct inode *cur = (path[0] == '/' || !cwd) ? &root_inode : cwd;
	const char *p = path;

	if (!*path)
		return -ENOENT;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && *end != '/')
			end++;
		size_t len = end - p;
		const char *rest = end;
		while (*rest == '/')
			rest++;
		bool last = !*rest;

		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		if (len > FS_NAME_MAX)
			return -ENAMETOOLONG;
		if (last && parent_out) {
			*parent_out = cur;
			*last_out = p;
			return 0;
		}
		struct inode *next;
		if (len == 1 && p[0] == '.')
			next = cur;
		else if (len == 2 && p[0] == '.' && p[1] == '.')
			next = cur->parent ? cur->parent : cur;
		else
			next = find_child(cur, p, len);
		if (!next)
			return -ENOENT;
		if (S_ISLNK(next->mode) && (!last || !(flags & FS_NOFOLLOW))) {
			int err = follow(cur, next, depth, &next);
			if (err)
				return err;
		}
		cur = next;
		p = end;
		/* "dir/" must be a directory */
		if (last && *end == '/' && !S_ISDIR(cur->mode))
			return -ENOTDIR;
	}
	if (parent_out) {          /* path was "/" or only dots: no last component */
		*parent_out = cur;
		*last_out = "";
		return 0;
	}
	*out = cur;
	return 0;
}

int fs_lookup(struct inode *cwd, const char *path, int flags, struct inode **out)
{
	return walk(cwd, path, flags, 0, out, NULL, NULL);
}

int fs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir, const char **last)
{
	return walk(cwd, path, 0, 0, NULL, dir, last);
}

int fs_path(struct inode *node, char *buf, size_t size)
{
	if (size < 2)
		return -ENAMETOOLONG;
	if (!node->parent) {
		strcpy(buf, "/");
		return 0;
	}
	size_t pos = size - 1;
	buf[pos] = 0;
	for (struct inode *n = node; n->parent; n = n->parent) {
		size_t len = strlen(n->name);
		if (pos < len + 1)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, n->name, len);
		buf[--pos] = '/';
	}
	memmove(buf, buf + pos, size - pos);
	return 0;
}

/* Length of the last component (up to a '/' or the end). */
static size_t comp_len(const char *last)
{
	size_t n = 0;
	while (last[n] && last[n] != '/')
		n++;
	return n;
}

static int make_node(struct inode *cwd, const char *path, unsigned int mode, struct inode **out)
{
	struct inode *dir, *n;
	const char *last;
	int err = fs_lookup_parent(cwd, path, &dir, &last);
	if (err)
		return err;
	size_t len = comp_len(last);
	if (!len || (len == 1 && last[0] == '.') || (len == 2 && last[0] == '.' && last[1] == '.'))
		return -EEXIST;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if ((n = find_child(dir, last, len)) != NULL) {
		if (out)
			*out = n;
		return -EEXIST;
	}
	n = new_child(dir, last, len, mode);
	if (!n)
		return -ENOMEM;
	if (out)
		*out = n;
	return 0;
}

int fs_mkdir(struct inode *cwd, const char *path, unsigned int perm, struct inode **out)
{
	return make_node(cwd, path, S_IFDIR | (perm & 07777), out);
}

int fs_mkdir_p(struct inode *cwd, const char *path, unsigned int perm, struct inode **out)
{
	char *tmp = kuser_strdup(path);
	struct inode *n = NULL;
	int err = 0;
	if (!tmp)
		return -ENOMEM;
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			err = fs_mkdir(cwd, tmp, perm, &n);
			if (err == -EEXIST && n && S_ISDIR(n->mode))
				err = 0;
			else if (err == -EEXIST)
				err = fs_lookup(cwd, tmp, 0, &n);
			*p = c;
			if (err || !c)
				break;
		}
	}
	kfree(tmp);
	if (!err && !S_ISDIR(n->mode))
		err = -ENOTDIR;
	if (!err && out)
		*out = n;
	return err;
}

int fs_create(struct inode *cwd, const char *path, unsigned int perm, struct inode **out)
{
	return make_node(cwd, path, S_IFREG | (perm & 07777), out);
}

int fs_symlink(struct inode *cwd, const char *target, const char *path)
{
	struct inode *n;
	int err = make_node(cwd, path, S_IFLNK | 0777, &n);
	if (err)
		return err;
	n->data = kuser_strdup(target);
	n->size = n->cap = strlen(target);
	return n->data ? 0 : -ENOMEM;
}

/* /proc files: produce the whole content with show() (or the sysctl handler). */
static int proc_content(struct proc_entry *pe, char **out, size_t *len)
{
	for (int size = 4096; size <= (1 << 22); size *= 4) {
		char *buf = kmalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		int n;
		if (pe->sysctl)
			n = sysctl_read(pe->sysctl, buf, size);
		else
			n = pe->show ? pe->show(buf, size, pe->data) : 0;
		if (n < 0) {
			kfree(buf);
			return n;
		}
		if (n < size) {
			*out = buf;
			*len = n;
			return 0;
		}
		kfree(buf);
	}
	return -EFBIG;
}

long fs_read(struct inode *node, size_t off, void *buf, size_t len)
{
	if (S_ISDIR(node->mode))
		return -EISDIR;
	if (node->proc) {
		char *data;
		size_t size;
		int err = proc_content(node->proc, &data, &size);
		if (err)
			return err;
		size_t n = off < size ? min(len, size - off) : 0;
		memcpy(buf, data + off, n);
		kfree(data);
		return n;
	}
	FS_LOCK();
	size_t n = off < node->size ? min(len, node->size - off) : 0;
	memcpy(buf, node->data + off, n);
	FS_UNLOCK();
	return n;
}

int fs_read_all(struct inode *node, void **data, unsigned long *len)
{
	if (S_ISDIR(node->mode))
		return -EISDIR;
	if (node->proc) {
		char *buf;
		size_t n;
		int err = proc_content(node->proc, &buf, &n);
		if (err)
			return err;
		buf[n] = 0;
		*data = buf;
		*len = n;
		return 0;
	}
	size_t cap = READ_ONCE(node->size);
	char *buf = kmalloc(cap + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	FS_LOCK();
	size_t n = min(cap, node->size);          /* a concurrent truncate may have shrunk it */
	memcpy(buf, node->data, n);
	buf[n] = 0;
	FS_UNLOCK();
	*data = buf;
	*len = n;
	return 0;
}

long fs_write(struct inode *node, const void *buf, size_t len, bool append)
{
	if (S_ISDIR(node->mode))
		return -EISDIR;
	if (node->proc) {
		struct proc_entry *pe = node->proc;
		if (!(node->mode & 0222))
			return -EACCES;
		if (pe->sysctl)
		{
			int err = sysctl_write(pe->sysctl, buf, len);
			return err ? err : (long)len;
		}
		if (!pe->write)
			return -EIO;
		return pe->write(buf, len, pe->data);
	}
	size_t base = append ? node->size : 0;
	size_t need = base + len;
	char *nd = NULL;
	if (need > node->cap) {
		size_t cap = need < 64 ? 64 : need + need / 2;
		nd = kmalloc(cap, GFP_KERNEL);
		if (!nd)
			return -ENOSPC;
		FS_LOCK();
		memcpy(nd, node->data, base);
		char *old = node->data;
		node->data = nd;
		node->cap = cap;
		FS_UNLOCK();
		kfree(old);
	}
	FS_LOCK();
	memcpy(node->data + base, buf, len);
	node->size = need;
	FS_UNLOCK();
	return len;
}

size_t fs_size(struct inode *node)
{
	return node->proc ? 0 : node->size;
}

int vfs_read_all(const char *path, void **data, unsigned long *len)
{
	struct inode *n;
	int err = fs_lookup(NULL, path, 0, &n);
	if (err)
		return err;
	return fs_read_all(n, data, len);
}

int fs_unlink(struct inode *cwd, const char *path, bool dir_ok)
{
	struct inode *n, **pp;
	int err = fs_lookup(cwd, path, FS_NOFOLLOW, &n);
	if (err)
		return err;
	if (!n->parent)
		return -EBUSY;
	if (S_ISDIR(n->mode)) {
		if (!dir_ok)
			return -EISDIR;
		if (n->children)
			return -ENOTEMPTY;
	}
	if (n->proc || !(n->parent->mode & 0222))
		return -EACCES;
	FS_LOCK();
	for (pp = &n->parent->children; *pp && *pp != n; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = n->next;
	FS_UNLOCK();
	/* the inode is not freed: a command or a task's cwd may still point at it */
	n->parent = NULL;
	return 0;
}
