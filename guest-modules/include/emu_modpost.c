/* The module's generated metadata, linked into every .ko by scripts/emu-module-build (Linux's
 * modpost writes the same keys into <mod>.mod.c): depends, retpoline, intree (bundled modules only),
 * name and vermagic. Compiled with -DKBUILD_MODNAME='"name"' and, for in-tree modules, -DEMU_INTREE. */
#include <linux/emu_module_abi.h>

#define __EMU_MODINFO(id, s) \
	static const char id[] __attribute__((used, section(".modinfo"), aligned(1))) = s

/* gcc emits these in reverse order, so modinfo lists them as Linux does:
 * depends, retpoline, intree, name, vermagic */
__EMU_MODINFO(__module_vermagic, "vermagic=" EMU_VERMAGIC_STRING);
__EMU_MODINFO(__module_name, "name=" KBUILD_MODNAME);
#ifdef EMU_INTREE
__EMU_MODINFO(__module_intree, "intree=Y");
#endif
__EMU_MODINFO(__module_retpoline, "retpoline=Y");
__EMU_MODINFO(__module_depends, "depends=");
