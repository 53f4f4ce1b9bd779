package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * Integer ALU with lazily evaluated arithmetic flags.
 *
 * <p>Overview: an arithmetic instruction only records what produced its flags: the operation
 * ({@code fOp}), the masked operands ({@code fA}, {@code fB}), the masked result ({@code fRes}),
 * the operand size in bytes ({@code fSz}) and an incoming carry ({@code fCin}, the ADC/SBB carry
 * or the CF that INC/DEC preserve). CF, PF, AF, ZF, SF and OF are computed from that record only
 * when something reads them (jcc, setcc, pushf...). {@code F_NONE} means the bits in
 * {@code eflags} are authoritative. Rare operations (rotates, multiplies, bit tests) compute their
 * flags eagerly. Flags the SDM leaves undefined get a fixed, documented value (see docs/cpu.md).
 */
abstract class Alu extends Mmu {
  static final int F_NONE = 0;
  static final int F_ADD = 1;
  static final int F_ADC = 2;
  static final int F_SUB = 3;
  static final int F_SBB = 4;
  static final int F_LOGIC = 5;
  static final int F_INC = 6;
  static final int F_DEC = 7;
  static final int F_SHL = 8;
  static final int F_SHR = 9;
  static final int F_SAR = 10;

  int fOp;
  long fA;
  long fB;
  long fRes;
  int fSz = 8;
  int fCin;

  Alu(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  static long mask(int sz) {
    return sz == 8 ? -1L : (1L << (sz << 3)) - 1;
  }

  static long signBit(int sz) {
    return 1L << ((sz << 3) - 1);
  }

  /** Sign-extends the low sz bytes of v. */
  static long sx(long v, int sz) {
    int s = 64 - (sz << 3);
    return v << s >> s;
  }

  // ---------------------------------------------------------------------------------------------
  // Flag evaluation

  final int cf() {
    switch (fOp) {
      case F_NONE:
        return eflags & CF;
      case F_ADD:
        return Long.compareUnsigned(fRes, fA) < 0 ? 1 : 0;
      case F_ADC:
        return Long.compareUnsigned(fRes, fA) < 0 || (fCin != 0 && fRes == fA) ? 1 : 0;
      case F_SUB:
        return Long.compareUnsigned(fA, fB) < 0 ? 1 : 0;
      case F_SBB:
        return Long.compareUnsigned(fA, fB) < 0 || (fCin != 0 && fA == fB) ? 1 : 0;
      case F_INC:
      case F_DEC:
        return fCin;
      case F_SHL: {
        int bits = fSz << 3;
        return fB > bits ? 0 : (int) (fA >>> (bits - fB)) & 1;
      }
      case F_SHR:
        return fB > 64 ? 0 : (int) (fA >>> (fB - 1)) & 1;
      case F_SAR:
        return (int) (sx(fA, fSz) >> Math.min(fB - 1, 63)) & 1;
      default:
        return 0;
    }
  }

  final boolean zf() {
    return fOp == F_NONE ? (eflags & ZF) != 0 : fRes == 0;
  }

  final boolean sf() {
    return fOp == F_NONE ? (eflags & SF) != 0 : (fRes & signBit(fSz)) != 0;
  }

  final boolean pf() {
    return fOp == F_NONE ? (eflags & PF) != 0 : (Integer.bitCount((int) fRes & 0xff) & 1) == 0;
  }

  final boolean af() {
    switch (fOp) {
      case F_NONE:
        return (eflags & AF) != 0;
      case F_ADD:
      case F_ADC:
      case F_SUB:
      case F_SBB:
        return ((fA ^ fB ^ fRes) & 0x10) != 0;
      case F_INC:
        return (fRes & 0xf) == 0;
      case F_DEC:
        return (fRes & 0xf) == 0xf;
      default:
        return false;
    }
  }

  final boolean of() {
    long sign = signBit(fSz);
    switch (fOp) {
      case F_NONE:
        return (eflags & OF) != 0;
      case F_ADD:
      case F_ADC:
        return ((fA ^ fRes) & (fB ^ fRes) & sign) != 0;
      case F_SUB:
      case F_SBB:
        return ((fA ^ fB) & (fA ^ fRes) & sign) != 0;
      case F_INC:
        return fRes == sign;
      case F_DEC:
        return fRes == sign - 1;
      case F_SHL:
        return ((fRes & sign) != 0) != (cf() != 0);
      case F_SHR:
        return ((fRes ^ fA) & sign) != 0;
      default:
        return false;
    }
  }

  /** Folds the lazy record into eflags. */
  final void materialize() {
    if (fOp == F_NONE) {
      return;
    }
    int f = cf();
    if (pf()) {
      f |= PF;
    }
    if (af()) {
      f |= AF;
    }
    if (zf()) {
      f |= ZF;
    }
    if (sf()) {
      f |= SF;
    }
    if (of()) {
      f |= OF;
    }
    eflags = (eflags & ~ARITH) | f;
    fOp = F_NONE;
  }

  final int flags() {
    materialize();
    return eflags;
  }

  /** Sets all six arithmetic flags at once. */
  final void setArith(int bits) {
    eflags = (eflags & ~ARITH) | (bits & ARITH);
    fOp = F_NONE;
  }

  final void setCf(boolean c) {
    materialize();
    eflags = c ? eflags | CF : eflags & ~CF;
  }

  /** Flags SF, ZF, PF of a result (others given). */
  static int szp(long res, int sz) {
    int f = 0;
    if ((res & mask(sz)) == 0) {
      f |= ZF;
    }
    if ((res & signBit(sz)) != 0) {
      f |= SF;
    }
    if ((Integer.bitCount((int) res & 0xff) & 1) == 0) {
      f |= PF;
    }
    return f;
  }

  /** Conditions decided by a compare's operands alone (b, ae, e, ne, be, a, l, ge, le, g). */
  static boolean isCompareCond(int cc) {
    return (cc >= 2 && cc <= 7) || cc >= 0xc;
  }

  /** Condition cc (isCompareCond) after a compare (sub) of a and b, operands of sz bytes. */
  static boolean compareCond(int cc, long a, long b, int sz) {
    switch (cc) {
      case 2:
        return Long.compareUnsigned(a, b) < 0;
      case 3:
        return Long.compareUnsigned(a, b) >= 0;
      case 4:
        return a == b;
      case 5:
        return a != b;
      case 6:
        return Long.compareUnsigned(a, b) <= 0;
      case 7:
        return Long.compareUnsigned(a, b) > 0;
      case 0xc:
        return sx(a, sz) < sx(b, sz);
      case 0xd:
        return sx(a, sz) >= sx(b, sz);
      case 0xe:
        return sx(a, sz) <= sx(b, sz);
      default:
        return sx(a, sz) > sx(b, sz);
    }
  }

  final boolean cond(int cc) {
    if (fOp == F_SUB) {
      if (isCompareCond(cc)) {
        return compareCond(cc, fA, fB, fSz);
      }
    } else if (fOp == F_LOGIC) {
      switch (cc) {
        case 4:
          return fRes == 0;
        case 5:
          return fRes != 0;
        default:
          break;
      }
    }
    boolean r;
    switch (cc >> 1) {
      case 0:
        r = of();
        break;
      case 1:
        r = cf() != 0;
        break;
      case 2:
        r = zf();
        break;
      case 3:
        r = cf() != 0 || zf();
        break;
      case 4:
        r = sf();
        break;
      case 5:
        r = pf();
        break;
      case 6:
        r = sf() != of();
        break;
      default:
        r = zf() || sf() != of();
        break;
    }
    return (cc & 1) != 0 ? !r : r;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /** The eight classic ALU ops (add or adc sbb and sub xor cmp) by their ModRM /reg number. */
  final long alu(int op, int sz, long a, long b) {
    long m = mask(sz);
    a &= m;
    b &= m;
    long r;
    switch (op) {
      case 0:
        r = (a + b) & m;
        fOp = F_ADD;
        break;
      case 1:
        r = a | b;
        fOp = F_LOGIC;
        break;
      case 2:
      case 3:
        return withCarry(op == 2, sz, a, b);
      case 4:
        r = a & b;
        fOp = F_LOGIC;
        break;
      case 6:
        r = a ^ b;
        fOp = F_LOGIC;
        break;
      default: // 5 sub, 7 cmp
        r = (a - b) & m;
        fOp = F_SUB;
        break;
    }
    fA = a;
    fB = b;
    fRes = r;
    fSz = sz;
    return r;
  }

  /** adc (add) or sbb of masked operands (kept out of alu() so that alu() inlines where hot). */
  private long withCarry(boolean add, int sz, long a, long b) {
    long m = mask(sz);
    int c = cf();
    long r = add ? (a + b + c) & m : (a - b - c) & m;
    fCin = c;
    fOp = add ? F_ADC : F_SBB;
    fA = a;
    fB = b;
    fRes = r;
    fSz = sz;
    return r;
  }

  final long sub(int sz, long a, long b) {
    return alu(5, sz, a, b);
  }

  final void logicFlags(int sz, long r) {
    fOp = F_LOGIC;
    fRes = r & mask(sz);
    fA = 0;
    fB = 0;
    fSz = sz;
  }

  final long inc(int sz, long a) {
    int c = cf();
    long m = mask(sz);
    a &= m;
    long r = (a + 1) & m;
    fCin = c;
    fOp = F_INC;
    fA = a;
    fB = 1;
    fRes = r;
    fSz = sz;
    return r;
  }

  final long dec(int sz, long a) {
    int c = cf();
    long m = mask(sz);
    a &= m;
    long r = (a - 1) & m;
    fCin = c;
    fOp = F_DEC;
    fA = a;
    fB = 1;
    fRes = r;
    fSz = sz;
    return r;
  }

  /** Group-2 shift/rotate by ModRM /reg: rol ror rcl rcr shl shr sal sar. */
  final long shift(int op, int sz, long v, int count) {
    count &= sz == 8 ? 63 : 31;
    long m = mask(sz);
    v &= m;
    if (count == 0) {
      return v;
    }
    int bits = sz << 3;
    long sign = signBit(sz);
    long r;
    switch (op) {
      case 0: { // rol
        int c = count % bits;
        r = c == 0 ? v : ((v << c) | (v >>> (bits - c))) & m;
        materialize();
        int f = eflags & ~(CF | OF);
        int cfv = (int) (r & 1);
        f |= cfv;
        if (((r & sign) != 0) != (cfv != 0)) {
          f |= OF;
        }
        eflags = f;
        return r;
      }
      case 1: { // ror
        int c = count % bits;
        r = c == 0 ? v : ((v >>> c) | (v << (bits - c))) & m;
        materialize();
        int f = eflags & ~(CF | OF);
        if ((r & sign) != 0) {
          f |= CF;
        }
        if (((r & sign) != 0) != ((r & (sign >>> 1)) != 0)) {
          f |= OF;
        }
        eflags = f;
        return r;
      }
      case 2: { // rcl
        int c = sz <= 2 ? count % (bits + 1) : count;
        materialize();
        int cfv = eflags & CF;
        r = v;
        for (int k = 0; k < c; k++) {
          int out = (r & sign) != 0 ? 1 : 0;
          r = ((r << 1) | cfv) & m;
          cfv = out;
        }
        int f = (eflags & ~(CF | OF)) | cfv;
        if (((r & sign) != 0) != (cfv != 0)) {
          f |= OF;
        }
        eflags = f;
        return r;
      }
      case 3: { // rcr
        int c = sz <= 2 ? count % (bits + 1) : count;
        materialize();
        int cfv = eflags & CF;
        r = v;
        for (int k = 0; k < c; k++) {
          int out = (int) (r & 1);
          r = (r >>> 1) | (cfv != 0 ? sign : 0);
          cfv = out;
        }
        int f = (eflags & ~(CF | OF)) | cfv;
        if (((r & sign) != 0) != ((r & (sign >>> 1)) != 0)) {
          f |= OF;
        }
        eflags = f;
        return r;
      }
      case 5: // shr
        r = count >= 64 ? 0 : v >>> count;
        fOp = F_SHR;
        break;
      case 7: // sar
        r = (sx(v, sz) >> count) & m;
        fOp = F_SAR;
        break;
      default: // 4 shl, 6 sal
        r = count >= 64 ? 0 : (v << count) & m;
        fOp = F_SHL;
        break;
    }
    fA = v;
    fB = count;
    fRes = r;
    fSz = sz;
    return r;
  }

  /** SHLD (left=true) / SHRD: dst shifted, bits filled from src. */
  final long shiftDouble(boolean left, int sz, long dst, long src, int count) {
    count &= sz == 8 ? 63 : 31;
    long m = mask(sz);
    dst &= m;
    src &= m;
    if (count == 0) {
      return dst;
    }
    int bits = sz << 3;
    long r;
    if (count > bits) {
      // Undefined in the SDM (16-bit operands, count > 16): model as a 32-bit-wide funnel.
      count = count % bits;
      if (count == 0) {
        return dst;
      }
    }
    if (left) {
      r = ((dst << count) | (count == bits ? src : src >>> (bits - count))) & m;
      if (count == bits) {
        r = src;
      }
      fOp = F_SHL;
    } else {
      r = ((count == bits ? 0 : dst >>> count) | (src << (bits - count))) & m;
      fOp = F_SHR;
    }
    fA = dst;
    fB = count;
    fRes = r;
    fSz = sz;
    return r;
  }
}
