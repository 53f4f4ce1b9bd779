package dev.emu.core.ff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.cpu.Cpu;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomised differential test: short loops built from allowed and forbidden instructions
 * (loads from RAM and MMIO, stores, rdtsc, locked ops, state-changing and settling register
 * ops), random registers and RAM, IF on or off, a periodic interrupt whose handler changes a
 * polled word, optionally PMU-like counter limits raising NMIs and a second CPU that writes the
 * polled word. Every case runs with fast-forward on and off and must end bit-identical.
 */
class FastForwardFuzzTest {
  private static final long MMIO = FfRig.MMIO;

  @Test
  void randomLoops_onAndOff_areIdentical() {
    Random rnd = new Random(0x5eed_f00dL);
    long skippedTotal = 0;
    int skippedCases = 0;
    for (int n = 0; n < 300; n++) {
      long seed = rnd.nextLong();
      FfRig off = build(seed, false);
      FfRig on = build(seed, true);
      long until = 30_000 + new Random(seed).nextInt(100_000);
      off.scheduler.runUntil(until);
      on.scheduler.runUntil(until);
      for (Cpu c : on.cpus) {
        assertThat(c.lastError()).isNull();
      }
      assertThat(on.snapshot()).as("seed %x", seed).isEqualTo(off.snapshot());
      assertThat(String.join("\n", on.log)).as("seed %x", seed)
          .isEqualTo(String.join("\n", off.log));
      assertThat(off.skippedCycles()).isZero();
      skippedTotal += on.skippedCycles();
      skippedCases += on.skippedCycles() > 0 ? 1 : 0;
    }
    // The generator must exercise fast-forward, not only its refusals.
    assertThat(skippedCases).isGreaterThan(30);
    assertThat(skippedTotal).isPositive();
  }

  private static FfRig build(long seed, boolean ff) {
    Random r = new Random(seed);
    r.nextInt(); // 'until', drawn by the caller from the same seed
    int cpus = r.nextInt(4) == 0 ? 2 : 1;
    FfRig rig = new FfRig(cpus, ff, 1_000 + r.nextInt(30_000));
    for (int i = 0; i < 8; i++) {
      rig.mem.write32(FfRig.DATA + 4L * i, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(3));
    }
    Cpu cpu = rig.cpus[0];
    for (int reg = 0; reg < 16; reg++) {
      if (reg != 4) {
        cpu.setReg(reg, r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(3));
      }
    }
    cpu.setRflags(0x2 | (r.nextBoolean() ? 0x200 : 0) | (r.nextInt(0x100) & 0xd5));
    StringBuilder body = new StringBuilder();
    int len = 0;
    int insns = 1 + r.nextInt(6);
    for (int i = 0; i < insns; i++) {
      String insn = randomInsn(r);
      body.append(insn);
      len += insn.length() / 2;
    }
    int rel = -(len + 2);
    String close = r.nextInt(3) == 0 ? "eb" : String.format("%02x", 0x70 + r.nextInt(16));
    // loop; then: 1: hlt; jmp 1b
    rig.load(FfRig.CODE, body + close + String.format("%02x", rel & 0xff) + "f4ebfd");
    // Tick handler: incl DATA (a word loops poll); iretq.
    rig.load(FfRig.HANDLER, "ff042500000200 48cf");
    rig.setGate(0x20, FfRig.HANDLER);
    rig.periodicInterrupt(1 + r.nextInt(50_000), 1 + r.nextInt(60_000), 0x20);
    if (r.nextBoolean()) {
      rig.load(FfRig.NMI_HANDLER, "48ff042510000200 48cf"); // incq DATA+0x10; iretq
      rig.setGate(2, FfRig.NMI_HANDLER);
      long[] lim = {1 + r.nextInt(40_000), 1 + r.nextInt(20_000)};
      int pu = 1 + r.nextInt(50_000);
      int pi = 1 + r.nextInt(20_000);
      cpu.setCounterLimits(lim[0], lim[1]);
      rig.hosts[0].onCounterLimit = () -> {
        if (cpu.unhaltedCycles() >= lim[0]) {
          lim[0] = cpu.unhaltedCycles() + pu;
        }
        if (cpu.instructionsRetired() >= lim[1]) {
          lim[1] = cpu.instructionsRetired() + pi;
        }
        cpu.setCounterLimits(lim[0], lim[1]);
        cpu.signalNmi();
      };
    }
    if (cpus == 2) {
      // CPU 1: mov $N, %ecx; 1: dec %ecx; jnz 1b; movl $V, DATA; hlt
      int count = 1 + r.nextInt(30_000);
      rig.load(0x14000, String.format("b9%s ffc9 75fc c70425000002%s f4", le32(count),
          "00" + le32(r.nextInt(3))));
      rig.cpus[1].setRip(0x14000);
    }
    return rig;
  }

  private static String le32(int v) {
    return String.format("%02x%02x%02x%02x", v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff,
        (v >>> 24) & 0xff);
  }

  private static String abs(long addr) {
    return le32((int) addr);
  }

  private static int gpr(Random r) {
    int reg = r.nextInt(8);
    return reg == 4 ? 0 : reg; // never rsp
  }

  private static String randomInsn(Random r) {
    int a = gpr(r);
    int b = gpr(r);
    long data = FfRig.DATA + 4L * r.nextInt(8);
    switch (r.nextInt(22)) {
      case 0:
      case 1:
        return "f390"; // pause
      case 2:
        return "90";
      case 3: // mov a32, [data]
        return String.format("8b%02x25%s", 0x04 | a << 3, abs(data));
      case 4: // cmpl $imm8, [data]
        return String.format("833c25%s%02x", abs(data), r.nextInt(3));
      case 5: // test a, b
        return String.format("85%02x", 0xc0 | b << 3 | a);
      case 6: // xor a, a
        return String.format("31%02x", 0xc0 | a << 3 | a);
      case 7: // add a, b (state changes unless b == 0)
        return String.format("01%02x", 0xc0 | b << 3 | a);
      case 8: // mov $imm32, a32
        return String.format("%02x%s", 0xb8 + a, le32(r.nextInt(3)));
      case 9: // inc a
        return String.format("ff%02x", 0xc0 | a);
      case 10: // mov [data], a32 (store)
        return String.format("89%02x25%s", 0x04 | a << 3, abs(data));
      case 11:
        return "0f31"; // rdtsc
      case 12: // lock orl $0, [data]
        return String.format("f0830c25%s00", abs(data));
      case 13: // cmovz a32, [data]
        return String.format("0f44%02x25%s", 0x04 | a << 3, abs(data));
      case 14: // btl $imm, [data]
        return String.format("0fba2425%s%02x", abs(data), r.nextInt(32));
      case 15: // lea 8(b), a
        return String.format("488d%02x08", 0x40 | a << 3 | b);
      case 16: // mov a32, [MMIO]
        return String.format("8b%02x25%s", 0x04 | a << 3, abs(MMIO + 8L * r.nextInt(2)));
      case 17:
        return "f5"; // cmc: flags alternate while registers stay
      case 18: // adc a, b
        return String.format("11%02x", 0xc0 | b << 3 | a);
      case 19:
        return r.nextBoolean() ? "9e" : "9f"; // sahf / lahf
      case 20:
        return r.nextBoolean() ? "f8" : "f9"; // clc / stc
      default: // cmp a, b
        return String.format("39%02x", 0xc0 | b << 3 | a);
    }
  }
}
