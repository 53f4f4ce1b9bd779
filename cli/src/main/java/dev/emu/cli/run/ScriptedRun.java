package dev.emu.cli.run;

import dev.emu.devices.board.Machine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run with stdin not a terminal: stdin's bytes feed the guest console, the machine runs as fast as
 * it can (no pacing) on the calling thread, stdout gets exactly the console bytes, notes go to stderr.
 * When stdin is a regular file it is read whole before the guest starts, so the same file gives the
 * same output bytes; from a pipe, what it already holds is queued before the guest starts and a thread
 * reads the rest, whose bytes enter as they arrive. No byte is dropped:
 * {@link Machine#sendInput} queues them and the UART takes them as its FIFO empties.
 */
public final class ScriptedRun {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptedRun.class);

  private ScriptedRun() {}

  public static Outcome run(Machine machine, ConsoleOutput console, long timeoutNanos, InputStream in,
      boolean readAllFirst, PrintStream err, long panicRebootNanos) {
    Runner runner = new Runner(machine, console, timeoutNanos, false, new Pacer(false, System::nanoTime),
        err::println);
    runner.setPanicReboot(panicRebootNanos);
    if (readAllFirst) {
      try {
        byte[] all = in.readAllBytes();
        if (all.length > 0) {
          machine.sendInput(all);
        }
      } catch (IOException e) {
        LOG.warn("reading stdin: {}", e.toString());
      }
      runner.inputArrived(true);
    } else {
      // What the pipe already holds goes in before the guest starts, as for a file: in
      // `printf 'cmd\n' | emu boot ...` the bytes are there, but a reader thread scheduled late would
      // let the guest idle through its timeout at the prompt first. Later bytes enter as they come.
      drainAvailable(in, machine, runner);
      Thread reader = new Thread(() -> feed(in, machine, runner), "emu-stdin");
      reader.setDaemon(true);
      reader.start();
    }
    Outcome o = runner.loop();
    console.flush();
    return o;
  }

  /** Queues the bytes stdin can give without blocking (InputStream.available). */
  static void drainAvailable(InputStream in, Machine machine, Runner runner) {
    try {
      int n = in.available();
      if (n > 0) {
        byte[] buf = new byte[n];
        int got = in.read(buf, 0, n);
        if (got > 0) {
          machine.sendInput(Arrays.copyOf(buf, got));
          runner.inputArrived(false);
        }
      }
    } catch (IOException e) {
      LOG.warn("reading stdin: {}", e.toString());
    }
  }

  /** Copies stdin to the machine until end of file. */
  static void feed(InputStream in, Machine machine, Runner runner) {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (n > 0) {
          machine.sendInput(Arrays.copyOf(buf, n));
          runner.inputArrived(false);
        }
      }
    } catch (IOException e) {
      LOG.warn("reading stdin: {}", e.toString());
    } finally {
      runner.inputArrived(true);
    }
  }
}
