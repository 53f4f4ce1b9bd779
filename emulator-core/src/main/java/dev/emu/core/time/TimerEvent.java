package dev.emu.core.time;

/**
 * A device event on the machine {@link Timeline}: at most one pending deadline at a time.
 * Re-scheduling replaces the previous deadline.
 */
public final class TimerEvent {
  /** What happens when the deadline is reached. Runs between CPU slices, on the machine thread. */
  @FunctionalInterface
  public interface Handler {
    void fire(long now);
  }

  final Timeline timeline;
  final String name;
  final Handler handler;
  long deadline = Long.MAX_VALUE;
  long sequence;
  int heapIndex = -1;

  TimerEvent(Timeline timeline, String name, Handler handler) {
    this.timeline = timeline;
    this.name = name;
    this.handler = handler;
  }

  /** Fires at the absolute cycle {@code deadline} (clamped to now if already past). */
  public void schedule(long deadline) {
    timeline.schedule(this, deadline);
  }

  public void cancel() {
    timeline.cancel(this);
  }

  public boolean isScheduled() {
    return heapIndex >= 0;
  }

  /** The pending deadline, or Long.MAX_VALUE. */
  public long deadline() {
    return heapIndex >= 0 ? deadline : Long.MAX_VALUE;
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name + "@" + deadline();
  }
}
