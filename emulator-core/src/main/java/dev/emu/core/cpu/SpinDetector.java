package dev.emu.core.cpu;

/**
 * Exact fast-forward of state-invariant spin loops (docs/fast-forward.md).
 *
 * <p>Overview: during one {@link Cpu#run} slice nothing but this CPU runs, no device event fires
 * and nothing can become pending except through this CPU's own actions. So if one iteration of a
 * short loop returns to the loop head with the same registers and RFLAGS, stores nothing, talks
 * to no device and reads only RAM, every further iteration in the slice is identical, and k of
 * them can be accounted at once (cycles, unhalted cycles, instructions retired) without running
 * them. k is chosen so that the slice limit and both PMU counter limits are still short by at
 * least one iteration: the interpreter runs the remainder and stops (or calls
 * {@link CpuHost#counterLimitReached()}) at exactly the instruction it would have without
 * fast-forward.
 *
 * <p>A tiny state machine, fed by one hook in the instruction loop of {@link Core#run}: idle until a taken
 * backward transfer of at most {@link #MAX_SPAN} bytes arms it at the target (the loop head); it
 * then records at most {@link #MAX_INSNS} instructions, each checked against
 * {@link SpinAllowList}, and compares the state when RIP is back at the head. Loops that change
 * state (counted loops) back off exponentially per head, so they pay the check rarely.
 * No allocation after construction.
 */
final class SpinDetector {
  /** Longest backward distance (branch instruction start to its target) that arms the detector. */
  static final int MAX_SPAN = 64;
  /** Longest loop iteration, in instructions. */
  static final int MAX_INSNS = 16;
  private static final int MAX_BACKOFF = 4096;

  private final Core c;
  boolean enabled = true;
  /** Recording one iteration from {@link #head}. Read on the hot path. */
  boolean recording;

  private long head;
  private final long[] headRegs = new long[16];
  private int headFlags;
  private long headCycles;
  private long headRetired;
  private long headUnhaltedLimit;
  private long headInstructionLimit;
  private long expectRip;
  private long lastCycles;
  private long lastRetired;
  private int count;
  private boolean retried;

  /**
   * Per-head exponential back-off after a failed check, direct-mapped by head address. The
   * block engine reads the head/left arrays directly (the not-recording start of
   * afterInstruction, inline) and calls afterInstruction only when a head is not backing off.
   */
  private static final int BACKOFF_SLOTS = 1024;
  final long[] backoffHead = new long[BACKOFF_SLOTS];
  private final int[] backoffLen = new int[BACKOFF_SLOTS];
  final int[] backoffLeft = new int[BACKOFF_SLOTS];

  /** RAM loads of the iteration being recorded (linear addresses). */
  private final long[] recLoadEa = new long[MAX_INSNS];
  private int recLoads;
  private long recMinAt;
  private long recMaxAt;

  /**
   * Memo of the last verified loop, so that later slices can skip without recording an
   * iteration again: valid while the head state, the context (mode, CPL, CR0/3/4, EFER, segment
   * bases), the loop's code bytes and the 8 bytes at each load address are all unchanged.
   */
  private boolean memoValid;
  private long memoHead;
  private final long[] memoRegs = new long[16];
  private int memoFlags;
  private long memoDc;
  private long memoDr;
  private int memoLoads;
  private final long[] memoLoadEa = new long[MAX_INSNS];
  private final long[] memoLoadVal = new long[MAX_INSNS];
  private long memoCodeLin;
  private int memoCodeLen;
  private final byte[] memoCode = new byte[2 * MAX_SPAN + 32];
  private final long[] memoSegBase = new long[6];
  private long memoCr0;
  private long memoCr3;
  private long memoCr4;
  private long memoEfer;
  private int memoCpl;
  private boolean memoMode64;
  private boolean memoCode32;
  private long memoFetchBase;

  long skippedCycles;
  long skippedInstructions;
  /** Number of fast-forwards done (each skips k >= 1 iterations). */
  long skips;

  SpinDetector(Core c) {
    this.c = c;
    java.util.Arrays.fill(backoffHead, -1L);
  }

  static int slot(long h) {
    return (int) (h ^ (h >>> 5)) & (BACKOFF_SLOTS - 1);
  }

  void setEnabled(boolean on) {
    enabled = on;
    recording = false;
    memoValid = false;
  }

  /** A new slice (or anything that may have changed memory behind this CPU's back). */
  void reset() {
    recording = false;
  }

  /**
   * Called after each instruction while recording, and after any taken backward transfer of at
   * most MAX_SPAN bytes. {@code at} is the address of the instruction just executed, c.rip the
   * next one.
   */
  void afterInstruction(long at) {
    if (!recording) {
      if (!enabled) {
        return;
      }
      long h = c.rip;
      int i = slot(h);
      if (backoffHead[i] == h && backoffLeft[i] > 0) {
        backoffLeft[i]--;
        return;
      }
      if (memoValid && h == memoHead && memoStillHolds()) {
        skip(memoDc, memoDr); // the verified loop, unchanged since: no need to record again
        return;
      }
      retried = false;
      arm(h);
      return;
    }
    if (at != expectRip || c.retired - lastRetired != 1 || c.cycles - lastCycles != c.cost) {
      // An event was delivered, the instruction faulted or did not complete: not a spin.
      recording = false;
      return;
    }
    int kind = SpinAllowList.classify(this, linear(at), c.mode64);
    if (kind == SpinAllowList.REJECT || (kind == SpinAllowList.LOAD && !loadWasRam())) {
      fail();
      return;
    }
    if (kind == SpinAllowList.LOAD) {
      recLoadEa[recLoads++] = c.ea; // at most one per instruction, count < MAX_INSNS
    }
    recMinAt = Math.min(recMinAt, at);
    recMaxAt = Math.max(recMaxAt, at);
    count++;
    expectRip = c.rip;
    lastCycles = c.cycles;
    lastRetired = c.retired;
    if (c.rip != head) {
      if (count >= MAX_INSNS) {
        fail();
      }
      return;
    }
    // Back at the head after one complete iteration of allowed instructions.
    recording = false;
    if (c.unhaltedLimit != headUnhaltedLimit || c.instructionLimit != headInstructionLimit
        || c.halted) {
      return; // the host's counter callback ran in this iteration: start over next time
    }
    if (!sameState()) {
      if (!retried) {
        retried = true; // the first iteration may just be settling (e.g. mov $0, %eax)
        arm(head);
      } else {
        fail();
      }
      return;
    }
    int i = slot(head);
    if (backoffHead[i] == head) {
      backoffHead[i] = -1;
      backoffLen[i] = 0;
    }
    long dc = c.cycles - headCycles;
    long dr = c.retired - headRetired;
    remember(dc, dr);
    skip(dc, dr);
  }

  private void arm(long h) {
    head = h;
    System.arraycopy(c.regs, 0, headRegs, 0, 16);
    headFlags = flagsNow();
    headCycles = c.cycles;
    headRetired = c.retired;
    headUnhaltedLimit = c.unhaltedLimit;
    headInstructionLimit = c.instructionLimit;
    expectRip = h;
    lastCycles = c.cycles;
    lastRetired = c.retired;
    count = 0;
    recLoads = 0;
    recMinAt = h;
    recMaxAt = h;
    recording = true;
  }

  private void fail() {
    recording = false;
    int i = slot(head);
    if (backoffHead[i] == head) {
      backoffLen[i] = Math.min(backoffLen[i] * 2, MAX_BACKOFF);
    } else {
      backoffHead[i] = head;
      backoffLen[i] = 4;
    }
    backoffLeft[i] = backoffLen[i];
  }

  private boolean sameState() {
    long[] r = c.regs;
    for (int i = 0; i < 16; i++) {
      if (r[i] != headRegs[i]) {
        return false;
      }
    }
    return flagsNow() == headFlags;
  }

  /** RFLAGS as the guest would see them, without folding the lazy record (no side effect). */
  private int flagsNow() {
    if (c.fOp == Alu.F_NONE) {
      return c.eflags;
    }
    int f = c.cf();
    if (c.pf()) {
      f |= CpuState.PF;
    }
    if (c.af()) {
      f |= CpuState.AF;
    }
    if (c.zf()) {
      f |= CpuState.ZF;
    }
    if (c.sf()) {
      f |= CpuState.SF;
    }
    if (c.of()) {
      f |= CpuState.OF;
    }
    return (c.eflags & ~CpuState.ARITH) | f;
  }

  /** Memoises the loop just verified (state at its head == current state). */
  private void remember(long dc, long dr) {
    memoValid = false;
    long lo = linear(recMinAt);
    long hi = linear(recMaxAt) + 15; // every instruction lies within [lo, hi)
    int len = (int) (hi - lo);
    if (recMaxAt - recMinAt > 2 * MAX_SPAN || len <= 0 || len > memoCode.length
        || (lo >>> 12) != ((hi - 1) >>> 12)) {
      return; // also a 32-bit wrap-around at 4 GiB
    }
    int page = codePage(lo);
    if (page < 0) {
      return;
    }
    System.arraycopy(c.ram, page + ((int) lo & 0xfff), memoCode, 0, len);
    for (int n = 0; n < recLoads; n++) {
      long ea = recLoadEa[n];
      int at = ramIndex(ea);
      if (at < 0) {
        return;
      }
      memoLoadEa[n] = ea;
      memoLoadVal[n] = (long) Mmu.LONG.get(c.ram, at);
    }
    memoLoads = recLoads;
    memoCodeLin = lo;
    memoCodeLen = len;
    memoHead = head;
    System.arraycopy(headRegs, 0, memoRegs, 0, 16);
    memoFlags = headFlags;
    memoDc = dc;
    memoDr = dr;
    System.arraycopy(c.segBase, 0, memoSegBase, 0, 6);
    memoCr0 = c.cr0;
    memoCr3 = c.cr3;
    memoCr4 = c.cr4;
    memoEfer = c.efer;
    memoCpl = c.cpl;
    memoMode64 = c.mode64;
    memoCode32 = c.code32;
    memoFetchBase = c.fetchBase;
    memoValid = true;
  }

  /** True if an iteration from the current state would repeat the memoised one exactly. */
  private boolean memoStillHolds() {
    long[] r = c.regs;
    for (int i = 0; i < 16; i++) {
      if (r[i] != memoRegs[i]) {
        return false;
      }
    }
    if (flagsNow() != memoFlags || c.cr3 != memoCr3 || c.cr0 != memoCr0 || c.cr4 != memoCr4
        || c.efer != memoEfer || c.cpl != memoCpl || c.mode64 != memoMode64
        || c.code32 != memoCode32 || c.fetchBase != memoFetchBase) {
      return false;
    }
    for (int s = 0; s < 6; s++) {
      if (c.segBase[s] != memoSegBase[s]) {
        return false;
      }
    }
    int page = codePage(memoCodeLin);
    if (page < 0) {
      return false;
    }
    int from = page + ((int) memoCodeLin & 0xfff);
    if (!java.util.Arrays.equals(c.ram, from, from + memoCodeLen, memoCode, 0, memoCodeLen)) {
      return false;
    }
    for (int n = 0; n < memoLoads; n++) {
      int at = ramIndex(memoLoadEa[n]);
      if (at < 0 || (long) Mmu.LONG.get(c.ram, at) != memoLoadVal[n]) {
        return false;
      }
    }
    return true;
  }

  /** RAM index of the 8 bytes at a linear address through the read TLB; -1 if not cached/split. */
  private int ramIndex(long ea) {
    long vpn = ea >>> 12;
    int i = (int) vpn & Mmu.TLB_MASK;
    if (c.tlbR[i] != vpn || (ea & 0xfff) > 0xff8) {
      return -1;
    }
    return c.tlbPa[i] + ((int) ea & 0xfff);
  }

  /** RAM index of the code page holding a linear address (fetch page or execute TLB); -1 if none. */
  private int codePage(long lin) {
    long vpn = lin >>> 12;
    if (vpn == c.fetchVpn) {
      return c.fetchPa;
    }
    int i = (int) vpn & Mmu.TLB_MASK;
    return c.tlbX[i] == vpn && c.tlbCpl == c.cpl ? c.tlbPa[i] : -1;
  }

  /** Accounts k whole iterations, k as large as the slice and the counter limits allow. */
  private void skip(long dc, long dr) {
    if (c.stopRequested || c.interruptShadow || c.initPending || c.sipiPending) {
      return;
    }
    // Single-step traps and debug breakpoints would fire inside the skipped iterations (neither
    // is modelled by the interpreter today; refusing keeps this exact if they ever are).
    if ((c.eflags & CpuState.TF) != 0 || (c.dr[7] & 0xff) != 0) {
      return;
    }
    if (c.nmiLatched && !c.nmiBlocked) {
      return;
    }
    if ((c.eflags & CpuState.IF) != 0 && c.host.interruptPending()) {
      return;
    }
    if (dc <= 0 || dr <= 0) {
      return;
    }
    // Every boundary in the skipped iterations must stay below the slice limit ...
    long k = (c.runLimit - 1 - c.cycles) / dc;
    // ... and below both counter limits (the counter callback fires when they are reached).
    if (c.unhaltedLimit != Long.MAX_VALUE) {
      k = Math.min(k, (c.unhaltedLimit - 1 - (c.cycles - c.idleCycles)) / dc);
    }
    if (c.instructionLimit != Long.MAX_VALUE) {
      k = Math.min(k, (c.instructionLimit - 1 - c.retired) / dr);
    }
    if (k <= 0) {
      return;
    }
    c.cycles += k * dc;
    c.retired += k * dr;
    skippedCycles += k * dc;
    skippedInstructions += k * dr;
    skips++;
  }

  /** Did the load of the instruction just executed read RAM? (Only RAM pages enter the TLB.) */
  private boolean loadWasRam() {
    if (!c.isMem) {
      return false;
    }
    long first = c.ea >>> 12;
    long last = (c.ea + 7) >>> 12;
    return c.tlbR[(int) first & Mmu.TLB_MASK] == first && c.tlbR[(int) last & Mmu.TLB_MASK] == last;
  }

  private long linear(long at) {
    long lin = c.fetchBase + at;
    return c.mode64 ? lin : lin & 0xffff_ffffL;
  }

  /** A code byte at a linear address, from the fetch page or the execute TLB; -1 if not cached. */
  int codeByte(long lin) {
    long vpn = lin >>> 12;
    int pa;
    if (vpn == c.fetchVpn) {
      pa = c.fetchPa;
    } else {
      int i = (int) vpn & Mmu.TLB_MASK;
      if (c.tlbX[i] != vpn) {
        return -1;
      }
      pa = c.tlbPa[i];
    }
    return c.ram[pa + ((int) lin & 0xfff)] & 0xff;
  }
}
