package dev.emu.devices.apic;

import static dev.emu.devices.apic.Pmu.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Architectural perfmon v2 (SDM vol. 3B 18.2) driven by a fake CPU clock. */
class PmuTest {
  private static final long OS = 1L << 17;
  private static final long USR = 1L << 16;
  private static final long INT = 1L << 20;
  private static final long EN = 1L << 22;
  private static final long CYCLES = 0x003C;
  private static final long REF_CYCLES = 0x013C;
  private static final long INSTRUCTIONS = 0x00C0;
  private static final long WRAP = 1L << 48;

  private FakePmuClock clock;
  private FakeCpu cpu;
  private Lapic lapic;
  private Pmu pmu;

  @BeforeEach
  void setUp() {
    clock = new FakePmuClock();
    cpu = new FakeCpu();
    lapic = new Lapic(0, new Timeline(), 2_000_000_000L, new ApicBus(), cpu);
    lapic.mmioWrite(LapicRegisters.OFS_SVR, 4, LapicRegisters.SVR_ENABLE | 0xFF);
    lapic.mmioWrite(LapicRegisters.OFS_LVT_PMC, 4, ApicBus.DM_NMI << 8);
    pmu = new Pmu(clock, lapic);
    clock.pmu = pmu;
  }

  @Test
  void construction_doesNotTouchTheClock_andResetValues() {
    assertThat(clock.limitCalls).isZero();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_CTRL)).isEqualTo(0xFL);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isZero();
    assertThat(pmu.readMsr(MSR_FIXED_CTR_CTRL)).isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(pmu.readMsr(MSR_PMC0 + i)).isZero();
      assertThat(pmu.readMsr(MSR_PERFEVTSEL0 + i)).isZero();
    }
    assertThat(pmu.readMsr(MSR_PERF_CAPABILITIES)).isEqualTo(1L << 13);
    assertThat(CPUID_0A_EAX).isEqualTo(0x0730_0402);
    assertThat(CPUID_0A_EDX).isEqualTo(0x603);
  }

  @Test
  void msrSet_matchesTheArchitecture() {
    for (int msr : new int[] {0xC1, 0xC4, 0x186, 0x189, 0x309, 0x30B, 0x345, 0x38D, 0x38E, 0x38F,
        0x390, 0x4C1, 0x4C4}) {
      assertThat(pmu.hasMsr(msr)).as("MSR 0x%x", msr).isTrue();
    }
    for (int msr : new int[] {0xC0, 0xC5, 0x185, 0x18A, 0x308, 0x30C, 0x38C, 0x391, 0x4C5}) {
      assertThat(pmu.hasMsr(msr)).as("MSR 0x%x", msr).isFalse();
    }
  }

  @Test
  void gpCounter_countsUnhaltedCycles_whileEnabledWithOs() {
    clock.skip(1000, 10);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    clock.skip(500, 100);
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(500);
    pmu.writeMsr(MSR_PERFEVTSEL0, OS | CYCLES); // EN cleared: frozen
    clock.skip(500, 100);
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(500);
    assertThat(pmu.rdpmc(0)).isEqualTo(500);
  }

  @Test
  void usrOnly_countsNothingAtCpl0() {
    pmu.writeMsr(MSR_PERFEVTSEL0 + 1, EN | USR | CYCLES);
    pmu.writeMsr(MSR_FIXED_CTR_CTRL, 0b0010); // fixed 0, USR only
    pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 0x7_0000_000FL);
    clock.skip(1000, 1000);
    assertThat(pmu.readMsr(MSR_PMC0 + 1)).isZero();
    assertThat(pmu.readMsr(MSR_FIXED_CTR0)).isZero();
  }

  @Test
  void events_instructionsAndReferenceCycles_andUnsupportedEvent() {
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | INSTRUCTIONS);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 1, EN | OS | REF_CYCLES);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 2, EN | OS | 0x412E); // LLC misses: not modelled
    clock.skip(3000, 700);
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(700);
    assertThat(pmu.readMsr(MSR_PMC0 + 1)).isEqualTo(3000);
    assertThat(pmu.readMsr(MSR_PMC0 + 2)).isZero();
  }

  @Test
  void globalCtrl_gatesCounting() {
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 0);
    clock.skip(100, 1);
    assertThat(pmu.readMsr(MSR_PMC0)).isZero();
    pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 1);
    clock.skip(100, 1);
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(100);
  }

  @Test
  void fixedCounters_instructionsCoreAndReferenceCycles() {
    pmu.writeMsr(MSR_FIXED_CTR_CTRL, 0x333); // OS+USR for all three
    pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 0x7_0000_0000L);
    clock.skip(4000, 1234);
    assertThat(pmu.readMsr(MSR_FIXED_CTR0)).isEqualTo(1234);
    assertThat(pmu.readMsr(MSR_FIXED_CTR0 + 1)).isEqualTo(4000);
    assertThat(pmu.readMsr(MSR_FIXED_CTR0 + 2)).isEqualTo(4000);
    assertThat(pmu.rdpmc(1 << 30)).isEqualTo(1234);
    assertThat(pmu.rdpmc(1 << 30 | 2)).isEqualTo(4000);
  }

  @Test
  void legacyPmcWrite_signExtendsBit31_fullWidthAliasDoesNot() {
    assertThat(pmu.writeMsr(MSR_PMC0, 0xFFFF_FFFF_8000_0000L)).isTrue();
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(0xFFFF_8000_0000L);
    assertThat(pmu.writeMsr(MSR_PMC0, 0x1234_7FFF_FFFFL)).isTrue();
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(0x7FFF_FFFFL);
    assertThat(pmu.writeMsr(MSR_A_PMC0, 0x1234_8000_0000L)).isTrue();
    assertThat(pmu.readMsr(MSR_A_PMC0)).isEqualTo(0x1234_8000_0000L);
    assertThat(pmu.writeMsr(MSR_A_PMC0, 1L << 48)).as("above the width").isFalse();
  }

  @Test
  void overflow_atTheExactCycle_setsStatusAndRaisesNmiPmi_andMasksLvtpc() {
    pmu.writeMsr(MSR_PMC0, -1000); // legacy write: sign-extended to 2^48 - 1000
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | INT | CYCLES);
    assertThat(clock.cycleLimit).isEqualTo(1000);
    assertThat(clock.instructionLimit).isEqualTo(Long.MAX_VALUE);
    clock.run(999, 1);
    assertThat(cpu.nmis).isZero();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isZero();
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(WRAP - 1);
    clock.run(1, 1);
    assertThat(cpu.nmis).isEqualTo(1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1);
    assertThat(pmu.readMsr(MSR_PMC0)).as("wrapped, keeps counting").isZero();
    assertThat(lapic.mmioRead(LapicRegisters.OFS_LVT_PMC, 4) & LapicRegisters.LVT_MASKED)
        .isNotZero();
    assertThat(clock.cycleLimit).as("next overflow a full 2^48 later").isEqualTo(1000 + WRAP);
    clock.run(5, 1);
    assertThat(pmu.readMsr(MSR_PMC0)).isEqualTo(5);
  }

  @Test
  void overflow_cpuThatConsumesLimits_stillGetsTheNextOne() {
    clock.consumeLimits = true;
    pmu.writeMsr(MSR_A_PMC0, WRAP - 100);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 1, EN | OS | INSTRUCTIONS);
    pmu.writeMsr(MSR_A_PMC0 + 1, WRAP - 10);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    clock.run(10, 1); // instruction counter overflows; the cycle limit must be re-sent
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(0b10);
    assertThat(clock.cycleLimit).isEqualTo(100);
    clock.run(90, 1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(0b11);
  }

  @Test
  void overflow_overshootingInstruction_reportsAtItsBoundary() {
    pmu.writeMsr(MSR_PMC0 + 2, -10);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 2, EN | OS | INT | CYCLES);
    clock.run(3, 4); // 4, 8, 12: the third instruction crosses the 10-cycle point
    assertThat(cpu.nmis).isEqualTo(1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1L << 2);
    assertThat(pmu.readMsr(MSR_PMC0 + 2)).isEqualTo(2);
  }

  @Test
  void overflow_withoutInt_setsStatusOnly() {
    pmu.writeMsr(MSR_PMC0 + 1, -5);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 1, EN | OS | INSTRUCTIONS);
    assertThat(clock.instructionLimit).isEqualTo(5);
    clock.run(5, 3);
    assertThat(cpu.nmis).isZero();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1L << 1);
  }

  @Test
  void fixedCounterOverflow_withPmiBit_andFixedLvtpcVector() {
    lapic.mmioWrite(LapicRegisters.OFS_LVT_PMC, 4, 0xFE);
    pmu.writeMsr(MSR_FIXED_CTR0 + 1, WRAP - 100);
    pmu.writeMsr(MSR_FIXED_CTR_CTRL, 0b1001 << 4); // fixed 1: OS + PMI
    pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 1L << 33);
    clock.run(100, 1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1L << 33);
    assertThat(lapic.acknowledge()).isEqualTo(0xFE);
  }

  @Test
  void earliestOfSeveralCounters_setsTheLimit() {
    pmu.writeMsr(MSR_PMC0, -300);
    pmu.writeMsr(MSR_PMC0 + 1, -200);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    pmu.writeMsr(MSR_PERFEVTSEL0 + 1, EN | OS | CYCLES);
    assertThat(clock.cycleLimit).isEqualTo(200);
    clock.run(200, 1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(0b10);
    assertThat(clock.cycleLimit).isEqualTo(300);
    clock.run(100, 1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(0b11);
  }

  @Test
  void ovfCtrl_clearsStatusBits_andReadsZero() {
    pmu.writeMsr(MSR_PMC0, -1);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    clock.run(1, 1);
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1);
    assertThat(pmu.writeMsr(MSR_PERF_GLOBAL_OVF_CTRL, 1)).isTrue();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isZero();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_OVF_CTRL)).isZero();
  }

  @Test
  void perfNmiHandlerPattern_rearmsEveryPeriod() {
    // What Linux's hardlockup detector does: counter = -period, INT, LVTPC NMI; on each NMI
    // read status, re-write -period, clear status, unmask LVTPC.
    long period = 50_000;
    pmu.writeMsr(MSR_PMC0, -period);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | INT | CYCLES);
    for (int n = 1; n <= 3; n++) {
      clock.run(period, 1);
      assertThat(cpu.nmis).isEqualTo(n);
      assertThat(clock.cycles).isEqualTo(n * period);
      assertThat(pmu.readMsr(MSR_PERF_GLOBAL_STATUS)).isEqualTo(1);
      pmu.writeMsr(MSR_PMC0, -period);
      pmu.writeMsr(MSR_PERF_GLOBAL_OVF_CTRL, 1);
      lapic.mmioWrite(LapicRegisters.OFS_LVT_PMC, 4, ApicBus.DM_NMI << 8);
    }
  }

  @Test
  void reservedBitsAndReadOnlyMsrs_fault() {
    assertThat(pmu.writeMsr(MSR_PERFEVTSEL0, 1L << 32)).isFalse();
    assertThat(pmu.writeMsr(MSR_PERFEVTSEL0, 1L << 21)).as("AnyThread is v3").isFalse();
    assertThat(pmu.writeMsr(MSR_FIXED_CTR_CTRL, 0x1000)).isFalse();
    assertThat(pmu.writeMsr(MSR_FIXED_CTR_CTRL, 0x4)).as("AnyThread").isFalse();
    assertThat(pmu.writeMsr(MSR_PERF_GLOBAL_CTRL, 1L << 4)).isFalse();
    assertThat(pmu.writeMsr(MSR_PERF_GLOBAL_OVF_CTRL, 1L << 35)).isFalse();
    assertThat(pmu.writeMsr(MSR_PERF_GLOBAL_STATUS, 0)).isFalse();
    assertThat(pmu.writeMsr(MSR_PERF_CAPABILITIES, 0)).isFalse();
  }

  @Test
  void rdpmc_invalidIndexes() {
    assertThat(pmu.rdpmc(4)).isEqualTo(-1);
    assertThat(pmu.rdpmc(1 << 30 | 3)).isEqualTo(-1);
    assertThat(pmu.rdpmc(1 << 31)).isEqualTo(-1);
    assertThat(pmu.rdpmc(3)).isZero();
  }

  @Test
  void reset_stopsCountingAndClearsLimits() {
    pmu.writeMsr(MSR_PMC0, -10);
    pmu.writeMsr(MSR_PERFEVTSEL0, EN | OS | CYCLES);
    pmu.reset();
    assertThat(clock.cycleLimit).isEqualTo(Long.MAX_VALUE);
    clock.skip(100, 100);
    assertThat(pmu.readMsr(MSR_PMC0)).isZero();
    assertThat(pmu.readMsr(MSR_PERF_GLOBAL_CTRL)).isEqualTo(0xF);
    assertThat(pmu.describe()).contains("pmu v2");
  }
}
