package dev.emu.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.Env;
import dev.emu.cli.FakeMachine;
import dev.emu.cli.Main;
import dev.emu.cli.run.MachineFactory;
import dev.emu.devices.board.RunResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench plumbing with tiny parameters and fake machines; no figure is asserted against the clock. */
class BenchCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int emu(MachineFactory machines, String... args) {
    Env env = new Env(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true), false,
        true, dir, machines);
    return Main.run(args, env);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void mips_runsTheBundledWorkload_builtFromSource() {
    int status = emu((c, s) -> {
      throw new AssertionError("no machine for mips");
    }, "bench", "mips", "--iterations", "2", "--runs", "1");
    assertThat(status).as(out() + err).isEqualTo(0);
    assertThat(out()).contains("run 1").contains("instructions").containsPattern("checksum [0-9a-f]{16}; MIPS best");
  }

  @Test
  void mips_missingImage_isAUsageError_notACrash() {
    int status = emu(null, "bench", "mips", "--image", "nope.bin");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("emu: --image nope.bin: cannot read (NoSuchFileException)\n");
  }

  @Test
  void boot_inProcess_reportsEmulatorOnlyTimeAndGuestTime() {
    int status = emu((c, s) -> new FakeMachine().then("[    0.000100] booted\r\n~ # ", RunResult.Kind.TIME_REACHED)
        .attach(c, s), "bench", "boot", "--no-spawn", "--runs", "2");
    assertThat(status).as(out() + err).isEqualTo(0);
    assertThat(out()).contains("in-process run 1: exit 0, emulator-only").contains("in-process run 2: exit 0")
        .contains("last console stamp 0.000100 s, guest clock at the end 0.010000 s").contains("[first in this JVM: cold JIT]");
  }

  @Test
  void lockup_inProcess_findsBothReportsAndTheirGuestStamps() throws IOException {
    Files.writeString(dir.resolve("lockup.toml"), "[machine]\ncpus = 2\n");
    int status = emu((c, s) -> new FakeMachine()
        .then("~ # insmod x\r\n[   28.000284] Kernel panic - not syncing: softlockup: hung tasks\r\n"
            + "[   10.000820] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1\r\n", RunResult.Kind.TIME_REACHED)
        .attach(c, s), "bench", "lockup", "--no-spawn", "--runs", "1");
    assertThat(status).as(out() + err).isEqualTo(0);
    assertThat(out()).contains("report at guest 28.000284 s").contains("report at guest 10.000820 s")
        .contains("fast-forward skipped 12 cycles"); // FakeMachine.skippedCycles() = {5, 7}
  }

  @Test
  void lockup_missingConfig_exit2() {
    assertThat(emu(null, "bench", "lockup", "--config", "absent.toml")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("absent.toml: no such file");
  }

  @Test
  void help_listsTheFigures_andABadOptionIsAUsageError() {
    assertThat(emu(null, "bench", "--help")).isEqualTo(0);
    assertThat(out()).contains("mips").contains("lockup").contains("boot").contains("scale").contains("hotspots");
    assertThat(emu(null, "bench", "mips", "--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("emu: Unknown option: '--bogus'");
  }

  @Test
  void guestStamp_isTheStampOfTheMatchingLine() {
    String console = "[    1.500000] a\n[   28.000136] watchdog: BUG\n[   28.000284] Kernel panic - not syncing: x\n";
    assertThat(Figures.guestStamp(console, Pattern.compile("Kernel panic"))).isEqualTo(28.000284);
    assertThat(Figures.guestStamp(console, Pattern.compile("absent"))).isEqualTo(-1);
    assertThat(Figures.lastStamp(console)).isEqualTo(28.000284);
    assertThat(Figures.parseSeconds("500ms")).isEqualTo(0.5);
    assertThat(Figures.parseSeconds("2m")).isEqualTo(120);
    assertThat(Figures.median(new long[] {5, 1, 3})).isEqualTo(3);
  }

  @Test
  void childRun_spawnsANewJvm_andSeesItsOutputAndRss() throws Exception {
    List<String> cmd = ChildRun.emuCommand(List.of("-Xshare:auto"));
    cmd.add("--version");
    ChildRun.Result r = ChildRun.run(cmd, dir, new byte[0], Pattern.compile("emu "), 120_000_000_000L);
    assertThat(r.exit()).as(r.stderr()).isEqualTo(0);
    assertThat(r.stdout()).contains("emu ").contains("Java ");
    assertThat(r.matchNanos()).isBetween(0L, r.wallNanos());
    assertThat(r.killed()).isFalse();
  }
}
