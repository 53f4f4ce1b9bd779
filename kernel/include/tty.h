/* tty.h - console line editor (owner: kuser), on top of kcore's console_getc()/console_write(). */
#ifndef EMU_TTY_H
#define EMU_TTY_H

#include "types.h"

#define TTY_INTR (-4)                  /* -EINTR: Ctrl-C abandoned the line */

/* Read one line (echoing, editing). Returns a kmalloc'd NUL-terminated line without the newline in
 * *line (caller kfree()s) and its length, or TTY_INTR after Ctrl-C (nothing to free). Lines of any
 * length are kept (pasted input is never dropped). */
long tty_readline(char **line);

#endif
