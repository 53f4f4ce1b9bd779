/* Kernel symbol table data, generated at build time (scripts/kallsyms.c, two/three-pass link in
 * guest.mk) and linked into kernel.elf. Owner: kmod (data); kcore's kallsyms.c implements
 * kallsyms_lookup() on top of it and falls back to module_address_lookup() for module addresses.
 *
 * Contents: every text symbol of kernel.elf (nm types T/t/W/w) plus data symbols (D/d/B/b/R/r),
 * sorted by address ascending (ties: nm order). Excluded: absolute symbols, local labels (.L*),
 * linker-script symbols starting with "__start_"/"__stop_", and the kallsyms_* tables themselves.
 *
 *   kallsyms_addresses[i]   address of symbol i
 *   kallsyms_sizes[i]       Linux-style size used for "+off/size": distance to the next symbol with a
 *                           higher address (Linux's kallsyms_lookup_size_offset does the same); for the
 *                           last symbol, its nm -S size (or 0)
 *   kallsyms_names          all names, NUL-separated, same order
 *   kallsyms_name_offsets[i] offset of name i inside kallsyms_names (O(1) access)
 *   kallsyms_num_syms       count
 * A lookup for addr: binary search for the last i with kallsyms_addresses[i] <= addr, then
 * offset = addr - addresses[i]; accept only if offset < sizes[i] (or i is not the last symbol).
 * Text range for "is this a kernel text address": [kallsyms_text_start, kallsyms_text_end).
 */
#ifndef _KALLSYMS_DATA_H
#define _KALLSYMS_DATA_H

extern const unsigned long kallsyms_addresses[];
extern const unsigned long kallsyms_sizes[];
extern const unsigned int kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const unsigned int kallsyms_num_syms;
extern const unsigned long kallsyms_text_start;
extern const unsigned long kallsyms_text_end;

#endif
