/* Test kernel firmware parsers: ACPI (RSDP -> XSDT/RSDT -> FADT + DSDT \_S5, MADT, HPET) and SMBIOS
 * (the Linux dmi_format_ids "Hardware name" string). Also built for the host (-DHOST_TEST, host.c)
 * to check emu's tables with the same code that runs on QEMU. */
#include "kt.h"

uint64_t lapic_base = 0xfee00000, ioapic_base, hpet_base;
int cpu_count, lapic_nmi_count, iso_count;
uint32_t pm1a_cnt;
int s5_slp_typ = -1;
uint8_t apic_ids[MAX_CPUS];
uint32_t irq_to_gsi[16];
/* Physical address -> pointer: identity in the kernel; the host harness maps the image elsewhere. */
uint64_t phys_offset;

static const uint8_t *
phys(uint64_t pa)
{
	return (const uint8_t *)(uintptr_t)(pa + phys_offset);
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
		const uint8_t *dsdt = phys(*(const uint32_t *)(t + 40));
		int s5 = 0;
		uint32_t dlen = *(const uint32_t *)(dsdt + 4);
		for (uint32_t i = 36; i + 9 <= dlen; i++) {
			if (!memeq(dsdt + i, "_S5_", 4) || dsdt[i + 4] != 0x12)
				continue;
			/* PackageOp PkgLength(1 byte) NumElements, then SLP_TYPa: BytePrefix n, ZeroOp or OneOp */
			const uint8_t *e = dsdt + i + 7;
			s5 = 1;
			s5_slp_typ = e[0] == 0x0a ? e[1] : e[0] == 0x01 ? 1 : 0;
		}
		pm1a_cnt = *(const uint32_t *)(t + 64);
		kprintf("fadt: pm1a_evt 0x%x pm1a_cnt 0x%x pm_tmr 0x%x, dsdt %s _S5_\n", *(const uint32_t *)(t + 56),
			*(const uint32_t *)(t + 64), *(const uint32_t *)(t + 76), s5 ? "has" : "lacks");
	}
}

void
parse_acpi(uint64_t rsdp_paddr)
{
	const uint8_t *rsdp = phys(rsdp_paddr);
	check(memeq(rsdp, "RSD PTR ", 8) && sum(rsdp, 20) == 0, "rsdp signature/checksum");
	kprintf("acpi: rsdp revision %d oem %c%c%c%c%c%c\n", rsdp[15], rsdp[9], rsdp[10], rsdp[11], rsdp[12], rsdp[13], rsdp[14]);
	int xsdt = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24) != 0;
	const uint8_t *root = phys(xsdt ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
	if (xsdt)
		check(sum(rsdp, 36) == 0, "rsdp extended checksum");
	uint32_t len = *(const uint32_t *)(root + 4);
	kprintf("acpi: %s with %d entries\n", xsdt ? "xsdt" : "rsdt", (len - 36) / (xsdt ? 8 : 4));
	check(sum(root, len) == 0, "root table checksum");
	for (uint32_t off = 36; off < len; off += xsdt ? 8 : 4) {
		uint64_t a = xsdt ? *(const uint64_t *)(root + off) : *(const uint32_t *)(root + off);
		parse_table(phys(a));
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

void
parse_smbios(void)
{
	const uint8_t *table = 0, *t0 = 0, *t1 = 0;
	uint32_t tlen = 0;
	for (uint64_t a = 0xf0000; a < 0x100000; a += 16) {
		const uint8_t *p = phys(a);
		if (memeq(p, "_SM3_", 5) && sum(p, p[6]) == 0) {
			kprintf("smbios: %d.%d entry point at 0x%lx\n", p[7], p[8], a);
			table = phys(*(const uint64_t *)(p + 16));
			tlen = *(const uint32_t *)(p + 12);
			break;
		}
		if (memeq(p, "_SM_", 4) && sum(p, p[5]) == 0) {
			kprintf("smbios: %d.%d entry point at 0x%lx\n", p[6], p[7], a);
			table = phys(*(const uint32_t *)(p + 0x18));
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
