/* Per-CPU data. GS base points at this CPU's struct cpu_local; DEFINE_PER_CPU variables live in
 * section .data..percpu and each CPU has a copy at &var + __per_cpu_offset[cpu]. Owner: kcore. */
#ifndef _PERCPU_H
#define _PERCPU_H
#include "types.h"
#include "compiler.h"

#define NR_CPUS 32

#define CPU_LOCAL_CURRENT 0x10
#define CPU_LOCAL_PREEMPT 0x18
#define CPU_LOCAL_IRQSTACK 0x20

#ifndef __ASSEMBLY__
struct task_struct;
struct pt_regs;
/* Fixed per-CPU header at %gs:0 (offsets used by entry.S: keep in sync with asm-offsets below). */
struct cpu_local {
	struct cpu_local *self;          /* 0x00 */
	unsigned long this_cpu_off;      /* 0x08 */
	struct task_struct *current_task; /* 0x10 */
	int preempt_count;               /* 0x18 */
	int cpu;                         /* 0x1c */
	unsigned long irq_stack_top;     /* 0x20 */
	struct pt_regs *irq_regs;        /* 0x28 */
	unsigned long kernel_sp;         /* 0x30: scratch */
	int need_resched;                /* 0x38 */
	int apic_id;                     /* 0x3c */
	int irq_count;                   /* 0x40: -1 outside IRQs (entry.S switches stacks at 0) */
	int nmi_nesting;                 /* 0x44 */
	unsigned long irq_stack_base;    /* lowest address of the IRQ stack */
	unsigned long nmi_stack_top, df_stack_top;
	struct task_struct *idle;
	void *rq;                        /* scheduler run queue */
} __attribute__((aligned(4096)));      /* one page each: GS bases look like Linux's per-CPU areas */
extern unsigned long __per_cpu_offset[NR_CPUS];
extern struct cpu_local cpu_locals[NR_CPUS];

#define DEFINE_PER_CPU(type, name) __section(".data..percpu") __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name

static __always_inline unsigned long __this_cpu_off(void)
{ unsigned long o; __asm__ volatile("movq %%gs:8, %0" : "=r"(o)); return o; }
static __always_inline struct cpu_local *this_cpu_local(void)
{ struct cpu_local *p; __asm__ volatile("movq %%gs:0, %0" : "=r"(p)); return p; }

#define per_cpu_ptr(ptr, cpu) ((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define this_cpu_ptr(ptr) ((__typeof__(ptr))((unsigned long)(ptr) + __this_cpu_off()))
#define raw_cpu_ptr this_cpu_ptr
#define __this_cpu_read(var) (*this_cpu_ptr(&(var)))
#define __this_cpu_write(var, v) (*this_cpu_ptr(&(var)) = (v))
#define __this_cpu_inc(var) (++*this_cpu_ptr(&(var)))
#define __this_cpu_dec(var) (--*this_cpu_ptr(&(var)))
#define __this_cpu_add(var, v) (*this_cpu_ptr(&(var)) += (v))
#define this_cpu_read __this_cpu_read
#define this_cpu_write __this_cpu_write
#define this_cpu_inc __this_cpu_inc
#define this_cpu_dec __this_cpu_dec
#define this_cpu_add __this_cpu_add
#endif
#endif
