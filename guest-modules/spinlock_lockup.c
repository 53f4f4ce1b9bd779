// SPDX-License-Identifier: GPL-2.0
/*
 * spinlock_lockup.ko - takes a spinlock and busy-waits while holding it, with interrupts ON.
 * spin_lock() disables preemption, so this soft-locks the CPU even under preempt=full (the timer
 * interrupt still arrives, but the per-CPU stop-class "touch" work cannot run).
 *
 *   insmod spinlock_lockup.ko &                  hold forever in insmod's context
 *   insmod spinlock_lockup.ko hold_secs=30       hold 30 s, then unlock and finish loading
 *   insmod spinlock_lockup.ko contend=1 &        also start a kthread on another CPU that tries to take
 *                                                the same lock: that CPU soft-locks too, spinning in
 *                                                _raw_spin_lock
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/spinlock.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/ktime.h>

#define pr_fmt_mod "spinlock_lockup: "

static unsigned int hold_secs;
module_param(hold_secs, uint, 0444);
MODULE_PARM_DESC(hold_secs, "seconds to hold the lock (busy, irqs on, preemption off); 0 = forever (default)");

static bool contend;
module_param(contend, bool, 0444);
MODULE_PARM_DESC(contend, "start a kthread on another CPU that contends for the same lock (default 0)");

static int contend_cpu = -1;
module_param(contend_cpu, int, 0444);
MODULE_PARM_DESC(contend_cpu, "CPU for the contending kthread (default -1: the next online CPU)");

static DEFINE_SPINLOCK(lockup_lock);
static volatile int contender_done;

static int contender_fn(void *data)
{
	printk(KERN_INFO pr_fmt_mod "contender on CPU %u waiting for the lock\n", smp_processor_id());
	spin_lock(&lockup_lock);
	printk(KERN_INFO pr_fmt_mod "contender on CPU %u got the lock\n", smp_processor_id());
	spin_unlock(&lockup_lock);
	contender_done = 1;
	return 0;
}

static noinline void hold_lock_busy(unsigned int secs)
{
	u64 end = ktime_get_ns() + (u64)secs * NSEC_PER_SEC;

	while (secs == 0 || ktime_get_ns() < end)
		cpu_relax();
}

static int __init spinlock_lockup_init(void)
{
	unsigned int cpu;
	struct task_struct *t;

	spin_lock(&lockup_lock);
	cpu = smp_processor_id();
	if (hold_secs)
		printk(KERN_INFO pr_fmt_mod "CPU %u holds the lock for %u s (irqs on, preemption off)\n", cpu, hold_secs);
	else
		printk(KERN_INFO pr_fmt_mod "CPU %u holds the lock forever (irqs on, preemption off)\n", cpu);

	if (contend) {
		int target = contend_cpu;

		if (target < 0)
			target = (cpu + 1) % num_online_cpus();
		if ((unsigned int)target == cpu || !cpu_online(target)) {
			printk(KERN_WARNING pr_fmt_mod "no other online CPU for the contender\n");
		} else {
			t = kthread_create_on_cpu(contender_fn, NULL, target, "spin_contend/%u");
			if (!t)
				printk(KERN_WARNING pr_fmt_mod "cannot create the contender thread\n");
			else
				wake_up_process(t);
		}
	}

	hold_lock_busy(hold_secs);
	spin_unlock(&lockup_lock);
	printk(KERN_INFO pr_fmt_mod "CPU %u released the lock after %u s\n", cpu, hold_secs);
	return 0;
}

static void __exit spinlock_lockup_exit(void)
{
	/* a contender still waiting gets the (free) lock right away; let it finish */
	while (contend && !contender_done)
		msleep(10);
	printk(KERN_INFO pr_fmt_mod "unloaded\n");
}

module_init(spinlock_lockup_init);
module_exit(spinlock_lockup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Soft lockup test: spin while holding a spinlock (irqs on, preemption off)");
MODULE_AUTHOR("emu project");
