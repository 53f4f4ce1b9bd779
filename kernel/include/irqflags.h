/* Interrupt flag control. */
#ifndef _IRQFLAGS_H
#define _IRQFLAGS_H
#include "types.h"
static inline unsigned long arch_local_save_flags(void)
{ unsigned long f; __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory"); return f; }
static inline void arch_local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void arch_local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline unsigned long arch_local_irq_save(void)
{ unsigned long f = arch_local_save_flags(); arch_local_irq_disable(); return f; }
static inline void arch_local_irq_restore(unsigned long f)
{ if (f & 0x200) arch_local_irq_enable(); else arch_local_irq_disable(); }
#define local_irq_disable() arch_local_irq_disable()
#define local_irq_enable() arch_local_irq_enable()
#define local_irq_save(f) do { (f) = arch_local_irq_save(); } while (0)
#define local_irq_restore(f) arch_local_irq_restore(f)
#define local_save_flags(f) do { (f) = arch_local_save_flags(); } while (0)
#define irqs_disabled() (!(arch_local_save_flags() & 0x200))
#define irqs_disabled_flags(f) (!((f) & 0x200))
/* sti; hlt (atomic: wakes on the next interrupt) */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
#endif
