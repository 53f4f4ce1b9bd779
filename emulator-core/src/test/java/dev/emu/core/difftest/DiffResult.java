package dev.emu.core.difftest;

/** Final state of one case: a fault vector, or registers + RFLAGS + the scratch window. */
final class DiffResult {
  final boolean fault;
  final int vector;
  final long rflags;
  final long[] regs;
  final byte[] window;

  private DiffResult(boolean fault, int vector, long rflags, long[] regs, byte[] window) {
    this.fault = fault;
    this.vector = vector;
    this.rflags = rflags;
    this.regs = regs;
    this.window = window;
  }

  static DiffResult fault(int vector) {
    return new DiffResult(true, vector, 0, null, null);
  }

  static DiffResult state(long rflags, long[] regs, byte[] window) {
    return new DiffResult(false, -1, rflags, regs.clone(), window.clone());
  }

  /** Parses one helper output line; the window starts from the case's initial window. */
  static DiffResult parse(String line, DiffCase c) {
    String[] f = line.trim().split(" ");
    if (f[0].equals("FAULT")) {
      return fault(Integer.parseInt(f[1]));
    }
    if (!f[0].equals("OK") || f.length != 19) {
      throw new IllegalStateException("helper said: " + line + " for " + c.describe());
    }
    long flags = Long.parseUnsignedLong(f[1], 16);
    long[] regs = new long[16];
    for (int r = 0; r < 16; r++) {
      regs[r] = Long.parseUnsignedLong(f[2 + r], 16);
    }
    byte[] w = c.initialWindow();
    if (!f[18].equals("-")) {
      for (String ch : f[18].split(",")) {
        int eq = ch.indexOf('=');
        w[Integer.parseInt(ch.substring(0, eq), 16)] = (byte) Integer.parseInt(ch.substring(eq + 1), 16);
      }
    }
    return new DiffResult(false, -1, flags, regs, w);
  }

  /**
   * Null if {@code actual} matches {@code expected} in every SDM-defined respect for case
   * {@code c}; otherwise a human-readable description of the differences.
   */
  static String compare(DiffCase c, DiffResult expected, DiffResult actual) {
    if (expected.fault || actual.fault) {
      if (expected.fault && actual.fault && expected.vector == actual.vector) {
        return null;
      }
      return "fault: host " + (expected.fault ? "#" + expected.vector : "none")
          + ", emu " + (actual.fault ? "#" + actual.vector : "none");
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < 16; r++) {
      if ((c.undefinedRegs & (1 << r)) != 0) {
        continue;
      }
      if (expected.regs[r] != actual.regs[r]) {
        sb.append(String.format("%s: host %016x emu %016x; ", DiffEnv.REG_NAMES[r], expected.regs[r], actual.regs[r]));
      }
    }
    long mask = c.definedFlags | DiffEnv.DF;
    long diff = (expected.rflags ^ actual.rflags) & mask;
    if (diff != 0) {
      sb.append("flags ").append(DiffEnv.flagNames(diff)).append(" differ: host ")
          .append(DiffEnv.flagNames(expected.rflags & mask)).append(" emu ")
          .append(DiffEnv.flagNames(actual.rflags & mask)).append(" (compared ")
          .append(DiffEnv.flagNames(mask)).append("); ");
    }
    if (!c.memUndefined) {
      for (int i = 0; i < DiffEnv.WINDOW; i++) {
        if (expected.window[i] != actual.window[i]) {
          sb.append(String.format("mem[+%x]: host %02x emu %02x; ", i, expected.window[i] & 0xff, actual.window[i] & 0xff));
        }
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
