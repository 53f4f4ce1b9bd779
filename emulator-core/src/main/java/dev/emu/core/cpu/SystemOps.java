package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * Segmentation, modes, control registers, MSRs and exception/interrupt delivery.
 *
 * <p>Segment loads read descriptors from the GDT/LDT (base, limit, attributes); limits are kept
 * but not enforced. Exception delivery: real-mode IVT, 32-bit protected-mode gates (same
 * privilege), and long-mode 16-byte gates with IST and RSP0 stack switches and the exact
 * SS/RSP/RFLAGS/CS/RIP[/error] frame. A fault while delivering escalates per SDM vol. 3 table 6-5
 * (contributory/page-fault pairs give #DF; a fault while delivering #DF is a triple fault).
 */
abstract class SystemOps extends Alu {
  static final int ATTR_L = 1 << 13;
  static final int ATTR_DB = 1 << 14;
  static final int ATTR_G = 1 << 15;
  static final int ATTR_P = 1 << 7;

  // MSR numbers held by the core.
  static final int MSR_TSC = 0x10;
  static final int MSR_APIC_BASE = 0x1b;
  static final int MSR_SYSENTER_CS = 0x174;
  static final int MSR_SYSENTER_ESP = 0x175;
  static final int MSR_SYSENTER_EIP = 0x176;
  static final int MSR_MISC_ENABLE = 0x1a0;
  static final int MSR_PAT = 0x277;
  static final int MSR_EFER = 0xc000_0080;
  static final int MSR_STAR = 0xc000_0081;
  static final int MSR_LSTAR = 0xc000_0082;
  static final int MSR_CSTAR = 0xc000_0083;
  static final int MSR_SFMASK = 0xc000_0084;
  static final int MSR_FS_BASE = 0xc000_0100;
  static final int MSR_GS_BASE = 0xc000_0101;
  static final int MSR_KERNEL_GS_BASE = 0xc000_0102;
  static final int MSR_TSC_AUX = 0xc000_0103;

  /** Last exception/interrupt vector raised, its error code (-1 none) and RIP, for diagnostics. */
  int lastVector = -1;
  int lastErrorCode = -1;
  long lastEventRip;
  boolean initPending;
  boolean sipiPending;
  int sipiVector;
  /** Nesting of exception delivery, for #DF / triple-fault escalation. */
  private int deliveryDepth;

  SystemOps(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  // ---------------------------------------------------------------------------------------------
  // Modes and segments

  final void setCpl(int newCpl) {
    if (newCpl != cpl) {
      cpl = newCpl;
      flushTlb();
    }
  }

  /** Recomputes the decode mode from CR0, EFER and the CS attributes. */
  final void updateMode() {
    protectedMode = (cr0 & CR0_PE) != 0;
    paging = (cr0 & CR0_PG) != 0;
    boolean lma = (efer & EFER_LMA) != 0;
    mode64 = lma && protectedMode && (segAttr[CS] & ATTR_L) != 0;
    code32 = mode64 || (protectedMode && (segAttr[CS] & ATTR_DB) != 0);
    fetchBase = mode64 ? 0 : segBase[CS];
    modeKey = (mode64 ? 1 : 0) | (code32 ? 2 : 0);
    fetchVpn = -1;
    fpos = 0;
    fend = 0;
  }

  /** Stack pointer width in bytes: 8 in 64-bit mode, else SS.B. */
  final int stackSize() {
    return mode64 ? 8 : (segAttr[SS] & ATTR_DB) != 0 ? 4 : 2;
  }

  final long readDescriptor(int sel) {
    int idx = sel & 0xfff8;
    long base;
    int limit;
    if ((sel & 4) != 0) {
      base = ldtBase;
      limit = ldtLimit;
    } else {
      base = gdtBase;
      limit = gdtLimit;
    }
    if (idx + 7 > limit) {
      throw fault(VEC_GP, sel & 0xfffc);
    }
    return sysRead64(base + idx);
  }

  final long sysRead64(long lin) {
    boolean old = implicitSupervisor;
    implicitSupervisor = true;
    try {
      return read64(lin);
    } finally {
      implicitSupervisor = old;
    }
  }

  final void sysWrite64(long lin, long v) {
    boolean old = implicitSupervisor;
    implicitSupervisor = true;
    try {
      write64(lin, v);
    } finally {
      implicitSupervisor = old;
    }
  }

  static long descBase(long d) {
    return ((d >>> 16) & 0xff_ffffL) | ((d >>> 32) & 0xff00_0000L);
  }

  static long descLimit(long d) {
    long limit = (d & 0xffff) | ((d >>> 32) & 0xf_0000L);
    if ((d & (1L << 55)) != 0) {
      limit = (limit << 12) | 0xfff;
    }
    return limit;
  }

  static int descAttr(long d) {
    return (int) ((d >>> 40) & 0xf0ff);
  }

  final void setSegCache(int seg, int sel, long base, long limit, int attr) {
    segSel[seg] = sel & 0xffff;
    segBase[seg] = base;
    segLimit[seg] = limit;
    segAttr[seg] = attr;
  }

  /** mov sreg / pop sreg / lds...: loads a data or stack segment. */
  final void loadSeg(int seg, int sel) {
    sel &= 0xffff;
    if (!protectedMode) {
      segSel[seg] = sel;
      segBase[seg] = (long) sel << 4;
      if (seg == CS) {
        updateMode();
      }
      return;
    }
    if ((sel & 0xfffc) == 0) {
      if (seg == SS && (!mode64 || cpl == 3)) {
        throw gp0();
      }
      setSegCache(seg, sel, 0, 0, 0);
      return;
    }
    long d = readDescriptor(sel);
    int attr = descAttr(d);
    if ((attr & 0x10) == 0) {
      throw fault(VEC_GP, sel & 0xfffc);
    }
    if ((attr & ATTR_P) == 0) {
      throw fault(seg == SS ? VEC_SS : VEC_NP, sel & 0xfffc);
    }
    setSegCache(seg, sel, descBase(d), descLimit(d), attr);
  }

  /** Far transfer to a code segment (jmp/call far, retf, iret): loads CS and sets CPL. */
  final void loadCs(int sel, int newCpl) {
    sel &= 0xffff;
    if (!protectedMode) {
      segSel[CS] = sel;
      segBase[CS] = (long) sel << 4;
      updateMode();
      return;
    }
    if ((sel & 0xfffc) == 0) {
      throw gp0();
    }
    long d = readDescriptor(sel);
    int attr = descAttr(d);
    if ((attr & 0x18) != 0x18) {
      throw fault(VEC_GP, sel & 0xfffc);
    }
    if ((attr & ATTR_P) == 0) {
      throw fault(VEC_NP, sel & 0xfffc);
    }
    setSegCache(CS, (sel & ~3) | newCpl, descBase(d), descLimit(d), attr);
    setCpl(newCpl);
    updateMode();
  }

  // ---------------------------------------------------------------------------------------------
  // Stack

  final void push(int sz, long v) {
    nonCanonicalVector = VEC_SS;
    int ss = stackSize();
    long sp = regs[4] - sz;
    if (ss == 8) {
      write(sp, sz, v);
      regs[4] = sp;
    } else if (ss == 4) {
      sp &= 0xffff_ffffL;
      write((segBase[SS] + sp) & 0xffff_ffffL, sz, v);
      regs[4] = sp;
    } else {
      sp &= 0xffff;
      write((segBase[SS] + sp) & 0xffff_ffffL, sz, v);
      regs[4] = (regs[4] & ~0xffffL) | sp;
    }
  }

  /** Reads the value at the top of the stack + offset without moving RSP. */
  final long peek(int sz, int offset) {
    nonCanonicalVector = VEC_SS;
    int ss = stackSize();
    long sp = regs[4] + offset;
    if (ss == 8) {
      return read(sp, sz);
    }
    sp &= ss == 4 ? 0xffff_ffffL : 0xffff;
    return read((segBase[SS] + sp) & 0xffff_ffffL, sz);
  }

  final void adjustSp(long delta) {
    int ss = stackSize();
    if (ss == 8) {
      regs[4] += delta;
    } else if (ss == 4) {
      regs[4] = (regs[4] + delta) & 0xffff_ffffL;
    } else {
      regs[4] = (regs[4] & ~0xffffL) | ((regs[4] + delta) & 0xffff);
    }
  }

  final long pop(int sz) {
    long v = peek(sz, 0);
    adjustSp(sz);
    return v;
  }

  // ---------------------------------------------------------------------------------------------
  // RFLAGS writes (popf, iret, sahf)

  /** Writes RFLAGS as POPF would at the current privilege (mask = bits the operand covers). */
  final void writeFlags(long v, long mask, boolean iret) {
    int m = (int) mask;
    int keepFixed = VM | (1 << 19) | (1 << 20); // VM, VIF, VIP never written here
    // RF only suppresses instruction breakpoints (not modelled) and hardware clears it after the
    // next instruction, so the live flag is never set: IRET drops it too.
    m &= ~RF;
    if (protectedMode && cpl > 0) {
      m &= ~IOPL;
      if (cpl > ((eflags >>> 12) & 3)) {
        m &= ~IF;
      }
    }
    m &= ~keepFixed;
    m &= CF | PF | AF | ZF | SF | TF | IF | DF | OF | IOPL | NT | RF | AC | ID;
    fOp = F_NONE;
    eflags = (eflags & ~m) | ((int) v & m) | 2;
  }

  // ---------------------------------------------------------------------------------------------
  // Control registers

  final void writeCr0(long v) {
    v |= CR0_ET;
    v &= 0xffff_ffffL;
    if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) {
      throw gp0();
    }
    if ((v & CR0_NW) != 0 && (v & CR0_CD) == 0) {
      throw gp0();
    }
    boolean pgOn = (v & CR0_PG) != 0 && (cr0 & CR0_PG) == 0;
    boolean pgOff = (v & CR0_PG) == 0 && (cr0 & CR0_PG) != 0;
    if (pgOn && (efer & EFER_LME) != 0) {
      if ((cr4 & CR4_PAE) == 0) {
        throw gp0();
      }
      efer |= EFER_LMA;
    }
    if (pgOff && (efer & EFER_LMA) != 0) {
      if (mode64) {
        throw gp0();
      }
      efer &= ~EFER_LMA;
    }
    cr0 = v;
    flushTlb();
    updateMode();
  }

  final void writeCr4(long v) {
    long allowed = 0x1 | 0x2 | 0x4 | 0x8 | CR4_PSE | CR4_PAE | 0x40 | CR4_PGE | 0x100 | 0x200 | 0x400;
    if ((v & ~allowed) != 0) {
      throw gp0();
    }
    if ((efer & EFER_LMA) != 0 && (v & CR4_PAE) == 0) {
      throw gp0();
    }
    cr4 = v;
    flushTlb();
  }

  final void writeCr3(long v) {
    cr3 = mode64 || (efer & EFER_LMA) != 0 ? v & 0x000f_ffff_ffff_ffffL : v & 0xffff_ffffL;
    flushTlb();
  }

  final void writeEfer(long v) {
    long allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    if ((v & ~allowed) != 0) {
      throw gp0();
    }
    if (paging && ((v ^ efer) & EFER_LME) != 0) {
      throw gp0();
    }
    efer = (v & ~EFER_LMA) | (efer & EFER_LMA);
    flushTlb();
  }

  // ---------------------------------------------------------------------------------------------
  // MSRs

  final long tsc() {
    return cycles + tscOffset;
  }

  /** RDMSR; throws #GP(0) for an MSR nobody implements. */
  final long readMsr(int msr) {
    switch (msr) {
      case MSR_TSC:
        return tsc();
      case MSR_EFER:
        return efer;
      case MSR_FS_BASE:
        return segBase[FS];
      case MSR_GS_BASE:
        return segBase[GS];
      case MSR_KERNEL_GS_BASE:
        return kernelGsBase;
      case MSR_TSC_AUX:
        return tscAux;
      case MSR_PAT:
        return pat;
      case MSR_MISC_ENABLE:
        return miscEnable;
      case MSR_STAR:
        return star;
      case MSR_LSTAR:
        return lstar;
      case MSR_CSTAR:
        return cstar;
      case MSR_SFMASK:
        return sfmask;
      case MSR_SYSENTER_CS:
        return sysenterCs;
      case MSR_SYSENTER_ESP:
        return sysenterEsp;
      case MSR_SYSENTER_EIP:
        return sysenterEip;
      default:
        if (host.hasMsr(msr)) {
          irqPoll = true; // a host call may make an interrupt pending
          return host.readMsr(msr);
        }
        throw gp0();
    }
  }

  static boolean canonical(long v) {
    return (v << 16 >> 16) == v;
  }

  /** WRMSR; throws #GP(0) for an unknown MSR or an invalid value. */
  final void writeMsr(int msr, long v) {
    switch (msr) {
      case MSR_TSC:
        tscOffset = v - cycles;
        return;
      case MSR_EFER:
        writeEfer(v);
        return;
      case MSR_FS_BASE:
      case MSR_GS_BASE:
      case MSR_KERNEL_GS_BASE:
      case MSR_LSTAR:
      case MSR_CSTAR:
      case MSR_SYSENTER_ESP:
      case MSR_SYSENTER_EIP:
        if (!canonical(v)) {
          throw gp0();
        }
        if (msr == MSR_FS_BASE) {
          segBase[FS] = v;
        } else if (msr == MSR_GS_BASE) {
          segBase[GS] = v;
        } else if (msr == MSR_KERNEL_GS_BASE) {
          kernelGsBase = v;
        } else if (msr == MSR_LSTAR) {
          lstar = v;
        } else if (msr == MSR_CSTAR) {
          cstar = v;
        } else if (msr == MSR_SYSENTER_ESP) {
          sysenterEsp = v;
        } else {
          sysenterEip = v;
        }
        return;
      case MSR_TSC_AUX:
        if ((v >>> 32) != 0) {
          throw gp0();
        }
        tscAux = v;
        return;
      case MSR_PAT:
        for (int i = 0; i < 8; i++) {
          int t = (int) (v >>> (8 * i)) & 0xff;
          if (t == 2 || t == 3 || t > 7) {
            throw gp0();
          }
        }
        pat = v;
        return;
      case MSR_MISC_ENABLE:
        miscEnable = v;
        return;
      case MSR_STAR:
        star = v;
        return;
      case MSR_SFMASK:
        sfmask = v & 0xffff_ffffL;
        return;
      case MSR_SYSENTER_CS:
        sysenterCs = v & 0xffff;
        return;
      default:
        irqPoll = true; // a host call may make an interrupt pending
        if (host.hasMsr(msr) && host.writeMsr(msr, v)) {
          return;
        }
        throw gp0();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Exceptions and interrupts

  static boolean contributory(int v) {
    return v == VEC_DE || (v >= VEC_TS && v <= VEC_GP);
  }

  /** True while delivering a fault-class exception: its pushed RFLAGS image gets RF. */
  private boolean faultFrame;

  /**
   * Delivers an exception the CPU raised at an instruction (a fault: #DE, #UD, #NM, #TS, #NP, #SS,
   * #GP, #PF, #AC...). As the SDM says (vol. 3 17.3.1.1), the RFLAGS image pushed for a fault has
   * RF set, so a restarted instruction is not hit by an instruction breakpoint again; that is why
   * Linux oopses show EFLAGS 0001xxxx. Interrupts, NMIs, traps and INT n push RF as it is.
   */
  final void raiseFault(int vector, boolean hasErr, int err, long returnRip) {
    faultFrame = vector != VEC_DF;
    try {
      raise(vector, hasErr, err, returnRip, false);
    } finally {
      faultFrame = false;
    }
  }

  /**
   * Delivers an exception or interrupt with SDM table 6-5 escalation. returnRip is the RIP pushed
   * (the faulting instruction for faults, the next one for traps and interrupts).
   */
  final void raise(int vector, boolean hasErr, int err, long returnRip, boolean software) {
    lastVector = vector;
    lastErrorCode = hasErr ? err : -1;
    lastEventRip = rip;
    int first = vector;
    int depth = 0;
    int savedCpl = cpl;
    long savedRsp = regs[4];
    while (true) {
      try {
        deliver(vector, hasErr, err, returnRip, software);
        return;
      } catch (GuestFault f) {
        setCpl(savedCpl);
        regs[4] = savedRsp;
        int second = f.vector;
        depth++;
        if (vector == VEC_DF || depth > 3) {
          tripleFault();
          return;
        }
        boolean df = (contributory(first) && contributory(second))
            || (first == VEC_PF && (second == VEC_PF || contributory(second)));
        if (df) {
          vector = VEC_DF;
          hasErr = true;
          err = 0;
          faultFrame = false; // #DF is an abort
        } else {
          vector = second;
          hasErr = f.hasErrorCode;
          err = f.errorCode;
        }
        first = vector;
        lastVector = vector;
        lastErrorCode = hasErr ? err : -1;
        software = false;
        returnRip = rip; // a fault while delivering reports the instruction itself
      }
    }
  }

  final void tripleFault() {
    shutdown = true;
    halted = true;
    stopRequested = true;
    host.tripleFault();
  }

  private void deliver(int vector, boolean hasErr, int err, long returnRip, boolean software) {
    cycles += CycleTable.INTERRUPT;
    int fl = faultFrame ? flags() | RF : flags();
    if (!protectedMode) {
      deliverReal(vector, returnRip, fl);
    } else if ((efer & EFER_LMA) != 0) {
      deliverLong(vector, hasErr, err, returnRip, software, fl);
    } else {
      deliverProtected32(vector, hasErr, err, returnRip, software, fl);
    }
    interruptShadow = false;
  }

  private void deliverReal(int vector, long returnRip, int fl) {
    if (vector * 4 + 3 > idtLimit) {
      throw gp0();
    }
    int off = read16(idtBase + vector * 4);
    int sel = read16(idtBase + vector * 4 + 2);
    push(2, fl);
    push(2, segSel[CS]);
    push(2, returnRip);
    eflags &= ~(IF | TF | AC);
    loadCs(sel, 0);
    rip = off;
  }

  private void deliverProtected32(
      int vector, boolean hasErr, int err, long returnRip, boolean software, int fl) {
    int gateErr = vector * 8 + 2 + (software ? 0 : 1);
    if (vector * 8 + 7 > idtLimit) {
      throw fault(VEC_GP, gateErr);
    }
    long g = sysRead64(idtBase + vector * 8);
    int type = (int) (g >>> 40) & 0xf;
    int dpl = (int) (g >>> 45) & 3;
    if (type != 0xe && type != 0xf) {
      throw fault(VEC_GP, gateErr);
    }
    if (software && dpl < cpl) {
      throw fault(VEC_GP, gateErr);
    }
    if ((g & (1L << 47)) == 0) {
      throw fault(VEC_NP, gateErr);
    }
    int sel = (int) (g >>> 16) & 0xffff;
    long off = (g & 0xffff) | ((g >>> 32) & 0xffff_0000L);
    push(4, fl);
    push(4, segSel[CS]);
    push(4, returnRip);
    if (hasErr) {
      push(4, err);
    }
    loadCs(sel, cpl);
    rip = off;
    eflags &= ~(TF | NT | RF | VM);
    if (type == 0xe) {
      eflags &= ~IF;
    }
  }

  private void deliverLong(
      int vector, boolean hasErr, int err, long returnRip, boolean software, int fl) {
    int gateErr = vector * 8 + 2 + (software ? 0 : 1);
    if (vector * 16 + 15 > idtLimit) {
      throw fault(VEC_GP, gateErr);
    }
    long lo = sysRead64(idtBase + vector * 16);
    long hi = sysRead64(idtBase + vector * 16 + 8);
    int type = (int) (lo >>> 40) & 0xf;
    int dpl = (int) (lo >>> 45) & 3;
    int ist = (int) (lo >>> 32) & 7;
    if (type != 0xe && type != 0xf) {
      throw fault(VEC_GP, gateErr);
    }
    if (software && dpl < cpl) {
      throw fault(VEC_GP, gateErr);
    }
    if ((lo & (1L << 47)) == 0) {
      throw fault(VEC_NP, gateErr);
    }
    int sel = (int) (lo >>> 16) & 0xffff;
    long target = (lo & 0xffff) | ((lo >>> 32) & 0xffff_0000L) | (hi << 32);
    if ((sel & 0xfffc) == 0) {
      throw fault(VEC_GP, software ? 0 : 1);
    }
    long d = readDescriptor(sel);
    int attr = descAttr(d);
    if ((attr & 0x18) != 0x18 || (attr & ATTR_L) == 0) {
      throw fault(VEC_GP, (sel & 0xfffc) + (software ? 0 : 1));
    }
    if ((attr & ATTR_P) == 0) {
      throw fault(VEC_NP, (sel & 0xfffc) + (software ? 0 : 1));
    }
    int newCpl = (attr >>> 5) & 3;
    if ((attr & 4) != 0) { // conforming code segment keeps CPL
      newCpl = cpl;
    }
    long oldSs = segSel[SS];
    long oldRsp = regs[4];
    long rsp = regs[4];
    if (newCpl < cpl) {
      rsp = sysRead64(trBase + 4 + 8L * newCpl);
    }
    if (ist != 0) {
      rsp = sysRead64(trBase + 0x24 + 8L * (ist - 1));
    }
    rsp &= ~0xfL;
    int frame = hasErr ? 48 : 40;
    long base = rsp - frame;
    boolean old = implicitSupervisor;
    implicitSupervisor = true;
    try {
      int k = 0;
      if (hasErr) {
        write64(base, err & 0xffff_ffffL);
        k = 8;
      }
      write64(base + k, returnRip);
      write64(base + k + 8, segSel[CS]);
      write64(base + k + 16, fl & 0xffff_ffffL);
      write64(base + k + 24, oldRsp);
      write64(base + k + 32, oldSs);
    } finally {
      implicitSupervisor = old;
    }
    if (newCpl != cpl) {
      setSegCache(SS, newCpl, 0, 0, 0);
    }
    setSegCache(CS, (sel & ~3) | newCpl, descBase(d), descLimit(d), attr);
    setCpl(newCpl);
    updateMode();
    regs[4] = base;
    rip = target;
    eflags &= ~(TF | NT | RF | VM);
    if (type == 0xe) {
      eflags &= ~IF;
    }
  }

  /** IRET / IRETD / IRETQ with operand size sz. */
  final void iret(int sz) {
    if (!protectedMode) {
      long nip = pop(sz);
      int cs = (int) pop(sz);
      long fl = pop(sz);
      loadCs(cs, 0);
      writeFlags(fl, sz == 2 ? 0xffff : 0x3f_7fff, true);
      rip = nip & (sz == 2 ? 0xffff : 0xffff_ffffL);
      nmiBlocked = false;
      return;
    }
    long nip = peek(sz, 0);
    int cs = (int) peek(sz, sz) & 0xffff;
    long fl = peek(sz, 2 * sz);
    int rpl = cs & 3;
    if (rpl < cpl) {
      throw fault(VEC_GP, cs & 0xfffc);
    }
    boolean popStack = mode64 || rpl > cpl;
    long nsp = 0;
    int nss = 0;
    if (popStack) {
      nsp = peek(sz, 3 * sz);
      nss = (int) peek(sz, 4 * sz) & 0xffff;
    }
    int oldCpl = cpl;
    loadCs(cs, rpl);
    cpl = oldCpl; // writeFlags checks privilege of the IRET itself
    writeFlags(fl, sz == 2 ? 0xffff : 0x3f_7fff, true);
    setCpl(rpl);
    if (popStack) {
      if ((nss & 0xfffc) == 0 && (efer & EFER_LMA) != 0) {
        setSegCache(SS, nss, 0, 0, 0);
      } else {
        loadSeg(SS, nss);
      }
      regs[4] = nsp;
      if (!mode64 && (segAttr[SS] & ATTR_DB) != 0) {
        regs[4] &= 0xffff_ffffL;
      }
    } else {
      adjustSp(3L * sz);
    }
    rip = mode64 ? nip : nip & 0xffff_ffffL;
    nmiBlocked = false;
  }
}
