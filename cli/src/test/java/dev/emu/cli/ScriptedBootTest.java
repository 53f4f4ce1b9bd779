package dev.emu.cli;

import static dev.emu.devices.board.RunResult.Kind.DEAD;
import static dev.emu.devices.board.RunResult.Kind.IDLE;
import static dev.emu.devices.board.RunResult.Kind.PANIC;
import static dev.emu.devices.board.RunResult.Kind.POWER_OFF;
import static dev.emu.devices.board.RunResult.Kind.RESET;
import static dev.emu.devices.board.RunResult.Kind.TIME_REACHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.run.Runner;
import dev.emu.devices.board.BootException;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every ending of a scripted run (stdin not a terminal), against a scripted fake machine. */
class ScriptedBootTest {
  @TempDir Path dir;
  private String kernel;

  @BeforeEach
  void kernel() throws IOException {
    kernel = Files.write(dir.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).toString();
  }

  private Cli boot(FakeMachine fake, byte[] stdin, String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = "boot";
    args[1] = "--kernel";
    args[2] = kernel;
    System.arraycopy(extra, 0, args, 3, extra.length);
    return Cli.run(dir, fake::attach, stdin, args);
  }

  private Cli boot(FakeMachine fake, String... extra) {
    return boot(fake, new byte[0], extra);
  }

  @Test
  void until_matchesAccumulatedOutput_exit0AndStdoutIsExactlyTheConsole() {
    FakeMachine fake = new FakeMachine().then("boot\r\nlo", TIME_REACHED).then("gin: \r\nMARK here", TIME_REACHED)
        .afterScript(TIME_REACHED);
    Cli c = boot(fake, "--until", "(^|\\n)MARK");
    assertThat(c.status).isEqualTo(0);
    assertThat(c.out()).isEqualTo("boot\r\nlogin: \r\nMARK here");
    assertThat(c.err()).isEmpty();
  }

  @Test
  void until_spansChunkBoundaries() {
    FakeMachine fake = new FakeMachine().then("abc\nde", TIME_REACHED).then("f\n", TIME_REACHED).afterScript(TIME_REACHED);
    assertThat(boot(fake, "--until", "c\\nde+f").status).isEqualTo(0);
  }

  @Test
  void powerOff_exit0() {
    Cli c = boot(new FakeMachine().then("bye\n", POWER_OFF));
    assertThat(c.status).isEqualTo(0);
    assertThat(c.out()).isEqualTo("bye\n");
  }

  @Test
  void resetWithNoReboot_exit0_andNoRebootReachesTheMachine() {
    FakeMachine fake = new FakeMachine().then("", RESET);
    assertThat(boot(fake, "--no-reboot").status).isEqualTo(0);
    assertThat(fake.config().noReboot()).isTrue();
  }

  @Test
  void debugExit_statusIsValueShiftedOr1() {
    assertThat(boot(new FakeMachine().thenDebugExit("", 0)).status).isEqualTo(1);
    assertThat(boot(new FakeMachine().thenDebugExit("", 5)).status).isEqualTo(11);
    assertThat(boot(new FakeMachine().thenDebugExit("", 0x21)).status).isEqualTo(0x43);
  }

  @Test
  void panic_exit3_oneLineNote_andTheLinesAfterThePanicStillReachStdout() {
    FakeMachine fake = new FakeMachine().then("Kernel panic - not syncing: softlockup: hung tasks\n", PANIC)
        .then("---[ end Kernel panic - not syncing: softlockup: hung tasks ]---\n", TIME_REACHED)
        .afterScript(TIME_REACHED);
    Cli c = boot(fake);
    assertThat(c.status).isEqualTo(3);
    assertThat(c.out()).endsWith("---[ end Kernel panic - not syncing: softlockup: hung tasks ]---\n");
    assertThat(c.err()).isEqualTo("emu: guest panicked: pvpanic: guest panicked\n");
    assertThat(fake.guestNanos()).isLessThanOrEqualTo(Runner.PANIC_GRACE_NANOS + Runner.CHUNK_NANOS);
  }

  @Test
  void panic_untilMatchingTheEndMarker_exit0() {
    FakeMachine fake = new FakeMachine().then("Kernel panic - not syncing: x\n", PANIC)
        .then("---[ end Kernel panic - not syncing: x ]---\n", TIME_REACHED).afterScript(TIME_REACHED);
    assertThat(boot(fake, "--until", "end Kernel panic").status).isEqualTo(0);
  }

  @Test
  void dead_exit3_oneLineNote() {
    Cli c = boot(new FakeMachine().then("hlt\n", TIME_REACHED).afterScript(DEAD));
    assertThat(c.status).isEqualTo(3);
    assertThat(c.err()).isEqualTo("emu: machine dead: every CPU halted with interrupts masked: all CPUs halted\n");
    assertThat(c.out()).isEqualTo("hlt\n");
  }

  @Test
  void timeout_inGuestTime_exit124() {
    FakeMachine fake = new FakeMachine().afterScript(TIME_REACHED);
    Cli c = boot(fake, "--timeout", "2s");
    assertThat(c.status).isEqualTo(124);
    assertThat(fake.guestNanos()).isEqualTo(2_000_000_000L);
    assertThat(c.err()).isEqualTo("emu: timeout: 2s of guest time passed\n");
  }

  @Test
  void idleWithStdinAtItsEnd_exit3_orTimeout124() {
    assertThat(boot(new FakeMachine().afterScript(IDLE)).status).isEqualTo(3);
    assertThat(boot(new FakeMachine().afterScript(IDLE), "--timeout", "1s").status).isEqualTo(124);
  }

  @Test
  void input_64KiB_fromAFile_reachesTheGuestIntact() {
    byte[] input = new byte[64 * 1024];
    new Random(42).nextBytes(input);
    FakeMachine fake = new FakeMachine().afterScript(IDLE).powerOffAfterInput(input.length);
    Cli c = boot(fake, input);
    assertThat(c.status).isEqualTo(0);
    assertThat(fake.received()).isEqualTo(input);
  }

  @Test
  void input_64KiB_throughAPipe_reachesTheGuestIntactAndIsEchoedUnmodified() throws Exception {
    byte[] input = new byte[64 * 1024];
    new Random(7).nextBytes(input);
    PipedOutputStream writer = new PipedOutputStream();
    PipedInputStream pipe = new PipedInputStream(writer, 1024);
    Thread t = new Thread(() -> {
      try {
        for (int i = 0; i < input.length; i += 1000) {
          writer.write(input, i, Math.min(1000, input.length - i));
        }
        writer.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    FakeMachine fake = new FakeMachine().afterScript(IDLE).echo().powerOffAfterInput(input.length);
    Cli c = Cli.run(dir, fake::attach, pipe, false, "boot", "--kernel", kernel);
    t.join();
    assertThat(c.status).isEqualTo(0);
    assertThat(fake.received()).isEqualTo(input);
    assertThat(c.out.toByteArray()).isEqualTo(input);
  }

  @Test
  void bootException_exit1_oneLine() {
    Cli c = Cli.run(dir, (cfg, sink) -> {
      throw new BootException("the emulated PC is not wired up yet (devices issue)");
    }, new byte[0], "boot", "--kernel", kernel);
    assertThat(c.status).isEqualTo(1);
    assertThat(c.err()).isEqualTo("emu: cannot boot: the emulated PC is not wired up yet (devices issue)\n");
  }

  @Test
  void realMachinesFactory_todayOrLater_neverAUsageErrorOrAnException() {
    Cli c = Cli.run(dir, dev.emu.devices.board.Machines::create, new byte[0], "boot", "--kernel", kernel,
        "--timeout", "1ms");
    assertThat(c.status).isIn(0, 1, 3, 124);
    assertThat(c.err()).doesNotContain("internal error");
  }

  @Test
  void options_reachTheMachineConfig() {
    FakeMachine fake = new FakeMachine().then("", POWER_OFF);
    Cli c = boot(fake, "--cpus", "4", "--memory", "1G", "--append", "foo=1", "--no-fast-forward");
    assertThat(c.status).isEqualTo(0);
    assertThat(fake.config().cpus()).isEqualTo(4);
    assertThat(fake.config().memoryBytes()).isEqualTo(1L << 30);
    assertThat(fake.config().fastForward()).isFalse();
    assertThat(fake.config().cmdline()).endsWith(" foo=1");
    assertThat(fake.config().cpuModel().frequencyHz()).isEqualTo(2_000_000_000L);
    assertThat(fake.config().kernel()).startsWith(0x7f, 'E', 'L', 'F');
  }

  @Test
  void usageError_exit2_oneLine_nothingStarted() {
    FakeMachine fake = new FakeMachine();
    Cli c = boot(fake, "--cpus", "65");
    assertThat(c.status).isEqualTo(2);
    assertThat(c.err()).isEqualTo("emu: --cpus: must be 1..64 (got 65)\n");
    assertThat(c.factoryCalled).isFalse();
    assertThat(c.out()).isEmpty();
  }

  @Test
  void notAnElfKernel_exit2() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.elf"), "hello");
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "boot", "--kernel", bad.toString());
    assertThat(c.status).isEqualTo(2);
    assertThat(c.err()).isEqualTo("emu: kernel " + bad + ": not an ELF file\n");
  }
}
