/* tty.c - console line editor (owner: kuser): echo, Backspace/DEL ("\b \b"), Ctrl-C ("^C", line
 * abandoned), Ctrl-U (kill line), Ctrl-W (erase word), Enter as CR, LF or CRLF, Up/Down history,
 * Tab completion (through the shell's completer), other escape sequences swallowed. The line grows without limit, so pasted text is never dropped; bytes that
 * are already queued are processed in a batch and echoed with one console_write(). A reader task
 * ("ttyS0") drains the serial driver's ring into an unbounded queue while commands run. */
#include "kuser.h"
#include "tty.h"
#include "tty_int.h"

#ifndef KUSER_HOSTTEST
#include "console.h"
#include "sched.h"
#include "wait.h"
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

static void complete_line(struct tty_ed *ed, struct kbuf *echo)
{
	struct kbuf insert = { 0 }, list = { 0 };
	ed->complete(ed->line.data ? ed->line.data : "", ed->line.len, &insert, &list);
	if (insert.len) {
		kbuf_put(&ed->line, insert.data, insert.len);
		kbuf_put(echo, insert.data, insert.len);
	} else if (list.len) {         /* ambiguous and nothing to add: show the candidates, redraw */
		kbuf_putc(echo, '\n');
		kbuf_put(echo, list.data, list.len);
		kbuf_putc(echo, '\n');
		if (ed->prompt)
			kbuf_put(echo, ed->prompt, strlen(ed->prompt));
		kbuf_put(echo, ed->line.data ? ed->line.data : "", ed->line.len);
	}
	kbuf_free(&insert);
	kbuf_free(&list);
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
		if (!ed->complete) {
			c = ' ';
			break;
		}
		complete_line(ed, echo);
		return TTY_MORE;
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
/* The input queue: a reader task moves bytes from the serial driver's fixed-size ring into an
 * unbounded buffer as soon as they arrive, so input typed or pasted while a command runs is kept
 * (the ring alone would overflow). */
static DEFINE_SPINLOCK(inq_lock);
static DECLARE_WAIT_QUEUE_HEAD(inq_wait);
static struct kbuf inq;
static size_t inq_head;
static bool reader_running;

static void inq_put(char c)
{
	unsigned long flags;
	spin_lock_irqsave(&inq_lock, flags);
	kbuf_putc(&inq, c);
	spin_unlock_irqrestore(&inq_lock, flags);
}

static int tty_reader(void *unused)
{
	for (;;) {
		int c = console_getc();
		if (c < 0) {
			clear_sigpending(current);
			continue;
		}
		inq_put(c);
		while ((c = console_trygetc()) >= 0)
			inq_put(c);
		wake_up_all(&inq_wait);
	}
	return 0;
}

static bool inq_ready(void)
{
	return READ_ONCE(inq_head) < READ_ONCE(inq.len);
}

/* One byte from the queue: blocking (wait) or -1 when empty. */
static int inq_get(bool wait)
{
	unsigned long flags;
	int c = -1;
	if (!reader_running)
		return wait ? console_getc() : console_trygetc();
	if (wait && wait_event_interruptible(inq_wait, inq_ready()))
		return -EINTR;
	spin_lock_irqsave(&inq_lock, flags);
	if (inq_head < inq.len) {
		c = (unsigned char)inq.data[inq_head++];
		if (inq_head == inq.len)
			inq.len = inq_head = 0;
	}
	spin_unlock_irqrestore(&inq_lock, flags);
	return c;
}

void tty_start_reader(const struct cpumask *cpus)
{
	struct task_struct *t = kthread_create(tty_reader, NULL, "ttyS0");
	if (!t)
		return;                /* fall back to reading the driver directly */
	if (cpus)
		set_cpus_allowed_ptr(t, cpus);
	reader_running = true;
	wake_up_process(t);
}

static struct tty_ed console_ed;

long tty_readline(const char *prompt, tty_complete_fn *complete, char **line)
{
	struct tty_ed *ed = &console_ed;
	struct kbuf echo = { 0 };
	int r = TTY_MORE;

	tty_ed_init(ed);
	ed->prompt = prompt;
	ed->complete = complete;
	if (prompt)
		console_write(prompt, strlen(prompt));
	while (r == TTY_MORE) {
		int c = inq_get(true);
		if (c < 0) {               /* -EINTR: a signal for this task; treat as Ctrl-C */
			clear_sigpending(current);
			c = 0x03;
		}
		r = tty_feed(ed, c, &echo);
		/* drain what is already queued before echoing (fast paste) */
		while (r == TTY_MORE && echo.len < 4096 && (c = inq_get(false)) >= 0)
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
