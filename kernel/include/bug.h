/* BUG()/WARN() as Linux 5.4 x86-64 (CONFIG_GENERIC_BUG, relative pointers): each site is a ud2
 * with a __bug_table entry (ud2 address, file, line, flags). The #UD handler looks the address up
 * (kernel table, then loaded modules): a WARN prints "WARNING: CPU: N PID: N at file:line sym+off"
 * with the registers at the warning site and continues after the ud2; a BUG prints
 * "kernel BUG at file:line!" and then the "invalid opcode: 0000 [#1] SMP" oops.
 * Included by kernel.h; the module SDK's <linux/bug.h> emits the same entries. */
#ifndef _BUG_H
#define _BUG_H

struct bug_entry {
	int bug_addr_disp;                /* ud2 address - &entry */
	int file_disp;                    /* file name - &entry */
	unsigned short line;
	unsigned short flags;
};

#define BUGFLAG_WARNING         (1 << 0)
#define BUGFLAG_ONCE            (1 << 1)
#define BUGFLAG_DONE            (1 << 2)
#define BUGFLAG_NO_CUT_HERE     (1 << 3)  /* WARN(): __warn_printk printed the cut-here line */
#define BUGFLAG_TAINT(taint)    ((taint) << 8)
#define BUG_GET_TAINT(bug)      ((bug)->flags >> 8)
#define CUT_HERE                "------------[ cut here ]------------\n"

#ifndef __ASSEMBLY__
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
#define WARN_ON(c) ({ int __ret = !!(c); if (unlikely(__ret)) __WARN(); unlikely(__ret); })
#define WARN_ON_ONCE(c) ({ int __ret = !!(c); if (unlikely(__ret)) __WARN_FLAGS(BUGFLAG_ONCE | BUGFLAG_TAINT(9)); unlikely(__ret); })
#define WARN(c, fmt, ...) ({ int __ret = !!(c); if (unlikely(__ret)) { __warn_printk(fmt, ##__VA_ARGS__); \
	__WARN_FLAGS(BUGFLAG_NO_CUT_HERE | BUGFLAG_TAINT(9)); } unlikely(__ret); })

struct pt_regs;
void __warn_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
enum bug_trap_type { BUG_TRAP_TYPE_NONE, BUG_TRAP_TYPE_WARN, BUG_TRAP_TYPE_BUG };
enum bug_trap_type report_bug(unsigned long bugaddr, struct pt_regs *regs);
struct bug_entry *module_find_bug(unsigned long bugaddr);   /* module.c */
#endif
#endif
