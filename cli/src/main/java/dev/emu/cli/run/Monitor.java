package dev.emu.cli.run;

import dev.emu.devices.board.Machine;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The monitor's commands (QEMU's names): each reaches the machine through {@link Runner#call}, so it
 * runs on the machine thread between chunks. Parsing is separate from the terminal, for tests.
 */
public final class Monitor {
  /** What the console should do after a command. */
  public enum Next { STAY, CONSOLE, QUIT }

  /** Words for completion: every command and sub-command. */
  public static final List<String> WORDS = List.of("help", "info", "registers", "cpus", "lapic", "ff", "nmi",
      "stop", "cont", "quit", "console");

  public static final String HELP = String.join("\n",
      "info registers [cpu|all]  register dump of a vCPU (default 0)",
      "info cpus                 state and RIP of every vCPU",
      "info lapic [cpu]          local APIC state of a vCPU (default 0)",
      "info ff                   cycles each vCPU skipped by fast-forward",
      "nmi [cpu]                 inject an NMI (all vCPUs, or one)",
      "stop                      pause the machine",
      "cont                      resume the machine",
      "console                   back to the guest console (also C-a c, C-d)",
      "quit                      exit emu",
      "help                      this list");

  private static final long WAIT_SECONDS = 10;

  private final Runner runner;
  private final PrintWriter out;

  public Monitor(Runner runner, PrintWriter out) {
    this.runner = runner;
    this.out = out;
  }

  /** Executes one command line, printing its result. */
  public Next execute(String line) {
    String[] w = line.trim().split("\\s+");
    if (w.length == 0 || w[0].isEmpty()) {
      return Next.STAY;
    }
    try {
      switch (w[0]) {
        case "help", "?", "h" -> out.println(HELP);
        case "info" -> info(w);
        case "nmi" -> nmi(w);
        case "stop" -> runner.pause(true);
        case "cont", "c" -> runner.pause(false);
        case "quit", "q" -> {
          return Next.QUIT;
        }
        case "console" -> {
          return Next.CONSOLE;
        }
        default -> out.println("unknown command: '" + w[0] + "' (try 'help')");
      }
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
    }
    out.flush();
    return Next.STAY;
  }

  private void info(String[] w) {
    String what = w.length > 1 ? w[1] : "";
    switch (what) {
      case "registers" -> {
        if (w.length > 2 && w[2].equals("all")) {
          print(m -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < m.cpuCount(); i++) {
              sb.append("CPU#").append(i).append('\n').append(m.infoRegisters(i));
            }
            return sb.toString();
          });
        } else {
          int cpu = cpu(w, 2, 0);
          print(m -> m.infoRegisters(cpu));
        }
      }
      case "cpus" -> print(Machine::infoCpus);
      case "lapic" -> {
        int cpu = cpu(w, 2, 0);
        print(m -> m.infoLapic(cpu));
      }
      case "ff" -> print(m -> {
        long[] skipped = m.skippedCycles();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < skipped.length; i++) {
          sb.append("CPU#").append(i).append(": ").append(skipped[i]).append(" cycles skipped\n");
        }
        return sb.toString();
      });
      default -> out.println("info registers [cpu] | info cpus | info lapic [cpu] | info ff");
    }
  }

  private void nmi(String[] w) {
    if (w.length > 1) {
      int cpu = cpu(w, 1, 0);
      print(m -> {
        m.injectNmi(cpu);
        return "";
      });
    } else {
      print(m -> {
        for (int i = 0; i < m.cpuCount(); i++) {
          m.injectNmi(i);
        }
        return "";
      });
    }
  }

  /** The CPU index argument at {@code at}, checked against the machine. */
  private int cpu(String[] w, int at, int def) {
    if (w.length <= at) {
      return def;
    }
    int n;
    try {
      n = Integer.parseInt(w[at]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CPU number: '" + w[at] + "'");
    }
    int count = get(Machine::cpuCount);
    if (n < 0 || n >= count) {
      throw new IllegalArgumentException("no CPU " + n + " (CPUs 0.." + (count - 1) + ")");
    }
    return n;
  }

  private void print(Function<Machine, String> f) {
    String s = get(f);
    if (s != null && !s.isEmpty()) {
      out.print(s.endsWith("\n") ? s : s + "\n");
    }
    out.flush();
  }

  private <T> T get(Function<Machine, T> f) {
    try {
      return runner.call(f).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalArgumentException("the machine did not answer within " + WAIT_SECONDS + " s");
    } catch (ExecutionException e) {
      throw new IllegalArgumentException("error: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("interrupted");
    }
  }
}
