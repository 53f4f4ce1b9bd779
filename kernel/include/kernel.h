/* Core kernel declarations: printk, panic, BUG/WARN, helpers. Owner: kcore. */
#ifndef _KERNEL_H
#define _KERNEL_H
#include "types.h"
#include "errno.h"
#include "compiler.h"
#include "irqflags.h"
#include "atomic.h"

#define UTS_SYSNAME "emu-kernel"
#define UTS_RELEASE "0.1.0-emu"
#define UTS_VERSION "#1 SMP"
extern const char linux_banner[];        /* /proc/version text, with trailing newline */

/* printk levels as Linux: KERN_SOH + digit */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_DEFAULT 4    /* message_loglevel for KERN_DEFAULT */
#define CONSOLE_LOGLEVEL_DEFAULT 7
#define CONSOLE_LOGLEVEL_QUIET 4

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warning pr_warn
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { if (0) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

extern int console_loglevel;             /* messages with level < console_loglevel reach the console */
void console_verbose(void);              /* console_loglevel = 15 (panic/oops) */
/* dmesg: copies the log ring as dmesg prints it ("[    0.000000] text\n" lines); returns bytes. */
int dmesg_read(char *buf, int size);
void dmesg_clear(void);

/* vsnprintf supports: %d %i %u %x %X %o %c %s %p %lu %ld %lx %llx %zu %zd, width/precision/flags,
 * %*ph (hex bytes), %pS / %ps / %pB (symbols via kallsyms), %*pbl (bitmap list). */
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(2, 3) int sprintf(char *buf, const char *fmt, ...);

/* number parsing (Linux semantics: 0 or -EINVAL/-ERANGE) */
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
long simple_strtol(const char *cp, char **endp, unsigned int base);
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtol(const char *s, unsigned int base, long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtobool(const char *s, bool *res);

struct pt_regs;

/* panic / oops */
extern int panic_timeout;                /* panic= (seconds; <0 immediate reboot; 0 loop forever) */
extern int panic_on_oops;
extern int oops_in_progress;
extern volatile int panic_cpu;           /* -1 when not panicking */
__printf(1, 2) __noreturn void panic(const char *fmt, ...);
void nmi_panic(struct pt_regs *regs, const char *msg);  /* panic from NMI; if another CPU panics, stop */
void dump_stack(void);
/* Serialise a multi-line report (header + modules + show_regs...) against other CPUs' reports.
 * Re-entrant on one CPU (an NMI on top of a report), usable from NMI context, broken by the
 * panicking CPU. show_regs()/dump_stack()/NMI backtraces take it too. (Linux 5.15+:
 * printk_cpu_sync_get_irqsave.) IRQs are off while it is held.
 *   unsigned long t = printk_cpu_sync_get(); ...; printk_cpu_sync_put(t);
 * Do not hold it across trigger_*_cpu_backtrace(): the other CPUs' NMI backtraces need it. */
unsigned long printk_cpu_sync_get(void);
void printk_cpu_sync_put(unsigned long token);

void die(const char *str, struct pt_regs *regs, long err);
void __warn(const char *file, int line, void *caller, struct pt_regs *regs);

#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })
#include "bug.h"        /* BUG/BUG_ON/WARN/WARN_ON/WARN_ON_ONCE: ud2 + __bug_table */

/* reboot / poweroff (port 0xCF9 / FADT PM1a; QEMU isa-debug-exit as fallback) */
__noreturn void machine_restart(void);
__noreturn void machine_power_off(void);
__noreturn void emergency_restart(void);
void kernel_restart(const char *cmd);    /* prints "reboot: Restarting system" */
void kernel_power_off(void);             /* prints "reboot: Power down" */

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b) min((t)(a), (t)(b))
#define max_t(t, a, b) max((t)(a), (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define do_div(n, base) ({ u32 __b = (base); u32 __r = (u32)((n) % __b); (n) /= __b; __r; })

#define INT_MAX 0x7fffffff
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX 0xffffffffU
#define LONG_MAX 0x7fffffffffffffffL
#define LONG_MIN (-LONG_MAX - 1)
#define ULONG_MAX (~0UL)

#endif
