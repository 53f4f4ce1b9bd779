/* Loadable kernel modules: loader API (Linux-like names). Owner: kmod (kernel/module*.c).
 *
 * A module is an ELF64 x86-64 relocatable (.ko) built against guest-modules/include (the SDK).
 * load_module() validates it, lays out its SHF_ALLOC sections in module_alloc() memory
 * (0xffffffffc0000000+), applies relocations, resolves undefined symbols against the kernel's
 * EXPORT_SYMBOL table (export.h), parses parameters, and runs init in the CALLER's task
 * (so a lockup inside init shows the caller's comm, e.g. [insmod:PID], and a call trace
 * "do_one_initcall <- do_init_module <- load_module <- <caller>").
 *
 * Memory layout per module (mimics Linux 5.4 with STRICT_MODULE_RWX):
 *   core area (module_alloc): text (.text, .exit.text, ...) | rodata | data | bss, each page aligned
 *   init area (module_alloc, separate): .init.text | .init.rodata/.init.data, text page aligned
 * So the init function sits at +0 of its own page and prints as "softlockup_init+0x13/0x1000 [softLockup]"
 * (symbol size = distance to the next symbol or to the end of the page-aligned text). The init area is
 * freed once init returns successfully, as Linux does.
 *
 * Errors are Linux's negative errnos; the insmod-style text for an errno is module_strerror():
 *   -ENOEXEC "Invalid module format" (malformed/foreign ELF, bad relocation, vermagic mismatch)
 *   -ENOENT  "Unknown symbol in module" (dmesg: "<mod>: Unknown symbol <sym> (err -2)")
 *   -EINVAL  "Invalid parameters"        (dmesg: "<mod>: '<val>' invalid for parameter '<p>'")
 *   -EEXIST  "File exists"   -ENOMEM "Cannot allocate memory"   -EBUSY "Device or resource busy"
 * Unknown parameters are ignored with "<mod>: unknown parameter '<p>' ignored" (Linux 5.4).
 */
#ifndef _MODULE_H
#define _MODULE_H

#include "types.h"

#define MODULE_NAME_LEN 56
#define MODULE_MAX_USES 8

struct kernel_symbol;

enum module_state {
	MODULE_STATE_LIVE,      /* normal state */
	MODULE_STATE_COMING,    /* running init: "+" in the modules line, "Loading" in /proc/modules */
	MODULE_STATE_GOING,     /* being removed (or init failed): "-", "Unloading" */
	MODULE_STATE_UNFORMED,  /* still being set up: invisible to lsmod/print_modules */
};

struct module_layout {
	void *base;             /* module_alloc() memory (NULL when freed) */
	unsigned int size;      /* bytes allocated (page multiple) */
	unsigned int text_size; /* page-aligned size of the executable part (symbol size bound) */
};

struct mod_symbol {             /* a module's own (defined, named) symbol, for kallsyms */
	unsigned long value;
	const char *name;       /* points into strtab */
};

struct module {
	struct module *next;            /* global list, most recently loaded first */
	volatile enum module_state state;
	char name[MODULE_NAME_LEN];
	struct module_layout core;
	struct module_layout init_layout;
	int (*init)(void);
	void (*exit)(void);
	volatile int refcnt;            /* users (try_module_get); rmmod refuses while > 0 */
	unsigned long taints;           /* module-relevant taint bits (1 << TAINT_OOT_MODULE ...) */
	bool intree;
	struct mod_symbol *syms;        /* sorted by value */
	unsigned int num_syms;
	char *strtab;                   /* copy of the symbol names */
	char *modinfo;                  /* copy of .modinfo (NUL-separated key=value) */
	unsigned int modinfo_len;
	char **charp_params;            /* kmalloc'd charp values to free on unload */
	unsigned int num_charp;
	struct kernel_symbol *exports;  /* the module's own EXPORT_SYMBOLs (relocated) */
	unsigned int num_exports;
	struct module *uses[MODULE_MAX_USES];  /* modules whose exports this one uses (pinned) */
	unsigned int num_uses;
	struct bug_entry *bug_table;    /* __bug_table in the core area (BUG/WARN sites) */
	unsigned int num_bugs;
};

/* ---- cross-owner API (KERNEL-API.md) ---- */

/* Load a module image (the .ko bytes; not modified, may be freed afterwards). params: the insmod
 * arguments joined by spaces ("a=1 b=str", may be NULL). errbuf (may be NULL; >= 64 bytes) receives
 * module_strerror(-ret) on failure. Returns 0 or -errno. Runs the module's init synchronously. */
int load_module(const void *image, unsigned long len, const char *params, char *errbuf);

/* rmmod: -ENOENT not loaded, -EBUSY in use / still loading / no exit function ([permanent]),
 * -EAGAIN being removed. Runs exit, frees memory. */
int delete_module(const char *name);

/* insmod/rmmod text for an errno (positive): as kmod's insmod: ENOEXEC "Invalid module format",
 * ENOENT "Unknown symbol in module", ESRCH "Module has wrong symbol version", EINVAL "Invalid parameters",
 * else strerror text ("File exists", "Device or resource busy", ...). */
const char *module_strerror(int err);

/* "Modules linked in: softLockup(+)" (+ " [last unloaded: x]"), printed with KERN_DEFAULT.
 * Lock-free: safe from NMI and panic context. */
void print_modules(void);

/* /proc/modules text, Linux 5.4 format, one line per module:
 *   "softLockup 16384 0 - Loading 0xffffffffc0315000 (O+)\n"
 * snprintf-style: returns the full length even if it exceeds size. */
int module_show_proc(char *buf, int size);

/* lsmod text ("Module                  Size  Used by" + "%-19s %8u  %d\n"), snprintf-style. */
int lsmod_show(char *buf, int size);

/* Symbolize a module address: returns the symbol name (or NULL if addr is in no module / no symbol),
 * with *size and *offset as Linux's get_ksymbol and *modname = the module's name. Any out pointer
 * may be NULL. Lock-free (NMI/panic safe). */
const char *module_address_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
				  char **modname);
/* Is addr inside some module's core or init area? */
bool is_module_address(unsigned long addr);
bool is_module_text_address(unsigned long addr);
/* Find a module symbol's address by name (e.g. for %pS tests); 0 if none. */
unsigned long module_kallsyms_lookup_name(const char *name);

/* Iterate loaded (non-UNFORMED) modules, most recent first; stops when fn returns non-zero. */
int for_each_module(int (*fn)(struct module *mod, void *arg), void *arg);
struct module *find_module(const char *name);
const char *module_state_name(const struct module *mod);  /* "Live" | "Loading" | "Unloading" */
/* Flags string as the modules line prints it: "(O+)", "" when nothing applies. buf >= 16 bytes. */
char *module_flags(const struct module *mod, char *buf);

/* modinfo for a .ko image (not loaded): kmod's modinfo layout, "%-16s%s\n" per key
 * ("filename:" first when filename != NULL), parm lines merged as "parm:           name:desc (type)".
 * Returns bytes (snprintf-style) or -ENOEXEC for a malformed image. */
int modinfo_show(const void *image, unsigned long len, char *buf, int size);   /* no filename line */
int modinfo_show_file(const void *image, unsigned long len, const char *filename, char *buf, int size);

/* Reference counting (modules pin each other / kernel users pin a module). */
bool try_module_get(struct module *mod);
void module_put(struct module *mod);

/* Vermagic every module must carry (from the SDK's linux/vermagic.h) */
extern const char module_vermagic[];

#endif
