/* tty.h - console line editor (owner: kuser), on top of kcore's console_getc()/console_write(). */
#ifndef EMU_TTY_H
#define EMU_TTY_H

#include "types.h"

#define TTY_INTR (-4)                  /* -EINTR: Ctrl-C abandoned the line */

/* Tab completion callback: the line so far; append what to insert to *insert, and the candidates
 * to *list when ambiguous (struct kbuf is kuser-internal). */
struct kbuf;
typedef void tty_complete_fn(const char *line, size_t len, struct kbuf *insert, struct kbuf *list);

/* Print prompt, then read one line (echoing, editing; Tab calls complete if not NULL). Returns a
 * kmalloc'd NUL-terminated line without the newline in *line (caller kfree()s) and its length, or
 * TTY_INTR after Ctrl-C (nothing to free). Lines of any length are kept (pasted input is never
 * dropped). */
long tty_readline(const char *prompt, tty_complete_fn *complete, char **line);

/* Start the reader task ("ttyS0", allowed on cpus) that drains the serial ring into the unbounded
 * input queue; shell_start() calls it. Without it tty_readline reads the driver directly. */
struct cpumask;
void tty_start_reader(const struct cpumask *cpus);

#endif
