/* Spinlocks. Layout matches the kernel's raw_spinlock_t; the operations are the kernel's exported
 * out-of-line _raw_spin_* functions (as in Linux), so a CPU spinning on a lock shows
 * _raw_spin_lock / arch_spin_lock in its backtrace. spin_lock disables preemption, _irq/_irqsave also
 * local interrupts. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>

typedef struct { volatile u32 locked; int owner_cpu; } raw_spinlock_t;
typedef raw_spinlock_t spinlock_t;
#define __SPIN_LOCK_UNLOCKED(n) { 0, -1 }
#define __RAW_SPIN_LOCK_UNLOCKED(n) { 0, -1 }
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
#define DEFINE_RAW_SPINLOCK(n) raw_spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; l->owner_cpu = -1; }
#define raw_spin_lock_init spin_lock_init

void _raw_spin_lock(raw_spinlock_t *l);
int _raw_spin_trylock(raw_spinlock_t *l);
void _raw_spin_unlock(raw_spinlock_t *l);
void _raw_spin_lock_irq(raw_spinlock_t *l);
void _raw_spin_unlock_irq(raw_spinlock_t *l);
unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *l);
void _raw_spin_unlock_irqrestore(raw_spinlock_t *l, unsigned long flags);

#define spin_lock(l) _raw_spin_lock(l)
#define spin_trylock(l) _raw_spin_trylock(l)
#define spin_unlock(l) _raw_spin_unlock(l)
#define spin_lock_irq(l) _raw_spin_lock_irq(l)
#define spin_unlock_irq(l) _raw_spin_unlock_irq(l)
#define spin_lock_irqsave(l, f) do { (f) = _raw_spin_lock_irqsave(l); } while (0)
#define spin_unlock_irqrestore(l, f) _raw_spin_unlock_irqrestore(l, f)
#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define raw_spin_lock spin_lock
#define raw_spin_trylock spin_trylock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irq spin_lock_irq
#define raw_spin_unlock_irq spin_unlock_irq
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore
static inline int spin_is_locked(spinlock_t *l) { return READ_ONCE(l->locked) != 0; }
#endif
