/* Host shim for unit-testing kernel/module.c natively (compiled with -DEMU_HOSTTEST).
 * Allocator = a fixed-address mmap region (so 32-bit relocations are representable), symbol table
 * and taint state = the test's, init/exit calls are intercepted (module code is kernel code and
 * cannot run on the host). Owner: kmod. */
#ifndef MODULE_HOSTTEST_H
#define MODULE_HOSTTEST_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/types.h"
#include "../../include/errno.h"

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"
#define GFP_KERNEL 0u
#define noinline __attribute__((noinline))
#define barrier() __asm__ __volatile__("" ::: "memory")
#define smp_wmb() barrier()
#define smp_mb() __sync_synchronize()
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)

typedef struct { volatile int counter; } atomic_t;
#define ATOMIC_INIT(i) { (i) }
static inline int atomic_read(const atomic_t *v) { return v->counter; }
static inline void atomic_inc(atomic_t *v) { __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }
static inline void atomic_dec(atomic_t *v) { __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }

#define TAINT_PROPRIETARY_MODULE 0
#define TAINT_OOT_MODULE 12
#define LOCKDEP_STILL_OK 0
#define LOCKDEP_NOW_UNRELIABLE 1

/* provided by the test */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dump_stack(void);
void *kmalloc(size_t size, unsigned int flags);
void *kzalloc(size_t size, unsigned int flags);
void kfree(const void *p);
void *module_alloc(unsigned long size);
void module_memfree(void *addr);
void add_taint(unsigned int flag, int lockdep_ok);
int test_taint(unsigned int flag);
size_t strlcpy(char *d, const char *s, size_t n);
int hosttest_initcall(int (*fn)(void));
void hosttest_exitcall(void (*fn)(void));
void hosttest_section_placed(const char *name, unsigned long long addr, unsigned long long size, int nobits);

#define mod_lock(flags) do { (void)(flags); } while (0)
#define mod_unlock(flags) do { (void)(flags); } while (0)
static inline int mod_preempt_count(void) { return 0; }
static inline void mod_preempt_fix(int want) { (void)want; }
#define mod_irqs_disabled() 0
#define mod_irq_enable() do { } while (0)
#define mod_cpu_relax() do { } while (0)
#define MOD_CALL_INIT(fn) hosttest_initcall(fn)
#define MOD_CALL_EXIT(fn) hosttest_exitcall(fn)

#include "../../include/bug.h"
#include "../../include/module.h"
#include "../../include/export.h"
#endif
