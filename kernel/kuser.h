/* kuser.h - private helpers shared by the tty, shell, fs and proc code (owner: kuser).
 * Not a public header: other parts use fs.h, proc.h, sysctl.h, shell.h, tty.h.
 * With -DKUSER_HOSTTEST the same sources build natively for the host unit tests (kernel/tests/). */
#ifndef KUSER_H
#define KUSER_H

#include "kernel.h"
#include "string.h"
#include "errno.h"

#include "mm.h"
#ifndef KUSER_HOSTTEST
#include "spinlock.h"
#endif

/* Growable byte buffer (kmalloc'd). */
struct kbuf {
	char *data;
	size_t len, cap;
};
int kbuf_reserve(struct kbuf *b, size_t extra);
int kbuf_put(struct kbuf *b, const void *p, size_t n);
int kbuf_putc(struct kbuf *b, char c);
__printf(2, 3) int kbuf_printf(struct kbuf *b, const char *fmt, ...);
void kbuf_free(struct kbuf *b);

char *kstrdup_n(const char *s, size_t n);          /* kmalloc'd copy of n bytes + NUL */
static inline char *kuser_strdup(const char *s) { return kstrdup_n(s, strlen(s)); }

/* Linux/glibc strerror text for a positive errno ("Invalid argument"). */
const char *kuser_strerror(int err);

/* Glob match of one path component (*, ?, [...], \ escapes); a leading '.' must match explicitly. */
bool glob_match(const char *pat, const char *name);

#endif
