package dev.emu.cli;

import dev.emu.devices.board.ConsoleSink;
import dev.emu.devices.board.Machine;
import dev.emu.devices.board.MachineConfig;
import dev.emu.devices.board.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted test double of {@link Machine}. Each run() plays the next step (console output, then a
 * result, advancing guest time by the step's time or the whole budget); when the script is used up it
 * behaves as {@link #afterScript}. Input goes through a 16-byte "UART FIFO": each run() moves at most
 * 16 queued bytes into {@link #received()}, so flow control is exercised; optionally it echoes them.
 */
public final class FakeMachine implements Machine {
  /** One scripted turn: output, then the result (time advanced: the budget if {@code nanos} < 0). */
  record Step(String output, RunResult.Kind kind, int exitCode, long nanos) {}

  private final ArrayDeque<Step> script = new ArrayDeque<>();
  private RunResult.Kind afterScript = RunResult.Kind.TIME_REACHED;
  private ConsoleSink console;
  private MachineConfig config;
  private long now;
  private final ArrayDeque<Byte> pending = new ArrayDeque<>(); // guarded by this
  private final ByteArrayOutputStream received = new ByteArrayOutputStream(); // guarded by this
  private boolean echo;
  private long powerOffAfterInput = -1;
  private volatile boolean stop;
  final List<Integer> nmis = new ArrayList<>();
  int runs;

  public FakeMachine then(String output, RunResult.Kind kind) {
    script.add(new Step(output, kind, 0, -1));
    return this;
  }

  public FakeMachine thenDebugExit(String output, int value) {
    script.add(new Step(output, RunResult.Kind.DEBUG_EXIT, (value << 1) | 1, -1));
    return this;
  }

  public FakeMachine afterScript(RunResult.Kind kind) {
    afterScript = kind;
    return this;
  }

  public FakeMachine echo() {
    echo = true;
    return this;
  }

  /** Power off once this many input bytes reached the "guest". */
  public FakeMachine powerOffAfterInput(long n) {
    powerOffAfterInput = n;
    return this;
  }

  /** The factory: {@code fake::attach}. */
  public Machine attach(MachineConfig config, ConsoleSink console) {
    this.config = config;
    this.console = console;
    return this;
  }

  public MachineConfig config() {
    return config;
  }

  public synchronized byte[] received() {
    return received.toByteArray();
  }

  @Override
  public RunResult run(long guestNanos) {
    runs++;
    if (stop) {
      stop = false;
      return new RunResult(RunResult.Kind.STOPPED, 0, "");
    }
    synchronized (this) {
      for (int i = 0; i < 16 && !pending.isEmpty(); i++) {
        byte b = pending.poll();
        received.write(b);
        if (echo) {
          console.write(b & 0xff);
        }
      }
      if (powerOffAfterInput >= 0 && received.size() >= powerOffAfterInput) {
        return new RunResult(RunResult.Kind.POWER_OFF, 0, "");
      }
    }
    Step s = script.poll();
    if (s == null) {
      if (afterScript == RunResult.Kind.IDLE && pendingInput() > 0) {
        now += guestNanos;
        return new RunResult(RunResult.Kind.TIME_REACHED, 0, "");
      }
      if (afterScript == RunResult.Kind.TIME_REACHED) {
        now += guestNanos;
      }
      return new RunResult(afterScript, 0, afterScript == RunResult.Kind.DEAD ? "all CPUs halted" : "");
    }
    for (byte b : s.output().getBytes(StandardCharsets.ISO_8859_1)) {
      console.write(b & 0xff);
    }
    now += s.nanos() < 0 ? guestNanos : Math.min(s.nanos(), guestNanos);
    String msg = s.kind() == RunResult.Kind.PANIC ? "pvpanic: guest panicked\n" : "";
    return new RunResult(s.kind(), s.exitCode(), msg);
  }

  @Override public long guestNanos() { return now; }

  @Override
  public synchronized void sendInput(byte[] data) {
    for (byte b : data) {
      pending.add(b);
    }
  }

  @Override public synchronized int pendingInput() { return pending.size(); }
  @Override public void requestStop() { stop = true; }
  @Override public int cpuCount() { return config == null ? 2 : config.cpus(); }
  @Override public String infoRegisters(int cpu) { return "RIP=ffffffff81000000 CPU" + cpu; }
  @Override public String infoCpus() { return "* CPU #0: halted\n  CPU #1: halted\n"; }
  @Override public String infoLapic(int cpu) { return "lapic " + cpu; }
  @Override public synchronized void injectNmi(int cpu) { nmis.add(cpu); }
  @Override public long[] skippedCycles() { return new long[] {5, 7}; }
}
