package dev.emu.devices.apic;

import dev.emu.core.time.Timeline;
import dev.emu.core.time.TimerEvent;

/**
 * The LAPIC timer of one CPU: one-shot, periodic and TSC-deadline modes.
 *
 * <p>Spec: Intel SDM vol. 3A 10.5.4 (APIC timer, divide configuration, figure 10-10) and
 * 10.5.4.1 (TSC-deadline mode).
 *
 * <p>Overview: nothing ticks. The timer input clock is the core clock (one timer tick per CPU
 * cycle, see {@link #CYCLES_PER_TICK}), so with divisor D the count drops by one every D cycles.
 * Arming records the cycle {@code start}; the current count is derived as
 * {@code initial - (now - start) / D} (periodic: modulo the initial count) and the expiry is a
 * {@link TimerEvent} at the exact cycle {@code start + initial * D}. A periodic timer re-arms at
 * {@code deadline + initial * D}, so it never drifts. A masked periodic timer schedules nothing
 * (its count is still derived from time); one-shot and TSC-deadline expiries are scheduled even
 * when masked, since expiry changes state (the deadline MSR clears) and the mask may be lifted.
 *
 * <p>Not modelled: the free-running divider phase (counting starts at the write's exact cycle).
 */
final class LapicTimer {
  /** Timer input clock = core clock: exact integer ratio, simplest calibration for the guest. */
  static final long CYCLES_PER_TICK = 1;

  static final int MODE_ONE_SHOT = 0b00;
  static final int MODE_PERIODIC = 0b01;
  static final int MODE_TSC_DEADLINE = 0b10;

  /** Divide configuration register: bits 0, 1 and 3 are significant. */
  static final int DIVIDE_WRITABLE = 0b1011;

  private final Lapic lapic;
  private final Timeline timeline;
  private final TimerEvent event;

  private int mode;
  private boolean masked = true;
  private int initialCount;
  private int divideConfig;
  /** Cycle at which the current count was (re)loaded with initialCount at the current divisor. */
  private long start;
  private long tscDeadline;

  LapicTimer(Lapic lapic, Timeline timeline, String name) {
    this.lapic = lapic;
    this.timeline = timeline;
    this.event = timeline.newEvent(name, this::expire);
  }

  void reset() {
    event.cancel();
    mode = MODE_ONE_SHOT;
    masked = true;
    initialCount = 0;
    divideConfig = 0;
    start = 0;
    tscDeadline = 0;
  }

  /** Divide value from the configuration register: 000 -> 2 ... 110 -> 128, 111 -> 1. */
  static int divisor(int config) {
    int code = (config & 0b11) | ((config >> 1) & 0b100);
    return 1 << ((code + 1) & 0b111);
  }

  private long cyclesPerCount() {
    return divisor(divideConfig) * CYCLES_PER_TICK;
  }

  private long period() {
    return (initialCount & 0xFFFF_FFFFL) * cyclesPerCount();
  }

  int initialCount() {
    return initialCount;
  }

  int divideConfig() {
    return divideConfig;
  }

  long nextExpiry() {
    return event.deadline();
  }

  int currentCount(long now) {
    if (mode == MODE_TSC_DEADLINE || initialCount == 0) {
      return 0;
    }
    long initial = initialCount & 0xFFFF_FFFFL;
    long ticks = Math.max(0, now - start) / cyclesPerCount();
    if (mode == MODE_PERIODIC) {
      return (int) (initial - ticks % initial);
    }
    return ticks >= initial ? 0 : (int) (initial - ticks);
  }

  void writeInitialCount(int value, long now) {
    if (mode == MODE_TSC_DEADLINE) {
      return; // SDM 10.5.4.1: writes to the initial-count register are ignored in this mode
    }
    initialCount = value;
    start = now;
    event.cancel();
    if (value != 0 && !(mode == MODE_PERIODIC && masked)) {
      event.schedule(start + period());
    }
  }

  void writeDivideConfig(int value, long now) {
    int newConfig = value & DIVIDE_WRITABLE;
    if (newConfig == divideConfig) {
      return;
    }
    boolean counting = mode != MODE_TSC_DEADLINE && initialCount != 0;
    long initial = initialCount & 0xFFFF_FFFFL;
    long ticks = counting ? Math.max(0, now - start) / cyclesPerCount() : 0;
    divideConfig = newConfig;
    if (!counting) {
      return;
    }
    if (mode == MODE_PERIODIC) {
      ticks %= initial;
    } else if (ticks >= initial) {
      return; // one-shot already expired: stays at 0
    }
    // Keep the current count; the remaining counts run at the new rate.
    start = now - ticks * cyclesPerCount();
    event.cancel();
    if (!(mode == MODE_PERIODIC && masked)) {
      event.schedule(start + period());
    }
  }

  /** The LVT timer entry changed (mode bits 18:17, mask bit 16). */
  void lvtChanged(int newMode, boolean newMasked, long now) {
    boolean wasDeadline = mode == MODE_TSC_DEADLINE;
    boolean isDeadline = newMode == MODE_TSC_DEADLINE;
    int oldMode = mode;
    mode = newMode;
    masked = newMasked;
    if (wasDeadline != isDeadline) {
      // SDM 10.5.4.1: a transition to or from TSC-deadline mode disarms the timer.
      event.cancel();
      initialCount = 0;
      tscDeadline = 0;
      return;
    }
    if (isDeadline || initialCount == 0) {
      return;
    }
    long firstExpiry = start + period();
    if (mode == MODE_ONE_SHOT) {
      if (oldMode == MODE_PERIODIC) {
        event.cancel();
        if (firstExpiry > now) {
          event.schedule(firstExpiry);
        }
      }
      return;
    }
    // Periodic.
    if (masked) {
      event.cancel();
    } else if (!event.isScheduled()) {
      event.schedule(nextPeriodicBoundaryAfter(now));
    }
  }

  private long nextPeriodicBoundaryAfter(long now) {
    long p = period();
    if (now < start + p) {
      return start + p;
    }
    long k = (now - start) / p + 1;
    return start + k * p;
  }

  long readTscDeadline() {
    return mode == MODE_TSC_DEADLINE ? tscDeadline : 0;
  }

  void writeTscDeadline(long value) {
    if (mode != MODE_TSC_DEADLINE) {
      return; // SDM 10.5.4.1: ignored unless the LVT timer is in TSC-deadline mode
    }
    tscDeadline = value;
    event.cancel();
    if (value != 0) {
      event.schedule(value);
    }
  }

  private void expire(long deadline) {
    switch (mode) {
      case MODE_TSC_DEADLINE -> {
        tscDeadline = 0;
        if (!masked) {
          lapic.timerExpired();
        }
      }
      case MODE_PERIODIC -> {
        if (initialCount == 0 || masked) {
          return;
        }
        long p = period();
        long next = deadline + p;
        long global = timeline.globalNow();
        if (next <= global) {
          // Time jumped past several periods: their interrupts would merge into the one IRR bit
          // anyway, so re-arm on the first boundary after now instead of firing each one.
          next = start + ((global - start) / p + 1) * p;
        }
        event.schedule(next);
        lapic.timerExpired();
      }
      default -> {
        if (!masked) {
          lapic.timerExpired();
        }
      }
    }
  }

  String describe(long now) {
    String m = switch (mode) {
      case MODE_PERIODIC -> "periodic";
      case MODE_TSC_DEADLINE -> "tsc-deadline";
      default -> "one-shot";
    };
    return String.format("timer %s initial=0x%08x current=0x%08x divide=%d deadline=%s next=%s",
        m, initialCount, currentCount(now), divisor(divideConfig),
        Long.toUnsignedString(tscDeadline), event.isScheduled() ? event.deadline() : "none");
  }
}
