/* Lockup detectors shared between watchdog.c (softlockup, controls) and the hard lockup backends
 * (watchdog_perf.c: PMU overflow NMI; watchdog_buddy.c: neighbour checks from the hrtimer).
 * Algorithms and messages follow Linux 5.4 kernel/watchdog.c + kernel/watchdog_hld.c; the buddy
 * backend follows Linux 6.6 kernel/watchdog_buddy.c. */
#ifndef _WATCHDOG_H
#define _WATCHDOG_H
#include "types.h"
#include "cpumask.h"

struct pt_regs;

#define NMI_WATCHDOG_ENABLED_BIT 0
#define SOFT_WATCHDOG_ENABLED_BIT 1
#define NMI_WATCHDOG_ENABLED (1UL << NMI_WATCHDOG_ENABLED_BIT)
#define SOFT_WATCHDOG_ENABLED (1UL << SOFT_WATCHDOG_ENABLED_BIT)

/* Linux 5.4 returns -ENOTSUPP (524, kernel-internal) when nmi_watchdog is written without a detector. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* Which hard lockup detector the boot parameter hardlockup_detector= selected. */
enum hld_kind { HLD_PERF, HLD_BUDDY };

extern int watchdog_thresh;
extern unsigned long watchdog_enabled;
extern int hardlockup_panic;
extern unsigned int hardlockup_all_cpu_backtrace;
extern struct cpumask watchdog_allowed_mask;
extern enum hld_kind hld_kind;

/* watchdog.c: the per-CPU heartbeat the hard lockup detectors compare against */
unsigned long watchdog_hrtimer_interrupts(int cpu);

/* Perf backend (watchdog_perf.c) */
int hardlockup_detector_perf_init(void);          /* boot probe: 0 if a PMU counter can be used */
void hardlockup_detector_perf_enable(void);       /* this CPU */
void hardlockup_detector_perf_disable(void);      /* this CPU */
void hardlockup_detector_perf_touch(void);        /* skip this CPU's next check */
void watchdog_update_hrtimer_threshold(u64 period_ns);

/* Buddy backend (watchdog_buddy.c) */
int watchdog_buddy_probe(void);                   /* 0 if usable (needs >= 2 CPUs) */
void watchdog_buddy_enable(int cpu);
void watchdog_buddy_disable(int cpu);
void watchdog_buddy_check(unsigned long hrtimer_interrupts);   /* from this CPU's hrtimer */
void watchdog_buddy_touch(void);
#endif
