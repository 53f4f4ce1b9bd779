#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H
#include <linux/types.h>
#include <linux/jiffies.h>
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define USEC_PER_SEC 1000000L
#define MSEC_PER_SEC 1000L
u64 ktime_get_ns(void);
u64 local_clock(void);
static inline ktime_t ktime_get(void) { return (ktime_t)ktime_get_ns(); }
static inline s64 ktime_to_ns(ktime_t k) { return k; }
static inline s64 ktime_to_ms(ktime_t k) { return k / NSEC_PER_MSEC; }
static inline s64 ktime_to_us(ktime_t k) { return k / NSEC_PER_USEC; }
#define ktime_sub(a, b) ((a) - (b))
#define ktime_add(a, b) ((a) + (b))
#endif
