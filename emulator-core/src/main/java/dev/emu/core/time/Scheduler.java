package dev.emu.core.time;

import dev.emu.core.cpu.Cpu;

/**
 * Deterministic round-robin of vCPUs on one host thread.
 *
 * <p>Overview: each round picks a slice end = min(now + quantum, next timeline deadline, until).
 * Every vCPU in index order runs up to that end (re-clamped to the next deadline before each CPU,
 * since a CPU may schedule an earlier event); a halted vCPU costs nothing and its clock jumps to
 * the slice end. Then global time moves to the slice end and due events fire. When every vCPU is
 * halted, time jumps straight to the next event. Interrupts raised by one CPU for another are seen
 * by the target at its next slice, so cross-CPU latency is at most one quantum; events a CPU
 * schedules for itself stop its slice at the exact deadline.
 */
public final class Scheduler {
  /** Why {@link #runUntil} returned. */
  public enum Outcome {
    /** Global time reached the requested point. */
    REACHED,
    /** {@link #requestStop()} was called (a device or the host asked to stop). */
    STOPPED,
    /** Every vCPU is halted with interrupts masked and no NMI pending: nothing can ever run. */
    DEAD,
    /** Every vCPU is halted and no event is scheduled: only host input can wake the machine. */
    IDLE
  }

  private final Timeline timeline;
  private final Cpu[] cpus;
  private final long quantum;
  private boolean stopRequested;
  private Cpu current;

  public Scheduler(Timeline timeline, Cpu[] cpus, long quantumCycles) {
    if (quantumCycles <= 0) {
      throw new IllegalArgumentException("quantum must be positive: " + quantumCycles);
    }
    this.timeline = timeline;
    this.cpus = cpus.clone();
    this.quantum = quantumCycles;
  }

  /** Stops the loop at the next instruction boundary of the running CPU (or the next round). */
  public void requestStop() {
    stopRequested = true;
    Cpu cpu = current;
    if (cpu != null) {
      cpu.requestStop();
    }
  }

  public long quantum() {
    return quantum;
  }

  /** Runs the machine until global time reaches {@code until} or something stops it. */
  public Outcome runUntil(long until) {
    stopRequested = false;
    while (timeline.globalNow() < until) {
      if (stopRequested) {
        return Outcome.STOPPED;
      }
      long now = timeline.globalNow();
      long sliceEnd = Math.min(until, Math.min(timeline.nextDeadline(), saturatingAdd(now, quantum)));
      boolean anyRan = false;
      for (Cpu cpu : cpus) {
        long end = Math.min(sliceEnd, timeline.nextDeadline());
        if (cpu.isHalted()) {
          continue;
        }
        if (cpu.cycles() < end) {
          anyRan = true;
          current = cpu;
          timeline.setRunning(cpu, end);
          try {
            cpu.run(end);
          } finally {
            timeline.setRunning(null, Long.MAX_VALUE);
            current = null;
          }
          if (stopRequested) {
            break;
          }
        } else {
          anyRan = true;
        }
      }
      long roundEnd = Math.min(sliceEnd, timeline.nextDeadline());
      if (!anyRan && allHalted()) {
        if (isDead()) {
          return Outcome.DEAD;
        }
        long next = timeline.nextDeadline();
        if (next == Long.MAX_VALUE && until == Long.MAX_VALUE) {
          return Outcome.IDLE;
        }
        roundEnd = Math.min(until, next);
      }
      for (Cpu cpu : cpus) {
        if (cpu.isHalted() && cpu.cycles() < roundEnd) {
          cpu.idleUntil(roundEnd);
        }
      }
      timeline.advanceTo(roundEnd);
      if (stopRequested) {
        return Outcome.STOPPED;
      }
    }
    return Outcome.REACHED;
  }

  private boolean allHalted() {
    for (Cpu cpu : cpus) {
      if (!cpu.isHalted()) {
        return false;
      }
    }
    return true;
  }

  /** All halted, none can take a maskable interrupt, none has an NMI latched. */
  public boolean isDead() {
    for (Cpu cpu : cpus) {
      if (!cpu.isHalted() || cpu.nmiPending() || (cpu.interruptFlag() && !cpu.isWaitingForSipi())) {
        return false;
      }
    }
    return true;
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
