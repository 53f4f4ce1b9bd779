/* Hidden boot parameter kcore_test=oops|nmi|panic|warn|hrtimer|nmipanic|stack|nmibuf: exercises the oops/NMI/panic paths. */
#include "kernel.h"
#include "string.h"
#include "sched.h"
#include "nmi.h"
#include "delay.h"
#include "hrtimer.h"
#include "smp.h"

static noinline int kcore_null_deref(void *p)
{
	return *(volatile int *)p;
}

static int oops_thread(void *unused)
{
	printk(KERN_INFO "kcore_test: dereferencing NULL\n");
	return kcore_null_deref(NULL);
}

static int count;
static enum hrtimer_restart test_fn(struct hrtimer *t)
{
	if (++count < 5) {
		hrtimer_forward_now(t, 100 * NSEC_PER_MSEC);
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

void apic_send_nmi(int cpu);

/* "nmipanic": a CPU spins with IRQs off; an NMI IPI makes its NMI handler panic (the hard lockup path) */
static volatile int spin_cpu = -1;
static int nmi_test_handler(unsigned int type, struct pt_regs *regs)
{
	if (smp_processor_id() != spin_cpu)
		return NMI_DONE;
	nmi_panic(regs, "Hard LOCKUP");
	return NMI_HANDLED;
}

static noinline int irqoff_spin(void *unused)
{
	local_irq_disable();
	spin_cpu = smp_processor_id();
	for (;;)
		cpu_relax();
	return 0;
}

void apic_send_nmi(int cpu);

static noinline int recurse(int n)
{
	volatile char pad[256];
	pad[0] = n;
	return n ? recurse(n - 1) + pad[0] : 0;
}

static int overflow_thread(void *unused)
{
	return recurse(1 << 20);
}

static volatile int nmibuf_armed;
static int nmibuf_handler(unsigned int type, struct pt_regs *regs)
{
	if (!nmibuf_armed)
		return NMI_DONE;
	nmibuf_armed = 0;
	printk(KERN_INFO "kcore_test: printk from NMI while the log lock was held\n");
	return NMI_HANDLED;
}

static void raise_self_nmi(void)
{
	nmibuf_armed = 1;
	apic_send_nmi(smp_processor_id());
	while (nmibuf_armed)
		cpu_relax();
}

void printk_test_nmi_buffer(void (*raise_nmi)(void));

void kcore_selftest(const char *what)
{
	if (!strcmp(what, "nmibuf")) {
		nmi_register(NMI_LOCAL, nmibuf_handler);
		printk_test_nmi_buffer(raise_self_nmi);
		return;
	}
	if (!strcmp(what, "stack")) {
		kthread_run(overflow_thread, NULL, "overflow");
		msleep(3000);
		return;
	}
	if (!strcmp(what, "nmipanic") && num_online_cpus() > 1) {
		nmi_register(NMI_LOCAL, nmi_test_handler);
		kthread_run(irqoff_spin, NULL, "irqoff_spin");
		while (spin_cpu < 0)
			msleep(10);
		msleep(100);
		apic_send_nmi(spin_cpu);
		msleep(5000);
		return;
	}
	if (!strcmp(what, "oops")) {
		struct task_struct *t = kthread_run(oops_thread, NULL, "oops_test");
		kthread_wait(t);
		printk(KERN_INFO "kcore_test: oops task exited; kernel still running\n");
	} else if (!strcmp(what, "nmi")) {
		trigger_all_cpu_backtrace();
	} else if (!strcmp(what, "panic")) {
		panic("kcore_test");
	} else if (!strcmp(what, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(what, "hrtimer")) {
		struct hrtimer t;
		u64 t0 = ktime_get_ns();
		hrtimer_init(&t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		t.function = test_fn;
		hrtimer_start(&t, 100 * NSEC_PER_MSEC, HRTIMER_MODE_REL_PINNED);
		msleep(700);
		hrtimer_cancel(&t);
		printk(KERN_INFO "kcore_test: hrtimer fired %d times in %llu ms\n", count,
		       (unsigned long long)(ktime_get_ns() - t0) / 1000000);
	}
}
