/* kallsyms: symbol lookup over the build-generated tables (kmod's kallsyms step), falling back to
 * the module loader for module addresses. Lock-free: usable from NMI and panic context. */
#include "kernel.h"
#include "string.h"
#include "kallsyms.h"

/* weak: the tables exist only after the kallsyms link pass; module lookups only with kmod's loader */
extern const unsigned long kallsyms_addresses[] __attribute__((weak));
extern const unsigned long kallsyms_sizes[] __attribute__((weak));
extern const unsigned int kallsyms_name_offsets[] __attribute__((weak));
extern const char kallsyms_names[] __attribute__((weak));
extern const unsigned int kallsyms_num_syms __attribute__((weak));
const char *module_address_lookup(unsigned long addr, unsigned long *size, unsigned long *offset,
				  char **modname) __attribute__((weak));
bool is_module_text_address(unsigned long addr) __attribute__((weak));
unsigned long module_kallsyms_lookup_name(const char *name) __attribute__((weak));

int core_kernel_text(unsigned long addr)
{
	return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

int kernel_text_address(unsigned long addr)
{
	if (core_kernel_text(addr))
		return 1;
	return is_module_text_address && is_module_text_address(addr);
}

static const char *sym_name(unsigned int i)
{
	return kallsyms_names + kallsyms_name_offsets[i];
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *symbolsize, unsigned long *offset,
			    char **modname, char *namebuf)
{
	if (modname)
		*modname = NULL;
	if (core_kernel_text(addr) || (addr >= (unsigned long)_stext && addr < (unsigned long)_end)) {
		if (!&kallsyms_num_syms || !kallsyms_num_syms)
			return NULL;
		unsigned int lo = 0, hi = kallsyms_num_syms;
		while (hi - lo > 1) {
			unsigned int mid = (lo + hi) / 2;
			if (kallsyms_addresses[mid] <= addr)
				lo = mid;
			else
				hi = mid;
		}
		if (kallsyms_addresses[lo] > addr)
			return NULL;
		/* several symbols at one address (aliases, linker markers): prefer one not starting with '_' */
		while (lo > 0 && kallsyms_addresses[lo - 1] == kallsyms_addresses[lo])
			lo--;
		unsigned int k = lo;
		while (k + 1 < kallsyms_num_syms && kallsyms_addresses[k + 1] == kallsyms_addresses[lo] &&
		       sym_name(k)[0] == '_')
			k++;
		if (sym_name(k)[0] != '_')
			lo = k;
		unsigned long size = kallsyms_sizes[lo], off = addr - kallsyms_addresses[lo];
		if (lo == kallsyms_num_syms - 1 && size && off >= size)
			return NULL;
		if (symbolsize)
			*symbolsize = size;
		if (offset)
			*offset = off;
		strlcpy(namebuf, sym_name(lo), KSYM_NAME_LEN);
		return namebuf;
	}
	if (module_address_lookup) {
		const char *n = module_address_lookup(addr, symbolsize, offset, modname);
		if (n) {
			strlcpy(namebuf, n, KSYM_NAME_LEN);
			return namebuf;
		}
	}
	return NULL;
}

static int __sprint_symbol(char *buf, unsigned long address, int symbol_offset, int add_offset)
{
	char *modname;
	const char *name;
	unsigned long offset, size;
	char namebuf[KSYM_NAME_LEN];
	address += symbol_offset;
	name = kallsyms_lookup(address, &size, &offset, &modname, namebuf);
	if (!name)
		return sprintf(buf, "0x%lx", address - symbol_offset);
	int len = sprintf(buf, "%s", name);
	if (add_offset)
		len += sprintf(buf + len, "+%#lx/%#lx", offset - symbol_offset, size);
	if (modname)
		len += sprintf(buf + len, " [%s]", modname);
	return len;
}

int sprint_symbol(char *buf, unsigned long addr) { return __sprint_symbol(buf, addr, 0, 1); }
int sprint_symbol_no_offset(char *buf, unsigned long addr) { return __sprint_symbol(buf, addr, 0, 0); }
int sprint_backtrace(char *buf, unsigned long addr) { return __sprint_symbol(buf, addr, -1, 1); }

unsigned long kallsyms_lookup_name(const char *name)
{
	unsigned int i;
	if (&kallsyms_num_syms)
		for (i = 0; i < kallsyms_num_syms; i++)
			if (!strcmp(sym_name(i), name))
				return kallsyms_addresses[i];
	if (module_kallsyms_lookup_name)
		return module_kallsyms_lookup_name(name);
	return 0;
}
