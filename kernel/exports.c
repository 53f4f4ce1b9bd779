// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's symbols for loadable modules (EXPORT_SYMBOL table, see export.h). Owner: kmod.
 *
 * This is the ABI of the module SDK (guest-modules/include/linux/): every function an SDK header
 * declares is exported here. Most are kcore's functions exported as they are; a few are small
 * out-of-line wrappers with Linux's names for things the kernel only has as inline functions
 * (Linux exports the same names): _raw_spin_*, preempt_count_add/sub, debug_smp_processor_id.
 *
 * kcore's functions are referenced weakly: a function that does not exist (yet) makes no link error,
 * its entry has address 0 and the loader treats it as not exported ("Unknown symbol").
 * Owners may also EXPORT_SYMBOL() in their own files; duplicates are harmless (first match wins).
 */
#include "kernel.h"
#include "string.h"
#include "spinlock.h"
#include "irqflags.h"
#include "preempt.h"
#include "smp.h"
#include "sched.h"
#include "delay.h"
#include "time.h"
#include "mm.h"
#include "nmi.h"
#include "export.h"


/* ---- weak references: the kernel links whether or not the function exists yet ---- */
#pragma weak printk
#pragma weak vprintk
#pragma weak dump_stack
#pragma weak snprintf
#pragma weak vsnprintf
#pragma weak scnprintf
#pragma weak sprintf
#pragma weak simple_strtoul
#pragma weak simple_strtol
#pragma weak kstrtoul
#pragma weak kstrtol
#pragma weak kstrtouint
#pragma weak kstrtoint
#pragma weak kstrtobool
#pragma weak panic
#pragma weak __warn
#pragma weak __warn_printk
#pragma weak preempt_schedule
#pragma weak arch_spin_lock
#pragma weak arch_spin_trylock
#pragma weak arch_spin_unlock
#pragma weak ndelay
#pragma weak udelay
#pragma weak mdelay
#pragma weak msleep
#pragma weak msleep_interruptible
#pragma weak ssleep
#pragma weak usleep_range
#pragma weak num_online_cpus
#pragma weak smp_call_function_single
#pragma weak smp_call_function
#pragma weak on_each_cpu
#pragma weak touch_softlockup_watchdog
#pragma weak touch_all_softlockup_watchdogs
#pragma weak touch_nmi_watchdog
#pragma weak schedule
#pragma weak _cond_resched
#pragma weak yield
#pragma weak schedule_timeout
#pragma weak schedule_timeout_interruptible
#pragma weak schedule_timeout_uninterruptible
#pragma weak wake_up_process
#pragma weak kthread_create_on_cpu
#pragma weak kthread_create
#pragma weak kthread_stop
#pragma weak kthread_should_stop
#pragma weak kthread_bind
#pragma weak jiffies
#pragma weak ktime_get_ns
#pragma weak local_clock
#pragma weak kmalloc
#pragma weak kzalloc
#pragma weak kfree
#pragma weak memcpy
#pragma weak memmove
#pragma weak memset
#pragma weak memcmp
#pragma weak strlen
#pragma weak strcmp
#pragma weak strncmp
#pragma weak strcpy
#pragma weak strlcpy
#pragma weak strchr
#pragma weak __cpu_online_mask

/* ---- printk & friends ---- */
EXPORT_SYMBOL(printk);
EXPORT_SYMBOL(vprintk);
EXPORT_SYMBOL(dump_stack);
EXPORT_SYMBOL(snprintf);
EXPORT_SYMBOL(vsnprintf);
EXPORT_SYMBOL(scnprintf);
EXPORT_SYMBOL(sprintf);
EXPORT_SYMBOL(simple_strtoul);
EXPORT_SYMBOL(simple_strtol);
EXPORT_SYMBOL(kstrtoul);
EXPORT_SYMBOL(kstrtol);
EXPORT_SYMBOL(kstrtouint);
EXPORT_SYMBOL(kstrtoint);
EXPORT_SYMBOL(kstrtobool);
EXPORT_SYMBOL(panic);
EXPORT_SYMBOL(__warn);
EXPORT_SYMBOL(__warn_printk);

/* ---- preemption ---- */
void preempt_count_add(int val);
void preempt_count_sub(int val);
int emu_preempt_count(void);

void preempt_count_add(int val)
{
	__preempt_count_add(val);
}
EXPORT_SYMBOL(preempt_count_add);

void preempt_count_sub(int val)
{
	__preempt_count_sub(val);
}
EXPORT_SYMBOL(preempt_count_sub);

int emu_preempt_count(void)
{
	return preempt_count();
}
EXPORT_SYMBOL(emu_preempt_count);
EXPORT_SYMBOL(preempt_schedule);

/* ---- spinlocks: Linux's out-of-line lock functions (kernel/locking/spinlock.c) ---- */
void _raw_spin_lock(raw_spinlock_t *l);
int _raw_spin_trylock(raw_spinlock_t *l);
void _raw_spin_unlock(raw_spinlock_t *l);
void _raw_spin_lock_irq(raw_spinlock_t *l);
void _raw_spin_unlock_irq(raw_spinlock_t *l);
unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *l);
void _raw_spin_unlock_irqrestore(raw_spinlock_t *l, unsigned long flags);

noinline void _raw_spin_lock(raw_spinlock_t *l)
{
	spin_lock(l);
}
EXPORT_SYMBOL(_raw_spin_lock);

noinline int _raw_spin_trylock(raw_spinlock_t *l)
{
	return spin_trylock(l);
}
EXPORT_SYMBOL(_raw_spin_trylock);

noinline void _raw_spin_unlock(raw_spinlock_t *l)
{
	spin_unlock(l);
}
EXPORT_SYMBOL(_raw_spin_unlock);

noinline void _raw_spin_lock_irq(raw_spinlock_t *l)
{
	spin_lock_irq(l);
}
EXPORT_SYMBOL(_raw_spin_lock_irq);

noinline void _raw_spin_unlock_irq(raw_spinlock_t *l)
{
	spin_unlock_irq(l);
}
EXPORT_SYMBOL(_raw_spin_unlock_irq);

noinline unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *l)
{
	unsigned long flags;

	spin_lock_irqsave(l, flags);
	return flags;
}
EXPORT_SYMBOL(_raw_spin_lock_irqsave);

noinline void _raw_spin_unlock_irqrestore(raw_spinlock_t *l, unsigned long flags)
{
	spin_unlock_irqrestore(l, flags);
}
EXPORT_SYMBOL(_raw_spin_unlock_irqrestore);

/* ---- delays ---- */
EXPORT_SYMBOL(ndelay);
EXPORT_SYMBOL(udelay);
EXPORT_SYMBOL(mdelay);
EXPORT_SYMBOL(msleep);
EXPORT_SYMBOL(msleep_interruptible);
EXPORT_SYMBOL(ssleep);
EXPORT_SYMBOL(usleep_range);

/* ---- SMP ---- */
unsigned int debug_smp_processor_id(void);
bool emu_cpu_online(unsigned int cpu);

unsigned int debug_smp_processor_id(void)
{
	return smp_processor_id();
}
EXPORT_SYMBOL(debug_smp_processor_id);

/* cpu_online() is a macro in the kernel; modules get a function of that name */
bool emu_cpu_online(unsigned int cpu)
{
	if (cpu >= NR_CPUS || !&__cpu_online_mask)
		return false;
	return cpu_online(cpu);
}
static const char __kstrtab_cpu_online[] __attribute__((section("__ksymtab_strings"), used, aligned(1))) = "cpu_online";
static const struct kernel_symbol __ksymtab_cpu_online __attribute__((section("__ksymtab"), used, aligned(8))) =
	{ (unsigned long)&emu_cpu_online, __kstrtab_cpu_online };

EXPORT_SYMBOL(num_online_cpus);
EXPORT_SYMBOL(smp_call_function_single);
EXPORT_SYMBOL(smp_call_function);
EXPORT_SYMBOL(on_each_cpu);

/* ---- lockup detector hooks ---- */
EXPORT_SYMBOL(touch_softlockup_watchdog);
EXPORT_SYMBOL(touch_all_softlockup_watchdogs);
EXPORT_SYMBOL(touch_nmi_watchdog);

/* ---- scheduler, tasks, kthreads ---- */
struct task_struct *emu_get_current(void);
pid_t emu_task_pid(struct task_struct *t);
const char *emu_task_comm(struct task_struct *t);
int emu_signal_pending(struct task_struct *t);

struct task_struct *emu_get_current(void)
{
	return current;
}
EXPORT_SYMBOL(emu_get_current);

pid_t emu_task_pid(struct task_struct *t)
{
	return t ? t->pid : 0;
}
EXPORT_SYMBOL(emu_task_pid);

const char *emu_task_comm(struct task_struct *t)
{
	return t ? t->comm : "";
}
EXPORT_SYMBOL(emu_task_comm);

int emu_signal_pending(struct task_struct *t)
{
	return t ? signal_pending(t) : 0;
}
EXPORT_SYMBOL(emu_signal_pending);

EXPORT_SYMBOL(schedule);
EXPORT_SYMBOL(_cond_resched);
EXPORT_SYMBOL(yield);
EXPORT_SYMBOL(schedule_timeout);
EXPORT_SYMBOL(schedule_timeout_interruptible);
EXPORT_SYMBOL(schedule_timeout_uninterruptible);
EXPORT_SYMBOL(wake_up_process);
EXPORT_SYMBOL(kthread_create_on_cpu);
EXPORT_SYMBOL(kthread_create);
EXPORT_SYMBOL(kthread_stop);
EXPORT_SYMBOL(kthread_should_stop);
EXPORT_SYMBOL(kthread_bind);

/* ---- time ---- */
EXPORT_SYMBOL(jiffies);
EXPORT_SYMBOL(ktime_get_ns);
EXPORT_SYMBOL(local_clock);

/* ---- memory and strings ---- */
EXPORT_SYMBOL(kmalloc);
EXPORT_SYMBOL(kzalloc);
EXPORT_SYMBOL(kfree);
EXPORT_SYMBOL(memcpy);
EXPORT_SYMBOL(memmove);
EXPORT_SYMBOL(memset);
EXPORT_SYMBOL(memcmp);
EXPORT_SYMBOL(strlen);
EXPORT_SYMBOL(strcmp);
EXPORT_SYMBOL(strncmp);
EXPORT_SYMBOL(strcpy);
EXPORT_SYMBOL(strlcpy);
EXPORT_SYMBOL(strchr);
