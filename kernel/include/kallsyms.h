/* Symbol lookup for kernel (build-generated tables from kmod's step) and modules. Owner: kcore. */
#ifndef _KALLSYMS_H
#define _KALLSYMS_H
#include "types.h"
#define KSYM_NAME_LEN 128
#define MODULE_NAME_LEN 56
#define KSYM_SYMBOL_LEN (KSYM_NAME_LEN + MODULE_NAME_LEN + 64)

#include "kallsyms_data.h"      /* build-generated tables (kmod) */

/* returns the name (in namebuf) or NULL; *modname = module name or NULL for the kernel */
const char *kallsyms_lookup(unsigned long addr, unsigned long *symbolsize, unsigned long *offset,
			    char **modname, char *namebuf);
int sprint_symbol(char *buf, unsigned long addr);            /* "sym+0x13/0x1000 [mod]" or "0x..." */
int sprint_symbol_no_offset(char *buf, unsigned long addr);  /* "sym [mod]" */
int sprint_backtrace(char *buf, unsigned long addr);         /* like sprint_symbol for addr-1 (return addresses) */
unsigned long kallsyms_lookup_name(const char *name);
int core_kernel_text(unsigned long addr);
int kernel_text_address(unsigned long addr);                  /* kernel or module text */
extern char _stext[], _etext[], _sdata[], _edata[], _end[];
#endif
