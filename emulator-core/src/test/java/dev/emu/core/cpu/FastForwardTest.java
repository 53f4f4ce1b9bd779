package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Exact fast-forward of idle loops: with it on, every observable (cycles, retired instructions,
 * the boundary where a counter limit fires, where run() returns, where an interrupt is taken)
 * is identical to interpreting every iteration.
 */
class FastForwardTest {
  private static final String JMP_SELF = "ebfe"; // 1: jmp 1b
  private static final String PAUSE_LOOP = "f390ebfc"; // 1: pause; jmp 1b
  private static final String JNE_SELF = "31c075fe"; // xor %eax,%eax; jne . (never taken)...

  private record Outcome(long cycles, long retired, long limitCycles, long limitInstrs, long rip) {}

  private static Outcome run(String code, boolean ff, long cycleLimit, long instrLimit, long runTo) {
    CpuRig r = new CpuRig();
    r.cpu.setFastForward(ff);
    r.load(CpuRig.CODE, code);
    r.cpu.setCounterLimits(cycleLimit, instrLimit);
    r.cpu.run(runTo);
    return new Outcome(r.cpu.cycles(), r.cpu.instructionsRetired(), r.host.cyclesAtLimit,
        r.host.instructionsAtLimit, r.cpu.rip());
  }

  @Test
  void jmpSelf_instructionLimit_sameAsInterpreting() {
    Outcome on = run(JMP_SELF, true, Long.MAX_VALUE, 300_001, 5_000_000);
    Outcome off = run(JMP_SELF, false, Long.MAX_VALUE, 300_001, 5_000_000);
    assertThat(on).isEqualTo(off);
    assertThat(on.limitInstrs()).isEqualTo(300_001);
  }

  @Test
  void pauseLoop_unhaltedCycleLimit_sameAsInterpreting() {
    Outcome on = run(PAUSE_LOOP, true, 1_234_567, Long.MAX_VALUE, 3_000_000);
    Outcome off = run(PAUSE_LOOP, false, 1_234_567, Long.MAX_VALUE, 3_000_000);
    assertThat(on).isEqualTo(off);
    assertThat(on.limitCycles()).isGreaterThanOrEqualTo(1_234_567);
  }

  @Test
  void pauseLoop_instructionLimitInsideAnIteration_sameAsInterpreting() {
    Outcome on = run(PAUSE_LOOP, true, Long.MAX_VALUE, 100_000, 10_000_000);
    Outcome off = run(PAUSE_LOOP, false, Long.MAX_VALUE, 100_000, 10_000_000);
    assertThat(on).isEqualTo(off);
    assertThat(on.limitInstrs()).isEqualTo(100_000);
  }

  @Test
  void runLimit_returnsAtTheSameBoundary() {
    Outcome on = run(JMP_SELF, true, Long.MAX_VALUE, Long.MAX_VALUE, 777_777);
    Outcome off = run(JMP_SELF, false, Long.MAX_VALUE, Long.MAX_VALUE, 777_777);
    assertThat(on).isEqualTo(off);
    assertThat(on.cycles()).isBetween(777_777L, 777_778L);
  }

  @Test
  void jmpSelf_isActuallySkipped() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, JMP_SELF);
    r.cpu.run(2_000_000_000L);
    assertThat(r.cpu.instructionsRetired()).isGreaterThan(900_000_000L);
    assertThat(r.cpu.skippedInstructions()).isGreaterThan(900_000_000L);
  }

  @Test
  void pendingInterrupt_isTakenAtTheSameBoundary() {
    for (boolean ff : new boolean[] {true, false}) {
      CpuRig r = new CpuRig();
      r.cpu.setFastForward(ff);
      r.cpu.setRflags(0x202);
      r.load(CpuRig.CODE, JMP_SELF);
      r.cpu.run(10_000);
      r.host.pendingVector = 0x50;
      r.runToHalt();
      assertThat(r.haltedInVector()).isEqualTo(0x50);
      assertThat(r.stack(0)).isEqualTo(CpuRig.CODE);
      assertThat(r.cpu.skippedInstructions() > 0).isEqualTo(ff);
    }
  }

  @Test
  void jccNotTaken_isNotALoop() {
    CpuRig r = new CpuRig().run(JNE_SELF + "f4");
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 5);
    assertThat(r.cpu.skippedInstructions()).isZero();
  }
}
