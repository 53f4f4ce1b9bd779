package dev.emu.devices.apic;

/**
 * What the PMU needs from its CPU. The board binds this to {@code dev.emu.core.cpu.Cpu} (same
 * method names). Both counts are monotonic and advance only while the CPU is not halted.
 */
public interface PmuClock {
  /** Cycles spent executing (not halted, not waiting for SIPI). */
  long unhaltedCycles();

  long instructionsRetired();

  /**
   * Asks the CPU to call {@code CpuHost.counterLimitReached()} at the first instruction boundary
   * where unhaltedCycles() &gt;= the first limit or instructionsRetired() &gt;= the second.
   * Long.MAX_VALUE disables a limit.
   */
  void setCounterLimits(long unhaltedCycleLimit, long instructionLimit);
}
