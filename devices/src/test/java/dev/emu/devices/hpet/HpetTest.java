package dev.emu.devices.hpet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import dev.emu.devices.misc.Clocks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HPET registers and interrupts over a stepped timeline (no CPU: now() = global time). */
class HpetTest {
  private static final long HZ = 2_000_000_000L; // 20 cycles per HPET tick
  private static final int CONF = 0x10;
  private static final int STATUS = 0x20;
  private static final int COUNTER = 0xF0;
  private static final long INT_LEVEL = 1 << 1;
  private static final long INT_ENB = 1 << 2;
  private static final long PERIODIC = 1 << 3;
  private static final long VAL_SET = 1 << 6;
  private static final long MODE32 = 1 << 8;

  private Timeline timeline;
  private Hpet hpet;
  private final List<String> irqs = new ArrayList<>();

  @BeforeEach
  void setUp() {
    timeline = new Timeline();
    hpet = new Hpet(timeline, HZ, (gsi, level) -> irqs.add(timeline.now() + ":" + gsi + (level ? "+" : "-")));
  }

  /** Advances like the scheduler: never past an event's deadline without stopping there. */
  private void stepTo(long t) {
    while (timeline.nextDeadline() <= t) {
      timeline.advanceTo(timeline.nextDeadline());
    }
    timeline.advanceTo(t);
  }

  private static int tnConf(int n) {
    return 0x100 + 0x20 * n;
  }

  private static int tnCmp(int n) {
    return 0x108 + 0x20 * n;
  }

  @Test
  void capabilities_matchQemuQ35Value() {
    // QEMU q35 reports 0x009896808086a201 (period 10^7 fs, vendor 8086, legacy, 64-bit, 3 timers)
    assertThat(hpet.read(0, 8)).isEqualTo(0x009896808086a201L);
    assertThat(hpet.read(0, 4)).isEqualTo(0x8086a201L);
    assertThat(hpet.read(4, 4)).isEqualTo(10_000_000L);
    assertThat(hpet.read(tnConf(0) + 4, 4)).isEqualTo(0x00ff0104L); // route cap GSI 2, 8, 16..23
    assertThat(hpet.read(tnConf(1), 4) & 0x30).isEqualTo(0x30);       // periodic + 64-bit capable
    assertThat(hpet.read(tnCmp(2), 8)).isEqualTo(-1L);                // comparator resets to all ones
  }

  @Test
  void counter_derivedFromCycles_onlyWhileEnabled() {
    stepTo(1000);
    assertThat(hpet.read(COUNTER, 8)).isZero();
    hpet.write(CONF, 4, 1);
    stepTo(1000 + 2000);
    assertThat(hpet.read(COUNTER, 8)).isEqualTo(100);
    stepTo(1000 + 2019);
    assertThat(hpet.read(COUNTER, 4)).isEqualTo(100);   // 19 cycles: not a whole tick yet
    hpet.write(CONF, 4, 0);
    stepTo(50_000);
    assertThat(hpet.read(COUNTER, 8)).isEqualTo(100);   // frozen while halted
    hpet.write(COUNTER, 4, 0xFFFF_FFF0L);
    hpet.write(COUNTER + 4, 4, 0x1);
    assertThat(hpet.read(COUNTER, 8)).isEqualTo(0x1_FFFF_FFF0L);
    assertThat(hpet.read(COUNTER + 4, 4)).isEqualTo(1);
  }

  @Test
  void oneShot_firesEdgeAtExactCycle_once() {
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(0), 8, (20L << 9) | INT_ENB);
    hpet.write(tnCmp(0), 8, 1000);                     // tick 1000 = cycle 20000
    assertThat(hpet.deadline(0)).isEqualTo(20_000);
    stepTo(19_999);
    assertThat(irqs).isEmpty();
    stepTo(20_000);
    assertThat(irqs).containsExactly("20000:20+", "20000:20-");
    stepTo(10_000_000);
    assertThat(irqs).hasSize(2);
    assertThat(hpet.read(STATUS, 4)).isZero();         // edge mode leaves the status alone
  }

  @Test
  void periodic_valSetThenPeriod_firesEveryPeriod() {
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(0), 8, (16L << 9) | INT_ENB | PERIODIC | VAL_SET);
    hpet.write(tnCmp(0), 8, 500);                      // first match at tick 500
    hpet.write(tnCmp(0), 8, 250);                      // then every 250 ticks
    stepTo(20 * 1250);
    assertThat(irqs).containsExactly("10000:16+", "10000:16-", "15000:16+", "15000:16-",
        "20000:16+", "20000:16-", "25000:16+", "25000:16-");
    assertThat(hpet.read(tnCmp(0), 8)).isEqualTo(1500);
  }

  @Test
  void level_setsStatusAndHoldsLineUntilCleared() {
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(1), 4, (17L << 9) | INT_ENB | INT_LEVEL);
    hpet.write(tnCmp(1), 4, 10);                       // low half only: the high half is still ~0
    stepTo(1_000_000);
    assertThat(irqs).isEmpty();
    hpet.write(tnCmp(1) + 4, 4, 0);                    // now the comparator is 10: already passed
    hpet.write(COUNTER, 8, 0);                         // restart the count from 0
    stepTo(1_000_200);
    assertThat(irqs).containsExactly("1000200:17+");
    assertThat(hpet.read(STATUS, 8)).isEqualTo(0b10);
    hpet.write(STATUS, 4, 0b01);                       // other bit: no effect
    assertThat(hpet.read(STATUS, 8)).isEqualTo(0b10);
    hpet.write(STATUS, 4, 0b10);
    assertThat(hpet.read(STATUS, 8)).isZero();
    assertThat(irqs).containsExactly("1000200:17+", "1000200:17-");
  }

  @Test
  void legacyReplacement_routesTimer0ToGsi2AndTimer1ToGsi8() {
    hpet.write(CONF, 4, 0b11);
    hpet.write(tnConf(0), 4, (20L << 9) | INT_ENB);    // route field ignored in legacy mode
    hpet.write(tnConf(1), 4, INT_ENB);
    hpet.write(tnCmp(0), 8, 1);
    hpet.write(tnCmp(1), 8, 2);
    stepTo(100);
    assertThat(irqs).containsExactly("20:2+", "20:2-", "40:8+", "40:8-");
  }

  @Test
  void mode32_truncatesComparatorAndWrapsEvery2pow32Ticks() {
    hpet.write(COUNTER, 8, 0xFFFF_FF00L);
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(2), 4, (18L << 9) | INT_ENB | MODE32);
    hpet.write(tnCmp(2), 8, 0x1_0000_0010L);           // 32-bit: becomes 0x10
    assertThat(hpet.read(tnCmp(2), 8)).isEqualTo(0x10);
    long first = 20L * (0x1_0000_0010L - 0xFFFF_FF00L);
    assertThat(hpet.deadline(2)).isEqualTo(first);
    stepTo(first);
    assertThat(irqs).hasSize(2);
    assertThat(hpet.deadline(2)).isEqualTo(first + 20L * (1L << 32)); // next wrap to 0x10
  }

  @Test
  void mode32Periodic_comparatorWrapsWithTheLow32BitsOfTheCounter() {
    hpet.write(COUNTER, 8, 0xFFFF_FF00L);
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(0), 4, (16L << 9) | INT_ENB | PERIODIC | VAL_SET | MODE32);
    hpet.write(tnCmp(0), 4, 0xFFFF_FFF0L);             // first match 0xF0 ticks from now
    hpet.write(tnCmp(0), 4, 0x20);                     // period
    stepTo(20 * (0xF0 + 0x20 + 0x20));
    assertThat(irqs).containsExactly("4800:16+", "4800:16-", "5440:16+", "5440:16-", "6080:16+", "6080:16-");
    assertThat(hpet.read(tnCmp(0), 8)).isEqualTo(0x50);  // next match: 0xFFFFFFF0 + 3 * 0x20, low 32 bits
    assertThat(hpet.read(COUNTER, 8)).isEqualTo(0x1_0000_0030L);
  }

  @Test
  void nonIntegerRatio_deadlineIsFirstCycleWhereCounterReachesComparator() {
    long hz = 2_999_999_999L;
    Timeline t = new Timeline();
    List<Long> fired = new ArrayList<>();
    Hpet h = new Hpet(t, hz, (gsi, level) -> {
      if (level) {
        fired.add(t.now());
      }
    });
    h.write(CONF, 4, 1);
    h.write(tnConf(0), 4, (20L << 9) | INT_ENB);
    h.write(tnCmp(0), 8, 12_345_677);
    long deadline = h.deadline(0);
    assertThat(Clocks.mulDivFloor(deadline - 1, Hpet.FREQUENCY_HZ, hz)).isEqualTo(12_345_676);
    assertThat(Clocks.mulDivFloor(deadline, Hpet.FREQUENCY_HZ, hz)).isEqualTo(12_345_677);
    t.advanceTo(deadline);
    assertThat(fired).containsExactly(deadline);
    assertThat(h.read(COUNTER, 8)).isEqualTo(12_345_677);
  }

  @Test
  void disableCounter_cancelsPendingMatch() {
    hpet.write(CONF, 4, 1);
    hpet.write(tnConf(0), 4, (20L << 9) | INT_ENB);
    hpet.write(tnCmp(0), 8, 100);
    hpet.write(CONF, 4, 0);
    stepTo(1_000_000);
    assertThat(irqs).isEmpty();
    assertThat(hpet.deadline(0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void outOfRangeAccess_readsAllOnes() {
    assertThat(hpet.read(0x400, 4)).isEqualTo(0xFFFF_FFFFL);
    assertThat(hpet.read(0x3F8, 8)).isZero();          // inside the block, no register
  }
}
