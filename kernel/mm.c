/* Physical page allocator (bitmap, first fit), kmalloc (power-of-two size classes + page runs),
 * the module area (4 KiB pages mapped on demand, one guard page after each allocation like vmalloc)
 * and page-table queries. RAM is direct-mapped at PAGE_OFFSET by boot.S (first 4 GiB). */
#include "kernel.h"
#include "string.h"
#include "mm.h"
#include "spinlock.h"
#include "sched.h"
#include "io.h"
#include "boot.h"
#include "spinlock.h"

#define MAX_PFN (1UL << 20)                 /* 4 GiB */
static unsigned long page_bitmap[MAX_PFN / 64];   /* 1 = used / not RAM */
static unsigned long max_pfn, total_pages, free_pages_cnt, alloc_hint;
static DEFINE_SPINLOCK(page_lock);

extern u64 boot_pml4[512], boot_pdpt_kernel[512], boot_pdpt_ident[512];
extern char _text[], _etext[], _sdata[], _edata[], __bss_start[], _end[];
extern char __start_rodata[] __attribute__((weak));
u64 tramp_pml4[512] __aligned(4096);

unsigned long __pa(const void *v)
{
	unsigned long a = (unsigned long)v;
	if (a >= __START_KERNEL_map)
		return a - __START_KERNEL_map;
	return a - PAGE_OFFSET;
}

static void mark(unsigned long pfn, unsigned long n, bool used)
{
	for (; n; n--, pfn++) {
		if (pfn >= MAX_PFN)
			return;
		/* whole words at once (boot marks ~64k pages: keep it cheap for the emulator) */
		if (!(pfn & 63) && n >= 64) {
			unsigned long w = page_bitmap[pfn / 64];
			int set = 0;
			for (unsigned long b = w; b; b &= b - 1)
				set++;
			if (used) {
				free_pages_cnt -= 64 - set;
				page_bitmap[pfn / 64] = ~0UL;
			} else {
				free_pages_cnt += set;
				page_bitmap[pfn / 64] = 0;
			}
			pfn += 63;
			n -= 63;
			continue;
		}
		bool was = test_bit(pfn, page_bitmap);
		if (used && !was) {
			set_bit(pfn, page_bitmap);
			free_pages_cnt--;
		} else if (!used && was) {
			clear_bit(pfn, page_bitmap);
			free_pages_cnt++;
		}
	}
}

void memblock_reserve(unsigned long phys, unsigned long size)
{
	if (!size)
		return;
	unsigned long s = phys >> PAGE_SHIFT, e = (phys + size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	mark(s, e - s, true);
}

static void areas_init(void);

void mm_init(struct boot_info *bi)
{
	unsigned int i;
	memset(page_bitmap, 0xff, sizeof(page_bitmap));
	free_pages_cnt = 0;                      /* counts free RAM pages as ranges are released */
	for (i = 0; i < bi->nr_mem; i++) {
		if (bi->mem[i].type != 1)
			continue;
		unsigned long s = (bi->mem[i].addr + PAGE_SIZE - 1) >> PAGE_SHIFT;
		unsigned long e = (bi->mem[i].addr + bi->mem[i].size) >> PAGE_SHIFT;
		if (e > MAX_PFN)
			e = MAX_PFN;
		if (s >= e)
			continue;
		mark(s, e - s, false);
		total_pages += e - s;
		if (e > max_pfn)
			max_pfn = e;
	}
	memblock_reserve(0, 0x100000);                        /* real-mode area, trampoline, BIOS */
	memblock_reserve(__pa(_text), _end - _text);           /* kernel image incl. bss */
	for (i = 0; i < bi->nr_reserved; i++)
		memblock_reserve(bi->reserved[i].addr, bi->reserved[i].size);

	areas_init();

	/* trampoline page table keeps the identity map; the kernel's drops it (NULL derefs fault) */
	memcpy(tramp_pml4, boot_pml4, sizeof(tramp_pml4));
	boot_pml4[0] = 0;
	unsigned long cr4 = read_cr4();
	write_cr4(cr4 & ~0x80UL);             /* PGE off/on: flush every TLB entry, global ones too */
	write_cr4(cr4);
	write_cr3(read_cr3());

	unsigned long code = (_etext - _text) >> 10, data = (_edata - _sdata) >> 10, bss = (_end - __bss_start) >> 10;
	unsigned long ro = (_sdata - _etext) >> 10;
	printk(KERN_INFO "Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK bss, %luK reserved)\n",
	       free_pages_cnt << 2, total_pages << 2, code, data, ro, bss, (total_pages - free_pages_cnt) << 2);
}

unsigned long totalram_pages(void) { return total_pages; }
unsigned long nr_free_pages(void) { return free_pages_cnt; }

static unsigned long alloc_pfns(unsigned long n)
{
	unsigned long pfn, run = 0, start = 0, pass;
	for (pass = 0; pass < 2; pass++) {
		unsigned long from = pass ? 256 : (alloc_hint > 256 ? alloc_hint : 256);
		run = 0;
		for (pfn = from; pfn < max_pfn; pfn++) {
			if (!(pfn & 63) && page_bitmap[pfn / 64] == ~0UL) {
				pfn += 63;
				run = 0;
				continue;
			}
			if (test_bit(pfn, page_bitmap)) {
				run = 0;
				continue;
			}
			if (!run)
				start = pfn;
			if (++run == n) {
				mark(start, n, true);
				alloc_hint = start + n;
				return start;
			}
		}
	}
	return 0;
}

static void *alloc_run(unsigned long n, bool zero)
{
	unsigned long f;
	spin_lock_irqsave(&page_lock, f);
	unsigned long pfn = alloc_pfns(n);
	spin_unlock_irqrestore(&page_lock, f);
	if (!pfn)
		return NULL;
	void *p = __va(pfn << PAGE_SHIFT);
	if (zero)
		memset(p, 0, n << PAGE_SHIFT);
	return p;
}

static void free_run(const void *p, unsigned long n)
{
	unsigned long f;
	spin_lock_irqsave(&page_lock, f);
	unsigned long pfn = __pa(p) >> PAGE_SHIFT;
	mark(pfn, n, false);
	if (pfn < alloc_hint)
		alloc_hint = pfn;
	spin_unlock_irqrestore(&page_lock, f);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	return (unsigned long)alloc_run(1UL << order, gfp & __GFP_ZERO);
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return (unsigned long)alloc_run(1, true);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		free_run((void *)addr, 1UL << order);
}

/* ---- kmalloc ---- */
#define KM_MAGIC 0x6b6d616cU
#define KM_HDR 16
#define KM_CLASSES 8     /* 32 .. 4096 bytes including the header */
struct km_hdr { u32 magic; u32 cls; u64 npages_or_size; };
struct km_free { struct km_free *next; };
static struct km_free *km_free_list[KM_CLASSES];
static DEFINE_SPINLOCK(km_lock);

void *kmalloc(size_t size, gfp_t flags)
{
	size_t need = size + KM_HDR;
	if (!(flags & GFP_ATOMIC))
		might_sleep();                   /* preempt=voluntary: a reschedule point, as in Linux */
	struct km_hdr *h;
	if (need > 4096) {
		unsigned long n = (need + PAGE_SIZE - 1) >> PAGE_SHIFT;
		h = alloc_run(n, flags & __GFP_ZERO);
		if (!h)
			return NULL;
		h->magic = KM_MAGIC;
		h->cls = 0xff;
		h->npages_or_size = n;
		return (char *)h + KM_HDR;
	}
	int cls = 0;
	while ((32UL << cls) < need)
		cls++;
	unsigned long f;
	spin_lock_irqsave(&km_lock, f);
	if (!km_free_list[cls]) {
		spin_unlock_irqrestore(&km_lock, f);
		char *pg = alloc_run(1, false);
		if (!pg)
			return NULL;
		size_t sz = 32UL << cls, off;
		spin_lock_irqsave(&km_lock, f);
		for (off = 0; off + sz <= PAGE_SIZE; off += sz) {
			struct km_free *o = (struct km_free *)(pg + off);
			o->next = km_free_list[cls];
			km_free_list[cls] = o;
		}
	}
	h = (struct km_hdr *)km_free_list[cls];
	km_free_list[cls] = ((struct km_free *)h)->next;
	spin_unlock_irqrestore(&km_lock, f);
	h->magic = KM_MAGIC;
	h->cls = cls;
	h->npages_or_size = size;
	if (flags & __GFP_ZERO)
		memset((char *)h + KM_HDR, 0, size);
	return (char *)h + KM_HDR;
}

void *kzalloc(size_t size, gfp_t flags) { return kmalloc(size, flags | __GFP_ZERO); }
void *kcalloc(size_t n, size_t size, gfp_t flags) { return kzalloc(n * size, flags); }

size_t ksize(const void *p)
{
	const struct km_hdr *h = (const void *)((const char *)p - KM_HDR);
	if (h->cls == 0xff)
		return (h->npages_or_size << PAGE_SHIFT) - KM_HDR;
	return (32UL << h->cls) - KM_HDR;
}

void kfree(const void *p)
{
	if (!p)
		return;
	struct km_hdr *h = (void *)((char *)p - KM_HDR);
	if (h->magic != KM_MAGIC) {
		printk(KERN_ERR "kfree: bad pointer %px\n", p);
		return;
	}
	h->magic = 0;
	if (h->cls == 0xff) {
		free_run(h, h->npages_or_size);
		return;
	}
	unsigned long f;
	spin_lock_irqsave(&km_lock, f);
	struct km_free *o = (void *)h;
	o->next = km_free_list[h->cls];
	km_free_list[h->cls] = o;
	spin_unlock_irqrestore(&km_lock, f);
}

void *krealloc(const void *p, size_t n, gfp_t flags)
{
	if (!p)
		return kmalloc(n, flags);
	size_t old = ksize(p);
	if (n <= old)
		return (void *)p;
	void *q = kmalloc(n, flags);
	if (q) {
		memcpy(q, p, old);
		kfree(p);
	}
	return q;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n, gfp);
	if (d)
		memcpy(d, s, n);
	return d;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t n = strnlen(s, max);
	char *d = kmalloc(n + 1, gfp);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *d = kmalloc(len, gfp);
	if (d)
		memcpy(d, src, len);
	return d;
}

/* ---- page tables ---- */
#define PTE_P 1UL
#define PTE_W 2UL
#define PTE_PS 0x80UL
#define PTE_ADDR 0x000ffffffffff000UL

static u64 *pte_lookup(unsigned long va, int *level)
{
	u64 *t = boot_pml4;
	int shift = 39, lvl;
	for (lvl = 4; lvl >= 1; lvl--, shift -= 9) {
		u64 *e = &t[(va >> shift) & 511];
		if (lvl == 1 || !(*e & PTE_P) || (lvl <= 3 && (*e & PTE_PS))) {
			*level = lvl;
			return e;
		}
		t = __va(*e & PTE_ADDR);
	}
	return NULL;
}

bool kernel_addr_mapped(unsigned long addr)
{
	int lvl;
	if ((long)addr >= 0 && addr >= 0x800000000000UL)
		return false;
	u64 *e = pte_lookup(addr, &lvl);
	return e && (*e & PTE_P);
}

long probe_kernel_read(void *dst, const void *src, size_t size)
{
	unsigned long a = (unsigned long)src, end = a + size;
	for (a &= PAGE_MASK; a < end; a += PAGE_SIZE)
		if (!kernel_addr_mapped(a))
			return -EFAULT;
	memcpy(dst, src, size);
	return 0;
}

/* dump_pagetable for oopses: "PGD <e> P4D <e> PUD <e> PMD <e> PTE <e>" up to the first hole */
void dump_pagetable(unsigned long va)
{
	u64 *t = boot_pml4;
	int shift = 39, lvl, n = 0;
	char buf[160];
	static const char *names[] = { "PTE", "PMD", "PUD", "PGD" };
	for (lvl = 4; lvl >= 1; lvl--, shift -= 9) {
		u64 e = t[(va >> shift) & 511];
		n += scnprintf(buf + n, sizeof(buf) - n, "%s %llx ", names[lvl - 1], (unsigned long long)e);
		if (lvl == 4)
			n += scnprintf(buf + n, sizeof(buf) - n, "P4D %llx ", (unsigned long long)e);
		if (!(e & PTE_P) || lvl == 1 || (lvl <= 3 && (e & PTE_PS)))
			break;
		t = __va(e & PTE_ADDR);
	}
	printk(KERN_ALERT "%s\n", buf);
}

static u64 *walk_alloc(unsigned long va)
{
	u64 *t = boot_pml4;
	int shift;
	for (shift = 39; shift > 12; shift -= 9) {
		u64 *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			void *pg = alloc_run(1, true);
			if (!pg)
				return NULL;
			*e = __pa(pg) | PTE_P | PTE_W;
		}
		t = __va(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

static inline void invlpg(unsigned long va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }

/* ---- mapped areas: modules (0xffffffffc0000000) and task stacks (0xffffc90000000000) ----
 * 4 KiB pages mapped on demand with one unmapped guard page after each allocation (as vmalloc:
 * a stack overflow runs into the guard page of the allocation below it). First fit from the last
 * allocation: freed ranges are reused only after a wrap, with a TLB flush on all CPUs first, so no
 * CPU can use a stale translation for a reused address. */
#define AREA_PAGES 16384                         /* 64 MiB each */
struct vm_area {
	unsigned long base;
	unsigned long next;
	unsigned long bitmap[AREA_PAGES / 64];
	u32 len[AREA_PAGES];                     /* pages of the allocation starting here */
	raw_spinlock_t lock;
};
static struct vm_area module_area, stack_area;   /* bss; bases set by mm_init */

static long area_reserve(struct vm_area *a, unsigned long n)
{
	unsigned long i, run = 0, start = 0, f;
	int pass;
	for (pass = 0; pass < 2; pass++) {
		raw_spin_lock_irqsave(&a->lock, f);
		run = 0;
		for (i = pass ? 0 : a->next; i < AREA_PAGES; i++) {
			if (test_bit(i, a->bitmap)) {
				run = 0;
				continue;
			}
			if (!run)
				start = i;
			if (++run == n + 1)              /* + guard page */
				break;
		}
		if (run == n + 1) {
			for (i = start; i < start + n + 1; i++)
				set_bit(i, a->bitmap);
			a->len[start] = n;
			a->next = start + n + 1;
			raw_spin_unlock_irqrestore(&a->lock, f);
			return start;
		}
		raw_spin_unlock_irqrestore(&a->lock, f);
		if (!pass && !irqs_disabled())
			flush_tlb_all();                 /* wrapping: freed ranges become reusable */
		else if (!pass)
			break;
	}
	return -1;
}

static void *area_alloc(struct vm_area *a, unsigned long size)
{
	unsigned long n = (size + PAGE_SIZE - 1) >> PAGE_SHIFT, i;
	if (!n)
		return NULL;
	long start = area_reserve(a, n);
	if (start < 0)
		return NULL;
	unsigned long va = a->base + ((unsigned long)start << PAGE_SHIFT);
	for (i = 0; i < n; i++) {
		void *pg = alloc_run(1, true);
		unsigned long f;
		raw_spin_lock_irqsave(&a->lock, f);        /* serialises page-table updates */
		u64 *pte = pg ? walk_alloc(va + (i << PAGE_SHIFT)) : NULL;
		if (pte)
			*pte = __pa(pg) | PTE_P | PTE_W;
		raw_spin_unlock_irqrestore(&a->lock, f);
		if (!pte)
			return NULL;       /* out of memory: the range stays reserved (teaching kernel) */
	}
	return (void *)va;
}

static void area_free(struct vm_area *a, const void *addr)
{
	unsigned long va = (unsigned long)addr, i, f;
	if (!addr || va < a->base || va >= a->base + AREA_PAGES * PAGE_SIZE)
		return;
	unsigned long first = (va - a->base) >> PAGE_SHIFT;
	raw_spin_lock_irqsave(&a->lock, f);
	unsigned long n = a->len[first];
	for (i = 0; i < n; i++) {
		int lvl;
		u64 *pte = pte_lookup(va + (i << PAGE_SHIFT), &lvl);
		if (pte && (*pte & PTE_P) && lvl == 1) {
			free_run(__va(*pte & PTE_ADDR), 1);
			*pte = 0;
			invlpg(va + (i << PAGE_SHIFT));
		}
	}
	if (n) {
		for (i = first; i < first + n + 1; i++)
			clear_bit(i, a->bitmap);
		a->len[first] = 0;
	}
	raw_spin_unlock_irqrestore(&a->lock, f);
}

static void areas_init(void)
{
	module_area.base = MODULES_VADDR;
	stack_area.base = VMALLOC_START;
	raw_spin_lock_init(&module_area.lock);
	raw_spin_lock_init(&stack_area.lock);
}

void *module_alloc(unsigned long size) { return area_alloc(&module_area, size); }
void module_memfree(void *addr) { area_free(&module_area, addr); }
void *vmap_stack_alloc(unsigned long size) { return area_alloc(&stack_area, size); }
void vmap_stack_free(void *addr) { area_free(&stack_area, addr); }

void *ioremap(phys_addr_t phys, size_t size)
{
	if (phys + size > (4UL << 30))
		return NULL;
	return __va(phys);
}
