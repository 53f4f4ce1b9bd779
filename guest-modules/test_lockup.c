// SPDX-License-Identifier: GPL-2.0
/*
 * test_lockup.ko - provoke a lockup of a chosen length, modelled on Linux's lib/test_lockup.c.
 * The insmod task (or, with all_cpus=1, one kthread per online CPU) repeats `iterations` times:
 *   [take lock_spinlock] busy-wait time_secs s + time_nsecs ns [release] [touch_*] [cond_resched]
 *   busy-wait cooldown_secs s + cooldown_nsecs ns
 * with interrupts and/or preemption disabled around the whole loop if asked. Busy waits never
 * schedule, so e.g. `insmod test_lockup.ko time_secs=30` soft-locks the CPU for 30 s (reported after
 * ~22 s) and then recovers, and `time_secs=15 disable_irq=1` is a 15 s hard lockup.
 * As in Linux, init ends with -EAGAIN so the module never stays loaded and can be inserted again:
 *   insmod: ERROR: could not insert module test_lockup.ko: Resource temporarily unavailable
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/spinlock.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/nmi.h>
#include <linux/atomic.h>

static unsigned int time_secs;
module_param(time_secs, uint, 0600);
MODULE_PARM_DESC(time_secs, "lockup time in seconds, default 0");

static unsigned int time_nsecs;
module_param(time_nsecs, uint, 0600);
MODULE_PARM_DESC(time_nsecs, "nanoseconds part of lockup time, default 0");

static unsigned int cooldown_secs;
module_param(cooldown_secs, uint, 0600);
MODULE_PARM_DESC(cooldown_secs, "cooldown time between iterations in seconds, default 0");

static unsigned int cooldown_nsecs;
module_param(cooldown_nsecs, uint, 0600);
MODULE_PARM_DESC(cooldown_nsecs, "nanoseconds part of cooldown, default 0");

static unsigned int iterations = 1;
module_param(iterations, uint, 0600);
MODULE_PARM_DESC(iterations, "lockup iterations, default 1");

static bool all_cpus;
module_param(all_cpus, bool, 0400);
MODULE_PARM_DESC(all_cpus, "trigger lockup at all cpus at once");

static bool test_disable_irq;
module_param_named(disable_irq, test_disable_irq, bool, 0400);
MODULE_PARM_DESC(disable_irq, "disable interrupts: generate hard-lockups");

static bool disable_preempt;
module_param(disable_preempt, bool, 0400);
MODULE_PARM_DESC(disable_preempt, "disable preemption: generate soft-lockups");

static bool lock_spinlock;
module_param(lock_spinlock, bool, 0400);
MODULE_PARM_DESC(lock_spinlock, "hold the module's spinlock during each lockup period (with all_cpus: the CPUs contend for it)");

static bool touch_softlockup;
module_param(touch_softlockup, bool, 0600);
MODULE_PARM_DESC(touch_softlockup, "touch soft-lockup watchdog between iterations");

static bool touch_hardlockup;
module_param(touch_hardlockup, bool, 0600);
MODULE_PARM_DESC(touch_hardlockup, "touch hard-lockup watchdog between iterations");

static bool call_cond_resched;
module_param(call_cond_resched, bool, 0600);
MODULE_PARM_DESC(call_cond_resched, "call cond_resched() between iterations");

static bool measure_lock_wait;
module_param(measure_lock_wait, bool, 0400);
MODULE_PARM_DESC(measure_lock_wait, "measure lock wait time");

static unsigned int lock_wait_threshold = 0xffffffffU;
module_param(lock_wait_threshold, uint, 0400);
MODULE_PARM_DESC(lock_wait_threshold, "print lock wait time longer than this in nanoseconds, default off");

static DEFINE_SPINLOCK(test_spinlock);
static atomic_t threads_running;
static volatile u64 max_lock_wait;

static void test_wait(unsigned int secs, unsigned int nsecs)
{
	/* busy wait (Linux's wait_state "R"): never schedules */
	if (secs)
		mdelay(secs * 1000UL);
	if (nsecs)
		ndelay(nsecs);
}

static void test_lock(void)
{
	u64 wait_start = 0, wait;

	if (!lock_spinlock)
		return;
	if (measure_lock_wait)
		wait_start = local_clock();
	spin_lock(&test_spinlock);
	if (measure_lock_wait) {
		wait = local_clock() - wait_start;
		if (wait > max_lock_wait)
			max_lock_wait = wait;
		if (wait > lock_wait_threshold)
			printk(KERN_NOTICE "test_lockup: lock wait %llu ns on CPU %u\n",
			       (unsigned long long)wait, smp_processor_id());
	}
}

static void test_unlock(void)
{
	if (lock_spinlock)
		spin_unlock(&test_spinlock);
}

static noinline void test_lockup(bool master)
{
	unsigned long flags = 0;
	unsigned int iter = 0;

	if (test_disable_irq)
		local_irq_save(flags);
	if (disable_preempt)
		preempt_disable();

	while (iter++ < iterations) {
		test_lock();
		test_wait(time_secs, time_nsecs);
		test_unlock();

		if (touch_softlockup)
			touch_softlockup_watchdog();
		if (touch_hardlockup)
			touch_nmi_watchdog();
		if (call_cond_resched)
			cond_resched();

		test_wait(cooldown_secs, cooldown_nsecs);
	}

	if (disable_preempt)
		preempt_enable();
	if (test_disable_irq)
		local_irq_restore(flags);
}

static int test_lockup_thread(void *data)
{
	test_lockup(false);
	atomic_dec(&threads_running);
	return 0;
}

static int __init test_lockup_init(void)
{
	u64 test_start = local_clock();
	unsigned int cpu, self;

	printk(KERN_NOTICE "test_lockup: START pid=%d time=%u +%u ns cooldown=%u +%u ns iterations=%u state=R %s%s%s%s%s%s%s%s\n",
	       task_pid_nr(current), time_secs, time_nsecs, cooldown_secs, cooldown_nsecs, iterations,
	       all_cpus ? "all_cpus " : "",
	       test_disable_irq ? "disable_irq " : "",
	       disable_preempt ? "disable_preempt " : "",
	       lock_spinlock ? "lock_spinlock " : "",
	       touch_softlockup ? "touch_softlockup " : "",
	       touch_hardlockup ? "touch_hardlockup " : "",
	       call_cond_resched ? "call_cond_resched " : "",
	       measure_lock_wait ? "measure_lock_wait " : "");

	if (all_cpus) {
		self = smp_processor_id();
		for_each_online_cpu(cpu) {
			struct task_struct *t;

			if (cpu == self)
				continue;
			t = kthread_create_on_cpu(test_lockup_thread, NULL, cpu, "test_lockup/%u");
			if (!t) {
				printk(KERN_WARNING "test_lockup: cannot start a thread on CPU %u\n", cpu);
				continue;
			}
			atomic_inc(&threads_running);
			wake_up_process(t);
		}
		test_lockup(true);
		while (atomic_read(&threads_running) > 0)
			msleep(1);
	} else {
		test_lockup(true);
	}

	if (measure_lock_wait)
		printk(KERN_NOTICE "test_lockup: Maximum lock wait: %llu ns\n", (unsigned long long)max_lock_wait);

	printk(KERN_NOTICE "test_lockup: FINISH in %llu ns\n", (unsigned long long)(local_clock() - test_start));

	/* As Linux's test_lockup: never stay loaded, so the test can be repeated. */
	return -EAGAIN;
}

static void __exit test_lockup_exit(void)
{
}

module_init(test_lockup_init);
module_exit(test_lockup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test module to generate lockups");
MODULE_AUTHOR("emu project (after Konstantin Khlebnikov's lib/test_lockup.c)");
