/* ABI shared by the module SDK (guest-modules/include) and the kernel's loader (kernel/module.c).
 * Self-contained: no includes. Changing anything here requires rebuilding all modules.
 *
 * - .modinfo section: NUL-terminated "key=value" strings (license, author, description, parm,
 *   parmtype, depends, retpoline, intree, name, vermagic), as Linux.
 * - __param section: array of struct emu_kernel_param, one per module_param().
 * - init/exit entry points: the symbols init_module / cleanup_module (aliases made by
 *   module_init()/module_exit(), as Linux does for loadable modules).
 */
#ifndef _LINUX_EMU_MODULE_ABI_H
#define _LINUX_EMU_MODULE_ABI_H

/* The kernel release this SDK targets; must equal the kernel's UTS_RELEASE. */
#define EMU_UTS_RELEASE "0.1.0-emu"
/* vermagic as Linux formats it: release, then config words, with a trailing space. */
#define EMU_VERMAGIC_STRING EMU_UTS_RELEASE " SMP mod_unload "

enum emu_param_type {
	EMU_PARAM_BYTE = 1,
	EMU_PARAM_SHORT,
	EMU_PARAM_USHORT,
	EMU_PARAM_INT,
	EMU_PARAM_UINT,
	EMU_PARAM_LONG,
	EMU_PARAM_ULONG,
	EMU_PARAM_BOOL,
	EMU_PARAM_INVBOOL,
	EMU_PARAM_CHARP,
	EMU_PARAM_STRING,       /* module_param_string: fixed char buffer of maxlen bytes */
};

struct emu_kernel_param {
	const char *name;       /* parameter name as given on the insmod line */
	void *arg;              /* the variable */
	unsigned short type;    /* enum emu_param_type */
	unsigned short perm;    /* sysfs permission (recorded, informational) */
	unsigned int maxlen;    /* EMU_PARAM_STRING: buffer size */
};

#endif
