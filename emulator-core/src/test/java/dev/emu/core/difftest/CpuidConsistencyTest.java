package dev.emu.core.difftest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Instructions agree with what emu's CPUID advertises (SDM Vol. 2, each instruction's "#UD If
 * CPUID.xx.FEATURE[bit] = 0"): an instruction whose feature bit is clear raises #UD, one whose bit
 * is set does not. Expected values come from the SDM and emu's own CPUID leaves as the guest reads
 * them (by executing CPUID), not from the interpreter's implementation.
 */
class CpuidConsistencyTest {
  /** leaf, sub-leaf, register (0 EAX, 1 EBX, 2 ECX, 3 EDX), bit, name, bytes (rbx -> window). */
  private record Probe(int leaf, int reg, int bit, String name, String hex) {}

  private static final List<Probe> PROBES = List.of(
      new Probe(1, 2, 22, "MOVBE", "0f38f003"), // movbe eax,[rbx]
      new Probe(1, 2, 20, "SSE4.2 CRC32", "f20f38f1c1"), // crc32 eax,ecx
      new Probe(1, 2, 23, "POPCNT", "f30fb8c1"), // popcnt eax,ecx
      new Probe(1, 2, 30, "RDRAND", "0fc7f0"), // rdrand eax
      new Probe(1, 2, 13, "CMPXCHG16B", "480fc70b"), // cmpxchg16b [rbx]
      new Probe(1, 3, 25, "SSE (MOVAPS)", "0f28c1"), // movaps xmm0,xmm1
      new Probe(1, 3, 26, "SSE2 (PXOR)", "660fefc1"), // pxor xmm0,xmm1
      new Probe(1, 3, 19, "CLFLUSH", "0fae3b"), // clflush [rbx]
      new Probe(7, 1, 3, "BMI1 ANDN", "c4e278f2c1"), // andn eax,eax,ecx
      new Probe(7, 1, 8, "BMI2 SHLX", "c4e279f7c1"), // shlx eax,ecx,eax
      new Probe(7, 1, 18, "RDSEED", "0fc7f8"), // rdseed eax
      new Probe(7, 1, 19, "ADX ADCX", "660f38f6c1"), // adcx eax,ecx
      new Probe(0x8000_0001, 2, 0, "LAHF/SAHF in 64-bit mode", "9f"),
      new Probe(0x8000_0001, 2, 5, "LZCNT", "f30fbdc1"),
      new Probe(0x8000_0001, 3, 27, "RDTSCP", "0f01f9"));

  @Test
  void instructions_raiseUdExactlyWhenTheirCpuidFeatureBitIsClear() {
    EmuExecutor emu = new EmuExecutor();
    long maxBasic = emu.cpuid(0, 0)[0] & 0xffff_ffffL;
    long maxExt = emu.cpuid(0x8000_0000, 0)[0] & 0xffff_ffffL;
    List<String> wrong = new ArrayList<>();
    for (Probe p : PROBES) {
      boolean leafExists = p.leaf() >= 0x8000_0000 ? (p.leaf() & 0xffff_ffffL) <= maxExt : p.leaf() <= maxBasic;
      boolean advertised = leafExists && (emu.cpuid(p.leaf(), 0)[p.reg()] & (1L << p.bit())) != 0;
      long[] regs = new long[16];
      regs[3] = DiffEnv.SCRATCH_BASE + 64; // 16-byte aligned, inside the window
      regs[4] = DiffEnv.DEFAULT_RSP;
      byte[] code = new byte[p.hex().length() / 2];
      for (int i = 0; i < code.length; i++) {
        code[i] = (byte) Integer.parseInt(p.hex().substring(2 * i, 2 * i + 2), 16);
      }
      DiffResult r = emu.run(new DiffCase(p.name(), code, 0, regs, 1));
      boolean ud = r.fault && r.vector == 6;
      if (advertised == ud) {
        wrong.add(String.format("%s (%s): CPUID %s it, but the instruction %s", p.name(), p.hex(),
            advertised ? "advertises" : "does not advertise", ud ? "raised #UD" : "did not raise #UD"
                + (r.fault ? " (raised #" + r.vector + ")" : "")));
      }
    }
    assertThat(wrong).as("instructions inconsistent with CPUID").isEmpty();
  }
}
