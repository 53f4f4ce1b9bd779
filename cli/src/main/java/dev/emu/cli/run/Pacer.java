package dev.emu.cli.run;

import dev.emu.devices.board.Machine;
import dev.emu.devices.board.RunResult;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Interactive pacing (docs/cli.md, "Pacing"): IDLE guest time follows the wall clock, busy guest time
 * runs ahead. After each chunk the pacer looks at whether the guest was idle (the run returned IDLE,
 * or at the end of the chunk no vCPU is running: {@link Machine#infoCpus()} shows no "running"); if
 * so it sleeps until wall time since the anchor catches up with guest time since the anchor. After a
 * busy chunk the anchor moves to "now", so time a spinning CPU ran ahead (a lockup shown in a second)
 * is never paid back by freezing the idle guest later. A guest slower than real time is never slowed
 * further; a debt over {@link #MAX_DEBT_NANOS} (the host was busy) is forgiven too. The host clock only
 * decides WHEN chunks run, never what the guest sees: guest time still comes from cycles alone.
 */
public final class Pacer {
  /** When wall time is this far ahead of guest time, re-anchor instead of letting the guest rush. */
  static final long MAX_DEBT_NANOS = 1_000_000_000L;
  private static final Pattern RUNNING = Pattern.compile("\\brunning\\b", Pattern.CASE_INSENSITIVE);

  private final boolean enabled;
  private final LongSupplier wallClock;
  private long guestAnchor;
  private long wallAnchor;

  /** A pacer that paces (interactive) or does nothing (scripted), on {@code wallClock} (System::nanoTime). */
  public Pacer(boolean enabled, LongSupplier wallClock) {
    this.enabled = enabled;
    this.wallClock = wallClock;
  }

  /** Restart pacing from the machine's current guest time (after a pause, idle wait or start). */
  public void reset(long guestNanos) {
    guestAnchor = guestNanos;
    wallAnchor = wallClock.getAsLong();
  }

  /** Called after every chunk; may call {@code sleep} with a number of nanoseconds. */
  public void afterChunk(Machine m, RunResult r, LongConsumer sleep) {
    if (!enabled) {
      return;
    }
    long guest = m.guestNanos();
    long wall = wallClock.getAsLong();
    if (!wasIdle(m, r)) {
      guestAnchor = guest;
      wallAnchor = wall;
      return;
    }
    long ahead = (guest - guestAnchor) - (wall - wallAnchor);
    if (ahead > 0) {
      sleep.accept(ahead);
    } else if (-ahead > MAX_DEBT_NANOS) {
      guestAnchor = guest;
      wallAnchor = wall;
    }
  }

  /** True when the chunk looked idle: IDLE, or no vCPU running at its end. */
  static boolean wasIdle(Machine m, RunResult r) {
    if (r.kind() == RunResult.Kind.IDLE) {
      return true;
    }
    String cpus = m.infoCpus();
    // symbols are shown as <name+0x12>: drop them so that a function called "running" is not a state
    return cpus != null && !RUNNING.matcher(cpus.replaceAll("<[^>\\n]*>", "")).find();
  }
}
