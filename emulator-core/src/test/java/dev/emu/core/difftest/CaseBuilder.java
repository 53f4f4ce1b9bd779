package dev.emu.core.difftest;

import java.util.List;
import java.util.Random;

/**
 * Builds one {@link DiffCase}: random initial registers and flags, operand registers and memory
 * references that land inside the scratch window, values biased towards edge cases.
 *
 * <p>8-bit register numbering: in {@code legacy8} mode (no REX byte) codes 4..7 mean AH, CH, DH,
 * BH and every register/base/index is below 8; otherwise codes 4..7 mean SPL..DIL and a REX byte
 * is forced.
 */
final class CaseBuilder {
  final Random rnd;
  final String name;
  final long[] regs = new long[16];
  long flags;
  final long memSeed;
  final boolean legacy8;
  private int reserved = 1 << DiffEnv.RSP;
  private final java.util.ArrayList<long[]> patches = new java.util.ArrayList<>();
  /** Window offset of the memory operand chosen by {@link #mem}, or -1. */
  int memOff = -1;
  private boolean ripPending;
  long definedFlags = DiffEnv.STATUS;
  int undefinedRegs;
  boolean memUndefined;
  /** The instruction has an 8-bit register operand: a REX byte is forced unless legacy8. */
  boolean eightBit;
  /**
   * 32-bit protected/compatibility mode: no REX (40-4F are INC/DEC), registers 0..7 only,
   * [disp32] instead of RIP-relative; a case that needed REX is marked unusable.
   */
  final boolean mode32;
  private boolean needsRex;

  CaseBuilder(Random rnd, String name, boolean legacy8) {
    this(rnd, name, legacy8, false);
  }

  CaseBuilder(Random rnd, String name, boolean legacy8, boolean mode32) {
    this.rnd = rnd;
    this.name = mode32 ? name + " [32-bit mode]" : name;
    this.legacy8 = legacy8 || mode32;
    this.mode32 = mode32;
    for (int r = 0; r < 16; r++) {
      regs[r] = rnd.nextLong();
    }
    regs[DiffEnv.RSP] = DiffEnv.DEFAULT_RSP;
    flags = rnd.nextLong() & DiffEnv.STATUS;
    memSeed = rnd.nextLong();
  }

  static long mask(int size) {
    return size == 64 ? -1L : (1L << size) - 1;
  }

  static long signExtend(long v, int size) {
    return size == 64 ? v : (v << (64 - size)) >> (64 - size);
  }

  /** A value for an operand of {@code size} bits: edge values about 40% of the time. */
  long val(int size) {
    int k = rnd.nextInt(20);
    long signBit = 1L << (size - 1);
    long v;
    switch (k) {
      case 0 -> v = 0;
      case 1 -> v = 1;
      case 2 -> v = -1;
      case 3 -> v = signBit;
      case 4 -> v = signBit - 1;
      case 5 -> v = signBit + 1;
      case 6 -> v = 0x80 | (rnd.nextBoolean() ? 0 : 0x7f);
      case 7 -> v = rnd.nextInt(64);
      case 8 -> v = 1L << rnd.nextInt(size);
      case 9 -> v = -(1L + rnd.nextInt(4));
      case 10, 11 -> v = rnd.nextInt(256);
      default -> v = rnd.nextLong();
    }
    return v & mask(size);
  }

  private boolean free(int r) {
    return (reserved & (1 << r)) == 0;
  }

  void reserve(int r) {
    reserved |= 1 << r;
  }

  /** A register code for a {@code size}-bit operand, not reserved; the register is reserved. */
  int reg(int size) {
    while (true) {
      int code = rnd.nextInt(legacy8 || mode32 ? 8 : 16);
      int phys = physical(code, size);
      if (phys != DiffEnv.RSP && free(phys) && !(size == 8 && !legacy8 && code == 4)) {
        reserve(phys);
        return code;
      }
    }
  }

  /** Like {@link #reg} but may pick a register already used as a data operand (not base/index). */
  int regMaybeSame(int size, int other) {
    if (rnd.nextInt(8) == 0) {
      return other;
    }
    return reg(size);
  }

  int physical(int code, int size) {
    return size == 8 && legacy8 && code >= 4 ? code - 4 : code;
  }

  /** Sets the operand's bits of the register (upper bits keep their random value). */
  void setReg(int code, int size, long value) {
    int phys = physical(code, size);
    if (size == 8 && legacy8 && code >= 4) {
      regs[phys] = (regs[phys] & ~0xff00L) | ((value & 0xff) << 8);
    } else {
      regs[phys] = (regs[phys] & ~mask(size)) | (value & mask(size));
    }
  }

  long getReg(int code, int size) {
    int phys = physical(code, size);
    if (size == 8 && legacy8 && code >= 4) {
      return (regs[phys] >>> 8) & 0xff;
    }
    return regs[phys] & mask(size);
  }

  /**
   * A memory operand addressing window offset {@code off} (random if -1) with a random form:
   * [disp32], [base], [base+disp8/32], [base+index*scale+disp], [index*scale+disp32], [rip+disp32].
   */
  X86Asm.Rm mem(int off) {
    memOff = off >= 0 ? off : 16 + rnd.nextInt(DiffEnv.WINDOW - 48);
    long target = DiffEnv.SCRATCH_BASE + memOff;
    int form = rnd.nextInt(legacy8 && !mode32 ? 5 : 6);
    switch (form) {
      case 0: // absolute [disp32]
        return X86Asm.Rm.mem(-1, -1, 1, target, 4);
      case 1: { // [base]
        int b = baseReg();
        regs[b] = target;
        return X86Asm.Rm.mem(b, -1, 1, 0, 0);
      }
      case 2: { // [base+disp]
        int b = baseReg();
        boolean d8 = rnd.nextBoolean();
        long d = d8 ? rnd.nextInt(256) - 128 : rnd.nextInt(1 << 20) - (1 << 19);
        regs[b] = target - d;
        return X86Asm.Rm.mem(b, -1, 1, d, d8 ? 1 : 4);
      }
      case 3: { // [base+index*scale+disp]
        int b = baseReg();
        int i = indexReg();
        int scale = 1 << rnd.nextInt(4);
        long iv = rnd.nextInt(32) - 8;
        long d = rnd.nextInt(256) - 128;
        regs[i] = iv;
        regs[b] = target - d - iv * scale;
        return X86Asm.Rm.mem(b, i, scale, d, rnd.nextBoolean() ? 1 : 4);
      }
      case 4: { // [index*scale+disp32]
        int i = indexReg();
        int scale = 1 << rnd.nextInt(4);
        long iv = rnd.nextInt(64);
        regs[i] = iv;
        return X86Asm.Rm.mem(-1, i, scale, target - iv * scale, 4);
      }
      default: // [rip+disp32], fixed up by code()
        ripPending = true;
        return X86Asm.Rm.rip(0);
    }
  }

  private int baseReg() {
    while (true) {
      int r = rnd.nextInt(legacy8 || mode32 ? 8 : 16);
      if (r != DiffEnv.RSP && free(r)) {
        reserve(r);
        return r;
      }
    }
  }

  private int indexReg() {
    return baseReg();
  }

  /** Stores a little-endian value into the window (initial memory). */
  void poke(int off, long value, int len) {
    patches.add(new long[] {off, value, len});
  }

  /**
   * Encodes with {@link X86Asm#encode}, fixing a RIP-relative displacement so that it addresses
   * the chosen window offset (the test bytes sit at {@link DiffEnv#TEST_ADDR} on both sides).
   */
  byte[] code(int[] prefixes, boolean rexW, int[] opcode, int regField, X86Asm.Rm rm, long imm, int immSize) {
    boolean forceRex = mode32 ? false : eightBit ? !legacy8 : rnd.nextInt(8) == 0;
    if (mode32 && (rexW || regField >= 8 || (rm != null && (rm.reg >= 8 || rm.base >= 8 || rm.index >= 8)))) {
      needsRex = true;
    }
    byte[] b = X86Asm.encode(prefixes, rexW, forceRex, opcode, regField, rm, imm, immSize);
    if (ripPending && rm != null && rm.ripRel) {
      // in 32-bit mode the same ModRM means [disp32]: an absolute address
      long disp = DiffEnv.SCRATCH_BASE + memOff - (mode32 ? 0 : DiffEnv.TEST_ADDR + b.length);
      b = X86Asm.encode(prefixes, rexW, forceRex, opcode, regField, rm.withDisp(disp), imm, immSize);
    }
    return b;
  }

  DiffCase build(byte[] code, List<DiffCase> out) {
    DiffCase c = new DiffCase(name, code, flags, regs, memSeed);
    for (long[] p : patches) {
      c.patch((int) p[0], p[1], (int) p[2]);
    }
    c.definedFlags = definedFlags;
    c.undefinedRegs = undefinedRegs;
    c.memUndefined = memUndefined;
    c.mode32 = mode32;
    if (!needsRex) {
      out.add(c); // a 32-bit-mode case that would need REX is dropped
    }
    return c;
  }
}
