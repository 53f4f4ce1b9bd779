package dev.emu.core.cpu;

import java.util.Arrays;

/**
 * Decodes a {@link Block}: the longest run (at most {@link #MAX_INSNS}) of supported 64-bit-mode
 * instructions starting at a page offset, ending after the first unconditional branch (a jcc is
 * a side exit: the block goes on along its fall-through), before the first instruction it does
 * not support and before an instruction that would cross the page.
 *
 * <p>Supported (the forms gcc emits most, without LOCK/REP/67h): ALU ops 00-3D in all their forms,
 * 80/81/83 group 1, test 84/85/A8/A9/F6-F7 /0, mov 88-8B/B0-BF/C6/C7, lea, push/pop r,
 * push imm/Ev, movsxd, imul 0FAF/69/6B, group 2 shifts and rotates C0/C1/D0-D3, not/neg,
 * inc/dec FE/FF, cdqe/cqo, nop 90/0F1F, movzx/movsx, cmovcc, setcc, and as the last
 * instruction jcc, jmp rel, call rel, ret, call/jmp Ev. Anything else (including every
 * instruction the generic path would reject) ends the block before it; the generic path
 * executes it. Decoding never throws: it only reads bytes inside the page.
 *
 * <p>Operand field layout ({@link Block#f}): R bits 0-4 (register operand; 20-23 are AH, CH, DH,
 * BH), B bits 5-9 (r/m register, or the base register; {@link #ZERO} none, {@link #RIPBASE}
 * RIP-relative), X bits 10-14 (index, ZERO none), scale 15-16, segment 17-18 (0 none, 1 FS,
 * 2 GS), operand size 19-22, sub-operation 23-26 (ALU op, shift op, condition code), source size
 * of movzx/movsx 28-31 with signedness in bit 27.
 */
final class BlockDecoder {
  private BlockDecoder() {}

  static final int MAX_INSNS = 32;
  /** Register slot that always holds 0 (no base / no index). */
  static final int ZERO = 16;
  /** Register slot holding the block's start RIP while it executes (RIP-relative base). */
  static final int RIPBASE = 17;
  /** First of the four high-byte register codes (AH, CH, DH, BH). */
  static final int HIGH8 = 20;

  // Handler ids. _R: register operand form, _M: memory operand form.
  static final int MOV_RR = 1;
  static final int MOV_LOAD = 2;
  static final int MOV_STORE = 3;
  static final int MOV_RI = 4;
  static final int MOV_MI = 5;
  static final int ALU_RR = 6; // R = R op B (B is the source register)
  static final int ALU_RM = 7; // R = R op [m]
  static final int ALU_MR = 8; // [m] = [m] op R
  static final int ALU_RI = 9; // R = R op imm
  static final int ALU_MI = 10; // [m] = [m] op imm
  static final int LEA = 11;
  static final int PUSH_R = 12;
  static final int PUSH_I = 13;
  static final int PUSH_M = 14;
  static final int POP_R = 15;
  static final int INC_R = 16;
  static final int INC_M = 17;
  static final int DEC_R = 18;
  static final int DEC_M = 19;
  static final int MOVX_R = 20;
  static final int MOVX_M = 21;
  static final int SHIFT_RI = 22;
  static final int SHIFT_MI = 23;
  static final int SHIFT_RC = 24;
  static final int SHIFT_MC = 25;
  static final int IMUL_RR = 26; // R = R * B
  static final int IMUL_RM = 27;
  static final int IMUL_RRI = 28; // R = B * imm
  static final int IMUL_RMI = 29;
  static final int CMOV_R = 30;
  static final int CMOV_M = 31;
  static final int SETCC_R = 32;
  static final int SETCC_M = 33;
  static final int NOT_R = 34;
  static final int NOT_M = 35;
  static final int NEG_R = 36;
  static final int NEG_M = 37;
  static final int CDQE = 38;
  static final int CQO = 39;
  static final int NOP = 40;
  static final int MOVSXD_R = 41;
  static final int MOVSXD_M = 42;
  // Branches: the last instruction of a block, except jcc (a side exit anywhere in it).
  // imm = target offset from the block start.
  static final int JCC = 43;
  static final int JMP = 44;
  static final int CALL = 45;
  static final int RET = 46;
  static final int CALL_R = 47;
  static final int CALL_M = 48;
  static final int JMP_R = 49;
  static final int JMP_M = 50;
  // Size-specialised forms of the most frequent handlers (64- and 32-bit operands).
  static final int MOV_RR64 = 51;
  static final int MOV_RR32 = 52;
  static final int LOAD64 = 53;
  static final int LOAD32 = 54;
  static final int STORE64 = 55;
  static final int STORE32 = 56;
  static final int MOV_RI_WIDE = 57; // imm already zero-extended (32) or full (64)
  static final int ALU_RR64 = 58;
  static final int ALU_RR32 = 59;
  static final int ALU_RI64 = 60;
  static final int ALU_RI32 = 61;
  static final int ALU_RM64 = 62;
  static final int ALU_RM32 = 63;
  static final int LEA64 = 64;
  static final int LEA32 = 65;
  static final int MOVZX8_R = 66;
  static final int MOVZX8_M = 67;
  // ALU operation x form specialisations (ALU_SPEC + op index * 4 + form), and compares/tests
  // fused with the jcc that follows them (FUSED + (test ? 4 : 0) + form).
  static final int MOV_MI8 = 68;
  static final int MOV_MI32 = 69;
  static final int MOV_MI64 = 70;
  /** cmp [m], imm (any size) fused with the jcc after it. */
  static final int FCMP_MI = 71;
  static final int ALU_SPEC = 80;
  static final int FUSED = 110;
  static final int ADD_RR64 = 80;
  static final int ADD_RR32 = 81;
  static final int ADD_RI64 = 82;
  static final int ADD_RI32 = 83;
  static final int OR_RR64 = 84;
  static final int OR_RR32 = 85;
  static final int OR_RI64 = 86;
  static final int OR_RI32 = 87;
  static final int AND_RR64 = 88;
  static final int AND_RR32 = 89;
  static final int AND_RI64 = 90;
  static final int AND_RI32 = 91;
  static final int SUB_RR64 = 92;
  static final int SUB_RR32 = 93;
  static final int SUB_RI64 = 94;
  static final int SUB_RI32 = 95;
  static final int XOR_RR64 = 96;
  static final int XOR_RR32 = 97;
  static final int XOR_RI64 = 98;
  static final int XOR_RI32 = 99;
  static final int CMP_RR64 = 100;
  static final int CMP_RR32 = 101;
  static final int CMP_RI64 = 102;
  static final int CMP_RI32 = 103;
  static final int TEST_RR64 = 104;
  static final int TEST_RR32 = 105;
  static final int TEST_RI64 = 106;
  static final int TEST_RI32 = 107;
  static final int FCMP_RR64 = 110;
  static final int FCMP_RR32 = 111;
  static final int FCMP_RI64 = 112;
  static final int FCMP_RI32 = 113;
  static final int FTEST_RR64 = 114;
  static final int FTEST_RR32 = 115;
  static final int FTEST_RI64 = 116;
  static final int FTEST_RI32 = 117;

  /** Operand-field bit of jcc/jmp (and fused compares): the target is the jump itself or 2 before. */
  static final int SPIN_CANDIDATE = 1 << 27;
  /** ALU sub-operation: test (and without writing, flags as logicFlags). */
  static final int OP_TEST = 8;

  /** Decoder scratch (one decode at a time: CPUs of a machine share one thread). */
  private static final class Out {
    final int[] op = new int[MAX_INSNS];
    final int[] f = new int[MAX_INSNS];
    final long[] imm = new long[MAX_INSNS];
    final long[] disp = new long[MAX_INSNS];
    final int[] end = new int[MAX_INSNS];
    final int[] cost = new int[MAX_INSNS];
  }

  /** Per-instruction decode state. */
  private static final class D {
    byte[] ram;
    int pos;
    int limit;
    boolean ok;
    int rex;
    boolean opsize;
    int seg;
    // ModRM
    int mod;
    int reg;
    int rmReg;
    int base;
    int index;
    int scale;
    long disp;
    boolean ripRel;

    int u8() {
      if (pos >= limit) {
        ok = false;
        return 0;
      }
      return ram[pos++] & 0xff;
    }

    long s8() {
      return (byte) u8();
    }

    long s32() {
      int a = u8();
      int b = u8();
      int c = u8();
      int d = u8();
      return a | b << 8 | c << 16 | d << 24;
    }

    long s16() {
      int a = u8();
      return (short) (a | u8() << 8);
    }

    long u64() {
      long lo = s32() & 0xffff_ffffL;
      return lo | s32() << 32;
    }

    void modrm() {
      int m = u8();
      mod = m >>> 6;
      reg = ((m >>> 3) & 7) | ((rex & 4) << 1);
      int r = m & 7;
      base = ZERO;
      index = ZERO;
      scale = 0;
      disp = 0;
      ripRel = false;
      if (mod == 3) {
        rmReg = r | ((rex & 1) << 3);
        return;
      }
      if (r == 4) {
        int sib = u8();
        scale = sib >>> 6;
        int idx = ((sib >>> 3) & 7) | ((rex & 2) << 2);
        if (idx != 4) {
          index = idx;
        }
        int b = sib & 7;
        if (b == 5 && mod == 0) {
          disp = s32();
        } else {
          base = b | ((rex & 1) << 3);
        }
      } else if (r == 5 && mod == 0) {
        disp = s32();
        ripRel = true;
        base = RIPBASE;
      } else {
        base = r | ((rex & 1) << 3);
      }
      if (mod == 1) {
        disp += s8();
      } else if (mod == 2) {
        disp += s32();
      }
    }
  }

  private static final Out OUT = new Out();
  private static final int[] EMPTY_INT = new int[0];
  private static final long[] EMPTY_LONG = new long[0];
  private static final D D0 = new D();

  /**
   * Decodes the block at page offset {@code off} of the page at RAM index {@code pagePa}; it has
   * no instructions when the first one is not supported.
   */
  static Block decode(byte[] ram, int pagePa, int off) {
    synchronized (OUT) {
      return decodeLocked(ram, pagePa, off);
    }
  }

  private static Block decodeLocked(byte[] ram, int pagePa, int off) {
    Out o = OUT;
    D d = D0;
    d.ram = ram;
    int n = 0;
    int at = pagePa + off;
    while (n < MAX_INSNS) {
      d.pos = at;
      d.limit = Math.min(pagePa + 4096, at + 15);
      d.ok = true;
      int kind = one(d, o, n);
      if (kind == 0 || !d.ok) {
        break;
      }
      int e = d.pos - (pagePa + off);
      o.end[n] = e;
      if ((o.f[n] >>> 5 & 31) == RIPBASE && isMemOp(o.op[n])) {
        o.disp[n] += e; // RIP-relative: relative to the end of the instruction
      }
      if (isBranch(o.op[n])) {
        if (o.op[n] == JCC || o.op[n] == JMP || o.op[n] == CALL) {
          o.imm[n] += e; // target offset from the block start
        }
        n++;
        if (o.op[n - 1] != JCC) {
          break;
        }
        at = d.pos; // a conditional branch is a side exit: the block goes on along its fall-through
        continue;
      }
      n++;
      at = d.pos;
    }
    if (n == 0) {
      return new Block(off, 0, EMPTY_INT, EMPTY_INT, EMPTY_LONG, EMPTY_LONG, EMPTY_INT, EMPTY_INT);
    }
    for (int k = 0; k < n; k++) {
      // Jumps that may close an idle loop (to themselves, or to a pause just before): flagged,
      // so that the block engine calls Decoder.checkSpin only for them.
      int start = k == 0 ? 0 : o.end[k - 1];
      if ((o.op[k] == JCC || o.op[k] == JMP) && (o.imm[k] == start || o.imm[k] == start - 2)) {
        o.f[k] |= SPIN_CANDIDATE;
      }
    }
    for (int k = 1; k < n; k++) {
      int prev = o.op[k - 1];
      if (o.op[k] == JCC && prev >= CMP_RR64 && prev <= TEST_RI32) {
        o.op[k - 1] = FUSED + (prev - CMP_RR64); // cmp or test, then a jcc: fused
        // The fused word carries the jcc's condition (its ALU sub-operation is implied) and flag.
        o.f[k - 1] = (o.f[k - 1] & ~(15 << 23)) | (o.f[k] & (15 << 23 | SPIN_CANDIDATE));
      } else if (o.op[k] == JCC && prev == ALU_MI && ((o.f[k - 1] >>> 23) & 15) == 7) {
        o.op[k - 1] = FCMP_MI;
        o.f[k - 1] = (o.f[k - 1] & ~(15 << 23)) | (o.f[k] & (15 << 23 | SPIN_CANDIDATE));
      }
    }
    return new Block(off, n, Arrays.copyOf(o.op, n), Arrays.copyOf(o.f, n),
        Arrays.copyOf(o.imm, n), Arrays.copyOf(o.disp, n), Arrays.copyOf(o.end, n),
        Arrays.copyOf(o.cost, n));
  }

  static boolean isBranch(int op) {
    return op >= JCC && op <= JMP_M;
  }

  static boolean isMemOp(int op) {
    switch (op) {
      case MOV_LOAD: case MOV_STORE: case MOV_MI: case ALU_RM: case ALU_MR: case ALU_MI:
      case LEA: case PUSH_M: case INC_M: case DEC_M: case MOVX_M: case SHIFT_MI: case SHIFT_MC:
      case IMUL_RM: case IMUL_RMI: case CMOV_M: case SETCC_M: case NOT_M: case NEG_M:
      case MOV_MI8: case MOV_MI32: case MOV_MI64: case FCMP_MI:
      case MOVSXD_M: case CALL_M: case JMP_M: case LOAD64: case LOAD32: case STORE64:
      case STORE32: case ALU_RM64: case ALU_RM32: case LEA64: case LEA32: case MOVZX8_M:
        return true;
      default:
        return false;
    }
  }

  /** Register code of an operand of size sz: AH..BH when sz is 1, there is no REX and r is 4-7. */
  private static int r8(int r, int sz, int rex) {
    return sz == 1 && rex == 0 && r >= 4 && r < 8 ? HIGH8 + r - 4 : r;
  }

  private static int pack(int r, int b, int x, int scale, int seg, int sz, int sub) {
    return r | b << 5 | x << 10 | scale << 15 | seg << 17 | sz << 19 | sub << 23;
  }

  /** Packs the decoded ModRM: R = reg (size sz), B = r/m register or base. */
  private static int packModrm(D d, int sz, int sub) {
    if (d.mod == 3) {
      return pack(r8(d.reg, sz, d.rex), r8(d.rmReg, sz, d.rex), ZERO, 0, 0, sz, sub);
    }
    return pack(r8(d.reg, sz, d.rex), d.base, d.index, d.scale, d.seg, sz, sub);
  }

  /** Decodes one instruction into slot i; 0 when unsupported. */
  private static int one(D d, Out o, int i) {
    d.rex = 0;
    d.opsize = false;
    d.seg = 0;
    int b;
    while (true) {
      b = d.u8();
      if (b == 0x66) {
        d.opsize = true;
      } else if (b == 0x64) {
        d.seg = 1;
      } else if (b == 0x65) {
        d.seg = 2;
      } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
        continue; // ignored in 64-bit mode
      } else {
        break;
      }
      if (!d.ok) {
        return 0;
      }
    }
    if ((b & 0xf0) == 0x40) {
      d.rex = b;
      b = d.u8();
      if ((b & 0xf0) == 0x40 || Core.isLegacyPrefix(b)) {
        return 0; // leave the odd prefix orders to the generic decoder
      }
    }
    if (!d.ok) {
      return 0;
    }
    int osz = (d.rex & 8) != 0 ? 8 : d.opsize ? 2 : 4;
    int base = CycleTable.BASE;
    o.imm[i] = 0;
    o.disp[i] = 0;
    if (b < 0x40 && (b & 7) < 6) { // ALU forms 00-3D
      int aop = b >>> 3;
      int sz = (b & 1) == 0 ? 1 : osz;
      switch (b & 7) {
        case 0: case 1: // op Eb/Ev, Gb/Gv
        case 2: case 3: { // op Gb/Gv, Eb/Ev
          d.modrm();
          boolean toReg = (b & 2) != 0;
          if (d.mod == 3) {
            // Register form: R = destination, B = source.
            int dst = toReg ? d.reg : d.rmReg;
            int src = toReg ? d.rmReg : d.reg;
            set(o, i, ALU_RR, pack(r8(dst, sz, d.rex), r8(src, sz, d.rex), ZERO, 0, 0, sz, aop),
                base);
          } else {
            set(o, i, toReg ? ALU_RM : ALU_MR, packModrm(d, sz, aop), base + CycleTable.MEM);
            o.disp[i] = d.disp;
          }
          return 1;
        }
        case 4: // op al, Ib
          set(o, i, ALU_RI, pack(0, ZERO, ZERO, 0, 0, 1, aop), base);
          o.imm[i] = d.u8();
          return 1;
        default: // op rAX, Iz
          set(o, i, ALU_RI, pack(0, ZERO, ZERO, 0, 0, osz, aop), base);
          o.imm[i] = osz == 2 ? d.s16() : d.s32();
          return 1;
      }
    }
    switch (b) {
      case 0x0f:
        return twoByte(d, o, i, osz);
      case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
        if (d.opsize) {
          return 0;
        }
        set(o, i, PUSH_R, pack((b & 7) | ((d.rex & 1) << 3), ZERO, ZERO, 0, 0, 8, 0), base);
        return 1;
      case 0x58: case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
        if (d.opsize) {
          return 0;
        }
        set(o, i, POP_R, pack((b & 7) | ((d.rex & 1) << 3), ZERO, ZERO, 0, 0, 8, 0), base);
        return 1;
      case 0x63: // movsxd
        if (osz == 2) {
          return 0;
        }
        d.modrm();
        if (d.mod == 3) {
          set(o, i, MOVSXD_R, pack(d.reg, d.rmReg, ZERO, 0, 0, osz, 0), base);
        } else {
          set(o, i, MOVSXD_M, packModrm(d, osz, 0), base + CycleTable.MEM);
          o.disp[i] = d.disp;
        }
        return 1;
      case 0x68: // push Iz
      case 0x6a: // push Ib
        if (d.opsize) {
          return 0;
        }
        set(o, i, PUSH_I, pack(0, ZERO, ZERO, 0, 0, 8, 0), base);
        o.imm[i] = b == 0x6a ? d.s8() : d.s32();
        return 1;
      case 0x69: // imul Gv, Ev, Iz
      case 0x6b: { // imul Gv, Ev, Ib
        d.modrm();
        long dsp = d.disp;
        long v = b == 0x6b ? d.s8() : osz == 2 ? d.s16() : d.s32();
        if (d.mod == 3) {
          set(o, i, IMUL_RRI, pack(d.reg, d.rmReg, ZERO, 0, 0, osz, 0), base + CycleTable.MUL);
        } else {
          set(o, i, IMUL_RMI, packModrm(d, osz, 0), base + CycleTable.MEM + CycleTable.MUL);
          o.disp[i] = dsp;
        }
        o.imm[i] = v;
        return 1;
      }
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f:
        set(o, i, JCC, pack(0, ZERO, ZERO, 0, 0, 8, b & 15), base);
        o.imm[i] = d.s8();
        return 1;
      case 0x80: case 0x81: case 0x83: {
        int sz = b == 0x80 ? 1 : osz;
        d.modrm();
        long dsp = d.disp;
        long v = b == 0x81 ? (osz == 2 ? d.s16() : d.s32()) : d.s8();
        if (b == 0x80) {
          v &= 0xff; // the generic path fetches Ib zero-extended; alu() masks either way
        }
        int aop = d.reg & 7;
        if (d.mod == 3) {
          set(o, i, ALU_RI, pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, aop), base);
        } else {
          set(o, i, ALU_MI, packModrm(d, sz, aop), base + CycleTable.MEM);
          o.disp[i] = dsp;
        }
        o.imm[i] = v;
        return 1;
      }
      case 0x84: case 0x85: {
        int sz = b == 0x84 ? 1 : osz;
        d.modrm();
        if (d.mod == 3) {
          set(o, i, ALU_RR,
              pack(r8(d.rmReg, sz, d.rex), r8(d.reg, sz, d.rex), ZERO, 0, 0, sz, OP_TEST), base);
        } else {
          set(o, i, ALU_MR, packModrm(d, sz, OP_TEST), base + CycleTable.MEM);
          o.disp[i] = d.disp;
        }
        return 1;
      }
      case 0x88: case 0x89: case 0x8a: case 0x8b: {
        int sz = (b & 1) == 0 ? 1 : osz;
        d.modrm();
        boolean toReg = (b & 2) != 0;
        if (d.mod == 3) {
          int dst = toReg ? d.reg : d.rmReg;
          int src = toReg ? d.rmReg : d.reg;
          set(o, i, MOV_RR, pack(r8(dst, sz, d.rex), r8(src, sz, d.rex), ZERO, 0, 0, sz, 0), base);
        } else {
          set(o, i, toReg ? MOV_LOAD : MOV_STORE, packModrm(d, sz, 0), base + CycleTable.MEM);
          o.disp[i] = d.disp;
        }
        return 1;
      }
      case 0x8d: // lea (no segment base)
        d.modrm();
        if (d.mod == 3) {
          return 0;
        }
        d.seg = 0;
        set(o, i, LEA, packModrm(d, osz, 0), base);
        o.disp[i] = d.disp;
        return 1;
      case 0x90:
        if ((d.rex & 1) != 0) {
          return 0; // xchg r8, rax
        }
        set(o, i, NOP, 0, base);
        return 1;
      case 0x98:
        set(o, i, CDQE, pack(0, ZERO, ZERO, 0, 0, osz, 0), base);
        return 1;
      case 0x99:
        set(o, i, CQO, pack(0, ZERO, ZERO, 0, 0, osz, 0), base);
        return 1;
      case 0xa8: // test al, Ib
        set(o, i, ALU_RI, pack(0, ZERO, ZERO, 0, 0, 1, OP_TEST), base);
        o.imm[i] = d.u8();
        return 1;
      case 0xa9: // test rAX, Iz
        set(o, i, ALU_RI, pack(0, ZERO, ZERO, 0, 0, osz, OP_TEST), base);
        o.imm[i] = osz == 2 ? d.s16() : d.s32();
        return 1;
      case 0xb0: case 0xb1: case 0xb2: case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7:
        set(o, i, MOV_RI, pack(r8((b & 7) | ((d.rex & 1) << 3), 1, d.rex), ZERO, ZERO, 0, 0, 1, 0),
            base);
        o.imm[i] = d.u8();
        return 1;
      case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
        set(o, i, MOV_RI, pack((b & 7) | ((d.rex & 1) << 3), ZERO, ZERO, 0, 0, osz, 0), base);
        o.imm[i] = osz == 8 ? d.u64() : osz == 4 ? d.s32() & 0xffff_ffffL : d.s16() & 0xffff;
        return 1;
      case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        int sz = (b & 1) == 0 ? 1 : osz;
        d.modrm();
        long dsp = d.disp;
        boolean byCl = b >= 0xd2;
        long count = b <= 0xc1 ? d.u8() : 1;
        int sop = d.reg & 7;
        if (d.mod == 3) {
          set(o, i, byCl ? SHIFT_RC : SHIFT_RI,
              pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, sop), base);
        } else {
          set(o, i, byCl ? SHIFT_MC : SHIFT_MI, packModrm(d, sz, sop), base + CycleTable.MEM);
          o.disp[i] = dsp;
        }
        o.imm[i] = count;
        return 1;
      }
      case 0xc3:
        if (d.opsize) {
          return 0; // ret with a 16-bit operand
        }
        set(o, i, RET, 0, base);
        return 1;
      case 0xc6: case 0xc7: {
        int sz = b == 0xc6 ? 1 : osz;
        d.modrm();
        if ((d.reg & 7) != 0) {
          return 0;
        }
        long dsp = d.disp;
        long v = sz == 1 ? d.u8() : sz == 2 ? d.s16() : d.s32();
        if (d.mod == 3) {
          set(o, i, MOV_RI, pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, 0), base);
          o.imm[i] = sz == 4 ? v & 0xffff_ffffL : v;
        } else {
          set(o, i, MOV_MI, packModrm(d, sz, 0), base + CycleTable.MEM);
          o.disp[i] = dsp;
          o.imm[i] = v;
        }
        return 1;
      }
      case 0xe8:
        set(o, i, CALL, 0, base);
        o.imm[i] = d.s32();
        return 1;
      case 0xe9:
        set(o, i, JMP, 0, base);
        o.imm[i] = d.s32();
        return 1;
      case 0xeb:
        set(o, i, JMP, 0, base);
        o.imm[i] = d.s8();
        return 1;
      case 0xf6: case 0xf7: {
        int sz = b == 0xf6 ? 1 : osz;
        d.modrm();
        long dsp = d.disp;
        int sub = d.reg & 7;
        if (sub < 2) { // test Ev, Iz
          long v = sz == 1 ? d.u8() : sz == 2 ? d.s16() : d.s32();
          if (d.mod == 3) {
            set(o, i, ALU_RI, pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, OP_TEST), base);
          } else {
            set(o, i, ALU_MI, packModrm(d, sz, OP_TEST), base + CycleTable.MEM);
            o.disp[i] = dsp;
          }
          o.imm[i] = v;
          return 1;
        }
        if (sub != 2 && sub != 3) {
          return 0; // mul/imul/div/idiv
        }
        boolean not = sub == 2;
        if (d.mod == 3) {
          set(o, i, not ? NOT_R : NEG_R, pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, 0),
              base);
        } else {
          set(o, i, not ? NOT_M : NEG_M, packModrm(d, sz, 0), base + CycleTable.MEM);
          o.disp[i] = dsp;
        }
        return 1;
      }
      case 0xfe: case 0xff: {
        int sz = b == 0xfe ? 1 : osz;
        d.modrm();
        int sub = d.reg & 7;
        boolean mem = d.mod != 3;
        int cost = base + (mem ? CycleTable.MEM : 0);
        switch (sub) {
          case 0:
          case 1:
            if (mem) {
              set(o, i, sub == 0 ? INC_M : DEC_M, packModrm(d, sz, 0), cost);
            } else {
              set(o, i, sub == 0 ? INC_R : DEC_R,
                  pack(r8(d.rmReg, sz, d.rex), ZERO, ZERO, 0, 0, sz, 0), cost);
            }
            break;
          case 2:
          case 4:
            if (b == 0xfe) {
              return 0;
            }
            if (mem) {
              set(o, i, sub == 2 ? CALL_M : JMP_M, packModrm(d, 8, 0), cost);
            } else {
              set(o, i, sub == 2 ? CALL_R : JMP_R, pack(0, d.rmReg, ZERO, 0, 0, 8, 0), cost);
            }
            break;
          case 6:
            if (b == 0xfe || !mem || d.opsize) {
              return 0;
            }
            set(o, i, PUSH_M, packModrm(d, 8, 0), cost);
            break;
          default:
            return 0;
        }
        o.disp[i] = mem ? d.disp : 0;
        return 1;
      }
      default:
        return 0;
    }
  }

  private static int twoByte(D d, Out o, int i, int osz) {
    int b = d.u8();
    int base = CycleTable.BASE;
    if (b == 0x1f) { // nop Ev
      d.modrm();
      set(o, i, NOP, 0, base);
      return 1;
    }
    if (b >= 0x40 && b <= 0x4f) { // cmovcc
      d.modrm();
      if (d.mod == 3) {
        set(o, i, CMOV_R, pack(d.reg, d.rmReg, ZERO, 0, 0, osz, b & 15), base);
      } else {
        set(o, i, CMOV_M, packModrm(d, osz, b & 15), base + CycleTable.MEM);
        o.disp[i] = d.disp;
      }
      return 1;
    }
    if (b >= 0x80 && b <= 0x8f) { // jcc rel32
      set(o, i, JCC, pack(0, ZERO, ZERO, 0, 0, 8, b & 15), base);
      o.imm[i] = d.s32();
      return 1;
    }
    if (b >= 0x90 && b <= 0x9f) { // setcc Eb
      d.modrm();
      if (d.mod == 3) {
        set(o, i, SETCC_R, pack(r8(d.rmReg, 1, d.rex), ZERO, ZERO, 0, 0, 1, b & 15), base);
      } else {
        set(o, i, SETCC_M, packModrm(d, 1, b & 15), base + CycleTable.MEM);
        o.disp[i] = d.disp;
      }
      return 1;
    }
    if (b == 0xaf) { // imul Gv, Ev
      d.modrm();
      if (d.mod == 3) {
        set(o, i, IMUL_RR, pack(d.reg, d.rmReg, ZERO, 0, 0, osz, 0), base + CycleTable.MUL);
      } else {
        set(o, i, IMUL_RM, packModrm(d, osz, 0), base + CycleTable.MEM + CycleTable.MUL);
        o.disp[i] = d.disp;
      }
      return 1;
    }
    if (b == 0xb6 || b == 0xb7 || b == 0xbe || b == 0xbf) { // movzx / movsx
      int ssz = (b & 1) == 0 ? 1 : 2;
      boolean signed = b >= 0xbe;
      d.modrm();
      int extra = (signed ? 1 << 27 : 0) | ssz << 28;
      if (d.mod == 3) {
        set(o, i, MOVX_R, pack(d.reg, r8(d.rmReg, ssz, d.rex), ZERO, 0, 0, osz, 0) | extra, base);
      } else {
        set(o, i, MOVX_M, packModrm(d, osz, 0) | extra, base + CycleTable.MEM);
        o.disp[i] = d.disp;
      }
      return 1;
    }
    return 0;
  }

  private static void set(Out o, int i, int op, int f, int cost) {
    o.op[i] = specialise(op, f);
    o.f[i] = f;
    o.cost[i] = cost;
  }

  /** Index of an ALU operation among the specialised ones (add or and sub xor cmp test), or -1. */
  private static int aluIndex(int aop) {
    switch (aop) {
      case 0: return 0;
      case 1: return 1;
      case 4: return 2;
      case 5: return 3;
      case 6: return 4;
      case 7: return 5;
      case OP_TEST: return 6;
      default: return -1;
    }
  }

  /** The size-specialised handler for a generic one, where there is one. */
  private static int specialise(int op, int f) {
    int sz = (f >>> 19) & 15;
    boolean q = sz == 8;
    boolean d = sz == 4;
    if (op == MOV_MI) {
      return sz == 1 ? MOV_MI8 : q ? MOV_MI64 : d ? MOV_MI32 : op;
    }
    if (!q && !d) {
      return op;
    }
    switch (op) {
      case MOV_RR:
        return q ? MOV_RR64 : MOV_RR32;
      case MOV_LOAD:
        return q ? LOAD64 : LOAD32;
      case MOV_STORE:
        return q ? STORE64 : STORE32;
      case MOV_RI:
        return MOV_RI_WIDE;
      case ALU_RR:
      case ALU_RI: {
        int k = aluIndex((f >>> 23) & 15);
        int form = (op == ALU_RR ? 0 : 2) + (q ? 0 : 1);
        if (k >= 0) {
          return ALU_SPEC + k * 4 + form;
        }
        return op == ALU_RR ? (q ? ALU_RR64 : ALU_RR32) : (q ? ALU_RI64 : ALU_RI32);
      }
      case ALU_RM:
        return q ? ALU_RM64 : ALU_RM32;
      case LEA:
        return q ? LEA64 : LEA32;
      case MOVX_R:
        return (f >>> 28) == 1 && (f & (1 << 27)) == 0 && ((f >>> 5) & 31) < HIGH8 ? MOVZX8_R : op;
      case MOVX_M:
        return (f >>> 28) == 1 && (f & (1 << 27)) == 0 ? MOVZX8_M : op;
      default:
        return op;
    }
  }
}
