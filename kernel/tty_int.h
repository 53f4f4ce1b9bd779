/* tty_int.h - the line editor's state machine (pure logic, host-tested). Owner: kuser. */
#ifndef KUSER_TTY_INT_H
#define KUSER_TTY_INT_H

#include "kuser.h"
#include "tty.h"

enum { TTY_MORE, TTY_LINE, TTY_CANCEL };

#define TTY_HISTORY 32

struct tty_ed {
	struct kbuf line;              /* the line so far (NUL-terminated) */
	int esc;                       /* escape sequence state: 0 none, 1 after ESC, 2 in CSI/SS3 */
	bool after_cr;                 /* last byte was CR: a following LF is part of the same Enter */
	char *hist[TTY_HISTORY];       /* previous lines, oldest first (Up/Down arrows) */
	int nhist, hpos;               /* hpos == nhist: editing a new line */
	tty_complete_fn *complete;     /* NULL: Tab inserts a space */
	const char *prompt;            /* redrawn after a completion list */
};

void tty_ed_init(struct tty_ed *ed);
/* Feed one input byte; bytes to echo are appended to *echo. Returns TTY_MORE, TTY_LINE (the line is
 * in ed->line) or TTY_CANCEL (Ctrl-C: line discarded). */
int tty_feed(struct tty_ed *ed, int c, struct kbuf *echo);

#endif
