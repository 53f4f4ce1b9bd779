package dev.emu.core.difftest;

/**
 * The fixed environment every differential case runs in, identical on the host helper
 * (src/test/native/difftest_host.c) and in emu: code at {@link #TEST_ADDR}, a scratch window at
 * {@link #SCRATCH_BASE} filled from a splitmix64 stream, RSP inside the window (never a plain
 * data operand: templates use it only as the stack pointer).
 */
final class DiffEnv {
  static final long CODE_BASE = 0x100000L;
  static final long TEST_ADDR = CODE_BASE + 0x800;
  static final long SCRATCH_BASE = 0x200000L;
  static final int WINDOW = 512;
  /** GS base on both sides (host: arch_prctl; emu: IA32_GS_BASE), for GS-relative operands. */
  static final long GS_BASE = SCRATCH_BASE + 0x100;
  /** Whole scratch region: initialised from the seed, compared by hash. */
  static final int SCRATCH_SIZE = 0x3000;
  /** The page after the scratch region: unmapped on the host and in emu, for #PF cases. */
  static final long UNMAPPED_PAGE = SCRATCH_BASE + SCRATCH_SIZE;
  /** RSP of every case unless a template sets it: the top of the window (pushes land inside). */
  static final long DEFAULT_RSP = SCRATCH_BASE + WINDOW - 64;

  static final long CF = 1L;
  static final long PF = 1L << 2;
  static final long AF = 1L << 4;
  static final long ZF = 1L << 6;
  static final long SF = 1L << 7;
  static final long IF = 1L << 9;
  static final long DF = 1L << 10;
  static final long OF = 1L << 11;
  /** The six arithmetic status flags. */
  static final long STATUS = CF | PF | AF | ZF | SF | OF;
  /** Flags a case may set initially (user mode cannot set TF/IF/AC safely). */
  static final long SETTABLE = STATUS | DF;

  static final int RSP = 4;
  static final String[] REG_NAMES = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"
  };

  private DiffEnv() {}

  /** Same generator as the C helper: successive splitmix64 outputs, little-endian. */
  static byte[] fillWindow(long seed) {
    return java.util.Arrays.copyOf(fillScratch(seed), WINDOW);
  }

  static long fnv(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  static byte[] fillScratch(long seed) {
    byte[] w = new byte[SCRATCH_SIZE];
    long st = seed;
    for (int i = 0; i < w.length; i += 8) {
      st += 0x9e3779b97f4a7c15L;
      long z = st;
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      z = z ^ (z >>> 31);
      for (int b = 0; b < 8; b++) {
        w[i + b] = (byte) (z >>> (8 * b));
      }
    }
    return w;
  }

  static String flagNames(long f) {
    StringBuilder sb = new StringBuilder();
    String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF"};
    for (int i = 0; i < names.length; i++) {
      if (!names[i].isEmpty() && (f & (1L << i)) != 0) {
        sb.append(sb.length() == 0 ? "" : "|").append(names[i]);
      }
    }
    return sb.length() == 0 ? "-" : sb.toString();
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    return sb.toString();
  }
}
