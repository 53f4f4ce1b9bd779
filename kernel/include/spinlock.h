/* Ticket-free test-and-set spinlocks; spin_lock disables preemption, _irq/_irqsave also IRQs. */
#ifndef _SPINLOCK_H
#define _SPINLOCK_H
#include "types.h"
#include "compiler.h"
#include "irqflags.h"
#include "preempt.h"

typedef struct { volatile u32 locked; int owner_cpu; } raw_spinlock_t;
typedef raw_spinlock_t spinlock_t;
#define __SPIN_LOCK_UNLOCKED(n) { 0, -1 }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
#define DEFINE_RAW_SPINLOCK(n) raw_spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; l->owner_cpu = -1; }
#define raw_spin_lock_init spin_lock_init

void arch_spin_lock(raw_spinlock_t *l);        /* no preemption/irq side effects */
int arch_spin_trylock(raw_spinlock_t *l);
void arch_spin_unlock(raw_spinlock_t *l);
static inline int spin_is_locked(spinlock_t *l) { return READ_ONCE(l->locked) != 0; }

static inline void spin_lock(spinlock_t *l) { preempt_disable(); arch_spin_lock(l); }
static inline int spin_trylock(spinlock_t *l)
{ preempt_disable(); if (arch_spin_trylock(l)) return 1; preempt_enable(); return 0; }
static inline void spin_unlock(spinlock_t *l) { arch_spin_unlock(l); preempt_enable(); }
static inline void spin_lock_irq(spinlock_t *l) { local_irq_disable(); spin_lock(l); }
static inline void spin_unlock_irq(spinlock_t *l) { arch_spin_unlock(l); local_irq_enable(); preempt_enable(); }
#define spin_lock_irqsave(l, f) do { local_irq_save(f); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { arch_spin_unlock(l); local_irq_restore(f); preempt_enable(); } while (0)
#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore
#define raw_spin_lock_irq spin_lock_irq
#define raw_spin_unlock_irq spin_unlock_irq
#endif
