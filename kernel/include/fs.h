/* fs.h - RAM filesystem (owner: kuser).
 * A tree of in-memory inodes unpacked from the initramfs (cpio newc). Paths are resolved against a
 * working directory (struct inode *cwd; NULL = root) with "." and ".." handled; symlinks are followed.
 * Every call returns 0 or a negative errno (Linux values). /proc lives in the same tree: its files
 * carry a struct proc_entry (see proc.h) and are read/written through their handlers. */
#ifndef EMU_FS_H
#define EMU_FS_H

#include "types.h"
#include "errno.h"

/* errno values kcore's errno.h does not (yet) have; guarded so they can move there. */
#ifndef ELOOP
#define ELOOP 40
#endif
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

#define FS_NAME_MAX 255
#define FS_PATH_MAX 1024

/* inode types (the S_IFMT bits of st_mode) */
#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

struct proc_entry;

struct inode {
	char *name;                    /* component name ("" for the root) */
	unsigned int mode;             /* S_IF* | permission bits */
	unsigned long ino;
	unsigned long mtime;           /* seconds (cpio mtime or uptime at last write) */
	struct inode *parent;
	struct inode *children;        /* directories: first child, sorted by name */
	struct inode *next;            /* next sibling */
	char *data;                    /* regular files and symlink targets */
	size_t size, cap;
	struct proc_entry *proc;       /* non-NULL for /proc files */
};

/* Root and lookup. flags: FS_NOFOLLOW = do not follow a symlink in the last component. */
#define FS_NOFOLLOW 1
struct inode *fs_root(void);
int fs_lookup(struct inode *cwd, const char *path, int flags, struct inode **out);
/* Split path into parent directory and last component; the parent must exist and be a directory. */
int fs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir, const char **last);
/* Absolute path of an inode into buf (size bytes), e.g. "/proc/sys/kernel". */
int fs_path(struct inode *node, char *buf, size_t size);

/* Creation. fs_mkdir_p creates missing parents too (like mkdir -p) and tolerates existing dirs. */
int fs_mkdir(struct inode *cwd, const char *path, unsigned int perm, struct inode **out);
int fs_mkdir_p(struct inode *cwd, const char *path, unsigned int perm, struct inode **out);
int fs_create(struct inode *cwd, const char *path, unsigned int perm, struct inode **out);
int fs_symlink(struct inode *cwd, const char *target, const char *path);
/* Remove a file or symlink (dir_ok: also an empty directory). */
int fs_unlink(struct inode *cwd, const char *path, bool dir_ok);

/* Data. fs_read reads a regular file or a /proc file from offset into buf; returns bytes or -errno.
 * fs_write replaces (append=false: truncate first) or appends; for /proc files the whole buffer is one
 * write() to the handler (sysctl semantics). Returns bytes written or -errno. */
long fs_read(struct inode *node, size_t off, void *buf, size_t len);
long fs_write(struct inode *node, const void *buf, size_t len, bool append);
/* Whole-file read into a kmalloc'd buffer (NUL-terminated, *len excludes the NUL). Caller kfree()s. */
int fs_read_all(struct inode *node, void **data, unsigned long *len);
/* Size as ls shows it (0 for /proc files, as on Linux). */
size_t fs_size(struct inode *node);

/* Cross-owner API (KERNEL-API.md): absolute path (or relative to /) read into a kmalloc'd buffer. */
int vfs_read_all(const char *path, void **data, unsigned long *len);
/* Unpack a cpio newc archive into the tree (called once at boot with the start_info module).
 * Returns the number of entries unpacked or -errno (-EINVAL for a malformed archive). */
int initramfs_unpack(const void *data, unsigned long len);

#endif
