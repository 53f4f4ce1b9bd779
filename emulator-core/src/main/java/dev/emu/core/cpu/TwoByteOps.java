package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * The 0F two-byte opcode map, plus multiply/divide and bit helpers shared with the one-byte map.
 * Everything not listed raises #UD (no x87/MMX/SSE/AVX, no VMX, no BMI).
 */
abstract class TwoByteOps extends Decoder {
  final int[] cpuidOut = new int[4];

  TwoByteOps(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  final void requireCpl0() {
    if (protectedMode && cpl != 0) {
      throw gp0();
    }
  }

  /** The two-byte map after 0F; b = the second opcode byte. */
  final void exec0FByte(int b) {
    switch (b) {
      case 0x00: // grp6: sldt str lldt ltr verr verw
        grp6();
        break;
      case 0x01: // grp7: sgdt sidt lgdt lidt smsw lmsw invlpg swapgs rdtscp
        grp7();
        break;
      case 0x05: // syscall
        syscall();
        break;
      case 0x06: // clts
        requireCpl0();
        cr0 &= ~CR0_TS;
        cost += CycleTable.SERIALIZING;
        break;
      case 0x07: // sysret
        sysret();
        break;
      case 0x08: // invd
      case 0x09: // wbinvd
        requireCpl0();
        cost += CycleTable.SERIALIZING;
        break;
      case 0x0d: // prefetch / prefetchw (hint)
      case 0x18: // prefetchh group (hint)
      case 0x19:
      case 0x1a:
      case 0x1b:
      case 0x1c:
      case 0x1d:
      case 0x1e: // endbr64 (F3 0F 1E FA) and reserved-nop space
      case 0x1f: // nop Ev
        modrm(0);
        cost -= isMem ? CycleTable.MEM : 0;
        break;
      case 0x20: // mov r, crN
        movFromCr();
        break;
      case 0x22: // mov crN, r
        movToCr();
        break;
      case 0x21: // mov r, drN
      case 0x23: { // mov drN, r
        requireCpl0();
        int m = fetch8();
        int dreg = ((m >>> 3) & 7);
        int r = (m & 7) | ((rex & 1) << 3);
        if (b == 0x21) {
          regs[r] = mode64 ? dr[dreg] : dr[dreg] & 0xffff_ffffL;
        } else {
          dr[dreg] = mode64 ? regs[r] : regs[r] & 0xffff_ffffL;
        }
        cost += CycleTable.SERIALIZING;
        break;
      }
      case 0x30: // wrmsr
        requireCpl0();
        writeMsr((int) regs[1], (regs[2] << 32) | (regs[0] & 0xffff_ffffL));
        cost += CycleTable.SERIALIZING;
        break;
      case 0x31: // rdtsc
        if ((cr4 & 4) != 0 && cpl != 0) {
          throw gp0();
        }
        setEdxEax(tsc());
        cost += CycleTable.RDTSC;
        break;
      case 0x32: // rdmsr
        requireCpl0();
        setEdxEax(readMsr((int) regs[1]));
        cost += CycleTable.RDMSR;
        break;
      case 0x33: { // rdpmc
        if ((cr4 & 0x100) == 0 && cpl != 0) {
          throw gp0();
        }
        irqPoll = true; // a host call may make an interrupt pending
        long v = host.readPmc((int) regs[1]);
        if (v == -1) {
          throw gp0();
        }
        setEdxEax(v);
        cost += CycleTable.RDMSR;
        break;
      }
      case 0x0b: // ud2
      case 0xb9: // ud1
      case 0xff: // ud0
        throw ud();
      case 0xa0: // push fs
        push(stackOpSize(), segSel[FS]);
        break;
      case 0xa1: // pop fs
        loadSeg(FS, (int) peek(stackOpSize(), 0));
        adjustSp(stackOpSize());
        break;
      case 0xa8: // push gs
        push(stackOpSize(), segSel[GS]);
        break;
      case 0xa9: // pop gs
        loadSeg(GS, (int) peek(stackOpSize(), 0));
        adjustSp(stackOpSize());
        break;
      case 0xa2: // cpuid
        Cpuid.query(model, index, cpuCount, (int) regs[0], (int) regs[1], cpuidOut);
        regs[0] = cpuidOut[0] & 0xffff_ffffL;
        regs[3] = cpuidOut[1] & 0xffff_ffffL;
        regs[1] = cpuidOut[2] & 0xffff_ffffL;
        regs[2] = cpuidOut[3] & 0xffff_ffffL;
        cost += CycleTable.SERIALIZING;
        break;
      case 0xa3: // bt Ev, Gv
      case 0xab: // bts
      case 0xb3: // btr
      case 0xbb: // btc
        bitTestReg((b >>> 3) & 3);
        break;
      case 0xba: { // grp8: bt/bts/btr/btc Ev, Ib
        modrm(1);
        int op = reg & 7;
        if (op < 4) {
          throw ud();
        }
        int bit = fetch8() & ((osz << 3) - 1);
        bitTest(op - 4, bit, 0);
        break;
      }
      case 0xa4: // shld Ev, Gv, Ib
      case 0xa5: // shld Ev, Gv, CL
      case 0xac: // shrd Ev, Gv, Ib
      case 0xad: { // shrd Ev, Gv, CL
        modrm((b & 1) == 0 ? 1 : 0);
        int count = (b & 1) == 0 ? fetch8() : (int) regs[1] & 0xff;
        long r = shiftDouble(b < 0xa8, osz, readRm(osz), getReg(osz, reg), count);
        if ((count & (osz == 8 ? 63 : 31)) != 0 || !isMem) {
          writeRm(osz, r);
        }
        break;
      }
      case 0xae: // grp15: fences, clflush
        grp15();
        break;
      case 0xaf: { // imul Gv, Ev
        modrm(0);
        long r = imul2(osz, getReg(osz, reg), readRm(osz));
        setReg(osz, reg, r);
        break;
      }
      case 0xb0: // cmpxchg Eb, Gb
      case 0xb1: // cmpxchg Ev, Gv
        cmpxchg(b == 0xb0 ? 1 : osz);
        break;
      case 0xb2: // lss
        loadFarPointer(SS);
        break;
      case 0xb4: // lfs
        loadFarPointer(FS);
        break;
      case 0xb5: // lgs
        loadFarPointer(GS);
        break;
      case 0xb6: // movzx Gv, Eb
      case 0xb7: { // movzx Gv, Ew
        modrm(0);
        setReg(osz, reg, readRm(b == 0xb6 ? 1 : 2));
        break;
      }
      case 0xbe: // movsx Gv, Eb
      case 0xbf: { // movsx Gv, Ew
        int sz = b == 0xbe ? 1 : 2;
        modrm(0);
        setReg(osz, reg, sx(readRm(sz), sz));
        break;
      }
      case 0xb8: { // popcnt (F3 only)
        if (rep != 0xf3) {
          throw ud();
        }
        modrm(0);
        long v = readRm(osz);
        setReg(osz, reg, Long.bitCount(v));
        setArith(v == 0 ? ZF : 0);
        cost += CycleTable.BITSCAN;
        break;
      }
      case 0xbc: // bsf (tzcnt is not advertised: F3 0F BC executes as bsf, like pre-BMI1 CPUs)
        bitScan(true, false);
        break;
      case 0xbd: // bsr, or lzcnt with F3 (CPUID.80000001H:ECX.LZCNT)
        bitScan(false, rep == 0xf3);
        break;
      case 0xc0: // xadd Eb, Gb
      case 0xc1: { // xadd Ev, Gv
        int sz = b == 0xc0 ? 1 : osz;
        modrm(0);
        if (lock) {
          cost += CycleTable.LOCKED;
        }
        long d = readRm(sz);
        long s = getReg(sz, reg);
        long sum = alu(0, sz, d, s);
        setReg(sz, reg, d);
        writeRm(sz, sum);
        break;
      }
      case 0xc7: // grp9: cmpxchg8b/16b
        grp9();
        break;
      case 0xc8: case 0xc9: case 0xca: case 0xcb:
      case 0xcc: case 0xcd: case 0xce: case 0xcf: { // bswap
        int r = (b & 7) | ((rex & 1) << 3);
        if (osz == 8) {
          regs[r] = Long.reverseBytes(regs[r]);
        } else if (osz == 4) {
          regs[r] = Integer.reverseBytes((int) regs[r]) & 0xffff_ffffL;
        } else {
          setReg(2, r, 0); // undefined in the SDM; zero like current Intel parts
        }
        break;
      }
      default:
        if (b >= 0x40 && b <= 0x4f) { // cmovcc Gv, Ev
          modrm(0);
          long v = readRm(osz);
          if (cond(b & 15)) {
            setReg(osz, reg, v);
          } else if (osz == 4) {
            regs[reg] &= 0xffff_ffffL;
          }
        } else if (b >= 0x80 && b <= 0x8f) { // jcc rel16/32
          long rel = osz == 2 && !mode64 ? (short) fetch16() : fetch32();
          if (cond(b & 15)) {
            jumpTo(ip + rel);
            checkSpin(ip);
          }
        } else if (b >= 0x90 && b <= 0x9f) { // setcc Eb
          modrm(0);
          writeRm(1, cond(b & 15) ? 1 : 0);
        } else {
          throw ud();
        }
        break;
    }
  }

  final void setEdxEax(long v) {
    regs[0] = v & 0xffff_ffffL;
    regs[2] = v >>> 32;
  }

  private void grp6() {
    modrm(0);
    int op = reg & 7;
    switch (op) {
      case 0: // sldt
        writeRm(isMem ? 2 : osz, ldtSel);
        break;
      case 1: // str
        writeRm(isMem ? 2 : osz, trSel);
        break;
      case 2: { // lldt
        requireCpl0();
        int sel = (int) readRm(2);
        if ((sel & 0xfffc) == 0) {
          ldtSel = sel;
          ldtBase = 0;
          ldtLimit = 0;
        } else {
          long d = readDescriptor(sel & ~4);
          long base = descBase(d);
          if (mode64) {
            base |= sysRead64(gdtBase + (sel & 0xfff8) + 8) << 32;
          }
          ldtSel = sel;
          ldtBase = base;
          ldtLimit = (int) descLimit(d);
        }
        cost += CycleTable.SERIALIZING;
        break;
      }
      case 3: { // ltr
        requireCpl0();
        int sel = (int) readRm(2);
        if ((sel & 0xfffc) == 0 || (sel & 4) != 0) {
          throw fault(VEC_GP, sel & 0xfffc);
        }
        long d = readDescriptor(sel);
        int attr = descAttr(d);
        int type = attr & 0x1f;
        if (type != 0x09 && type != 0x01) { // available TSS
          throw fault(VEC_GP, sel & 0xfffc);
        }
        if ((attr & ATTR_P) == 0) {
          throw fault(VEC_NP, sel & 0xfffc);
        }
        long base = descBase(d);
        if ((efer & EFER_LMA) != 0) {
          base |= sysRead64(gdtBase + (sel & 0xfff8) + 8) << 32;
        }
        trSel = sel;
        trBase = base;
        trLimit = (int) descLimit(d);
        trAttr = attr | 2; // busy
        sysWrite64(gdtBase + (sel & 0xfff8), d | (2L << 40));
        cost += CycleTable.SERIALIZING;
        break;
      }
      case 4: // verr
      case 5: // verw
        readRm(2);
        setArith(flags() & ~ZF);
        break;
      default:
        throw ud();
    }
  }

  private void grp7() {
    long save = ip;
    int m = fetch8();
    ip = save;
    beginFetch();
    if ((m >>> 6) == 3) {
      switch (m) {
        case 0xf8: // swapgs
          fetch8();
          if (!mode64) {
            throw ud();
          }
          requireCpl0();
          long t = segBase[GS];
          segBase[GS] = kernelGsBase;
          kernelGsBase = t;
          cost += CycleTable.SERIALIZING;
          return;
        case 0xf9: // rdtscp
          fetch8();
          if ((cr4 & 4) != 0 && cpl != 0) {
            throw gp0();
          }
          setEdxEax(tsc());
          regs[1] = tscAux & 0xffff_ffffL;
          cost += CycleTable.RDTSC;
          return;
        default:
          break;
      }
      int op = (m >>> 3) & 7;
      if (op == 4) { // smsw r
        modrm(0);
        writeRm(osz, cr0 & (osz == 2 ? 0xffff : 0xffff_ffffL));
        return;
      }
      if (op == 6) { // lmsw r
        modrm(0);
        lmsw((int) readRm(2));
        return;
      }
      throw ud();
    }
    modrm(0);
    int op = reg & 7;
    switch (op) {
      case 0: // sgdt
      case 1: { // sidt
        long base = op == 0 ? gdtBase : idtBase;
        int limit = op == 0 ? gdtLimit : idtLimit;
        write16(ea, limit);
        if (mode64) {
          write64(linear(eaSeg, eaOff + 2), base);
        } else {
          write32(linear(eaSeg, maskAddr(eaOff + 2)), (int) base);
        }
        break;
      }
      case 2: // lgdt
      case 3: { // lidt
        requireCpl0();
        int limit = read16(ea);
        long base;
        if (mode64) {
          base = read64(linear(eaSeg, eaOff + 2));
        } else {
          base = read32(linear(eaSeg, maskAddr(eaOff + 2))) & 0xffff_ffffL;
          if (osz == 2) {
            base &= 0xff_ffff;
          }
        }
        if (op == 2) {
          gdtBase = base;
          gdtLimit = limit;
        } else {
          idtBase = base;
          idtLimit = limit;
        }
        cost += CycleTable.SERIALIZING;
        break;
      }
      case 4: // smsw m16
        write16(ea, (int) cr0);
        break;
      case 6: // lmsw m16
        lmsw(read16(ea));
        break;
      case 7: // invlpg
        requireCpl0();
        flushTlbPage(ea);
        cost += CycleTable.SERIALIZING;
        break;
      default:
        throw ud();
    }
  }

  private void lmsw(int v) {
    requireCpl0();
    long n = (cr0 & ~0xeL) | (v & 0xf) | (cr0 & CR0_PE); // cannot clear PE
    writeCr0(n);
  }

  private void grp15() {
    long save = ip;
    int m = fetch8();
    if ((m >>> 6) == 3) {
      int op = (m >>> 3) & 7;
      if (op >= 5) { // lfence / mfence / sfence
        return;
      }
      throw ud();
    }
    ip = save;
    beginFetch();
    modrm(0);
    if ((reg & 7) == 7 && !pfxOpsize) { // clflush
      read8(ea);
      return;
    }
    throw ud();
  }

  private void grp9() {
    modrm(0);
    if ((reg & 7) != 1 || !isMem) {
      throw ud();
    }
    cost += lock ? CycleTable.LOCKED : 0;
    if ((rex & 8) != 0) { // cmpxchg16b
      if ((ea & 15) != 0) {
        throw gp0();
      }
      long lo = read64(ea);
      long hi = read64(ea + 8);
      materialize();
      if (lo == regs[0] && hi == regs[2]) {
        probeWrite(ea, 16);
        write64(ea, regs[3]);
        write64(ea + 8, regs[1]);
        eflags |= ZF;
      } else {
        write64(ea, lo);
        write64(ea + 8, hi);
        regs[0] = lo;
        regs[2] = hi;
        eflags &= ~ZF;
      }
    } else { // cmpxchg8b
      long v = read64(ea);
      long cmp = (regs[2] << 32) | (regs[0] & 0xffff_ffffL);
      materialize();
      if (v == cmp) {
        write64(ea, (regs[1] << 32) | (regs[3] & 0xffff_ffffL));
        eflags |= ZF;
      } else {
        write64(ea, v);
        regs[0] = v & 0xffff_ffffL;
        regs[2] = v >>> 32;
        eflags &= ~ZF;
      }
    }
  }

  private void cmpxchg(int sz) {
    modrm(0);
    if (lock) {
      cost += CycleTable.LOCKED;
    }
    long d = readRm(sz);
    long acc = getReg(sz, 0);
    sub(sz, acc, d);
    if (fRes == 0) {
      writeRm(sz, getReg(sz, reg));
    } else {
      if (isMem) {
        write(ea, sz, d);
      }
      setReg(sz, 0, d);
    }
  }

  private void loadFarPointer(int seg) {
    modrm(0);
    if (!isMem) {
      throw ud();
    }
    long off = read(ea, osz);
    int sel = read16(linear(eaSeg, maskAddr(eaOff + osz)));
    loadSeg(seg, sel);
    setReg(osz, reg, off);
    if (seg == SS) {
      interruptShadow = true;
    }
  }

  private void movFromCr() {
    requireCpl0();
    int m = fetch8();
    int c = ((m >>> 3) & 7) | ((rex & 4) << 1);
    int r = (m & 7) | ((rex & 1) << 3);
    long v;
    switch (c) {
      case 0:
        v = cr0;
        break;
      case 2:
        v = cr2;
        break;
      case 3:
        v = cr3;
        break;
      case 4:
        v = cr4;
        break;
      case 8:
        irqPoll = true; // a host call may make an interrupt pending
        v = host.readTpr() & 0xf; // CR8 = TPR[7:4]
        break;
      default:
        throw ud();
    }
    regs[r] = mode64 ? v : v & 0xffff_ffffL;
  }

  private void movToCr() {
    requireCpl0();
    int m = fetch8();
    int c = ((m >>> 3) & 7) | ((rex & 4) << 1);
    int r = (m & 7) | ((rex & 1) << 3);
    long v = mode64 ? regs[r] : regs[r] & 0xffff_ffffL;
    cost += CycleTable.SERIALIZING;
    switch (c) {
      case 0:
        if ((v >>> 32) != 0) {
          throw gp0();
        }
        writeCr0(v);
        break;
      case 2:
        cr2 = v;
        break;
      case 3:
        writeCr3(v);
        break;
      case 4:
        writeCr4(v);
        break;
      case 8:
        if ((v & ~0xfL) != 0) {
          throw gp0();
        }
        irqPoll = true; // a host call may make an interrupt pending
        host.writeTpr((int) v);
        break;
      default:
        throw ud();
    }
  }

  private void syscall() {
    if (!mode64 || (efer & EFER_SCE) == 0) {
      throw ud();
    }
    regs[1] = ip;
    regs[11] = flags() & 0xffff_ffffL & ~RF;
    int cs = (int) (star >>> 32) & 0xfffc;
    setSegCache(CS, cs, 0, 0xffff_ffffL, 0xa09b);
    setSegCache(SS, cs + 8, 0, 0xffff_ffffL, 0xc093);
    setCpl(0);
    updateMode();
    eflags &= ~(int) sfmask;
    eflags &= ~RF;
    eflags |= 2;
    ip = lstar;
    cost += CycleTable.SERIALIZING;
  }

  private void sysret() {
    if (!mode64 || (efer & EFER_SCE) == 0) {
      throw ud();
    }
    requireCpl0();
    int base = (int) (star >>> 48) & 0xffff;
    if ((rex & 8) != 0) {
      if (!canonical(regs[1])) {
        throw gp0();
      }
      setSegCache(CS, (base + 16) | 3, 0, 0xffff_ffffL, 0xa0fb);
      ip = regs[1];
    } else {
      setSegCache(CS, base | 3, 0, 0xffff_ffffL, 0xc0fb);
      ip = regs[1] & 0xffff_ffffL;
    }
    setSegCache(SS, (base + 8) | 3, 0, 0xffff_ffffL, 0xc0f3);
    fOp = F_NONE;
    eflags = ((int) regs[11] & 0x3c_7fd7) | 2;
    setCpl(3);
    updateMode();
    cost += CycleTable.SERIALIZING;
  }

  // ---------------------------------------------------------------------------------------------
  // Bit operations

  /** bt/bts/btr/btc Ev, Gv: the register bit offset may address outside the operand (memory). */
  private void bitTestReg(int op) {
    modrm(0);
    long off = getReg(osz, reg);
    int bits = osz << 3;
    long disp = 0;
    if (isMem) {
      long signed = sx(off, osz);
      disp = (signed >> (osz == 8 ? 6 : osz == 4 ? 5 : 4)) * osz;
    }
    bitTest(op, (int) (off & (bits - 1)), disp);
  }

  /** op: 0 bt, 1 bts, 2 btr, 3 btc. disp: byte displacement added to the memory operand. */
  private void bitTest(int op, int bit, long disp) {
    if (op != 0 && lock) {
      cost += CycleTable.LOCKED;
    }
    if (disp != 0) {
      eaOff = maskAddr(eaOff + disp);
      ea = linear(eaSeg, eaOff);
    }
    long v = readRm(osz);
    boolean set = ((v >>> bit) & 1) != 0;
    materialize();
    eflags = set ? eflags | CF : eflags & ~CF;
    long m = 1L << bit;
    switch (op) {
      case 1:
        writeRm(osz, v | m);
        break;
      case 2:
        writeRm(osz, v & ~m);
        break;
      case 3:
        writeRm(osz, v ^ m);
        break;
      default:
        break;
    }
  }

  private void bitScan(boolean forward, boolean lzcnt) {
    modrm(0);
    long v = readRm(osz);
    int bits = osz << 3;
    cost += CycleTable.BITSCAN;
    if (lzcnt) {
      int n = v == 0 ? bits : Long.numberOfLeadingZeros(v) - (64 - bits);
      setReg(osz, reg, n);
      setArith((v == 0 ? CF : 0) | (n == 0 ? ZF : 0));
      return;
    }
    if (v == 0) {
      setArith(ZF); // destination unchanged (as Intel and AMD hardware do)
      return;
    }
    int n = forward ? Long.numberOfTrailingZeros(v) : 63 - Long.numberOfLeadingZeros(v);
    setReg(osz, reg, n);
    setArith(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Multiply / divide

  static long unsignedMulHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** Two/three-operand imul: truncated product, CF=OF=overflow. */
  final long imul2(int sz, long a, long b) {
    cost += CycleTable.MUL;
    long sa = sx(a, sz);
    long sb = sx(b, sz);
    long r = sa * sb;
    boolean ovf;
    if (sz == 8) {
      long hi = Math.multiplyHigh(sa, sb);
      ovf = hi != (r >> 63);
    } else {
      ovf = sx(r, sz) != r;
    }
    long res = r & mask(sz);
    setArith(szp(res, sz) | (ovf ? CF | OF : 0));
    return res;
  }

  /** F6/F7 /4../7: mul, imul, div, idiv of the accumulator by v. */
  final void mulDiv(int op, int sz, long v) {
    long m = mask(sz);
    v &= m;
    if (op == 4 || op == 5) {
      cost += CycleTable.MUL;
      long a = getReg(sz, 0);
      long lo;
      long hi;
      if (sz == 8) {
        lo = a * v;
        hi = op == 4 ? unsignedMulHigh(a, v) : Math.multiplyHigh(a, v);
      } else if (op == 4) {
        long p = a * v;
        lo = p & m;
        hi = (p >>> (sz << 3)) & m;
      } else {
        long p = sx(a, sz) * sx(v, sz);
        lo = p & m;
        hi = (p >> (sz << 3)) & m;
      }
      boolean ovf = op == 4 ? hi != 0 : hi != ((lo & signBit(sz)) != 0 ? m : 0);
      if (sz == 1) {
        setReg(2, 0, (hi << 8) | lo);
      } else {
        setReg(sz, 0, lo);
        setReg(sz, 2, hi);
      }
      setArith(szp(lo, sz) | (ovf ? CF | OF : 0));
      return;
    }
    cost += CycleTable.DIV;
    if (v == 0) {
      throw fault(VEC_DE);
    }
    long lo;
    long hi;
    if (sz == 1) {
      long ax = regs[0] & 0xffff;
      lo = ax & 0xff;
      hi = ax >>> 8;
    } else {
      lo = getReg(sz, 0);
      hi = getReg(sz, 2);
    }
    long q;
    long r;
    int bits = sz << 3;
    if (op == 6) { // div
      if (sz == 8) {
        if (Long.compareUnsigned(hi, v) >= 0) {
          throw fault(VEC_DE);
        }
        if (hi == 0) {
          q = Long.divideUnsigned(lo, v);
          r = Long.remainderUnsigned(lo, v);
        } else {
          long[] qr = divWide;
          divu128(hi, lo, v, qr);
          q = qr[0];
          r = qr[1];
        }
      } else {
        long n = (hi << bits) | lo;
        q = Long.divideUnsigned(n, v);
        r = Long.remainderUnsigned(n, v);
        if ((q & ~m) != 0) {
          throw fault(VEC_DE);
        }
      }
    } else { // idiv
      long sv = sx(v, sz);
      if (sz == 8) {
        if (hi == (lo >> 63)) {
          if (lo == Long.MIN_VALUE && sv == -1) {
            throw fault(VEC_DE);
          }
          q = lo / sv;
          r = lo % sv;
        } else {
          boolean negN = hi < 0;
          long nh = hi;
          long nl = lo;
          if (negN) { // negate 128-bit
            nl = -lo;
            nh = ~hi + (lo == 0 ? 1 : 0);
          }
          long dv = sv < 0 ? -sv : sv;
          if (Long.compareUnsigned(nh, dv) >= 0) {
            throw fault(VEC_DE);
          }
          long[] qr = divWide;
          divu128(nh, nl, dv, qr);
          boolean negQ = negN != (sv < 0);
          if (Long.compareUnsigned(qr[0], negQ ? (1L << 63) : Long.MAX_VALUE) > 0) {
            throw fault(VEC_DE);
          }
          q = negQ ? -qr[0] : qr[0];
          r = negN ? -qr[1] : qr[1];
        }
      } else {
        long n = (hi << bits) | lo;
        n = sx(n, sz * 2);
        q = n / sv;
        r = n % sv;
        if (sx(q, sz) != q) {
          throw fault(VEC_DE);
        }
      }
    }
    if (sz == 1) {
      setReg(2, 0, ((r & 0xff) << 8) | (q & 0xff));
    } else {
      setReg(sz, 0, q);
      setReg(sz, 2, r);
    }
    // Flags are undefined after div/idiv; emu leaves them unchanged.
  }

  private final long[] divWide = new long[2];

  /** Unsigned 128/64 division (hi < d): out[0] = quotient, out[1] = remainder. */
  static void divu128(long hi, long lo, long d, long[] out) {
    long q = 0;
    long r = hi;
    for (int i = 63; i >= 0; i--) {
      boolean carry = r < 0;
      r = (r << 1) | ((lo >>> i) & 1);
      q <<= 1;
      if (carry || Long.compareUnsigned(r, d) >= 0) {
        r -= d;
        q |= 1;
      }
    }
    out[0] = q;
    out[1] = r;
  }
}
