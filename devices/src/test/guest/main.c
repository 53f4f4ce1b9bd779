/* emu board integration test kernel.
 *
 * Boots by PVH, parses ACPI (RSDP -> XSDT/RSDT -> MADT, HPET, FADT) and SMBIOS, starts every AP
 * with INIT-SIPI-SIPI through a real-mode trampoline (one at a time, so the transcript order is
 * fixed), takes a LAPIC timer interrupt (one-shot and periodic), an HPET interrupt through the
 * IOAPIC (one-shot and periodic), a UART THRE interrupt, and a PMU overflow NMI when CPUID leaf
 * 0xA reports a PMU. Prints a transcript on COM1 and leaves through isa-debug-exit (port 0xF4):
 * 0x10 (status 33) for PASS, 0x11 (status 35) for FAIL. Runs the same on QEMU q35 and on emu.
 * Files: boot.S (entry, stubs, trampoline), kt.h, console.c, firmware.c (ACPI/SMBIOS; also built
 * for the host with host.c, see FirmwareHostParseTest), main.c (interrupts, tests, SMP, actions). */
#include "kt.h"

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} __attribute__((packed));

extern const uint64_t isr_table[];
extern char trampoline_start[], trampoline_end[], tramp_cr3[], tramp_stack[];

static struct idt_entry idt[256] __attribute__((aligned(16)));
static uint8_t ap_stacks[MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));
static volatile int ap_online;
static volatile int lapic_ticks, hpet_irqs, uart_irqs, nmis;
static volatile uint32_t uart_iir;
static volatile uint64_t pmu_status, lvtpc_after;
static uint32_t hpet_period_fs;
static const char *cmdline = "";

/* ---- interrupts ---- */
void isr_dispatch(struct frame *f)
{
	switch (f->vector) {
	case VEC_NMI:
		pmu_status = rdmsr(0x38e);           /* IA32_PERF_GLOBAL_STATUS */
		wrmsr(0x186, 0);                     /* stop PERFEVTSEL0 */
		wrmsr(0x390, pmu_status);            /* IA32_PERF_GLOBAL_OVF_CTRL */
		lvtpc_after = lapic_read(LAPIC_LVT_PMC);
		nmis++;
		return;
	case VEC_LAPIC_TIMER:
		lapic_ticks++;
		lapic_write(LAPIC_EOI, 0);
		return;
	case VEC_HPET:
		hpet_irqs++;
		lapic_write(LAPIC_EOI, 0);
		return;
	case VEC_UART:
		uart_iir = inb(COM1 + 2);
		outb(COM1 + 1, 0x00);
		uart_irqs++;
		lapic_write(LAPIC_EOI, 0);
		return;
	case VEC_SPURIOUS:
		return;
	default:
		kprintf("unexpected exception %d error 0x%lx at rip 0x%lx\n", (int)f->vector, f->error, f->rip);
		failures++;
		finish();
	}
}

static void idt_init(void)
{
	for (const uint64_t *p = isr_table; p[0] != (uint64_t)-1; p += 2) {
		struct idt_entry *e = &idt[p[0]];
		e->off0 = (uint16_t)p[1];
		e->sel = 0x08;
		e->ist = 0;
		e->type = 0x8e;                      /* present, DPL 0, 64-bit interrupt gate */
		e->off1 = (uint16_t)(p[1] >> 16);
		e->off2 = (uint32_t)(p[1] >> 32);
		e->zero = 0;
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* ---- HPET time ---- */
static uint64_t hpet_now_fs(void)
{
	return mmio_read64(hpet_base + HPET_COUNTER) * hpet_period_fs;
}

/* Busy-waits until cond() holds or us microseconds pass; returns cond(). */
static int wait_us(volatile int *counter, int target, uint64_t us)
{
	uint64_t end = hpet_now_fs() + us * 1000000000ull;
	while (hpet_now_fs() < end) {
		if (counter && *counter >= target)
			return 1;
		__asm__ volatile("pause");
	}
	return counter ? *counter >= target : 1;
}

/* ---- IOAPIC ---- */
static void ioapic_route(uint32_t gsi, uint8_t vector, int level)
{
	uint32_t dest = lapic_read(LAPIC_ID) >> 24;
	mmio_write32(ioapic_base, 0x10 + 2 * gsi + 1);
	mmio_write32(ioapic_base + 0x10, dest << 24);
	mmio_write32(ioapic_base, 0x10 + 2 * gsi);
	mmio_write32(ioapic_base + 0x10, vector | (level ? 1u << 15 : 0));
}

static void ioapic_mask(uint32_t gsi)
{
	mmio_write32(ioapic_base, 0x10 + 2 * gsi);
	mmio_write32(ioapic_base + 0x10, 1u << 16);
}

/* ---- tests ---- */
static void test_lapic_timer(void)
{
	lapic_write(LAPIC_TIMER_DIV, 0x3);               /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 100000);
	check(wait_us(&lapic_ticks, 1, 100000), "lapic one-shot");
	int oneshot = lapic_ticks;
	wait_us(0, 0, 5000);                             /* a one-shot must not fire again */
	kprintf("lapic timer: one-shot %s\n", oneshot == 1 && lapic_ticks == 1 ? "ok" : "FAILED");
	check(lapic_ticks == 1, "lapic one-shot fired once");
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, 50000);
	check(wait_us(&lapic_ticks, 4, 100000), "lapic periodic");
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
	kprintf("lapic timer: periodic %s\n", lapic_ticks >= 4 ? "ok" : "FAILED");
}

static void test_hpet(void)
{
	uint64_t cap = mmio_read64(hpet_base + HPET_CAP);
	hpet_period_fs = (uint32_t)(cap >> 32);
	int timers = ((cap >> 8) & 0x1f) + 1;
	kprintf("hpet: base 0x%lx period %d fs, %d timers, %s counter, rev %d, vendor 0x%x\n", hpet_base, hpet_period_fs,
		timers, cap & (1 << 13) ? "64-bit" : "32-bit", (int)(cap & 0xff), (unsigned)((cap >> 16) & 0xffff));
	mmio_write64(hpet_base + HPET_CONF, 0);
	mmio_write64(hpet_base + HPET_COUNTER, 0);
	mmio_write64(hpet_base + HPET_CONF, 1);          /* ENABLE_CNF, no legacy replacement */
}

static void test_hpet_irq(void)
{
	uint64_t conf = mmio_read64(hpet_base + HPET_TN_CONF(0));
	uint32_t routes = (uint32_t)(conf >> 32);
	int gsi = -1;
	for (int i = 16; i < 24 && gsi < 0; i++)
		if (routes & (1u << i))
			gsi = i;
	kprintf("hpet: timer0 route cap 0x%x, periodic %s, using gsi %d\n", routes, conf & TN_PER_CAP ? "yes" : "no", gsi);
	check(gsi >= 0, "hpet timer0 routable to a gsi >= 16");
	if (gsi < 0)
		return;
	ioapic_route(gsi, VEC_HPET, 0);
	uint64_t ticks_1ms = 1000000000000ull / hpet_period_fs;
	mmio_write64(hpet_base + HPET_TN_CONF(0), ((uint64_t)gsi << 9) | TN_INT_ENB);
	mmio_write64(hpet_base + HPET_TN_CMP(0), mmio_read64(hpet_base + HPET_COUNTER) + ticks_1ms);
	check(wait_us(&hpet_irqs, 1, 100000), "hpet one-shot");
	kprintf("hpet: one-shot %s\n", hpet_irqs == 1 ? "ok" : "FAILED");
	if (conf & TN_PER_CAP) {
		mmio_write64(hpet_base + HPET_TN_CONF(0), ((uint64_t)gsi << 9) | TN_INT_ENB | TN_PERIODIC | TN_VAL_SET);
		mmio_write64(hpet_base + HPET_TN_CMP(0), mmio_read64(hpet_base + HPET_COUNTER) + ticks_1ms);
		mmio_write64(hpet_base + HPET_TN_CMP(0), ticks_1ms);
		check(wait_us(&hpet_irqs, 4, 100000), "hpet periodic");
		kprintf("hpet: periodic %s\n", hpet_irqs >= 4 ? "ok" : "FAILED");
	}
	mmio_write64(hpet_base + HPET_TN_CONF(0), 0);
	ioapic_mask(gsi);
}

static void test_uart_irq(void)
{
	uint32_t gsi = irq_to_gsi[4];
	ioapic_route(gsi, VEC_UART, 0);
	outb(COM1 + 1, 0x02);                            /* IER: THRE */
	check(wait_us(&uart_irqs, 1, 100000), "uart thre interrupt");
	kprintf("uart: THRE interrupt on gsi %d %s (iir 0x%x)\n", gsi, uart_irqs == 1 ? "ok" : "FAILED", uart_iir);
	ioapic_mask(gsi);
}

static void test_pmu(void)
{
	uint32_t a, b, c, d, max;
	cpuid(0, &max, &b, &c, &d);
	a = 0;
	if (max >= 0xa)
		cpuid(0xa, &a, &b, &c, &d);
	int version = a & 0xff, counters = (a >> 8) & 0xff, width = (a >> 16) & 0xff;
	if (version == 0) {
		kprintf("pmu: absent (cpuid 0xa eax 0x%x)\n", a);
		return;
	}
	kprintf("pmu: version %d, %d counters of %d bits\n", version, counters, width);
	lapic_write(LAPIC_LVT_PMC, 0x400);               /* delivery mode NMI */
	wrmsr(0x186, 0);
	wrmsr(0xc1, (uint32_t)-20000);                   /* PMC0: overflow after 20000 cycles */
	if (version >= 2)
		wrmsr(0x38f, 1);                             /* IA32_PERF_GLOBAL_CTRL: PMC0 */
	wrmsr(0x186, 0x3c | 1 << 16 | 1 << 17 | 1 << 20 | 1 << 22); /* cycles, USR OS INT EN */
	for (volatile int i = 0; i < 1000000 && !nmis; i++)
		;
	kprintf("pmu: overflow NMI %s (global status 0x%lx, lvtpc masked %d)\n", nmis == 1 ? "ok" : "FAILED",
		pmu_status, (int)((lvtpc_after >> 16) & 1));
	check(nmis == 1 && (pmu_status & 1), "pmu overflow nmi");
}

static int cmdline_has(const char *word)
{
	for (const char *p = cmdline; *p; p++) {
		int i = 0;
		while (word[i] && p[i] == word[i])
			i++;
		if (!word[i])
			return 1;
	}
	return 0;
}

/* Machine-level paths selected by the command line (PcMachineBootTest): each either ends the run
 * (power-off, reset, triple fault, dead, idle) or returns and the normal test continues. */
static void run_action(void)
{
	if (cmdline_has("action=poweroff")) {
		kprintf("action: ACPI power-off, SLP_TYP %d via port 0x%x\n", s5_slp_typ, pm1a_cnt);
		outw(pm1a_cnt, (uint16_t)(s5_slp_typ << 10 | 1 << 13));
	} else if (cmdline_has("action=cf9reset")) {
		kprintf("action: reset through 0xcf9\n");
		outb(0xcf9, 0x06);
	} else if (cmdline_has("action=kbdreset")) {
		kprintf("action: reset through the keyboard controller\n");
		while (inb(0x64) & 0x02)
			;
		outb(0x64, 0xfe);
	} else if (cmdline_has("action=triplefault")) {
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) none = { 0, 0 };
		kprintf("action: triple fault\n");
		__asm__ volatile("lidt %0; int3" : : "m"(none));
	} else if (cmdline_has("action=dead")) {
		kprintf("action: cli; hlt\n");
		__asm__ volatile("cli; hlt");
	} else if (cmdline_has("action=idle")) {
		kprintf("action: sti; hlt with nothing armed\n");
		for (;;)
			__asm__ volatile("sti; hlt");
	} else if (cmdline_has("action=panic")) {
		kprintf("action: pvpanic features 0x%x\n", inb(0x505));
		outb(0x505, 1);
		kprintf("action: panic reported, running on\n");
		return;
	} else if (cmdline_has("action=echo")) {
		char buf[64];
		int n = 0;
		uint64_t end = hpet_now_fs() + 1000000000000000ull; /* 1 s */
		while (n < (int)sizeof(buf) - 1 && hpet_now_fs() < end) {
			if (!(inb(COM1 + 5) & 0x01))
				continue;
			char c = (char)inb(COM1);
			if (c == '\n' || c == '\r')
				break;
			buf[n++] = c;
		}
		buf[n] = 0;
		kprintf("action: echo \"%s\"\n", buf);
		return;
	} else {
		return;
	}
	wait_us(0, 0, 100000);                           /* QEMU acts on power-off/reset asynchronously */
	kprintf("action: still running\n");
	failures++;
	finish();
}

void ap_main(void)
{
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	kprintf("cpu: apic id %d online\n", lapic_read(LAPIC_ID) >> 24);
	__atomic_fetch_add(&ap_online, 1, __ATOMIC_RELEASE);
}

static void start_aps(void)
{
	uint32_t self = lapic_read(LAPIC_ID) >> 24;
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	memcpy((void *)TRAMPOLINE, trampoline_start, trampoline_end - trampoline_start);
	*(uint64_t *)(TRAMPOLINE + (tramp_cr3 - trampoline_start)) = cr3;
	int expected = 0;
	for (int i = 0; i < cpu_count; i++) {
		if (apic_ids[i] == self)
			continue;
		*(uint64_t *)(TRAMPOLINE + (tramp_stack - trampoline_start)) = (uint64_t)&ap_stacks[i + 1][0];
		expected++;
		lapic_write(LAPIC_ICR_HI, (uint32_t)apic_ids[i] << 24);
		lapic_write(LAPIC_ICR_LO, 0x4500);           /* INIT, assert */
		wait_us(0, 0, 1000);
		for (int sipi = 0; sipi < 2 && ap_online < expected; sipi++) {
			lapic_write(LAPIC_ICR_HI, (uint32_t)apic_ids[i] << 24);
			lapic_write(LAPIC_ICR_LO, 0x4600 | (TRAMPOLINE >> 12));
			wait_us(&ap_online, expected, 200);
		}
		wait_us(&ap_online, expected, 100000);
	}
	kprintf("smp: %d of %d cpus online\n", ap_online + 1, cpu_count);
	check(ap_online + 1 == cpu_count, "all cpus online");
}

void kmain(uint32_t start_info)
{
	const uint8_t *si = (const uint8_t *)(uint64_t)start_info;
	serial_init();
	kprintf("\nemu board test kernel\n");
	kprintf("pvh: start_info magic 0x%x version %d, cmdline \"%s\", %d module(s)\n", *(const uint32_t *)si,
		*(const uint32_t *)(si + 4), *(const uint64_t *)(si + 0x18) ? (const char *)*(const uint64_t *)(si + 0x18) : "",
		*(const uint32_t *)(si + 0x0c));
	check(*(const uint32_t *)si == 0x336ec578, "start_info magic");
	if (*(const uint64_t *)(si + 0x18))
		cmdline = (const char *)*(const uint64_t *)(si + 0x18);
	idt_init();
	parse_acpi(*(const uint64_t *)(si + 0x20));
	parse_smbios();
	check(ioapic_base && hpet_base && cpu_count > 0, "madt and hpet tables");
	if (failures)
		finish();
	/* The BIOS leaves the 8259 pair at vectors 8..15 with the PIT unmasked and LINT0 in ExtINT
	 * (virtual wire) mode: mask both, everything here goes through the IOAPIC. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	kprintf("lapic: id %d version 0x%x\n", lapic_read(LAPIC_ID) >> 24, lapic_read(LAPIC_VER) & 0xff);
	test_hpet();
	run_action();
	__asm__ volatile("sti");
	test_lapic_timer();
	test_hpet_irq();
	test_uart_irq();
	test_pmu();
	start_aps();
	finish();
}
