package dev.emu.devices.acpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Walks the built tables like an OS would: RSDP -> XSDT -> each table, checking every checksum. */
class AcpiTablesTest {
  private static final long BASE = 0xE0000;
  private static final AcpiTables.Platform PC = new AcpiTables.Platform(4, 0xFEE00000L, 0, 0xFEC00000L,
      0xFED00000L, 0x8086A201, 0x600, 9, 0xCF9, 0x06);

  private final AcpiTables.Image img = AcpiTables.build(PC, BASE, 0x10000);

  private int u8(long pa) {
    return img.bytes()[(int) (pa - BASE)] & 0xff;
  }

  private int u16(long pa) {
    return u8(pa) | u8(pa + 1) << 8;
  }

  private long u32(long pa) {
    return u16(pa) | (long) u16(pa + 2) << 16;
  }

  private long u64(long pa) {
    return u32(pa) | u32(pa + 4) << 32;
  }

  private String str(long pa, int len) {
    return new String(img.bytes(), (int) (pa - BASE), len, StandardCharsets.US_ASCII);
  }

  private int sum(long pa, long len) {
    int s = 0;
    for (long i = 0; i < len; i++) {
      s += u8(pa + i);
    }
    return s & 0xff;
  }

  private List<Long> xsdtEntries() {
    long xsdt = u64(img.rsdp() + 24);
    List<Long> out = new ArrayList<>();
    for (long off = 36; off < u32(xsdt + 4); off += 8) {
      out.add(u64(xsdt + off));
    }
    return out;
  }

  private long table(String sig) {
    return xsdtEntries().stream().filter(a -> str(a, 4).equals(sig)).findFirst().orElseThrow();
  }

  @Test
  void rsdp_revision2_bothChecksumsValid_pointsToXsdtAndRsdt() {
    long r = img.rsdp();
    assertThat(r & 15).isZero();
    assertThat(str(r, 8)).isEqualTo("RSD PTR ");
    assertThat(u8(r + 15)).isEqualTo(2);
    assertThat(u32(r + 20)).isEqualTo(36);
    assertThat(sum(r, 20)).isZero();
    assertThat(sum(r, 36)).isZero();
    assertThat(str(u64(r + 24), 4)).isEqualTo("XSDT");
    assertThat(str(u32(r + 16), 4)).isEqualTo("RSDT");
  }

  @Test
  void everyTable_hasValidChecksum_andRsdtMatchesXsdt() {
    List<Long> x = xsdtEntries();
    assertThat(x).extracting(a -> str(a, 4)).containsExactly("FACP", "APIC", "HPET");
    long rsdt = u32(img.rsdp() + 16);
    assertThat(sum(rsdt, u32(rsdt + 4))).isZero();
    for (int i = 0; i < x.size(); i++) {
      assertThat(u32(rsdt + 36 + 4L * i)).isEqualTo(x.get(i));
      assertThat(sum(x.get(i), u32(x.get(i) + 4))).as(str(x.get(i), 4)).isZero();
    }
    long xsdt = u64(img.rsdp() + 24);
    assertThat(sum(xsdt, u32(xsdt + 4))).isZero();
    assertThat(sum(img.dsdt(), u32(img.dsdt() + 4))).isZero();
  }

  @Test
  void madt_oneLapicPerCpu_ioapic_overrideIrq0ToGsi2_nmiOnLint1() {
    long m = table("APIC");
    assertThat(u32(m + 36)).isEqualTo(0xFEE00000L);
    assertThat(u32(m + 40) & 1).isEqualTo(1);
    List<Integer> apicIds = new ArrayList<>();
    int ioapics = 0;
    int nmis = 0;
    long irq0Gsi = -1;
    for (long e = m + 44; e < m + u32(m + 4); e += u8(e + 1)) {
      switch (u8(e)) {
        case 0 -> {
          assertThat(u32(e + 4) & 1).isEqualTo(1);
          apicIds.add(u8(e + 3));
        }
        case 1 -> {
          ioapics++;
          assertThat(u32(e + 4)).isEqualTo(0xFEC00000L);
          assertThat(u32(e + 8)).isZero();
        }
        case 2 -> {
          if (u8(e + 3) == 0) {
            irq0Gsi = u32(e + 4);
          }
        }
        case 4 -> {
          nmis++;
          assertThat(u8(e + 2)).isEqualTo(0xFF);
          assertThat(u8(e + 5)).isEqualTo(1);
        }
        default -> throw new AssertionError("unexpected MADT entry type " + u8(e));
      }
    }
    assertThat(apicIds).containsExactly(0, 1, 2, 3);
    assertThat(ioapics).isEqualTo(1);
    assertThat(irq0Gsi).isEqualTo(2);
    assertThat(nmis).isEqualTo(1);
  }

  @Test
  void hpetTable_describesTheBlock() {
    long h = table("HPET");
    assertThat(u32(h + 4)).isEqualTo(56);
    assertThat(u32(h + 36)).isEqualTo(0x8086A201L);
    assertThat(u8(h + 40)).isZero();                   // system memory
    assertThat(u64(h + 44)).isEqualTo(0xFED00000L);
  }

  @Test
  void fadt_revision6_pmBlocksResetRegisterAndDsdtWithS5() {
    long f = table("FACP");
    assertThat(u32(f + 4)).isEqualTo(276);
    assertThat(u8(f + 8)).isGreaterThanOrEqualTo(5);
    assertThat(u16(f + 46)).isEqualTo(9);              // SCI_INT
    assertThat(u32(f + 56)).isEqualTo(0x600);          // PM1a_EVT_BLK
    assertThat(u32(f + 64)).isEqualTo(0x604);          // PM1a_CNT_BLK
    assertThat(u32(f + 76)).isEqualTo(0x608);          // PM_TMR_BLK
    assertThat(u8(f + 88)).isEqualTo(4);
    assertThat(u8(f + 89)).isEqualTo(2);
    assertThat(u8(f + 91)).isEqualTo(4);
    assertThat(u32(f + 112) & (1 << 10)).isNotZero();  // RESET_REG_SUP
    assertThat(u8(f + 116)).isEqualTo(1);              // reset register in I/O space
    assertThat(u64(f + 120)).isEqualTo(0xCF9);
    assertThat(u8(f + 128)).isEqualTo(6);
    assertThat(u64(f + 140)).isEqualTo(img.dsdt());    // X_DSDT
    assertThat(u32(f + 40)).isEqualTo(img.dsdt());
    assertThat(u64(f + 172 + 4)).isEqualTo(0x604);     // X_PM1a_CNT_BLK address
    assertThat(str(u32(f + 36), 4)).isEqualTo("FACS");
    long d = img.dsdt();
    String aml = str(d, (int) u32(d + 4));
    int at = aml.indexOf("_S5_");
    assertThat(at).isGreaterThan(35);
    // NameOp _S5_ PackageOp PkgLength NumElements BytePrefix SLP_TYPa
    assertThat(u8(d + at - 1)).isEqualTo(0x08);
    assertThat(u8(d + at + 4)).isEqualTo(0x12);
    assertThat(u8(d + at + 7)).isEqualTo(0x0A);
    assertThat(u8(d + at + 8)).isEqualTo(AcpiPm.SLP_TYP_S5);
  }

  @Test
  void madt_scalesWithCpuCount() {
    AcpiTables.Platform big = new AcpiTables.Platform(64, 0xFEE00000L, 0, 0xFEC00000L, 0xFED00000L,
        0x8086A201, 0x600, 9, 0xCF9, 6);
    AcpiTables.Image i = AcpiTables.build(big, BASE, 0x10000);
    int lapics = 0;
    long m = i.madt();
    byte[] b = i.bytes();
    long len = (b[(int) (m - BASE) + 4] & 0xff) | (b[(int) (m - BASE) + 5] & 0xff) << 8;
    for (long e = m + 44; e < m + len; e += b[(int) (e - BASE) + 1] & 0xff) {
      if (b[(int) (e - BASE)] == 0) {
        lapics++;
      }
    }
    assertThat(lapics).isEqualTo(64);
  }
}
