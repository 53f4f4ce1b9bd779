/* Lockup detectors: the softlockup detector, the controls shared with the hard lockup detectors
 * (sysctls, boot parameters, enable/disable per CPU) and the per-CPU hrtimer that drives both.
 *
 * Overview (Linux 5.4 kernel/watchdog.c, same algorithm and messages):
 *   Each CPU in watchdog_allowed_mask runs a pinned hrtimer every sample_period = 2*thresh/5 s.
 *   Each expiry (1) counts hrtimer_interrupts, the heartbeat the hard lockup detectors watch,
 *   (2) queues softlockup_fn on the CPU's stop-class thread (migration/N) unless the previous one
 *   has not run yet, and (3) compares the timestamp that softlockup_fn last wrote, in units of
 *   running_clock() >> 30 (~1.074 s), with 2*thresh. A CPU that runs kernel code without ever
 *   scheduling never runs its stopper thread, so its timestamp ages: a soft lockup.
 *   Reports are made once per episode (soft_watchdog_warn re-arms when a check finds no lockup or
 *   another task is now hogging the CPU). The hard lockup backends live in watchdog_perf.c (PMU
 *   overflow NMI, the 5.4 default) and watchdog_buddy.c (6.x buddy, selected by a boot parameter). */
#define pr_fmt(fmt) "watchdog: " fmt

#include "kernel.h"
#include "sched.h"
#include "smp.h"
#include "percpu.h"
#include "cpumask.h"
#include "hrtimer.h"
#include "stop_machine.h"
#include "nmi.h"
#include "ptrace.h"
#include "taint.h"
#include "time.h"
#include "sysctl.h"
#include "cmdline.h"
#include "spinlock.h"
#include "export.h"
#include "module.h"
#include "string.h"
#include "watchdog.h"

/* ---- controls (defaults as Linux 5.4 with CONFIG_BOOTPARAM_*_PANIC off) ---- */
static int watchdog_user_enabled = 1;          /* sysctl watchdog, boot nowatchdog */
static int nmi_watchdog_user_enabled = 1;      /* sysctl nmi_watchdog, boot nmi_watchdog=0|1 */
static int soft_watchdog_user_enabled = 1;     /* sysctl soft_watchdog, boot nosoftlockup */
int watchdog_thresh = 10;                      /* seconds; 0..60; 0 disables both detectors */
static int softlockup_panic;                   /* panic("softlockup: hung tasks") */
int hardlockup_panic;                          /* nmi_panic("Hard LOCKUP") */
static unsigned int softlockup_all_cpu_backtrace;
unsigned int hardlockup_all_cpu_backtrace;
enum hld_kind hld_kind = HLD_PERF;

static int nmi_watchdog_available;            /* a hard lockup backend probed successfully */
unsigned long watchdog_enabled;                /* NMI_/SOFT_WATCHDOG_ENABLED: effective state */
struct cpumask watchdog_allowed_mask;          /* CPUs whose detectors currently run */
static struct cpumask watchdog_cpumask;        /* sysctl watchdog_cpumask (user's choice) */
static unsigned long *watchdog_cpumask_bits = watchdog_cpumask.bits;
static u64 sample_period;                      /* ns */
static unsigned long soft_lockup_nmi_warn;     /* bit 0: one CPU is dumping all-CPU backtraces */
static DEFINE_SPINLOCK(watchdog_lock);         /* serialises reconfiguration */

static const int sixty = 60;

/* ---- per-CPU state ---- */
static DEFINE_PER_CPU(unsigned long, watchdog_touch_ts);   /* get_timestamp() units; 0 = touched */
static DEFINE_PER_CPU(struct hrtimer, watchdog_hrtimer);
static DEFINE_PER_CPU(bool, softlockup_done);              /* the queued feed job has run */
static DEFINE_PER_CPU(struct cpu_stop_work, softlockup_stop_work);
static DEFINE_PER_CPU(bool, soft_watchdog_warn);
static DEFINE_PER_CPU(struct task_struct *, softlockup_task_ptr_saved);
static DEFINE_PER_CPU(unsigned long, hrtimer_interrupts);
static DEFINE_PER_CPU(bool, watchdog_running);

/* ---- boot parameters (Linux 5.4 names and parsing) ---- */
static int __init_param_nmi_watchdog(char *str)
{
	if (!strncmp(str, "panic", 5))
		hardlockup_panic = 1;
	else if (!strncmp(str, "nopanic", 7))
		hardlockup_panic = 0;
	else if (!strncmp(str, "0", 1))
		nmi_watchdog_user_enabled = 0;
	else if (!strncmp(str, "1", 1))
		nmi_watchdog_user_enabled = 1;
	return 1;
}
__setup("nmi_watchdog=", __init_param_nmi_watchdog);

static int __init_param_nowatchdog(char *str)
{
	watchdog_user_enabled = 0;
	return 1;
}
__setup("nowatchdog", __init_param_nowatchdog);

static int __init_param_nosoftlockup(char *str)
{
	soft_watchdog_user_enabled = 0;
	return 1;
}
__setup("nosoftlockup", __init_param_nosoftlockup);

static int __init_param_watchdog_thresh(char *str)
{
	long v = simple_strtol(str, NULL, 0);

	watchdog_thresh = v < 0 ? 0 : (v > 60 ? 60 : (int)v);
	return 1;
}
__setup("watchdog_thresh=", __init_param_watchdog_thresh);

static int __init_param_softlockup_panic(char *str)
{
	softlockup_panic = simple_strtoul(str, NULL, 0) != 0;
	return 1;
}
__setup("softlockup_panic=", __init_param_softlockup_panic);

static int __init_param_softlockup_all_cpu_backtrace(char *str)
{
	softlockup_all_cpu_backtrace = !!simple_strtol(str, NULL, 0);
	return 1;
}
__setup("softlockup_all_cpu_backtrace=", __init_param_softlockup_all_cpu_backtrace);

static int __init_param_hardlockup_all_cpu_backtrace(char *str)
{
	hardlockup_all_cpu_backtrace = !!simple_strtol(str, NULL, 0);
	return 1;
}
__setup("hardlockup_all_cpu_backtrace=", __init_param_hardlockup_all_cpu_backtrace);

/* hardlockup_detector=perf|buddy: Linux 6.x picks the buddy detector at build time
 * (CONFIG_HARDLOCKUP_DETECTOR_PREFER_BUDDY); emu makes that choice a boot parameter. */
static int __init_param_hardlockup_detector(char *str)
{
	if (!strcmp(str, "buddy"))
		hld_kind = HLD_BUDDY;
	else if (!strcmp(str, "perf"))
		hld_kind = HLD_PERF;
	else
		pr_warn("unknown hardlockup_detector=%s, using perf\n", str);
	return 1;
}
__setup("hardlockup_detector=", __init_param_hardlockup_detector);

/* ---- time base ---- */
static unsigned long
get_timestamp(void)
{
	return running_clock() >> 30;      /* ~1.074 s units: saves a 64-bit divide */
}

static int
get_softlockup_thresh(void)
{
	return watchdog_thresh * 2;
}

static void
set_sample_period(void)
{
	/* The hrtimer gets 2-3 chances to run before the hard lockup detector (period thresh) checks. */
	sample_period = get_softlockup_thresh() * ((u64)NSEC_PER_SEC / 5);
	watchdog_update_hrtimer_threshold(sample_period);
}

static void
__touch_watchdog(void)
{
	__this_cpu_write(watchdog_touch_ts, get_timestamp());
}

/* ---- touch API (exported for modules) ---- */
void
touch_softlockup_watchdog_sched(void)
{
	/* The next hrtimer tick restarts the window instead of checking it. */
	__this_cpu_write(watchdog_touch_ts, 0);
}

void
touch_softlockup_watchdog(void)
{
	touch_softlockup_watchdog_sched();
}
EXPORT_SYMBOL(touch_softlockup_watchdog);

void
touch_all_softlockup_watchdogs(void)
{
	int cpu;

	for_each_cpu(cpu, &watchdog_allowed_mask)
		per_cpu(watchdog_touch_ts, cpu) = 0;
}
EXPORT_SYMBOL(touch_all_softlockup_watchdogs);

void
touch_nmi_watchdog(void)
{
	if (hld_kind == HLD_BUDDY)
		watchdog_buddy_touch();
	else
		hardlockup_detector_perf_touch();
	touch_softlockup_watchdog();
}
EXPORT_SYMBOL(touch_nmi_watchdog);

unsigned long
watchdog_hrtimer_interrupts(int cpu)
{
	return READ_ONCE(per_cpu(hrtimer_interrupts, cpu));
}

/* ---- softlockup detector ---- */
static int
is_softlockup(unsigned long touch_ts)
{
	unsigned long now = get_timestamp();

	if ((watchdog_enabled & SOFT_WATCHDOG_ENABLED) && watchdog_thresh) {
		if (time_after(now, touch_ts + get_softlockup_thresh()))
			return now - touch_ts;
	}
	return 0;
}

/* Runs on the per-CPU stop-class thread: proof that this CPU schedules. */
static int
softlockup_fn(void *data)
{
	__touch_watchdog();
	__this_cpu_write(softlockup_done, true);
	return 0;
}

static void
softlockup_report(int duration)
{
	struct pt_regs *regs = get_irq_regs();
	/* one CPU's report at a time, so two locked CPUs cannot interleave their dumps */
	unsigned long sync = printk_cpu_sync_get();

	pr_emerg("BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]\n",
		 smp_processor_id(), duration, current->comm, current->pid);
	__this_cpu_write(softlockup_task_ptr_saved, current);
	print_modules();
	if (regs)
		show_regs(regs);
	else
		dump_stack();
	printk_cpu_sync_put(sync);
}

static enum hrtimer_restart
watchdog_timer_fn(struct hrtimer *hrtimer)
{
	unsigned long touch_ts = __this_cpu_read(watchdog_touch_ts);
	unsigned long interrupts;
	int duration;
	unsigned int all_cpu_backtrace = softlockup_all_cpu_backtrace;

	if (!watchdog_enabled)
		return HRTIMER_NORESTART;

	/* kick the hard lockup detectors */
	interrupts = ++*this_cpu_ptr(&hrtimer_interrupts);
	if (hld_kind == HLD_BUDDY && (watchdog_enabled & NMI_WATCHDOG_ENABLED))
		watchdog_buddy_check(interrupts);

	/* kick the softlockup detector */
	if (__this_cpu_read(softlockup_done)) {
		__this_cpu_write(softlockup_done, false);
		stop_one_cpu_nowait(smp_processor_id(), softlockup_fn, NULL,
				    this_cpu_ptr(&softlockup_stop_work));
	}

	/* .. and repeat */
	hrtimer_forward_now(hrtimer, ns_to_ktime(sample_period));

	if (touch_ts == 0) {
		/* touched: restart the window without checking */
		__touch_watchdog();
		return HRTIMER_RESTART;
	}

	duration = is_softlockup(touch_ts);
	if (!duration) {
		__this_cpu_write(soft_watchdog_warn, false);
		return HRTIMER_RESTART;
	}

	/* only warn once per episode; re-arm if a different task is now hogging the CPU */
	if (__this_cpu_read(soft_watchdog_warn)) {
		if (__this_cpu_read(softlockup_task_ptr_saved) != current) {
			__this_cpu_write(soft_watchdog_warn, false);
			__touch_watchdog();
		}
		return HRTIMER_RESTART;
	}

	if (all_cpu_backtrace && test_and_set_bit(0, &soft_lockup_nmi_warn)) {
		/* another CPU is dumping every CPU's backtrace, ours included */
		__this_cpu_write(soft_watchdog_warn, true);
		return HRTIMER_RESTART;
	}

	softlockup_report(duration);

	if (all_cpu_backtrace) {
		trigger_allbutself_cpu_backtrace();
		clear_bit(0, &soft_lockup_nmi_warn);
	}

	add_taint(TAINT_SOFTLOCKUP, LOCKDEP_STILL_OK);
	if (softlockup_panic)
		panic("softlockup: hung tasks");
	__this_cpu_write(soft_watchdog_warn, true);
	return HRTIMER_RESTART;
}

/* ---- per-CPU enable / disable (run on the CPU itself, IRQs off) ---- */
static void
watchdog_enable_fn(void *unused)
{
	int cpu = smp_processor_id();
	struct hrtimer *hrtimer = this_cpu_ptr(&watchdog_hrtimer);

	if (__this_cpu_read(watchdog_running))
		return;
	__this_cpu_write(watchdog_running, true);
	__this_cpu_write(softlockup_done, true);
	__this_cpu_write(soft_watchdog_warn, false);
	hrtimer_init(hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hrtimer->function = watchdog_timer_fn;
	hrtimer_start(hrtimer, ns_to_ktime(sample_period), HRTIMER_MODE_REL_PINNED_HARD);
	__touch_watchdog();
	/* The timer first, so the NMI never fires before the timer had a chance to. */
	if (watchdog_enabled & NMI_WATCHDOG_ENABLED) {
		if (hld_kind == HLD_BUDDY)
			watchdog_buddy_enable(cpu);
		else
			hardlockup_detector_perf_enable();
	}
}

static void
watchdog_disable_fn(void *unused)
{
	int cpu = smp_processor_id();

	if (!__this_cpu_read(watchdog_running))
		return;
	/* The NMI first, so it cannot see a stalled heartbeat while the timer is stopped. */
	if (hld_kind == HLD_BUDDY)
		watchdog_buddy_disable(cpu);
	else
		hardlockup_detector_perf_disable();
	hrtimer_cancel(this_cpu_ptr(&watchdog_hrtimer));
	__this_cpu_write(watchdog_running, false);
}

static void
softlockup_stop_all(void)
{
	int cpu;

	for_each_cpu(cpu, &watchdog_allowed_mask)
		smp_call_function_single(cpu, watchdog_disable_fn, NULL, 1);
	cpumask_clear(&watchdog_allowed_mask);
}

static void
softlockup_start_all(void)
{
	int cpu;

	cpumask_and(&watchdog_allowed_mask, &watchdog_cpumask, cpu_online_mask);
	for_each_cpu(cpu, &watchdog_allowed_mask)
		smp_call_function_single(cpu, watchdog_enable_fn, NULL, 1);
}

static void
lockup_detector_update_enable(void)
{
	watchdog_enabled = 0;
	if (!watchdog_user_enabled)
		return;
	if (nmi_watchdog_available && nmi_watchdog_user_enabled)
		watchdog_enabled |= NMI_WATCHDOG_ENABLED;
	if (soft_watchdog_user_enabled)
		watchdog_enabled |= SOFT_WATCHDOG_ENABLED;
}

/* Stop every per-CPU detector, recompute the period and the enable bits, restart. */
static void
lockup_detector_reconfigure(void)
{
	softlockup_stop_all();
	set_sample_period();
	lockup_detector_update_enable();
	if (watchdog_enabled && watchdog_thresh)
		softlockup_start_all();
}

/* ---- sysctls (/proc/sys/kernel), Linux 5.4 semantics ---- */
static int
proc_watchdog_common(unsigned long which, struct ctl_table *table, int write,
		     void *buffer, size_t *lenp, loff_t *ppos)
{
	int err, old, *param = table->data;

	spin_lock(&watchdog_lock);
	if (!write) {
		/* reads show the detector's real state, e.g. 0 for nmi_watchdog without a PMU */
		old = *param;
		*param = (watchdog_enabled & which) != 0;
		err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
		*param = old;
	} else {
		old = READ_ONCE(*param);
		err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
		if (!err && old != READ_ONCE(*param))
			lockup_detector_reconfigure();
	}
	spin_unlock(&watchdog_lock);
	return err;
}

static int
proc_watchdog(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return proc_watchdog_common(NMI_WATCHDOG_ENABLED | SOFT_WATCHDOG_ENABLED,
				    table, write, buffer, lenp, ppos);
}

static int
proc_nmi_watchdog(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	if (!nmi_watchdog_available && write)
		return -ENOTSUPP;
	return proc_watchdog_common(NMI_WATCHDOG_ENABLED, table, write, buffer, lenp, ppos);
}

static int
proc_soft_watchdog(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	return proc_watchdog_common(SOFT_WATCHDOG_ENABLED, table, write, buffer, lenp, ppos);
}

static int
proc_watchdog_thresh(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	int err, old;

	spin_lock(&watchdog_lock);
	old = READ_ONCE(watchdog_thresh);
	err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (!err && write && old != READ_ONCE(watchdog_thresh))
		lockup_detector_reconfigure();
	spin_unlock(&watchdog_lock);
	return err;
}

static int
proc_watchdog_cpumask(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	int err;

	spin_lock(&watchdog_lock);
	err = proc_do_large_bitmap(table, write, buffer, lenp, ppos);
	if (!err && write) {
		cpumask_and(&watchdog_cpumask, &watchdog_cpumask, cpu_possible_mask);
		lockup_detector_reconfigure();
	}
	spin_unlock(&watchdog_lock);
	return err;
}

static struct ctl_table watchdog_sysctls[] = {
	{ .procname = "watchdog", .data = &watchdog_user_enabled, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_watchdog, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "watchdog_thresh", .data = &watchdog_thresh, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_watchdog_thresh, .extra1 = SYSCTL_ZERO,
	  .extra2 = (void *)&sixty },
	{ .procname = "nmi_watchdog", .data = &nmi_watchdog_user_enabled, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_nmi_watchdog, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "watchdog_cpumask", .data = &watchdog_cpumask_bits, .maxlen = NR_CPUS,
	  .mode = 0644, .proc_handler = proc_watchdog_cpumask },
	{ .procname = "soft_watchdog", .data = &soft_watchdog_user_enabled, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_soft_watchdog, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "softlockup_panic", .data = &softlockup_panic, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "softlockup_all_cpu_backtrace", .data = &softlockup_all_cpu_backtrace,
	  .maxlen = sizeof(int), .mode = 0644, .proc_handler = proc_dointvec_minmax,
	  .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "hardlockup_panic", .data = &hardlockup_panic, .maxlen = sizeof(int),
	  .mode = 0644, .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "hardlockup_all_cpu_backtrace", .data = &hardlockup_all_cpu_backtrace,
	  .maxlen = sizeof(int), .mode = 0644, .proc_handler = proc_dointvec_minmax,
	  .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ }
};

/* Called once by kcore after SMP bring-up and the scheduler are up. */
void
lockup_detector_init(void)
{
	cpumask_copy(&watchdog_cpumask, cpu_possible_mask);
	set_sample_period();
	if (hld_kind == HLD_BUDDY)
		nmi_watchdog_available = watchdog_buddy_probe() == 0;
	else
		nmi_watchdog_available = hardlockup_detector_perf_init() == 0;
	register_sysctl("kernel", watchdog_sysctls);
	spin_lock(&watchdog_lock);
	lockup_detector_update_enable();
	if (watchdog_enabled && watchdog_thresh)
		softlockup_start_all();
	spin_unlock(&watchdog_lock);
}
