package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** setCounterLimits exactness (the PMU's overflow NMI relies on it) and run() limits. */
class CounterLimitTest {
  // mov $0x20000,%rdi; movl $0,(%rdi); 1: lock incl (%rdi); jmp 1b
  private static final String LOCK_LOOP = "48c7c700000200c70700000000f0ff07ebfb";
  private static final int LOCK_INCL_COST =
      CycleTable.BASE + CycleTable.MEM + CycleTable.LOCKED;

  @Test
  void instructionLimit_firesAtExactBoundary() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, LOCK_LOOP);
    r.cpu.setCounterLimits(Long.MAX_VALUE, 777);
    r.cpu.run(100_000);
    assertThat(r.host.counterLimitHits).isEqualTo(1);
    assertThat(r.host.instructionsAtLimit).isEqualTo(777);
  }

  @Test
  void unhaltedCycleLimit_firesRightAfterTheInstructionThatReachesIt() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, LOCK_LOOP);
    r.cpu.setCounterLimits(1000, Long.MAX_VALUE);
    r.cpu.run(100_000);
    assertThat(r.host.counterLimitHits).isEqualTo(1);
    assertThat(r.host.cyclesAtLimit).isBetween(1000L, 1000L + LOCK_INCL_COST - 1);
  }

  @Test
  void limitIsDisarmedAfterFiring_andCanBeRearmed() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, LOCK_LOOP);
    r.cpu.setCounterLimits(Long.MAX_VALUE, 100);
    r.cpu.run(10_000);
    assertThat(r.host.counterLimitHits).isEqualTo(1);
    r.cpu.setCounterLimits(Long.MAX_VALUE, r.cpu.instructionsRetired() + 50);
    long expected = r.cpu.instructionsRetired() + 50;
    r.cpu.run(r.cpu.cycles() + 10_000);
    assertThat(r.host.counterLimitHits).isEqualTo(2);
    assertThat(r.host.instructionsAtLimit).isEqualTo(expected);
  }

  @Test
  void run_returnsAtLimitWithAtMostOneInstructionOvershoot() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, LOCK_LOOP);
    r.cpu.run(5003);
    assertThat(r.cpu.cycles()).isBetween(5003L, 5003L + LOCK_INCL_COST - 1);
    assertThat(r.cpu.unhaltedCycles()).isEqualTo(r.cpu.cycles());
    assertThat(r.mem.read32(0x20000)).isPositive();
  }

  @Test
  void haltedCpu_idles_withoutUnhaltedCycles_andTscFollowsCycles() {
    CpuRig r = new CpuRig().run("f4");
    long unhalted = r.cpu.unhaltedCycles();
    r.cpu.run(r.cpu.cycles() + 1000);
    assertThat(r.cpu.unhaltedCycles()).isEqualTo(unhalted);
    r.cpu.idleUntil(50_000);
    assertThat(r.cpu.cycles()).isEqualTo(50_000);
    assertThat(r.cpu.unhaltedCycles()).isEqualTo(unhalted);
    assertThat(r.cpu.tsc()).isEqualTo(50_000);
  }

  @Test
  void requestStop_fromDeviceCallback_stopsAtThatBoundary() {
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE, LOCK_LOOP);
    r.host.stopOnLimit = true;
    r.cpu.setCounterLimits(Long.MAX_VALUE, 10);
    r.cpu.run(1_000_000);
    assertThat(r.cpu.instructionsRetired()).isEqualTo(10);
    assertThat(r.cpu.cycles()).isLessThan(1000);
  }
}
