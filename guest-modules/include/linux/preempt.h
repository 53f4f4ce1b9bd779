/* Preemption control. The counter lives in the kernel's per-CPU area; modules reach it through the
 * exported preempt_count_add/sub (Linux's out-of-line versions) and emu_preempt_count(). */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H
#include <linux/compiler.h>
void preempt_count_add(int val);
void preempt_count_sub(int val);
int emu_preempt_count(void);
void preempt_schedule(void);
#define preempt_count() emu_preempt_count()
#define preempt_disable() do { preempt_count_add(1); barrier(); } while (0)
#define preempt_enable_no_resched() do { barrier(); preempt_count_sub(1); } while (0)
#define preempt_enable() do { preempt_enable_no_resched(); if (preempt_count() == 0) preempt_schedule(); } while (0)
#define HARDIRQ_MASK 0xf0000
#define SOFTIRQ_MASK 0xff00
#define NMI_MASK 0xf00000
#define in_irq() (preempt_count() & HARDIRQ_MASK)
#define in_interrupt() (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))
#define in_nmi() (preempt_count() & NMI_MASK)
#define in_task() (!in_interrupt())
#define in_atomic() (preempt_count() != 0)
#endif
