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
 *       at that exact instruction boundary (the PMU uses this for overflow at the exact cycle).</li>
 *   <li>Guest faults never escape as Java exceptions.</li>
 * </ul>
 */
public final class Cpu {
  private final int index;
  private final PhysicalMemory memory;
  private final CpuHost host;
  private final CpuModel model;

  public Cpu(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    this.index = index;
    this.memory = memory;
    this.host = host;
    this.model = model;
  }

  public int index() {
    return index;
  }

  public CpuModel model() {
    return model;
  }

  /** Power-on / RESET state: real mode at F000:FFF0 (BSP) — APs then wait for INIT-SIPI. */
  public void reset(boolean waitForSipi) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /**
   * PVH entry state: 32-bit protected mode, flat 4 GiB CS (selector 0x08, execute/read) and
   * DS/ES/SS (0x10, read/write), CR0 = PE|ET, paging off, EFLAGS = 0x2, EIP = entry, EBX = startInfo.
   */
  public void enterPvh(long entry, long startInfo) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void run(long cycleLimit) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void idleUntil(long cycle) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void requestStop() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public long cycles() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public long unhaltedCycles() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public long instructionsRetired() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void setCounterLimits(long unhaltedCycleLimit, long instructionLimit) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /** HLT state or waiting for SIPI. */
  public boolean isHalted() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public boolean isWaitingForSipi() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public boolean interruptFlag() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public boolean nmiPending() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /** An NMI is latched; delivered at the next boundary unless NMIs are blocked (until IRET). */
  public void signalNmi() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void signalInit() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void signalSipi(int vector) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /** The host's interruptPending() may have become true: wake from HLT if IF=1. */
  public void notifyInterrupt() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /** Architectural register access for loaders, tests and the monitor. r = 0..15 (RAX..R15). */
  public long reg(int r) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public void setReg(int r, long value) {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public long rip() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  public long rflags() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }

  /** QEMU-monitor style multi-line register dump ("info registers"). */
  public String describeRegisters() {
    throw new UnsupportedOperationException("interpreter not implemented yet");
  }
}
