/* Local interrupt control: inline cli/sti/pushf exactly as Linux x86 (native_irq_disable ...). */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H
#define X86_EFLAGS_IF 0x200UL
static inline unsigned long arch_local_save_flags(void)
{ unsigned long f; __asm__ __volatile__("pushfq; popq %0" : "=rm"(f) :: "memory"); return f; }
static inline void arch_local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void arch_local_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline unsigned long arch_local_irq_save(void)
{ unsigned long f = arch_local_save_flags(); arch_local_irq_disable(); return f; }
static inline void arch_local_irq_restore(unsigned long f)
{ if (f & X86_EFLAGS_IF) arch_local_irq_enable(); else arch_local_irq_disable(); }
#define local_irq_disable() arch_local_irq_disable()
#define local_irq_enable() arch_local_irq_enable()
#define local_irq_save(f) do { (f) = arch_local_irq_save(); } while (0)
#define local_irq_restore(f) arch_local_irq_restore(f)
#define local_save_flags(f) do { (f) = arch_local_save_flags(); } while (0)
#define irqs_disabled() (!(arch_local_save_flags() & X86_EFLAGS_IF))
#define irqs_disabled_flags(f) (!((f) & X86_EFLAGS_IF))
#endif
