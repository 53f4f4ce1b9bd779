/* sysctl.h - /proc/sys framework with Linux 5.4 semantics (owner: kuser).
 *
 * Usage (watchdog/, any kernel code):
 *     static struct ctl_table watchdog_sysctls[] = {
 *         { .procname = "watchdog_thresh", .data = &watchdog_thresh, .maxlen = sizeof(int),
 *           .mode = 0644, .proc_handler = proc_watchdog_thresh,
 *           .extra1 = SYSCTL_ZERO, .extra2 = &sixty },
 *         { }
 *     };
 *     register_sysctl("kernel", watchdog_sysctls);     // -> /proc/sys/kernel/watchdog_thresh
 * A handler has Linux's signature; it may call proc_dointvec_minmax() and then act on the new value.
 * On a read, buffer is a kernel buffer of *lenp bytes: fill it, set *lenp to the bytes produced and
 * advance *ppos. On a write, buffer holds the bytes written (not NUL-terminated), *lenp their count.
 * Return 0 or -errno (-EINVAL etc.; the shell prints "sh: write error: <strerror>"). */
#ifndef EMU_SYSCTL_H
#define EMU_SYSCTL_H

#include "types.h"

#ifndef EMU_LOFF_T
#define EMU_LOFF_T
typedef long long loff_t;
#endif

struct ctl_table;
typedef int proc_handler(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);

struct ctl_table {
	const char *procname;          /* file name under the registered directory; NULL ends a table */
	void *data;
	int maxlen;                    /* bytes of *data (ints: n * sizeof(int); bitmaps: number of bits) */
	unsigned short mode;           /* 0644, 0444, 0555 for a directory ... */
	struct ctl_table *child;       /* register_sysctl_table(): directory entries */
	proc_handler *proc_handler;
	void *extra1, *extra2;         /* min / max for the _minmax handlers */
};

struct ctl_table_header {
	struct ctl_table *table;
	struct ctl_table_header *next;
};

/* Shared min/max constants, as Linux 5.4's SYSCTL_ZERO / SYSCTL_ONE / SYSCTL_INT_MAX. */
extern const int sysctl_vals[];
#define SYSCTL_ZERO    ((void *)&sysctl_vals[0])
#define SYSCTL_ONE     ((void *)&sysctl_vals[1])
#define SYSCTL_INT_MAX ((void *)&sysctl_vals[2])

/* Handlers (Linux semantics). Integers: decimal, 0x hex or 0 octal, optional '-', separated by
 * blanks/newlines; garbage -> -EINVAL; out of [*extra1, *extra2] -> -EINVAL; value unchanged on error. */
int proc_dointvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);
int proc_dointvec_minmax(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);
int proc_douintvec(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);
int proc_douintvec_minmax(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);
int proc_dostring(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);
/* cpulist bitmap ("0,2-3"). As in Linux: table->data points to an `unsigned long *` that points to the
 * bitmap; maxlen is the number of bits (e.g. NR_CPUS). Read prints "0-3\n". */
int proc_do_large_bitmap(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos);

/* Registration. register_sysctl(): path like "kernel" (dirs separated by '/' or '.'), flat table.
 * register_sysctl_table(): Linux's nested form, e.g. {{ .procname="kernel", .mode=0555, .child=t }, {}}.
 * Registering works before or after proc_init() (entries are queued and materialised by proc_init). */
struct ctl_table_header *register_sysctl(const char *path, struct ctl_table *table);
struct ctl_table_header *register_sysctl_table(struct ctl_table *table);

/* Shell/kernel helpers: name is "kernel.watchdog_thresh" or "kernel/watchdog_thresh".
 * sysctl_read writes the value text (with its trailing newline) to buf; returns length or -errno.
 * sysctl_write performs one write() of len bytes; returns 0 or -errno. */
struct ctl_table *sysctl_find(const char *name);
int sysctl_read(struct ctl_table *t, char *buf, size_t size);
int sysctl_write(struct ctl_table *t, const char *buf, size_t len);
/* Walk the sysctls in /proc/sys in name order: fn(dotted name, table, arg). */
void sysctl_for_each(void (*fn)(const char *name, struct ctl_table *t, void *arg), void *arg);
/* Apply boot parameters of the form sysctl.kernel.name=value (Linux 5.8+); called by proc_init. */
void sysctl_apply_cmdline(const char *cmdline);

#endif
