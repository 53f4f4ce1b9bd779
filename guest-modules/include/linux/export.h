/* EXPORT_SYMBOL from a module: entries in the module's __ksymtab section, resolvable by modules
 * loaded later (which then pin this module: "Used by"). */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H
struct kernel_symbol { unsigned long value; const char *name; };
#define __EXPORT_SYMBOL(sym)                                                                   \
	static const char __kstrtab_##sym[] __attribute__((section("__ksymtab_strings"), used, aligned(1))) = #sym; \
	static const struct kernel_symbol __ksymtab_##sym                                      \
		__attribute__((section("__ksymtab"), used, aligned(8))) = { (unsigned long)&sym, __kstrtab_##sym }
#define EXPORT_SYMBOL(sym) __EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym) __EXPORT_SYMBOL(sym)
#endif
