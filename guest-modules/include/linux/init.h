/* __init/__exit section markers and module_init/module_exit, as Linux builds loadable modules:
 * init code goes to .init.text (loaded in its own page-sized area, freed after init succeeds),
 * exit code to .exit.text; module_init(fn) makes "init_module" an alias of fn, which the loader calls. */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#include <linux/compiler.h>

#define __init __section(".init.text") __cold notrace
#define __exit __section(".exit.text") __used __cold notrace
#define __initdata __section(".init.data")
#define __initconst __section(".init.rodata")
#define __exitdata __section(".exit.data")
#define __init_or_module
#define __ref
#define __refdata

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

#define module_init(initfn)                                              \
	static inline initcall_t __maybe_unused __inittest(void)        \
	{ return initfn; }                                               \
	int init_module(void) __attribute__((copy(initfn), alias(#initfn)));

#define module_exit(exitfn)                                              \
	static inline exitcall_t __maybe_unused __exittest(void)        \
	{ return exitfn; }                                               \
	void cleanup_module(void) __attribute__((copy(exitfn), alias(#exitfn)));

/* Built-in style initcalls mean "module init" in a module, as in Linux. */
#define late_initcall(fn) module_init(fn)
#define device_initcall(fn) module_init(fn)
#define subsys_initcall(fn) module_init(fn)
#endif
