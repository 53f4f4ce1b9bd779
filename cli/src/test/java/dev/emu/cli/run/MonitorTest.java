package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.FakeMachineAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor's commands against a fake machine whose loop runs on its own thread, as in a session. */
class MonitorTest {
  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private dev.emu.cli.FakeMachine fake;
  private Runner runner;
  private Monitor monitor;
  private CompletableFuture<Outcome> done;

  @BeforeEach
  void start() {
    fake = FakeMachineAccess.idleTwoCpus();
    ConsoleOutput console = new ConsoleOutput(new ByteArrayOutputStream(), true, null);
    fake.attach(null, console);
    runner = new Runner(fake, console, 0, true, new Pacer(false, System::nanoTime), n -> { });
    monitor = new Monitor(runner, new PrintWriter(text, true));
    done = CompletableFuture.supplyAsync(runner::loop);
  }

  @AfterEach
  void stop() throws Exception {
    runner.quit();
    assertThat(done.get().status()).isEqualTo(0);
  }

  private String run(String line) {
    text.reset();
    assertThat(monitor.execute(line)).isEqualTo(Monitor.Next.STAY);
    return text.toString();
  }

  @Test
  void info() {
    assertThat(run("info registers 1")).isEqualTo("RIP=ffffffff81000000 CPU1\n");
    assertThat(run("info registers")).contains("CPU0");
    assertThat(run("info registers all")).contains("CPU#0", "CPU#1", "CPU1");
    assertThat(run("info cpus")).contains("CPU #1: halted");
    assertThat(run("info lapic 1")).isEqualTo("lapic 1\n");
    assertThat(run("info ff")).isEqualTo("CPU#0: 5 cycles skipped\nCPU#1: 7 cycles skipped\n");
  }

  @Test
  void nmi_oneOrAll_andBadCpu() {
    run("nmi 1");
    run("nmi");
    assertThat(FakeMachineAccess.nmis(fake)).containsExactly(1, 0, 1);
    assertThat(run("nmi 9")).isEqualTo("no CPU 9 (CPUs 0..1)\n");
    assertThat(run("nmi x")).isEqualTo("not a CPU number: 'x'\n");
  }

  @Test
  void stopCont_helpUnknown_quitConsole() {
    run("stop");
    assertThat(runner.isPaused()).isTrue();
    assertThat(run("info cpus")).contains("CPU #0");
    run("cont");
    assertThat(runner.isPaused()).isFalse();
    assertThat(run("help")).contains("info registers", "nmi", "stop", "cont", "quit");
    assertThat(run("frobnicate")).isEqualTo("unknown command: 'frobnicate' (try 'help')\n");
    assertThat(monitor.execute("quit")).isEqualTo(Monitor.Next.QUIT);
    assertThat(monitor.execute("console")).isEqualTo(Monitor.Next.CONSOLE);
  }
}
