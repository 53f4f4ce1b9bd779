package dev.emu.cli.run;

import dev.emu.cli.ExitStatus;
import dev.emu.devices.board.Machine;
import dev.emu.devices.board.RunResult;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine loop, shared by scripted and interactive runs. It owns the {@link Machine} (every call
 * except sendInput/requestStop happens on the thread running {@link #loop}), runs it in chunks of
 * guest time and decides how the run ends.
 *
 * <p>Overview. Each turn: run the monitor's queued tasks; if paused, wait; otherwise run one chunk
 * ({@link #CHUNK_NANOS} of guest time, cut at the timeout), flush the console, check --until, then
 * act on the {@link RunResult}. Endings: --until matched -> 0; POWER_OFF -> 0; RESET (no-reboot) -> 0;
 * DEBUG_EXIT -> (V<<1)|1; timeout -> 124; PANIC -> the guest runs on for {@link #PANIC_GRACE_NANOS}
 * (so the "end Kernel panic" line that Linux prints after the pvpanic notifier reaches the console;
 * --until may still match) then 3 — unless the kernel was told to reboot after a panic (panic=N,
 * see {@link #setPanicReboot}): then it runs on for N s + 1 s, and a reboot in that time continues the
 * run with the new boot, while a reset with --no-reboot ends it with 3; DEAD -> 3; IDLE with stdin at its end -> 124 when a timeout is set
 * (the guest would idle until it), else 3. Interactive sessions do not end on PANIC or DEAD: they
 * print a note once and stay open for the monitor. Pacing is delegated to a {@link Pacer}.
 */
public final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  /** Guest time per chunk: the granularity of --until, input hand-over and pacing. */
  public static final long CHUNK_NANOS = 10_000_000L;
  /** Guest time the machine runs on after a pvpanic PANIC before a scripted run exits 3. */
  public static final long PANIC_GRACE_NANOS = 50_000_000L;
  /** Extra guest time allowed, beyond the kernel's panic=N delay, for the reset to happen. */
  public static final long PANIC_REBOOT_MARGIN_NANOS = 1_000_000_000L;

  private long panicRebootNanos = -1;

  private final Machine machine;
  private final ConsoleOutput console;
  private final long timeoutNanos;
  private final boolean interactive;
  private final Pacer pacer;
  private final Notes notes;

  private final Object lock = new Object();
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by lock
  private boolean paused; // guarded by lock
  private boolean quit; // guarded by lock
  private boolean inputEof; // guarded by lock
  private boolean woken; // guarded by lock

  /** Where one-line notes go (stderr; interactive sessions add carriage returns). */
  @FunctionalInterface
  public interface Notes {
    void note(String line);
  }

  public Runner(Machine machine, ConsoleOutput console, long timeoutNanos, boolean interactive, Pacer pacer, Notes notes) {
    this.machine = machine;
    this.console = console;
    this.timeoutNanos = timeoutNanos;
    this.interactive = interactive;
    this.pacer = pacer;
    this.notes = notes;
  }

  /**
   * The kernel reboots this long after a panic (its panic=N boot parameter: N s, or 0 for N < 0),
   * or -1 when it stays in the panic loop (panic=0, the default).
   */
  public void setPanicReboot(long nanos) {
    panicRebootNanos = nanos;
  }

  /** The reboot delay a kernel command line asks for with its last panic=N, as Linux reads it. */
  public static long panicRebootNanos(String cmdline) {
    long result = -1;
    for (String word : cmdline.trim().split("\\s+")) {
      if (word.startsWith("panic=")) {
        try {
          long n = Long.parseLong(word.substring("panic=".length()));
          result = n > 0 ? n * 1_000_000_000L : n < 0 ? 0 : -1;
        } catch (NumberFormatException e) {
          result = -1; // Linux's get_option leaves panic_timeout at 0
        }
      }
    }
    return result;
  }

  /** Runs until the run ends; returns the exit status and note. */
  public Outcome loop() {
    long panicDeadline = -1;
    String panicNote = "";
    int rebootsAtPanic = 0;
    boolean noted = false;
    pacer.reset(machine.guestNanos());
    while (true) {
      if (runTasks()) {
        return Outcome.of(ExitStatus.OK);
      }
      if (isPaused()) {
        waitForWork(0);
        pacer.reset(machine.guestNanos());
        continue;
      }
      long now = machine.guestNanos();
      if (timeoutNanos > 0 && now >= timeoutNanos) {
        return new Outcome(ExitStatus.TIMEOUT, "emu: timeout: " + dev.emu.cli.config.Units.formatDuration(timeoutNanos)
            + " of guest time passed");
      }
      if (panicDeadline >= 0 && machine.reboots() > rebootsAtPanic) {
        LOG.info("guest rebooted after its panic (panic=N)");
        panicDeadline = -1; // the run goes on with the new boot
      }
      if (panicDeadline >= 0 && now >= panicDeadline) {
        return new Outcome(ExitStatus.PANIC_OR_DEAD, panicNote);
      }
      long budget = CHUNK_NANOS;
      if (timeoutNanos > 0) {
        budget = Math.min(budget, timeoutNanos - now);
      }
      if (panicDeadline >= 0) {
        budget = Math.min(budget, panicDeadline - now);
      }
      RunResult r = machine.run(budget);
      console.flush();
      if (console.untilMatched()) {
        return Outcome.of(ExitStatus.OK);
      }
      switch (r.kind()) {
        case TIME_REACHED, STOPPED -> {
          if (interactive) {
            pacer.afterChunk(machine, r, this::sleepOrWake);
          }
        }
        case POWER_OFF -> {
          LOG.info("guest powered off");
          return Outcome.of(ExitStatus.OK);
        }
        case RESET -> {
          LOG.info("guest reset with --no-reboot");
          if (panicDeadline >= 0) {
            return new Outcome(ExitStatus.PANIC_OR_DEAD, panicNote); // the panic's reboot, not stopped
          }
          return Outcome.of(ExitStatus.OK);
        }
        case DEBUG_EXIT -> {
          return Outcome.of(r.exitCode());
        }
        case PANIC -> {
          String note = "emu: guest panicked" + detail(r);
          if (interactive) {
            notes.note(note);
          } else if (panicDeadline < 0) {
            panicDeadline = machine.guestNanos() + (panicRebootNanos >= 0
                ? panicRebootNanos + PANIC_REBOOT_MARGIN_NANOS : PANIC_GRACE_NANOS);
            panicNote = note;
            rebootsAtPanic = machine.reboots();
          } else {
            return new Outcome(ExitStatus.PANIC_OR_DEAD, panicNote); // panicking again: no more to wait for
          }
        }
        case DEAD -> {
          String note = panicDeadline >= 0 ? panicNote : "emu: machine dead: every CPU halted with interrupts masked" + detail(r);
          if (!interactive) {
            return new Outcome(ExitStatus.PANIC_OR_DEAD, note);
          }
          if (!noted) {
            notes.note(note + " (C-a c: monitor, C-a x: quit)");
            noted = true;
          }
          waitForWork(0); // only the monitor (nmi, quit) can change anything now
        }
        case IDLE -> {
          if (panicDeadline >= 0) {
            return new Outcome(ExitStatus.PANIC_OR_DEAD, panicNote);
          }
          Outcome o = idle();
          if (o != null) {
            return o;
          }
        }
      }
    }
  }

  /** Every CPU halted, nothing armed: wait for console input (or the monitor). */
  private Outcome idle() {
    synchronized (lock) {
      if (!interactive && inputEof && machine.pendingInput() == 0 && tasks.isEmpty()) {
        if (timeoutNanos > 0) {
          return new Outcome(ExitStatus.TIMEOUT, "emu: timeout: the guest idled until "
              + dev.emu.cli.config.Units.formatDuration(timeoutNanos) + " of guest time");
        }
        return new Outcome(ExitStatus.PANIC_OR_DEAD, "emu: machine idle: waiting for console input and stdin is at its end");
      }
    }
    if (machine.pendingInput() == 0) {
      waitForWork(0);
    }
    pacer.reset(machine.guestNanos());
    return null;
  }

  private static String detail(RunResult r) {
    return r.message() == null || r.message().isBlank() ? "" : ": " + r.message().strip().replaceAll("\\s+", " ");
  }

  // ---- called from other threads ----

  /** Input arrived (or stdin ended): wake the loop if it waits or sleeps. */
  public void inputArrived(boolean eof) {
    synchronized (lock) {
      inputEof |= eof;
      woken = true;
      lock.notifyAll();
    }
  }

  /** Runs {@code f} on the machine thread between chunks (the monitor's commands). */
  public <T> CompletableFuture<T> call(Function<Machine, T> f) {
    CompletableFuture<T> result = new CompletableFuture<>();
    synchronized (lock) {
      tasks.add(() -> {
        try {
          result.complete(f.apply(machine));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
      woken = true;
      lock.notifyAll();
    }
    machine.requestStop();
    return result;
  }

  public void pause(boolean pause) {
    synchronized (lock) {
      paused = pause;
      woken = true;
      lock.notifyAll();
    }
    machine.requestStop();
  }

  public boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  /** Ends the loop with status 0 (Ctrl-A x, the monitor's quit). */
  public void quit() {
    synchronized (lock) {
      quit = true;
      woken = true;
      lock.notifyAll();
    }
    machine.requestStop();
  }

  // ---- machine thread ----

  /** Runs queued tasks; true when quit was asked. */
  private boolean runTasks() {
    while (true) {
      Runnable t;
      synchronized (lock) {
        if (quit) {
          return true;
        }
        t = tasks.poll();
      }
      if (t == null) {
        return false;
      }
      t.run();
    }
  }

  /** Waits until woken (input, task, pause change, quit) or {@code nanos} pass (0: no limit). */
  private void waitForWork(long nanos) {
    synchronized (lock) {
      long end = System.nanoTime() + nanos;
      while (!woken) {
        try {
          if (nanos == 0) {
            lock.wait();
          } else {
            long left = end - System.nanoTime();
            if (left <= 0) {
              break;
            }
            lock.wait(left / 1_000_000, (int) (left % 1_000_000));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          quit = true;
          return;
        }
      }
      woken = false;
    }
  }

  /** The pacer's sleep: returns early when woken. */
  private void sleepOrWake(long nanos) {
    if (nanos > 0) {
      waitForWork(nanos);
    }
  }

  /** Monitor-visible state for tests. */
  boolean isInputEof() {
    synchronized (lock) {
      return inputEof;
    }
  }
}
