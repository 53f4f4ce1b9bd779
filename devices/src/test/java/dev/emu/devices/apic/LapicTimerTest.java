package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LAPIC timer over a stepped Timeline (SDM vol. 3A 10.5.4): timer clock = core clock, so with
 * divisor D an initial count N expires exactly N * D cycles after the write.
 */
class LapicTimerTest {
  private static final int VECTOR = 0xEC;
  private static final int PERIODIC = 1 << 17;
  private static final int TSC_DEADLINE = 2 << 17;

  private Timeline timeline;
  private FakeCpu cpu;
  private Lapic lapic;

  @BeforeEach
  void setUp() {
    timeline = new Timeline();
    cpu = new FakeCpu();
    lapic = new Lapic(0, timeline, 2_000_000_000L, new ApicBus(), cpu);
    write(OFS_SVR, SVR_ENABLE | 0xFF);
  }

  private int read(int off) {
    return (int) lapic.mmioRead(off, 4);
  }

  private void write(int off, int value) {
    lapic.mmioWrite(off, 4, value);
  }

  /** True if a timer interrupt was taken (acknowledged and EOI'd). */
  private boolean took() {
    if (!lapic.interruptPending()) {
      return false;
    }
    assertThat(lapic.acknowledge()).isEqualTo(VECTOR);
    write(OFS_EOI, 0);
    return true;
  }

  @ParameterizedTest(name = "divide config {0} -> /{1}")
  @CsvSource({"0, 2", "1, 4", "2, 8", "3, 16", "8, 32", "9, 64", "10, 128", "11, 1"})
  void oneShot_firesAtExactCycle_forEachDivisor(int config, int divisor) {
    timeline.advanceTo(1000);
    write(OFS_TIMER_DIVIDE, config);
    write(OFS_LVT_TIMER, VECTOR);
    write(OFS_TIMER_INITIAL, 100);
    long expiry = 1000 + 100L * divisor;
    assertThat(lapic.timerDeadline()).isEqualTo(expiry);
    timeline.advanceTo(expiry - 1);
    assertThat(took()).isFalse();
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(1);
    timeline.advanceTo(expiry);
    assertThat(took()).isTrue();
    assertThat(read(OFS_TIMER_CURRENT)).isZero();
    timeline.advanceTo(expiry + 100L * divisor);
    assertThat(took()).as("one-shot fires once").isFalse();
  }

  @Test
  void currentCount_isDerivedFromCycles() {
    write(OFS_TIMER_DIVIDE, 0b0001); // /4
    write(OFS_LVT_TIMER, VECTOR | LVT_MASKED);
    write(OFS_TIMER_INITIAL, 1000);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(1000);
    timeline.advanceTo(3);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(1000);
    timeline.advanceTo(4);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(999);
    timeline.advanceTo(2002);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(500);
    assertThat(read(OFS_TIMER_INITIAL)).isEqualTo(1000);
    assertThat(read(OFS_TIMER_DIVIDE)).isEqualTo(1);
  }

  @Test
  void periodic_reloadsWithoutDrift() {
    write(OFS_TIMER_DIVIDE, 0b1011); // /1
    write(OFS_LVT_TIMER, PERIODIC | VECTOR);
    write(OFS_TIMER_INITIAL, 250);
    for (int k = 1; k <= 5; k++) {
      timeline.advanceTo(250L * k - 1);
      assertThat(took()).as("before period %d", k).isFalse();
      timeline.advanceTo(250L * k);
      assertThat(took()).as("period %d", k).isTrue();
    }
    timeline.advanceTo(1300);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(200);
  }

  @Test
  void periodic_longJump_coalescesIntoOneInterrupt_andStaysInPhase() {
    write(OFS_TIMER_DIVIDE, 0b1011);
    write(OFS_LVT_TIMER, PERIODIC | VECTOR);
    write(OFS_TIMER_INITIAL, 100);
    timeline.advanceTo(10_050);
    assertThat(took()).isTrue();
    assertThat(took()).isFalse();
    assertThat(lapic.timerDeadline()).isEqualTo(10_100);
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(50);
  }

  @Test
  void periodic_masked_countsButDoesNotInterrupt_thenResumesOnBoundary() {
    write(OFS_TIMER_DIVIDE, 0b1011);
    write(OFS_LVT_TIMER, PERIODIC | VECTOR | LVT_MASKED);
    write(OFS_TIMER_INITIAL, 100);
    assertThat(lapic.timerDeadline()).as("masked periodic schedules nothing")
        .isEqualTo(Long.MAX_VALUE);
    timeline.advanceTo(350);
    assertThat(took()).isFalse();
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(50);
    write(OFS_LVT_TIMER, PERIODIC | VECTOR);
    assertThat(lapic.timerDeadline()).isEqualTo(400);
    timeline.advanceTo(400);
    assertThat(took()).isTrue();
  }

  @Test
  void oneShot_maskedExpiry_isLost() {
    write(OFS_TIMER_DIVIDE, 0b1011);
    write(OFS_LVT_TIMER, VECTOR | LVT_MASKED);
    write(OFS_TIMER_INITIAL, 100);
    timeline.advanceTo(150);
    write(OFS_LVT_TIMER, VECTOR);
    timeline.advanceTo(1000);
    assertThat(took()).isFalse();
  }

  @Test
  void initialCountZero_stopsTheTimer() {
    write(OFS_TIMER_DIVIDE, 0b1011);
    write(OFS_LVT_TIMER, PERIODIC | VECTOR);
    write(OFS_TIMER_INITIAL, 100);
    timeline.advanceTo(50);
    write(OFS_TIMER_INITIAL, 0);
    timeline.advanceTo(1000);
    assertThat(took()).isFalse();
    assertThat(read(OFS_TIMER_CURRENT)).isZero();
  }

  @Test
  void divideChange_keepsCurrentCount_andRescalesRemainder() {
    write(OFS_TIMER_DIVIDE, 0b1011); // /1
    write(OFS_LVT_TIMER, VECTOR);
    write(OFS_TIMER_INITIAL, 100);
    timeline.advanceTo(40);
    write(OFS_TIMER_DIVIDE, 0b0000); // /2: 60 counts left -> 120 cycles
    assertThat(read(OFS_TIMER_CURRENT)).isEqualTo(60);
    timeline.advanceTo(159);
    assertThat(took()).isFalse();
    timeline.advanceTo(160);
    assertThat(took()).isTrue();
  }

  @Test
  void tscDeadline_firesAtDeadline_andClearsMsr() {
    write(OFS_LVT_TIMER, TSC_DEADLINE | VECTOR);
    assertThat(lapic.hasMsr(MSR_TSC_DEADLINE)).isTrue();
    assertThat(lapic.writeMsr(MSR_TSC_DEADLINE, 5000)).isTrue();
    assertThat(lapic.readMsr(MSR_TSC_DEADLINE)).isEqualTo(5000);
    write(OFS_TIMER_INITIAL, 10); // ignored in TSC-deadline mode
    assertThat(read(OFS_TIMER_INITIAL)).isZero();
    assertThat(read(OFS_TIMER_CURRENT)).isZero();
    timeline.advanceTo(4999);
    assertThat(took()).isFalse();
    timeline.advanceTo(5000);
    assertThat(took()).isTrue();
    assertThat(lapic.readMsr(MSR_TSC_DEADLINE)).isZero();
  }

  @Test
  void tscDeadline_zeroDisarms_pastDeadlineFiresAtOnce_modeChangeDisarms() {
    write(OFS_LVT_TIMER, TSC_DEADLINE | VECTOR);
    lapic.writeMsr(MSR_TSC_DEADLINE, 5000);
    lapic.writeMsr(MSR_TSC_DEADLINE, 0);
    timeline.advanceTo(6000);
    assertThat(took()).isFalse();
    lapic.writeMsr(MSR_TSC_DEADLINE, 10); // already past
    timeline.advanceTo(6000);
    assertThat(took()).isTrue();
    lapic.writeMsr(MSR_TSC_DEADLINE, 9000);
    write(OFS_LVT_TIMER, VECTOR); // leaving TSC-deadline mode disarms
    assertThat(lapic.readMsr(MSR_TSC_DEADLINE)).isZero();
    timeline.advanceTo(10_000);
    assertThat(took()).isFalse();
  }

  @Test
  void tscDeadlineMsr_ignoredOutsideDeadlineMode() {
    write(OFS_LVT_TIMER, VECTOR);
    assertThat(lapic.writeMsr(MSR_TSC_DEADLINE, 100)).isTrue();
    assertThat(lapic.readMsr(MSR_TSC_DEADLINE)).isZero();
    timeline.advanceTo(1000);
    assertThat(took()).isFalse();
  }

  @Test
  void tscDeadlineUnsupported_msrAbsent_andModeBitReserved() {
    lapic.setTscDeadlineSupported(false);
    assertThat(lapic.hasMsr(MSR_TSC_DEADLINE)).isFalse();
    assertThat(lapic.writeMsr(MSR_TSC_DEADLINE, 100)).isFalse();
    write(OFS_LVT_TIMER, TSC_DEADLINE | VECTOR);
    assertThat(read(OFS_LVT_TIMER)).isEqualTo(VECTOR);
  }

  @Test
  void timerInterrupt_wakesTheCpu() {
    write(OFS_TIMER_DIVIDE, 0b1011);
    write(OFS_LVT_TIMER, VECTOR);
    write(OFS_TIMER_INITIAL, 10);
    int before = cpu.notifications;
    timeline.advanceTo(10);
    assertThat(cpu.notifications).isEqualTo(before + 1);
  }
}
