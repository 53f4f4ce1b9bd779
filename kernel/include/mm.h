/* Memory: physical pages, direct map, kmalloc, module area. Owner: kcore.
 * Layout: direct map of all RAM (and low 4 GiB MMIO via ioremap) at PAGE_OFFSET, kernel image at
 * __START_KERNEL_map + phys, modules at MODULES_VADDR..MODULES_END. */
#ifndef _MM_H
#define _MM_H
#include "types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_OFFSET 0xffff888000000000UL
#define __START_KERNEL_map 0xffffffff80000000UL
#define MODULES_VADDR 0xffffffffc0000000UL
#define MODULES_END 0xffffffffff000000UL
#define MODULES_LEN (MODULES_END - MODULES_VADDR)
#define VMALLOC_START 0xffffc90000000000UL   /* task stacks (16 KiB + guard page) */

#define __va(x) ((void *)((unsigned long)(x) + PAGE_OFFSET))
unsigned long __pa(const void *v);        /* direct map or kernel image address -> physical */
#define virt_to_phys(v) __pa(v)
#define phys_to_virt(p) __va(p)

#define GFP_KERNEL 0x0u
#define GFP_ATOMIC 0x1u
#define GFP_NOWAIT GFP_ATOMIC
#define __GFP_ZERO 0x100u

/* pages (buddy-less first-fit page allocator; contiguous runs) */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
#define __get_free_page(gfp) __get_free_pages((gfp), 0)
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)
unsigned long totalram_pages(void);
unsigned long nr_free_pages(void);

/* kmalloc: any size (large sizes take whole pages); IRQ-safe; memory is direct-mapped */
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void kfree(const void *p);
size_t ksize(const void *p);
char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
#define vmalloc(sz) kmalloc((sz), GFP_KERNEL)
#define vzalloc(sz) kzalloc((sz), GFP_KERNEL)
#define vfree(p) kfree(p)

/* module area: RWX pages mapped in [MODULES_VADDR, MODULES_END), page granular, zeroed */
void *module_alloc(unsigned long size);
void module_memfree(void *addr);

/* kernel stacks: mapped pages with an unmapped guard page below (overflow -> #DF report) */
void *vmap_stack_alloc(unsigned long size);
void vmap_stack_free(void *addr);

/* MMIO (uncached mapping inside the direct map); iounmap is a no-op */
void *ioremap(phys_addr_t phys, size_t size);
static inline void iounmap(void *p) { (void)p; }

/* safe reads of possibly unmapped kernel memory: 0 or -EFAULT (checks the page tables) */
long probe_kernel_read(void *dst, const void *src, size_t size);
bool kernel_addr_mapped(unsigned long addr);
#endif
