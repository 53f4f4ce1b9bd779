/* NMI handler chain, NMI backtraces and the watchdog touch hooks. Owner: kcore (hooks: watchdog). */
#ifndef _NMI_H
#define _NMI_H
#include "types.h"
#include "cpumask.h"

struct pt_regs;
#define NMI_LOCAL 0          /* LAPIC-delivered NMIs: PMU/LVTPC overflow, NMI IPIs */
#define NMI_UNKNOWN 1
#define NMI_SERR 2
#define NMI_IO_CHECK 3
#define NMI_MAX 4
#define NMI_DONE 0
#define NMI_HANDLED 1
#define NMI_FLAG_FIRST 1

/* Handlers of a type are all called on each NMI of that type (in NMI context, on the NMI IST stack);
 * return NMI_HANDLED if the NMI was yours. Safe to call printk/show_regs/panic (nmi_panic). */
typedef int (*nmi_handler_t)(unsigned int type, struct pt_regs *regs);
int nmi_register(unsigned int type, nmi_handler_t fn);
int nmi_unregister(unsigned int type, nmi_handler_t fn);
#define register_nmi_handler(t, fn, flags, name) nmi_register((t), (fn))
#define unregister_nmi_handler(t, fn) nmi_unregister((t), (fn))

/* NMI backtraces ("Sending NMI from CPU %d to CPUs %*pbl:" + "NMI backtrace for cpu %d" + regs/stack) */
bool trigger_all_cpu_backtrace(void);
bool trigger_allbutself_cpu_backtrace(void);
bool trigger_cpumask_backtrace(struct cpumask *mask);
bool trigger_single_cpu_backtrace(int cpu);
bool nmi_cpu_backtrace(struct pt_regs *regs);   /* called from the NMI handler chain */
void apic_send_nmi(int cpu);

/* watchdog hooks: weak no-op defaults in the kernel, real ones in watchdog/ */
void touch_nmi_watchdog(void);
void touch_softlockup_watchdog(void);
void touch_softlockup_watchdog_sched(void);
void touch_all_softlockup_watchdogs(void);
void lockup_detector_init(void);      /* called once after SMP bring-up and the scheduler are up */
#endif
