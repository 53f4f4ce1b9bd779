/* ACPI tables (RSDP -> RSDT/XSDT -> MADT, HPET, FADT + DSDT \_S5) and SMBIOS for "Hardware name:". */
#include "kernel.h"
#include "string.h"
#include "mm.h"
#include "boot.h"
#include "ptrace.h"

unsigned int acpi_nr_cpus;
u32 acpi_apic_ids[NR_CPUS];
u64 lapic_phys = 0xfee00000, ioapic_phys, hpet_phys;
u32 irq_to_gsi[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
u16 irq_flags[16];
u32 acpi_pm1a_cnt, acpi_pm1b_cnt, acpi_smi_cmd;
u8 acpi_enable_value;
u16 acpi_slp_typ_s5;
bool acpi_reset_supported;
u64 acpi_reset_addr;
u8 acpi_reset_space, acpi_reset_value;
const char *dmi_hardware_name;

struct acpi_sdt { char sig[4]; u32 len; u8 rev, csum; char oem[6], oem_table[8]; u32 oem_rev, creator, creator_rev; } __packed;

static void *phys(u64 p) { return __va(p); }

static void print_table(const char *sig, u64 addr, const struct acpi_sdt *t)
{
	printk(KERN_INFO "ACPI: %.4s 0x%016llX %06X (v%02d %.6s %.8s %08X %.4s %08X)\n", sig,
	       (unsigned long long)addr, t->len, t->rev, t->oem, t->oem_table, t->oem_rev,
	       (const char *)&t->creator, t->creator_rev);
}

static void parse_madt(const struct acpi_sdt *t)
{
	const u8 *p = (const u8 *)t + 44, *end = (const u8 *)t + t->len;
	lapic_phys = *(const u32 *)((const u8 *)t + 36);
	for (; p + 2 <= end && p[1]; p += p[1]) {
		switch (p[0]) {
		case 0:          /* processor local APIC: uid, apic id, flags */
			if ((*(const u32 *)(p + 4) & 1) && acpi_nr_cpus < NR_CPUS)
				acpi_apic_ids[acpi_nr_cpus++] = p[3];
			break;
		case 9:          /* processor local x2APIC */
			if ((*(const u32 *)(p + 8) & 1) && acpi_nr_cpus < NR_CPUS)
				acpi_apic_ids[acpi_nr_cpus++] = *(const u32 *)(p + 4);
			break;
		case 1:          /* IOAPIC */
			if (!ioapic_phys) {
				ioapic_phys = *(const u32 *)(p + 4);
				printk(KERN_INFO "IOAPIC[0]: apic_id %d, address 0x%llx, GSI %d\n", p[2],
				       (unsigned long long)ioapic_phys, *(const u32 *)(p + 8));
			}
			break;
		case 2:          /* interrupt source override */
			if (p[3] < 16) {
				irq_to_gsi[p[3]] = *(const u32 *)(p + 4);
				irq_flags[p[3]] = *(const u16 *)(p + 8);
				printk(KERN_INFO "ACPI: INT_SRC_OVR (bus %d bus_irq %d global_irq %d %s %s)\n", p[2], p[3],
				       irq_to_gsi[p[3]], (irq_flags[p[3]] & 3) == 3 ? "low" : (irq_flags[p[3]] & 3) == 1 ? "high" : "dfl",
				       ((irq_flags[p[3]] >> 2) & 3) == 3 ? "level" : ((irq_flags[p[3]] >> 2) & 3) == 1 ? "edge" : "dfl");
			}
			break;
		}
	}
}

/* find the \_S5 package in the DSDT AML and take SLP_TYPa (the usual small-kernel scan) */
static void parse_s5(const struct acpi_sdt *dsdt)
{
	const u8 *p = (const u8 *)dsdt + 36, *end = (const u8 *)dsdt + dsdt->len;
	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || (p[-1] != 0x08 && !(p[-2] == 0x08 && p[-1] == '\\')))
			continue;
		p += 4;
		if (*p != 0x12)      /* PackageOp */
			return;
		p++;
		p += ((*p & 0xc0) >> 6) + 2;   /* PkgLength bytes + NumElements */
		if (*p == 0x0a)      /* BytePrefix */
			p++;
		acpi_slp_typ_s5 = *p <= 1 ? *p : *p;
		return;
	}
}

static void parse_fadt(const struct acpi_sdt *t)
{
	const u8 *b = (const u8 *)t;
	acpi_smi_cmd = *(const u32 *)(b + 48);
	acpi_enable_value = b[52];
	acpi_pm1a_cnt = *(const u32 *)(b + 64);
	acpi_pm1b_cnt = *(const u32 *)(b + 68);
	u64 dsdt = *(const u32 *)(b + 40);
	if (t->len >= 148 && *(const u64 *)(b + 140))
		dsdt = *(const u64 *)(b + 140);
	if (t->len >= 129 && (*(const u32 *)(b + 112) & (1 << 10))) {
		acpi_reset_supported = true;
		acpi_reset_space = b[116];
		acpi_reset_addr = *(const u64 *)(b + 120);
		acpi_reset_value = b[128];
	}
	if (dsdt) {
		const struct acpi_sdt *d = phys(dsdt);
		print_table("DSDT", dsdt, d);
		parse_s5(d);
		printk(KERN_DEBUG "ACPI: PM1a_CNT 0x%x S5 SLP_TYP %u\n", acpi_pm1a_cnt, acpi_slp_typ_s5);
	}
}

static void parse_table(u64 addr)
{
	const struct acpi_sdt *t = phys(addr);
	print_table(t->sig, addr, t);
	if (!memcmp(t->sig, "APIC", 4))
		parse_madt(t);
	else if (!memcmp(t->sig, "HPET", 4))
		hpet_phys = *(const u64 *)((const u8 *)t + 44);
	else if (!memcmp(t->sig, "FACP", 4))
		parse_fadt(t);
}

static u64 find_rsdp(void)
{
	u64 a;
	for (a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp(phys(a), "RSD PTR ", 8))
			return a;
	return 0;
}

void acpi_init(u64 rsdp_phys)
{
	if (!rsdp_phys)
		rsdp_phys = find_rsdp();
	if (!rsdp_phys) {
		printk(KERN_WARNING "ACPI: Unable to locate RSDP\n");
		return;
	}
	const u8 *r = phys(rsdp_phys);
	printk(KERN_INFO "ACPI: RSDP 0x%016llX %06X (v%02d %.6s)\n", (unsigned long long)rsdp_phys,
	       r[15] >= 2 ? *(const u32 *)(r + 20) : 20, r[15], (const char *)r + 9);
	u64 xsdt = r[15] >= 2 ? *(const u64 *)(r + 24) : 0;
	u64 rsdt = *(const u32 *)(r + 16);
	const struct acpi_sdt *root = phys(xsdt ? xsdt : rsdt);
	print_table(xsdt ? "XSDT" : "RSDT", xsdt ? xsdt : rsdt, root);
	int entry = xsdt ? 8 : 4, n = (root->len - 36) / entry, i;
	for (i = 0; i < n; i++) {
		const u8 *e = (const u8 *)root + 36 + i * entry;
		parse_table(xsdt ? *(const u64 *)e : *(const u32 *)e);
	}
}

/* ---- SMBIOS ---- */
static char dmi_buf[192];

static const char *dmi_string(const u8 *s, int idx)
{
	const char *p = (const char *)s + s[1];
	if (!idx)
		return "";
	while (--idx > 0 && *p)
		p += strlen(p) + 1;
	return p;
}

void dmi_init(void)
{
	u64 a, table = 0;
	u32 len = 0;
	for (a = 0xf0000; a < 0x100000; a += 16) {
		const u8 *p = phys(a);
		if (!memcmp(p, "_SM3_", 5)) {
			table = *(const u64 *)(p + 16);
			len = *(const u32 *)(p + 12);
			break;
		}
		if (!memcmp(p, "_SM_", 4)) {
			table = *(const u32 *)(p + 0x18);
			len = *(const u16 *)(p + 0x16);
			break;
		}
	}
	if (!table)
		return;
	const char *vendor = "", *product = "", *board = "", *bios_ver = "", *bios_date = "";
	const u8 *s = phys(table), *end = s + len;
	while (s + 4 <= end && s[0] != 127) {
		switch (s[0]) {
		case 0:
			bios_ver = dmi_string(s, s[5]);
			bios_date = dmi_string(s, s[8]);
			break;
		case 1:
			vendor = dmi_string(s, s[4]);
			product = dmi_string(s, s[5]);
			break;
		case 2:
			board = dmi_string(s, s[5]);
			break;
		}
		const u8 *q = s + s[1];
		while (q + 1 < end && (q[0] || q[1]))
			q++;
		s = q + 2;
	}
	int n = snprintf(dmi_buf, sizeof(dmi_buf), "%s %s", vendor, product);
	if (*board)
		n += snprintf(dmi_buf + n, sizeof(dmi_buf) - n, "/%s", board);
	snprintf(dmi_buf + n, sizeof(dmi_buf) - n, ", BIOS %s %s", bios_ver, bios_date);
	dmi_hardware_name = dmi_buf;
	printk(KERN_INFO "DMI: %s\n", dmi_buf);
}
