package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.e2e.EmuRun.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emu command's scripted runs with the real machine (issue 8): every exit status, input, determinism. */
class CliE2eTest {
  @TempDir Path dir;

  @Test
  void untilMatches_exit0_stopsThere() {
    Result r = EmuRun.boot("echo one\necho two\n", "--timeout", "10s", "--until", "(^|\n)one\r?\n");
    status(r, 0);
    assertThat(r.text()).contains("\none\n");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void timeout_exit124_noteOnStderr() {
    Result r = EmuRun.boot("echo hi\n", "--timeout", "2s");
    status(r, 124);
    assertThat(r.stderr()).contains("emu: timeout:").contains("2s");
    inOrder(r, "^~ # echo hi$", "^hi$");
  }

  @Test
  void guestPanic_exit3_endMarkerReachesStdout() {
    Result r = EmuRun.boot("insmod oops.ko type=panic\n", "--timeout", "10s");
    status(r, 3);
    assertThat(r.stderr()).contains("emu: guest panicked");
    inOrder(r, "^\\[[ \\d.]+\\] Kernel panic - not syncing: ", "^\\[[ \\d.]+\\] ---\\[ end Kernel panic - not syncing: ");
  }

  @Test
  void untilMatchingDuringThePanicGrace_winsWith0() {
    // docs/cli.md: after pvpanic the guest runs on briefly so the end marker arrives; --until may match there
    Result r = EmuRun.boot("insmod oops.ko type=panic\n", "--timeout", "10s", "--until", "---\\[ end Kernel panic");
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] ---\\[ end Kernel panic - not syncing: ");
  }

  @Test
  void poweroff_exit0() {
    Result r = EmuRun.boot("poweroff\n", "--timeout", "10s");
    status(r, 0);
    inOrder(r, "^~ # poweroff$");
  }

  @Test
  void debugExitPort_exitStatusVShiftedOr1() throws Exception {
    Sdk.build(dir, "e2e_debugexit");
    Result r = EmuRun.boot("insmod e2e_debugexit.ko code=21\n", "--module-dir", dir.toString(), "--timeout", "10s");
    inOrder(r, "^\\[[ \\d.]+\\] e2e_debugexit: writing 21 to port 0xf4$");
    status(r, (21 << 1) | 1);
  }

  @Test
  void configErrors_exit2_oneLine_nothingStarted() {
    Path toml = EmuRun.write(dir, "bad.toml", "[watchdog]\nthresh = 99\n");
    Result r = EmuRun.boot("", "--config", toml.toString(), "--timeout", "5s");
    status(r, 2);
    assertThat(r.stderr()).isEqualTo("emu: " + toml + ":2: watchdog.thresh: must be 0..60 (got 99)\n");
    assertThat(r.stdout()).isEmpty();

    Result cpus = EmuRun.boot("", "--cpus", "0", "--timeout", "5s");
    status(cpus, 2);
    assertThat(cpus.stderr()).startsWith("emu: --cpus: ").doesNotContain("\n\n");
    assertThat(cpus.stderr().lines().count()).isEqualTo(1);
    assertThat(cpus.stdout()).isEmpty();

    Result missing = EmuRun.boot("", "--config", dir.resolve("nosuch.toml").toString());
    status(missing, 2);
    assertThat(missing.stderr().lines().count()).isEqualTo(1);
    assertThat(missing.stdout()).isEmpty();
  }

  @Test
  void paste64KiB_reachesTheGuestIntact() {
    StringBuilder p = new StringBuilder();
    for (int i = 0; p.length() < 65536; i++) {
      p.append(String.format("%07x,", i));
    }
    String payload = p.toString();
    assertThat(payload.length()).isEqualTo(65536);
    Result r = EmuRun.boot("echo " + payload + "\necho done\n", "--timeout", "60s", "--until", "\ndone\r?\n");
    status(r, 0);
    // once as the line editor's echo, once as echo's output: every byte arrived, in order
    inOrder(r, "^~ # echo " + payload + "$", "^" + payload + "$", "^~ # echo done$", "^done$");
  }

  @Test
  void sameScriptedRunTwice_identicalBytes() {
    String in = "cd /proc/sys/kernel\ngrep . soft*\ninsmod softLockup.ko &\n";
    String[] args = {"--config", "lockup.toml", "--append", "watchdog_thresh=1", "--timeout", "20s"};
    Result a = EmuRun.boot(in, args);
    Result b = EmuRun.boot(in, args);
    status(a, 3);
    inOrder(a, "BUG: soft lockup", "end Kernel panic");
    assertThat(b.status()).isEqualTo(a.status());
    assertThat(b.stdout()).as("console bytes of the second run").isEqualTo(a.stdout());
    assertThat(b.stderr()).isEqualTo(a.stderr());
  }
}
