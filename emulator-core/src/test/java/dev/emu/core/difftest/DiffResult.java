package dev.emu.core.difftest;

/** Final state of one case: a fault vector, or registers + RFLAGS + the scratch window. */
final class DiffResult {
  final boolean fault;
  final int vector;
  final long rflags;
  final long[] regs;
  final byte[] window;
  /** FNV-1a of the whole scratch region after the instruction (0 if unknown). */
  long scratchHash;
  /** For faults: error code (-1 if the vector has none or it is unknown), CR2, RIP in the frame. */
  long errorCode = -1;
  long cr2;
  long faultRip = -1;

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

  static DiffResult fault(int vector, long errorCode, long cr2, long rip, long rflags, long[] regs) {
    DiffResult r = new DiffResult(true, vector, rflags, regs, null);
    r.errorCode = hasErrorCode(vector) ? errorCode : -1;
    r.cr2 = cr2;
    r.faultRip = rip;
    return r;
  }

  /** SDM Vol. 3 Table 6-1: #DF #TS #NP #SS #GP #PF #AC push an error code. */
  static boolean hasErrorCode(int vector) {
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
  }

  static DiffResult state(long rflags, long[] regs, byte[] window) {
    return new DiffResult(false, -1, rflags, regs.clone(), window.clone());
  }

  /** Parses one helper output line; the window starts from the case's initial window. */
  static DiffResult parse(String line, DiffCase c) {
    String[] f = line.trim().split(" ");
    if (f[0].equals("FAULT")) {
      int vector = Integer.parseInt(f[1]);
      if (f.length >= 24) {
        vector = Integer.parseInt(f[3], 16); // the kernel's trapno: the exact hardware vector
        long[] regs = new long[16];
        for (int r = 0; r < 16; r++) {
          regs[r] = Long.parseUnsignedLong(f[8 + r], 16);
        }
        DiffResult r = fault(vector, Long.parseUnsignedLong(f[4], 16), Long.parseUnsignedLong(f[5], 16),
            Long.parseUnsignedLong(f[6], 16), Long.parseUnsignedLong(f[7], 16), regs);
        if (f.length >= 26) {
          r = r.withMemory(applyChanges(c.initialWindow(), f[24]), Long.parseUnsignedLong(f[25], 16));
        }
        return r;
      }
      return fault(vector);
    }
    if (!f[0].equals("OK") || f.length != 20) {
      throw new IllegalStateException("helper said: " + line + " for " + c.describe());
    }
    long flags = Long.parseUnsignedLong(f[1], 16);
    long[] regs = new long[16];
    for (int r = 0; r < 16; r++) {
      regs[r] = Long.parseUnsignedLong(f[2 + r], 16);
    }
    byte[] w = applyChanges(c.initialWindow(), f[18]);
    DiffResult r = new DiffResult(false, -1, flags, regs, w);
    r.scratchHash = Long.parseUnsignedLong(f[19], 16);
    return r;
  }

  /**
   * Same vector: compares the frame's RIP, the error code, for #PF CR2, and the registers and
   * status flags at the fault (all but RSP, which holds the frame in emu and the signal stack on
   * the host): a faulting instruction must leave them as before it (or, for REP string
   * instructions, as after the last completed iteration). The host runs at CPL 3 and emu at
   * CPL 0, so the #PF error code's U/S bit (bit 2) is masked.
   */
  private static String compareFaults(DiffCase c, DiffResult expected, DiffResult actual) {
    StringBuilder sb = new StringBuilder();
    long regMask = c.mode32 ? 0xffff_ffffL : -1L;
    if (expected.regs != null && actual.regs != null) {
      for (int r = 0; r < (c.mode32 ? 8 : 16); r++) {
        if (r != DiffEnv.RSP && ((expected.regs[r] ^ actual.regs[r]) & regMask) != 0) {
          sb.append(String.format("%s at fault: host %016x emu %016x; ", DiffEnv.REG_NAMES[r], expected.regs[r],
              actual.regs[r]));
        }
      }
      long diff = (expected.rflags ^ actual.rflags) & (DiffEnv.STATUS | DiffEnv.DF);
      if (diff != 0) {
        sb.append("flags at fault differ in ").append(DiffEnv.flagNames(diff)).append("; ");
      }
    }
    // memory at the fault: a faulting instruction commits nothing (REP: the completed iterations).
    // 64-bit: emu's frame goes to the rig's IST stack. 32-bit: it goes below the initial ESP (16
    // bytes at most, no privilege change), which is skipped, as is the hash.
    if (expected.window != null && actual.window != null) {
      long frameEnd = (c.regs[DiffEnv.RSP] & 0xffff_ffffL) - DiffEnv.SCRATCH_BASE;
      for (int i = 0; i < DiffEnv.WINDOW; i++) {
        if (c.mode32 && i >= frameEnd - 16 && i < frameEnd) {
          continue;
        }
        if (expected.window[i] != actual.window[i]) {
          sb.append(String.format("mem[+%x] at fault: host %02x emu %02x; ", i, expected.window[i] & 0xff,
              actual.window[i] & 0xff));
        }
      }
      if (!c.mode32 && expected.scratchHash != 0 && actual.scratchHash != 0
          && expected.scratchHash != actual.scratchHash) {
        sb.append("scratch region beyond the window differs at the fault (hash); ");
      }
    }
    if (expected.faultRip >= 0 && actual.faultRip >= 0 && expected.faultRip != actual.faultRip) {
      sb.append(String.format("#%d frame RIP: host %x emu %x; ", expected.vector, expected.faultRip, actual.faultRip));
    }
    if (expected.errorCode >= 0 && actual.errorCode >= 0) {
      long mask = expected.vector == 14 ? ~4L : ~0L;
      if (((expected.errorCode ^ actual.errorCode) & mask) != 0) {
        sb.append(String.format("#%d error code: host %x emu %x; ", expected.vector, expected.errorCode, actual.errorCode));
      }
    }
    if (expected.vector == 14 && expected.faultRip >= 0 && expected.cr2 != actual.cr2) {
      sb.append(String.format("#PF CR2: host %x emu %x; ", expected.cr2, actual.cr2));
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static byte[] applyChanges(byte[] w, String changes) {
    if (!changes.equals("-")) {
      for (String ch : changes.split(",")) {
        int eq = ch.indexOf('=');
        w[Integer.parseInt(ch.substring(0, eq), 16)] = (byte) Integer.parseInt(ch.substring(eq + 1), 16);
      }
    }
    return w;
  }

  /** A copy of this fault result carrying the memory state at the fault. */
  DiffResult withMemory(byte[] window, long hash) {
    DiffResult r = new DiffResult(fault, vector, rflags, regs, window);
    r.errorCode = errorCode;
    r.cr2 = cr2;
    r.faultRip = faultRip;
    r.scratchHash = hash;
    return r;
  }

  /**
   * Null if {@code actual} matches {@code expected} in every SDM-defined respect for case
   * {@code c}; otherwise a human-readable description of the differences.
   */
  static String compare(DiffCase c, DiffResult expected, DiffResult actual) {
    if (expected.fault || actual.fault) {
      if (!expected.fault || !actual.fault || expected.vector != actual.vector) {
        return "fault: host " + (expected.fault ? "#" + expected.vector : "none")
            + ", emu " + (actual.fault ? "#" + actual.vector : "none");
      }
      return compareFaults(c, expected, actual);
    }
    StringBuilder sb = new StringBuilder();
    long regMask = c.mode32 ? 0xffff_ffffL : -1L; // 32-bit mode: EAX..EDI; upper halves undefined
    for (int r = 0; r < (c.mode32 ? 8 : 16); r++) {
      if ((c.undefinedRegs & (1 << r)) != 0) {
        continue;
      }
      if (((expected.regs[r] ^ actual.regs[r]) & regMask) != 0) {
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
      if (expected.scratchHash != 0 && actual.scratchHash != 0 && expected.scratchHash != actual.scratchHash) {
        sb.append("scratch region beyond the window differs (hash); ");
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
