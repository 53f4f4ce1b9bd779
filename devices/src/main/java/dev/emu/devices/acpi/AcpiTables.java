package dev.emu.devices.acpi;

/**
 * Builds the ACPI tables the firmware of a real PC would leave in low memory (ACPI 6.x chapter 5):
 * RSDP (revision 2) -> XSDT (and an RSDT for ACPI 1.0 parsers) -> FADT (revision 6, with FACS and
 * DSDT), MADT, HPET. Every address and port comes from the {@link Platform} the board passes in,
 * so the tables describe exactly the devices it wires.
 *
 * <ul>
 *   <li>MADT: one Processor Local APIC entry per CPU (UID = APIC ID = index, enabled), the IOAPIC
 *       (GSI base 0), interrupt source overrides IRQ0 -> GSI2 (edge, high) and IRQ9 -> GSI9 (SCI,
 *       level, active high) as QEMU, and one Local APIC NMI entry for all processors (UID 0xFF)
 *       on LINT1. PCAT_COMPAT is set (the 8259 pair is present, masked).</li>
 *   <li>FADT: PM1a event/control blocks and the PM timer in I/O space, SCI on IRQ 9, no SMI
 *       command port (always in ACPI mode), no GPE block, RESET_REG = I/O 0xCF9 value 0x06,
 *       C2/C3 unsupported, IAPC_BOOT_ARCH: no VGA, no CMOS RTC.</li>
 *   <li>DSDT: only {@code Name (_S5, Package () {S5, S5, 0, 0})} at the root, so OSes can find the
 *       S5 SLP_TYP value and power off.</li>
 * </ul>
 */
public final class AcpiTables {
  static final String OEM_ID = "EMU";
  static final String OEM_TABLE_ID = "EMU PC";
  static final String CREATOR_ID = "EMU";
  static final int HEADER_SIZE = 36;
  static final int RSDP_SIZE = 36;
  static final int FADT_SIZE = 276;
  static final int FACS_SIZE = 64;
  static final int HPET_TABLE_SIZE = 56;
  static final int GAS_SYSTEM_MEMORY = 0;
  static final int GAS_SYSTEM_IO = 1;

  /**
   * What the tables describe.
   *
   * @param cpus        number of processors (APIC IDs 0..cpus-1)
   * @param lapicBase   xAPIC MMIO base
   * @param ioapicId    IOAPIC ID
   * @param ioapicBase  IOAPIC MMIO base
   * @param hpetBase    HPET MMIO base
   * @param hpetBlockId low 32 bits of the HPET capabilities register
   * @param pmBase      I/O port of the PM block (PM1a_EVT at +0, PM1a_CNT at +4, PM_TMR at +8)
   * @param sciIrq      ISA IRQ of the SCI
   * @param resetPort   I/O port of the reset register
   * @param resetValue  value written to it to reset
   */
  public record Platform(int cpus, long lapicBase, int ioapicId, long ioapicBase, long hpetBase,
      int hpetBlockId, int pmBase, int sciIrq, int resetPort, int resetValue) {}

  /** The built image and where each table landed (physical addresses). */
  public record Image(long base, byte[] bytes, long rsdp, long xsdt, long rsdt, long fadt,
      long facs, long dsdt, long madt, long hpet) {}

  private AcpiTables() {}

  /** Builds the tables into a region of {@code size} bytes at physical {@code base}. */
  public static Image build(Platform p, long base, int size) {
    TableBuffer buf = new TableBuffer(base, size);
    long rsdp = base;
    long xsdt = align(rsdp + RSDP_SIZE, 16);
    int entries = 3;
    long rsdt = align(xsdt + HEADER_SIZE + 8L * entries, 16);
    long fadt = align(rsdt + HEADER_SIZE + 4L * entries, 16);
    long facs = align(fadt + FADT_SIZE, 64);
    long dsdt = align(facs + FACS_SIZE, 16);
    byte[] aml = dsdtAml();
    long madt = align(dsdt + HEADER_SIZE + aml.length, 16);
    int madtLen = HEADER_SIZE + 8 + 8 * p.cpus() + 12 + 10 * 2 + 6;
    long hpet = align(madt + madtLen, 16);
    if (hpet + HPET_TABLE_SIZE > base + size) {
      throw new IllegalArgumentException("ACPI tables do not fit in " + size + " bytes");
    }
    writeFadt(buf, p, fadt, facs, dsdt);
    writeFacs(buf, facs);
    header(buf, dsdt, "DSDT", HEADER_SIZE + aml.length, 2);
    buf.bytes(dsdt + HEADER_SIZE, aml);
    buf.checksum(dsdt, HEADER_SIZE + aml.length, dsdt + 9);
    writeMadt(buf, p, madt, madtLen);
    writeHpet(buf, p, hpet);
    long[] tables = {fadt, madt, hpet};
    header(buf, xsdt, "XSDT", HEADER_SIZE + 8 * entries, 1);
    header(buf, rsdt, "RSDT", HEADER_SIZE + 4 * entries, 1);
    for (int i = 0; i < entries; i++) {
      buf.u64(xsdt + HEADER_SIZE + 8L * i, tables[i]);
      buf.u32(rsdt + HEADER_SIZE + 4L * i, tables[i]);
    }
    buf.checksum(xsdt, HEADER_SIZE + 8 * entries, xsdt + 9);
    buf.checksum(rsdt, HEADER_SIZE + 4 * entries, rsdt + 9);
    writeRsdp(buf, rsdp, rsdt, xsdt);
    return new Image(base, buf.bytes(), rsdp, xsdt, rsdt, fadt, facs, dsdt, madt, hpet);
  }

  private static long align(long v, int a) {
    return (v + a - 1) & -a;
  }

  private static void header(TableBuffer b, long at, String sig, int length, int revision) {
    b.ascii(at, sig, 4);
    b.u32(at + 4, length);
    b.u8(at + 8, revision);
    b.ascii(at + 10, OEM_ID, 6);
    b.ascii(at + 16, OEM_TABLE_ID, 8);
    b.u32(at + 24, 1);
    b.ascii(at + 28, CREATOR_ID, 4);
    b.u32(at + 32, 1);
  }

  private static void writeRsdp(TableBuffer b, long at, long rsdt, long xsdt) {
    b.ascii(at, "RSD PTR ", 8);
    b.ascii(at + 9, OEM_ID, 6);
    b.u8(at + 15, 2);
    b.u32(at + 16, rsdt);
    b.u32(at + 20, RSDP_SIZE);
    b.u64(at + 24, xsdt);
    b.checksum(at, 20, at + 8);
    b.checksum(at, RSDP_SIZE, at + 32);
  }

  /** Generic Address Structure (12 bytes). */
  private static void gas(TableBuffer b, long at, int space, int bitWidth, int accessSize, long addr) {
    b.u8(at, space);
    b.u8(at + 1, bitWidth);
    b.u8(at + 2, 0);
    b.u8(at + 3, accessSize);
    b.u64(at + 4, addr);
  }

  private static void writeFadt(TableBuffer b, Platform p, long at, long facs, long dsdt) {
    header(b, at, "FACP", FADT_SIZE, 6);
    int pm1Evt = p.pmBase() + AcpiPm.OFS_PM1_STS;
    int pm1Cnt = p.pmBase() + AcpiPm.OFS_PM1_CNT;
    int pmTmr = p.pmBase() + AcpiPm.OFS_PM_TMR;
    b.u32(at + 36, facs);             // FIRMWARE_CTRL
    b.u32(at + 40, dsdt);             // DSDT
    b.u8(at + 45, 0);                 // Preferred_PM_Profile: unspecified
    b.u16(at + 46, p.sciIrq());       // SCI_INT
    b.u32(at + 48, 0);                // SMI_CMD: none, the platform is always in ACPI mode
    b.u32(at + 56, pm1Evt);           // PM1a_EVT_BLK
    b.u32(at + 64, pm1Cnt);           // PM1a_CNT_BLK
    b.u32(at + 76, pmTmr);            // PM_TMR_BLK
    b.u8(at + 88, 4);                 // PM1_EVT_LEN
    b.u8(at + 89, 2);                 // PM1_CNT_LEN
    b.u8(at + 91, 4);                 // PM_TMR_LEN
    b.u16(at + 96, 101);              // P_LVL2_LAT > 100: C2 not supported
    b.u16(at + 98, 1001);             // P_LVL3_LAT > 1000: C3 not supported
    b.u16(at + 109, (1 << 2) | (1 << 5)); // IAPC_BOOT_ARCH: VGA not present, CMOS RTC not present
    // Flags: WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none as fixed hardware), RESET_REG_SUP
    b.u32(at + 112, (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 10));
    gas(b, at + 116, GAS_SYSTEM_IO, 8, 1, p.resetPort()); // RESET_REG
    b.u8(at + 128, p.resetValue());   // RESET_VALUE
    b.u8(at + 131, 0);                // FADT minor version (6.0)
    b.u64(at + 140, dsdt);            // X_DSDT
    gas(b, at + 148, GAS_SYSTEM_IO, 32, 2, pm1Evt); // X_PM1a_EVT_BLK
    gas(b, at + 172, GAS_SYSTEM_IO, 16, 2, pm1Cnt); // X_PM1a_CNT_BLK
    gas(b, at + 208, GAS_SYSTEM_IO, 32, 3, pmTmr);  // X_PM_TMR_BLK
    b.checksum(at, FADT_SIZE, at + 9);
  }

  private static void writeFacs(TableBuffer b, long at) {
    b.ascii(at, "FACS", 4);
    b.u32(at + 4, FACS_SIZE);
    b.u8(at + 32, 2);                 // version
  }

  /** AML: Name (_S5, Package (0x04) { S5, S5, Zero, Zero }). */
  static byte[] dsdtAml() {
    int s5 = AcpiPm.SLP_TYP_S5;
    return new byte[] {
      0x08, '_', 'S', '5', '_',       // NameOp "_S5_"
      0x12, 0x08, 0x04,               // PackageOp, PkgLength 8, NumElements 4
      0x0A, (byte) s5, 0x0A, (byte) s5, // BytePrefix S5 (PM1a), BytePrefix S5 (PM1b)
      0x00, 0x00                      // ZeroOp, ZeroOp (reserved)
    };
  }

  private static void writeMadt(TableBuffer b, Platform p, long at, int length) {
    header(b, at, "APIC", length, 4);
    b.u32(at + 36, p.lapicBase());
    b.u32(at + 40, 1);                // PCAT_COMPAT: dual 8259 present (masked)
    long e = at + 44;
    for (int cpu = 0; cpu < p.cpus(); cpu++) {
      b.u8(e, 0);                     // Processor Local APIC
      b.u8(e + 1, 8);
      b.u8(e + 2, cpu);               // ACPI processor UID
      b.u8(e + 3, cpu);               // APIC ID
      b.u32(e + 4, 1);                // enabled
      e += 8;
    }
    b.u8(e, 1);                       // I/O APIC
    b.u8(e + 1, 12);
    b.u8(e + 2, p.ioapicId());
    b.u32(e + 4, p.ioapicBase());
    b.u32(e + 8, 0);                  // GSI base
    e += 12;
    e = interruptOverride(b, e, 0, 2, 0);          // IRQ0 (PIT / HPET legacy) -> GSI2
    e = interruptOverride(b, e, p.sciIrq(), p.sciIrq(), 0b1101); // SCI: level, active high
    b.u8(e, 4);                       // Local APIC NMI
    b.u8(e + 1, 6);
    b.u8(e + 2, 0xFF);                // all processors
    b.u16(e + 3, 0);                  // flags: conforms to the bus
    b.u8(e + 5, 1);                   // LINT1
    b.checksum(at, length, at + 9);
  }

  private static long interruptOverride(TableBuffer b, long e, int irq, int gsi, int flags) {
    b.u8(e, 2);
    b.u8(e + 1, 10);
    b.u8(e + 2, 0);                   // bus ISA
    b.u8(e + 3, irq);
    b.u32(e + 4, gsi);
    b.u16(e + 8, flags);
    return e + 10;
  }

  private static void writeHpet(TableBuffer b, Platform p, long at) {
    header(b, at, "HPET", HPET_TABLE_SIZE, 1);
    b.u32(at + 36, p.hpetBlockId() & 0xFFFF_FFFFL);
    gas(b, at + 40, GAS_SYSTEM_MEMORY, 64, 0, p.hpetBase());
    b.u8(at + 52, 0);                 // HPET number
    b.u16(at + 53, 0);                // minimum clock tick in periodic mode: no limit
    b.u8(at + 55, 0);                 // no page protection
    b.checksum(at, HPET_TABLE_SIZE, at + 9);
  }
}
