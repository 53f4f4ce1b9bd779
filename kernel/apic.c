/* Local APIC (x2APIC via MSRs when the CPU has it, else xAPIC MMIO), IOAPIC routing, IPIs, LVTPC. */
#include "kernel.h"
#include "apic.h"
#include "io.h"
#include "mm.h"
#include "smp.h"
#include "irqflags.h"
#include "boot.h"

int x2apic_mode;
int apic_id_of_cpu[NR_CPUS];
static volatile u8 *lapic;
static volatile u32 *ioapic;
static u32 ioapic_pins;

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return rdmsrl(0x800 + (reg >> 4));
	return *(volatile u32 *)(lapic + reg);
}

void apic_write(u32 reg, u32 v)
{
	if (x2apic_mode)
		wrmsrl(0x800 + (reg >> 4), v);
	else
		*(volatile u32 *)(lapic + reg) = v;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static u32 read_apic_id(void)
{
	u32 id = apic_read(APIC_ID);
	return x2apic_mode ? id : id >> 24;
}

int apic_cpu_of_id(u32 apicid)
{
	int i;
	for (i = 0; i < (int)nr_cpus_possible; i++)
		if ((u32)apic_id_of_cpu[i] == apicid)
			return i;
	return -1;
}

static void icr_write(u32 dest, u32 low)
{
	unsigned long f = arch_local_irq_save();
	if (x2apic_mode) {
		wrmsrl(0x830, ((u64)dest << 32) | low);
	} else {
		int spins = 1000000;
		while ((apic_read(APIC_ICR) & (1 << 12)) && --spins)
			cpu_relax();
		apic_write(APIC_ICR2, dest << 24);
		apic_write(APIC_ICR, low);
	}
	arch_local_irq_restore(f);
}

void apic_send_ipi(int cpu, int vector)
{
	icr_write(apic_id_of_cpu[cpu], vector | APIC_DM_FIXED | (1 << 14));
}

void apic_send_ipi_allbutself(int vector)
{
	int cpu;
	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			apic_send_ipi(cpu, vector);
}

void apic_send_nmi(int cpu)
{
	icr_write(apic_id_of_cpu[cpu], APIC_DM_NMI | (1 << 14));
}

void apic_send_init(u32 apicid)
{
	icr_write(apicid, APIC_DM_INIT | (1 << 14));
}

void apic_send_sipi(u32 apicid, u8 vector)
{
	icr_write(apicid, APIC_DM_STARTUP | (1 << 14) | vector);
}

void apic_lvtpc_nmi(void)
{
	apic_write(APIC_LVTPC, APIC_DM_NMI);
}

void apic_lvtpc_mask(void)
{
	apic_write(APIC_LVTPC, APIC_DM_NMI | APIC_LVT_MASKED);
}

static void apic_setup_local(void)
{
	if (x2apic_mode)
		wrmsrl(MSR_IA32_APICBASE, rdmsrl(MSR_IA32_APICBASE) | (1 << 11) | (1 << 10));
	else
		wrmsrl(MSR_IA32_APICBASE, rdmsrl(MSR_IA32_APICBASE) | (1 << 11));
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_SPIV, 0x100 | 0xff);
	apic_write(APIC_LVT0, APIC_LVT_MASKED | 0x700);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	apic_write(APIC_LVTERR, 0xfe);
	apic_write(APIC_LVTPC, APIC_DM_NMI | APIC_LVT_MASKED);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | 0xec);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_eoi();
}

void apic_init_bsp(void)
{
	u32 a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	/* mask the 8259 PICs: everything goes through the IOAPIC */
	outb(0xff, 0x21);
	outb(0xff, 0xa1);
	lapic = ioremap(lapic_phys, 4096);
	if (c & (1 << 21)) {
		x2apic_mode = 1;
		printk(KERN_INFO "x2apic: enabled by kernel, switching to x2apic ops\n");
	} else {
		printk(KERN_INFO "x2apic: not supported by this CPU, using xAPIC (MMIO 0x%llx)\n",
		       (unsigned long long)lapic_phys);
	}
	apic_setup_local();
	u32 id = read_apic_id();
	int i, n = 1;
	apic_id_of_cpu[0] = id;
	for (i = 0; i < (int)acpi_nr_cpus && n < NR_CPUS; i++)
		if (acpi_apic_ids[i] != id)
			apic_id_of_cpu[n++] = acpi_apic_ids[i];
	nr_cpus_possible = acpi_nr_cpus ? n : 1;
	this_cpu_local()->apic_id = id;
}

void apic_init_ap(void)
{
	apic_setup_local();
	this_cpu_local()->apic_id = read_apic_id();
}

/* ---- IOAPIC ---- */
static u32 ioapic_read(u32 reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static void ioapic_write(u32 reg, u32 v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

void ioapic_init(void)
{
	u32 i;
	if (!ioapic_phys)
		ioapic_phys = 0xfec00000;
	ioapic = ioremap(ioapic_phys, 4096);
	ioapic_pins = ((ioapic_read(1) >> 16) & 0xff) + 1;
	for (i = 0; i < ioapic_pins; i++) {
		ioapic_write(0x10 + 2 * i, 1 << 16);
		ioapic_write(0x11 + 2 * i, 0);
	}
	printk(KERN_INFO "APIC: Switch to symmetric I/O mode setup\n");
}

void ioapic_route(unsigned int irq, int vector, bool level, bool low)
{
	u32 gsi = irq < 16 ? irq_to_gsi[irq] : irq;
	if (irq < 16 && irq_flags[irq]) {
		u16 f = irq_flags[irq];
		low = (f & 3) == 3;
		level = ((f >> 2) & 3) == 3;
	}
	if (!ioapic || gsi >= ioapic_pins)
		return;
	ioapic_write(0x11 + 2 * gsi, (u32)apic_id_of_cpu[0] << 24);
	ioapic_write(0x10 + 2 * gsi, vector | (low ? 1 << 13 : 0) | (level ? 1 << 15 : 0));
}
