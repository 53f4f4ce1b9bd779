package dev.emu.devices.hpet;

import dev.emu.core.time.Timeline;
import dev.emu.core.time.TimerEvent;
import dev.emu.devices.misc.Clocks;
import dev.emu.devices.misc.InterruptRouter;

/**
 * IA-PC HPET (High Precision Event Timers) specification 1.0a: one timer block with a 64-bit main
 * counter and three comparators.
 *
 * <p>Modelled: capabilities (rev 1, 3 timers, 64-bit counter, legacy replacement capable, vendor
 * 0x8086, period 10,000,000 fs = 100 MHz, the same as QEMU), general configuration (ENABLE_CNF,
 * LEG_RT_CNF), general interrupt status (level-triggered timers, write 1 to clear), the main
 * counter and, per timer, Tn_INT_TYPE (edge/level), Tn_INT_ENB, Tn_TYPE (one-shot/periodic),
 * Tn_VAL_SET, Tn_32MODE and Tn_INT_ROUTE with Tn_INT_ROUTE_CAP = GSIs 2, 8 and 16..23 (as QEMU's
 * q35). In legacy replacement mode timer 0 drives GSI 2 (ISA IRQ0 through the MADT override) and
 * timer 1 drives GSI 8 (IRQ8). 32- and 64-bit (and narrower) accesses at any offset within a
 * register read and merge the addressed bytes.
 *
 * <p>Time: the main counter is never ticked. It is derived from the timeline:
 * {@code counter = base + floor((now - enableCycle) * 100 MHz / cpuHz)}, and each comparator
 * match is one TimerEvent at the first cycle where the counter reaches the comparator, computed
 * with exact integer arithmetic. One-shot 32-bit timers match again each time the low 32 bits
 * wrap to the comparator, as the spec describes.
 *
 * <p>Not modelled: FSB (MSI) delivery (Tn_FSB_INT_DEL_CAP = 0), the 8259 side of legacy
 * replacement (there is no active PIC), sharing one GSI between two level-triggered timers.
 */
public final class Hpet {
  /** Counter period in femtoseconds: 10 ns, 100 MHz (QEMU's value; 20 cycles per tick at 2 GHz). */
  public static final long PERIOD_FS = 10_000_000L;
  public static final long FREQUENCY_HZ = 100_000_000L;
  public static final int TIMERS = 3;
  /** Size of the register block in bytes. */
  public static final int MMIO_SIZE = 0x400;

  // Register offsets
  static final int OFS_CAP = 0x000;
  static final int OFS_CONF = 0x010;
  static final int OFS_STATUS = 0x020;
  static final int OFS_COUNTER = 0x0F0;
  static final int OFS_TIMER0 = 0x100;
  static final int TIMER_STRIDE = 0x20;
  static final int OFS_TN_CONF = 0x00;
  static final int OFS_TN_CMP = 0x08;
  static final int OFS_TN_FSB = 0x10;

  // General capabilities: REV_ID 1, NUM_TIM_CAP 2 (3 timers), COUNT_SIZE_CAP, LEG_RT_CAP, vendor
  public static final long CAPABILITIES =
      (PERIOD_FS << 32) | (0x8086L << 16) | (1L << 15) | (1L << 13) | ((TIMERS - 1L) << 8) | 0x01;

  // General configuration
  static final long CONF_ENABLE = 0b01;
  static final long CONF_LEGACY = 0b10;

  // Timer configuration and capabilities
  static final long TN_INT_TYPE_LEVEL = 1L << 1;
  static final long TN_INT_ENB = 1L << 2;
  static final long TN_TYPE_PERIODIC = 1L << 3;
  static final long TN_PER_INT_CAP = 1L << 4;
  static final long TN_SIZE_CAP = 1L << 5;
  static final long TN_VAL_SET = 1L << 6;
  static final long TN_32MODE = 1L << 8;
  static final int TN_ROUTE_SHIFT = 9;
  static final long TN_ROUTE_MASK = 0x1FL << TN_ROUTE_SHIFT;
  /** GSIs a timer may be routed to: 2, 8 and 16..23 (QEMU q35's hpet-intcap 0xff0104). */
  public static final long ROUTE_CAP = 0x00FF_0104L;
  static final long TN_WRITABLE =
      TN_INT_TYPE_LEVEL | TN_INT_ENB | TN_TYPE_PERIODIC | TN_VAL_SET | TN_32MODE | TN_ROUTE_MASK;
  static final long TN_CAPS = (ROUTE_CAP << 32) | TN_PER_INT_CAP | TN_SIZE_CAP;

  static final int LEGACY_GSI_TIMER0 = 2;
  static final int LEGACY_GSI_TIMER1 = 8;
  private static final long MASK32 = 0xFFFF_FFFFL;

  private final Timeline timeline;
  private final long cpuHz;
  private final InterruptRouter irq;
  private final Timer[] timers = new Timer[TIMERS];

  // Guest-visible state
  private long config;
  private long status;
  /** Counter value at enableCycle (or the frozen value while disabled). */
  private long counterBase;
  private long enableCycle;

  private static final class Timer {
    final int index;
    final TimerEvent event;
    long config;
    long comparator;
    long period;
    /** GSI currently held high by this timer (level mode), or -1. */
    int assertedGsi = -1;

    Timer(int index, TimerEvent event) {
      this.index = index;
      this.event = event;
    }

    boolean is32() {
      return (config & TN_32MODE) != 0;
    }
  }

  public Hpet(Timeline timeline, long cpuHz, InterruptRouter irq) {
    if (cpuHz <= 0) {
      throw new IllegalArgumentException("cpu frequency must be positive");
    }
    this.timeline = timeline;
    this.cpuHz = cpuHz;
    this.irq = irq;
    for (int i = 0; i < TIMERS; i++) {
      final int n = i;
      timers[i] = new Timer(i, timeline.newEvent("hpet-timer" + i, now -> fire(n, now)));
    }
    reset();
  }

  public void reset() {
    for (Timer t : timers) {
      t.event.cancel();
      lowerLine(t);
      t.config = 0;
      t.comparator = -1L; // the spec's reset value: all ones
      t.period = 0;
    }
    config = 0;
    status = 0;
    counterBase = 0;
    enableCycle = 0;
  }

  /** Main counter value at cycle {@code now}. */
  public long counter(long now) {
    if ((config & CONF_ENABLE) == 0) {
      return counterBase;
    }
    return counterBase + Clocks.mulDivFloor(now - enableCycle, FREQUENCY_HZ, cpuHz);
  }

  /** First cycle at which the counter has advanced {@code ticks} past counterBase. */
  private long cycleAfterTicks(long ticks) {
    return Clocks.saturatingAdd(enableCycle, Clocks.mulDivCeil(ticks, cpuHz, FREQUENCY_HZ));
  }

  // ---- register access ----

  public long read(int offset, int size) {
    if (offset < 0 || offset + size > MMIO_SIZE) {
      return Clocks.ones(size);
    }
    long reg = readRegister(offset & ~7);
    return (reg >>> ((offset & 7) * 8)) & Clocks.ones(size);
  }

  public void write(int offset, int size, long value) {
    if (offset < 0 || offset + size > MMIO_SIZE) {
      return;
    }
    int shift = (offset & 7) * 8;
    long mask = Clocks.ones(size) << shift;
    writeRegister(offset & ~7, (value << shift) & mask, mask);
  }

  private long readRegister(int reg) {
    long now = timeline.now();
    switch (reg) {
      case OFS_CAP:
        return CAPABILITIES;
      case OFS_CONF:
        return config;
      case OFS_STATUS:
        return status;
      case OFS_COUNTER:
        return counter(now);
      default:
        break;
    }
    Timer t = timerAt(reg);
    if (t == null) {
      return 0;
    }
    switch (reg - OFS_TIMER0 - t.index * TIMER_STRIDE) {
      case OFS_TN_CONF:
        return TN_CAPS | (t.config & ~TN_VAL_SET);
      case OFS_TN_CMP:
        return t.is32() ? t.comparator & MASK32 : t.comparator;
      default:
        return 0; // FSB route: FSB delivery is not supported
    }
  }

  private Timer timerAt(int reg) {
    int n = (reg - OFS_TIMER0) / TIMER_STRIDE;
    return reg >= OFS_TIMER0 && n < TIMERS ? timers[n] : null;
  }

  private void writeRegister(int reg, long value, long mask) {
    long now = timeline.now();
    switch (reg) {
      case OFS_CAP:
        return;
      case OFS_CONF:
        writeConfig(now, merge(config, value, mask) & (CONF_ENABLE | CONF_LEGACY));
        return;
      case OFS_STATUS:
        clearStatus(value & mask);
        return;
      case OFS_COUNTER:
        // Software should only write while halted; a write while running restarts from the value.
        counterBase = merge(counter(now), value, mask);
        enableCycle = now;
        rescheduleAll(now);
        return;
      default:
        break;
    }
    Timer t = timerAt(reg);
    if (t == null) {
      return;
    }
    switch (reg - OFS_TIMER0 - t.index * TIMER_STRIDE) {
      case OFS_TN_CONF -> writeTimerConfig(t, now, merge(t.config, value, mask) & TN_WRITABLE);
      case OFS_TN_CMP -> writeComparator(t, now, value, mask);
      default -> { }
    }
  }

  private static long merge(long old, long value, long mask) {
    return (old & ~mask) | (value & mask);
  }

  private void writeConfig(long now, long newConfig) {
    long old = config;
    if ((old & CONF_ENABLE) != 0 && (newConfig & CONF_ENABLE) == 0) {
      counterBase = counter(now); // freeze
    } else if ((old & CONF_ENABLE) == 0 && (newConfig & CONF_ENABLE) != 0) {
      enableCycle = now;
    }
    config = newConfig;
    if (((old ^ newConfig) & CONF_LEGACY) != 0) {
      for (Timer t : timers) {
        lowerLine(t); // routing changed: drop the old wire, re-raise on the new one
        raiseLevelIfPending(t);
      }
    }
    rescheduleAll(now);
  }

  private void writeTimerConfig(Timer t, long now, long newConfig) {
    t.config = newConfig;
    if (t.is32()) {
      t.comparator &= MASK32;
      t.period &= MASK32;
    }
    // Level lines follow INT_ENB, INT_TYPE and the route: recompute the wire.
    lowerLine(t);
    raiseLevelIfPending(t);
    schedule(t, now, true);
  }

  private void writeComparator(Timer t, long now, long value, long mask) {
    if (t.is32()) {
      mask &= MASK32;
    }
    // As QEMU and the spec: in periodic mode the comparator itself is written only with VAL_SET;
    // the written value always becomes the period.
    if ((t.config & TN_TYPE_PERIODIC) == 0 || (t.config & TN_VAL_SET) != 0) {
      t.comparator = merge(t.comparator, value, mask);
    }
    t.period = merge(t.period, value, mask);
    t.config &= ~TN_VAL_SET;
    schedule(t, now, true);
  }

  private void clearStatus(long bits) {
    for (Timer t : timers) {
      long bit = 1L << t.index;
      if ((bits & bit) != 0 && (status & bit) != 0) {
        status &= ~bit;
        lowerLine(t);
      }
    }
  }

  // ---- comparator matching ----

  private void rescheduleAll(long now) {
    for (Timer t : timers) {
      schedule(t, now, true);
    }
  }

  /**
   * Arms the timer's event for the next cycle at which the counter equals the comparator
   * (inclusive: a comparator equal to the counter matches now; after a match: the next one).
   */
  private void schedule(Timer t, long now, boolean inclusive) {
    if ((config & CONF_ENABLE) == 0) {
      t.event.cancel();
      return;
    }
    long counter = counter(now);
    long target;
    if (t.is32()) {
      long delta = (t.comparator - counter) & MASK32;
      if (delta == 0 && !inclusive) {
        delta = 1L << 32;
      }
      target = counter + delta;
    } else {
      long delta = t.comparator - counter;
      if (delta < 0 || (delta == 0 && !inclusive)) {
        t.event.cancel(); // already passed: a 64-bit counter does not wrap in practice
        return;
      }
      target = t.comparator;
    }
    t.event.schedule(cycleAfterTicks(target - counterBase));
  }

  private void fire(int n, long now) {
    Timer t = timers[n];
    long counter = counter(now);
    if ((t.config & TN_TYPE_PERIODIC) != 0 && t.period != 0) {
      // Advance the comparator past the counter by whole periods (catching up missed ones).
      long behind = t.is32() ? (counter - t.comparator) & MASK32 : counter - t.comparator;
      long steps = behind / t.period + 1;
      t.comparator += steps * t.period;
      if (t.is32()) {
        t.comparator &= MASK32;
      }
      schedule(t, now, true);
    } else {
      schedule(t, now, false);
    }
    interrupt(t);
  }

  private void interrupt(Timer t) {
    if ((t.config & TN_INT_TYPE_LEVEL) != 0) {
      status |= 1L << t.index;
      raiseLevelIfPending(t);
      return;
    }
    if ((t.config & TN_INT_ENB) != 0) {
      int gsi = route(t);
      irq.setIrq(gsi, true);
      irq.setIrq(gsi, false);
    }
  }

  private void raiseLevelIfPending(Timer t) {
    if ((t.config & TN_INT_TYPE_LEVEL) != 0 && (t.config & TN_INT_ENB) != 0
        && (status & (1L << t.index)) != 0 && t.assertedGsi < 0) {
      t.assertedGsi = route(t);
      irq.setIrq(t.assertedGsi, true);
    }
  }

  private void lowerLine(Timer t) {
    if (t.assertedGsi >= 0) {
      irq.setIrq(t.assertedGsi, false);
      t.assertedGsi = -1;
    }
  }

  /** The GSI this timer drives: legacy replacement for timers 0 and 1, else Tn_INT_ROUTE_CNF. */
  int route(Timer t) {
    if ((config & CONF_LEGACY) != 0 && t.index < 2) {
      return t.index == 0 ? LEGACY_GSI_TIMER0 : LEGACY_GSI_TIMER1;
    }
    return (int) ((t.config & TN_ROUTE_MASK) >>> TN_ROUTE_SHIFT);
  }

  /** The pending event deadline of timer n (for tests and the monitor), or Long.MAX_VALUE. */
  public long deadline(int n) {
    return timers[n].event.deadline();
  }
}
