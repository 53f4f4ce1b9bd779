package dev.emu.cli.demo;

import dev.emu.devices.board.ConsoleSink;
import dev.emu.devices.board.Machine;
import dev.emu.devices.board.MachineConfig;
import dev.emu.devices.board.RunResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stand-in machine for trying the console without the emulator (hidden option --demo-machine; used
 * by the pseudo-terminal test): a "shell" that echoes what is typed and understands a few lines:
 * {@code poweroff}, {@code panic}, {@code dead}, {@code exit N} (debug-exit), {@code uptime}.
 * Each run() consumes the queued input and advances guest time by the whole budget; with no input
 * queued it reports IDLE. Not an emulator: no instruction runs.
 */
public final class EchoMachine implements Machine {
  private final ConsoleSink console;
  private final int cpus;
  private final ConcurrentLinkedQueue<byte[]> input = new ConcurrentLinkedQueue<>();
  private volatile boolean stop;
  private final StringBuilder line = new StringBuilder();
  private long now;
  private final long[] nmis;
  private RunResult ending;

  public EchoMachine(MachineConfig config, ConsoleSink console) {
    this.console = console;
    this.cpus = config.cpus();
    this.nmis = new long[cpus];
    print("emu demo machine: " + cpus + " CPUs, an echo shell (poweroff, panic, dead, exit N, uptime)\r\n# ");
  }

  @Override
  public RunResult run(long guestNanos) {
    if (stop) {
      stop = false;
      return new RunResult(RunResult.Kind.STOPPED, 0, "");
    }
    if (ending != null) {
      RunResult r = ending;
      if (r.kind() == RunResult.Kind.PANIC) {
        ending = new RunResult(RunResult.Kind.DEAD, 0, "");
      }
      return r;
    }
    byte[] chunk = input.poll();
    if (chunk == null) {
      return new RunResult(RunResult.Kind.IDLE, 0, "waiting for input");
    }
    for (byte b : chunk) {
      type(b & 0xff);
      if (ending != null) {
        break;
      }
    }
    now += guestNanos == Long.MAX_VALUE ? 1_000_000 : guestNanos;
    if (ending != null) {
      return run(guestNanos);
    }
    return new RunResult(RunResult.Kind.TIME_REACHED, 0, "");
  }

  private void type(int c) {
    if (c == '\r' || c == '\n') {
      print("\r\n");
      command(line.toString().trim());
      line.setLength(0);
      if (ending == null) {
        print("# ");
      }
    } else if (c == 0x7f || c == 8) {
      if (line.length() > 0) {
        line.setLength(line.length() - 1);
        print("\b \b");
      }
    } else if (c < 0x20) {
      print("^" + (char) (c + '@'));
    } else {
      line.append((char) c);
      console.write(c);
    }
  }

  private void command(String cmd) {
    if (cmd.equals("poweroff")) {
      print("reboot: Power down\r\n");
      ending = new RunResult(RunResult.Kind.POWER_OFF, 0, "");
    } else if (cmd.equals("panic")) {
      print("Kernel panic - not syncing: demo\r\n");
      ending = new RunResult(RunResult.Kind.PANIC, 0, "demo panic");
    } else if (cmd.equals("dead")) {
      ending = new RunResult(RunResult.Kind.DEAD, 0, "");
    } else if (cmd.startsWith("exit ")) {
      try {
        int v = Integer.parseInt(cmd.substring(5).trim()) & 0x7f;
        ending = new RunResult(RunResult.Kind.DEBUG_EXIT, (v << 1) | 1, "");
      } catch (NumberFormatException e) {
        print("exit: not a number\r\n");
      }
    } else if (cmd.equals("uptime")) {
      print("up " + now / 1_000_000 + " ms\r\n");
    } else if (!cmd.isEmpty()) {
      print("you typed: " + cmd + "\r\n");
    }
  }

  private void print(String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      console.write(b & 0xff);
    }
  }

  @Override public long guestNanos() { return now; }
  @Override public void sendInput(byte[] data) { input.add(data.clone()); }
  @Override public int pendingInput() { return input.stream().mapToInt(a -> a.length).sum(); }
  @Override public void requestStop() { stop = true; }
  @Override public int cpuCount() { return cpus; }
  @Override public String infoRegisters(int cpu) { return "RAX=0000000000000000 RIP=ffffffff81000000 (demo CPU " + cpu + ")\n"; }

  @Override
  public String infoCpus() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cpus; i++) {
      sb.append("* CPU #").append(i).append(": halted RIP=ffffffff81000000 (demo_idle) nmis=").append(nmis[i]).append('\n');
    }
    return sb.toString();
  }

  @Override public String infoLapic(int cpu) { return "LAPIC " + cpu + ": demo (no registers)\n"; }
  @Override public void injectNmi(int cpu) { nmis[cpu]++; }
  @Override public long[] skippedCycles() { return new long[cpus]; }
}
