package dev.emu.core.difftest;

import static dev.emu.core.difftest.AluTemplates.operand;
import static dev.emu.core.difftest.AluTemplates.prefixes;
import static dev.emu.core.difftest.DiffEnv.CF;
import static dev.emu.core.difftest.DiffEnv.STATUS;
import static dev.emu.core.difftest.DiffEnv.ZF;

import dev.emu.core.difftest.X86Asm.Rm;
import java.util.List;
import java.util.Random;

/**
 * Bit operations, bit scans and counts, byte swap, setcc/cmovcc, extensions, exchanges, sign
 * conversions and LEA. Flag masks quote the SDM Vol. 2 "Flags Affected" sections.
 */
final class MiscTemplates {
  private static final int[] WIDE = {16, 32, 64};
  final Random rnd;
  final List<DiffCase> out;
  final int n;
  private final AluTemplates alu;

  MiscTemplates(Random rnd, List<DiffCase> out, int n) {
    this(rnd, out, n, false);
  }

  MiscTemplates(Random rnd, List<DiffCase> out, int n, boolean mode32) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
    this.alu = new AluTemplates(rnd, out, n, mode32);
  }

  void all(DiffCases.Features features) {
    bitTests();
    bitScans(features);
    bswap();
    setccCmovcc();
    extensions();
    exchanges();
    conversions();
    lea();
  }

  /**
   * BT/BTS/BTR/BTC r/m,r (0F A3/AB/B3/BB) and r/m,imm8 (0F BA /4-/7). SDM: "The CF flag contains
   * the value of the selected bit before it is changed. The ZF flag is unaffected. The OF, SF,
   * AF, and PF flags are undefined." With a memory operand and a register offset the offset is a
   * signed bit string index (kept within the window here).
   */
  void bitTests() {
    String[] names = {"bt", "bts", "btr", "btc"};
    int[] regOpc = {0xa3, 0xab, 0xb3, 0xbb};
    for (int k = 0; k < 4; k++) {
      for (int size : WIDE) {
        for (int form = 0; form < 2; form++) {
          for (int memPass = 0; memPass < 2; memPass++) {
            for (int i = 0; i < n; i++) {
              boolean mem = memPass == 1;
              CaseBuilder b = alu.begin(names[k] + size + (form == 0 ? " r/m,r" : " r/m,imm8") + (mem ? " mem" : ""), size);
              Rm rm;
              if (mem) {
                rm = b.mem(96 + rnd.nextInt(300));
                for (int off = -48; off < 56; off += 8) {
                  b.poke(b.memOff + off, b.val(64), 8);
                }
              } else {
                rm = operand(b, false, size, b.val(size));
              }
              int[] lock = mem && k > 0 && rnd.nextInt(4) == 0 ? new int[] {0xf0} : new int[0];
              byte[] code;
              if (form == 0) {
                int r = b.reg(size);
                long bit = mem ? rnd.nextInt(512) - 256 : rnd.nextBoolean() ? rnd.nextInt(size) : b.val(size);
                b.setReg(r, size, bit);
                code = b.code(prefixes(size, lock), size == 64, new int[] {0x0f, regOpc[k]}, r, rm, 0, 0);
              } else {
                code = b.code(prefixes(size, lock), size == 64, new int[] {0x0f, 0xba}, 4 + k, rm, rnd.nextInt(256), 1);
              }
              b.definedFlags = CF | ZF;
              b.build(code, out);
            }
          }
        }
      }
    }
  }

  /**
   * BSF/BSR (0F BC/BD): "The ZF flag is set to 1 if the source operand is 0; otherwise, the ZF
   * flag is cleared. The CF, OF, SF, AF, and PF flags are undefined." and "If the content of the
   * source operand is 0, the content of the destination operand is undefined."
   * TZCNT/LZCNT (F3 0F BC/BD): "ZF is set to 1 in case of zero output (least significant bit of
   * the source is set), and to 0 otherwise, CF is set to 1 if the input was zero and cleared
   * otherwise. OF, SF, PF and AF flags are undefined." POPCNT (F3 0F B8): "OF, SF, ZF, AF, CF, PF
   * are all cleared. ZF is set if SRC = 0, otherwise ZF is cleared."
   */
  void bitScans(DiffCases.Features f) {
    String[] names = {"bsf", "bsr", "tzcnt", "lzcnt", "popcnt"};
    for (int k = 0; k < 5; k++) {
      if (k == 4 && !f.popcnt()) {
        continue;
      }
      boolean asScan = (k == 2 && !f.tzcnt()) || (k == 3 && !f.lzcnt());
      for (int size : WIDE) {
        for (int memPass = 0; memPass < 2; memPass++) {
          for (int i = 0; i < n; i++) {
            boolean mem = memPass == 1;
            String name = names[k] + (asScan ? "(as " + names[k - 2] + ")" : "") + size + (mem ? " mem" : "");
            CaseBuilder b = alu.begin(name, size);
            long src = rnd.nextInt(6) == 0 ? 0 : b.val(size);
            Rm rm = operand(b, mem, size, src);
            int dst = b.regMaybeSame(size, rm.isReg ? rm.reg : 0);
            int opc = k == 4 ? 0xb8 : 0xbc + (k & 1);
            // as BSF/BSR: the host runs 3E (ignored DS override) where emu has F3, same length
            int[] pfx = k < 2 ? prefixes(size) : prefixes(size, asScan ? 0x3e : 0xf3);
            byte[] code = b.code(pfx, size == 64, new int[] {0x0f, opc}, dst, rm, 0, 0);
            if (k < 2 || asScan) {
              b.definedFlags = ZF;
              if (src == 0) {
                b.undefinedRegs |= 1 << dst;
              }
            } else {
              b.definedFlags = k == 4 ? STATUS : CF | ZF;
            }
            DiffCase c = b.build(code, out);
            if (asScan) {
              c.emuCode = code.clone();
              c.emuCode[0] = (byte) 0xf3;
            }
          }
        }
      }
    }
  }

  /** BSWAP (0F C8+r), 32 and 64 bit (16-bit is undefined per the SDM). Flags: none affected. */
  void bswap() {
    for (int size = 32; size <= 64; size *= 2) {
      for (int i = 0; i < n; i++) {
        CaseBuilder b = alu.begin("bswap" + size, size);
        int r = b.reg(size);
        b.build(b.code(new int[0], size == 64, new int[] {0x0f, 0xc8 + (r & 7)}, -1, Rm.reg(r), 0, 0), out);
      }
    }
  }

  /** SETcc r/m8 (0F 90+cc) and CMOVcc r,r/m (0F 40+cc): no flags affected (all compared). */
  void setccCmovcc() {
    for (int cc = 0; cc < 16; cc++) {
      for (int memPass = 0; memPass < 2; memPass++) {
        boolean mem = memPass == 1;
        for (int i = 0; i < n; i++) {
          CaseBuilder b = alu.begin("setcc" + Integer.toHexString(cc) + (mem ? " mem" : ""), 8);
          Rm rm = operand(b, mem, 8, b.val(8));
          b.build(b.code(new int[0], false, new int[] {0x0f, 0x90 + cc}, 0, rm, 0, 0), out);
        }
        for (int size : WIDE) {
          for (int i = 0; i < n / 2 + 1; i++) {
            CaseBuilder b = alu.begin("cmov" + Integer.toHexString(cc) + " " + size + (mem ? " mem" : ""), size);
            Rm rm = operand(b, mem, size, b.val(size));
            int dst = b.reg(size);
            b.build(b.code(prefixes(size), size == 64, new int[] {0x0f, 0x40 + cc}, dst, rm, 0, 0), out);
          }
        }
      }
    }
  }

  /** MOVZX (0F B6/B7), MOVSX (0F BE/BF), MOVSXD (63 /r). No flags affected. */
  void extensions() {
    for (int k = 0; k < 5; k++) {
      String[] names = {"movzx8", "movzx16", "movsx8", "movsx16", "movsxd"};
      int[] opc = {0xb6, 0xb7, 0xbe, 0xbf, 0x63};
      int srcSize = k == 4 ? 32 : (k & 1) == 0 ? 8 : 16;
      for (int size : WIDE) {
        if (size <= srcSize && k != 4) {
          continue;
        }
        if (k == 4 && (size == 16 || alu.mode32)) {
          continue; // 63 is ARPL outside 64-bit mode
        }
        for (int memPass = 0; memPass < 2; memPass++) {
          for (int i = 0; i < n; i++) {
            boolean mem = memPass == 1;
            CaseBuilder b = alu.begin(names[k] + " " + size + (mem ? " mem" : ""), srcSize, size != 64);
            Rm rm = operand(b, mem, srcSize, b.val(srcSize));
            int dst = b.reg(size);
            int[] opcode = k == 4 ? new int[] {0x63} : new int[] {0x0f, opc[k]};
            b.build(b.code(prefixes(size), size == 64, opcode, dst, rm, 0, 0), out);
          }
        }
      }
    }
  }

  /**
   * XCHG (86/87, 90+r), XADD (0F C0/C1: flags as ADD), CMPXCHG (0F B0/B1: "The ZF flag is set if
   * the values in the destination operand and register AL, AX, or EAX are equal; otherwise it is
   * cleared. The CF, PF, AF, SF, and OF flags are set according to the results of the comparison
   * operation.").
   */
  void exchanges() {
    for (int size : AluTemplates.SIZES) {
      int w = size == 8 ? 0 : 1;
      for (int k = 0; k < 4; k++) {
        if (k == 3 && size == 8) {
          continue;
        }
        String[] names = {"xchg", "xadd", "cmpxchg", "xchg-acc"};
        for (int memPass = 0; memPass < (k == 3 ? 1 : 2); memPass++) {
          for (int i = 0; i < n; i++) {
            boolean mem = memPass == 1;
            CaseBuilder b = alu.begin(names[k] + size + (mem ? " mem" : ""), size);
            int[] lock = mem && k > 0 && rnd.nextInt(3) == 0 ? new int[] {0xf0} : new int[0];
            byte[] code;
            if (k == 3) {
              int r = rnd.nextInt(16) == 0 ? 0 : b.reg(size); // 90 itself is NOP, not xchg eax,eax
              b.build(b.code(prefixes(size), size == 64, new int[] {0x90 + (r & 7)}, -1, Rm.reg(r), 0, 0), out);
              continue;
            }
            if (k == 2) {
              b.reserve(0);
            }
            long dv = b.val(size);
            Rm rm = operand(b, mem, size, dv);
            int r = b.reg(size);
            b.setReg(r, size, b.val(size));
            if (k == 2) {
              b.setReg(0, size, rnd.nextBoolean() ? dv : b.val(size));
            }
            int[] opcode = k == 0 ? new int[] {0x86 + w} : new int[] {0x0f, (k == 1 ? 0xc0 : 0xb0) + w};
            code = b.code(prefixes(size, lock), size == 64, opcode, r, rm, 0, 0);
            b.build(code, out);
          }
        }
      }
    }
  }

  /** CBW/CWDE/CDQE (98) and CWD/CDQ/CQO (99): no flags affected. */
  void conversions() {
    for (int size : WIDE) {
      for (int k = 0; k < 2; k++) {
        for (int i = 0; i < n; i++) {
          CaseBuilder b = alu.begin((k == 0 ? "cbw-cwde-cdqe " : "cwd-cdq-cqo ") + size, size);
          b.setReg(0, 64, b.val(64) ^ (rnd.nextBoolean() ? 0 : b.val(size)));
          b.build(b.code(prefixes(size), size == 64, new int[] {0x98 + k}, -1, null, 0, 0), out);
        }
      }
    }
  }

  /** LEA (8D) with operand sizes 16/32/64 and address sizes 32 (67) and 64. No flags affected. */
  void lea() {
    for (int size : WIDE) {
      for (int a32 = 0; a32 < (alu.mode32 ? 1 : 2); a32++) { // 67 in 32-bit mode is 16-bit addressing
        for (int i = 0; i < n * 2; i++) {
          CaseBuilder b = alu.begin("lea" + size + (a32 == 1 ? " addr32" : ""), size);
          Rm rm = b.mem(-1);
          for (int r = 0; r < 16; r++) {
            if (r != DiffEnv.RSP && rnd.nextBoolean()) {
              b.regs[r] = b.val(64); // the address need not be in the window: LEA never accesses it
            }
          }
          int dst = b.reg(size);
          int[] pfx = a32 == 1 ? prefixes(size, 0x67) : prefixes(size);
          b.build(b.code(pfx, size == 64, new int[] {0x8d}, dst, rm, 0, 0), out);
        }
      }
    }
  }
}
