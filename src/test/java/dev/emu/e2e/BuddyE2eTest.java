package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.none;
import static dev.emu.e2e.ConsoleAssert.status;
import static dev.emu.e2e.ConsoleAssert.within;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.e2e.EmuRun.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PMU hidden, as on QEMU TCG (issue 6): the perf detector says it is permanently disabled; the
 * buddy detector (hardlockup_detector=buddy, config detector = "buddy") still catches a hard lockup.
 *
 * <p>Buddy timing (reference §3, Linux 6.6): CPU c checks CPU c+1 from its own hrtimer on every third
 * tick (every 3P, P = 2*thresh/5), comparing the neighbour's hrtimer_interrupts with the value saved at
 * the previous check (enabling touches, so the first check only saves). The victim's count freezes at
 * its last tick before the loop (> t0 - P); a check reports only if the previous one came after that,
 * so detection >= t0 - P + 3P = t0 + 2P; the first check after t0 (<= t0 + 3P) at worst saves, and the
 * next reports: detection <= t0 + 6P.
 */
class BuddyE2eTest {
  @TempDir Path dir;

  @Test
  void buddyDetector_pmuHidden_catchesHardLockupWithBacktraceOfTheVictim() {
    Path toml = EmuRun.write(dir, "buddy.toml", "[watchdog]\npmu = false\ndetector = \"buddy\"\nthresh = 2\n");
    Result r = EmuRun.boot("cat /proc/sys/kernel/nmi_watchdog\ninsmod hardLockup.ko &\n", "--config", toml.toString(),
        "--timeout", "30s", "--until", "ret_from_fork");
    status(r, 0);
    inOrder(r, "hardlockup_detector=buddy", "^\\[[ \\d.]+\\] Performance Events: PMU not available due to virtualization, using software events only\\.$");
    none(r, "NMI watchdog: Enabled");
    Matcher m = inOrder(r, "^~ # cat /proc/sys/kernel/nmi_watchdog$", "^1$",
        "^\\[[ \\d.]+\\] Simulating hard lockup\\.\\.\\.$",
        "^\\[[ \\d.]+\\] watchdog: Watchdog detected hard LOCKUP on cpu (\\d+)$");
    String victim = m.group(1);
    assertThat(victim).as("the CPU running insmod (the shell keeps CPU 0)").isEqualTo("1");
    inOrder(r, "^\\[[ \\d.]+\\] watchdog: Watchdog detected hard LOCKUP on cpu 1$",
        "^\\[[ \\d.]+\\] Modules linked in: hardLockup\\(\\+\\)$",
        "^\\[[ \\d.]+\\] Sending NMI from CPU 0 to CPUs 1:$",
        "^\\[[ \\d.]+\\] NMI backtrace for cpu 1$",
        "^\\[[ \\d.]+\\] CPU: 1 PID: \\d+ Comm: insmod ",
        "^\\[[ \\d.]+\\] RIP: 0010:hardlockup_test_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[hardLockup\\]$",
        "^\\[[ \\d.]+\\] Call Trace:$",
        "^\\[[ \\d.]+\\]  do_one_initcall\\+");
    none(r, "Kernel panic");
    double p = EmuRun.samplePeriod(2);
    double t0 = r.first("^Simulating hard lockup").seconds();
    double det = r.first("Watchdog detected hard LOCKUP").seconds();
    within("buddy detection - loop start (thresh 2, P 0.8 s)", det - t0, 2 * p - 0.01, 6 * p + 0.01);
  }

  @Test
  void pmuHidden_perfDetector_permanentlyDisabled_andNothingCatchesTheHardLockup() {
    Path toml = EmuRun.write(dir, "nopmu.toml", "[watchdog]\npmu = false\nthresh = 1\n");
    Result r = EmuRun.boot("cat /proc/sys/kernel/nmi_watchdog\ninsmod hardLockup.ko &\n", "--config", toml.toString(),
        "--timeout", "8s");
    status(r, 124);
    inOrder(r, "^\\[[ \\d.]+\\] Performance Events: PMU not available due to virtualization, using software events only\\.$",
        "^\\[[ \\d.]+\\] NMI watchdog: Perf NMI watchdog permanently disabled$",
        "^~ # cat /proc/sys/kernel/nmi_watchdog$", "^0$", "^\\[[ \\d.]+\\] Simulating hard lockup\\.\\.\\.$");
    none(r, "NMI watchdog: Enabled");
    // interrupts off: the soft detector's timer cannot run on that CPU either (reference §6)
    none(r, "LOCKUP");
    none(r, "BUG: soft lockup");
  }
}
