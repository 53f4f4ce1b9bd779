/* Time: jiffies (HZ=250), monotonic ns clocks from the TSC (calibrated against HPET / CPUID 0x15). */
#ifndef _TIME_H
#define _TIME_H
#include "types.h"
#define HZ 250
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define USEC_PER_SEC 1000000L
#define MSEC_PER_SEC 1000L
#define TICK_NSEC (NSEC_PER_SEC / HZ)

extern volatile unsigned long jiffies;    /* starts at 0; incremented by CPU 0's tick */
extern unsigned int tsc_khz, cpu_khz;     /* after time_init */
typedef s64 ktime_t;

static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }
#define get_cycles rdtsc
u64 ktime_get_ns(void);                   /* monotonic ns since boot (same base as printk) */
static inline ktime_t ktime_get(void) { return (ktime_t)ktime_get_ns(); }
u64 ktime_get_boottime_ns(void);
u64 running_clock(void);                  /* ns, used by the softlockup detector (= local_clock) */
u64 local_clock(void);
u64 sched_clock(void);
u64 cpu_idle_time_ns(int cpu);
void tick_nohz_idle_enter(void);          /* idle loop, IRQs off: stop this CPU's tick (not CPU 0) */
void tick_nohz_idle_exit(void);           /* leaving idle: restart it */            /* time spent in the idle loop (/proc/uptime) */

static inline ktime_t ns_to_ktime(u64 ns) { return (ktime_t)ns; }
static inline ktime_t ms_to_ktime(u64 ms) { return (ktime_t)(ms * NSEC_PER_MSEC); }
static inline ktime_t ktime_set(s64 secs, unsigned long ns) { return secs * NSEC_PER_SEC + (s64)ns; }
static inline s64 ktime_to_ns(ktime_t k) { return k; }
static inline s64 ktime_to_ms(ktime_t k) { return k / NSEC_PER_MSEC; }
static inline s64 ktime_to_us(ktime_t k) { return k / NSEC_PER_USEC; }
#define ktime_add(a, b) ((a) + (b))
#define ktime_sub(a, b) ((a) - (b))
#define ktime_add_ns(k, ns) ((k) + (s64)(ns))

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
static inline unsigned long msecs_to_jiffies(unsigned int m) { return (m + (1000 / HZ) - 1) / (1000 / HZ); }
static inline unsigned long usecs_to_jiffies(unsigned int u) { return (u + 3999) / 4000; }
static inline unsigned int jiffies_to_msecs(unsigned long j) { return j * (1000 / HZ); }
static inline u64 jiffies_to_nsecs(unsigned long j) { return (u64)j * TICK_NSEC; }
#endif
