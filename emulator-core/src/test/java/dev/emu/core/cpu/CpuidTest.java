package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CPUID leaves as executed by the guest (bit positions from SDM vol. 2A, CPUID). */
class CpuidTest {
  private static long[] cpuid(CpuModel model, int leaf, int sub) {
    CpuRig r = new CpuRig(model);
    r.cpu.setReg(0, leaf);
    r.cpu.setReg(1, sub);
    r.run("0fa2f4"); // cpuid; hlt
    return new long[] {r.reg(0), r.reg(3), r.reg(1), r.reg(2)};
  }

  private static String ascii(long... regs) {
    ByteBuffer b = ByteBuffer.allocate(4 * regs.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : regs) {
      b.putInt((int) v);
    }
    return new String(b.array(), StandardCharsets.US_ASCII).replace("\0", "");
  }

  @Test
  void leaf0_vendorGenuineIntel() {
    long[] r = cpuid(CpuModel.defaults(), 0, 0);
    assertThat(ascii(r[1], r[3], r[2])).isEqualTo("GenuineIntel");
    assertThat(r[0]).isEqualTo(0x16);
  }

  @Test
  void leaf1_signatureAndOnlyImplementedFeatures() {
    long[] r = cpuid(CpuModel.defaults(), 1, 0);
    assertThat(r[0]).isEqualTo(0x506e3);
    long edx = r[3];
    assertThat(edx & 1).as("FPU: no x87 emulated").isZero();
    assertThat(edx & (1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 9 | 1 << 13 | 1 << 15))
        .isEqualTo(1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 9 | 1 << 13 | 1 << 15);
    assertThat(edx & (1 << 25 | 1 << 26 | 1 << 23 | 1 << 24 | 1 << 11)).as("no SSE/MMX/FXSR/SEP").isZero();
    long ecx = r[2];
    assertThat(ecx & (1 << 13)).as("CX16").isNotZero();
    assertThat(ecx & (1 << 21)).as("x2APIC").isNotZero();
    assertThat(ecx & (1 << 24)).as("TSC deadline").isNotZero();
    assertThat(ecx & (1 << 0 | 1 << 9 | 1 << 19 | 1 << 20 | 1 << 28 | 1 << 30 | 1 << 31)).isZero();
    long[] off = cpuid(new CpuModel(1_000_000_000L, false, false, false), 1, 0);
    assertThat(off[2] & (1 << 21 | 1 << 24)).isZero();
  }

  @Test
  void leafA_perfmonV2_onlyWithPmu() {
    long[] r = cpuid(CpuModel.defaults(), 0xa, 0);
    assertThat(r[0] & 0xff).isEqualTo(2);
    assertThat((r[0] >> 8) & 0xff).isEqualTo(4);
    assertThat((r[0] >> 16) & 0xff).isEqualTo(48);
    assertThat(r[3] & 0x1f).isEqualTo(3);
    assertThat((r[3] >> 5) & 0xff).isEqualTo(48);
    long[] off = cpuid(new CpuModel(2_000_000_000L, false, true, true), 0xa, 0);
    assertThat(off).containsOnly(0L);
    // PDCM (IA32_PERF_CAPABILITIES present) follows the PMU: the guest then uses full-width writes
    assertThat(cpuid(CpuModel.defaults(), 1, 0)[2] & (1 << 15)).as("PDCM with PMU").isNotZero();
    assertThat(cpuid(new CpuModel(2_000_000_000L, false, true, true), 1, 0)[2] & (1 << 15))
        .as("no PDCM without PMU").isZero();
  }

  @Test
  void brandString_andFrequencyLeaves() {
    long[] a = cpuid(CpuModel.defaults(), 0x8000_0002, 0);
    long[] b = cpuid(CpuModel.defaults(), 0x8000_0003, 0);
    long[] c = cpuid(CpuModel.defaults(), 0x8000_0004, 0);
    String brand = ascii(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2], c[3]);
    assertThat(brand).isEqualTo("emu virtual CPU @ 2.00GHz");
    long[] f = cpuid(CpuModel.defaults(), 0x16, 0);
    assertThat(f[0]).isEqualTo(2000);
    long[] t = cpuid(CpuModel.defaults(), 0x15, 0);
    assertThat(t[2] * t[1] / t[0]).isEqualTo(2_000_000_000L);
    long[] inv = cpuid(CpuModel.defaults(), 0x8000_0007, 0);
    assertThat(inv[3] & (1 << 8)).as("invariant TSC").isNotZero();
    long[] ext = cpuid(CpuModel.defaults(), 0x8000_0001, 0);
    assertThat(ext[3] & (1L << 29 | 1L << 20)).as("LM, NX").isEqualTo(1L << 29 | 1L << 20);
  }
}
