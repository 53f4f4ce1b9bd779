/* Spinlocks: test-and-test-and-set with pause (xchg), owner CPU recorded for debugging/busting. */
#include "kernel.h"
#include "spinlock.h"
#include "smp.h"

void arch_spin_lock(raw_spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (READ_ONCE(l->locked))
			cpu_relax();
	}
	l->owner_cpu = raw_smp_processor_id();
}

int arch_spin_trylock(raw_spinlock_t *l)
{
	if (READ_ONCE(l->locked) || __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return 0;
	l->owner_cpu = raw_smp_processor_id();
	return 1;
}

void arch_spin_unlock(raw_spinlock_t *l)
{
	l->owner_cpu = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
