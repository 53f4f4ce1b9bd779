/* Wait queues and completions. Owner: kcore. */
#ifndef _WAIT_H
#define _WAIT_H
#include "types.h"
#include "list.h"
#include "spinlock.h"
#include "sched.h"
#include "time.h"

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
};
typedef struct wait_queue_entry wait_queue_entry_t;
typedef struct wait_queue_head { spinlock_t lock; struct list_head head; } wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(n) { __SPIN_LOCK_UNLOCKED(n.lock), LIST_HEAD_INIT(n.head) }
#define DECLARE_WAIT_QUEUE_HEAD(n) wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)
#define DEFINE_WAIT(n) struct wait_queue_entry n = { current, LIST_HEAD_INIT(n.entry) }
void init_waitqueue_head(wait_queue_head_t *wq);
void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e);
void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e);
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *e, int state);
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *e);
void __wake_up(wait_queue_head_t *wq, unsigned int mode, int nr);   /* IRQ-safe */
#define wake_up(wq) __wake_up(wq, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 1)
#define wake_up_all(wq) __wake_up(wq, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 0)
#define wake_up_interruptible(wq) __wake_up(wq, TASK_INTERRUPTIBLE, 1)
#define wake_up_interruptible_all(wq) __wake_up(wq, TASK_INTERRUPTIBLE, 0)

#define wait_event(wq, cond) do {						\
	DEFINE_WAIT(__w);							\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);		\
		if (cond)							\
			break;							\
		schedule();							\
	}									\
	finish_wait(&(wq), &__w);						\
} while (0)
/* returns 0, or -ERESTARTSYS if signal_pending(current) */
#define wait_event_interruptible(wq, cond) ({					\
	int __r = 0;								\
	DEFINE_WAIT(__w);							\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w, TASK_INTERRUPTIBLE);		\
		if (cond)							\
			break;							\
		if (signal_pending(current)) {					\
			__r = -ERESTARTSYS;					\
			break;							\
		}								\
		schedule();							\
	}									\
	finish_wait(&(wq), &__w);						\
	__r;									\
})
/* timeout in jiffies; returns 0 on timeout (cond false), else remaining jiffies (>= 1) */
#define __wait_event_timeout(wq, cond, timeout, state, intr) ({		\
	long __t = (timeout);							\
	DEFINE_WAIT(__w);							\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w, state);				\
		if (cond) {							\
			__t = __t ? __t : 1;					\
			break;							\
		}								\
		if (intr && signal_pending(current)) {				\
			__t = -ERESTARTSYS;					\
			break;							\
		}								\
		if (!__t)							\
			break;							\
		__t = schedule_timeout(__t);					\
	}									\
	finish_wait(&(wq), &__w);						\
	__t;									\
})
#define wait_event_timeout(wq, cond, timeout) __wait_event_timeout(wq, cond, timeout, TASK_UNINTERRUPTIBLE, 0)
#define wait_event_interruptible_timeout(wq, cond, timeout) \
	__wait_event_timeout(wq, cond, timeout, TASK_INTERRUPTIBLE, 1)

struct completion { volatile unsigned int done; wait_queue_head_t wait; };
#define DECLARE_COMPLETION(n) struct completion n = { 0, __WAIT_QUEUE_HEAD_INITIALIZER(n.wait) }
void init_completion(struct completion *c);
static inline void reinit_completion(struct completion *c) { c->done = 0; }
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout);
bool completion_done(struct completion *c);
#endif
