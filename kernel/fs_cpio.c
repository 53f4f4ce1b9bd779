/* fs_cpio.c - unpack a cpio "newc" archive (the initramfs) into the RAM filesystem (owner: kuser).
 * Format: "070701" (or "070702") + 13 fields of 8 hex digits, the name (padded so header+name is a
 * multiple of 4), the data (padded to 4). "TRAILER!!!" ends an archive; NUL padding and further
 * concatenated archives may follow, as Linux accepts. Data is copied (boot memory may be reused). */
#include "kuser.h"
#include "fs.h"

#define CPIO_HDR 110

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJ, F_DEVMIN,
       F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK, F_COUNT };

static int parse_hex8(const char *p, unsigned long *out)
{
	unsigned long v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static unsigned long align4(unsigned long x)
{
	return (x + 3) & ~3UL;
}

/* One entry: create it under / (names are relative: "root/x.ko", "./root", "/root" all work). */
static int unpack_entry(const char *name, unsigned long mode, unsigned long mtime,
			const char *data, unsigned long size)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	if (!*name || !strcmp(name, "."))
		return 0;

	struct inode *n = NULL, *dir;
	const char *last;
	int err = 0;
	/* make the parent directories */
	char *tmp = kuser_strdup(name);
	if (!tmp)
		return -ENOMEM;
	char *slash = strrchr(tmp, '/');
	if (slash) {
		*slash = 0;
		err = fs_mkdir_p(NULL, tmp, 0755, &dir);
	}
	kfree(tmp);
	if (err)
		return err;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		err = fs_mkdir(NULL, name, mode & 07777, &n);
		if (err == -EEXIST && n && S_ISDIR(n->mode)) {
			n->mode = S_IFDIR | (mode & 07777);
			err = 0;
		}
		break;
	case S_IFREG:
		err = fs_create(NULL, name, mode & 07777, &n);
		if (err == -EEXIST && n && S_ISREG(n->mode))
			err = 0;       /* a later archive replaces the file */
		if (!err) {
			n->size = 0;
			long w = fs_write(n, data, size, false);
			err = w < 0 ? (int)w : 0;
		}
		break;
	case S_IFLNK: {
		char *target = kstrdup_n(data, size);
		if (!target)
			return -ENOMEM;
		err = fs_symlink(NULL, target, name);
		kfree(target);
		break;
	}
	default:
		return 0;      /* device nodes, fifos, sockets: not modelled */
	}
	(void)last;
	if (!err && n)
		n->mtime = mtime;
	return err;
}

int initramfs_unpack(const void *image, unsigned long len)
{
	const char *buf = image;
	unsigned long pos = 0;
	int files = 0;

	while (pos < len) {
		if (buf[pos] == 0) {            /* padding between archives */
			pos++;
			continue;
		}
		if (len - pos < CPIO_HDR)
			return -EINVAL;
		const char *h = buf + pos;
		if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6))
			return -EINVAL;
		unsigned long f[F_COUNT];
		for (int i = 0; i < F_COUNT; i++)
			if (parse_hex8(h + 6 + 8 * i, &f[i]))
				return -EINVAL;
		unsigned long namesize = f[F_NAMESIZE], filesize = f[F_FILESIZE];
		if (namesize == 0 || namesize > FS_PATH_MAX || namesize > len - pos - CPIO_HDR)
			return -EINVAL;
		const char *name = h + CPIO_HDR;
		if (name[namesize - 1] != 0)
			return -EINVAL;
		unsigned long data = align4(pos + CPIO_HDR + namesize);
		if (data > len || filesize > len - data)
			return -EINVAL;
		pos = align4(data + filesize);
		if (!strcmp(name, "TRAILER!!!"))
			continue;
		int err = unpack_entry(name, f[F_MODE], f[F_MTIME], buf + data, filesize);
		if (err)
			return err;
		files++;
	}
	return files;
}
