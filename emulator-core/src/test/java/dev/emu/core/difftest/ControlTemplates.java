package dev.emu.core.difftest;

import static dev.emu.core.difftest.AluTemplates.operand;
import static dev.emu.core.difftest.AluTemplates.prefixes;
import static dev.emu.core.difftest.DiffEnv.STATUS;

import dev.emu.core.difftest.X86Asm.Rm;
import java.util.List;
import java.util.Random;

/**
 * Data movement, stack and control transfer: MOV in all forms, PUSH/POP, CALL/RET, ENTER/LEAVE,
 * Jcc/JMP/LOOP/JRCXZ (over a flag-neutral marker "lea rax,[rax+1]" so the path taken shows in
 * RAX), flag instructions, CMPXCHG8B/16B, XLAT, multi-byte NOPs. RSP points into the window.
 * None of these affect the status flags except where noted (all are compared).
 */
final class ControlTemplates {
  /** lea rax, [rax+1]: 48 8D 40 01, leaves the flags alone. */
  private static final int[] MARKER = {0x48, 0x8d, 0x40, 0x01};
  final Random rnd;
  final List<DiffCase> out;
  final int n;
  private final AluTemplates alu;

  ControlTemplates(Random rnd, List<DiffCase> out, int n) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
    this.alu = new AluTemplates(rnd, out, n);
  }

  void all() {
    for (int i = 0; i < n; i++) {
      moves();
      stack();
      branches();
      misc();
      tightLoops();
    }
  }

  private CaseBuilder begin(String name, int size) {
    CaseBuilder b = alu.begin(name, size);
    b.reserve(DiffEnv.RSP);
    // RSP somewhere in the upper half of the window, 8-aligned, room for pushes and pops
    b.regs[DiffEnv.RSP] = DiffEnv.SCRATCH_BASE + 288 + 8 * rnd.nextInt(16);
    return b;
  }

  private static byte[] concat(byte[] a, int... tail) {
    byte[] r = new byte[a.length + tail.length];
    System.arraycopy(a, 0, r, 0, a.length);
    for (int i = 0; i < tail.length; i++) {
      r[a.length + i] = (byte) tail[i];
    }
    return r;
  }

  /** MOV r/m,r (88/89), r,r/m (8A/8B), r/m,imm (C6/C7), r,imm (B0+r, B8+r incl. imm64), moffs (A0-A3). */
  void moves() {
    for (int size : AluTemplates.SIZES) {
      int w = size == 8 ? 0 : 1;
      for (int form = 0; form < 5; form++) {
        boolean mem = rnd.nextBoolean();
        CaseBuilder b = begin("mov" + size + " form" + form + (mem && form < 3 ? " mem" : ""), size);
        byte[] code;
        switch (form) {
          case 0, 1 -> {
            int r = b.reg(size);
            Rm rm = operand(b, mem, size, b.val(size));
            b.setReg(r, size, b.val(size));
            code = b.code(prefixes(size), size == 64, new int[] {0x88 + 2 * form + w}, r, rm, 0, 0);
          }
          case 2 -> {
            Rm rm = operand(b, mem, size, b.val(size));
            code = b.code(prefixes(size), size == 64, new int[] {0xc6 + w}, 0, rm, b.val(32),
                AluTemplates.immBytes(size));
          }
          case 3 -> {
            int r = b.reg(size);
            int immSize = size == 64 && rnd.nextBoolean() ? 8 : AluTemplates.immBytes(size);
            boolean rexW = size == 64 && immSize == 8;
            int opc = (size == 8 ? 0xb0 : 0xb8) + (r & 7);
            if (size == 64 && !rexW) {
              // B8+r without REX.W is the 32-bit form (zero-extends)
              code = b.code(new int[0], false, new int[] {opc}, -1, Rm.reg(r), b.val(64), 4);
            } else {
              code = b.code(prefixes(size), rexW, new int[] {opc}, -1, Rm.reg(r), b.val(64), immSize);
            }
          }
          default -> {
            // moffs: A0/A1 load, A2/A3 store; 64-bit absolute address
            b.reserve(0);
            b.setReg(0, size, b.val(size));
            int off = 16 + rnd.nextInt(200);
            b.poke(off, b.val(64), 8);
            boolean store = rnd.nextBoolean();
            code = b.code(prefixes(size), size == 64, new int[] {(store ? 0xa2 : 0xa0) + w}, -1, null,
                DiffEnv.SCRATCH_BASE + off, 8);
          }
        }
        b.build(code, out);
      }
    }
  }

  /** PUSH/POP r64, r16, r/m64, imm; PUSHFQ/POPFQ; CALL rel32 and r/m64; RET, RET imm16; ENTER/LEAVE. */
  void stack() {
    for (int k = 0; k < 15; k++) {
      CaseBuilder b = begin("stack" + k, 64);
      byte[] code;
      int r = b.reg(64);
      b.setReg(r, 64, b.val(64));
      long rsp = b.regs[DiffEnv.RSP];
      int rspOff = (int) (rsp - DiffEnv.SCRATCH_BASE);
      switch (k) {
        case 0 -> code = b.code(new int[0], false, new int[] {0x50 + (r & 7)}, -1, Rm.reg(r), 0, 0); // push r64
        case 1 -> code = b.code(new int[0], false, new int[] {0x58 + (r & 7)}, -1, Rm.reg(r), 0, 0); // pop r64
        case 2 -> code = b.code(new int[] {0x66}, false, new int[] {0x50 + (r & 7)}, -1, Rm.reg(r), 0, 0); // push r16
        case 3 -> code = b.code(new int[] {0x66}, false, new int[] {0x58 + (r & 7)}, -1, Rm.reg(r), 0, 0); // pop r16
        case 4 -> code = b.code(new int[0], false, new int[] {rnd.nextBoolean() ? 0x6a : 0x68}, -1, null,
            b.val(32), 0); // fixed below
        case 5 -> code = b.code(new int[0], false, new int[] {0xff}, 6, b.mem(16 + rnd.nextInt(200)), 0, 0); // push m64
        case 6 -> code = b.code(new int[0], false, new int[] {0x8f}, 0, b.mem(16 + rnd.nextInt(200)), 0, 0); // pop m64
        case 7 -> code = b.code(new int[0], false, new int[] {0x9c}, -1, null, 0, 0); // pushfq (IF set, see emuRflagsOr)
        case 8 -> {
          b.poke(rspOff, rnd.nextLong() & (STATUS | DiffEnv.DF) | 2, 8); // popfq: only flags user mode may set
          code = b.code(new int[0], false, new int[] {0x9d}, -1, null, 0, 0);
        }
        case 9 -> code = b.code(new int[0], false, new int[] {0xe8}, -1, null, 0, 4); // call rel32 +0
        case 10 -> { // call r/m64 to the next instruction
          boolean mem = rnd.nextBoolean();
          Rm rm = mem ? b.mem(16 + rnd.nextInt(200)) : Rm.reg(r);
          code = b.code(new int[0], false, new int[] {0xff}, 2, rm, 0, 0);
          long next = DiffEnv.TEST_ADDR + code.length;
          if (mem) {
            b.poke(b.memOff, next, 8);
          } else {
            b.setReg(r, 64, next);
          }
        }
        case 11, 12 -> { // ret / ret imm16 to the next instruction
          int imm = k == 12 ? 8 * rnd.nextInt(4) : 0;
          code = k == 11 ? b.code(new int[0], false, new int[] {0xc3}, -1, null, 0, 0)
              : b.code(new int[0], false, new int[] {0xc2}, -1, null, imm, 2);
          b.poke(rspOff, DiffEnv.TEST_ADDR + code.length, 8);
        }
        case 13 -> { // leave: rsp = rbp, pop rbp
          b.reserve(5);
          b.regs[5] = DiffEnv.SCRATCH_BASE + 160 + 8 * rnd.nextInt(20);
          code = b.code(new int[0], false, new int[] {0xc9}, -1, null, 0, 0);
        }
        default -> { // enter imm16, level 0 or 1
          b.reserve(5);
          b.regs[5] = DiffEnv.SCRATCH_BASE + 160 + 8 * rnd.nextInt(20);
          code = b.code(new int[0], false, new int[] {0xc8}, -1, null, 8 * rnd.nextInt(6) | (long) rnd.nextInt(2) << 16, 3);
        }
      }
      if (k == 4) {
        boolean imm8 = (code[code.length - 1] & 0xff) == 0x6a;
        long v = b.val(32);
        code = concat(code, (int) v);
        if (!imm8) {
          code = concat(code, (int) (v >> 8), (int) (v >> 16), (int) (v >> 24));
        }
      }
      DiffCase c = b.build(code, out);
      if (k == 7) {
        c.emuRflagsOr = DiffEnv.IF;
      }
    }
  }

  /** Jcc rel8/rel32, JMP rel8/rel32/r/m64, LOOP/LOOPE/LOOPNE/JRCXZ (and 67: ECX forms). */
  void branches() {
    for (int cc = 0; cc < 16; cc++) {
      CaseBuilder b = begin("jcc" + Integer.toHexString(cc) + " rel8", 64);
      b.build(concat(new byte[] {(byte) (0x70 + cc), 4}, MARKER), out);
      b = begin("jcc" + Integer.toHexString(cc) + " rel32", 64);
      b.build(concat(new byte[] {0x0f, (byte) (0x80 + cc), 4, 0, 0, 0}, MARKER), out);
    }
    CaseBuilder b = begin("jmp rel8", 64);
    b.build(concat(new byte[] {(byte) 0xeb, 4}, MARKER), out);
    b = begin("jmp rel32", 64);
    b.build(concat(new byte[] {(byte) 0xe9, 4, 0, 0, 0}, MARKER), out);
    b = begin("jmp r/m64", 64);
    boolean mem = rnd.nextBoolean();
    int r = b.reg(64);
    Rm rm = mem ? b.mem(16 + rnd.nextInt(200)) : Rm.reg(r);
    byte[] jmp = b.code(new int[0], false, new int[] {0xff}, 4, rm, 0, 0);
    long target = DiffEnv.TEST_ADDR + jmp.length + MARKER.length;
    if (mem) {
      b.poke(b.memOff, target, 8);
    } else {
      b.setReg(r, 64, target);
    }
    b.build(concat(jmp, MARKER), out);
    String[] loops = {"loopne", "loope", "loop", "jrcxz"};
    for (int k = 0; k < 4; k++) {
      boolean a32 = rnd.nextInt(3) == 0;
      b = begin(loops[k] + (a32 ? " ecx" : ""), 64);
      b.regs[1] = rnd.nextInt(3) == 0 ? rnd.nextLong() & (a32 ? 0xffff_ffff_0000_0000L : 0) | rnd.nextInt(3) : b.val(64);
      byte[] code = a32 ? new byte[] {0x67, (byte) (0xe0 + k), 4} : new byte[] {(byte) (0xe0 + k), 4};
      b.build(concat(code, MARKER), out);
    }
  }

  /**
   * Tight loops that terminate: LOOP/LOOPE/LOOPNE/JRCXZ to themselves, dec+jnz, pause+dec+jnz,
   * a few to a few thousand iterations. These look like idle spin loops to an interpreter that
   * fast-forwards them, which must stay exact.
   */
  void tightLoops() {
    String[] hex = {"e2fe", "67e2fd", "e1fe", "e0fe", "e3fe", "ffc975fc", "f390ffc975fa", "48ffc975fb",
      "ffc9e30275fa", "ffc975fe"};
    for (String h : hex) {
      CaseBuilder b = begin("tight loop " + h, 64);
      int[] counts = {1, 2, 3, 17, 1000, 4097};
      b.regs[1] = (b.regs[1] & (h.startsWith("67") ? 0xffff_ffff_0000_0000L : 0)) | counts[rnd.nextInt(counts.length)];
      if (h.equals("e3fe")) {
        b.regs[1] |= 1; // jrcxz to self with RCX != 0 falls through
      }
      if (h.equals("ffc975fe")) {
        b.regs[1] = 1; // dec ecx; jnz to the jnz itself: ZF=1 after the dec, falls through
      }
      byte[] code = new byte[h.length() / 2];
      for (int i = 0; i < code.length; i++) {
        code[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
      }
      b.build(code, out);
    }
  }

  /** CLC STC CMC CLD STD, LAHF/SAHF, CMPXCHG8B/16B, XLAT, NOP forms. */
  void misc() {
    int[] flagOps = {0xf8, 0xf9, 0xf5, 0xfc, 0xfd, 0x9f, 0x9e};
    for (int op : flagOps) {
      CaseBuilder b = begin("flagop " + Integer.toHexString(op), 64);
      if (rnd.nextBoolean()) {
        b.flags |= DiffEnv.DF;
      }
      b.build(new byte[] {(byte) op}, out);
    }
    for (int wide = 0; wide < 2; wide++) {
      CaseBuilder b = begin(wide == 1 ? "cmpxchg16b" : "cmpxchg8b", 64);
      for (int r : new int[] {0, 1, 2, 3}) {
        b.reserve(r);
      }
      int size = wide == 1 ? 16 : 8;
      Rm rm = b.mem(16 * (1 + rnd.nextInt(28)));
      long lo = b.val(64);
      long hi = b.val(64);
      b.poke(b.memOff, lo, 8);
      if (size == 16) {
        b.poke(b.memOff + 8, hi, 8);
      }
      boolean equal = rnd.nextBoolean();
      if (size == 16) {
        b.regs[0] = equal ? lo : b.val(64);
        b.regs[2] = equal ? hi : b.val(64);
      } else {
        b.regs[0] = (b.regs[0] & ~0xffff_ffffL) | (equal ? lo & 0xffff_ffffL : b.val(32));
        b.regs[2] = (b.regs[2] & ~0xffff_ffffL) | (equal ? lo >>> 32 : b.val(32));
      }
      int[] lock = rnd.nextBoolean() ? new int[] {0xf0} : new int[0];
      b.definedFlags = DiffEnv.ZF | (STATUS & ~DiffEnv.ZF); // ZF set by the compare; others unaffected
      b.build(b.code(lock, wide == 1, new int[] {0x0f, 0xc7}, 1, rm, 0, 0), out);
    }
    CaseBuilder b = begin("xlat", 8);
    b.reserve(3);
    b.regs[3] = DiffEnv.SCRATCH_BASE + 16 + rnd.nextInt(200);
    b.build(new byte[] {(byte) 0xd7}, out);
    b = begin("nop 0f1f", 32);
    Rm rm = b.mem(-1);
    b.build(b.code(prefixes(rnd.nextBoolean() ? 16 : 32), false, new int[] {0x0f, 0x1f}, 0, rm, 0, 0), out);
    b = begin("pause", 32);
    b.build(new byte[] {(byte) 0xf3, (byte) 0x90}, out);
  }
}
