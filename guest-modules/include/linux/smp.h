#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H
#include <linux/types.h>
#include <linux/preempt.h>
/* As Linux with CONFIG_DEBUG_PREEMPT: smp_processor_id() is an exported function. */
unsigned int debug_smp_processor_id(void);
#define smp_processor_id() debug_smp_processor_id()
#define raw_smp_processor_id() debug_smp_processor_id()
#define get_cpu() ({ preempt_disable(); smp_processor_id(); })
#define put_cpu() preempt_enable()
unsigned int num_online_cpus(void);
typedef void (*smp_call_func_t)(void *info);
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);
void smp_call_function(smp_call_func_t func, void *info, int wait);
void on_each_cpu(smp_call_func_t func, void *info, int wait);
#define NR_CPUS 32
bool cpu_online(unsigned int cpu);
#define for_each_online_cpu(cpu) for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpu_online(cpu))
#endif
