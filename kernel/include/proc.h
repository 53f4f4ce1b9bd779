/* proc.h - /proc entries (owner: kuser).
 * A /proc file is an inode whose contents are produced on each open by show() and whose writes go
 * to write() (both optional). show() gets a buffer and its size and returns the number of bytes it
 * produced, snprintf-style: if the return value is >= size, the reader retries with a bigger buffer. */
#ifndef EMU_PROC_H
#define EMU_PROC_H

#include "types.h"

struct ctl_table;

struct proc_entry {
	int (*show)(char *buf, int size, void *data);
	/* Returns bytes consumed or -errno (e.g. -EINVAL gives "sh: write error: Invalid argument"). */
	long (*write)(const char *buf, size_t len, void *data);
	void *data;
	struct ctl_table *sysctl;      /* set for /proc/sys files: reads/writes use table->proc_handler */
};

/* Create /proc/<path> (path relative to /proc, e.g. "interrupts" or "driver/foo"); parent dirs are
 * made as needed. mode is the permission (0444 read-only, 0644 read-write). Returns 0 or -errno. */
int proc_create(const char *path, unsigned int mode,
		int (*show)(char *buf, int size, void *data),
		long (*write)(const char *buf, size_t len, void *data), void *data);

/* Called once by kcore's init before shell_start(): builds /proc and the kernel.* sysctls. */
void proc_init(void);

#endif
