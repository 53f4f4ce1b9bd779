/* preempt_count (per CPU, like Linux x86: lives in the per-CPU area) and context tests. Owner: kcore. */
#ifndef _PREEMPT_H
#define _PREEMPT_H
#include "percpu.h"

#define PREEMPT_OFFSET 0x1
#define SOFTIRQ_OFFSET 0x100
#define HARDIRQ_OFFSET 0x10000
#define NMI_OFFSET 0x100000
#define PREEMPT_MASK 0xff
#define SOFTIRQ_MASK 0xff00
#define HARDIRQ_MASK 0xf0000
#define NMI_MASK 0xf00000

/* preemption model chosen by preempt=none|voluntary|full (default none) */
enum preempt_model { PREEMPT_NONE, PREEMPT_VOLUNTARY, PREEMPT_FULL };
extern enum preempt_model preempt_model;

static __always_inline int preempt_count(void)
{ int c; __asm__ volatile("movl %%gs:0x18, %0" : "=r"(c)); return c; }
static __always_inline void __preempt_count_add(int v)
{ __asm__ volatile("addl %0, %%gs:0x18" :: "ri"(v) : "memory", "cc"); }
static __always_inline void __preempt_count_sub(int v)
{ __asm__ volatile("subl %0, %%gs:0x18" :: "ri"(v) : "memory", "cc"); }

void preempt_schedule(void);   /* called when the count drops to 0 with need_resched (preempt=full) */
#define preempt_disable() do { __preempt_count_add(1); __asm__ volatile("" ::: "memory"); } while (0)
#define preempt_enable_no_resched() do { __asm__ volatile("" ::: "memory"); __preempt_count_sub(1); } while (0)
#define preempt_enable() do { preempt_enable_no_resched(); if (preempt_count() == 0) preempt_schedule(); } while (0)

#define hardirq_count() (preempt_count() & HARDIRQ_MASK)
#define in_irq() (hardirq_count())
#define in_interrupt() (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))
#define in_nmi() (preempt_count() & NMI_MASK)
#define in_task() (!in_interrupt())
#define in_atomic() (preempt_count() != 0)

void irq_enter(void);
void irq_exit(void);
void nmi_enter(void);
void nmi_exit(void);
#endif
