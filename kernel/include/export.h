/* EXPORT_SYMBOL: makes a kernel symbol resolvable by loadable modules. Owner: kmod.
 *
 * Each export is a struct kernel_symbol {address, name} in the section "__ksymtab"; the module loader
 * (kernel/module.c) resolves a module's undefined symbols against it. Linux also has GPL-only exports;
 * here EXPORT_SYMBOL_GPL is the same as EXPORT_SYMBOL (no license checks).
 *
 * Use in any kernel .c file, after the definition:   EXPORT_SYMBOL(printk);
 * The entry is static (no global name), so the same symbol may be exported from two files without a
 * link error; the loader takes the first match. kernel/exports.c (kmod) exports kcore's API for modules.
 */
#ifndef _EXPORT_H
#define _EXPORT_H

#ifndef __ASSEMBLY__
struct kernel_symbol {
	unsigned long value;
	const char *name;
};

#define __EXPORT_SYMBOL(sym, sec)                                                        \
	static const char __kstrtab_##sym[] __attribute__((section("__ksymtab_strings"), used, aligned(1))) = #sym; \
	static const struct kernel_symbol __ksymtab_##sym                                    \
		__attribute__((section(sec), used, aligned(8))) = { (unsigned long)&sym, __kstrtab_##sym }

#define EXPORT_SYMBOL(sym) __EXPORT_SYMBOL(sym, "__ksymtab")
#define EXPORT_SYMBOL_GPL(sym) __EXPORT_SYMBOL(sym, "__ksymtab")

/* Bounds of the table. Provided by the linker: ld defines __start_<sec>/__stop_<sec> for any output
 * section whose name is a C identifier, so kernel.ld needs no change as long as "__ksymtab" stays its
 * own (orphan or explicit) output section. */
extern const struct kernel_symbol __start___ksymtab[];
extern const struct kernel_symbol __stop___ksymtab[];

/* Lookup by name in the export table: address or 0 if not exported. */
unsigned long find_exported_symbol(const char *name);
#endif
#endif
