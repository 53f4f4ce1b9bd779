/* emu board integration test kernel.
 *
 * Boots by PVH, parses ACPI (RSDP -> XSDT/RSDT -> MADT, HPET, FADT) and SMBIOS, starts every AP
 * with INIT-SIPI-SIPI through a real-mode trampoline (one at a time, so the transcript order is
 * fixed), takes a LAPIC timer interrupt (one-shot and periodic), an HPET interrupt through the
 * IOAPIC (one-shot and periodic), a UART THRE interrupt, and a PMU overflow NMI when CPUID leaf
 * 0xA reports a PMU. Prints a transcript on COM1 and leaves through isa-debug-exit (port 0xF4):
 * 0x10 (status 33) for PASS, 0x11 (status 35) for FAIL. Runs the same on QEMU q35 and on emu.
 * Built with -DHOST_TEST together with host.c, the ACPI/SMBIOS parsers run as a host program over
 * a memory image (AcpiHostParseTest). */
#include <stdarg.h>
#include <stdint.h>

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS 0x10
#define EXIT_FAIL 0x11

#define TRAMPOLINE 0x8000               /* below 1 MiB, page aligned: SIPI vector 0x08 */
#define MAX_CPUS 64
#define AP_STACK_SIZE 4096

#define VEC_NMI 2
#define VEC_LAPIC_TIMER 0x20
#define VEC_HPET 0x21
#define VEC_UART 0x22
#define VEC_SPURIOUS 0xff

#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_PMC 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

#define HPET_CAP 0x000
#define HPET_CONF 0x010
#define HPET_STATUS 0x020
#define HPET_COUNTER 0x0f0
#define HPET_TN_CONF(n) (0x100 + 0x20 * (n))
#define HPET_TN_CMP(n) (0x108 + 0x20 * (n))
#define TN_INT_ENB (1ull << 2)
#define TN_PERIODIC (1ull << 3)
#define TN_PER_CAP (1ull << 4)
#define TN_VAL_SET (1ull << 6)

struct frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

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
static volatile int print_lock;
static volatile int ap_online;
static volatile int lapic_ticks, hpet_irqs, uart_irqs, nmis;
static volatile uint32_t uart_iir;
static volatile uint64_t pmu_status, lvtpc_after;
static int failures;

static uint64_t lapic_base = 0xfee00000, ioapic_base, hpet_base;
static uint32_t hpet_period_fs;
static int cpu_count, lapic_nmi_count, iso_count;
static uint8_t apic_ids[MAX_CPUS];
static uint32_t irq_to_gsi[16];

/* ---- port and MMIO access ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
static inline uint32_t lapic_read(uint32_t r) { return mmio_read32(lapic_base + r); }
static inline void lapic_write(uint32_t r, uint32_t v) { mmio_write32(lapic_base + r, v); }

static void *memcpy(void *d, const void *s, unsigned long n)
{
	char *dp = d;
	const char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

static int memeq(const void *a, const char *b, int n)
{
	const char *p = a;
	for (int i = 0; i < n; i++)
		if (p[i] != b[i])
			return 0;
	return 1;
}

/* ---- console ---- */
static void serial_init(void)
{
	outb(COM1 + 1, 0x00);   /* IER: no interrupts */
	outb(COM1 + 3, 0x80);   /* DLAB */
	outb(COM1 + 0, 0x01);   /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0x07);   /* FIFOs on, cleared */
	outb(COM1 + 4, 0x0b);   /* DTR RTS OUT2 */
}

#ifdef HOST_TEST
void host_putc(char c);
static void serial_putc(char c)
{
	host_putc(c);
}
#else
static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}
#endif

static void put_num(uint64_t v, int base, int width)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		serial_putc(buf[--n]);
}

static void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
		;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (*fmt == '\n')
				serial_putc('\r');
			serial_putc(*fmt);
			continue;
		}
		fmt++;
		int width = 0, lng = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s)
				serial_putc(*s++);
			break;
		}
		case 'c':
			serial_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (v < 0) {
				serial_putc('-');
				v = -v;
			}
			put_num((uint64_t)v, 10, width);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width);
			break;
		default:
			serial_putc(*fmt);
		}
	}
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
	va_end(ap);
}

static void __attribute__((noreturn)) finish(void)
{
	if (failures)
		kprintf("FAIL: %d check(s) failed\n", failures);
	else
		kprintf("PASS\n");
	outb(DEBUG_EXIT_PORT, failures ? EXIT_FAIL : EXIT_PASS);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void check(int ok, const char *what)
{
	if (!ok) {
		kprintf("check failed: %s\n", what);
		failures++;
	}
}

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

/* ---- ACPI ---- */
static uint8_t sum(const void *p, uint32_t len)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s;
}

static void parse_madt(const uint8_t *t)
{
	uint32_t len = *(const uint32_t *)(t + 4);
	lapic_base = *(const uint32_t *)(t + 36);
	for (int i = 0; i < 16; i++)
		irq_to_gsi[i] = i;
	for (uint32_t off = 44; off + 2 <= len && t[off + 1] >= 2; off += t[off + 1]) {
		const uint8_t *e = t + off;
		switch (e[0]) {
		case 0:
			if ((*(const uint32_t *)(e + 4) & 1) && cpu_count < MAX_CPUS)
				apic_ids[cpu_count++] = e[3];
			break;
		case 1:
			ioapic_base = *(const uint32_t *)(e + 4);
			kprintf("madt: ioapic id %d at 0x%lx gsi base %d\n", e[2], ioapic_base, *(const uint32_t *)(e + 8));
			break;
		case 2:
			iso_count++;
			if (e[3] < 16)
				irq_to_gsi[e[3]] = *(const uint32_t *)(e + 4);
			kprintf("madt: override irq %d -> gsi %d flags 0x%x\n", e[3], *(const uint32_t *)(e + 4), *(const uint16_t *)(e + 8));
			break;
		case 4:
			lapic_nmi_count++;
			kprintf("madt: lapic nmi processor 0x%x lint%d\n", e[2], e[5]);
			break;
		}
	}
	kprintf("madt: lapic 0x%lx, %d cpus (apic ids", lapic_base, cpu_count);
	for (int i = 0; i < cpu_count; i++)
		kprintf(" %d", apic_ids[i]);
	kprintf(")\n");
}

static void parse_table(const uint8_t *t)
{
	uint32_t len = *(const uint32_t *)(t + 4);
	kprintf("acpi: %c%c%c%c len %d rev %d checksum %s\n", t[0], t[1], t[2], t[3], len, t[8],
		sum(t, len) == 0 ? "ok" : "BAD");
	check(sum(t, len) == 0, "table checksum");
	if (memeq(t, "APIC", 4))
		parse_madt(t);
	else if (memeq(t, "HPET", 4))
		hpet_base = *(const uint64_t *)(t + 44);
	else if (memeq(t, "FACP", 4)) {
		const uint8_t *dsdt = (const uint8_t *)(uint64_t)*(const uint32_t *)(t + 40);
		int s5 = 0;
		uint32_t dlen = *(const uint32_t *)(dsdt + 4);
		for (uint32_t i = 36; i + 4 <= dlen; i++)
			if (memeq(dsdt + i, "_S5_", 4))
				s5 = 1;
		kprintf("fadt: pm1a_evt 0x%x pm1a_cnt 0x%x pm_tmr 0x%x, dsdt %s _S5_\n", *(const uint32_t *)(t + 56),
			*(const uint32_t *)(t + 64), *(const uint32_t *)(t + 76), s5 ? "has" : "lacks");
	}
}

static void parse_acpi(uint64_t rsdp_paddr)
{
	const uint8_t *rsdp = (const uint8_t *)rsdp_paddr;
	check(memeq(rsdp, "RSD PTR ", 8) && sum(rsdp, 20) == 0, "rsdp signature/checksum");
	kprintf("acpi: rsdp revision %d oem %c%c%c%c%c%c\n", rsdp[15], rsdp[9], rsdp[10], rsdp[11], rsdp[12], rsdp[13], rsdp[14]);
	int xsdt = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24) != 0;
	const uint8_t *root = (const uint8_t *)(xsdt ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
	if (xsdt)
		check(sum(rsdp, 36) == 0, "rsdp extended checksum");
	uint32_t len = *(const uint32_t *)(root + 4);
	kprintf("acpi: %s with %d entries\n", xsdt ? "xsdt" : "rsdt", (len - 36) / (xsdt ? 8 : 4));
	check(sum(root, len) == 0, "root table checksum");
	for (uint32_t off = 36; off < len; off += xsdt ? 8 : 4) {
		uint64_t a = xsdt ? *(const uint64_t *)(root + off) : *(const uint32_t *)(root + off);
		parse_table((const uint8_t *)a);
	}
}

/* ---- SMBIOS: the Linux dmi_format_ids "Hardware name" string ---- */
static const char *smbios_string(const uint8_t *s, int idx)
{
	const char *p = (const char *)s + s[1];
	if (idx == 0)
		return "";
	while (--idx && *p)
		while (*p++)
			;
	return p;
}

static const uint8_t *smbios_next(const uint8_t *s)
{
	const uint8_t *p = s + s[1];
	while (p[0] || p[1])
		p++;
	return p + 2;
}

static void parse_smbios(void)
{
	const uint8_t *table = 0, *t0 = 0, *t1 = 0;
	uint32_t tlen = 0;
	for (uint64_t a = 0xf0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)a;
		if (memeq(p, "_SM3_", 5) && sum(p, p[6]) == 0) {
			kprintf("smbios: %d.%d entry point at 0x%lx\n", p[7], p[8], a);
			table = (const uint8_t *)*(const uint64_t *)(p + 16);
			tlen = *(const uint32_t *)(p + 12);
			break;
		}
		if (memeq(p, "_SM_", 4) && sum(p, p[5]) == 0) {
			kprintf("smbios: %d.%d entry point at 0x%lx\n", p[6], p[7], a);
			table = (const uint8_t *)(uint64_t)*(const uint32_t *)(p + 0x18);
			tlen = *(const uint16_t *)(p + 0x16);
			break;
		}
	}
	if (!table) {
		kprintf("smbios: none\n");
		return;
	}
	for (const uint8_t *s = table; s < table + tlen && s[0] != 127; s = smbios_next(s)) {
		if (s[0] == 0 && !t0)
			t0 = s;
		if (s[0] == 1 && !t1)
			t1 = s;
	}
	check(t0 && t1, "smbios type 0 and 1");
	if (t0 && t1)
		kprintf("Hardware name: %s %s, BIOS %s %s\n", smbios_string(t1, t1[4]), smbios_string(t1, t1[5]),
			smbios_string(t0, t0[5]), smbios_string(t0, t0[8]));
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

#ifdef HOST_TEST
/* Host build (host.c): parse firmware tables from an image mapped at their physical addresses. */
int
host_parse_firmware(uint64_t rsdp)
{
	parse_acpi(rsdp);
	parse_smbios();
	return failures;
}
#endif

void kmain(uint32_t start_info)
{
	const uint8_t *si = (const uint8_t *)(uint64_t)start_info;
	serial_init();
	kprintf("\nemu board test kernel\n");
	kprintf("pvh: start_info magic 0x%x version %d, cmdline \"%s\", %d module(s)\n", *(const uint32_t *)si,
		*(const uint32_t *)(si + 4), *(const uint64_t *)(si + 0x18) ? (const char *)*(const uint64_t *)(si + 0x18) : "",
		*(const uint32_t *)(si + 0x0c));
	check(*(const uint32_t *)si == 0x336ec578, "start_info magic");
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
	__asm__ volatile("sti");
	test_lapic_timer();
	test_hpet_irq();
	test_uart_irq();
	test_pmu();
	start_aps();
	finish();
}
