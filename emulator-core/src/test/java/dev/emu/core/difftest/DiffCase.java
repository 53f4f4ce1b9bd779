package dev.emu.core.difftest;

import java.util.ArrayList;
import java.util.List;

/**
 * One instruction test: bytes, initial state, and what the SDM defines about the outcome.
 *
 * <p>{@code definedFlags} lists the status flags the SDM defines for this instruction with these
 * operands (including "unaffected", which is defined); the others are masked in the comparison.
 * {@code undefinedRegs} is a bitmask of GPRs whose final value the SDM leaves undefined (BSF/BSR
 * with a zero source); {@code memUndefined} masks the scratch window (SHLD/SHRD 16-bit count &gt;
 * 16 on a memory destination).
 */
final class DiffCase {
  final String name;
  final byte[] code;
  /** Bytes emu runs instead of {@link #code}, when the emulated CPU must differ from the host (TZCNT as BSF). */
  byte[] emuCode;
  /**
   * RFLAGS bits emu starts with in addition to {@link #rflags}: IF for PUSHFQ, because the host
   * helper runs in user mode where IF is always 1 (and cannot be cleared), while the pushed image
   * is compared byte for byte.
   */
  long emuRflagsOr;
  /** Runs in 32-bit mode (host: compatibility mode; emu: protected mode without paging). */
  boolean mode32;
  /** Extra description (e.g. the mnemonics of an instruction chain). */
  String detail = "";
  final long rflags;
  final long[] regs;
  final long memSeed;
  final List<long[]> patches = new ArrayList<>(); // {offset, value, length}
  long definedFlags = DiffEnv.STATUS;
  int undefinedRegs;
  boolean memUndefined;

  DiffCase(String name, byte[] code, long rflags, long[] regs, long memSeed) {
    this.name = name;
    this.code = code;
    this.rflags = rflags & DiffEnv.SETTABLE;
    this.regs = regs.clone();
    this.memSeed = memSeed;
  }

  /** Stores {@code len} bytes of {@code value} little-endian at scratch offset {@code off}. */
  void patch(int off, long value, int len) {
    patches.add(new long[] {off, value, len});
  }

  byte[] initialWindow() {
    return java.util.Arrays.copyOf(initialScratch(), DiffEnv.WINDOW);
  }

  /** The whole scratch region before the instruction: seed fill, then the patches. */
  byte[] initialScratch() {
    byte[] w = DiffEnv.fillScratch(memSeed);
    for (long[] p : patches) {
      for (int i = 0; i < p[2]; i++) {
        w[(int) p[0] + i] = (byte) (p[1] >>> (8 * i));
      }
    }
    return w;
  }

  /** The helper's input line (see difftest_host.c). */
  String toLine() {
    StringBuilder sb = new StringBuilder(DiffEnv.hex(code));
    sb.append(' ').append(Long.toHexString(rflags));
    for (long r : regs) {
      sb.append(' ').append(Long.toHexString(r));
    }
    sb.append(' ').append(Long.toHexString(memSeed)).append(' ');
    if (patches.isEmpty()) {
      sb.append('-');
    } else {
      for (int i = 0; i < patches.size(); i++) {
        long[] p = patches.get(i);
        byte[] b = new byte[(int) p[2]];
        for (int k = 0; k < b.length; k++) {
          b[k] = (byte) (p[1] >>> (8 * k));
        }
        sb.append(i == 0 ? "" : ",").append(Long.toHexString(p[0])).append('=').append(DiffEnv.hex(b));
      }
    }
    if (mode32) {
      sb.append(" 32");
    }
    return sb.toString();
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(name).append(detail.isEmpty() ? "" : " (" + detail + ")").append("  bytes=").append(DiffEnv.hex(code)).append("  rflags=")
        .append(DiffEnv.flagNames(rflags)).append('\n');
    for (int r = 0; r < 16; r++) {
      sb.append(String.format("  %s=%016x", DiffEnv.REG_NAMES[r], regs[r]));
      if (r % 4 == 3) {
        sb.append('\n');
      }
    }
    sb.append("  memSeed=").append(Long.toHexString(memSeed));
    for (long[] p : patches) {
      sb.append(String.format(" [+%x]=%x/%d", p[0], p[1], p[2]));
    }
    return sb.toString();
  }
}
