/* module_param(name, type, perm): byte short ushort int uint long ulong bool invbool charp,
 * module_param_named(name, var, type, perm), module_param_string(name, buf, len, perm),
 * MODULE_PARM_DESC(name, desc). Values come from the insmod line: insmod x.ko name=value ... */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/emu_module_abi.h>

#define __EMU_PARAM_byte EMU_PARAM_BYTE
#define __EMU_PARAM_short EMU_PARAM_SHORT
#define __EMU_PARAM_ushort EMU_PARAM_USHORT
#define __EMU_PARAM_int EMU_PARAM_INT
#define __EMU_PARAM_uint EMU_PARAM_UINT
#define __EMU_PARAM_long EMU_PARAM_LONG
#define __EMU_PARAM_ulong EMU_PARAM_ULONG
#define __EMU_PARAM_bool EMU_PARAM_BOOL
#define __EMU_PARAM__Bool EMU_PARAM_BOOL  /* "bool" arrives macro-expanded by <stdbool.h> */
#define __EMU_PARAM_invbool EMU_PARAM_INVBOOL
#define __EMU_PARAM_charp EMU_PARAM_CHARP

/* compile-time type checks, as Linux's param_check_<type> */
#define __emu_param_check(name, p, t) static inline t __maybe_unused *__check_##name(void) { return (p); }
#define __emu_ptype_byte unsigned char
#define __emu_ptype_short short
#define __emu_ptype_ushort unsigned short
#define __emu_ptype_int int
#define __emu_ptype_uint unsigned int
#define __emu_ptype_long long
#define __emu_ptype_ulong unsigned long
#define __emu_ptype_bool bool
#define __emu_ptype__Bool bool
#define __emu_ptype_invbool bool
#define __emu_ptype_charp char *

#define __emu_ptype_str(type) __emu_pstr_##type
#define __emu_pstr_byte "byte"
#define __emu_pstr_short "short"
#define __emu_pstr_ushort "ushort"
#define __emu_pstr_int "int"
#define __emu_pstr_uint "uint"
#define __emu_pstr_long "long"
#define __emu_pstr_ulong "ulong"
#define __emu_pstr_bool "bool"
#define __emu_pstr__Bool "bool"
#define __emu_pstr_invbool "invbool"
#define __emu_pstr_charp "charp"

#define __MODULE_PARM_TYPE(name, _type)                                              \
	static const char __UNIQUE_ID(name##type)[] __used __section(".modinfo")       \
		__attribute__((aligned(1))) = "parmtype=" #name ":" _type

#define MODULE_PARM_DESC(_parm, desc)                                                 \
	static const char __UNIQUE_ID(_parm)[] __used __section(".modinfo")            \
		__attribute__((aligned(1))) = "parm=" #_parm ":" desc

#define __emu_module_param(name, var, ptype, len, perm)                               \
	static const char __param_str_##name[] = #name;                                \
	static const struct emu_kernel_param __param_##name __used                     \
		__section("__param") __attribute__((aligned(8)))                       \
		= { __param_str_##name, (void *)&(var), ptype, perm, len }

#define module_param_named(name, value, type, perm)                                  \
	__emu_param_check(name, &(value), __emu_ptype_##type)                          \
	__emu_module_param(name, value, __EMU_PARAM_##type, 0, perm);                  \
	__MODULE_PARM_TYPE(name, __emu_ptype_str(type))

#define module_param(name, type, perm) module_param_named(name, name, type, perm)

#define module_param_string(name, string, len, perm)                                 \
	__emu_module_param(name, string, EMU_PARAM_STRING, len, perm);                 \
	__MODULE_PARM_TYPE(name, "string")

#define module_param_unsafe module_param
#endif
