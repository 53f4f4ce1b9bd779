/* Time: HPET, TSC calibration (CPUID 0x15/0x16 or 10 ms against the HPET), LAPIC timer (TSC-deadline
 * or calibrated one-shot), per-CPU hrtimers, the HZ=250 tick (an hrtimer per CPU), clocks and delays. */
#include "kernel.h"
#include "string.h"
#include "time.h"
#include "hrtimer.h"
#include "io.h"
#include "mm.h"
#include "apic.h"
#include "irq.h"
#include "smp.h"
#include "spinlock.h"
#include "delay.h"
#include "sched.h"
#include "boot.h"
#include "ptrace.h"

volatile unsigned long jiffies;
unsigned int tsc_khz, cpu_khz;
u32 lapic_timer_khz;
bool use_tsc_deadline;
bool boot_cpu_tsc_deadline, boot_cpu_invariant_tsc;
static u64 tsc_base, ns_mult, cyc_mult;     /* ns = cyc * ns_mult >> 32; cyc = ns * cyc_mult >> 32 */
static volatile u8 *hpet;
static u64 hpet_period_fs;

static inline u64 mul_shr32(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 32); }
static u64 cyc2ns(u64 c) { return mul_shr32(c, ns_mult); }
static u64 ns2cyc(u64 ns) { return mul_shr32(ns, cyc_mult); }

u64 ktime_get_ns(void)
{
	if (!ns_mult)
		return 0;
	return cyc2ns(rdtsc() - tsc_base);
}
u64 ktime_get_boottime_ns(void) { return ktime_get_ns(); }
u64 sched_clock(void) { return ktime_get_ns(); }
u64 local_clock(void) { return ktime_get_ns(); }
u64 running_clock(void) { return ktime_get_ns(); }

static void set_tsc_khz(u64 khz)
{
	tsc_khz = cpu_khz = khz;
	ns_mult = (1000000ULL << 32) / khz;
	cyc_mult = ((u64)khz << 32) / 1000000ULL;
}

static u64 hpet_counter(void) { return readq(hpet + 0xf0); }

void time_init(void)
{
	u32 a, b, c, d;
	u64 tsc_hz = 0;
	tsc_base = rdtsc();
	cpuid(1, &a, &b, &c, &d);
	boot_cpu_tsc_deadline = (c >> 24) & 1;
	if (cpuid_eax(0x80000000) >= 0x80000007)
		boot_cpu_invariant_tsc = (cpuid_edx(0x80000007) >> 8) & 1;
	if (boot_cpu_data.max_leaf >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		if (a && b) {
			u64 crystal = c;
			if (!crystal && boot_cpu_data.max_leaf >= 0x16)
				crystal = (u64)(cpuid_eax(0x16) & 0xffff) * 1000000ULL * a / b;
			tsc_hz = crystal * b / a;
		}
	}
	if (hpet_phys) {
		hpet = ioremap(hpet_phys, 1024);
		u64 cap = readq(hpet);
		hpet_period_fs = cap >> 32;
		writeq(readq(hpet + 0x10) & ~3ULL, hpet + 0x10);
		writeq(0, hpet + 0xf0);
		writeq((readq(hpet + 0x10) & ~3ULL) | 1, hpet + 0x10);    /* ENABLE_CNF, no legacy route */
		u64 mhz_x = 1000000000000000ULL / hpet_period_fs;          /* Hz */
		printk(KERN_INFO "hpet0: at MMIO 0x%llx, %d comparators, %d-bit %lu.%06lu MHz counter\n",
		       (unsigned long long)hpet_phys, (int)((cap >> 8) & 0x1f) + 1, (cap & (1 << 13)) ? 64 : 32,
		       mhz_x / 1000000, mhz_x % 1000000);
	}
	/* LAPIC timer counting during the window (one-shot, masked, divide by 1) */
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | 0xec);
	if (hpet_period_fs && !(tsc_hz && boot_cpu_tsc_deadline)) {   /* emu: CPUID 0x15 + TSC-deadline: no window */
		u64 ticks = 10000000000000ULL / hpet_period_fs;            /* 10 ms */
		u64 h0 = hpet_counter(), t0, t1, h1;
		while ((h1 = hpet_counter()) == h0)
			;
		h0 = h1;
		t0 = rdtsc();
		apic_write(APIC_TMICT, 0xffffffff);
		do
			h1 = hpet_counter();
		while (h1 - h0 < ticks);
		t1 = rdtsc();
		u32 left = apic_read(APIC_TMCCT);
		u64 ns = (h1 - h0) * hpet_period_fs / 1000000;
		if (!tsc_hz)
			tsc_hz = (t1 - t0) * 1000000000ULL / ns;
		lapic_timer_khz = (u64)(0xffffffffU - left) * 1000000ULL / ns;
		if (!tsc_khz && !(boot_cpu_data.max_leaf >= 0x15 && tsc_hz))
			printk(KERN_INFO "tsc: Fast TSC calibration using HPET\n");
	}
	if (!tsc_hz) {
		tsc_hz = 1000000000ULL;
		printk(KERN_WARNING "tsc: no HPET and no CPUID 0x15: assuming 1000 MHz\n");
	}
	set_tsc_khz(tsc_hz / 1000);
	printk(KERN_INFO "tsc: Detected %u.%03u MHz processor\n", tsc_khz / 1000, tsc_khz % 1000);
	if (!lapic_timer_khz)
		lapic_timer_khz = 1000000;
	if (boot_cpu_tsc_deadline) {
		use_tsc_deadline = true;
		printk(KERN_INFO "TSC deadline timer available\n");
	} else {
		printk(KERN_INFO "TSC deadline timer not available: LAPIC timer one-shot mode, %u.%03u MHz\n",
		       lapic_timer_khz / 1000, lapic_timer_khz % 1000);
	}
	if (!boot_cpu_invariant_tsc)
		printk(KERN_INFO "tsc: no invariant TSC (CPUID 0x80000007 EDX[8]); using it as clocksource anyway\n");
	printk(KERN_INFO "clocksource: Switched to clocksource tsc\n");
}

/* ---- LAPIC timer programming ---- */
static void program_event(u64 expires_ns)
{
	u64 now = ktime_get_ns();
	if (use_tsc_deadline) {
		apic_write(APIC_LVTT, 0xec | APIC_LVT_TIMER_TSCDEADLINE);
		wrmsrl(MSR_IA32_TSC_DEADLINE, tsc_base + ns2cyc(expires_ns > now ? expires_ns : now + 1000));
		return;
	}
	u64 delta = expires_ns > now ? expires_ns - now : 1000;
	if (delta < 1000)
		delta = 1000;
	u64 count = delta * lapic_timer_khz / 1000000ULL;
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	if (!count)
		count = 1;
	apic_write(APIC_LVTT, 0xec);
	apic_write(APIC_TMICT, (u32)count);
}

/* ---- hrtimers ---- */
struct hrtimer_cpu_base {
	raw_spinlock_t lock;
	struct hrtimer *head;
	struct hrtimer *running;
	u64 next;
};
static DEFINE_PER_CPU(struct hrtimer_cpu_base, hrtimer_bases);
static DEFINE_PER_CPU(struct hrtimer, tick_timer);
#define HRT_QUEUED 1
#define HRT_RUNNING 2

void hrtimer_init(struct hrtimer *t, clockid_t clock, enum hrtimer_mode mode)
{
	memset(t, 0, sizeof(*t));
	t->cpu = -1;
}

static void enqueue(struct hrtimer_cpu_base *b, struct hrtimer *t, int cpu)
{
	struct hrtimer **pp = &b->head;
	while (*pp && (*pp)->expires <= t->expires)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->cpu = cpu;
	__atomic_or_fetch(&t->state, HRT_QUEUED, __ATOMIC_SEQ_CST);
}

static bool dequeue(struct hrtimer_cpu_base *b, struct hrtimer *t)
{
	struct hrtimer **pp = &b->head;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (!*pp)
		return false;
	*pp = t->next;
	t->next = NULL;
	__atomic_and_fetch(&t->state, ~HRT_QUEUED, __ATOMIC_SEQ_CST);
	return true;
}

/* remove from whatever base it is queued on; returns with no lock held */
static int remove_timer(struct hrtimer *t)
{
	for (;;) {
		int cpu = READ_ONCE(t->cpu);
		if (cpu < 0 || !(t->state & HRT_QUEUED))
			return 0;
		struct hrtimer_cpu_base *b = per_cpu_ptr(&hrtimer_bases, cpu);
		unsigned long f;
		raw_spin_lock_irqsave(&b->lock, f);
		if (t->cpu != cpu) {
			raw_spin_unlock_irqrestore(&b->lock, f);
			continue;
		}
		int r = dequeue(b, t);
		raw_spin_unlock_irqrestore(&b->lock, f);
		return r;
	}
}

void hrtimer_start(struct hrtimer *t, ktime_t tim, enum hrtimer_mode mode)
{
	if (mode & HRTIMER_MODE_REL)
		tim += ktime_get_ns();
	remove_timer(t);
	unsigned long f;
	local_irq_save(f);
	int cpu = smp_processor_id();
	struct hrtimer_cpu_base *b = this_cpu_ptr(&hrtimer_bases);
	raw_spin_lock(&b->lock);
	t->expires = tim;
	enqueue(b, t, cpu);
	if (b->head == t && b->running == NULL)
		program_event(tim);
	raw_spin_unlock(&b->lock);
	local_irq_restore(f);
}

int hrtimer_callback_running(struct hrtimer *t)
{
	return (t->state & HRT_RUNNING) != 0;
}

int hrtimer_try_to_cancel(struct hrtimer *t)
{
	if (remove_timer(t))
		return 1;
	if (t->state & HRT_RUNNING)
		return -1;
	return 0;
}

int hrtimer_cancel(struct hrtimer *t)
{
	for (;;) {
		int r = hrtimer_try_to_cancel(t);
		if (r >= 0)
			return r;
		if (t->cpu == smp_processor_id() && in_interrupt())
			return 0;     /* cancelling itself from its own callback */
		cpu_relax();
	}
}

u64 hrtimer_forward(struct hrtimer *t, ktime_t now, ktime_t interval)
{
	u64 orun = 1;
	ktime_t delta = now - t->expires;
	if (delta < 0)
		return 0;
	if (interval <= 0)
		interval = 1;
	if (delta >= interval) {
		orun = delta / interval;
		t->expires += orun * interval;
		if (t->expires > now)
			return orun;
		orun++;
	}
	t->expires += interval;
	return orun;
}

u64 hrtimer_forward_now(struct hrtimer *t, ktime_t interval)
{
	return hrtimer_forward(t, ktime_get(), interval);
}

static noinline void __hrtimer_run_queues(struct hrtimer_cpu_base *b, u64 now)
{
	struct hrtimer *t;
	while ((t = b->head) && t->expires <= (ktime_t)now) {
		dequeue(b, t);
		__atomic_or_fetch(&t->state, HRT_RUNNING, __ATOMIC_SEQ_CST);
		b->running = t;
		raw_spin_unlock(&b->lock);
		enum hrtimer_restart r = t->function ? t->function(t) : HRTIMER_NORESTART;
		raw_spin_lock(&b->lock);
		if (r == HRTIMER_RESTART && !(t->state & HRT_QUEUED))
			enqueue(b, t, smp_processor_id());
		__atomic_and_fetch(&t->state, ~HRT_RUNNING, __ATOMIC_SEQ_CST);
		b->running = NULL;
		now = ktime_get_ns();
	}
}

noinline void hrtimer_interrupt(void)
{
	struct hrtimer_cpu_base *b = this_cpu_ptr(&hrtimer_bases);
	raw_spin_lock(&b->lock);
	__hrtimer_run_queues(b, ktime_get_ns());
	if (b->head)
		program_event(b->head->expires);
	raw_spin_unlock(&b->lock);
}

void smp_apic_timer_interrupt(struct pt_regs *regs)
{
	struct pt_regs *old = set_irq_regs(regs);
	apic_eoi();
	irq_enter();
	inc_irq_stat(apic_timer_irqs);
	hrtimer_interrupt();
	irq_exit();
	set_irq_regs(old);
}

static enum hrtimer_restart tick_sched_timer(struct hrtimer *t)
{
	/* jiffies follow the clock from whichever CPU ticks (a CPU with IRQs off cannot stall them) */
	unsigned long j = ktime_get_ns() / TICK_NSEC, old = jiffies;
	while (time_after(j, old) && !__atomic_compare_exchange_n(&jiffies, &old, j, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	scheduler_tick();
	printk_nmi_flush();
	hrtimer_forward_now(t, TICK_NSEC);
	return HRTIMER_RESTART;
}

/* ---- tickless idle (Linux CONFIG_NO_HZ_IDLE) ----
 * A CPU other than CPU 0 stops its periodic tick while it idles: an idle CPU has nothing to account,
 * and on an emulator every tick of every idle vCPU is interpreted code (64 idle vCPUs would take
 * 16,000 ticks per guest second). CPU 0 keeps ticking: it keeps jiffies current and flushes the NMI
 * printk buffers. Other hrtimers (the watchdog's) keep firing; an interrupt that gives the CPU work
 * sets need_resched, and the idle loop restarts the tick before it schedules. */
static DEFINE_PER_CPU(bool, tick_stopped);

/* IRQs off, in the idle loop, just before halting */
void tick_nohz_idle_enter(void)
{
	if (smp_processor_id() == 0 || __this_cpu_read(tick_stopped))
		return;
	if (hrtimer_try_to_cancel(this_cpu_ptr(&tick_timer)) >= 0)
		__this_cpu_write(tick_stopped, true);
}

/* leaving idle: the tick resumes on the common HZ grid */
void tick_nohz_idle_exit(void)
{
	unsigned long f;
	u64 now;

	local_irq_save(f);
	if (__this_cpu_read(tick_stopped)) {
		__this_cpu_write(tick_stopped, false);
		now = ktime_get_ns();
		hrtimer_start(this_cpu_ptr(&tick_timer), now - now % TICK_NSEC + TICK_NSEC,
			      HRTIMER_MODE_ABS_PINNED);
	}
	local_irq_restore(f);
}

void hrtimer_cpu_init(void)
{
	struct hrtimer_cpu_base *b = this_cpu_ptr(&hrtimer_bases);
	struct hrtimer *t = this_cpu_ptr(&tick_timer);
	raw_spin_lock_init(&b->lock);
	apic_write(APIC_TDCR, 0xb);
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
	t->function = tick_sched_timer;
	u64 now = ktime_get_ns();
	hrtimer_start(t, now - now % TICK_NSEC + TICK_NSEC, HRTIMER_MODE_ABS_PINNED);
}

/* ---- delays ---- */
/* Busy-wait until @cycles TSC cycles have passed since @start: one deadline for the whole delay
 * (a loop of short delays would add each call's overhead and rounding to the total). */
static void tsc_delay(u64 start, u64 cycles)
{
	while (rdtsc() - start < cycles)
		cpu_relax();
}

static u64 delay_khz(void)
{
	return tsc_khz ? tsc_khz : 1000000;
}

void ndelay(unsigned long ns)
{
	u64 start = rdtsc();
	tsc_delay(start, (ns * delay_khz() + 999999ULL) / 1000000ULL);
}

void udelay(unsigned long us)
{
	u64 start = rdtsc();
	tsc_delay(start, (us * delay_khz() + 999ULL) / 1000ULL);
}

void mdelay(unsigned long ms)
{
	u64 start = rdtsc();
	tsc_delay(start, ms * delay_khz());
}

void msleep(unsigned int ms)
{
	long t = msecs_to_jiffies(ms) + 1;
	while (t)
		t = schedule_timeout_uninterruptible(t);
}

unsigned long msleep_interruptible(unsigned int ms)
{
	long t = msecs_to_jiffies(ms) + 1;
	while (t && !signal_pending(current))
		t = schedule_timeout_interruptible(t);
	return jiffies_to_msecs(t);
}

void ssleep(unsigned int s) { msleep(s * 1000); }

void usleep_range(unsigned long min, unsigned long max)
{
	if (min < 1000)
		udelay(min);
	else
		msleep(min / 1000);
}
