#ifndef _LINUX_PROCESSOR_H
#define _LINUX_PROCESSOR_H
/* cpu_relax(): the x86 PAUSE instruction, as Linux's rep_nop(). */
static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
#endif
