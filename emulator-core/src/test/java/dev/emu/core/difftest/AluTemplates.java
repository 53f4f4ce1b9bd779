package dev.emu.core.difftest;

import static dev.emu.core.difftest.DiffEnv.AF;
import static dev.emu.core.difftest.DiffEnv.CF;
import static dev.emu.core.difftest.DiffEnv.OF;
import static dev.emu.core.difftest.DiffEnv.PF;
import static dev.emu.core.difftest.DiffEnv.SF;
import static dev.emu.core.difftest.DiffEnv.STATUS;
import static dev.emu.core.difftest.DiffEnv.ZF;

import dev.emu.core.difftest.X86Asm.Rm;
import java.util.List;
import java.util.Random;

/**
 * Arithmetic, logic, shift/rotate, multiply/divide instruction templates. Each family's flag mask
 * cites the "Flags Affected" section of its Intel SDM Vol. 2 page (order 325383, 2023 edition).
 */
final class AluTemplates {
  static final int[] SIZES = {8, 16, 32, 64};
  private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
  private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
  private static final int[] COUNTS = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255};

  final Random rnd;
  final List<DiffCase> out;
  final int n;
  /** Generate for 32-bit mode (64-bit operand size and REX forms are dropped). */
  final boolean mode32;

  AluTemplates(Random rnd, List<DiffCase> out, int n) {
    this(rnd, out, n, false);
  }

  AluTemplates(Random rnd, List<DiffCase> out, int n, boolean mode32) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
    this.mode32 = mode32;
  }

  CaseBuilder begin(String name, int size) {
    return begin(name, size, true);
  }

  /** legacyOk: false when the instruction has REX.W, so AH..BH cannot be encoded. */
  CaseBuilder begin(String name, int size, boolean legacyOk) {
    CaseBuilder b = new CaseBuilder(rnd, name, legacyOk && size == 8 && rnd.nextBoolean(), mode32);
    b.eightBit = size == 8;
    return b;
  }

  static int[] prefixes(int size, int... extra) {
    int[] p = new int[extra.length + (size == 16 ? 1 : 0)];
    System.arraycopy(extra, 0, p, 0, extra.length);
    if (size == 16) {
      p[extra.length] = 0x66;
    }
    return p;
  }

  static int immBytes(int size) {
    return size == 8 ? 1 : size == 16 ? 2 : 4;
  }

  /** r/m operand: a register (value set) or memory (value poked); returns the Rm. */
  static Rm operand(CaseBuilder b, boolean mem, int size, long value) {
    if (mem) {
      Rm rm = b.mem(-1);
      b.poke(b.memOff, value, size / 8);
      return rm;
    }
    int r = b.reg(size);
    b.setReg(r, size, value);
    return Rm.reg(r);
  }

  private int[] lockIf(CaseBuilder b, boolean mem) {
    return mem && rnd.nextInt(4) == 0 ? new int[] {0xf0} : new int[0];
  }

  void all() {
    alu();
    unary();
    shifts();
    doubleShifts();
    multiply();
    divide();
  }

  /**
   * ADD OR ADC SBB AND SUB XOR CMP, forms r/m,r  r,r/m  acc,imm  r/m,imm  r/m,imm8(sign-ext), and TEST.
   * SDM: ADD/ADC/SUB/SBB/CMP "The OF, SF, ZF, AF, CF, and PF flags are set according to the
   * result." AND/OR/XOR/TEST: "The OF and CF flags are cleared; the SF, ZF, and PF flags are set
   * according to the result. The state of the AF flag is undefined."
   */
  void alu() {
    for (int op = 0; op < 9; op++) {
      String mn = op == 8 ? "test" : ALU[op];
      boolean logic = op == 1 || op == 4 || op == 6 || op == 8;
      for (int size : SIZES) {
        for (int form = 0; form < 5; form++) {
          if (op == 8 && (form == 1 || form == 4)) {
            continue; // TEST has no r,r/m and no imm8-sign-extended form
          }
          if (form == 4 && size == 8) {
            continue; // 82 /n is invalid in 64-bit mode
          }
          for (int memPass = 0; memPass < (form == 2 ? 1 : 2); memPass++) {
            boolean mem = memPass == 1;
            for (int i = 0; i < n; i++) {
              aluCase(op, mn, logic, size, form, mem);
            }
          }
        }
      }
    }
  }

  private void aluCase(int op, String mn, boolean logic, int size, int form, boolean mem) {
    String[] formNames = {"r/m,r", "r,r/m", "acc,imm", "r/m,imm", "r/m,imm8"};
    CaseBuilder b = begin(mn + size + " " + formNames[form] + (mem ? " mem" : ""), size);
    int w = size == 8 ? 0 : 1;
    boolean rexW = size == 64;
    long a = b.val(size);
    long c = rnd.nextInt(4) == 0 ? a : b.val(size);
    byte[] code;
    int[] lock = op == 7 || op == 8 ? new int[0] : lockIf(b, mem);
    switch (form) {
      case 0, 1 -> {
        int r = b.reg(size);
        Rm rm = operand(b, mem, size, a);
        if (!mem && rnd.nextInt(8) == 0) {
          rm = Rm.reg(r); // same register twice: add eax, eax
        }
        b.setReg(r, size, c);
        int opc = op == 8 ? 0x84 + w : (op << 3) + (form == 0 ? 0 : 2) + w;
        code = b.code(prefixes(size, form == 0 ? lock : new int[0]), rexW, new int[] {opc}, r, rm, 0, 0);
      }
      case 2 -> {
        b.reserve(0);
        b.setReg(0, size, a);
        int opc = op == 8 ? 0xa8 + w : (op << 3) + 4 + w;
        code = b.code(prefixes(size), rexW, new int[] {opc}, -1, null, c, immBytes(size));
      }
      default -> {
        Rm rm = operand(b, mem, size, a);
        boolean imm8 = form == 4;
        long imm = imm8 ? rnd.nextInt(256) : c;
        int opc = op == 8 ? 0xf6 + w : imm8 ? 0x83 : 0x80 + w;
        code = b.code(prefixes(size, lock), rexW, new int[] {opc}, op == 8 ? 0 : op, rm, imm,
            imm8 ? 1 : immBytes(size));
      }
    }
    b.definedFlags = logic ? STATUS & ~AF : STATUS;
    b.build(code, out);
  }

  /**
   * INC DEC NEG NOT. SDM INC/DEC: "The CF flag is not affected. The OF, SF, ZF, AF, and PF flags
   * are set according to the result." NEG: "The CF flag set to 0 if the source operand is 0;
   * otherwise it is set to 1. The OF, SF, ZF, AF, and PF flags are set according to the result."
   * NOT: "None" (all unaffected, so all compared).
   */
  void unary() {
    String[] names = {"inc", "dec", "not", "neg"};
    for (int k = 0; k < 4; k++) {
      for (int size : SIZES) {
        for (int memPass = 0; memPass < 2; memPass++) {
          for (int i = 0; i < n; i++) {
            boolean mem = memPass == 1;
            CaseBuilder b = begin(names[k] + size + (mem ? " mem" : ""), size);
            Rm rm = operand(b, mem, size, b.val(size));
            int w = size == 8 ? 0 : 1;
            int opc = k < 2 ? 0xfe + w : 0xf6 + w;
            int digit = k < 2 ? k : k;
            b.build(b.code(prefixes(size, lockIf(b, mem)), size == 64, new int[] {opc}, digit, rm, 0, 0), out);
          }
        }
      }
    }
  }

  /**
   * ROL ROR RCL RCR SHL SHR SAR with count 1 (D0/D1), CL (D2/D3) and imm8 (C0/C1).
   * SDM SAL/SAR/SHL/SHR: "The CF flag contains the value of the last bit shifted out ...; it is
   * undefined for SHL and SHR instructions where the count is greater than or equal to the size
   * (in bits) of the destination operand. The OF flag is affected only for 1-bit shifts;
   * otherwise, it is undefined. The SF, ZF, and PF flags are set according to the result. If the
   * count is 0, the flags are not affected. For a non-zero count, the AF flag is undefined."
   * SDM RCL/RCR/ROL/ROR: "If the masked count is 0, the flags are not affected. If the masked
   * count is 1, then the OF flag is affected, otherwise (masked count is greater than 1) the OF
   * flag is undefined. The CF flag is affected when the masked count is nonzero. The SF, ZF, AF,
   * and PF flags are always unaffected."
   */
  void shifts() {
    for (int op = 0; op < 8; op++) {
      if (op == 6) {
        continue; // /6 is not an Intel-documented encoding
      }
      for (int size : SIZES) {
        for (int form = 0; form < 3; form++) {
          for (int memPass = 0; memPass < 2; memPass++) {
            for (int i = 0; i < n; i++) {
              shiftCase(op, size, form, memPass == 1);
            }
          }
        }
      }
    }
  }

  private void shiftCase(int op, int size, int form, boolean mem) {
    String[] formNames = {"1", "cl", "imm8"};
    CaseBuilder b = begin(SHIFT[op] + size + " r/m," + formNames[form] + (mem ? " mem" : ""), size);
    int count = form == 0 ? 1 : rnd.nextBoolean() ? COUNTS[rnd.nextInt(COUNTS.length)] : rnd.nextInt(256);
    if (form == 1) {
      b.reserve(1);
      b.setReg(1, 8, count);
    }
    Rm rm = operand(b, mem, size, b.val(size));
    int w = size == 8 ? 0 : 1;
    int opc = (form == 0 ? 0xd0 : form == 1 ? 0xd2 : 0xc0) + w;
    byte[] code = b.code(prefixes(size), size == 64, new int[] {opc}, op, rm, count, form == 2 ? 1 : 0);
    int mc = count & (size == 64 ? 63 : 31);
    long defined;
    if (mc == 0) {
      defined = STATUS;
    } else if (op < 4) {
      defined = STATUS & ~(mc == 1 ? 0 : OF);
    } else {
      defined = SF | ZF | PF | (mc == 1 ? OF : 0);
      if (op == 7 || mc < size) {
        defined |= CF;
      }
    }
    b.definedFlags = defined;
    b.build(code, out);
  }

  /**
   * SHLD/SHRD imm8 (0F A4/AC) and CL (0F A5/AD). SDM: "If the count is 1 or greater, the CF flag
   * is filled with the last bit shifted out of the destination operand and the SF, ZF, and PF
   * flags are set according to the value of the result. For a 1-bit shift, the OF flag is set if
   * a sign change occurred; otherwise, it is cleared. For shifts greater than 1 bit, the OF flag
   * is undefined. If a shift occurs, the AF flag is undefined. If the count operand is 0, the
   * flags are not affected. If the count is greater than the operand size, the flags are
   * undefined." and "If the count is greater than the operand size, the result is undefined."
   */
  void doubleShifts() {
    for (int right = 0; right < 2; right++) {
      for (int size = 16; size <= 64; size *= 2) {
        for (int form = 0; form < 2; form++) {
          for (int memPass = 0; memPass < 2; memPass++) {
            for (int i = 0; i < n; i++) {
              doubleShiftCase(right == 1, size, form == 1, memPass == 1);
            }
          }
        }
      }
    }
  }

  private void doubleShiftCase(boolean right, int size, boolean cl, boolean mem) {
    CaseBuilder b = begin((right ? "shrd" : "shld") + size + (cl ? " cl" : " imm8") + (mem ? " mem" : ""), size);
    int count = rnd.nextBoolean() ? COUNTS[rnd.nextInt(COUNTS.length)] : rnd.nextInt(256);
    if (cl) {
      b.reserve(1);
      b.setReg(1, 8, count);
    }
    Rm rm = operand(b, mem, size, b.val(size));
    int src = b.reg(size);
    b.setReg(src, size, b.val(size));
    int opc = (right ? 0xac : 0xa4) + (cl ? 1 : 0);
    byte[] code = b.code(prefixes(size), size == 64, new int[] {0x0f, opc}, src, rm, count, cl ? 0 : 1);
    int mc = count & (size == 64 ? 63 : 31);
    if (mc == 0) {
      b.definedFlags = STATUS;
    } else if (mc > size) {
      b.definedFlags = 0;
      if (mem) {
        b.memUndefined = true;
      } else {
        b.undefinedRegs |= 1 << rm.reg;
      }
    } else {
      b.definedFlags = CF | SF | ZF | PF | (mc == 1 ? OF : 0);
    }
    b.build(code, out);
  }

  /**
   * MUL/IMUL r/m (F6/F7 /4 /5), IMUL r,r/m (0F AF), IMUL r,r/m,imm (69, 6B). SDM MUL: "The OF
   * and CF flags are set to 0 if the upper half of the result is 0; otherwise, they are set to 1.
   * The SF, ZF, AF, and PF flags are undefined." IMUL: "For the one operand form ..., the CF and
   * OF flags are set when significant bits are carried into the upper half of the result and
   * cleared when the result fits exactly in the lower half ... The SF, ZF, AF, and PF flags are
   * undefined."
   */
  void multiply() {
    for (int size : SIZES) {
      for (int kind = 0; kind < 5; kind++) {
        if (size == 8 && kind >= 2) {
          continue;
        }
        for (int memPass = 0; memPass < 2; memPass++) {
          for (int i = 0; i < n; i++) {
            multiplyCase(size, kind, memPass == 1);
          }
        }
      }
    }
  }

  private void multiplyCase(int size, int kind, boolean mem) {
    String[] names = {"mul", "imul1", "imul2", "imul3 imm", "imul3 imm8"};
    CaseBuilder b = begin(names[kind] + " " + size + (mem ? " mem" : ""), size);
    int w = size == 8 ? 0 : 1;
    byte[] code;
    if (kind < 2) {
      b.reserve(0);
      b.reserve(2);
      b.setReg(0, size, b.val(size));
      Rm rm = operand(b, mem, size, b.val(size));
      code = b.code(prefixes(size), size == 64, new int[] {0xf6 + w}, 4 + kind, rm, 0, 0);
    } else {
      int dst = b.reg(size);
      Rm rm = operand(b, mem, size, b.val(size));
      b.setReg(dst, size, b.val(size));
      if (kind == 2) {
        code = b.code(prefixes(size), size == 64, new int[] {0x0f, 0xaf}, dst, rm, 0, 0);
      } else if (kind == 3) {
        code = b.code(prefixes(size), size == 64, new int[] {0x69}, dst, rm, b.val(32), immBytes(size));
      } else {
        code = b.code(prefixes(size), size == 64, new int[] {0x6b}, dst, rm, b.val(8), 1);
      }
    }
    b.definedFlags = CF | OF;
    b.build(code, out);
  }

  /**
   * DIV/IDIV (F6/F7 /6 /7). SDM: "The CF, OF, SF, ZF, AF, and PF flags are undefined." #DE on a
   * zero divisor or a quotient too large for the destination: the host reports SIGFPE.
   */
  void divide() {
    for (int size : SIZES) {
      for (int signed = 0; signed < 2; signed++) {
        for (int memPass = 0; memPass < 2; memPass++) {
          for (int i = 0; i < n; i++) {
            divideCase(size, signed == 1, memPass == 1);
          }
        }
      }
    }
  }

  private void divideCase(int size, boolean signed, boolean mem) {
    CaseBuilder b = begin((signed ? "idiv" : "div") + size + (mem ? " mem" : ""), size);
    b.reserve(0);
    b.reserve(2);
    long divisor = rnd.nextInt(24) == 0 ? 0 : b.val(size);
    long low = b.val(size);
    long high;
    int mode = rnd.nextInt(10);
    if (mode == 0) {
      high = b.val(size); // often overflows: #DE
    } else if (signed) {
      high = CaseBuilder.signExtend(low, size) < 0 ? -1 : 0;
    } else {
      high = divisor == 0 ? 0 : Long.remainderUnsigned(rnd.nextLong() & CaseBuilder.mask(size), divisor);
    }
    if (size == 8) {
      b.setReg(0, 16, (high & 0xff) << 8 | (low & 0xff));
    } else {
      b.setReg(0, size, low);
      b.setReg(2, size, high);
    }
    Rm rm = operand(b, mem, size, divisor);
    int w = size == 8 ? 0 : 1;
    byte[] code = b.code(prefixes(size), size == 64, new int[] {0xf6 + w}, signed ? 7 : 6, rm, 0, 0);
    b.definedFlags = 0;
    b.build(code, out);
  }
}
