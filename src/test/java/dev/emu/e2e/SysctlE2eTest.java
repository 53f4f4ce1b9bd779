package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.none;
import static dev.emu.e2e.ConsoleAssert.status;

import dev.emu.e2e.EmuRun.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc/sys/kernel end to end (issues 5 and 6): the seed's reads, Linux 5.4's write semantics and errors. */
class SysctlE2eTest {
  @TempDir Path dir;

  @Test
  void lockupToml_grepSoftAndHard_printExactlyTheSeedsLines() {
    Result r = EmuRun.boot("cd /proc/sys/kernel\ngrep . soft*\ngrep . hard*\necho done\n", "--config", "lockup.toml",
        "--timeout", "5s", "--until", "\ndone\r?\n");
    status(r, 0);
    String s = r.session();
    String expected = "/proc/sys/kernel # grep . soft*\n"
        + "soft_watchdog:1\n"
        + "softlockup_all_cpu_backtrace:0\n"
        + "softlockup_panic:1\n"
        + "/proc/sys/kernel # grep . hard*\n"
        + "hardlockup_all_cpu_backtrace:0\n"
        + "hardlockup_panic:1\n"
        + "/proc/sys/kernel # echo done\n";
    org.assertj.core.api.Assertions.assertThat(s).contains(expected);
  }

  @Test
  void defaults_withoutConfig() {
    Result r = EmuRun.boot("cd /proc/sys/kernel\ngrep . watchdog* nmi_watchdog soft_watchdog softlockup_panic "
        + "hardlockup_panic panic panic_on_oops\necho done\n", "--timeout", "5s", "--until", "\ndone\r?\n");
    status(r, 0);
    inOrder(r, "^nmi_watchdog:1$", "^soft_watchdog:1$", "^softlockup_panic:0$", "^hardlockup_panic:0$",
        "^panic:0$", "^panic_on_oops:0$");
    inOrder(r, "^watchdog:1$", "^watchdog_cpumask:0-1$", "^watchdog_thresh:10$");
  }

  @Test
  void writes_rangeChecked_valueKeptOnError() {
    Result r = EmuRun.boot("cd /proc/sys/kernel\necho 99 > watchdog_thresh\necho status=$?\ncat watchdog_thresh\n"
        + "echo abc > watchdog_thresh\ncat watchdog_thresh\necho 5 > watchdog_thresh\ncat watchdog_thresh\n"
        + "sysctl kernel.watchdog_thresh\nsysctl -w kernel.softlockup_panic=0\ngrep . softlockup_panic\n"
        + "echo 2 > softlockup_panic\ncat softlockup_panic\necho 0,1 > watchdog_cpumask\ncat watchdog_cpumask\n"
        + "echo 1-0 > watchdog_cpumask\ncat watchdog_cpumask\necho done\n",
        "--config", "lockup.toml", "--timeout", "5s", "--until", "\ndone\r?\n");
    status(r, 0);
    inOrder(r, "^/proc/sys/kernel # echo 99 > watchdog_thresh$", "^sh: write error: Invalid argument$", "^status=1$",
        "^/proc/sys/kernel # cat watchdog_thresh$", "^10$",
        "^/proc/sys/kernel # echo abc > watchdog_thresh$", "^sh: write error: Invalid argument$",
        "^/proc/sys/kernel # cat watchdog_thresh$", "^10$",
        "^/proc/sys/kernel # echo 5 > watchdog_thresh$", "^/proc/sys/kernel # cat watchdog_thresh$", "^5$",
        "^kernel\\.watchdog_thresh = 5$",
        "^kernel\\.softlockup_panic = 0$", "^/proc/sys/kernel # grep \\. softlockup_panic$", "^0$",
        "^/proc/sys/kernel # echo 2 > softlockup_panic$", "^sh: write error: Invalid argument$", "^0$",
        "^/proc/sys/kernel # cat watchdog_cpumask$", "^0-1$",
        "^/proc/sys/kernel # echo 1-0 > watchdog_cpumask$", "^sh: write error: Invalid argument$",
        "^/proc/sys/kernel # cat watchdog_cpumask$", "^0-1$");
  }

  @Test
  void nmiWatchdog_writeWithPmuHidden_isENOTSUPP() {
    Path toml = EmuRun.write(dir, "nopmu.toml", "[watchdog]\npmu = false\n");
    Result r = EmuRun.boot("cd /proc/sys/kernel\necho 1 > nmi_watchdog\necho status=$?\ncat nmi_watchdog\n"
        + "cat soft_watchdog\necho done\n", "--config", toml.toString(), "--timeout", "5s", "--until", "\ndone\r?\n");
    status(r, 0);
    // Linux 5.4 returns -ENOTSUPP (524) when the hard lockup detector is unavailable
    inOrder(r, "^/proc/sys/kernel # echo 1 > nmi_watchdog$", "^sh: write error: Unknown error 524$", "^status=1$",
        "^/proc/sys/kernel # cat nmi_watchdog$", "^0$", "^/proc/sys/kernel # cat soft_watchdog$", "^1$");
  }

  /** Boots 3 CPUs with watchdog_thresh=1 and {@code param}, reads the switches, soft-locks CPU 1 and hard-locks CPU 2. */
  private static Result switches(String param) {
    Result r = EmuRun.boot("cd /proc/sys/kernel\ngrep . watchdog nmi_watchdog soft_watchdog watchdog_thresh\n"
            + "taskset -c 1 insmod softLockup.ko &\ntaskset -c 2 insmod hardLockup.ko &\n",
        "--cpus", "3", "--append", "watchdog_thresh=1 " + param, "--timeout", "8s");
    status(r, 124);
    r.first("^softlockup_init$");
    r.first("^Simulating hard lockup\\.\\.\\.$");
    return r;
  }

  @Test
  void bootParam_nmiWatchdog0_softDetectorOnly() {
    Result r = switches("nmi_watchdog=0");
    inOrder(r, "^watchdog:1$", "^nmi_watchdog:0$", "^soft_watchdog:1$", "^watchdog_thresh:1$");
    inOrder(r, "^\\[[ \\d.]+\\] watchdog: BUG: soft lockup - CPU#1 stuck for 3s! \\[insmod:\\d+\\]$",
        "^\\[[ \\d.]+\\] Modules linked in: hardLockup\\(\\+\\) softLockup\\(\\+\\)$");
    none(r, "LOCKUP");
    none(r, "NMI watchdog: Enabled");
  }

  @Test
  void bootParam_nosoftlockup_hardDetectorOnly() {
    Result r = switches("nosoftlockup");
    inOrder(r, "^watchdog:1$", "^nmi_watchdog:1$", "^soft_watchdog:0$", "^watchdog_thresh:1$");
    inOrder(r, "^\\[[ \\d.]+\\] NMI watchdog: Watchdog detected hard LOCKUP on cpu 2$",
        "^\\[[ \\d.]+\\] Modules linked in: hardLockup\\(\\+\\) softLockup\\(\\+\\)$");
    none(r, "BUG: soft lockup");
  }

  @Test
  void bootParam_watchdogThresh0_disablesBoth() {
    Result r = switches("watchdog_thresh=0");
    inOrder(r, "^watchdog_thresh:0$");
    none(r, "BUG: soft lockup");
    none(r, "LOCKUP");
  }
}
