/* Buddy hard lockup detector (Linux 6.6 kernel/watchdog_buddy.c), for machines without a usable PMU
 * (QEMU TCG) and at least two CPUs; selected with the boot parameter hardlockup_detector=buddy.
 *
 * Overview: the CPUs whose detectors run form a ring in CPU-number order. From its own watchdog
 * hrtimer, every third tick (3 samples of 2*thresh/5 s = 1.2 * thresh), each CPU checks that the
 * NEXT CPU's hrtimer heartbeat moved since it last looked. A CPU stuck with interrupts off stops its
 * heartbeat; its neighbour reports it (6.6 message format, pr_fmt "watchdog: ") and asks it for an
 * NMI backtrace, which an x86 NMI IPI delivers even with interrupts off.
 *
 * What it cannot catch: a lone CPU (its next CPU is itself); a lockup of the checking CPU and its
 * buddy at once (nobody left to check, e.g. every CPU stuck); a CPU stuck with interrupts off that
 * is also the only one watching its neighbour. Latency is 3-4 samples (about 12-16 s at thresh 10)
 * instead of the perf detector's 10-20 s. */
#define pr_fmt(fmt) "watchdog: " fmt

#include "kernel.h"
#include "smp.h"
#include "percpu.h"
#include "cpumask.h"
#include "nmi.h"
#include "atomic.h"
#include "module.h"
#include "watchdog.h"

static struct cpumask watchdog_cpus;     /* CPUs in the ring */
static unsigned long hardlockup_allcpu_dumped;

static DEFINE_PER_CPU(unsigned long, buddy_interrupts_saved);
static DEFINE_PER_CPU(bool, buddy_touched);
static DEFINE_PER_CPU(bool, buddy_warned);

int
watchdog_buddy_probe(void)
{
	if (num_online_cpus() < 2) {
		pr_info("Buddy hard lockup detector needs at least 2 CPUs: disabled\n");
		return -ENODEV;
	}
	return 0;
}

static unsigned int
watchdog_next_cpu(unsigned int cpu)
{
	unsigned int next = cpumask_next(cpu, &watchdog_cpus);

	if (next >= nr_cpu_ids)
		next = cpumask_first(&watchdog_cpus);
	return next == cpu ? nr_cpu_ids : next;
}

void
watchdog_buddy_touch(void)
{
	__this_cpu_write(buddy_touched, true);
}

void
watchdog_buddy_enable(int cpu)
{
	unsigned int next;

	/* the new CPU and the one that will now check... the next one start from a clean slate */
	per_cpu(buddy_touched, cpu) = true;
	per_cpu(buddy_warned, cpu) = false;
	per_cpu(buddy_interrupts_saved, cpu) = watchdog_hrtimer_interrupts(cpu);
	next = watchdog_next_cpu(cpu);
	if (next < nr_cpu_ids)
		per_cpu(buddy_touched, next) = true;
	smp_wmb();
	cpumask_set_cpu(cpu, &watchdog_cpus);
	if (cpumask_weight(&watchdog_cpus) == 2 && cpumask_first(&watchdog_cpus) == (int)cpu)
		pr_info("Buddy hard lockup detector enabled\n");
}

void
watchdog_buddy_disable(int cpu)
{
	unsigned int next = watchdog_next_cpu(cpu);

	if (next < nr_cpu_ids)
		per_cpu(buddy_touched, next) = true;
	smp_wmb();
	cpumask_clear_cpu(cpu, &watchdog_cpus);
}

/* watchdog_hardlockup_check(cpu, NULL) of Linux 6.6, for a CPU other than this one. */
static void
watchdog_hardlockup_check(unsigned int cpu)
{
	unsigned long hrint = watchdog_hrtimer_interrupts(cpu);
	unsigned long sync;

	if (per_cpu(buddy_touched, cpu)) {
		per_cpu(buddy_touched, cpu) = false;
		per_cpu(buddy_interrupts_saved, cpu) = hrint;
		return;
	}
	if (per_cpu(buddy_interrupts_saved, cpu) != hrint) {
		per_cpu(buddy_interrupts_saved, cpu) = hrint;
		per_cpu(buddy_warned, cpu) = false;
		return;
	}
	if (per_cpu(buddy_warned, cpu))
		return;

	sync = printk_cpu_sync_get();
	pr_emerg("Watchdog detected hard LOCKUP on cpu %d\n", cpu);
	print_modules();
	printk_cpu_sync_put(sync);
	/* the victim's registers come only from its NMI backtrace */
	if (!trigger_single_cpu_backtrace(cpu))
		dump_stack();
	if (hardlockup_all_cpu_backtrace && !test_and_set_bit(0, &hardlockup_allcpu_dumped))
		trigger_allbutself_cpu_backtrace();
	if (hardlockup_panic)
		panic("Hard LOCKUP");
	per_cpu(buddy_warned, cpu) = true;
}

void
watchdog_buddy_check(unsigned long hrtimer_interrupts)
{
	unsigned int next;

	/* every 3 samples: 3 * 2*thresh/5 = 1.2 * thresh, just over the hard threshold */
	if (hrtimer_interrupts % 3 != 0)
		return;
	next = watchdog_next_cpu(smp_processor_id());
	if (next >= nr_cpu_ids)
		return;
	smp_rmb();
	watchdog_hardlockup_check(next);
}
