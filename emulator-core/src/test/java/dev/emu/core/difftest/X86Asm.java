package dev.emu.core.difftest;

import java.io.ByteArrayOutputStream;

/**
 * A tiny x86-64 encoder for test templates: legacy prefixes, 66/67, REX, opcode, ModRM/SIB,
 * displacement and immediate. Not a general assembler: the template supplies the opcode bytes.
 */
final class X86Asm {
  /** A ModRM r/m operand: a register (mod=11) or a memory reference. */
  static final class Rm {
    final boolean isReg;
    final int reg;
    final int base; // -1 none
    final int index; // -1 none
    final int scale; // 1,2,4,8
    final long disp;
    final int dispSize; // 0, 1, 4
    final boolean ripRel;

    private Rm(boolean isReg, int reg, int base, int index, int scale, long disp, int dispSize, boolean ripRel) {
      this.isReg = isReg;
      this.reg = reg;
      this.base = base;
      this.index = index;
      this.scale = scale;
      this.disp = disp;
      this.dispSize = dispSize;
      this.ripRel = ripRel;
    }

    static Rm reg(int r) {
      return new Rm(true, r, -1, -1, 1, 0, 0, false);
    }

    static Rm mem(int base, int index, int scale, long disp, int dispSize) {
      return new Rm(false, -1, base, index, scale, disp, dispSize, false);
    }

    static Rm rip(long disp) {
      return new Rm(false, -1, -1, -1, 1, disp, 4, true);
    }

    Rm withDisp(long d) {
      return new Rm(isReg, reg, base, index, scale, d, dispSize, ripRel);
    }
  }

  private X86Asm() {}

  /**
   * Encodes one instruction.
   *
   * @param prefixes legacy prefixes in order (F0/F2/F3/66/67...), emitted before REX
   * @param rexW     REX.W
   * @param forceRex emit a REX byte even if no bit is set (byte registers SPL..DIL)
   * @param opcode   opcode bytes (for +r opcodes the caller adds reg&7 and passes regField as -1
   *                 and the register as rm)
   * @param regField ModRM.reg (register number 0..15 or /digit); -1 for no ModRM
   */
  static byte[] encode(int[] prefixes, boolean rexW, boolean forceRex, int[] opcode, int regField, Rm rm,
      long imm, int immSize) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int p : prefixes) {
      o.write(p);
    }
    int rex = 0;
    if (rexW) {
      rex |= 8;
    }
    if (regField >= 8) {
      rex |= 4;
    }
    if (rm != null) {
      if (rm.isReg && rm.reg >= 8) {
        rex |= 1;
      }
      if (!rm.isReg && rm.index >= 8) {
        rex |= 2;
      }
      if (!rm.isReg && rm.base >= 8) {
        rex |= 1;
      }
    }
    if (rex != 0 || forceRex) {
      o.write(0x40 | rex);
    }
    for (int b : opcode) {
      o.write(b);
    }
    if (regField >= 0) {
      writeModRm(o, regField & 7, rm);
    }
    for (int i = 0; i < immSize; i++) {
      o.write((int) (imm >>> (8 * i)));
    }
    return o.toByteArray();
  }

  private static void writeModRm(ByteArrayOutputStream o, int reg, Rm rm) {
    if (rm.isReg) {
      o.write(0xc0 | reg << 3 | (rm.reg & 7));
      return;
    }
    if (rm.ripRel) {
      o.write(reg << 3 | 5);
      writeDisp(o, rm.disp, 4);
      return;
    }
    int ss = Integer.numberOfTrailingZeros(rm.scale);
    if (rm.base < 0) {
      // [index*scale + disp32] or [disp32] via SIB with base=101, mod=00
      o.write(reg << 3 | 4);
      o.write(ss << 6 | (rm.index < 0 ? 4 : rm.index & 7) << 3 | 5);
      writeDisp(o, rm.disp, 4);
      return;
    }
    int dispSize = rm.dispSize;
    if (dispSize == 0 && (rm.base & 7) == 5) {
      dispSize = 1; // [rbp]/[r13] need a displacement
    }
    int mod = dispSize == 0 ? 0 : dispSize == 1 ? 1 : 2;
    if (rm.index >= 0 || (rm.base & 7) == 4) {
      o.write(mod << 6 | reg << 3 | 4);
      o.write(ss << 6 | (rm.index < 0 ? 4 : rm.index & 7) << 3 | (rm.base & 7));
    } else {
      o.write(mod << 6 | reg << 3 | (rm.base & 7));
    }
    writeDisp(o, rm.disp, dispSize);
  }

  private static void writeDisp(ByteArrayOutputStream o, long disp, int size) {
    for (int i = 0; i < size; i++) {
      o.write((int) (disp >>> (8 * i)));
    }
  }
}
