package dev.emu.devices.apic;

/**
 * A CPU clock for the PMU: {@link #run} advances cycles and instructions like the interpreter,
 * stopping at exactly the limits set by the PMU and calling back as CpuHost.counterLimitReached.
 */
final class FakePmuClock implements PmuClock {
  long cycles;
  long instructions;
  long cycleLimit = Long.MAX_VALUE;
  long instructionLimit = Long.MAX_VALUE;
  int limitCalls;
  /** Behave like a CPU that forgets its limits once it reports them. */
  boolean consumeLimits;
  Pmu pmu;

  @Override
  public long unhaltedCycles() {
    return cycles;
  }

  @Override
  public long instructionsRetired() {
    return instructions;
  }

  @Override
  public void setCounterLimits(long unhaltedCycleLimit, long instructionLimit) {
    this.cycleLimit = unhaltedCycleLimit;
    this.instructionLimit = instructionLimit;
    limitCalls++;
  }

  /**
   * Executes {@code count} instructions of {@code cyclesPerInstruction} cycles each, reporting a
   * reached limit at the boundary of the instruction that reaches it.
   */
  void run(long count, long cyclesPerInstruction) {
    for (long n = 0; n < count; n++) {
      cycles += cyclesPerInstruction;
      instructions++;
      if (cycles >= cycleLimit || instructions >= instructionLimit) {
        if (consumeLimits) {
          cycleLimit = Long.MAX_VALUE;
          instructionLimit = Long.MAX_VALUE;
        }
        pmu.counterLimitReached();
      }
    }
  }

  /** Jumps far ahead without crossing a limit (asserts that none is crossed). */
  void skip(long dCycles, long dInstructions) {
    assert cycles + dCycles < cycleLimit && instructions + dInstructions < instructionLimit;
    cycles += dCycles;
    instructions += dInstructions;
  }
}
