package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * One x86-64 logical processor.
 *
 * <p>CONTRACT (the board and the scheduler rely on exactly this surface):
 * <ul>
 *   <li>{@link #run(long)} executes instructions until {@link #cycles()} reaches the limit, the CPU
 *       halts, or {@link #requestStop()} is called (from a device callback during the run). Each
 *       instruction adds its cost from the cycle table to cycles, unhalted cycles and (when it
 *       retires) instructionsRetired. Pending NMI/INIT/SIPI/interrupts are taken at instruction
 *       boundaries inside run().</li>
 *   <li>While halted (HLT, or waiting for SIPI) run() returns immediately; the scheduler moves the
 *       clock with {@link #idleUntil(long)}. Unhalted cycles do not advance while halted.</li>
 *   <li>{@link #setCounterLimits(long, long)}: when unhaltedCycles() reaches the first or
 *       instructionsRetired() reaches the second, run() calls {@link CpuHost#counterLimitReached()}
 *       at that exact instruction boundary (the PMU uses this for overflow at the exact cycle).
 *       The limit that was reached is then disarmed (set to Long.MAX_VALUE): the host re-arms it
 *       from the callback if it wants another one.</li>
 *   <li>Guest faults never escape as Java exceptions.</li>
 * </ul>
 *
 * <p>The interpreter itself is {@link Core}; this class is its public face. See docs/cpu.md.
 */
public final class Cpu {
  /** Selector of the flat 64-bit code segment set up by {@link #enterLongModeFlat(long)}. */
  public static final int FLAT_CODE64_SELECTOR = 0x08;
  public static final int FLAT_DATA_SELECTOR = 0x10;

  private final Core c;

  public Cpu(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    this.c = new Core(index, memory, host, model);
    c.resetState(index != 0, true);
  }

  public int index() {
    return c.index;
  }

  public CpuModel model() {
    return c.model;
  }

  /** Power-on / RESET state: real mode at F000:FFF0 (BSP) — APs then wait for INIT-SIPI. */
  public void reset(boolean waitForSipi) {
    c.initPending = false;
    c.sipiPending = false;
    c.resetState(waitForSipi, true);
  }

  /**
   * PVH entry state: 32-bit protected mode, flat 4 GiB CS (selector 0x08, execute/read) and
   * DS/ES/SS (0x10, read/write), CR0 = PE|ET, paging off, EFLAGS = 0x2, EIP = entry, EBX = startInfo.
   */
  public void enterPvh(long entry, long startInfo) {
    c.resetState(false, false);
    c.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
    c.setSegCache(CpuState.CS, 0x08, 0, 0xffff_ffffL, 0xc09b);
    for (int s : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
      c.setSegCache(s, 0x10, 0, 0xffff_ffffL, 0xc093);
    }
    c.regs[2] = 0;
    c.regs[3] = startInfo & 0xffff_ffffL;
    c.rip = entry & 0xffff_ffffL;
    c.updateMode();
    c.flushTlb();
  }

  /**
   * Test/loader helper: puts the CPU straight into 64-bit long mode at CPL 0 with paging on
   * (CR3 = cr3, CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE|PGE, EFER = SCE|LME|LMA|NXE), flat CS = 0x08
   * (64-bit) and DS/ES/SS/FS/GS = 0x10 with base 0, IF = 0, RIP/RSP unchanged. The GDT/IDT are
   * not set up: exceptions need an IDT ({@link #setIdt}) and, for a GDT-backed CS, a GDT.
   * {@link #buildIdentityPageTables} makes a suitable CR3.
   */
  public void enterLongModeFlat(long cr3) {
    c.resetState(false, false);
    c.cr0 = CpuState.CR0_PE | CpuState.CR0_MP | CpuState.CR0_ET | CpuState.CR0_NE
        | CpuState.CR0_WP | CpuState.CR0_PG;
    c.cr4 = CpuState.CR4_PAE | CpuState.CR4_PGE;
    c.efer = CpuState.EFER_SCE | CpuState.EFER_LME | CpuState.EFER_LMA | CpuState.EFER_NXE;
    c.cr3 = cr3;
    c.regs[2] = 0;
    c.setSegCache(CpuState.CS, FLAT_CODE64_SELECTOR, 0, 0xffff_ffffL, 0xa09b);
    for (int s : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
      c.setSegCache(s, FLAT_DATA_SELECTOR, 0, 0xffff_ffffL, 0xc093);
    }
    c.rip = 0;
    c.updateMode();
    c.flushTlb();
  }

  /**
   * Writes identity-mapping 4-level page tables at {@code at} (two 4 KiB pages: a PML4 and a PDPT
   * of 512 x 1 GiB present/writable/supervisor pages covering 0..512 GiB) and returns the CR3.
   */
  public static long buildIdentityPageTables(PhysicalMemory mem, long at) {
    long pdpt = at + PhysicalMemory.PAGE_SIZE;
    for (int i = 0; i < 512; i++) {
      mem.write64(at + 8L * i, 0);
      mem.write64(pdpt + 8L * i, ((long) i << 30) | 0x83);
    }
    mem.write64(at, pdpt | 0x3);
    mem.notifyHostWrite(at, 2 * PhysicalMemory.PAGE_SIZE);
    return at;
  }

  public void run(long cycleLimit) {
    try {
      c.run(cycleLimit);
    } catch (GuestFault f) {
      // Cannot happen (faults are delivered inside run); never let one escape.
      c.tripleFault();
    } catch (RuntimeException e) {
      // An interpreter bug must not take the host down: stop this CPU like a shutdown.
      c.lastError = e;
      c.tripleFault();
    }
  }

  public void idleUntil(long cycle) {
    if (cycle > c.cycles) {
      c.idleCycles += cycle - c.cycles;
      c.cycles = cycle;
    }
  }

  public void requestStop() {
    c.stopRequested = true;
    c.irqPoll = true; // also ends a run of pre-decoded blocks (BlockEngine)
  }

  public long cycles() {
    return c.cycles;
  }

  public long unhaltedCycles() {
    return c.cycles - c.idleCycles;
  }

  public long instructionsRetired() {
    return c.retired;
  }

  public void setCounterLimits(long unhaltedCycleLimit, long instructionLimit) {
    c.unhaltedLimit = unhaltedCycleLimit;
    c.instructionLimit = instructionLimit;
  }

  /** HLT state or waiting for SIPI (or shut down after a triple fault). */
  public boolean isHalted() {
    if (c.initPending || c.sipiPending) {
      c.processInitSipi();
    }
    if (c.halted) {
      c.tryWake();
    }
    return c.halted;
  }

  public boolean isWaitingForSipi() {
    return c.waitingForSipi;
  }

  public boolean interruptFlag() {
    return (c.eflags & CpuState.IF) != 0;
  }

  public boolean nmiPending() {
    return c.nmiLatched;
  }

  /** An NMI is latched; delivered at the next boundary unless NMIs are blocked (until IRET). */
  public void signalNmi() {
    c.nmiLatched = true;
    c.irqPoll = true; // ends a run of pre-decoded blocks at the next instruction boundary
  }

  /** INIT: the CPU resets to the wait-for-SIPI state at its next instruction boundary. */
  public void signalInit() {
    c.initPending = true;
    c.sipiPending = false;
    c.stopRequested = true;
    c.irqPoll = true;
  }

  /** SIPI: a CPU waiting for SIPI starts in real mode at CS = vector << 8, IP = 0. */
  public void signalSipi(int vector) {
    if (c.waitingForSipi || c.initPending) {
      c.sipiPending = true;
      c.sipiVector = vector & 0xff;
    }
  }

  /** The host's interruptPending() may have become true: wake from HLT if IF=1. */
  public void notifyInterrupt() {
    c.irqPoll = true;
    if (c.halted) {
      c.tryWake();
    }
  }

  /** Architectural register access for loaders, tests and the monitor. r = 0..15 (RAX..R15). */
  public long reg(int r) {
    return c.regs[r];
  }

  public void setReg(int r, long value) {
    c.regs[r] = value;
  }

  public long rip() {
    return c.rip;
  }

  public long rflags() {
    return c.flags() & 0xffff_ffffL;
  }

  // ---- Additions (tests, loaders, monitor) ----------------------------------------------------

  public void setRip(long rip) {
    c.rip = rip;
  }

  /** Writes RFLAGS (bit 1 always set). */
  public void setRflags(long value) {
    c.fOp = Alu.F_NONE;
    c.eflags = ((int) value & 0x3f_7fd7) | 2;
  }

  public long cr0() {
    return c.cr0;
  }

  public long cr2() {
    return c.cr2;
  }

  public long cr3() {
    return c.cr3;
  }

  public long cr4() {
    return c.cr4;
  }

  public long efer() {
    return c.efer;
  }

  public int cpl() {
    return c.cpl;
  }

  /** True in 64-bit mode (EFER.LMA and CS.L). */
  public boolean isLongMode64() {
    return c.mode64;
  }

  public boolean isProtectedMode() {
    return c.protectedMode;
  }

  /** Segment selector / base: seg = 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS. */
  public int segmentSelector(int seg) {
    return c.segSel[seg];
  }

  public long segmentBase(int seg) {
    return c.segBase[seg];
  }

  public void setIdt(long base, int limit) {
    c.idtBase = base;
    c.idtLimit = limit;
  }

  public void setGdt(long base, int limit) {
    c.gdtBase = base;
    c.gdtLimit = limit;
  }

  public long idtBase() {
    return c.idtBase;
  }

  public long gdtBase() {
    return c.gdtBase;
  }

  /** Loads TR directly (base of a 64-bit TSS), for tests of IST / RSP0 stacks. */
  public void setTaskRegister(int selector, long base, int limit) {
    c.trSel = selector;
    c.trBase = base;
    c.trLimit = limit;
  }

  /** RDMSR as the guest would see it; empty if the MSR does not exist (#GP in the guest). */
  public java.util.OptionalLong readMsr(int msr) {
    try {
      return java.util.OptionalLong.of(c.readMsr(msr));
    } catch (GuestFault f) {
      return java.util.OptionalLong.empty();
    }
  }

  /** WRMSR as the guest would do it; false if the guest would get #GP. */
  public boolean writeMsr(int msr, long value) {
    try {
      c.writeMsr(msr, value);
      return true;
    } catch (GuestFault f) {
      return false;
    }
  }

  /** TSC as RDTSC would return it now. */
  public long tsc() {
    return c.tsc();
  }

  public boolean nmiBlocked() {
    return c.nmiBlocked;
  }

  public boolean isShutdown() {
    return c.shutdown;
  }

  /**
   * Exact skipping of provably idle spin loops ({@code jmp .}, a jcc to itself, {@code pause;
   * jmp back}): the skipped iterations are accounted in cycles and retired instructions exactly
   * as if executed, and every limit still fires at its exact boundary. On by default
   * (MachineConfig.fastForward); off interprets every iteration.
   */
  public void setFastForward(boolean enabled) {
    c.fastForward = enabled;
    c.ff.setEnabled(enabled); // [fast-forward] the general spin detector (SpinDetector) too
  }

  /**
   * Block execution on (default) or off: off interprets every instruction through the generic
   * decode path, and runs rep movs/stos element by element (no bulk copy or fill within a page).
   * Guest-visible behaviour is identical; off exists for tests and measurements.
   */
  public void setBlockEngine(boolean enabled) {
    c.useBlocks = enabled;
    c.blocksForced = enabled; // from the first instruction, without the JVM-wide warm-up
  }

  public boolean blockEngine() {
    return c.useBlocks;
  }

  /**
   * JVM-wide: the unchecked runs after which a block is compiled to a JVM class
   * ({@link BlockCompiler}); 0 never compiles. Default {@code -Demu.jit.after} or 2000. Invisible
   * to the guest; for tests and measurements.
   */
  public static void setBlockCompileAfter(int runs) {
    BlockEngine.jitAfter = runs;
  }

  public static int blockCompileAfter() {
    return BlockEngine.jitAfter;
  }

  /** JVM-wide count of blocks compiled so far, and of compilations that failed (a bug). */
  public static int compiledBlocks() {
    return BlockCompiler.compiled;
  }

  public static int blockCompileFailures() {
    return BlockCompiler.failures;
  }

  public boolean fastForward() {
    return c.fastForward;
  }

  /** Instructions accounted by fast-forward rather than interpreted (diagnostics, monitor). */
  public long skippedInstructions() {
    return c.skippedInstructions + c.ff.skippedInstructions; // [fast-forward] both mechanisms
  }

  /** Total CPUs of the machine, for CPUID topology leaves (default 1). */
  public void setCpuCount(int n) {
    c.cpuCount = Math.max(1, n);
  }

  /** The CPUID brand string (e.g. "emu virtual CPU @ 2.00GHz"). */
  public String brandString() {
    return Cpuid.brand(c.model);
  }

  /** Diagnostics: "vector=.. error=.. rip=.." of the last exception or interrupt raised. */
  public String lastEvent() {
    return String.format("vector=%d error=%x rip=%x cr2=%x", c.lastVector, c.lastErrorCode,
        c.lastEventRip, c.cr2);
  }

  /** Internal error that stopped this CPU (an interpreter bug), or null. */
  public RuntimeException lastError() {
    return c.lastError;
  }

  // ---- Fast-forward of state-invariant spin loops (docs/fast-forward.md) ------------------------

  /**
   * Cycles accounted without interpreting them (spin iterations skipped by Core.fastForwardSpin
   * and by SpinDetector), since construction. Per CPU, for Machine.skippedCycles / "info ff".
   */
  public long skippedCycles() {
    return c.ff.skippedCycles;
  }

  /** Number of fast-forwards (each skipped one or more whole loop iterations). */
  public long fastForwards() {
    return c.ff.skips;
  }

  /** QEMU-monitor style multi-line register dump ("info registers"). */
  public String describeRegisters() {
    return RegisterDump.format(c);
  }
}
