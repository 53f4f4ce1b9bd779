#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H
#include <linux/compiler.h>
/* BUG(): ud2, reported by the kernel as "invalid opcode: 0000 [#1] SMP" with the module's RIP. */
#define BUG() do { __asm__ __volatile__("ud2"); __builtin_unreachable(); } while (0)
#define BUG_ON(c) do { if (unlikely(c)) BUG(); } while (0)
struct pt_regs;
/* the address of the WARN site itself (Linux reports the warning's own RIP, not the caller's) */
#define __emu_this_ip() ({ void *__ip; __asm__ __volatile__("lea 0(%%rip), %0" : "=r"(__ip)); __ip; })
void __warn(const char *file, int line, void *caller, struct pt_regs *regs);
#define WARN_ON(c) ({ int __ret = !!(c); if (unlikely(__ret)) __warn(__FILE__, __LINE__, __emu_this_ip(), (struct pt_regs *)0); unlikely(__ret); })
#define WARN_ON_ONCE(c) ({ static bool __w; int __ret = !!(c); if (unlikely(__ret) && !__w) { __w = true; __warn(__FILE__, __LINE__, __emu_this_ip(), (struct pt_regs *)0); } unlikely(__ret); })
#define WARN(c, fmt, ...) ({ int __ret = !!(c); if (unlikely(__ret)) { printk(fmt, ##__VA_ARGS__); __warn(__FILE__, __LINE__, __emu_this_ip(), (struct pt_regs *)0); } unlikely(__ret); })
#define BUILD_BUG_ON(c) _Static_assert(!(c), "BUILD_BUG_ON: " #c)
#endif
