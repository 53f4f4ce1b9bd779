package dev.emu.core.difftest;

import static dev.emu.core.difftest.AluTemplates.prefixes;
import static dev.emu.core.difftest.DiffEnv.AF;
import static dev.emu.core.difftest.DiffEnv.CF;
import static dev.emu.core.difftest.DiffEnv.OF;
import static dev.emu.core.difftest.DiffEnv.PF;
import static dev.emu.core.difftest.DiffEnv.SF;
import static dev.emu.core.difftest.DiffEnv.STATUS;
import static dev.emu.core.difftest.DiffEnv.ZF;

import dev.emu.core.difftest.X86Asm.Rm;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

/**
 * Sequences of 2-7 register instructions where later ones consume the flags earlier ones
 * produced (ADC/SBB, SETcc, CMOVcc, Jcc, RCL/RCR, LAHF), with flag-preserving instructions in
 * between (INC/DEC keep CF, shifts/rotates by 0 keep everything, ROL/ROR keep SF ZF AF PF, NOT,
 * MOV, LEA). This is what single-instruction cases cannot see: lazily evaluated flags that must
 * survive, be merged, or be materialised correctly across instructions.
 *
 * <p>The generator tracks which flags are known (defined by the SDM) after each instruction: a
 * consumer is only emitted if every flag it reads is known, and the final comparison uses the
 * flags still known at the end (see {@link AluTemplates} for the per-instruction SDM rules).
 */
final class ChainTemplates {
  private static final long[] CC_READS = {
    OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF, SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF
  };
  private static final int[] SIZES = {8, 16, 32, 64};
  final Random rnd;
  final List<DiffCase> out;
  final int n;

  ChainTemplates(Random rnd, List<DiffCase> out, int n) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
  }

  void all() {
    for (int i = 0; i < n; i++) {
      chain();
    }
  }

  private int anyReg() {
    while (true) {
      int r = rnd.nextInt(16);
      if (r != DiffEnv.RSP) {
        return r;
      }
    }
  }

  private void chain() {
    CaseBuilder b = new CaseBuilder(rnd, "chain", false);
    for (int r = 0; r < 16; r++) {
      if (r != DiffEnv.RSP && rnd.nextBoolean()) {
        b.regs[r] = b.val(64); // edge values make carries, zeros and sign changes likely
      }
    }
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    long known = STATUS;
    int len = 2 + rnd.nextInt(6);
    StringBuilder name = new StringBuilder("chain");
    for (int i = 0; i < len; i++) {
      int size = SIZES[rnd.nextInt(4)];
      b.eightBit = size == 8;
      int w = size == 8 ? 0 : 1;
      int r1 = anyReg();
      int r2 = anyReg();
      boolean rexW = size == 64;
      int kind = rnd.nextInt(12);
      byte[] insn;
      long written;
      long defined;
      String mn;
      switch (kind) {
        case 0, 1 -> { // ALU r/m,r: add or adc sbb and sub xor cmp
          int op = rnd.nextInt(8);
          if ((op == 2 || op == 3) && (known & CF) == 0) {
            op = 0; // adc/sbb read CF
          }
          insn = b.code(prefixes(size), rexW, new int[] {(op << 3) + w}, r2, Rm.reg(r1), 0, 0);
          boolean logic = op == 1 || op == 4 || op == 6;
          written = STATUS;
          defined = logic ? STATUS & ~AF : STATUS;
          mn = new String[] {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}[op];
        }
        case 2 -> { // inc/dec: CF unaffected
          int op = rnd.nextInt(2);
          insn = b.code(prefixes(size), rexW, new int[] {0xfe + w}, op, Rm.reg(r1), 0, 0);
          written = STATUS & ~CF;
          defined = written;
          mn = op == 0 ? "inc" : "dec";
        }
        case 3 -> { // shift/rotate by imm8 (0 leaves every flag alone)
          int op = new int[] {0, 1, 4, 5, 7}[rnd.nextInt(5)];
          int count = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(3) == 0 ? 1 : rnd.nextInt(70);
          insn = b.code(prefixes(size), rexW, new int[] {0xc0 + w}, op, Rm.reg(r1), count, 1);
          int mc = count & (size == 64 ? 63 : 31);
          if (mc == 0) {
            written = 0;
            defined = 0;
          } else if (op < 2) {
            written = CF | OF;
            defined = CF | (mc == 1 ? OF : 0);
          } else {
            written = STATUS;
            defined = SF | ZF | PF | (mc == 1 ? OF : 0) | (op == 7 || mc < size ? CF : 0);
          }
          mn = "shift" + op + "," + count;
        }
        case 4 -> { // rcl/rcr by 1: read CF
          if ((known & CF) == 0) {
            i--;
            continue;
          }
          insn = b.code(prefixes(size), rexW, new int[] {0xd0 + w}, 2 + rnd.nextInt(2), Rm.reg(r1), 0, 0);
          written = CF | OF;
          defined = CF | OF;
          mn = "rcx1";
        }
        case 5 -> { // setcc r/m8
          int cc = rnd.nextInt(16);
          if ((CC_READS[cc] & ~known) != 0) {
            i--;
            continue;
          }
          b.eightBit = true;
          insn = b.code(new int[0], false, new int[] {0x0f, 0x90 + cc}, 0, Rm.reg(r1), 0, 0);
          written = 0;
          defined = 0;
          mn = "set" + cc;
        }
        case 6 -> { // cmovcc
          int cc = rnd.nextInt(16);
          if ((CC_READS[cc] & ~known) != 0 || size == 8) {
            i--;
            continue;
          }
          insn = b.code(prefixes(size), rexW, new int[] {0x0f, 0x40 + cc}, r2, Rm.reg(r1), 0, 0);
          written = 0;
          defined = 0;
          mn = "cmov" + cc;
        }
        case 7 -> { // jcc over "lea rax,[rax+1]"
          int cc = rnd.nextInt(16);
          if ((CC_READS[cc] & ~known) != 0) {
            i--;
            continue;
          }
          insn = new byte[] {(byte) (0x70 + cc), 4, 0x48, (byte) 0x8d, 0x40, 0x01};
          written = 0;
          defined = 0;
          mn = "j" + cc;
        }
        case 8 -> { // neg / not
          boolean neg = rnd.nextBoolean();
          insn = b.code(prefixes(size), rexW, new int[] {0xf6 + w}, neg ? 3 : 2, Rm.reg(r1), 0, 0);
          written = neg ? STATUS : 0;
          defined = written;
          mn = neg ? "neg" : "not";
        }
        case 9 -> { // clc stc cmc (cmc reads CF)
          int op = rnd.nextInt(3);
          if (op == 2 && (known & CF) == 0) {
            op = 0;
          }
          insn = new byte[] {(byte) new int[] {0xf8, 0xf9, 0xf5}[op]};
          written = CF;
          defined = CF;
          mn = "cf" + op;
        }
        case 10 -> { // lahf (reads SF ZF AF PF CF) or imul r,r/m (CF OF defined only)
          if (rnd.nextBoolean() && (known & (SF | ZF | AF | PF | CF)) == (SF | ZF | AF | PF | CF)) {
            insn = new byte[] {(byte) 0x9f};
            written = 0;
            defined = 0;
            mn = "lahf";
          } else {
            int sz = size == 8 ? 32 : size;
            b.eightBit = false;
            insn = b.code(prefixes(sz), sz == 64, new int[] {0x0f, 0xaf}, r2, Rm.reg(r1), 0, 0);
            written = STATUS;
            defined = CF | OF;
            mn = "imul";
          }
        }
        default -> { // flag-neutral data movement: mov, lea
          if (rnd.nextBoolean()) {
            insn = b.code(prefixes(size), rexW, new int[] {0x88 + w}, r2, Rm.reg(r1), 0, 0);
            mn = "mov";
          } else {
            b.eightBit = false;
            insn = b.code(new int[0], true, new int[] {0x8d}, r1, X86Asm.Rm.mem(r2, -1, 1, rnd.nextInt(256) - 128, 1), 0, 0);
            mn = "lea";
          }
          written = 0;
          defined = 0;
        }
      }
      code.write(insn, 0, insn.length);
      known = (known & ~written) | (defined & written);
      name.append(i == 0 ? " " : ",").append(mn);
    }
    b.definedFlags = known;
    DiffCase c = b.build(code.toByteArray(), out);
    c.detail = name.toString();
  }
}
