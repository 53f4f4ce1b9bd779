package dev.emu.core.time;

import dev.emu.core.cpu.Cpu;
import java.util.Arrays;

/**
 * The machine's single timeline of absolute cycle deadlines.
 *
 * <p>Overview: global time {@link #now()} is counted in CPU cycles at the configured frequency.
 * The scheduler runs each vCPU for a slice that never crosses the earliest deadline, then calls
 * {@link #advanceTo(long)}, which fires every due event in (deadline, scheduling order) order — so
 * two runs with the same inputs fire the same events at the same cycles. While a CPU runs, now()
 * is that CPU's own cycle count, so a device it touches sees time to the instruction. An event
 * scheduled during a slice for a point before the slice's end shortens the running CPU's slice.
 *
 * <p>Events are kept in a binary min-heap; no allocation after warm-up.
 */
public final class Timeline {
  private TimerEvent[] heap = new TimerEvent[16];
  private int size;
  private long nextSequence;
  private long globalNow;
  private Cpu running;
  private long runningLimit = Long.MAX_VALUE;

  public TimerEvent newEvent(String name, TimerEvent.Handler handler) {
    return new TimerEvent(this, name, handler);
  }

  /** Current time in cycles: the running CPU's clock during a slice, else global time. */
  public long now() {
    Cpu cpu = running;
    return cpu != null ? cpu.cycles() : globalNow;
  }

  /** Global time: the end of the last completed slice. */
  public long globalNow() {
    return globalNow;
  }

  public long nextDeadline() {
    return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
  }

  /** Called by the scheduler around each CPU's slice. */
  public void setRunning(Cpu cpu, long limit) {
    running = cpu;
    runningLimit = limit;
  }

  /** Moves global time forward to t (never back) and fires every event due at or before t. */
  public void advanceTo(long t) {
    if (t > globalNow) {
      globalNow = t;
    }
    while (size > 0 && heap[0].deadline <= globalNow) {
      TimerEvent e = heap[0];
      removeAt(0);
      e.handler.fire(e.deadline);
    }
  }

  void schedule(TimerEvent e, long deadline) {
    if (e.heapIndex >= 0) {
      removeAt(e.heapIndex);
    }
    e.deadline = Math.max(deadline, globalNow);
    e.sequence = nextSequence++;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = e;
    e.heapIndex = size;
    size++;
    siftUp(e.heapIndex);
    Cpu cpu = running;
    if (cpu != null && e.deadline < runningLimit) {
      runningLimit = e.deadline;
      cpu.requestStop();
    }
  }

  void cancel(TimerEvent e) {
    if (e.heapIndex >= 0) {
      removeAt(e.heapIndex);
    }
  }

  private void removeAt(int i) {
    TimerEvent removed = heap[i];
    size--;
    if (i != size) {
      heap[i] = heap[size];
      heap[i].heapIndex = i;
      heap[size] = null;
      siftDown(i);
      siftUp(i);
    } else {
      heap[size] = null;
    }
    removed.heapIndex = -1;
  }

  private static boolean before(TimerEvent a, TimerEvent b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(heap[i], heap[parent])) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!before(heap[child], heap[i])) {
        return;
      }
      swap(i, child);
      i = child;
    }
  }

  private void swap(int a, int b) {
    TimerEvent t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
    heap[a].heapIndex = a;
    heap[b].heapIndex = b;
  }
}
