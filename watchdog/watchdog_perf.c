/* Hard lockup detector on the PMU overflow NMI (Linux 5.4 kernel/watchdog_hld.c + the parts of
 * arch/x86/events it relies on).
 *
 * Overview: each CPU in the watchdog mask pins general-purpose counter 0 to "unhalted core cycles"
 * (event 0x3C, umask 0) with the INT bit, and LVTPC delivers its overflow as an NMI. The sample period
 * is cpu_khz * 1000 * watchdog_thresh cycles, i.e. watchdog_thresh seconds of *unhalted* execution.
 * As perf does, a period longer than the counter can be programmed with (2^31 - 1 with legacy
 * 32-bit sign-extended writes; 2^47 - 1 with full-width writes, PERF_CAPABILITIES bit 13) is split:
 * intermediate overflows reprogram the rest silently and only the last one runs the callback.
 * The callback compares the hrtimer heartbeat with the copy saved at the previous check: unchanged
 * means this CPU has not serviced its timer interrupt for a whole period -> hard LOCKUP.
 * With CONFIG_HARDLOCKUP_CHECK_TIMESTAMP (x86-64 default) a callback arriving earlier than
 * 2 * sample_period after the previous accepted one is ignored, at most 9 times in a row. */
#define pr_fmt(fmt) "NMI watchdog: " fmt

#include "kernel.h"
#include "sched.h"
#include "smp.h"
#include "percpu.h"
#include "nmi.h"
#include "pmu.h"
#include "apic.h"
#include "io.h"
#include "ptrace.h"
#include "time.h"
#include "atomic.h"
#include "module.h"
#include "irq.h"
#include "watchdog.h"

#define MSR_IA32_PERF_CAPABILITIES 0x00000345
#define PERF_CAP_FW_WRITE (1ULL << 13)
#define CPUID1_ECX_PDCM (1u << 15)
#define EVENTSEL_WATCHDOG (ARCH_PERFMON_UNHALTED_CORE_CYCLES | ARCH_PERFMON_EVENTSEL_USR | \
			   ARCH_PERFMON_EVENTSEL_OS | ARCH_PERFMON_EVENTSEL_INT)

static u64 cntval_mask;          /* (1 << counter_width) - 1 */
static u64 max_period;           /* longest period one counter write can express */
static u32 perfctr_msr;          /* MSR_IA32_PERFCTR0 (legacy) or MSR_IA32_PMC0 (full width) */
static atomic_t watchdog_cpus;   /* CPUs with the event enabled ("Enabled." printed by the first) */
static unsigned long hardlockup_allcpu_dumped;
static ktime_t watchdog_hrtimer_sample_threshold;

static DEFINE_PER_CPU(bool, wd_event_active);
static DEFINE_PER_CPU(s64, wd_period_left);     /* cycles until the callback is due */
static DEFINE_PER_CPU(u64, wd_prev_count);      /* raw counter value after the last (re)program */
static DEFINE_PER_CPU(bool, hard_watchdog_warn);
static DEFINE_PER_CPU(bool, watchdog_nmi_touch);
static DEFINE_PER_CPU(unsigned long, hrtimer_interrupts_saved);
static DEFINE_PER_CPU(ktime_t, last_timestamp);
static DEFINE_PER_CPU(unsigned int, nmi_rearmed);

static inline u64
rdmsr64(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void
wrmsr64(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static u64
hw_nmi_get_sample_period(int thresh)
{
	return (u64)cpu_khz * 1000 * thresh;
}

void
watchdog_update_hrtimer_threshold(u64 period_ns)
{
	/* 2 * hrtimer period = 4/5 of the hard threshold: a faster NMI means a turbo-boosted count. */
	watchdog_hrtimer_sample_threshold = period_ns * 2;
}

static bool
watchdog_check_timestamp(void)
{
	ktime_t now = ktime_get();
	ktime_t delta = now - __this_cpu_read(last_timestamp);

	if (delta < watchdog_hrtimer_sample_threshold) {
		/* ktime may be jiffies-based and stalled: accept the 10th early NMI anyway */
		if (++*this_cpu_ptr(&nmi_rearmed) < 10)
			return false;
	}
	__this_cpu_write(nmi_rearmed, 0);
	__this_cpu_write(last_timestamp, now);
	return true;
}

void
hardlockup_detector_perf_touch(void)
{
	__this_cpu_write(watchdog_nmi_touch, true);
}

static bool
is_hardlockup(void)
{
	unsigned long hrint = watchdog_hrtimer_interrupts(smp_processor_id());

	if (__this_cpu_read(hrtimer_interrupts_saved) == hrint)
		return true;
	__this_cpu_write(hrtimer_interrupts_saved, hrint);
	return false;
}

static noinline void
watchdog_overflow_callback(struct pt_regs *regs)
{
	unsigned long sync;

	if (__this_cpu_read(watchdog_nmi_touch)) {
		__this_cpu_write(watchdog_nmi_touch, false);
		return;
	}
	if (!watchdog_check_timestamp())
		return;

	if (!is_hardlockup()) {
		__this_cpu_write(hard_watchdog_warn, false);
		return;
	}
	if (__this_cpu_read(hard_watchdog_warn))
		return;     /* only print hard lockups once per episode */

	sync = printk_cpu_sync_get();
	pr_emerg("Watchdog detected hard LOCKUP on cpu %d\n", smp_processor_id());
	print_modules();
	if (regs)
		show_regs(regs);
	else
		dump_stack();
	printk_cpu_sync_put(sync);    /* not held across the backtrace IPIs: they print too */

	/* all-CPU dump only once ever, so several locked CPUs cannot interleave their traces */
	if (hardlockup_all_cpu_backtrace && !test_and_set_bit(0, &hardlockup_allcpu_dumped))
		trigger_allbutself_cpu_backtrace();

	if (hardlockup_panic)
		nmi_panic(regs, "Hard LOCKUP");

	__this_cpu_write(hard_watchdog_warn, true);
}

/* Program counter 0 for min(period_left, max_period) more cycles (x86_perf_event_set_period). */
static void
wd_counter_program(void)
{
	s64 left = __this_cpu_read(wd_period_left);
	u64 raw;

	if (left > (s64)max_period)
		left = max_period;
	raw = (u64)(-left) & cntval_mask;
	__this_cpu_write(wd_prev_count, raw);
	wrmsr64(perfctr_msr, raw);
}

/* Account the cycles counted since the last program; true if the full period has elapsed. */
static bool
wd_counter_update(void)
{
	u64 now = rdmsr64(MSR_IA32_PERFCTR0) & cntval_mask;
	u64 delta = (now - __this_cpu_read(wd_prev_count)) & cntval_mask;
	s64 left = __this_cpu_read(wd_period_left) - (s64)delta;
	bool due = false;

	if (left <= 0) {
		left += hw_nmi_get_sample_period(watchdog_thresh);
		if (left <= 0)
			left = hw_nmi_get_sample_period(watchdog_thresh);
		due = true;
	}
	__this_cpu_write(wd_period_left, left);
	return due;
}

static bool
wd_counter_overflowed(void)
{
	if (x86_pmu.version >= 2)
		return rdmsr64(MSR_CORE_PERF_GLOBAL_STATUS) & 1;
	/* version 1 has no status register: the counter's top bit clears when it wraps */
	return !(rdmsr64(MSR_IA32_PERFCTR0) & (1ULL << (x86_pmu.counter_width - 1)));
}

/* The layers between the PMI and the callback carry the names of their Linux 5.4 counterparts so
 * that a hard lockup panic's call trace reads as Linux's does: perf_event_nmi_handler ->
 * intel_pmu_handle_irq -> handle_pmi_common -> perf_event_overflow -> __perf_event_overflow ->
 * watchdog_overflow_callback. noinline keeps each one a real frame. */
static noinline void
__perf_event_overflow(struct pt_regs *regs)
{
	watchdog_overflow_callback(regs);
}

static noinline void
perf_event_overflow(struct pt_regs *regs)
{
	__perf_event_overflow(regs);
}

/* Account the overflow; the next period starts before the (slow) callback prints, as in Linux. */
static noinline void
handle_pmi_common(struct pt_regs *regs)
{
	bool due;

	if (x86_pmu.version >= 2)
		wrmsr64(MSR_CORE_PERF_GLOBAL_OVF_CTRL, 1);
	due = wd_counter_update();
	wd_counter_program();
	if (due)
		perf_event_overflow(regs);
}

static noinline int
intel_pmu_handle_irq(struct pt_regs *regs)
{
	/* The PMI set LVTPC.mask (Intel SDM): unmask it, or no further PMI arrives. */
	apic_lvtpc_nmi();
	inc_irq_stat(apic_perf_irqs);
	handle_pmi_common(regs);
	return NMI_HANDLED;
}

/* NMI_LOCAL handler: claims the NMI if our counter overflowed. */
static int
perf_event_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	if (!__this_cpu_read(wd_event_active) || !wd_counter_overflowed())
		return NMI_DONE;
	return intel_pmu_handle_irq(regs);
}

static bool
pmu_usable(void)
{
	/* CPUID.0AH:EBX bit 0 set means "unhalted core cycles" is NOT available */
	return x86_pmu.version >= 1 && x86_pmu.num_counters >= 1 && x86_pmu.counter_width >= 32 &&
	       !(x86_pmu.events_mask & 1) && cpu_khz != 0;
}

static void
pmu_choose_write_width(void)
{
	u32 eax = 1, ebx, ecx = 0, edx;

	cntval_mask = x86_pmu.counter_width >= 64 ? ~0ULL : (1ULL << x86_pmu.counter_width) - 1;
	max_period = (1ULL << 31) - 1;
	perfctr_msr = MSR_IA32_PERFCTR0;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	if ((ecx & CPUID1_ECX_PDCM) && (rdmsr64(MSR_IA32_PERF_CAPABILITIES) & PERF_CAP_FW_WRITE)) {
		max_period = cntval_mask >> 1;
		perfctr_msr = MSR_IA32_PMC0;
	}
}

/* Boot probe (hardlockup_detector_perf_init in 5.4): can this machine count cycles into an NMI? */
int
hardlockup_detector_perf_init(void)
{
	static bool registered;

	if (!pmu_usable()) {
		pr_info("Perf NMI watchdog permanently disabled\n");
		return -ENODEV;
	}
	pmu_choose_write_width();
	if (!registered) {
		nmi_register(NMI_LOCAL, perf_event_nmi_handler);
		registered = true;
	}
	return 0;
}

/* Enable on this CPU (called with IRQs off on the CPU itself). */
void
hardlockup_detector_perf_enable(void)
{
	if (__this_cpu_read(wd_event_active))
		return;
	__this_cpu_write(hard_watchdog_warn, false);
	__this_cpu_write(watchdog_nmi_touch, false);
	__this_cpu_write(last_timestamp, ktime_get());
	__this_cpu_write(nmi_rearmed, 0);
	__this_cpu_write(wd_period_left, hw_nmi_get_sample_period(watchdog_thresh));

	wrmsr64(MSR_P6_EVNTSEL0, 0);
	wd_counter_program();
	apic_lvtpc_nmi();
	__this_cpu_write(wd_event_active, true);
	wrmsr64(MSR_P6_EVNTSEL0, EVENTSEL_WATCHDOG | ARCH_PERFMON_EVENTSEL_ENABLE);
	if (x86_pmu.version >= 2)
		wrmsr64(MSR_CORE_PERF_GLOBAL_CTRL, rdmsr64(MSR_CORE_PERF_GLOBAL_CTRL) | 1);

	if (atomic_inc_return(&watchdog_cpus) == 1)
		pr_info("Enabled. Permanently consumes one hw-PMU counter.\n");
}

void
hardlockup_detector_perf_disable(void)
{
	if (!__this_cpu_read(wd_event_active))
		return;
	wrmsr64(MSR_P6_EVNTSEL0, 0);
	if (x86_pmu.version >= 2)
		wrmsr64(MSR_CORE_PERF_GLOBAL_CTRL, rdmsr64(MSR_CORE_PERF_GLOBAL_CTRL) & ~1ULL);
	__this_cpu_write(wd_event_active, false);
	atomic_dec(&watchdog_cpus);
}
