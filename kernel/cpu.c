/* Per-CPU setup: per-CPU data copies and GS, GDT (Linux selectors: 0x10 CS, 0x18 DS, 0x40 TSS),
 * TSS with IST stacks (1: #DF, 2: NMI), the IDT, CPU identification and PMU facts. */
#include "kernel.h"
#include "string.h"
#include "mm.h"
#include "io.h"
#include "smp.h"
#include "pmu.h"
#include "apic.h"
#include "boot.h"

#define IRQ_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

struct tss {
	u32 res0;
	u64 rsp[3];
	u64 res1;
	u64 ist[7];
	u64 res2;
	u16 res3;
	u16 iomap;
} __packed;

struct gate { u16 off0, sel; u8 ist, type; u16 off1; u32 off2, res; } __packed;

struct cpu_tables {
	u64 gdt[10];
	struct tss tss;
} __aligned(64);

static struct cpu_tables cpu_tables[NR_CPUS];
static struct gate idt[256] __aligned(16);
struct cpu_local cpu_locals[NR_CPUS];
unsigned long __per_cpu_offset[NR_CPUS];
unsigned int nr_cpus_possible = 1;
struct cpuinfo_x86 boot_cpu_data;
struct x86_pmu_info x86_pmu;

static char bsp_irq_stack[IRQ_STACK_SIZE] __aligned(16);
static char bsp_nmi_stack[IST_STACK_SIZE] __aligned(16);
static char bsp_df_stack[IST_STACK_SIZE] __aligned(16);

extern char __per_cpu_start[], __per_cpu_end[], __per_cpu_copies[];
extern char __cpuidle_text_start[], __cpuidle_text_end[];

void setup_percpu_areas(void)
{
	unsigned long size = __per_cpu_end - __per_cpu_start;
	int cpu;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		char *copy = __per_cpu_copies + cpu * size;
		memcpy(copy, __per_cpu_start, size);
		__per_cpu_offset[cpu] = copy - __per_cpu_start;
	}
}

void set_intr_gate_ist(int vec, void *handler, int ist)
{
	unsigned long a = (unsigned long)handler;
	struct gate *g = &idt[vec];
	g->off0 = a;
	g->sel = 0x10;
	g->ist = ist;
	g->type = 0x8e;
	g->off1 = a >> 16;
	g->off2 = a >> 32;
	g->res = 0;
}

void set_intr_gate(int vec, void *handler)
{
	set_intr_gate_ist(vec, handler, 0);
}

#define X(n) extern char n[];
X(divide_error) X(debug) X(nmi) X(int3) X(overflow) X(bounds) X(invalid_op) X(device_not_available)
X(double_fault) X(coprocessor_segment_overrun) X(invalid_TSS) X(segment_not_present) X(stack_segment)
X(general_protection) X(page_fault) X(spurious_interrupt_bug) X(coprocessor_error) X(alignment_check)
X(machine_check) X(simd_coprocessor_error) X(virtualization_exception) X(control_protection)
X(reserved_exception) X(irq_entries_start) X(apic_timer_interrupt) X(reschedule_interrupt)
X(call_function_interrupt) X(call_function_single_interrupt) X(reboot_interrupt) X(error_interrupt)
X(spurious_interrupt)
#undef X

static void idt_setup(void)
{
	void *exc[32] = {
		divide_error, debug, nmi, int3, overflow, bounds, invalid_op, device_not_available,
		double_fault, coprocessor_segment_overrun, invalid_TSS, segment_not_present, stack_segment,
		general_protection, page_fault, spurious_interrupt_bug, coprocessor_error, alignment_check,
		machine_check, simd_coprocessor_error, virtualization_exception,
	};
	int v;
	for (v = 0; v < 32; v++)
		set_intr_gate(v, exc[v] ? exc[v] : (void *)reserved_exception);
	set_intr_gate(21, control_protection);
	set_intr_gate_ist(2, nmi, 2);
	set_intr_gate_ist(8, double_fault, 1);
	for (v = 0x20; v < 0xec; v++)
		set_intr_gate(v, irq_entries_start + (v - 0x20) * 16);
	for (v = 0xec; v < 256; v++)
		set_intr_gate(v, spurious_interrupt);
	set_intr_gate(0xec, apic_timer_interrupt);
	set_intr_gate(0xf8, reboot_interrupt);
	set_intr_gate(0xfb, call_function_single_interrupt);
	set_intr_gate(0xfc, call_function_interrupt);
	set_intr_gate(0xfd, reschedule_interrupt);
	set_intr_gate(0xfe, error_interrupt);
}

struct desc_ptr { u16 limit; u64 base; } __packed;

/* BSP, before starting an AP: its IRQ/NMI/#DF stacks (the AP has no GS and no allocator yet) */
static char *ap_stacks[NR_CPUS][3];
void cpu_alloc_stacks(int cpu)
{
	ap_stacks[cpu][0] = (char *)__get_free_pages(GFP_KERNEL, 2);
	ap_stacks[cpu][1] = (char *)__get_free_pages(GFP_KERNEL, 1);
	ap_stacks[cpu][2] = (char *)__get_free_pages(GFP_KERNEL, 1);
}

/* load GDT/TSS/IDT, segment registers and GS base for this CPU */
void cpu_init(int cpu)
{
	struct cpu_tables *t = &cpu_tables[cpu];
	struct cpu_local *cl = &cpu_locals[cpu];
	char *irq, *nmis, *dfs;
	if (cpu == 0) {
		irq = bsp_irq_stack;
		nmis = bsp_nmi_stack;
		dfs = bsp_df_stack;
	} else {
		irq = ap_stacks[cpu][0];
		nmis = ap_stacks[cpu][1];
		dfs = ap_stacks[cpu][2];
	}
	memset(t, 0, sizeof(*t));
	t->gdt[1] = 0x00cf9b000000ffffULL;   /* 0x08 kernel 32-bit code */
	t->gdt[2] = 0x00af9b000000ffffULL;   /* 0x10 kernel code */
	t->gdt[3] = 0x00cf93000000ffffULL;   /* 0x18 kernel data */
	t->gdt[4] = 0x00cffb000000ffffULL;   /* 0x23 user 32-bit code */
	t->gdt[5] = 0x00cff3000000ffffULL;   /* 0x2b user data */
	t->gdt[6] = 0x00affb000000ffffULL;   /* 0x33 user code */
	unsigned long tb = (unsigned long)&t->tss;
	t->gdt[8] = (sizeof(struct tss) - 1) | ((tb & 0xffffff) << 16) | (0x89ULL << 40) | (((tb >> 24) & 0xff) << 56);
	t->gdt[9] = tb >> 32;
	t->tss.ist[0] = (unsigned long)dfs + IST_STACK_SIZE;
	t->tss.ist[1] = (unsigned long)nmis + IST_STACK_SIZE;
	t->tss.iomap = sizeof(struct tss);

	struct desc_ptr g = { sizeof(t->gdt) - 1, (u64)t->gdt };
	struct desc_ptr i = { sizeof(idt) - 1, (u64)idt };
	__asm__ volatile("lgdt %0" :: "m"(g));
	__asm__ volatile("lidt %0" :: "m"(i));
	/* CS is already 0x10 (boot.S and the AP trampoline jump there): same selector, no reload */
	__asm__ volatile(
		"movl $0x18, %%eax\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		::: "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(0x40));

	memset(cl, 0, sizeof(*cl));
	cl->self = cl;
	cl->this_cpu_off = __per_cpu_offset[cpu];
	cl->cpu = cpu;
	cl->irq_count = -1;
	cl->irq_stack_base = (unsigned long)irq;
	cl->irq_stack_top = (unsigned long)irq + IRQ_STACK_SIZE;
	cl->nmi_stack_top = (unsigned long)nmis + IST_STACK_SIZE;
	cl->df_stack_top = (unsigned long)dfs + IST_STACK_SIZE;
	/* GS base: the direct-map alias of this CPU's page (as Linux, whose per-CPU areas are in the
	 * direct map: "GS:ffff88800fa00000" in register dumps); %gs:0 still holds cl itself */
	wrmsrl(MSR_GS_BASE, (u64)__va(__pa(cl)));
	wrmsrl(MSR_KERNEL_GS_BASE, 0);
	wrmsrl(MSR_FS_BASE, 0);
	/* CR0: PE MP ET NE WP AM PG (Linux: 0x80050033). CR4 as Linux 5.4 sets it on such a CPU: PSE PAE
	 * PGE, plus MCE, OSFXSR and OSXMMEXCPT when CPUID.1:EDX has MCE, FXSR and SSE (QEMU's qemu64:
	 * "CR4: 00000000000006f0" as in the seed). The kernel itself uses no SSE (-mgeneral-regs-only). */
	u32 a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	unsigned long cr4 = (read_cr4() & ~0x8UL) | 0x10 | 0x20 | 0x80;
	if (d & (1u << 7))
		cr4 |= 0x40;                     /* MCE */
	if (d & (1u << 24))
		cr4 |= 0x200;                    /* OSFXSR */
	if ((d & (1u << 24)) && (d & (1u << 25)))
		cr4 |= 0x400;                    /* OSXMMEXCPT */
	write_cr0(0x80050033UL);
	write_cr4(cr4);
}

void cpu_early_init(void)
{
	setup_percpu_areas();
	idt_setup();
	cpu_init(0);
}

bool cpu_in_idle(unsigned long ip)
{
	return ip >= (unsigned long)__cpuidle_text_start && ip < (unsigned long)__cpuidle_text_end;
}

void cpu_identify(void)
{
	u32 a, b, c, d;
	struct cpuinfo_x86 *ci = &boot_cpu_data;
	cpuid(0, &a, &b, &c, &d);
	ci->max_leaf = a;
	memcpy(ci->vendor, &b, 4);
	memcpy(ci->vendor + 4, &d, 4);
	memcpy(ci->vendor + 8, &c, 4);
	cpuid(1, &a, &b, &c, &d);
	ci->family = (a >> 8) & 0xf;
	ci->model = (a >> 4) & 0xf;
	if (ci->family == 0xf)
		ci->family += (a >> 20) & 0xff;
	if (ci->family >= 6)
		ci->model += ((a >> 16) & 0xf) << 4;
	ci->stepping = a & 0xf;
	if (cpuid_eax(0x80000000) >= 0x80000004) {
		u32 *m = (u32 *)ci->model_id;
		int i;
		for (i = 0; i < 3; i++)
			cpuid(0x80000002 + i, &m[i * 4], &m[i * 4 + 1], &m[i * 4 + 2], &m[i * 4 + 3]);
		ci->model_id[48] = 0;
	}
	char *s = ci->model_id;
	while (*s == ' ')
		s++;
	memmove(ci->model_id, s, strlen(s) + 1);

	if (ci->max_leaf >= 0xa) {
		cpuid(0xa, &a, &b, &c, &d);
		x86_pmu.version = a & 0xff;
		x86_pmu.num_counters = (a >> 8) & 0xff;
		x86_pmu.counter_width = (a >> 16) & 0xff;
		x86_pmu.events_mask = b;
		x86_pmu.num_fixed = d & 0x1f;
	}
	if (x86_pmu.version && x86_pmu.num_counters) {
		printk(KERN_INFO "Performance Events: generic architected perfmon, Intel PMU driver.\n");
		printk(KERN_INFO "... version:                %d\n", x86_pmu.version);
		printk(KERN_INFO "... bit width:              %d\n", x86_pmu.counter_width);
		printk(KERN_INFO "... generic registers:      %d\n", x86_pmu.num_counters);
	} else {
		x86_pmu.version = 0;
		printk(KERN_INFO "Performance Events: PMU not available due to virtualization, using software events only.\n");
	}
}
