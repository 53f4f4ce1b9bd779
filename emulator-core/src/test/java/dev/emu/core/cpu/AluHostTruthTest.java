package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ALU table test: every row of alu-host-truth.txt is one instruction with edge-value operands
 * whose results were produced by executing the same instruction natively on an x86-64 host
 * (registers RAX..RDX and the SDM-defined flags; undefined flags are masked). Each row runs as
 * {@code mov imm64 -> rax/rbx/rcx/rdx; push flags; popfq; <insn>; pushfq; pop r8; hlt}.
 */
class AluHostTruthTest {
  @Test
  void everyRow_matchesHostCpu() throws Exception {
    CpuRig rig = new CpuRig();
    List<String> failures = new ArrayList<>();
    int n = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        AluHostTruthTest.class.getResourceAsStream("alu-host-truth.txt"), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        n++;
        String[] f = line.split("\\|");
        long[] v = new long[11];
        for (int i = 0; i < 11; i++) {
          v[i] = Long.parseUnsignedLong(f[2 + i], 16);
        }
        StringBuilder code = new StringBuilder();
        code.append("48b8").append(le64(v[0]));
        code.append("48bb").append(le64(v[1]));
        code.append("48b9").append(le64(v[2]));
        code.append("48ba").append(le64(v[3]));
        code.append("68").append(le64(v[4]), 0, 8).append("9d");
        code.append(f[0]);
        code.append("9c4158f4");
        rig.cpu.enterLongModeFlat(rig.cpu.cr3());
        rig.cpu.setReg(4, CpuRig.STACK);
        rig.run(code.toString());
        long mask = v[5];
        long[] got = {rig.reg(0), rig.reg(3), rig.reg(1), rig.reg(2), rig.reg(8) & mask};
        long[] want = {v[6], v[7], v[8], v[9], v[10]};
        for (int i = 0; i < 5; i++) {
          if (got[i] != want[i]) {
            failures.add(String.format("%s in=%s: %s got %x want %x", f[1],
                String.join(",", f[2], f[3], f[4], f[5], f[6]),
                new String[] {"rax", "rbx", "rcx", "rdx", "flags"}[i], got[i], want[i]));
          }
        }
      }
    }
    assertThat(n).isGreaterThan(1000);
    assertThat(failures).as("mismatches vs host CPU").isEmpty();
  }

  private static String le64(long v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      sb.append(String.format("%02x", (v >>> (8 * i)) & 0xff));
    }
    return sb.toString();
  }
}
