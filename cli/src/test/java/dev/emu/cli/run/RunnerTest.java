package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.FakeMachine;
import dev.emu.cli.FakeMachineAccess;
import dev.emu.devices.board.RunResult;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interactive sessions: a panic or a dead machine leaves the session open (note once); quit ends it with 0. */
class RunnerTest {
  private final List<String> notes = new CopyOnWriteArrayList<>();

  private Runner interactive(FakeMachine fake) {
    ConsoleOutput console = new ConsoleOutput(new ByteArrayOutputStream(), true, null);
    fake.attach(null, console);
    return new Runner(fake, console, 0, true, new Pacer(false, System::nanoTime), notes::add);
  }

  /** Waits (at most 10 s) until the loop thread has written a note: synchronisation, not timing. */
  private void awaitNote() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (notes.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
  }

  @Test
  void panic_isANote_theSessionStaysOpen_untilQuit() throws Exception {
    FakeMachine fake = FakeMachineAccess.idleTwoCpus().then("Kernel panic\n", RunResult.Kind.PANIC);
    Runner r = interactive(fake);
    CompletableFuture<Outcome> done = CompletableFuture.supplyAsync(r::loop);
    awaitNote(); // the loop thread adds the note when its chunk returns PANIC
    assertThat(r.call(m -> m.cpuCount()).get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(done).isNotDone();
    assertThat(notes).containsExactly("emu: guest panicked: pvpanic: guest panicked");
    r.quit();
    assertThat(done.get(10, TimeUnit.SECONDS).status()).isEqualTo(0);
  }

  @Test
  void panicRebootNanos_readsTheLastPanicParameterAsLinux() {
    assertThat(Runner.panicRebootNanos("quiet watchdog_thresh=1")).isEqualTo(-1);
    assertThat(Runner.panicRebootNanos("panic=1")).isEqualTo(1_000_000_000L);
    assertThat(Runner.panicRebootNanos("panic=5 softlockup_panic=1 panic=2")).isEqualTo(2_000_000_000L);
    assertThat(Runner.panicRebootNanos("panic=-1")).as("reboot at once").isZero();
    assertThat(Runner.panicRebootNanos("panic=0")).as("stay in the panic loop").isEqualTo(-1);
    assertThat(Runner.panicRebootNanos("panic=x")).isEqualTo(-1);
    assertThat(Runner.panicRebootNanos("hardlockup_panic=1 nmi_watchdog=panic")).isEqualTo(-1);
  }

  @Test
  void dead_notedOnce_monitorStillServed_quitEnds() throws Exception {
    FakeMachine fake = new FakeMachine().afterScript(RunResult.Kind.DEAD);
    Runner r = interactive(fake);
    CompletableFuture<Outcome> done = CompletableFuture.supplyAsync(r::loop);
    awaitNote();
    r.call(m -> {
      m.injectNmi(1);
      return null;
    }).get(10, TimeUnit.SECONDS);
    r.call(m -> null).get(10, TimeUnit.SECONDS);
    assertThat(FakeMachineAccess.nmis(fake)).containsExactly(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0)).startsWith("emu: machine dead");
    r.quit();
    assertThat(done.get(10, TimeUnit.SECONDS).status()).isEqualTo(0);
  }

  @Test
  void idle_waitsForInput_thenRunsOn() throws Exception {
    FakeMachine fake = FakeMachineAccess.idleTwoCpus().echo();
    Runner r = interactive(fake);
    CompletableFuture<Outcome> done = CompletableFuture.supplyAsync(r::loop);
    fake.sendInput("hi".getBytes());
    r.inputArrived(false);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.received().length < 2 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(fake.received()).containsExactly('h', 'i');
    r.quit();
    assertThat(done.get(10, TimeUnit.SECONDS).status()).isEqualTo(0);
  }
}
