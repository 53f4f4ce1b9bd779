/* High-resolution timers: per-CPU, driven by the LAPIC timer (one-shot or TSC-deadline), run in
 * hard IRQ context (vector 0xec) on the CPU that started them (always pinned). Owner: kcore. */
#ifndef _HRTIMER_H
#define _HRTIMER_H
#include "types.h"
#include "time.h"

typedef int clockid_t;
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode {
	HRTIMER_MODE_ABS = 0x00, HRTIMER_MODE_REL = 0x01, HRTIMER_MODE_PINNED = 0x02,
	HRTIMER_MODE_SOFT = 0x04, HRTIMER_MODE_HARD = 0x08,
	HRTIMER_MODE_ABS_PINNED = 0x02, HRTIMER_MODE_REL_PINNED = 0x03,
	HRTIMER_MODE_REL_HARD = 0x09, HRTIMER_MODE_REL_PINNED_HARD = 0x0b, HRTIMER_MODE_ABS_HARD = 0x08,
};

struct hrtimer {
	struct hrtimer *next;                 /* per-CPU sorted queue */
	ktime_t expires;                      /* absolute, ktime_get_ns() base */
	enum hrtimer_restart (*function)(struct hrtimer *);
	int cpu;                              /* queue owner, -1 if not queued */
	volatile int state;                   /* bit0 queued, bit1 callback running */
};

void hrtimer_init(struct hrtimer *timer, clockid_t which_clock, enum hrtimer_mode mode);
void hrtimer_start(struct hrtimer *timer, ktime_t tim, enum hrtimer_mode mode);
int hrtimer_try_to_cancel(struct hrtimer *timer);     /* 0 not active, 1 cancelled, -1 callback running */
int hrtimer_cancel(struct hrtimer *timer);            /* waits for a running callback; 1 if was active */
u64 hrtimer_forward(struct hrtimer *timer, ktime_t now, ktime_t interval);  /* returns overruns */
u64 hrtimer_forward_now(struct hrtimer *timer, ktime_t interval);
static inline ktime_t hrtimer_get_expires(const struct hrtimer *t) { return t->expires; }
static inline void hrtimer_set_expires(struct hrtimer *t, ktime_t e) { t->expires = e; }
static inline ktime_t hrtimer_cb_get_time(struct hrtimer *t) { return ktime_get(); }
static inline int hrtimer_is_queued(struct hrtimer *t) { return t->state & 1; }
static inline int hrtimer_active(const struct hrtimer *t) { return t->state != 0; }
int hrtimer_callback_running(struct hrtimer *t);
#endif
