/* printk: log ring of line records, console output with "[%5lu.%06lu] " timestamps, levels,
 * dmesg, NMI-safe per-CPU buffers and lock busting during panic (as Linux's printk_safe). */
#include "kernel.h"
#include "string.h"
#include "spinlock.h"
#include "smp.h"
#include "time.h"
#include "console.h"
#include "cmdline.h"
#include "nmi.h"
#include "boot.h"

#define LOG_RECORDS 2048
#define LOG_LINE_MAX 240
#define LOG_NEWLINE 1
#define LOG_CONT 2

struct log_rec {
	u64 ts;
	u16 len;
	u8 level;
	u8 flags;
	char text[LOG_LINE_MAX];
};

static struct log_rec log_buf[LOG_RECORDS];
static u64 log_first_seq, log_next_seq, console_seq;
static raw_spinlock_t logbuf_lock = __SPIN_LOCK_UNLOCKED(logbuf_lock);
static raw_spinlock_t console_lock = __SPIN_LOCK_UNLOCKED(console_lock);
static bool console_last_open;       /* console printed a line without its newline */
static int last_level;               /* level of the line a continuation belongs to */
int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
static int suppress_printk;

void console_verbose(void)
{
	if (console_loglevel)
		console_loglevel = 15;
}

static int __init loglevel_setup(char *s)
{
	int v;
	if (s && !kstrtoint(s, 0, &v))
		console_loglevel = v;
	return 0;
}
early_param("loglevel", loglevel_setup);

static int __init quiet_setup(char *s)
{
	console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	return 0;
}
early_param("quiet", quiet_setup);

static int __init debug_setup(char *s)
{
	console_loglevel = 10;
	return 0;
}
early_param("debug", debug_setup);

/* ---- store ---- */
static struct log_rec *last_rec(void)
{
	return log_next_seq == log_first_seq ? NULL : &log_buf[(log_next_seq - 1) % LOG_RECORDS];
}

static void log_store(u64 ts, int level, bool cont, const char *text, int len)
{
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		int seg = nl ? nl - text : len;
		struct log_rec *prev = last_rec();
		if (cont && prev && !(prev->flags & LOG_NEWLINE) && prev->len + seg < LOG_LINE_MAX &&
		    console_seq < log_next_seq) {
			/* not printed yet: extend the open record */
			memcpy(prev->text + prev->len, text, seg);
			prev->len += seg;
			if (nl)
				prev->flags |= LOG_NEWLINE;
		} else {
			if (log_next_seq - log_first_seq >= LOG_RECORDS)
				log_first_seq++;
			if (console_seq < log_first_seq)
				console_seq = log_first_seq;
			struct log_rec *r = &log_buf[log_next_seq % LOG_RECORDS];
			r->ts = ts;
			r->len = seg < LOG_LINE_MAX ? seg : LOG_LINE_MAX;
			memcpy(r->text, text, r->len);
			r->flags = (nl ? LOG_NEWLINE : 0) | (cont && prev && !(prev->flags & LOG_NEWLINE) ? LOG_CONT : 0);
			r->level = (r->flags & LOG_CONT) ? last_level : level;
			if (!(r->flags & LOG_CONT))
				last_level = level;
			log_next_seq++;
		}
		if (!nl)
			break;
		len -= seg + 1;
		text = nl + 1;
		cont = false;
		if (!len)
			break;
	}
}

/* ---- console ---- */
static int fmt_prefix(char *p, int size, u64 ts)
{
	unsigned long sec = ts / NSEC_PER_SEC, usec = (ts % NSEC_PER_SEC) / 1000;
	return snprintf(p, size, "[%5lu.%06lu] ", sec, usec);
}

static void console_emit_rec(struct log_rec *r)
{
	char pfx[32];
	if (r->level >= console_loglevel)
		return;
	if (!(r->flags & LOG_CONT)) {
		if (console_last_open)
			console_write_raw("\n", 1);
		console_write_raw(pfx, fmt_prefix(pfx, sizeof(pfx), r->ts));
	}
	console_write_raw(r->text, r->len);
	if (r->flags & LOG_NEWLINE)
		console_write_raw("\n", 1);
	console_last_open = !(r->flags & LOG_NEWLINE);
}

static void console_flush(void);
static bool console_trylock_bust(void);
static void console_unlock_raw(void);

/* console_write() for the tty/shell: same lock as printk's console output (never from NMI) */
void console_write_locked(const char *s, size_t n)
{
	unsigned long f = arch_local_irq_save();
	if (panic_cpu == -1 || panic_cpu == smp_processor_id()) {
		unsigned long spins = 0;
		while (!console_trylock_bust()) {
			if (panic_cpu == smp_processor_id() && ++spins > 1000000) {
				spin_lock_init(&console_lock);
				continue;
			}
			cpu_relax();
		}
		console_write_raw(s, n);
		if (n)
			console_last_open = s[n - 1] != '\n';
		console_unlock_raw();
	}
	arch_local_irq_restore(f);
	console_flush();
}

/* console lock: trylock; a holder that has kept it for more than 2 s is taken to be stuck (e.g. a
 * CPU locked up with IRQs off in the middle of output) and the lock is broken, so later reports
 * (NMI backtraces, hard lockup reports) still reach the console */
static volatile u64 console_lock_since;

static bool console_trylock_bust(void)
{
	if (arch_spin_trylock(&console_lock)) {
		console_lock_since = local_clock();
		return true;
	}
	u64 since = console_lock_since, now = local_clock();
	if (since && now > since && now - since > 2 * NSEC_PER_SEC &&
	    console_lock.owner_cpu != smp_processor_id()) {
		spin_lock_init(&console_lock);
		if (arch_spin_trylock(&console_lock)) {
			console_lock_since = now;
			return true;
		}
	}
	return false;
}

static void console_unlock_raw(void)
{
	console_lock_since = 0;
	arch_spin_unlock(&console_lock);
}

static void console_flush(void)
{
	for (;;) {
		if (!console_trylock_bust())
			return;
		for (;;) {
			unsigned long f = arch_local_irq_save();
			arch_spin_lock(&logbuf_lock);
			if (console_seq >= log_next_seq) {
				arch_spin_unlock(&logbuf_lock);
				arch_local_irq_restore(f);
				break;
			}
			struct log_rec r = log_buf[console_seq % LOG_RECORDS];
			console_seq++;
			arch_spin_unlock(&logbuf_lock);
			if (!suppress_printk)
				console_emit_rec(&r);
			arch_local_irq_restore(f);
		}
		console_unlock_raw();
		if (READ_ONCE(console_seq) >= READ_ONCE(log_next_seq))
			return;
	}
}

/* ---- NMI buffers (per CPU; flushed from normal context or by panic) ---- */
#define NMI_BUF 4096
struct nmi_seq_buf { volatile int len; char buf[NMI_BUF]; };
static struct nmi_seq_buf nmi_bufs[NR_CPUS];
static raw_spinlock_t nmi_flush_lock = __SPIN_LOCK_UNLOCKED(nmi_flush_lock);
static volatile int nmi_pending;

static void nmi_buf_store(const char *text, int len)
{
	struct nmi_seq_buf *s = &nmi_bufs[smp_processor_id()];
	int old, n;
	/* as Linux's printk_safe: write past the published length, then publish with cmpxchg; if the
	 * flusher reset the buffer meanwhile, write again at the new end */
	do {
		old = __atomic_load_n(&s->len, __ATOMIC_SEQ_CST);
		n = old + len > NMI_BUF ? NMI_BUF - old : len;
		if (n <= 0)
			return;
		memcpy(s->buf + old, text, n);
	} while (!__atomic_compare_exchange_n(&s->len, &old, old + n, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	nmi_pending = 1;
}

static int vprintk_store(const char *text, int len, bool from_nmi_flush);

static void __printk_nmi_flush(bool force);
void printk_nmi_flush(void)
{
	__printk_nmi_flush(false);
}

static void __printk_nmi_flush(bool force)
{
	static char tmp[NMI_BUF];
	int cpu;
	if (!nmi_pending || (in_nmi() && !force))
		return;
	unsigned long f = arch_local_irq_save();
	if (!arch_spin_trylock(&nmi_flush_lock)) {
		arch_local_irq_restore(f);
		return;
	}
	nmi_pending = 0;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct nmi_seq_buf *s = &nmi_bufs[cpu];
		int len;
	again:
		len = s->len;
		if (!len)
			continue;
		memcpy(tmp, s->buf, len);
		if (__atomic_compare_exchange_n(&s->len, &len, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) == 0)
			goto again;
		/* re-store line by line keeping the level prefixes */
		int start = 0, i;
		for (i = 0; i < len; i++) {
			if (tmp[i] == '\n' || i == len - 1) {
				vprintk_store(tmp + start, i - start + 1, true);
				start = i + 1;
			}
		}
	}
	arch_spin_unlock(&nmi_flush_lock);
	arch_local_irq_restore(f);
}

/* ---- printk ---- */
static int vprintk_store(const char *text, int len, bool from_nmi_flush)
{
	int level = LOGLEVEL_DEFAULT;
	bool cont = false;
	while (len >= 2 && text[0] == KERN_SOH[0]) {
		if (text[1] >= '0' && text[1] <= '7')
			level = text[1] - '0';
		else if (text[1] == 'c')
			cont = true;
		text += 2;
		len -= 2;
	}
	u64 ts = local_clock();
	unsigned long f = arch_local_irq_save();
	if (in_nmi() || panic_cpu != -1) {
		/* never spin in NMI; during a panic the lock owner may be a stopped CPU */
		int tries = panic_cpu == smp_processor_id() ? 100000 : 0;
		while (!arch_spin_trylock(&logbuf_lock)) {
			if (tries-- <= 0) {
				if (panic_cpu == smp_processor_id()) {
					spin_lock_init(&logbuf_lock);   /* bust */
					continue;
				}
				arch_local_irq_restore(f);
				return 0;
			}
			cpu_relax();
		}
	} else {
		arch_spin_lock(&logbuf_lock);
	}
	log_store(ts, level, cont, text, len);
	arch_spin_unlock(&logbuf_lock);
	arch_local_irq_restore(f);
	return len;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int len = vscnprintf(buf, sizeof(buf), fmt, ap);
	if (in_nmi()) {
		unsigned long f = arch_local_irq_save();
		bool stored = false;
		if (arch_spin_trylock(&logbuf_lock)) {
			arch_spin_unlock(&logbuf_lock);
			stored = true;
		}
		arch_local_irq_restore(f);
		/* logbuf free: store directly (Linux's printk_nmi_direct); else per-CPU buffer */
		if (!stored || !vprintk_store(buf, len, false)) {
			nmi_buf_store(buf, len);
			return len;
		}
	} else {
		printk_nmi_flush();
		vprintk_store(buf, len, false);
	}
	if (panic_cpu == smp_processor_id() && !arch_spin_trylock(&console_lock)) {
		spin_lock_init(&console_lock);          /* bust: the owner is stopped */
	} else if (panic_cpu == smp_processor_id()) {
		arch_spin_unlock(&console_lock);
	}
	console_flush();
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* panic: flush NMI buffers of all CPUs even if their flush lock is held, then the console */
void printk_flush_on_panic(void)
{
	spin_lock_init(&nmi_flush_lock);
	nmi_pending = 1;
	__printk_nmi_flush(true);
	spin_lock_init(&console_lock);
	console_flush();
}

/* self-test (kcore_test=nmibuf): an NMI that printks while this CPU holds the log lock must not
 * deadlock; its text goes to the per-CPU NMI buffer and appears after the lock is dropped */
void printk_test_nmi_buffer(void (*raise_nmi)(void))
{
	unsigned long f = arch_local_irq_save();
	arch_spin_lock(&logbuf_lock);
	raise_nmi();
	arch_spin_unlock(&logbuf_lock);
	arch_local_irq_restore(f);
	printk(KERN_INFO "kcore_test: log lock released\n");
}

void printk_suppress(void)
{
	suppress_printk = 1;
}

int dmesg_read(char *buf, int size)
{
	int pos = 0;
	bool open = false;
	unsigned long f;
	spin_lock_irqsave(&logbuf_lock, f);
	u64 seq;
	for (seq = log_first_seq; seq < log_next_seq; seq++) {
		struct log_rec *r = &log_buf[seq % LOG_RECORDS];
		if (!(r->flags & LOG_CONT)) {
			if (open && pos < size)
				buf[pos++] = '\n';
			pos += fmt_prefix(buf + pos, pos < size ? size - pos : 0, r->ts);
			if (pos > size)
				pos = size;
		}
		int n = min(r->len, (u16)(size - pos));
		memcpy(buf + pos, r->text, n);
		pos += n;
		if ((r->flags & LOG_NEWLINE) && pos < size)
			buf[pos++] = '\n';
		open = !(r->flags & LOG_NEWLINE);
	}
	spin_unlock_irqrestore(&logbuf_lock, f);
	if (pos < size)
		buf[pos] = 0;
	return pos;
}

void dmesg_clear(void)
{
	unsigned long f;
	spin_lock_irqsave(&logbuf_lock, f);
	log_first_seq = log_next_seq;
	spin_unlock_irqrestore(&logbuf_lock, f);
}
