// SPDX-License-Identifier: GPL-2.0
/*
 * Loadable module support: an ELF64 x86-64 relocatable loader modelled on Linux 5.4's
 * kernel/module.c. Owner: kmod. See kernel/include/module.h for the API and docs/modules.md.
 *
 * Load sequence (load_module):
 *   elf_validity_check   every offset/size/index in the file is bounds-checked before use
 *   check_modinfo        name, vermagic, license/intree taints
 *   add_unformed_module  reserve the name (-EEXIST if loaded)
 *   layout_and_allocate  SHF_ALLOC sections -> core area (text|rodata|data, page aligned classes)
 *                        and init area (.init.*), both from module_alloc()
 *   simplify_symbols     undefined -> EXPORT_SYMBOL table ("Unknown symbol" -> -ENOENT)
 *   apply_relocations    R_X86_64_64/PC32/PLT32/32/32S/PC64, range checked
 *   parse_args           module parameters from the insmod line
 *   do_init_module       state COMING, do_one_initcall(init) in the caller's task, LIVE, free init
 * Any failure unwinds everything; a malformed file can never touch memory outside its own buffers.
 *
 * The module list is read lock-free (print_modules / module_address_lookup run from NMI and panic
 * context): entries are published with a store barrier after they are fully set up, and unlinked
 * ones are freed only once no lock-free reader is inside the list (mod_readers).
 */
#ifdef EMU_HOSTTEST
#include "module_hosttest.h"
#else
#include "kernel.h"
#include "string.h"
#include "spinlock.h"
#include "irqflags.h"
#include "preempt.h"
#include "atomic.h"
#include "mm.h"
#include "taint.h"
#include "module.h"
#include "bug.h"
#include "export.h"

static DEFINE_SPINLOCK(module_lock);
#define mod_lock(flags) spin_lock_irqsave(&module_lock, flags)
#define mod_unlock(flags) spin_unlock_irqrestore(&module_lock, flags)
static inline int mod_preempt_count(void) { return preempt_count(); }
static inline void mod_preempt_fix(int want)
{
	int now = preempt_count();

	if (now > want)
		__preempt_count_sub(now - want);
	else if (now < want)
		__preempt_count_add(want - now);
}
#define mod_irqs_disabled() irqs_disabled()
#define mod_irq_enable() local_irq_enable()
#define mod_cpu_relax() cpu_relax()
#define MOD_CALL_INIT(fn) (fn)()
#define MOD_CALL_EXIT(fn) (fn)()
#endif

#include "../guest-modules/include/linux/emu_module_abi.h"

/* ---------------------------------------------------------------- ELF definitions (x86-64) -- */

typedef struct {
	unsigned char e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	u32 sh_name, sh_type;
	u64 sh_flags, sh_addr, sh_offset, sh_size;
	u32 sh_link, sh_info;
	u64 sh_addralign, sh_entsize;
} Elf64_Shdr;

typedef struct {
	u32 st_name;
	unsigned char st_info, st_other;
	u16 st_shndx;
	u64 st_value, st_size;
} Elf64_Sym;

typedef struct {
	u64 r_offset, r_info;
	s64 r_addend;
} Elf64_Rela;

#define ET_REL 1
#define EM_X86_64 62
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_RELA 4
#define SHT_NOBITS 8
#define SHT_REL 9
#define SHF_WRITE 0x1
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define SHN_ABS 0xfff1
#define SHN_COMMON 0xfff2
#define SHN_XINDEX 0xffff
#define STB_LOCAL 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define STT_NOTYPE 0
#define STT_OBJECT 1
#define STT_FUNC 2
#define STT_SECTION 3
#define STT_FILE 4
#define ELF64_ST_BIND(i) ((i) >> 4)
#define ELF64_ST_TYPE(i) ((i) & 0xf)
#define ELF64_R_SYM(i) ((u32)((i) >> 32))
#define ELF64_R_TYPE(i) ((u32)((i) & 0xffffffff))
#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_PC32 2
#define R_X86_64_PLT32 4
#define R_X86_64_32 10
#define R_X86_64_32S 11
#define R_X86_64_PC64 24

#define MOD_PAGE 4096UL
#define MOD_MAX_IMAGE (64UL << 20)      /* refuse absurd sizes before doing arithmetic on them */
#define MOD_MAX_PARAMS_LEN 4096
#define MOD_CHARP_MAX 1024              /* Linux's param_set_charp limit */

/* ------------------------------------------------------------------------- global state ---- */

static struct module *modules;          /* most recently loaded first */
static atomic_t mod_readers = ATOMIC_INIT(0);
static char last_unloaded_module[MODULE_NAME_LEN + 1];

const char module_vermagic[] = EMU_VERMAGIC_STRING;

/* ----------------------------------------------------------------------------- helpers ----- */

static inline u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }

/* [off, off+size) inside [0, len)? No overflow possible: all values are u64 and checked. */
static inline bool in_bounds(u64 off, u64 size, u64 len)
{
	return off <= len && size <= len - off;
}

/* Linux's parameq: '-' and '_' are the same in parameter names. */
static bool parameq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

/* strict unsigned parse with base prefix detection (Linux's kstrtoull base 0), optional trailing
 * newline. Returns 0, -EINVAL or -ERANGE. */
static int mod_strtoull(const char *s, unsigned long long *res)
{
	unsigned long long v = 0;
	unsigned int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f'))) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0' && s[1] != '\n') {
		base = 8;
		s++;
	}
	for (;; s++) {
		unsigned int d;
		char c = *s;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
		digits++;
	}
	if (*s == '\n')
		s++;
	if (*s || !digits)
		return -EINVAL;
	*res = v;
	return 0;
}

static int mod_strtoll(const char *s, long long *res)
{
	unsigned long long v;
	int neg = 0, err;

	if (*s == '-') {
		neg = 1;
		s++;
	} else if (*s == '+') {
		s++;
	}
	err = mod_strtoull(s, &v);
	if (err)
		return err;
	if (neg) {
		if (v > (1ULL << 63))
			return -ERANGE;
		*res = (long long)(0 - v);
	} else {
		if (v > 0x7fffffffffffffffULL)
			return -ERANGE;
		*res = (long long)v;
	}
	return 0;
}

/* Linux kstrtobool: y/Y/1/on -> true, n/N/0/off -> false */
static int mod_strtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if ((s[1] | 0x20) == 'n') {
			*res = true;
			return 0;
		}
		if ((s[1] | 0x20) == 'f') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

const char *module_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOEXEC: return "Invalid module format";
	case ENOENT: return "Unknown symbol in module";
	case ESRCH: return "Module has wrong symbol version";
	case EINVAL: return "Invalid parameters";
	case EPERM: return "Operation not permitted";
	case EEXIST: return "File exists";
	case ENOMEM: return "Cannot allocate memory";
	case EBUSY: return "Device or resource busy";
	case EAGAIN: return "Resource temporarily unavailable";
	case EFAULT: return "Bad address";
	case ENOSPC: return "No space left on device";
	case ENODEV: return "No such device";
	case EINTR: return "Interrupted system call";
	case EIO: return "Input/output error";
	case ETIMEDOUT: return "Connection timed out";
	case ERANGE: return "Numerical result out of range";
	case ENOSYS: return "Function not implemented";
	case E2BIG: return "Argument list too long";
	default: return "Unknown error";
	}
}

/* ------------------------------------------------------------------- ELF validation -------- */

struct load_info {
	const u8 *img;
	u64 len;
	const Elf64_Ehdr *hdr;
	const Elf64_Shdr *sechdrs;      /* points into img (may be unaligned: copied, see below) */
	Elf64_Shdr *shdr;               /* aligned copy of the section headers */
	unsigned int shnum;
	const char *secstrings;
	u64 secstrings_size;
	unsigned int symindex, strindex, modinfoindex, paramindex, ksymindex, bugindex;
	const char *strtab;
	u64 strtab_size;
	Elf64_Sym *syms;                /* aligned copy of the symbol table */
	unsigned int nsyms;
	char *modinfo;                  /* kmalloc'd NUL-terminated copy of .modinfo */
	u64 modinfo_len;
	const char *name;               /* points into modinfo */
	/* layout */
	u64 *sec_dest;                  /* per section: run-time address (0: not loaded) */
	u64 *symval;                    /* per symbol: resolved value */
};

static const char *secname(const struct load_info *info, const Elf64_Shdr *s)
{
	return info->secstrings + s->sh_name;   /* validated: sh_name < size, table NUL-terminated */
}

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Checks everything about the file that later stages rely on; -ENOEXEC otherwise. */
static int elf_validity_check(struct load_info *info)
{
	const Elf64_Ehdr *h;
	unsigned int i, nsym = 0;
	const Elf64_Shdr *ss;

	if (info->len < sizeof(Elf64_Ehdr))
		return -ENOEXEC;
	h = info->hdr = (const Elf64_Ehdr *)info->img;
	if (memcmp(h->e_ident, "\177ELF", 4) != 0 || h->e_ident[4] != 2 /* ELFCLASS64 */ ||
	    h->e_ident[5] != 1 /* little endian */ || h->e_ident[6] != 1 /* EV_CURRENT */ ||
	    h->e_type != ET_REL || h->e_machine != EM_X86_64 ||
	    h->e_shentsize != sizeof(Elf64_Shdr) || h->e_shnum == 0 || h->e_shnum >= SHN_LORESERVE ||
	    h->e_shstrndx == SHN_UNDEF || h->e_shstrndx >= h->e_shnum)
		return -ENOEXEC;
	if (!in_bounds(h->e_shoff, (u64)h->e_shnum * sizeof(Elf64_Shdr), info->len))
		return -ENOEXEC;
	info->shnum = h->e_shnum;
	info->shdr = kmalloc(info->shnum * sizeof(Elf64_Shdr), GFP_KERNEL);
	if (!info->shdr)
		return -ENOMEM;
	memcpy(info->shdr, info->img + h->e_shoff, info->shnum * sizeof(Elf64_Shdr));

	for (i = 0; i < info->shnum; i++) {
		const Elf64_Shdr *s = &info->shdr[i];

		if (s->sh_type != SHT_NOBITS && !in_bounds(s->sh_offset, s->sh_size, info->len))
			return -ENOEXEC;
		if (s->sh_type == SHT_NOBITS && s->sh_size > MOD_MAX_IMAGE)
			return -ENOEXEC;
		if (s->sh_addralign > MOD_PAGE || (s->sh_addralign & (s->sh_addralign - 1)))
			return -ENOEXEC;
	}

	ss = &info->shdr[h->e_shstrndx];
	if (ss->sh_type != SHT_STRTAB || ss->sh_size == 0 ||
	    info->img[ss->sh_offset + ss->sh_size - 1] != '\0')
		return -ENOEXEC;
	info->secstrings = (const char *)info->img + ss->sh_offset;
	info->secstrings_size = ss->sh_size;

	info->symindex = info->strindex = info->modinfoindex = 0;
	info->paramindex = info->ksymindex = info->bugindex = 0;
	for (i = 1; i < info->shnum; i++) {
		const Elf64_Shdr *s = &info->shdr[i];
		const char *n;

		if (s->sh_name >= info->secstrings_size)
			return -ENOEXEC;
		n = secname(info, s);
		switch (s->sh_type) {
		case SHT_SYMTAB:
			if (nsym++)
				return -ENOEXEC;        /* exactly one symbol table */
			if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_size % sizeof(Elf64_Sym) ||
			    s->sh_link == 0 || s->sh_link >= info->shnum)
				return -ENOEXEC;
			info->symindex = i;
			info->strindex = s->sh_link;
			break;
		case SHT_RELA:
			if (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_size % sizeof(Elf64_Rela) ||
			    s->sh_info == 0 || s->sh_info >= info->shnum)
				return -ENOEXEC;
			break;
		case SHT_REL:
			/* x86-64 modules only use RELA (Linux: apply_relocate is unimplemented) */
			if (info->shdr[s->sh_info < info->shnum ? s->sh_info : 0].sh_flags & SHF_ALLOC)
				return -ENOEXEC;
			break;
		default:
			break;
		}
		if (!strcmp(n, ".modinfo"))
			info->modinfoindex = i;
		else if (!strcmp(n, "__param") && (s->sh_flags & SHF_ALLOC) && s->sh_type == SHT_PROGBITS)
			info->paramindex = i;
		else if (!strcmp(n, "__ksymtab") && (s->sh_flags & SHF_ALLOC) && s->sh_type == SHT_PROGBITS)
			info->ksymindex = i;
		else if (!strcmp(n, "__bug_table") && (s->sh_flags & SHF_ALLOC) && s->sh_type == SHT_PROGBITS)
			info->bugindex = i;
	}
	if (!info->symindex) {
		printk(KERN_WARNING "module has no symbols (stripped?)\n");
		return -ENOEXEC;
	}
	/* RELA sections must use the symbol table */
	for (i = 1; i < info->shnum; i++)
		if (info->shdr[i].sh_type == SHT_RELA && info->shdr[i].sh_link != info->symindex)
			return -ENOEXEC;

	{
		const Elf64_Shdr *st = &info->shdr[info->strindex];
		const Elf64_Shdr *sy = &info->shdr[info->symindex];

		if (st->sh_type != SHT_STRTAB || st->sh_size == 0 ||
		    info->img[st->sh_offset + st->sh_size - 1] != '\0')
			return -ENOEXEC;
		info->strtab = (const char *)info->img + st->sh_offset;
		info->strtab_size = st->sh_size;
		info->nsyms = sy->sh_size / sizeof(Elf64_Sym);
		if (info->nsyms == 0 || info->nsyms > (1u << 20))
			return -ENOEXEC;
		info->syms = kmalloc(info->nsyms * sizeof(Elf64_Sym), GFP_KERNEL);
		if (!info->syms)
			return -ENOMEM;
		memcpy(info->syms, info->img + sy->sh_offset, info->nsyms * sizeof(Elf64_Sym));
	}
	for (i = 0; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];

		if (s->st_name >= info->strtab_size)
			return -ENOEXEC;
		if (s->st_shndx == SHN_XINDEX)
			return -ENOEXEC;
		if (s->st_shndx != SHN_UNDEF && s->st_shndx < SHN_LORESERVE) {
			if (s->st_shndx >= info->shnum)
				return -ENOEXEC;
			if (s->st_value > info->shdr[s->st_shndx].sh_size)
				return -ENOEXEC;
		} else if (s->st_shndx >= SHN_LORESERVE && s->st_shndx != SHN_ABS && s->st_shndx != SHN_COMMON) {
			return -ENOEXEC;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------------- modinfo ------ */

static int copy_modinfo(struct load_info *info)
{
	const Elf64_Shdr *s;

	if (!info->modinfoindex)
		return 0;
	s = &info->shdr[info->modinfoindex];
	if (s->sh_type != SHT_PROGBITS || s->sh_size > (1u << 20))
		return -ENOEXEC;
	info->modinfo = kmalloc(s->sh_size + 1, GFP_KERNEL);
	if (!info->modinfo)
		return -ENOMEM;
	memcpy(info->modinfo, info->img + s->sh_offset, s->sh_size);
	info->modinfo[s->sh_size] = '\0';
	info->modinfo_len = s->sh_size;
	return 0;
}

/* Iterate "key=value" strings of a modinfo blob (NUL separated, padding NULs skipped). */
static const char *next_modinfo(const char *blob, u64 len, u64 *pos)
{
	while (*pos < len && blob[*pos] == '\0')
		(*pos)++;
	if (*pos >= len)
		return NULL;
	{
		const char *s = blob + *pos;

		*pos += strlen(s) + 1;          /* blob[len] is a NUL sentinel */
		return s;
	}
}

static const char *get_modinfo_blob(const char *blob, u64 len, const char *tag)
{
	u64 pos = 0, tl = strlen(tag);
	const char *s;

	while ((s = next_modinfo(blob, len, &pos)) != NULL)
		if (!strncmp(s, tag, tl) && s[tl] == '=')
			return s + tl + 1;
	return NULL;
}

static const char *get_modinfo(const struct load_info *info, const char *tag)
{
	if (!info->modinfo)
		return NULL;
	return get_modinfo_blob(info->modinfo, info->modinfo_len, tag);
}

static bool license_is_gpl_compatible(const char *license)
{
	return !strcmp(license, "GPL") || !strcmp(license, "GPL v2") ||
	       !strcmp(license, "GPL and additional rights") || !strcmp(license, "Dual BSD/GPL") ||
	       !strcmp(license, "Dual MIT/GPL") || !strcmp(license, "Dual MPL/GPL");
}

static void add_taint_module(struct module *mod, unsigned int flag, int lockdep_ok)
{
	add_taint(flag, lockdep_ok);
	mod->taints |= 1UL << flag;
}

static bool valid_module_name(const char *n)
{
	size_t i, l = strlen(n);

	if (l == 0 || l >= MODULE_NAME_LEN)
		return false;
	for (i = 0; i < l; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int check_modinfo(struct module *mod, struct load_info *info)
{
	const char *vermagic = get_modinfo(info, "vermagic");
	const char *license;

	if (!vermagic) {
		printk(KERN_ERR "%s: no version magic, refusing to load (build it with scripts/emu-module-build)\n",
		       mod->name);
		return -ENOEXEC;
	}
	if (strcmp(vermagic, module_vermagic) != 0) {
		printk(KERN_ERR "%s: version magic '%s' should be '%s'\n", mod->name, vermagic, module_vermagic);
		return -ENOEXEC;
	}
	mod->intree = get_modinfo(info, "intree") != NULL;
	if (!mod->intree) {
		if (!test_taint(TAINT_OOT_MODULE))
			printk(KERN_WARNING "%s: loading out-of-tree module taints kernel.\n", mod->name);
		add_taint_module(mod, TAINT_OOT_MODULE, LOCKDEP_STILL_OK);
	}
	license = get_modinfo(info, "license");
	if (!license)
		license = "unspecified";
	if (!license_is_gpl_compatible(license)) {
		if (!test_taint(TAINT_PROPRIETARY_MODULE))
			printk(KERN_WARNING "%s: module license '%s' taints kernel.\n", mod->name, license);
		add_taint_module(mod, TAINT_PROPRIETARY_MODULE, LOCKDEP_NOW_UNRELIABLE);
	}
	return 0;
}

/* ------------------------------------------------------------------------- module list ----- */

static void readers_enter(void) { atomic_inc(&mod_readers); }
static void readers_exit(void) { atomic_dec(&mod_readers); }

static struct module *find_module_all(const char *name, bool even_unformed)
{
	struct module *m;

	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next))
		if ((even_unformed || m->state != MODULE_STATE_UNFORMED) && !strcmp(m->name, name))
			return m;
	return NULL;
}

struct module *find_module(const char *name)
{
	struct module *m;

	readers_enter();
	m = find_module_all(name, false);
	readers_exit();
	return m;
}

/* Reserve the name: the module is in the list (UNFORMED, invisible) from here on. */
static int add_unformed_module(struct module *mod)
{
	unsigned long flags;
	int err = 0;

	mod_lock(flags);
	if (find_module_all(mod->name, true)) {
		err = -EEXIST;
	} else {
		mod->state = MODULE_STATE_UNFORMED;
		mod->next = modules;
		smp_wmb();
		WRITE_ONCE(modules, mod);
	}
	mod_unlock(flags);
	return err;
}

static void unlink_module(struct module *mod)
{
	unsigned long flags;
	struct module **pp;

	mod_lock(flags);
	for (pp = &modules; *pp; pp = &(*pp)->next) {
		if (*pp == mod) {
			WRITE_ONCE(*pp, mod->next);
			break;
		}
	}
	mod_unlock(flags);
	smp_mb();
	/* wait for lock-free readers (NMI/panic printers) that might still see mod */
	while (atomic_read(&mod_readers) > 0)
		mod_cpu_relax();
}

static void free_module_memory(struct module *mod)
{
	unsigned int i;

	if (mod->init_layout.base)
		module_memfree(mod->init_layout.base);
	if (mod->core.base)
		module_memfree(mod->core.base);
	for (i = 0; i < mod->num_charp; i++)
		kfree(mod->charp_params[i]);
	kfree(mod->charp_params);
	kfree(mod->syms);
	kfree(mod->strtab);
	kfree(mod->modinfo);
	kfree(mod->exports);
	kfree(mod);
}

int for_each_module(int (*fn)(struct module *mod, void *arg), void *arg)
{
	struct module *m;
	int ret = 0;

	readers_enter();
	for (m = READ_ONCE(modules); m && !ret; m = READ_ONCE(m->next))
		if (m->state != MODULE_STATE_UNFORMED)
			ret = fn(m, arg);
	readers_exit();
	return ret;
}

bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	if (mod->state == MODULE_STATE_GOING)
		return false;
	__atomic_add_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
	return true;
}

void module_put(struct module *mod)
{
	if (mod)
		__atomic_sub_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------- exported symbols ------ */

#ifndef EMU_HOSTTEST
unsigned long find_exported_symbol(const char *name)
{
	const struct kernel_symbol *ks;

	for (ks = __start___ksymtab; ks < __stop___ksymtab; ks++)
		if (ks->value && !strcmp(ks->name, name))
			return ks->value;
	return 0;
}
#endif

/* Kernel exports first, then LIVE modules' own EXPORT_SYMBOLs (the user pins the exporter). */
static unsigned long resolve_symbol(struct module *me, const char *name)
{
	unsigned long v = find_exported_symbol(name);
	struct module *m;
	unsigned int i;

	if (v)
		return v;
	readers_enter();
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next)) {
		if (m == me || m->state != MODULE_STATE_LIVE)
			continue;
		for (i = 0; i < m->num_exports; i++) {
			if (!strcmp(m->exports[i].name, name)) {
				v = m->exports[i].value;
				if (me->num_uses < MODULE_MAX_USES) {
					unsigned int k;
					bool have = false;

					for (k = 0; k < me->num_uses; k++)
						have |= me->uses[k] == m;
					if (!have) {
						me->uses[me->num_uses++] = m;
						try_module_get(m);
					}
				}
				readers_exit();
				return v;
			}
		}
	}
	readers_exit();
	return 0;
}

/* ------------------------------------------------------------------------------ layout ----- */

enum { CLASS_TEXT, CLASS_RO, CLASS_RW, NCLASSES };

static int sec_class(const Elf64_Shdr *s)
{
	if (s->sh_flags & SHF_EXECINSTR)
		return CLASS_TEXT;
	if (s->sh_flags & SHF_WRITE)
		return CLASS_RW;
	return CLASS_RO;
}

static bool sec_loaded(const struct load_info *info, unsigned int i)
{
	const Elf64_Shdr *s = &info->shdr[i];

	return (s->sh_flags & SHF_ALLOC) && i != info->modinfoindex &&
	       (s->sh_type == SHT_PROGBITS || s->sh_type == SHT_NOBITS ||
		s->sh_type == 14 /* INIT_ARRAY */ || s->sh_type == 15 /* FINI_ARRAY */ ||
		s->sh_type == 7 /* NOTE */);
}

static bool sec_is_init(const struct load_info *info, unsigned int i)
{
	return starts_with(secname(info, &info->shdr[i]), ".init");
}

/* Compute offsets (in sec_dest, temporarily relative) and sizes of the two areas. */
static int layout_sections(struct module *mod, struct load_info *info, u64 *off_out)
{
	int area, cls;
	unsigned int i;

	for (area = 0; area < 2; area++) {
		u64 off = 0, text_size = 0;

		for (cls = 0; cls < NCLASSES; cls++) {
			for (i = 1; i < info->shnum; i++) {
				const Elf64_Shdr *s = &info->shdr[i];
				u64 a = s->sh_addralign ? s->sh_addralign : 1;

				if (!sec_loaded(info, i) || sec_is_init(info, i) != (area == 1) ||
				    sec_class(s) != cls)
					continue;
				off = align_up(off, a);
				off_out[i] = off;
				off += s->sh_size;
				if (off > MOD_MAX_IMAGE)
					return -ENOEXEC;
			}
			/* Linux (STRICT_MODULE_RWX): each class starts on a page */
			off = align_up(off, MOD_PAGE);
			if (cls == CLASS_TEXT)
				text_size = off;
		}
		if (area == 0) {
			mod->core.size = off;
			mod->core.text_size = text_size;
		} else {
			mod->init_layout.size = off;
			mod->init_layout.text_size = text_size;
		}
	}
	return 0;
}

static int layout_and_allocate(struct module *mod, struct load_info *info)
{
	u64 *off;
	unsigned int i;
	int err;

	off = kzalloc(info->shnum * sizeof(u64), GFP_KERNEL);
	info->sec_dest = kzalloc(info->shnum * sizeof(u64), GFP_KERNEL);
	if (!off || !info->sec_dest) {
		kfree(off);
		return -ENOMEM;
	}
	err = layout_sections(mod, info, off);
	if (err)
		goto out;
	if (mod->core.size) {
		mod->core.base = module_alloc(mod->core.size);
		if (!mod->core.base) {
			err = -ENOMEM;
			goto out;
		}
		memset(mod->core.base, 0, mod->core.size);
	}
	if (mod->init_layout.size) {
		mod->init_layout.base = module_alloc(mod->init_layout.size);
		if (!mod->init_layout.base) {
			err = -ENOMEM;
			goto out;
		}
		memset(mod->init_layout.base, 0, mod->init_layout.size);
	}
	for (i = 1; i < info->shnum; i++) {
		const Elf64_Shdr *s = &info->shdr[i];
		u8 *base;

		if (!sec_loaded(info, i))
			continue;
		base = sec_is_init(info, i) ? mod->init_layout.base : mod->core.base;
		info->sec_dest[i] = (u64)(unsigned long)base + off[i];
#ifdef EMU_HOSTTEST
		hosttest_section_placed(secname(info, s), info->sec_dest[i], s->sh_size, s->sh_type == SHT_NOBITS);
#endif
		if (s->sh_type != SHT_NOBITS && s->sh_size)
			memcpy(base + off[i], info->img + s->sh_offset, s->sh_size);
	}
out:
	kfree(off);
	return err;
}

/* -------------------------------------------------------------------- symbols/relocs ------- */

static int simplify_symbols(struct module *mod, struct load_info *info)
{
	unsigned int i;
	int ret = 0;

	info->symval = kzalloc(info->nsyms * sizeof(u64), GFP_KERNEL);
	if (!info->symval)
		return -ENOMEM;
	for (i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *sym = &info->syms[i];
		const char *name = info->strtab + sym->st_name;

		switch (sym->st_shndx) {
		case SHN_COMMON:
			printk(KERN_WARNING "%s: please compile with -fno-common\n", mod->name);
			ret = -ENOEXEC;
			break;
		case SHN_ABS:
			info->symval[i] = sym->st_value;
			break;
		case SHN_UNDEF:
			if (!*name)
				break;
			info->symval[i] = resolve_symbol(mod, name);
			if (info->symval[i])
				break;
			if (ELF64_ST_BIND(sym->st_info) == STB_WEAK)
				break;
			printk(KERN_WARNING "%s: Unknown symbol %s (err %d)\n", mod->name, name, -ENOENT);
			if (!ret)
				ret = -ENOENT;
			break;
		default:
			if (!info->sec_dest[sym->st_shndx]) {
				/* a symbol in a section that is not loaded: only fine if nothing uses it;
				 * apply_relocations rejects any relocation against it */
				break;
			}
			info->symval[i] = info->sec_dest[sym->st_shndx] + sym->st_value;
			break;
		}
	}
	return ret;
}

static bool sym_usable(const struct load_info *info, u32 symi)
{
	const Elf64_Sym *sym = &info->syms[symi];

	if (symi == 0)
		return true;             /* the null symbol: value 0 (absolute addend) */
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS)
		return true;
	if (sym->st_shndx >= SHN_LORESERVE)
		return false;
	return info->sec_dest[sym->st_shndx] != 0;
}

static int apply_relocate_add(struct module *mod, struct load_info *info, const Elf64_Shdr *rs)
{
	const Elf64_Shdr *target = &info->shdr[rs->sh_info];
	u64 n = rs->sh_size / sizeof(Elf64_Rela), i;
	u64 base = info->sec_dest[rs->sh_info];

	if (target->sh_type == SHT_NOBITS)
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		Elf64_Rela r;
		u32 type, symi;
		u64 val, loc, width;

		memcpy(&r, info->img + rs->sh_offset + i * sizeof(Elf64_Rela), sizeof(r));
		type = ELF64_R_TYPE(r.r_info);
		symi = ELF64_R_SYM(r.r_info);
		if (symi >= info->nsyms || !sym_usable(info, symi)) {
			printk(KERN_ERR "%s: bad symbol index %u in relocation\n", mod->name, symi);
			return -ENOEXEC;
		}
		switch (type) {
		case R_X86_64_NONE: width = 0; break;
		case R_X86_64_64: case R_X86_64_PC64: width = 8; break;
		case R_X86_64_PC32: case R_X86_64_PLT32: case R_X86_64_32: case R_X86_64_32S: width = 4; break;
		default:
			printk(KERN_ERR "%s: Unknown rela relocation: %u\n", mod->name, type);
			return -ENOEXEC;
		}
		if (!in_bounds(r.r_offset, width, target->sh_size)) {
			printk(KERN_ERR "%s: relocation offset 0x%llx outside section %s\n", mod->name,
			       (unsigned long long)r.r_offset, secname(info, target));
			return -ENOEXEC;
		}
		if (!width)
			continue;
		loc = base + r.r_offset;
		val = info->symval[symi] + (u64)r.r_addend;
		switch (type) {
		case R_X86_64_64: {
			u64 v = val;

			memcpy((void *)(unsigned long)loc, &v, 8);
			break;
		}
		case R_X86_64_PC64: {
			u64 v = val - loc;

			memcpy((void *)(unsigned long)loc, &v, 8);
			break;
		}
		case R_X86_64_32: {
			u32 v = (u32)val;

			if ((u64)v != val)
				goto overflow;
			memcpy((void *)(unsigned long)loc, &v, 4);
			break;
		}
		case R_X86_64_32S: {
			s32 v = (s32)val;

			if ((s64)v != (s64)val)
				goto overflow;
			memcpy((void *)(unsigned long)loc, &v, 4);
			break;
		}
		default: { /* PC32, PLT32 */
			s64 d = (s64)(val - loc);
			s32 v = (s32)d;

			if ((s64)v != d)
				goto overflow;
			memcpy((void *)(unsigned long)loc, &v, 4);
			break;
		}
		}
		continue;
overflow:
		printk(KERN_ERR "overflow in relocation type %u val %llx\n", type, (unsigned long long)val);
		printk(KERN_ERR "`%s' likely not compiled with -mcmodel=kernel\n", mod->name);
		return -ENOEXEC;
	}
	return 0;
}

static int apply_relocations(struct module *mod, struct load_info *info)
{
	unsigned int i;
	int err;

	for (i = 1; i < info->shnum; i++) {
		const Elf64_Shdr *s = &info->shdr[i];

		if (s->sh_type != SHT_RELA)
			continue;
		if (!sec_loaded(info, s->sh_info))
			continue;      /* relocations of debug/non-loaded sections */
		err = apply_relocate_add(mod, info, s);
		if (err)
			return err;
	}
	return 0;
}

/* Keep the module's own named symbols (for [mod] symbolization), sorted by address (stable, so
 * a local function wins over an alias at the same address, e.g. softlockup_init over init_module). */
static int build_kallsyms(struct module *mod, struct load_info *info)
{
	unsigned int i, n = 0, k;
	u64 strsz = 0;
	char *p;

	for (i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];
		unsigned int t = ELF64_ST_TYPE(s->st_info);

		if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE || !s->st_name ||
		    !info->sec_dest[s->st_shndx] || t == STT_SECTION || t == STT_FILE)
			continue;
		n++;
		strsz += strlen(info->strtab + s->st_name) + 1;
	}
	mod->syms = kmalloc((n ? n : 1) * sizeof(*mod->syms), GFP_KERNEL);
	mod->strtab = kmalloc(strsz ? strsz : 1, GFP_KERNEL);
	if (!mod->syms || !mod->strtab)
		return -ENOMEM;
	p = mod->strtab;
	for (i = 1, k = 0; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];
		unsigned int t = ELF64_ST_TYPE(s->st_info), j;
		size_t l;
		struct mod_symbol ms;

		if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE || !s->st_name ||
		    !info->sec_dest[s->st_shndx] || t == STT_SECTION || t == STT_FILE)
			continue;
		l = strlen(info->strtab + s->st_name) + 1;
		memcpy(p, info->strtab + s->st_name, l);
		ms.value = info->symval[i];
		ms.name = p;
		p += l;
		/* insertion sort (stable) */
		for (j = k; j > 0 && mod->syms[j - 1].value > ms.value; j--)
			mod->syms[j] = mod->syms[j - 1];
		mod->syms[j] = ms;
		k++;
	}
	mod->num_syms = k;
	return 0;
}

static unsigned long mod_find_sym(const struct module *mod, const char *name)
{
	unsigned int i;

	for (i = 0; i < mod->num_syms; i++)
		if (!strcmp(mod->syms[i].name, name))
			return mod->syms[i].value;
	return 0;
}

/* The module's __bug_table (BUG/WARN sites, relocated in place; module_bug_finalize in Linux).
 * Entries whose ud2 lies outside the module are never matched, so a bad table is harmless. */
static void find_bug_table(struct module *mod, struct load_info *info)
{
	const Elf64_Shdr *s;
	if (!info->bugindex || !info->sec_dest[info->bugindex])
		return;
	s = &info->shdr[info->bugindex];
	if (s->sh_size % sizeof(struct bug_entry) || info->sec_dest[info->bugindex] % 4)
		return;
	mod->bug_table = (struct bug_entry *)(unsigned long)info->sec_dest[info->bugindex];
	mod->num_bugs = s->sh_size / sizeof(struct bug_entry);
}

/* The module's own EXPORT_SYMBOLs (relocated __ksymtab entries) for modules loaded later. */
static int collect_exports(struct module *mod, struct load_info *info)
{
	const Elf64_Shdr *s;
	unsigned int n, i, k = 0;
	u64 lo, hi;

	if (!info->ksymindex || !info->sec_dest[info->ksymindex])
		return 0;
	s = &info->shdr[info->ksymindex];
	if (s->sh_size % sizeof(struct kernel_symbol))
		return -ENOEXEC;
	n = s->sh_size / sizeof(struct kernel_symbol);
	if (!n)
		return 0;
	mod->exports = kmalloc(n * sizeof(struct kernel_symbol), GFP_KERNEL);
	if (!mod->exports)
		return -ENOMEM;
	lo = (u64)(unsigned long)mod->core.base;
	hi = lo + mod->core.size;
	for (i = 0; i < n; i++) {
		struct kernel_symbol ks;
		u64 nm;

		memcpy(&ks, (void *)(unsigned long)(info->sec_dest[info->ksymindex] + i * sizeof(ks)), sizeof(ks));
		nm = (u64)(unsigned long)ks.name;
		/* the name must be a NUL-terminated string inside the module's core area */
		if (nm < lo || nm >= hi || !memchr((void *)(unsigned long)nm, 0, hi - nm))
			return -ENOEXEC;
		mod->exports[k++] = ks;
	}
	mod->num_exports = k;
	return 0;
}

/* ------------------------------------------------------------------------- parameters ------ */

static const struct emu_kernel_param *find_param(const struct emu_kernel_param *kp, unsigned int n,
						 const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (parameq(kp[i].name, name))
			return &kp[i];
	return NULL;
}

/* variables may sit anywhere in a (malformed) module: store bytewise */
#define STORE(type, v) do { type __v = (type)(v); memcpy(p->arg, &__v, sizeof(__v)); } while (0)

static int set_param(struct module *mod, const struct emu_kernel_param *p, const char *val)
{
	unsigned long long u;
	long long s;
	bool b;
	int err;

	switch (p->type) {
	case EMU_PARAM_BOOL:
	case EMU_PARAM_INVBOOL:
		if (!val)
			b = true;       /* "insmod x.ko flag" means flag=1 */
		else if (mod_strtobool(val, &b))
			return -EINVAL;
		b = p->type == EMU_PARAM_BOOL ? b : !b;
		memcpy(p->arg, &b, sizeof(b));
		return 0;
	case EMU_PARAM_CHARP: {
		char *copy;
		size_t l;

		if (!val)
			return -EINVAL;
		l = strlen(val);
		if (l > MOD_CHARP_MAX)
			return -ENOSPC;
		copy = kmalloc(l + 1, GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, val, l + 1);
		mod->charp_params[mod->num_charp++] = copy;
		memcpy(p->arg, &copy, sizeof(copy));
		return 0;
	}
	case EMU_PARAM_STRING:
		if (!val)
			return -EINVAL;
		if (strlen(val) + 1 > p->maxlen)
			return -ENOSPC;
		memcpy(p->arg, val, strlen(val) + 1);
		return 0;
	default:
		break;
	}
	if (!val)
		return -EINVAL;
	switch (p->type) {
	case EMU_PARAM_BYTE:
		if ((err = mod_strtoull(val, &u)) || u > 0xff)
			return -EINVAL;
		STORE(unsigned char, u);
		return 0;
	case EMU_PARAM_USHORT:
		if ((err = mod_strtoull(val, &u)) || u > 0xffff)
			return -EINVAL;
		STORE(unsigned short, u);
		return 0;
	case EMU_PARAM_UINT:
		if ((err = mod_strtoull(val, &u)) || u > 0xffffffffULL)
			return -EINVAL;
		STORE(unsigned int, u);
		return 0;
	case EMU_PARAM_ULONG:
		if ((err = mod_strtoull(val, &u)))
			return -EINVAL;
		STORE(unsigned long, u);
		return 0;
	case EMU_PARAM_SHORT:
		if ((err = mod_strtoll(val, &s)) || s < -32768 || s > 32767)
			return -EINVAL;
		STORE(short, s);
		return 0;
	case EMU_PARAM_INT:
		if ((err = mod_strtoll(val, &s)) || s < -2147483647LL - 1 || s > 2147483647LL)
			return -EINVAL;
		STORE(int, s);
		return 0;
	case EMU_PARAM_LONG:
		if ((err = mod_strtoll(val, &s)))
			return -EINVAL;
		STORE(long, s);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Linux's next_arg: name[=value], value may be "double quoted" (quotes removed). */
static char *next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	int in_quote = 0, quoted = 0;
	char *next;

	if (*args == '"') {
		args++;
		in_quote = 1;
		quoted = 1;
	}
	for (i = 0; args[i]; i++) {
		if ((args[i] == ' ' || args[i] == '\t' || args[i] == '\n') && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (i > 0 && args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		next = args + i + 1;
	} else {
		next = args + i;
	}
	while (*next == ' ' || *next == '\t' || *next == '\n')
		next++;
	return next;
}

/* bytes a parameter of this type writes at its variable */
static u64 param_size(unsigned int type)
{
	switch (type) {
	case EMU_PARAM_BYTE: case EMU_PARAM_BOOL: case EMU_PARAM_INVBOOL: return sizeof(bool);
	case EMU_PARAM_SHORT: case EMU_PARAM_USHORT: return 2;
	case EMU_PARAM_INT: case EMU_PARAM_UINT: return 4;
	case EMU_PARAM_STRING: return 1;
	default: return 8;      /* long, ulong, charp */
	}
}

static int parse_args(struct module *mod, struct load_info *info, const char *params)
{
	const struct emu_kernel_param *kp = NULL;
	unsigned int nkp = 0;
	char *buf, *args, *param, *val;
	size_t l;
	int err = 0;

	if (info->paramindex && info->sec_dest[info->paramindex]) {
		const Elf64_Shdr *s = &info->shdr[info->paramindex];
		unsigned int i;

		if (s->sh_size % sizeof(struct emu_kernel_param) || info->sec_dest[info->paramindex] % 8)
			return -ENOEXEC;
		kp = (const struct emu_kernel_param *)(unsigned long)info->sec_dest[info->paramindex];
		nkp = s->sh_size / sizeof(struct emu_kernel_param);
		/* every param's name and variable must lie inside the module */
		for (i = 0; i < nkp; i++) {
			u64 lo = (u64)(unsigned long)mod->core.base, hi = lo + mod->core.size;
			u64 nm = (u64)(unsigned long)kp[i].name, ar = (u64)(unsigned long)kp[i].arg;

			if (nm < lo || nm >= hi || !memchr(kp[i].name, 0, hi - nm) || ar < lo || ar >= hi ||
			    kp[i].type < EMU_PARAM_BYTE || kp[i].type > EMU_PARAM_STRING ||
			    (kp[i].type == EMU_PARAM_STRING && (kp[i].maxlen == 0 || kp[i].maxlen > hi - ar)) ||
			    param_size(kp[i].type) > hi - ar)
				return -ENOEXEC;
		}
	}
	if (!params)
		return 0;
	l = strlen(params);
	if (l > MOD_MAX_PARAMS_LEN)
		return -E2BIG;
	buf = kmalloc(l + 1, GFP_KERNEL);
	mod->charp_params = kzalloc((l / 2 + 1) * sizeof(char *), GFP_KERNEL);
	if (!buf || !mod->charp_params) {
		kfree(buf);
		return -ENOMEM;
	}
	memcpy(buf, params, l + 1);
	args = buf;
	while (*args == ' ' || *args == '\t' || *args == '\n')
		args++;
	while (*args) {
		const struct emu_kernel_param *p;
		int ret;

		args = next_arg(args, &param, &val);
		if (!*param)
			continue;
		p = find_param(kp, nkp, param);
		if (!p) {
			printk(KERN_WARNING "%s: unknown parameter '%s' ignored\n", mod->name, param);
			continue;
		}
		ret = set_param(mod, p, val);
		if (ret == 0)
			continue;
		if (ret == -ENOSPC)
			printk(KERN_ERR "%s: `%s' too large for parameter `%s'\n", mod->name, val ? val : "", param);
		else
			printk(KERN_ERR "%s: `%s' invalid for parameter `%s'\n", mod->name, val ? val : "", param);
		err = ret == -ENOMEM ? -ENOMEM : -EINVAL;
		break;
	}
	kfree(buf);
	return err;
}

/* -------------------------------------------------------------------------- init/exit ------ */

/* The call chain seen in a lockup inside init: do_one_initcall <- do_init_module <- load_module. */
noinline int do_one_initcall(int (*fn)(void))
{
	int count = mod_preempt_count();
	int ret;
	bool imbalance, irqsoff;

	ret = MOD_CALL_INIT(fn);
	imbalance = mod_preempt_count() != count;
	if (imbalance)
		mod_preempt_fix(count);
	irqsoff = mod_irqs_disabled();
	if (irqsoff)
		mod_irq_enable();
	if (imbalance || irqsoff)
		printk(KERN_WARNING "initcall %pS returned with %s%s\n", (void *)fn,
		       imbalance ? "preemption imbalance " : "", irqsoff ? "disabled interrupts " : "");
	barrier();
	return ret;
}

static noinline int do_init_module(struct module *mod)
{
	int ret = 0;

	if (mod->init)
		ret = do_one_initcall(mod->init);
	barrier();
	if (ret < 0)
		return ret;
	if (ret > 0) {
		printk(KERN_WARNING "do_init_module: '%s'->init suspiciously returned %d, it should follow 0/-E convention\n"
		       "do_init_module: loading module anyway...\n", mod->name, ret);
		dump_stack();
	}
	WRITE_ONCE(mod->state, MODULE_STATE_LIVE);
	/* free the init area (Linux does, after an RCU grace period); its symbols go with it */
	if (mod->init_layout.base) {
		void *base = mod->init_layout.base;
		unsigned int i, k = 0;
		u64 lo = (u64)(unsigned long)base, hi = lo + mod->init_layout.size;

		for (i = 0; i < mod->num_syms; i++)
			if (mod->syms[i].value < lo || mod->syms[i].value >= hi)
				mod->syms[k++] = mod->syms[i];
		WRITE_ONCE(mod->num_syms, k);
		smp_mb();
		WRITE_ONCE(mod->init_layout.base, NULL);
		smp_mb();
		mod->init_layout.size = 0;
		mod->init_layout.text_size = 0;
		while (atomic_read(&mod_readers) > 0)
			mod_cpu_relax();
		module_memfree(base);
	}
	return 0;
}

static void release_info(struct load_info *info)
{
	kfree(info->shdr);
	kfree(info->syms);
	kfree(info->sec_dest);
	kfree(info->symval);
	kfree(info->modinfo);   /* NULL if ownership moved to the module */
}

noinline int load_module(const void *image, unsigned long len, const char *params, char *errbuf)
{
	struct load_info info;
	struct module *mod = NULL;
	bool listed = false;
	int err;
	unsigned int k;

	memset(&info, 0, sizeof(info));
	info.img = image;
	info.len = len;
	if (!image || len > MOD_MAX_IMAGE) {
		err = -ENOEXEC;
		goto fail;
	}
	err = elf_validity_check(&info);
	if (err)
		goto fail;
	err = copy_modinfo(&info);
	if (err)
		goto fail;
	info.name = get_modinfo(&info, "name");
	if (!info.name || !valid_module_name(info.name)) {
		printk(KERN_WARNING "No module found in object\n");
		err = -ENOEXEC;
		goto fail;
	}
	mod = kzalloc(sizeof(*mod), GFP_KERNEL);
	if (!mod) {
		err = -ENOMEM;
		goto fail;
	}
	strlcpy(mod->name, info.name, sizeof(mod->name));
	mod->state = MODULE_STATE_UNFORMED;

	err = add_unformed_module(mod);
	if (err)
		goto fail;
	listed = true;

	err = check_modinfo(mod, &info);
	if (err)
		goto fail;
	err = layout_and_allocate(mod, &info);
	if (err)
		goto fail;
	err = simplify_symbols(mod, &info);
	if (err)
		goto fail;
	err = apply_relocations(mod, &info);
	if (err)
		goto fail;
	err = build_kallsyms(mod, &info);
	if (err)
		goto fail;
	err = collect_exports(mod, &info);
	if (err)
		goto fail;
	find_bug_table(mod, &info);
	mod->init = (int (*)(void))(unsigned long)mod_find_sym(mod, "init_module");
	mod->exit = (void (*)(void))(unsigned long)mod_find_sym(mod, "cleanup_module");
	err = parse_args(mod, &info, params);
	if (err)
		goto fail;

	mod->modinfo = info.modinfo;
	mod->modinfo_len = info.modinfo_len;
	info.modinfo = NULL;
	release_info(&info);

	smp_wmb();
	WRITE_ONCE(mod->state, MODULE_STATE_COMING);   /* visible: "(+)" / "Loading" */

	err = do_init_module(mod);
	barrier();
	if (err == 0)
		return 0;
	/* init failed: Linux marks it GOING, waits, and frees everything */
	WRITE_ONCE(mod->state, MODULE_STATE_GOING);
	unlink_module(mod);
	for (k = 0; k < mod->num_uses; k++)
		module_put(mod->uses[k]);
	free_module_memory(mod);
	if (errbuf)
		strlcpy(errbuf, module_strerror(-err), 64);
	return err;

fail:
	if (mod) {
		if (listed)
			unlink_module(mod);
		for (k = 0; k < mod->num_uses; k++)
			module_put(mod->uses[k]);
		free_module_memory(mod);
	}
	release_info(&info);
	if (errbuf)
		strlcpy(errbuf, module_strerror(-err), 64);
	return err;
}

int delete_module(const char *name)
{
	struct module *mod, *m;
	unsigned long flags;
	unsigned int k;
	int err = 0;

	mod_lock(flags);
	mod = find_module_all(name, false);
	if (!mod) {
		err = -ENOENT;
	} else if (mod->state != MODULE_STATE_LIVE) {
		err = -EBUSY;            /* still in init, or already going */
	} else if (mod->init && !mod->exit) {
		err = -EBUSY;            /* [permanent] */
	} else if (mod->refcnt > 0) {
		err = -EAGAIN;           /* EWOULDBLOCK: in use */
	} else {
		for (m = modules; m; m = m->next)
			for (k = 0; k < m->num_uses; k++)
				if (m->uses[k] == mod)
					err = -EAGAIN;
		if (!err)
			WRITE_ONCE(mod->state, MODULE_STATE_GOING);
	}
	mod_unlock(flags);
	if (err)
		return err;

	if (mod->exit)
		MOD_CALL_EXIT(mod->exit);
	strlcpy(last_unloaded_module, mod->name, sizeof(last_unloaded_module));
	unlink_module(mod);
	for (k = 0; k < mod->num_uses; k++)
		module_put(mod->uses[k]);
	free_module_memory(mod);
	return 0;
}

/* -------------------------------------------------------------------- text output ---------- */

const char *module_state_name(const struct module *mod)
{
	return mod->state == MODULE_STATE_GOING ? "Unloading" :
	       mod->state == MODULE_STATE_COMING ? "Loading" : "Live";
}

/* module-relevant taint letters in bit order: P F C O E K X T */
static int module_flags_taint(const struct module *mod, char *buf)
{
	static const struct { unsigned char bit; char c; } mt[] = {
		{ 0, 'P' }, { 1, 'F' }, { 10, 'C' }, { 12, 'O' }, { 13, 'E' }, { 15, 'K' }, { 16, 'X' }, { 17, 'T' },
	};
	unsigned int i;
	int l = 0;

	for (i = 0; i < sizeof(mt) / sizeof(mt[0]); i++)
		if (mod->taints & (1UL << mt[i].bit))
			buf[l++] = mt[i].c;
	return l;
}

char *module_flags(const struct module *mod, char *buf)
{
	int bx = 0;
	enum module_state st = READ_ONCE(mod->state);

	if (mod->taints || st == MODULE_STATE_GOING || st == MODULE_STATE_COMING) {
		buf[bx++] = '(';
		bx += module_flags_taint(mod, buf + bx);
		if (st == MODULE_STATE_GOING)
			buf[bx++] = '-';
		if (st == MODULE_STATE_COMING)
			buf[bx++] = '+';
		buf[bx++] = ')';
	}
	buf[bx] = '\0';
	return buf;
}

/* One printk when the line fits (the usual case: no interleaving with other CPUs); otherwise the
 * line is continued with KERN_CONT pieces, as Linux's pr_cont loop does. */
void print_modules(void)
{
	char line[400];
	char fl[16];
	struct module *m;
	int l, started = 0;

	l = snprintf(line, sizeof(line), "Modules linked in:");
	readers_enter();
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next)) {
		char item[MODULE_NAME_LEN + 20];
		int il;

		if (READ_ONCE(m->state) == MODULE_STATE_UNFORMED)
			continue;
		il = snprintf(item, sizeof(item), " %s%s", m->name, module_flags(m, fl));
		if (l + il >= (int)sizeof(line) - 48) {
			printk(started ? KERN_CONT "%s" : KERN_DEFAULT "%s", line);
			started = 1;
			l = 0;
			line[0] = '\0';
		}
		l += snprintf(line + l, sizeof(line) - l, "%s", item);
	}
	readers_exit();
	if (last_unloaded_module[0])
		snprintf(line + l, sizeof(line) - l, " [last unloaded: %s]", last_unloaded_module);
	printk(started ? KERN_CONT "%s\n" : KERN_DEFAULT "%s\n", line);
}

static unsigned int module_total_size(const struct module *m)
{
	return m->core.size + m->init_layout.size;
}

static unsigned int module_users(const struct module *mod, char *buf, int size)
{
	struct module *m;
	unsigned int k, n = 0;
	int l = 0;

	if (size > 0)
		buf[0] = '\0';
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next))
		for (k = 0; k < m->num_uses; k++)
			if (m->uses[k] == mod && l < size) {
				l += snprintf(buf + l, size - l, "%s,", m->name);
				n++;
			}
	return n;
}

/* snprintf-style appender: keeps counting past the end so callers learn the full size */
static void emit(char *buf, int size, int *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*l < size ? buf + *l : NULL, *l < size ? (size_t)(size - *l) : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*l += n;
}

int module_show_proc(char *buf, int size)
{
	struct module *m;
	int l = 0;
	char fl[16], users[256];

	if (size > 0)
		buf[0] = '\0';
	readers_enter();
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next)) {
		unsigned int nu;

		if (READ_ONCE(m->state) == MODULE_STATE_UNFORMED)
			continue;
		nu = module_users(m, users, sizeof(users));
		if (!nu && m->init && !m->exit)
			strlcpy(users, "[permanent],", sizeof(users));
		emit(buf, size, &l, "%s %u %d %s %s 0x%016lx%s%s\n", m->name, module_total_size(m),
		     m->refcnt, users[0] ? users : "-", module_state_name(m),
		     (unsigned long)m->core.base, m->taints ? " " : "", m->taints ? module_flags(m, fl) : "");
	}
	readers_exit();
	return l;
}

int lsmod_show(char *buf, int size)
{
	struct module *m;
	int l = 0;
	char users[256];

	if (size > 0)
		buf[0] = '\0';
	emit(buf, size, &l, "Module                  Size  Used by\n");
	readers_enter();
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next)) {
		size_t ul;

		if (READ_ONCE(m->state) == MODULE_STATE_UNFORMED)
			continue;
		module_users(m, users, sizeof(users));
		ul = strlen(users);
		if (ul)
			users[ul - 1] = '\0';  /* drop the trailing comma */
		else if (m->init && !m->exit)
			strlcpy(users, "[permanent]", sizeof(users));
		emit(buf, size, &l, "%-19s %8u  %d%s%s\n", m->name, module_total_size(m), m->refcnt,
		     users[0] ? " " : "", users);
	}
	readers_exit();
	return l;
}

/* ------------------------------------------------------------------------ symbolization ---- */

static bool within(unsigned long addr, const struct module_layout *l)
{
	unsigned long b = (unsigned long)READ_ONCE(l->base);

	return b && addr >= b && addr < b + l->size;
}

bool is_module_address(unsigned long addr)
{
	struct module *m;
	bool r = false;

	readers_enter();
	for (m = READ_ONCE(modules); m && !r; m = READ_ONCE(m->next))
		r = within(addr, &m->core) || within(addr, &m->init_layout);
	readers_exit();
	return r;
}

bool is_module_text_address(unsigned long addr)
{
	struct module *m;
	bool r = false;

	readers_enter();
	for (m = READ_ONCE(modules); m && !r; m = READ_ONCE(m->next)) {
		unsigned long cb = (unsigned long)READ_ONCE(m->core.base);
		unsigned long ib = (unsigned long)READ_ONCE(m->init_layout.base);

		r = (cb && addr >= cb && addr < cb + m->core.text_size) ||
		    (ib && addr >= ib && addr < ib + m->init_layout.text_size);
	}
	readers_exit();
	return r;
}

/* Linux 5.4 get_ksymbol(): best = last symbol <= addr; size = next symbol above addr, or the end of
 * the (page aligned) text of the area addr is in. */
/* The __bug_table entry of a module's ud2 at addr (report_bug), or NULL. */
struct bug_entry *module_find_bug(unsigned long addr)
{
	struct module *m;
	struct bug_entry *ret = NULL;

	readers_enter();
	for (m = READ_ONCE(modules); m && !ret; m = READ_ONCE(m->next)) {
		if (READ_ONCE(m->state) == MODULE_STATE_UNFORMED)
			continue;
		if (!within(addr, &m->core) && !within(addr, &m->init_layout))
			continue;
		for (unsigned int i = 0; i < m->num_bugs; i++) {
			struct bug_entry *b = &m->bug_table[i];
			if ((unsigned long)b + b->bug_addr_disp == addr) {
				ret = b;
				break;
			}
		}
	}
	readers_exit();
	return ret;
}

const char *module_address_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
				  char **modname)
{
	struct module *m;
	const char *ret = NULL;

	readers_enter();
	for (m = READ_ONCE(modules); m; m = READ_ONCE(m->next)) {
		const struct module_layout *lay;
		unsigned long nextval, bestval = 0, base;
		unsigned int i, n;
		const char *best = NULL;

		if (READ_ONCE(m->state) == MODULE_STATE_UNFORMED)
			continue;
		if (within(addr, &m->init_layout))
			lay = &m->init_layout;
		else if (within(addr, &m->core))
			lay = &m->core;
		else
			continue;
		base = (unsigned long)READ_ONCE(lay->base);
		nextval = base + (addr < base + lay->text_size ? lay->text_size : lay->size);
		n = READ_ONCE(m->num_syms);
		for (i = 0; i < n; i++) {
			unsigned long v = m->syms[i].value;

			if (v < base || v >= base + lay->size)
				continue;
			if (v <= addr && (!best || v > bestval)) {
				best = m->syms[i].name;
				bestval = v;
			}
			if (v > addr && v < nextval)
				nextval = v;
		}
		if (best) {
			if (size)
				*size = nextval - bestval;
			if (offset)
				*offset = addr - bestval;
			if (modname)
				*modname = m->name;
			ret = best;
		}
		break;
	}
	readers_exit();
	return ret;
}

unsigned long module_kallsyms_lookup_name(const char *name)
{
	struct module *m;
	unsigned long v = 0;

	readers_enter();
	for (m = READ_ONCE(modules); m && !v; m = READ_ONCE(m->next))
		if (READ_ONCE(m->state) != MODULE_STATE_UNFORMED)
			v = mod_find_sym(m, name);
	readers_exit();
	return v;
}

/* ---------------------------------------------------------------------------- modinfo ------ */

int modinfo_show_file(const void *image, unsigned long len, const char *filename, char *buf, int size)
{
	struct load_info info;
	const char *s;
	u64 pos = 0;
	int l = 0, err;

	memset(&info, 0, sizeof(info));
	info.img = image;
	info.len = len;
	if (!image || len > MOD_MAX_IMAGE) {
		err = -ENOEXEC;
		goto out;
	}
	err = elf_validity_check(&info);
	if (!err)
		err = copy_modinfo(&info);
	if (err)
		goto out;
	if (size > 0)
		buf[0] = '\0';
#define EMIT(...) emit(buf, size, &l, __VA_ARGS__)
	if (filename)
		EMIT("%-16s%s\n", "filename:", filename);
	while (info.modinfo && (s = next_modinfo(info.modinfo, info.modinfo_len, &pos)) != NULL) {
		const char *eq = strchr(s, '=');
		int kl;

		if (!eq)
			continue;
		kl = eq - s;
		if ((kl == 4 && !strncmp(s, "parm", 4)) || (kl == 8 && !strncmp(s, "parmtype", 8)))
			continue;
		EMIT("%.*s:%*s%s\n", kl, s, kl < 15 ? 15 - kl : 0, "", eq + 1);
	}
	/* parm/parmtype pairs, merged as kmod does: "parm:           name:desc (type)", in the order
	 * kmod prints them (its list is built by prepending each new name) */
	if (info.modinfo) {
		const char *names[64];
		int nn = 0, i;

		pos = 0;
		while ((s = next_modinfo(info.modinfo, info.modinfo_len, &pos)) != NULL) {
			const char *v, *colon;
			int j, found = 0;

			if (!strncmp(s, "parm=", 5))
				v = s + 5;
			else if (!strncmp(s, "parmtype=", 9))
				v = s + 9;
			else
				continue;
			colon = strchr(v, ':');
			if (!colon || colon == v)
				continue;
			for (j = 0; j < nn; j++)
				if (!strncmp(names[j], v, colon - v + 1))
					found = 1;
			if (!found && nn < 64)
				names[nn++] = v;
		}
		for (i = nn - 1; i >= 0; i--) {
			const char *n = names[i], *colon = strchr(n, ':');
			int nl = colon - n;
			const char *desc = NULL, *type = NULL;

			pos = 0;
			while ((s = next_modinfo(info.modinfo, info.modinfo_len, &pos)) != NULL) {
				if (!strncmp(s, "parm=", 5) && !strncmp(s + 5, n, nl + 1))
					desc = s + 5 + nl + 1;
				else if (!strncmp(s, "parmtype=", 9) && !strncmp(s + 9, n, nl + 1))
					type = s + 9 + nl + 1;
			}
			if (!desc)
				EMIT("%-16s%.*s:%s\n", "parm:", nl, n, type ? type : "");
			else if (type)
				EMIT("%-16s%.*s:%s (%s)\n", "parm:", nl, n, desc, type);
			else
				EMIT("%-16s%.*s:%s\n", "parm:", nl, n, desc);
		}
	}
#undef EMIT
out:
	release_info(&info);
	return err ? err : l;
}

int modinfo_show(const void *image, unsigned long len, char *buf, int size)
{
	return modinfo_show_file(image, len, NULL, buf, size);
}
