/* tty.c - console line editor (owner: kuser): echo, Backspace/DEL ("\b \b"), Ctrl-C ("^C", line
 * abandoned), Ctrl-U (kill line), Ctrl-W (erase word), Enter as CR, LF or CRLF, escape sequences
 * (arrow keys) swallowed. The line grows without limit, so pasted text is never dropped; bytes that
 * are already queued are processed in a batch and echoed with one console_write(). */
#include "kuser.h"
#include "tty.h"
#include "tty_int.h"

#ifndef KUSER_HOSTTEST
#include "console.h"
#include "sched.h"
#endif

void tty_ed_init(struct tty_ed *ed)
{
	ed->line.len = 0;
	if (ed->line.data)
		ed->line.data[0] = 0;
	ed->esc = 0;
	ed->hpos = ed->nhist;
}

static void history_add(struct tty_ed *ed)
{
	if (!ed->line.len || (ed->nhist && !strcmp(ed->hist[ed->nhist - 1], ed->line.data)))
		return;
	char *copy = kstrdup_n(ed->line.data, ed->line.len);
	if (!copy)
		return;
	if (ed->nhist == TTY_HISTORY) {
		kfree(ed->hist[0]);
		memmove(ed->hist, ed->hist + 1, (TTY_HISTORY - 1) * sizeof(char *));
		ed->nhist--;
	}
	ed->hist[ed->nhist++] = copy;
}

static void erase_chars(struct tty_ed *ed, size_t n, struct kbuf *echo);

/* Up (dir -1) / Down (+1): replace the line with a history entry (or an empty new line) */
static void history_move(struct tty_ed *ed, int dir, struct kbuf *echo)
{
	int pos = ed->hpos + dir;
	if (pos < 0 || pos > ed->nhist)
		return;
	ed->hpos = pos;
	erase_chars(ed, ed->line.len, echo);
	if (pos < ed->nhist) {
		kbuf_put(&ed->line, ed->hist[pos], strlen(ed->hist[pos]));
		kbuf_put(echo, ed->hist[pos], strlen(ed->hist[pos]));
	}
}

static void erase_chars(struct tty_ed *ed, size_t n, struct kbuf *echo)
{
	while (n-- && ed->line.len) {
		/* a UTF-8 character: drop its continuation bytes too, erase one column */
		do
			ed->line.len--;
		while (ed->line.len && (ed->line.data[ed->line.len] & 0xc0) == 0x80);
		kbuf_put(echo, "\b \b", 3);
	}
	if (ed->line.data)
		ed->line.data[ed->line.len] = 0;
}

int tty_feed(struct tty_ed *ed, int c, struct kbuf *echo)
{
	bool after_cr = ed->after_cr;
	ed->after_cr = false;

	if (ed->esc) {                 /* ESC [ params final  |  ESC O x  |  ESC x */
		if (ed->esc == 1) {
			ed->esc = (c == '[' || c == 'O') ? 2 : 0;
		} else if (c >= 0x40 && c <= 0x7e) {
			ed->esc = 0;
			if (c == 'A' || c == 'B')
				history_move(ed, c == 'A' ? -1 : 1, echo);
		}
		return TTY_MORE;
	}
	switch (c) {
	case '\r':
	case '\n':
		if (c == '\n' && after_cr)    /* the LF of a CRLF pair */
			return TTY_MORE;
		ed->after_cr = c == '\r';
		kbuf_putc(echo, '\n');
		history_add(ed);
		return TTY_LINE;
	case 0x03:                     /* Ctrl-C */
		kbuf_put(echo, "^C\n", 3);
		tty_ed_init(ed);
		return TTY_CANCEL;
	case 0x7f:                     /* DEL and Backspace */
	case 0x08:
		erase_chars(ed, 1, echo);
		return TTY_MORE;
	case 0x15:                     /* Ctrl-U */
		erase_chars(ed, ed->line.len, echo);
		return TTY_MORE;
	case 0x17: {                   /* Ctrl-W: blanks, then a word */
		size_t n = 0, i = ed->line.len;
		while (i > 0 && ed->line.data[i - 1] == ' ')
			i--, n++;
		while (i > 0 && ed->line.data[i - 1] != ' ')
			i--, n++;
		erase_chars(ed, n, echo);
		return TTY_MORE;
	}
	case 0x1b:
		ed->esc = 1;
		return TTY_MORE;
	case '\t':
		c = ' ';
		break;
	default:
		if (c < 0x20)
			return TTY_MORE;   /* other control characters are ignored */
	}
	if (kbuf_putc(&ed->line, (char)c))
		return TTY_MORE;       /* out of memory: the byte is lost, nothing else */
	kbuf_putc(echo, (char)c);
	return TTY_MORE;
}

#ifndef KUSER_HOSTTEST
static struct tty_ed console_ed;

long tty_readline(char **line)
{
	struct tty_ed *ed = &console_ed;
	struct kbuf echo = { 0 };
	int r = TTY_MORE;

	tty_ed_init(ed);
	while (r == TTY_MORE) {
		int c = console_getc();
		if (c < 0) {               /* -EINTR: a signal for this task; treat as Ctrl-C */
			clear_sigpending(current);
			c = 0x03;
		}
		r = tty_feed(ed, c, &echo);
		/* drain what is already queued before echoing (fast paste) */
		while (r == TTY_MORE && echo.len < 4096 && (c = console_trygetc()) >= 0)
			r = tty_feed(ed, c, &echo);
		if (echo.len) {
			console_write(echo.data, echo.len);
			echo.len = 0;
		}
	}
	kbuf_free(&echo);
	if (r == TTY_CANCEL)
		return TTY_INTR;
	*line = kstrdup_n(ed->line.data ? ed->line.data : "", ed->line.len);
	return *line ? (long)ed->line.len : -ENOMEM;
}
#endif
