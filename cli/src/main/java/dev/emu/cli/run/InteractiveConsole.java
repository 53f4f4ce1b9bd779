package dev.emu.cli.run;

import dev.emu.devices.board.Machine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest console on a real terminal, QEMU "-nographic" style. Threads: the machine runs
 * {@link Runner#loop} on "emu-machine" (paced, see {@link Pacer}); "emu-keys" reads raw keystrokes,
 * decodes the escapes ({@link EscapeDecoder}) and sends the rest to the guest UART, or runs the monitor
 * (JLine LineReader with history and completion) while guest output is held; the calling thread waits
 * for the outcome. The terminal is raw with ISIG off (C-c goes to the guest as byte 3, as in QEMU) and
 * is restored on every way out: quit, the machine ending, an exception, SIGTERM/SIGINT (shutdown hook).
 */
public final class InteractiveConsole {
  private static final Logger LOG = LoggerFactory.getLogger(InteractiveConsole.class);

  private Machine machine;
  private final ConsoleOutput console;
  private final long timeoutNanos;
  private final int escape;
  private final String escapeName;
  private final PrintStream err;
  private Terminal terminal;
  private Attributes saved;
  private String savedStty;
  private final AtomicBoolean restored = new AtomicBoolean();
  private Runner runner;
  private Thread hook;

  public InteractiveConsole(ConsoleOutput console, long timeoutNanos, int escape, String escapeName, PrintStream err) {
    this.console = console;
    this.timeoutNanos = timeoutNanos;
    this.escape = escape;
    this.escapeName = escapeName;
    this.err = err;
  }

  /**
   * Puts the terminal in raw mode (before the machine exists, so that nothing typed early is echoed by
   * the terminal itself) and installs the restoring shutdown hook. Pair with {@link #close}.
   */
  public void open() throws IOException {
    savedStty = Stty.save();
    terminal = TerminalBuilder.builder().system(true).build();
    saved = terminal.enterRawMode();
    Attributes raw = terminal.getAttributes();
    raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    terminal.setAttributes(raw);
    hook = new Thread(this::restore, "emu-restore-terminal");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Restores the terminal (idempotent). */
  public void close() {
    console.release();
    console.flush();
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook restores (idempotent)
    }
  }

  /** Runs the session on an {@link #open}ed terminal until it ends; the caller then calls {@link #close}. */
  public Outcome run(Machine machine) {
    this.machine = machine;
    runner = new Runner(machine, console, timeoutNanos, true, new Pacer(true, System::nanoTime), this::note);
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    Thread machineThread = new Thread(() -> {
      try {
        done.complete(runner.loop());
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    }, "emu-machine");
    machineThread.setDaemon(true);
    Thread keys = new Thread(() -> keys(done), "emu-keys");
    keys.setDaemon(true);
    machineThread.start();
    keys.start();
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.of(dev.emu.cli.ExitStatus.INTERNAL);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    }
  }

  /** Puts the terminal back as it was; safe to call twice and from the shutdown hook. */
  private void restore() {
    if (restored.getAndSet(true)) {
      return;
    }
    try {
      console.flush();
    } catch (RuntimeException e) {
      // the terminal may be gone; still restore it
    }
    try {
      terminal.setAttributes(saved);
      terminal.flush();
      terminal.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("restoring the terminal: {}", e.toString());
    }
    Stty.restore(savedStty);
  }

  private void note(String line) {
    console.flush();
    err.print("\r\n" + line + "\r\n");
    err.flush();
  }

  /** The keystroke loop (thread emu-keys). */
  private void keys(CompletableFuture<Outcome> done) {
    EscapeDecoder decoder = new EscapeDecoder(escape);
    InputStream in = terminal.input();
    byte[] buf = new byte[4096];
    int[] consumed = new int[1];
    ByteArrayOutputStream toGuest = new ByteArrayOutputStream();
    try {
      while (!done.isDone()) {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          runner.quit();
          return;
        }
        int at = 0;
        int end = n;
        while (at < end) {
          EscapeDecoder.Action a = decoder.feed(buf, at, end - at, toGuest, consumed);
          at = consumed[0];
          send(toGuest);
          switch (a) {
            case QUIT -> {
              runner.quit();
              return;
            }
            case HELP -> {
              console.flush();
              err.print("\r\n" + EscapeDecoder.help(escapeName));
              err.flush();
            }
            case MONITOR -> {
              if (monitor()) {
                runner.quit();
                return;
              }
            }
            case NONE -> { }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!done.isDone()) {
        LOG.warn("terminal input: {}", e.toString());
        runner.quit();
      }
    }
  }

  private void send(ByteArrayOutputStream toGuest) {
    if (toGuest.size() > 0) {
      machine.sendInput(toGuest.toByteArray());
      toGuest.reset();
      runner.inputArrived(false);
    }
  }

  private LineReader reader;
  private boolean backToConsole;

  /** Runs the monitor until C-a c, C-d or "console"; true when the user quit. */
  private boolean monitor() {
    console.hold();
    if (reader == null) {
      reader = LineReaderBuilder.builder().terminal(terminal).appName("emu")
          .completer(new StringsCompleter(Monitor.WORDS)).history(new DefaultHistory()).build();
      reader.getWidgets().put("emu-console", () -> {
        backToConsole = true;
        reader.getBuffer().clear();
        reader.callWidget(LineReader.ACCEPT_LINE);
        return true;
      });
      KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
      main.bind(new Reference("emu-console"), String.valueOf((char) escape) + "c");
    }
    PrintWriter out = terminal.writer();
    Monitor monitor = new Monitor(runner, out);
    out.println();
    out.println("emu monitor - type 'help' for more information (" + escapeName + " c: back to the console)");
    out.flush();
    try {
      while (true) {
        backToConsole = false;
        String line;
        try {
          line = reader.readLine("(emu) ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        if (backToConsole) {
          break;
        }
        Monitor.Next next = monitor.execute(line);
        if (next == Monitor.Next.QUIT) {
          return true;
        }
        if (next == Monitor.Next.CONSOLE) {
          break;
        }
      }
      return false;
    } finally {
      Attributes raw = terminal.getAttributes();
      raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
      terminal.setAttributes(raw);
      console.release();
    }
  }
}
