// SPDX-License-Identifier: GPL-2.0
/*
 * deadlock_abba.ko - the classic ABBA deadlock: thread A (on cpu_a) takes lock_a then lock_b, thread B
 * (on cpu_b) takes lock_b then lock_a; each holds its first lock for hold_ms before asking for the
 * second, so both always wait for each other forever, spinning in _raw_spin_lock.
 *   insmod deadlock_abba.ko                  both CPUs soft-lock (spin_lock: preemption off, irqs on)
 *   insmod deadlock_abba.ko irqs_off=1       both CPUs hard-lock (spin_lock_irq): NMI watchdog
 * Set kernel.softlockup_all_cpu_backtrace=1 (or hardlockup_all_cpu_backtrace=1) to see both stacks in
 * one report. insmod returns at once (the threads do the locking); the module cannot be removed.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/spinlock.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>

#define pr_fmt_mod "deadlock_abba: "

static int cpu_a = -1;
module_param(cpu_a, int, 0444);
MODULE_PARM_DESC(cpu_a, "CPU of thread A (lock_a then lock_b); default -1: CPU 0");

static int cpu_b = -1;
module_param(cpu_b, int, 0444);
MODULE_PARM_DESC(cpu_b, "CPU of thread B (lock_b then lock_a); default -1: CPU 1");

static bool irqs_off;
module_param(irqs_off, bool, 0444);
MODULE_PARM_DESC(irqs_off, "take the locks with interrupts disabled (hard lockup); default 0");

static unsigned int hold_ms = 100;
module_param(hold_ms, uint, 0444);
MODULE_PARM_DESC(hold_ms, "ms each thread holds its first lock before taking the second (default 100)");

static DEFINE_SPINLOCK(lock_a);
static DEFINE_SPINLOCK(lock_b);

struct abba_side {
	const char *name;
	spinlock_t *first, *second;
	const char *first_name, *second_name;
};

static struct abba_side side_a = { "A", &lock_a, &lock_b, "lock_a", "lock_b" };
static struct abba_side side_b = { "B", &lock_b, &lock_a, "lock_b", "lock_a" };

static noinline void abba_take(spinlock_t *l)
{
	if (irqs_off)
		spin_lock_irq(l);
	else
		spin_lock(l);
}

static int abba_thread(void *data)
{
	struct abba_side *s = data;

	abba_take(s->first);
	printk(KERN_INFO pr_fmt_mod "thread %s on CPU %u took %s\n", s->name, smp_processor_id(), s->first_name);
	mdelay(hold_ms);
	printk(KERN_INFO pr_fmt_mod "thread %s on CPU %u waiting for %s\n", s->name, smp_processor_id(), s->second_name);
	abba_take(s->second);
	/* never reached while the other thread holds its first lock */
	printk(KERN_INFO pr_fmt_mod "thread %s got both locks (no deadlock?)\n", s->name);
	spin_unlock(s->second);
	spin_unlock(s->first);
	if (irqs_off)
		local_irq_enable();
	return 0;
}

static int __init deadlock_abba_init(void)
{
	struct task_struct *ta, *tb;
	int a = cpu_a < 0 ? 0 : cpu_a, b = cpu_b < 0 ? 1 : cpu_b;

	if (a == b || !cpu_online(a) || !cpu_online(b)) {
		printk(KERN_ERR pr_fmt_mod "needs two different online CPUs (cpu_a=%d cpu_b=%d, %u online)\n",
		       a, b, num_online_cpus());
		return -EINVAL;
	}
	printk(KERN_INFO pr_fmt_mod "starting ABBA deadlock on CPUs %d and %d%s\n", a, b,
	       irqs_off ? " with interrupts off" : "");
	ta = kthread_create_on_cpu(abba_thread, &side_a, a, "abba_a/%u");
	tb = kthread_create_on_cpu(abba_thread, &side_b, b, "abba_b/%u");
	if (!ta || !tb) {
		printk(KERN_ERR pr_fmt_mod "cannot create threads\n");
		return -ENOMEM;
	}
	wake_up_process(ta);
	wake_up_process(tb);
	return 0;
}

/* No module_exit: deadlocked threads can never be stopped, so the module is permanent (as Linux
 * marks modules without an exit function). */
module_init(deadlock_abba_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deadlock test: two kthreads take two spinlocks in opposite (ABBA) order");
MODULE_AUTHOR("emu project");
