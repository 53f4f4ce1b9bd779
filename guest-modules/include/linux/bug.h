#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H
#include <linux/compiler.h>
/* BUG()/WARN() as Linux 5.4 x86-64: a ud2 plus a __bug_table entry (ud2 address, file, line, flags,
 * 32-bit self-relative). The kernel's #UD handler finds the entry in the module's table: BUG prints
 * "kernel BUG at file:line!" then "invalid opcode: 0000 [#1] SMP"; WARN prints
 * "WARNING: CPU: N PID: N at file:line func+off/size [mod]" with the registers at the warning site
 * and the module continues after the ud2. */
struct bug_entry {
	int bug_addr_disp;
	int file_disp;
	unsigned short line;
	unsigned short flags;
};
#define BUGFLAG_WARNING         (1 << 0)
#define BUGFLAG_ONCE            (1 << 1)
#define BUGFLAG_DONE            (1 << 2)
#define BUGFLAG_NO_CUT_HERE     (1 << 3)
#define BUGFLAG_TAINT(taint)    ((taint) << 8)
#define _BUG_FLAGS(flags)                                                       \
	__asm__ __volatile__("1:\tud2\n"                                        \
			     ".pushsection __bug_table,\"aw\"\n"               \
			     "2:\t.long 1b - 2b\n"                             \
			     "\t.long %c0 - 2b\n"                              \
			     "\t.word %c1\n"                                   \
			     "\t.word %c2\n"                                   \
			     "\t.org 2b+%c3\n"                                 \
			     ".popsection"                                     \
			     : : "i" (__FILE__), "i" (__LINE__), "i" (flags),   \
			       "i" (sizeof(struct bug_entry)))
#define BUG() do { _BUG_FLAGS(0); __builtin_unreachable(); } while (0)
#define BUG_ON(c) do { if (unlikely(c)) BUG(); } while (0)
#define __WARN_FLAGS(flags) _BUG_FLAGS(BUGFLAG_WARNING | (flags))
#define __WARN() __WARN_FLAGS(BUGFLAG_TAINT(9))                  /* TAINT_WARN */
void __warn_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define WARN_ON(c) ({ int __ret = !!(c); if (unlikely(__ret)) __WARN(); unlikely(__ret); })
#define WARN_ON_ONCE(c) ({ int __ret = !!(c); if (unlikely(__ret)) __WARN_FLAGS(BUGFLAG_ONCE | BUGFLAG_TAINT(9)); unlikely(__ret); })
#define WARN(c, fmt, ...) ({ int __ret = !!(c); if (unlikely(__ret)) { __warn_printk(fmt, ##__VA_ARGS__); \
	__WARN_FLAGS(BUGFLAG_NO_CUT_HERE | BUGFLAG_TAINT(9)); } unlikely(__ret); })
#define WARN_ONCE(c, fmt, ...) ({ static bool __w; int __ret = !!(c); if (unlikely(__ret) && !__w) { __w = true; \
	WARN(1, fmt, ##__VA_ARGS__); } unlikely(__ret); })
#define BUILD_BUG_ON(c) _Static_assert(!(c), "BUILD_BUG_ON: " #c)
#endif
