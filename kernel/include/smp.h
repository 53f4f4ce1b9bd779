/* SMP: CPU ids, cross-CPU calls. Owner: kcore. */
#ifndef _SMP_H
#define _SMP_H
#include "types.h"
#include "percpu.h"
#include "cpumask.h"

static __always_inline int raw_smp_processor_id(void)
{ int c; __asm__ volatile("movl %%gs:0x1c, %0" : "=r"(c)); return c; }
#define smp_processor_id() raw_smp_processor_id()
#define get_cpu() ({ preempt_disable(); smp_processor_id(); })
#define put_cpu() preempt_enable()
unsigned int num_online_cpus(void);

typedef void (*smp_call_func_t)(void *info);
/* Runs func(info) on cpu in IRQ context (locally if cpu == this cpu, IRQs off). wait: until done. */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);
void smp_call_function(smp_call_func_t func, void *info, int wait);     /* all other online CPUs */
void on_each_cpu(smp_call_func_t func, void *info, int wait);
void smp_send_reschedule(int cpu);
void smp_send_stop(void);            /* panic: stop all other CPUs (IPI, then NMI after 1 s) */
#include "preempt.h"
#endif
