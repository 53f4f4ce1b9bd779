package dev.emu.core.cpu;

import java.nio.charset.StandardCharsets;

/**
 * CPUID leaves. emu claims to be a GenuineIntel family 6 model 0x5E stepping 3 (the Skylake
 * client signature, SDM vol. 4 table 2-1: 06_5EH) and advertises only what the interpreter
 * implements: no x87/SSE (FPU bit off), no SYSENTER, no MTRR/MCE/PSE36; TSC, MSR, PAE, CX8, APIC,
 * PGE, CMOV, PAT, CLFSH, CX16, POPCNT, x2APIC and TSC-deadline (per {@link CpuModel}), LAHF/SAHF,
 * LZCNT, SYSCALL, NX, RDTSCP, LM, invariant TSC, perfmon v2 (per {@link CpuModel#pmu()}).
 */
final class Cpuid {
  private Cpuid() {}

  static final int MAX_BASIC = 0x16;
  static final int MAX_EXTENDED = 0x8000_0008;
  static final int SIGNATURE = 0x0005_06E3;

  // Leaf 1 EDX
  static final int D_TSC = 1 << 4;
  static final int D_MSR = 1 << 5;
  static final int D_PAE = 1 << 6;
  static final int D_CX8 = 1 << 8;
  static final int D_APIC = 1 << 9;
  static final int D_PGE = 1 << 13;
  static final int D_CMOV = 1 << 15;
  static final int D_PAT = 1 << 16;
  static final int D_CLFSH = 1 << 19;
  // Leaf 1 ECX
  static final int C_CX16 = 1 << 13;
  static final int C_X2APIC = 1 << 21;
  static final int C_POPCNT = 1 << 23;
  static final int C_TSC_DEADLINE = 1 << 24;
  // Leaf 0x80000001
  static final int XC_LAHF = 1;
  static final int XC_LZCNT = 1 << 5;
  static final int XD_SYSCALL = 1 << 11;
  static final int XD_NX = 1 << 20;
  static final int XD_RDTSCP = 1 << 27;
  static final int XD_LM = 1 << 29;

  static String brand(CpuModel model) {
    long mhz = model.frequencyHz() / 1_000_000;
    String ghz = String.format("%d.%02dGHz", mhz / 1000, (mhz % 1000) / 10);
    return "emu virtual CPU @ " + ghz;
  }

  /** Fills out[0..3] = EAX, EBX, ECX, EDX. */
  static void query(CpuModel model, int apicId, int cpuCount, int leaf, int sub, int[] out) {
    int a = 0;
    int b = 0;
    int c = 0;
    int d = 0;
    switch (leaf) {
      case 0:
        a = MAX_BASIC;
        b = 0x756e_6547; // "Genu"
        d = 0x4965_6e69; // "ineI"
        c = 0x6c65_746e; // "ntel"
        break;
      case 1:
        a = SIGNATURE;
        b = (apicId << 24) | (Math.max(1, Math.min(cpuCount, 255)) << 16) | (8 << 8);
        c = C_CX16 | C_POPCNT | (model.x2apic() ? C_X2APIC : 0)
            | (model.tscDeadline() ? C_TSC_DEADLINE : 0);
        d = D_TSC | D_MSR | D_PAE | D_CX8 | D_APIC | D_PGE | D_CMOV | D_PAT | D_CLFSH;
        break;
      case 0xA:
        if (model.pmu()) {
          a = 2 | (4 << 8) | (48 << 16) | (7 << 24);
          b = 0; // all seven architectural events available
          d = 3 | (48 << 5);
        }
        break;
      case 0xB:
        if (sub == 0) {
          a = 0;
          b = 1;
          c = (1 << 8) | sub;
        } else if (sub == 1) {
          a = 8;
          b = Math.max(1, cpuCount);
          c = (2 << 8) | sub;
        } else {
          c = sub;
        }
        d = apicId;
        break;
      case 0x15:
        a = 1;
        b = 1;
        c = (int) Math.min(model.frequencyHz(), 0xffff_ffffL);
        break;
      case 0x16: {
        int mhz = (int) (model.frequencyHz() / 1_000_000);
        a = mhz;
        b = mhz;
        c = 100;
        break;
      }
      case 0x8000_0000:
        a = MAX_EXTENDED;
        break;
      case 0x8000_0001:
        c = XC_LAHF | XC_LZCNT;
        d = XD_SYSCALL | XD_NX | XD_RDTSCP | XD_LM;
        break;
      case 0x8000_0002:
      case 0x8000_0003:
      case 0x8000_0004: {
        byte[] s = new byte[48];
        byte[] name = brand(model).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, s, 0, Math.min(47, name.length));
        int base = (leaf - 0x8000_0002) * 16;
        a = le(s, base);
        b = le(s, base + 4);
        c = le(s, base + 8);
        d = le(s, base + 12);
        break;
      }
      case 0x8000_0007:
        d = 1 << 8; // invariant TSC
        break;
      case 0x8000_0008:
        a = 39 | (48 << 8);
        break;
      default:
        break;
    }
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
  }

  private static int le(byte[] s, int i) {
    return (s[i] & 0xff) | (s[i + 1] & 0xff) << 8 | (s[i + 2] & 0xff) << 16 | (s[i + 3] & 0xff) << 24;
  }
}
