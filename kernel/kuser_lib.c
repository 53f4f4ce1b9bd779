/* kuser_lib.c - small helpers for the tty/shell/fs/proc code: growable buffers, strdup, strerror. */
#include "kuser.h"

int kbuf_reserve(struct kbuf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra)
		cap *= 2;
	char *d = kmalloc(cap, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	if (b->len)
		memcpy(d, b->data, b->len);
	kfree(b->data);
	b->data = d;
	b->cap = cap;
	return 0;
}

int kbuf_put(struct kbuf *b, const void *p, size_t n)
{
	if (kbuf_reserve(b, n + 1))
		return -ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;       /* always NUL-terminated (not counted) */
	return 0;
}

int kbuf_putc(struct kbuf *b, char c)
{
	return kbuf_put(b, &c, 1);
}

int kbuf_printf(struct kbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small))
		return kbuf_put(b, small, n);
	if (kbuf_reserve(b, n + 1))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
	return 0;
}

void kbuf_free(struct kbuf *b)
{
	kfree(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *kstrdup_n(const char *s, size_t n)
{
	char *d = kmalloc(n + 1, GFP_KERNEL);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* glibc's texts */
static const char *const errtext[] = {
	[0] = "Success",
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[ENXIO] = "No such device or address",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[18] = "Invalid cross-device link",
	[ENODEV] = "No such device",
	[ENOTDIR] = "Not a directory",
	[EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument",
	[ENFILE] = "Too many open files in system",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[26] = "Text file busy",
	[EFBIG] = "File too large",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EROFS] = "Read-only file system",
	[31] = "Too many links",
	[EPIPE] = "Broken pipe",
	[EDOM] = "Numerical argument out of domain",
	[ERANGE] = "Numerical result out of range",
	[35] = "Resource deadlock avoided",
	[ENAMETOOLONG] = "File name too long",
	[37] = "No locks available",
	[ENOSYS] = "Function not implemented",
	[ENOTEMPTY] = "Directory not empty",
	[40] = "Too many levels of symbolic links",
	[ENODATA] = "No data available",
	[62] = "Timer expired",
	[74] = "Bad message",
	[75] = "Value too large for defined data type",
	[95] = "Operation not supported",
	[110] = "Connection timed out",
	[126] = "Required key not available",
	[127] = "Key has expired",
	[128] = "Key has been revoked",
	[129] = "Key was rejected by service",
};

const char *kuser_strerror(int err)
{
	static char unknown[32];
	if (err < 0)
		err = -err;
	if (err < (int)ARRAY_SIZE(errtext) && errtext[err])
		return errtext[err];
	snprintf(unknown, sizeof(unknown), "Unknown error %d", err);
	return unknown;
}
