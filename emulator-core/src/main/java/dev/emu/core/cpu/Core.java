package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * The interpreter: run loop, event handling at instruction boundaries, and the one-byte opcode
 * map. See docs/cpu.md.
 *
 * <p>Overview of one instruction: prefixes are consumed into the Decoder fields, the opcode byte
 * selects a case in one dense switch, handlers decode ModRM/immediates as they need them and
 * execute. A guest fault throws the CPU's preallocated {@link GuestFault}; the loop catches it,
 * rewinds RIP to the instruction (faults are restartable: registers are only written after the
 * memory accesses that can fault) and delivers the exception. Traps (int n, int3, into, int1)
 * are delivered directly with the next RIP.
 */
final class Core extends BlockEngine {
  /** 0x0F-less opcodes that accept LOCK (with a memory destination). */
  private static final boolean[] LOCKABLE = new boolean[512];

  static {
    int[] one = {0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30,
      0x31, 0x80, 0x81, 0x82, 0x83, 0x86, 0x87, 0xf6, 0xf7, 0xfe, 0xff};
    int[] two = {0xab, 0xb3, 0xbb, 0xba, 0xb0, 0xb1, 0xc0, 0xc1, 0xc7};
    for (int b : one) {
      LOCKABLE[b] = true;
    }
    for (int b : two) {
      LOCKABLE[0x100 | b] = true;
    }
  }

  /** [fast-forward] Spin-loop detector (docs/fast-forward.md). */
  final SpinDetector ff = new SpinDetector(this);

  Core(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  // ---------------------------------------------------------------------------------------------
  // Run loop

  void run(long cycleLimit) {
    if (!useBlocks || blocksForced || blockWarmupLeft <= 0) {
      blocksNow = useBlocks;
      runSlice(cycleLimit);
      return;
    }
    // Warm-up (BlockEngine.blockWarmupLeft): the generic path only, counting what it runs.
    blocksNow = false;
    long r0 = retired - skippedInstructions - ff.skippedInstructions; // interpreted only
    runSlice(cycleLimit);
    blockWarmupLeft -= retired - skippedInstructions - ff.skippedInstructions - r0;
  }

  private void runSlice(long cycleLimit) {
    runLimit = cycleLimit;
    stopRequested = false;
    irqPoll = true;
    ff.reset(); // [fast-forward] memory may have changed since the last slice
    processInitSipi();
    if (halted && !tryWake()) {
      return;
    }
    while (!stopRequested && cycles < cycleLimit) {
      // Instruction boundary: events first. One combined test in the common case.
      if (irqPoll | irqReady | interruptShadow | nmiLatched | initPending) {
        if (irqPoll) {
          // Host writes to RAM and new interrupts only happen between slices or inside host
          // calls (which set irqPoll); interruptPending() has no side effects.
          irqPoll = false;
          if (memory.hostWriteEpoch() != dcache.seenEpoch) {
            dcache.flushAll();
          }
          irqReady = host.interruptPending();
        }
        if (interruptShadow) {
          interruptShadow = false;
          blockSkip = true; // events are due right after the shadowed instruction: run it alone
        } else if (nmiLatched && !nmiBlocked) {
          nmiLatched = false;
          nmiBlocked = true;
          raise(VEC_NMI, false, 0, rip, false);
          afterEvent();
          continue;
        } else if (irqReady && (eflags & IF) != 0) {
          irqReady = false;
          irqPoll = true; // poll again after the acknowledge
          int vector = host.acknowledgeInterrupt() & 0xff;
          raise(vector, false, 0, rip, false);
          afterEvent();
          continue;
        }
        if (initPending) {
          processInitSipi();
          if (halted) {
            return;
          }
        }
      }
      // One instruction, written out in the loop: C2 does not inline a method it has already
      // compiled into a big one, and this is the hottest path.
      long at = rip; // [fast-forward]
      Block blk = null;
      if (blocksNow && mode64 && !blockSkip && !ff.recording) {
        blk = findBlock();
      }
      if (blk != null) {
        // A run of pre-decoded instructions (BlockEngine); the checks below apply to its last.
        if (execBlock(blk) == 0) {
          continue; // its first instruction faulted: the generic path runs it next
        }
        at = blockLastAt;
      } else {
        blockSkip = false;
        try {
          step();
          rip = ip;
          cycles += cost;
          if (retire) {
            retired++;
          }
        } catch (GuestFault f) {
          faulted(f);
        }
      }
      if (retired >= instructionLimit || cycles - idleCycles >= unhaltedLimit) {
        counterLimit();
      }
      // [fast-forward] short backward transfer (loop head?) or recording an iteration
      if ((Long.compareUnsigned(at - rip, SpinDetector.MAX_SPAN + 1) < 0 || ff.recording)
          && (blk == null || !blockFfDone)) { // a block may have run the hook for it already
        ff.afterInstruction(at);
      }
      if (halted) {
        return;
      }
      if (spinInstrs != 0) {
        fastForwardSpin();
      }
    }
  }

  /**
   * Exact fast-forward of an idle loop just closed by a branch (Decoder.checkSpin). Overview:
   * while this CPU runs, nothing outside it changes (devices act between slices or through the
   * CPU's own host calls, which an idle loop makes none of), so if no event is deliverable now,
   * none becomes deliverable until the run limit or a counter limit. Whole iterations are
   * skipped, adding exactly the cycles and retired instructions they would have, stopping
   * short of every limit; the remaining iterations execute normally, so run() still returns
   * and counterLimitReached() is still called at the exact boundary.
   */
  private void fastForwardSpin() {
    int perInstrs = spinInstrs;
    long per = spinExtra + cost;
    spinInstrs = 0;
    if (stopRequested || interruptShadow || initPending || sipiPending
        || (nmiLatched && !nmiBlocked)
        || ((eflags & IF) != 0 && host.interruptPending())) {
      return;
    }
    long n = (runLimit - cycles - 1) / per;
    if (unhaltedLimit != Long.MAX_VALUE) {
      n = Math.min(n, (unhaltedLimit - (cycles - idleCycles) - 1) / per);
    }
    if (instructionLimit != Long.MAX_VALUE) {
      n = Math.min(n, (instructionLimit - retired - 1) / perInstrs);
    }
    if (n > 0) {
      cycles += n * per;
      retired += n * perInstrs;
      skippedInstructions += n * perInstrs;
      ff.skippedCycles += n * per; // [fast-forward] per-CPU skipped-cycles counter
      ff.skips++; // [fast-forward]
    }
  }

  private void afterEvent() {
    if (cycles - idleCycles >= unhaltedLimit) {
      counterLimit();
    }
  }

  /** The instruction faulted: it costs its cycles and the fault is delivered (cold path of run()). */
  private void faulted(GuestFault f) {
    cycles += cost;
    raiseFault(f.vector, f.hasErrorCode, f.errorCode, rip);
  }

  private void counterLimit() {
    if (retired >= instructionLimit) {
      instructionLimit = Long.MAX_VALUE;
    }
    if (cycles - idleCycles >= unhaltedLimit) {
      unhaltedLimit = Long.MAX_VALUE;
    }
    irqPoll = true; // a host call may make an interrupt pending
    host.counterLimitReached();
  }

  /** Wakes from HLT if an NMI or an unmasked interrupt is pending. */
  boolean tryWake() {
    if (shutdown || waitingForSipi) {
      return false;
    }
    if ((nmiLatched && !nmiBlocked) || ((eflags & IF) != 0 && host.interruptPending())) {
      halted = false;
    }
    return !halted;
  }

  void processInitSipi() {
    if (initPending) {
      initPending = false;
      resetState(true, false);
    }
    if (sipiPending) {
      sipiPending = false;
      if (waitingForSipi) {
        waitingForSipi = false;
        halted = false;
        setSegCache(CS, sipiVector << 8, (long) sipiVector << 12, 0xffff, 0x9b);
        rip = 0;
        updateMode();
      }
    }
  }

  /** RESET (full) or INIT (keeps MSRs such as the TSC offset and PAT... as hardware does). */
  void resetState(boolean waitForSipi, boolean full) {
    java.util.Arrays.fill(regs, 0);
    regs[2] = Cpuid.SIGNATURE;
    fOp = F_NONE;
    eflags = 2;
    cr0 = 0x6000_0010L;
    cr2 = 0;
    cr3 = 0;
    cr4 = 0;
    efer = 0;
    java.util.Arrays.fill(dr, 0);
    dr[6] = 0xffff_0ff0L;
    dr[7] = 0x400;
    for (int s = 0; s < 6; s++) {
      setSegCache(s, 0, 0, 0xffff, 0x93);
    }
    setSegCache(CS, 0xf000, 0xffff_0000L, 0xffff, 0x9b);
    rip = 0xfff0;
    gdtBase = 0;
    gdtLimit = 0xffff;
    idtBase = 0;
    idtLimit = 0xffff;
    ldtSel = 0;
    ldtBase = 0;
    ldtLimit = 0xffff;
    trSel = 0;
    trBase = 0;
    trLimit = 0xffff;
    trAttr = 0x8b;
    kernelGsBase = 0;
    if (full) {
      tscOffset = -cycles;
      tscAux = 0;
      pat = 0x0007_0406_0007_0406L;
      miscEnable = 1;
      star = lstar = cstar = sfmask = 0;
      sysenterCs = sysenterEsp = sysenterEip = 0;
    }
    cpl = 0;
    halted = waitForSipi;
    waitingForSipi = waitForSipi;
    shutdown = false;
    nmiLatched = false;
    nmiBlocked = false;
    interruptShadow = false;
    updateMode();
    flushTlb();
  }

  // ---------------------------------------------------------------------------------------------
  // One instruction

  void step() {
    ip = rip;
    insnStart = rip;
    nonCanonicalVector = VEC_GP;
    beginFetch();
    cost = CycleTable.BASE;
    retire = true;
    if (fpos < fend && codeGen == dcache.gen) {
      int off = fpos - fetchPa;
      long h = codeHdr[off];
      if (h != 0 && ((int) (h >>> 40) & 3) == modeKey) {
        curEntry = off;
        curMrm = codeMrm;
        execCached(h);
        return;
      }
    }
    stepMiss();
  }

  /** Decoded-cache hit: restores the prefix state from the header and executes. */
  private void execCached(long h) {
    int n = (int) (h >>> 8) & 15;
    ip += n;
    fpos += n;
    if ((h & H_LEGACY) != 0 || legacyPrefixes) {
      // Most instructions have no legacy prefix: then the fields already hold "none".
      legacyPrefixes = (h & H_LEGACY) != 0;
      pfxOpsize = (h & H_OPSIZE) != 0;
      pfxAdsize = (h & H_ADSIZE) != 0;
      lock = (h & H_LOCK) != 0;
      int r = (int) (h >>> 16) & 3;
      rep = r == 0 ? 0 : r == 1 ? 0xf2 : 0xf3;
      segOvr = ((int) (h >>> 18) & 15) - 1;
    }
    rex = (int) (h >>> 24) & 0xff;
    osz = (int) (h >>> 32) & 15;
    asz = (int) (h >>> 36) & 15;
    int b = (int) h & 0xff;
    if (lock) {
      lockCheck(b);
    }
    exec(b);
  }

  private void stepMiss() {
    curEntry = -1;
    if (fpos < fend) {
      if (codeGen != dcache.gen) {
        refreshCodePage();
      }
      int off = fpos - fetchPa;
      long h = codeHdr[off];
      if (h != 0 && ((int) (h >>> 40) & 3) == modeKey) {
        curEntry = off;
        curMrm = codeMrm;
        execCached(h);
        return;
      }
      curEntry = off;
      curMrm = codeMrm;
      recGen = dcache.gen;
      recSlow = fetchSlowCount;
      recInval = dcache.invalidations;
    }
    decodeAndExec();
  }

  /** Cache miss (or uncacheable fetch): decodes prefixes from the bytes, records, executes. */
  private void decodeAndExec() {
    legacyPrefixes = true;
    pfxOpsize = false;
    pfxAdsize = false;
    rep = 0;
    lock = false;
    segOvr = -1;
    rex = 0;
    int b;
    prefixes:
    while (true) {
      b = fetch8();
      switch (b) {
        case 0x66:
          pfxOpsize = true;
          break;
        case 0x67:
          pfxAdsize = true;
          break;
        case 0xf2:
        case 0xf3:
          rep = b;
          break;
        case 0xf0:
          lock = true;
          break;
        case 0x26:
          segOvr = mode64 ? -1 : ES;
          break;
        case 0x2e:
          segOvr = mode64 ? -1 : CS;
          break;
        case 0x36:
          segOvr = mode64 ? -1 : SS;
          break;
        case 0x3e:
          segOvr = mode64 ? -1 : DS;
          break;
        case 0x64:
          segOvr = FS;
          break;
        case 0x65:
          segOvr = GS;
          break;
        default:
          if (mode64 && (b & 0xf0) == 0x40) {
            while ((b & 0xf0) == 0x40) { // only the last REX before the opcode counts
              rex = b;
              b = fetch8();
            }
            if (isLegacyPrefix(b)) { // REX not directly before the opcode is ignored
              rex = 0;
              ip--;
              beginFetch();
              break;
            }
          }
          break prefixes;
      }
      rex = 0;
    }
    if ((rex & 8) != 0) {
      osz = 8;
    } else if (mode64) {
      osz = pfxOpsize ? 2 : 4;
    } else {
      osz = code32 != pfxOpsize ? 4 : 2;
    }
    if (mode64) {
      asz = pfxAdsize ? 4 : 8;
    } else {
      asz = code32 != pfxAdsize ? 4 : 2;
    }
    if (curEntry >= 0) {
      if (fetchSlowCount == recSlow && dcache.gen == recGen && dcache.invalidations == recInval) {
        codeHdr[curEntry] = H_VALID | (long) modeKey << 40 | (long) asz << 36 | (long) osz << 32
            | (long) rex << 24 | (long) (segOvr + 1) << 18
            | (long) (rep == 0 ? 0 : rep == 0xf2 ? 1 : 2) << 16 | (lock ? H_LOCK : 0)
            | (pfxAdsize ? H_ADSIZE : 0) | (pfxOpsize ? H_OPSIZE : 0) | (ip - rip) << 8 | b;
      } else {
        curEntry = -1;
      }
    }
    if (lock) {
      lockCheck(b);
    }
    exec(b);
  }

  // Packed prefix/opcode decode (DecodeCache.hdr): opcode 0-7, bytes up to and including the
  // opcode 8-11, 66h 12, 67h 13, lock 14, rep 16-17 (1 = F2, 2 = F3), segment override + 1
  // 18-21, REX 24-31, osz 32-35, asz 36-39, modeKey 40-41, valid 48.
  private static final long H_OPSIZE = 1L << 12;
  private static final long H_ADSIZE = 1L << 13;
  private static final long H_LOCK = 1L << 14;
  private static final long H_VALID = 1L << 48;
  /** 66h, 67h, LOCK, REP/REPNE or a segment override (bits 12-21). */
  private static final long H_LEGACY = 0x3f_f000L;
  /** The legacy-prefix fields may hold something other than "none". */
  private boolean legacyPrefixes = true;

  private void lockCheck(int b) {
    int key = b == 0x0f ? 0x100 | peekByte() : b;
    if (!LOCKABLE[key]) {
      throw ud();
    }
    cost += CycleTable.LOCKED;
  }

  private int peekByte() {
    long save = ip;
    int savePos = fpos;
    int saveEnd = fend;
    int v = fetch8();
    ip = save;
    fpos = savePos;
    fend = saveEnd;
    return v;
  }

  static boolean isLegacyPrefix(int b) {
    switch (b) {
      case 0x66: case 0x67: case 0xf2: case 0xf3: case 0xf0:
      case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
        return true;
      default:
        return false;
    }
  }

  /**
   * Dispatch. The frequent gcc forms are handled here through small methods, so that C2, which
   * stops inlining into a method after a bytecode budget, compiles this switch with their
   * operand helpers inlined (or, past the budget, one call each into methods compiled with their
   * own budget); everything else goes to {@link #execRare}. Behaviour is identical.
   */
  private void exec(int b) {
    switch (b) {
      case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x05:
      case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
      case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15:
      case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d:
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:
      case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d:
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
      case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d:
        aluForm(b);
        break;
      case 0x0f:
        hot0F();
        break;
      case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
        push(stackOpSize(), regs[(b & 7) | ((rex & 1) << 3)]); // push r
        break;
      case 0x58: case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
        popReg(b);
        break;
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f:
        jccShort(b);
        break;
      case 0x80: case 0x81: case 0x83:
        grp1(b);
        break;
      case 0x84: case 0x85:
        testEvGv(b);
        break;
      case 0x88: case 0x89:
        movEvGv(b == 0x88 ? 1 : osz);
        break;
      case 0x8a: case 0x8b:
        movGvEv(b == 0x8a ? 1 : osz);
        break;
      case 0x8d:
        lea();
        break;
      case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
        movRegImm(b);
        break;
      case 0xc3: // ret
        jumpTo(pop(stackOpSize()));
        break;
      case 0xe8:
        callRel();
        break;
      case 0xeb: // jmp rel8
        jmpRel8();
        break;
      case 0xff:
        grp5();
        break;
      default:
        execRare(b);
        break;
    }
  }

  private void hot0F() {
    int b = fetch8();
    switch (b) {
      case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
      case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f:
        jccNear(b);
        break;
      case 0xb6: // movzx Gv, Eb
      case 0xb7: // movzx Gv, Ew
        movzx(b == 0xb6 ? 1 : 2);
        break;
      case 0xaf:
        imulGvEv();
        break;
      default:
        exec0FByte(b);
        break;
    }
  }

  private void popReg(int b) {
    int sz = stackOpSize();
    long v = pop(sz);
    setReg(sz, (b & 7) | ((rex & 1) << 3), v);
  }

  private void jccShort(int b) {
    long rel = (byte) fetch8();
    if (cond(b & 15)) {
      jumpTo(ip + rel);
      checkSpin(ip);
    }
  }

  private void jccNear(int b) {
    long rel = osz == 2 && !mode64 ? (short) fetch16() : fetch32();
    if (cond(b & 15)) {
      jumpTo(ip + rel);
      checkSpin(ip);
    }
  }

  private void testEvGv(int b) {
    int sz = b == 0x84 ? 1 : osz;
    modrm(0);
    logicFlags(sz, readRm(sz) & getReg(sz, reg));
  }

  private void movEvGv(int sz) {
    modrm(0);
    writeRm(sz, getReg(sz, reg));
  }

  private void movGvEv(int sz) {
    modrm(0);
    setReg(sz, reg, readRm(sz));
  }

  private void lea() {
    modrm(0);
    if (!isMem) {
      throw ud();
    }
    cost -= CycleTable.MEM;
    setReg(osz, reg, eaOff);
  }

  private void movRegImm(int b) {
    int r = (b & 7) | ((rex & 1) << 3); // mov r, Iv (imm64 with REX.W)
    setReg(osz, r, osz == 8 ? fetch64() : osz == 4 ? fetch32() : fetch16());
  }

  private void callRel() {
    long rel = mode64 || osz == 4 ? fetch32() : (short) fetch16();
    push(mode64 ? 8 : osz, ip);
    jumpTo(ip + rel);
  }

  private void jmpRel8() {
    long rel8 = (byte) fetch8();
    jumpTo(ip + rel8);
    checkSpin(ip);
  }

  private void movzx(int sz) {
    modrm(0);
    setReg(osz, reg, readRm(sz));
  }

  private void imulGvEv() {
    modrm(0);
    long r = imul2(osz, getReg(osz, reg), readRm(osz));
    setReg(osz, reg, r);
  }

  /** The one-byte map less the frequent opcodes, which {@link #exec} handles itself. */
  private void execRare(int b) {
    switch (b) {
      case 0x06: case 0x0e: case 0x16: case 0x1e: // push es/cs/ss/ds
        if (mode64) {
          throw ud();
        }
        push(osz, segSel[b >>> 3]);
        break;
      case 0x07: case 0x17: case 0x1f: { // pop es/ss/ds
        if (mode64) {
          throw ud();
        }
        int seg = b >>> 3;
        loadSeg(seg, (int) peek(osz, 0));
        adjustSp(osz);
        if (seg == SS) {
          interruptShadow = true;
        }
        break;
      }
      case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
        setReg(osz, b & 7, inc(osz, regs[b & 7])); // inc r (not 64-bit mode: there it is REX)
        break;
      case 0x48: case 0x49: case 0x4a: case 0x4b: case 0x4c: case 0x4d: case 0x4e: case 0x4f:
        setReg(osz, b & 7, dec(osz, regs[b & 7]));
        break;
      case 0x60: // pusha
        pusha();
        break;
      case 0x61: // popa
        popa();
        break;
      case 0x63: // movsxd Gv, Ed (64-bit mode); arpl is not supported
        if (!mode64) {
          throw ud();
        }
        modrm(0);
        setReg(osz, reg, osz == 8 ? (long) (int) readRm(4) : readRm(osz));
        break;
      case 0x68: // push Iz
        push(stackOpSize(), imm(osz == 8 ? 4 : osz));
        break;
      case 0x6a: // push Ib
        push(stackOpSize(), (byte) fetch8());
        break;
      case 0x69: // imul Gv, Ev, Iz
      case 0x6b: { // imul Gv, Ev, Ib
        int isz = b == 0x6b ? 1 : immLen(osz);
        modrm(isz);
        long v = readRm(osz);
        long i = imm(isz);
        setReg(osz, reg, imul2(osz, v, i));
        break;
      }
      case 0x6c: // insb
        string(5, 1);
        break;
      case 0x6d: // insw/d
        string(5, osz == 8 ? 4 : osz);
        break;
      case 0x6e: // outsb
        string(6, 1);
        break;
      case 0x6f: // outsw/d
        string(6, osz == 8 ? 4 : osz);
        break;
      case 0x82: // grp1 Eb,Ib (an alias of 80 outside 64-bit mode)
        grp1(b);
        break;
      case 0x86: // xchg Eb, Gb
      case 0x87: { // xchg Ev, Gv
        int sz = b == 0x86 ? 1 : osz;
        modrm(0);
        long a = readRm(sz);
        writeRm(sz, getReg(sz, reg));
        setReg(sz, reg, a);
        if (isMem && !lock) {
          cost += CycleTable.LOCKED;
        }
        break;
      }
      case 0x8c: // mov Ev, Sreg
        modrm(0);
        if ((reg & 7) > 5) {
          throw ud();
        }
        writeRm(isMem ? 2 : osz, segSel[reg & 7]);
        break;
      case 0x8e: { // mov Sreg, Ew
        modrm(0);
        int seg = reg & 7;
        if (seg == CS || seg > 5) {
          throw ud();
        }
        loadSeg(seg, (int) readRm(2));
        if (seg == SS) {
          interruptShadow = true;
        }
        break;
      }
      case 0x8f: { // pop Ev
        modrm(0);
        int sz = stackOpSize();
        long v = peek(sz, 0);
        writeRm(sz, v);
        adjustSp(sz);
        break;
      }
      case 0x90: // nop / pause / xchg r8, rax
        if ((rex & 1) != 0) {
          xchgAcc(8);
        } else if (rep == 0xf3) {
          cost += CycleTable.PAUSE;
        }
        break;
      case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
        xchgAcc((b & 7) | ((rex & 1) << 3));
        break;
      case 0x98: // cbw / cwde / cdqe
        setReg(osz, 0, sx(regs[0], osz >> 1));
        break;
      case 0x99: { // cwd / cdq / cqo
        long s = (getReg(osz, 0) & signBit(osz)) != 0 ? -1 : 0;
        setReg(osz, 2, s);
        break;
      }
      case 0x9a: // call far ptr (not in 64-bit mode)
        farCallJmp(true);
        break;
      case 0x9b: // fwait: no x87; acts as a nop unless CR0.TS and CR0.MP
        if ((cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) {
          throw fault(VEC_NM);
        }
        break;
      case 0x9c: { // pushf
        int sz = stackOpSize();
        push(sz, flags() & ~(RF | VM));
        break;
      }
      case 0x9d: { // popf
        int sz = stackOpSize();
        long v = pop(sz);
        writeFlags(v, sz == 2 ? 0xffff : 0xffff_ffffL, false);
        break;
      }
      case 0x9e: { // sahf
        int ah = (int) (regs[0] >>> 8) & 0xff;
        int mask = SF | ZF | AF | PF | CF;
        setArith((flags() & ~mask & ARITH) | (ah & mask));
        break;
      }
      case 0x9f: // lahf
        regs[0] = (regs[0] & ~0xff00L) | ((long) ((flags() & (SF | ZF | AF | PF | CF)) | 2) << 8);
        break;
      case 0xa0: case 0xa1: case 0xa2: case 0xa3: // mov AL/rAX <-> moffs
        movMoffs(b);
        break;
      case 0xa4: // movsb
        string(0, 1);
        break;
      case 0xa5: // movs
        string(0, osz);
        break;
      case 0xa6: // cmpsb
        string(1, 1);
        break;
      case 0xa7: // cmps
        string(1, osz);
        break;
      case 0xa8: // test al, Ib
        logicFlags(1, regs[0] & fetch8());
        break;
      case 0xa9: // test rAX, Iz
        logicFlags(osz, regs[0] & imm(immLen(osz)));
        break;
      case 0xaa: // stosb
        string(2, 1);
        break;
      case 0xab: // stos
        string(2, osz);
        break;
      case 0xac: // lodsb
        string(3, 1);
        break;
      case 0xad: // lods
        string(3, osz);
        break;
      case 0xae: // scasb
        string(4, 1);
        break;
      case 0xaf: // scas
        string(4, osz);
        break;
      case 0xb0: case 0xb1: case 0xb2: case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7:
        setReg(1, (b & 7) | ((rex & 1) << 3), fetch8()); // mov r8, Ib
        break;
      case 0xc0: // grp2 Eb, Ib
      case 0xc1: { // grp2 Ev, Ib
        int sz = b == 0xc0 ? 1 : osz;
        modrm(1);
        int count = fetch8();
        shiftOp(sz, count);
        break;
      }
      case 0xc2: { // ret Iw
        int n = fetch16();
        int sz = stackOpSize();
        long t = pop(sz);
        adjustSp(n);
        jumpTo(t);
        break;
      }
      case 0xc4: // les (VEX in 64-bit mode: not supported)
      case 0xc5: // lds
        if (mode64) {
          throw ud();
        }
        lesLds(b == 0xc4 ? ES : DS);
        break;
      case 0xc6: // mov Eb, Ib
        modrm(1);
        if ((reg & 7) != 0) {
          throw ud();
        }
        writeRm(1, fetch8());
        break;
      case 0xc7: { // mov Ev, Iz
        modrm(immLen(osz));
        if ((reg & 7) != 0) {
          throw ud();
        }
        writeRm(osz, imm(immLen(osz)));
        break;
      }
      case 0xc8: // enter Iw, Ib
        enter();
        break;
      case 0xc9: { // leave
        int ss = stackSize();
        long bp = ss == 8 ? regs[5] : ss == 4 ? regs[5] & 0xffff_ffffL : regs[5] & 0xffff;
        long saveSp = regs[4];
        setAddrRegStack(bp);
        try {
          long v = pop(stackOpSize());
          setReg(stackOpSize(), 5, v);
        } catch (GuestFault f) {
          regs[4] = saveSp;
          throw f;
        }
        break;
      }
      case 0xca: // retf Iw
      case 0xcb: // retf
        retf(b == 0xca ? fetch16() : 0);
        break;
      case 0xcc: // int3
        softInt(VEC_BP);
        break;
      case 0xcd: // int Ib
        softInt(fetch8());
        break;
      case 0xce: // into
        if (mode64) {
          throw ud();
        }
        if (of()) {
          softInt(VEC_OF);
        }
        break;
      case 0xcf: // iret
        iret(osz);
        ip = rip;
        cost += CycleTable.SERIALIZING;
        break;
      case 0xd0: // grp2 Eb, 1
      case 0xd1: // grp2 Ev, 1
      case 0xd2: // grp2 Eb, CL
      case 0xd3: { // grp2 Ev, CL
        int sz = (b & 1) == 0 ? 1 : osz;
        modrm(0);
        shiftOp(sz, b < 0xd2 ? 1 : (int) regs[1] & 0xff);
        break;
      }
      case 0xd7: { // xlat
        long off = maskAddr(regs[3] + (regs[0] & 0xff));
        setReg(1, 0, read8(linear(segOvr >= 0 ? segOvr : DS, off)));
        break;
      }
      case 0xe0: // loopne
      case 0xe1: // loope
      case 0xe2: { // loop
        long rel = (byte) fetch8();
        long c = counter() - 1;
        setAddrReg(1, c);
        boolean take = maskAddr(c) != 0;
        if (b == 0xe0) {
          take &= !zf();
        } else if (b == 0xe1) {
          take &= zf();
        }
        if (take) {
          jumpTo(ip + rel);
        }
        break;
      }
      case 0xe3: { // jrcxz / jecxz / jcxz
        long rel = (byte) fetch8();
        if (counter() == 0) {
          jumpTo(ip + rel);
        }
        break;
      }
      case 0xe4: // in al, Ib
      case 0xe5: // in eAX, Ib
        in(fetch8(), b == 0xe4 ? 1 : Math.min(osz, 4));
        break;
      case 0xe6: // out Ib, al
      case 0xe7: // out Ib, eAX
        out(fetch8(), b == 0xe6 ? 1 : Math.min(osz, 4));
        break;
      case 0xec: // in al, dx
      case 0xed: // in eAX, dx
        in((int) regs[2] & 0xffff, b == 0xec ? 1 : Math.min(osz, 4));
        break;
      case 0xee: // out dx, al
      case 0xef: // out dx, eAX
        out((int) regs[2] & 0xffff, b == 0xee ? 1 : Math.min(osz, 4));
        break;
      case 0xe9: { // jmp rel
        long rel = mode64 || osz == 4 ? fetch32() : (short) fetch16();
        jumpTo(ip + rel);
        checkSpin(ip);
        break;
      }
      case 0xea: // jmp far ptr
        farCallJmp(false);
        break;
      case 0xf1: // int1 / icebp
        raise(VEC_DB, false, 0, ip, false);
        ip = rip;
        break;
      case 0xf4: // hlt
        if (protectedMode && cpl != 0) {
          throw gp0();
        }
        halted = true;
        break;
      case 0xf5: // cmc
        setCf(cf() == 0);
        break;
      case 0xf6: // grp3 Eb
      case 0xf7: // grp3 Ev
        grp3(b == 0xf6 ? 1 : osz);
        break;
      case 0xf8: // clc
        setCf(false);
        break;
      case 0xf9: // stc
        setCf(true);
        break;
      case 0xfa: // cli
        checkIf();
        eflags &= ~IF;
        break;
      case 0xfb: // sti
        checkIf();
        if ((eflags & IF) == 0) {
          interruptShadow = true;
        }
        eflags |= IF;
        break;
      case 0xfc: // cld
        eflags &= ~DF;
        break;
      case 0xfd: // std
        eflags |= DF;
        break;
      case 0xfe: // grp4: inc/dec Eb
        modrm(0);
        if ((reg & 7) == 0) {
          writeRm(1, inc(1, readRm(1)));
        } else if ((reg & 7) == 1) {
          writeRm(1, dec(1, readRm(1)));
        } else {
          throw ud();
        }
        break;
      default: // x87 (D8-DF), BCD, segment-less legacy forms, and everything else
        throw ud();
    }
  }

  private void checkIf() {
    if (protectedMode && cpl > ((eflags >>> 12) & 3)) {
      throw gp0();
    }
  }

  private void setAddrRegStack(long v) {
    int ss = stackSize();
    if (ss == 8) {
      regs[4] = v;
    } else if (ss == 4) {
      regs[4] = v & 0xffff_ffffL;
    } else {
      regs[4] = (regs[4] & ~0xffffL) | (v & 0xffff);
    }
  }

  private void aluForm(int b) {
    int op = (b >>> 3) & 7;
    switch (b & 7) {
      case 0:
      case 1: { // op Eb/Ev, Gb/Gv
        int sz = (b & 1) == 0 ? 1 : osz;
        modrm(0);
        long r = alu(op, sz, readRm(sz), getReg(sz, reg));
        if (op != 7) {
          writeRm(sz, r);
        }
        break;
      }
      case 2:
      case 3: { // op Gb/Gv, Eb/Ev
        int sz = (b & 1) == 0 ? 1 : osz;
        modrm(0);
        long r = alu(op, sz, getReg(sz, reg), readRm(sz));
        if (op != 7) {
          setReg(sz, reg, r);
        }
        break;
      }
      case 4: { // op al, Ib
        long r = alu(op, 1, regs[0], fetch8());
        if (op != 7) {
          setReg(1, 0, r);
        }
        break;
      }
      default: { // op rAX, Iz
        long r = alu(op, osz, regs[0], imm(immLen(osz)));
        if (op != 7) {
          setReg(osz, 0, r);
        }
        break;
      }
    }
  }

  private void grp1(int b) {
    if (b == 0x82 && mode64) {
      throw ud();
    }
    int sz = (b & 1) == 0 ? 1 : osz;
    int isz = b == 0x81 ? immLen(osz) : 1;
    modrm(isz);
    int op = reg & 7;
    if (lock && op == 7) {
      throw ud();
    }
    long a = readRm(sz);
    long i = imm(isz);
    long r = alu(op, sz, a, i);
    if (op != 7) {
      writeRm(sz, r);
    }
  }

  private void shiftOp(int sz, int count) {
    int op = reg & 7;
    long v = readRm(sz);
    long r = shift(op, sz, v, count);
    // A 32-bit register destination is zero-extended even when the masked count is 0.
    if ((count & (sz == 8 ? 63 : 31)) != 0 || !isMem) {
      writeRm(sz, r);
    }
  }

  private void grp3(int sz) {
    modrm((peekIsTest()) ? immLen(sz) : 0);
    int op = reg & 7;
    switch (op) {
      case 0:
      case 1: // test Ev, Iz
        logicFlags(sz, readRm(sz) & imm(immLen(sz)));
        break;
      case 2: // not
        writeRm(sz, ~readRm(sz));
        break;
      case 3: { // neg
        long v = readRm(sz);
        writeRm(sz, sub(sz, 0, v));
        break;
      }
      default: // mul imul div idiv
        mulDiv(op, sz, readRm(sz));
        break;
    }
  }

  /** Peeks the ModRM reg field of grp3 (test takes an immediate, for RIP-relative). */
  private boolean peekIsTest() {
    return ((peekByte() >>> 3) & 7) < 2;
  }

  private void grp5() {
    int r = (peekByte() >>> 3) & 7;
    modrm(0);
    switch (r) {
      case 0: // inc Ev
        writeRm(osz, inc(osz, readRm(osz)));
        break;
      case 1: // dec Ev
        writeRm(osz, dec(osz, readRm(osz)));
        break;
      case 2: { // call Ev
        int sz = mode64 ? 8 : osz;
        long t = readRm(sz);
        push(sz, ip);
        jumpTo(t);
        break;
      }
      case 3: // call far m16:16/32/64
      case 5: { // jmp far
        if (!isMem) {
          throw ud();
        }
        long off = read(ea, osz);
        int sel = read16(linear(eaSeg, maskAddr(eaOff + osz)));
        farTransfer(sel, off, r == 3);
        break;
      }
      case 4: // jmp Ev
        jumpTo(readRm(mode64 ? 8 : osz));
        break;
      case 6: // push Ev
        push(stackOpSize(), readRm(stackOpSize()));
        break;
      default:
        throw ud();
    }
  }

  private void xchgAcc(int r) {
    long a = getReg(osz, 0);
    setReg(osz, 0, getReg(osz, r));
    setReg(osz, r, a);
  }

  private void movMoffs(int b) {
    long off = asz == 8 ? fetch64() : asz == 4 ? fetch32() & 0xffff_ffffL : fetch16();
    long lin = linear(segOvr >= 0 ? segOvr : DS, off);
    int sz = (b & 1) == 0 ? 1 : osz;
    cost += CycleTable.MEM;
    if (b < 0xa2) {
      setReg(sz, 0, read(lin, sz));
    } else {
      write(lin, sz, regs[0]);
    }
  }

  private void softInt(int vector) {
    cost += CycleTable.SERIALIZING;
    long next = ip;
    raise(vector, false, 0, next, true);
    ip = rip;
  }

  private void in(int port, int sz) {
    checkIo();
    cost += CycleTable.IO;
    irqPoll = true; // a host call may make an interrupt pending
    int v = host.ioRead(port, sz);
    setReg(sz, 0, v & 0xffff_ffffL);
  }

  private void out(int port, int sz) {
    checkIo();
    cost += CycleTable.IO;
    irqPoll = true; // a host call may make an interrupt pending
    host.ioWrite(port, sz, (int) getReg(sz, 0));
  }

  private void farCallJmp(boolean call) {
    if (mode64) {
      throw ud();
    }
    long off = osz == 4 ? fetch32() & 0xffff_ffffL : fetch16();
    int sel = fetch16();
    farTransfer(sel, off, call);
  }

  /** jmp/call far to sel:off (code segments only; no call gates or task switches). */
  private void farTransfer(int sel, long off, boolean call) {
    cost += CycleTable.SERIALIZING;
    int oldCs = segSel[CS];
    long ret = ip;
    int sz = osz;
    if (call) {
      long saveSp = regs[4];
      push(sz, oldCs);
      push(sz, ret);
      try {
        loadCs(sel, protectedMode ? cpl : 0);
      } catch (GuestFault f) {
        regs[4] = saveSp;
        throw f;
      }
    } else {
      loadCs(sel, protectedMode ? cpl : 0);
    }
    ip = mode64 ? off : sz == 2 ? off & 0xffff : off & 0xffff_ffffL;
  }

  private void retf(int n) {
    cost += CycleTable.SERIALIZING;
    int sz = stackOpSize();
    if (mode64 && !pfxOpsize && (rex & 8) == 0) {
      sz = 4; // retf defaults to 32-bit operands in 64-bit mode; REX.W gives lretq
    }
    if ((rex & 8) != 0) {
      sz = 8;
    }
    long off = peek(sz, 0);
    int sel = (int) peek(sz, sz) & 0xffff;
    int rpl = sel & 3;
    if (protectedMode && rpl != cpl) {
      if (rpl < cpl) {
        throw fault(VEC_GP, sel & 0xfffc);
      }
      long nsp = peek(sz, 2 * sz + n);
      int nss = (int) peek(sz, 3 * sz + n) & 0xffff;
      loadCs(sel, rpl);
      loadSeg(SS, nss);
      regs[4] = nsp;
    } else {
      loadCs(sel, protectedMode ? cpl : 0);
      adjustSp(2L * sz + n);
    }
    ip = mode64 ? off : sz == 2 ? off & 0xffff : off & 0xffff_ffffL;
  }

  private void lesLds(int seg) {
    modrm(0);
    if (!isMem) {
      throw ud();
    }
    long off = read(ea, osz);
    int sel = read16(linear(eaSeg, maskAddr(eaOff + osz)));
    loadSeg(seg, sel);
    setReg(osz, reg, off);
  }

  private void enter() {
    int size = fetch16();
    int level = fetch8() & 31;
    int sz = stackOpSize();
    long saveSp = regs[4];
    try {
      push(sz, regs[5]);
      long frame = regs[4];
      for (int i = 1; i < level; i++) {
        push(sz, peekAt(regs[5] - (long) i * sz, sz));
      }
      if (level > 0) {
        push(sz, frame);
      }
      setReg(stackSize() == 2 ? 2 : stackSize() == 4 ? 4 : 8, 5, frame);
      adjustSp(-size);
    } catch (GuestFault f) {
      regs[4] = saveSp;
      throw f;
    }
  }

  private long peekAt(long off, int sz) {
    int ss = stackSize();
    if (ss == 8) {
      return read(off, sz);
    }
    return read((segBase[SS] + (off & (ss == 4 ? 0xffff_ffffL : 0xffff))) & 0xffff_ffffL, sz);
  }

  private void pusha() {
    if (mode64) {
      throw ud();
    }
    long sp = regs[4];
    try {
      for (int r = 0; r < 8; r++) {
        push(osz, r == 4 ? sp : regs[r]);
      }
    } catch (GuestFault f) {
      regs[4] = sp;
      throw f;
    }
  }

  private void popa() {
    if (mode64) {
      throw ud();
    }
    long[] v = popaScratch;
    for (int i = 0; i < 8; i++) {
      v[7 - i] = peek(osz, i * osz);
    }
    for (int r = 0; r < 8; r++) {
      if (r != 4) {
        setReg(osz, r, v[r]);
      }
    }
    adjustSp(8L * osz);
  }

  private final long[] popaScratch = new long[8];
}
