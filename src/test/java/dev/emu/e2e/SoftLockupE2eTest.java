package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.none;
import static dev.emu.e2e.ConsoleAssert.status;
import static dev.emu.e2e.ConsoleAssert.within;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.e2e.EmuRun.Line;
import dev.emu.e2e.EmuRun.Result;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The soft lockup detector end to end (issue 6): the first seed replayed on emu, the report's content
 * and its guest timestamp against the window Linux 5.4's algorithm predicts (EmuRun.softWindow), the
 * threshold, watchdog_cpumask, nowatchdog, touch_softlockup_watchdog and no false positives.
 */
class SoftLockupE2eTest {
  static final Pattern BUG = Pattern.compile("^watchdog: BUG: soft lockup - CPU#(\\d+) stuck for (\\d+)s! \\[(\\S+):(\\d+)\\]$");

  /** The BUG line as a matcher (cpu, seconds, comm, pid). */
  static Matcher bug(Result r) {
    Line l = r.first("^watchdog: BUG: soft lockup - CPU#");
    Matcher m = BUG.matcher(l.text());
    assertThat(m.matches()).as("BUG line format: '%s'", l.text()).isTrue();
    return m;
  }

  /** Checks "stuck for XXs" and the BUG line's timestamp against the loop's start line. */
  static void assertSoftTiming(Result r, int thresh, String startRegex) {
    assertSoftTiming(r, thresh, startRegex, "^watchdog: BUG: soft lockup - CPU#");
  }

  /** As above for the first BUG line matching {@code bugRegex} (one CPU's report among several). */
  static void assertSoftTiming(Result r, int thresh, String startRegex, String bugRegex) {
    Line bugLine = r.first(bugRegex);
    Matcher m = BUG.matcher(bugLine.text());
    assertThat(m.matches()).as("BUG line format: '%s'", bugLine.text()).isTrue();
    int[] xx = EmuRun.stuckForBounds(thresh);
    assertThat(Integer.parseInt(m.group(2))).as("stuck for XXs at watchdog_thresh=%d", thresh).isBetween(xx[0], xx[1]);
    double t0 = r.first(startRegex).seconds();
    double tBug = bugLine.seconds();
    double[] w = EmuRun.softWindow(thresh, t0, 0.01);
    within("BUG timestamp - loop start (thresh " + thresh + ", loop start " + t0 + ")", tBug - t0, w[0], w[1]);
  }


  @Test
  void firstSeedReplayed_defaultThreshold_reportThenPanic() {
    Result r = EmuRun.boot("cd /proc/sys/kernel\ngrep . soft*\ngrep . hard*\ninsmod softLockup.ko &\n",
        "--config", "lockup.toml", "--timeout", "60s");
    status(r, 3);
    assertThat(r.stderr()).contains("emu: guest panicked");
    // the seed's session, line for line
    inOrder(r, "^/proc/sys/kernel # grep \\. soft\\*$", "^soft_watchdog:1$", "^softlockup_all_cpu_backtrace:0$",
        "^softlockup_panic:1$", "^/proc/sys/kernel # grep \\. hard\\*$", "^hardlockup_all_cpu_backtrace:0$",
        "^hardlockup_panic:1$", "^/proc/sys/kernel # insmod softLockup\\.ko &$");
    Matcher bug = bug(r);
    String cpu = bug.group(1);
    String pid = bug.group(4);
    assertThat(bug.group(3)).as("comm of the stuck task").isEqualTo("insmod");
    inOrder(r,
        "^\\[[ \\d.]+\\] softlockup_init$",
        "^\\[[ \\d.]+\\] watchdog: BUG: soft lockup - CPU#" + cpu + " stuck for \\d+s! \\[insmod:" + pid + "\\]$",
        "^\\[[ \\d.]+\\] Modules linked in: softLockup\\(\\+\\)$",
        "^\\[[ \\d.]+\\] CPU: " + cpu + " PID: " + pid + " Comm: insmod Not tainted \\S+ #1$",
        "^\\[[ \\d.]+\\] Hardware name: ",
        "^\\[[ \\d.]+\\] RIP: 0010:softlockup_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[softLockup\\]$",
        "^\\[[ \\d.]+\\] RSP: 0018:[0-9a-f]{16} EFLAGS: [0-9a-f]{8} ORIG_RAX: ffffffffffffff13$",
        "^\\[[ \\d.]+\\] RAX: [0-9a-f]{16} RBX: [0-9a-f]{16} RCX: [0-9a-f]{16}$",
        "^\\[[ \\d.]+\\] CS:  0010 DS: 0000 ES: 0000 CR0: [0-9a-f]{16}$",
        "^\\[[ \\d.]+\\] Call Trace:$",
        "^\\[[ \\d.]+\\]  do_one_initcall\\+0x[0-9a-f]+/0x[0-9a-f]+$",
        "^\\[[ \\d.]+\\]  do_init_module\\+0x[0-9a-f]+/0x[0-9a-f]+$",
        "^\\[[ \\d.]+\\]  load_module\\+0x[0-9a-f]+/0x[0-9a-f]+$",
        "^\\[[ \\d.]+\\] Kernel panic - not syncing: softlockup: hung tasks$",
        // taint L is added after the report, so the panic's dump shows it (seed: "Tainted: G             L    5.4.0")
        "^\\[[ \\d.]+\\] CPU: " + cpu + " PID: " + pid + " Comm: insmod Tainted: G             L    \\S+ #1$",
        "^\\[[ \\d.]+\\]  <IRQ>$",
        "^\\[[ \\d.]+\\]  panic\\+",
        "^\\[[ \\d.]+\\]  watchdog_timer_fn\\+",
        "^\\[[ \\d.]+\\]  </IRQ>$",
        "^\\[[ \\d.]+\\] RIP: 0010:softlockup_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[softLockup\\]$",
        "^\\[[ \\d.]+\\] Kernel Offset: disabled$",
        "^\\[[ \\d.]+\\] ---\\[ end Kernel panic - not syncing: softlockup: hung tasks \\]---$");
    assertThat(r.all("BUG: soft lockup")).as("one report per episode").hasSize(1);
    assertSoftTiming(r, 10, "^softlockup_init$");
  }

  @Test
  void panicOff_reportedOncePerEpisode_taintL_shellAnswers() {
    // softlockup_panic=0 (no config): Linux 5.4 reports once per episode (soft_watchdog_warn), then taints L
    Result r = EmuRun.boot("insmod softLockup.ko &\nsleep 12\ncat /proc/sys/kernel/tainted\ncat /proc/modules\necho done\n",
        "--append", "watchdog_thresh=1", "--timeout", "30s", "--until", "\ndone\r?\n");
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] softlockup_init$",
        "^\\[[ \\d.]+\\] watchdog: BUG: soft lockup - CPU#1 stuck for 3s! \\[insmod:\\d+\\]$",
        "^\\[[ \\d.]+\\] CPU: 1 PID: \\d+ Comm: insmod Not tainted ",
        "^\\[[ \\d.]+\\] RIP: 0010:softlockup_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[softLockup\\]$",
        "^~ # cat /proc/sys/kernel/tainted$", "^16384$",
        "^~ # cat /proc/modules$", "^softLockup \\d+ 0 - Loading 0xffffffffc[0-9a-f]{7}$", "^done$");
    assertThat(r.all("BUG: soft lockup")).as("reports in 12 s of one episode").hasSize(1);
    assertSoftTiming(r, 1, "^softlockup_init$");
    none(r, "Kernel panic");
  }

  @Test
  void thresholdsMoveWithWatchdogThresh() {
    double[] after = new double[2];
    int[] threshs = {1, 3};
    for (int i = 0; i < threshs.length; i++) {
      int t = threshs[i];
      Result r = EmuRun.boot("insmod softLockup.ko &\n", "--config", "lockup.toml", "--append", "watchdog_thresh=" + t,
          "--timeout", "30s");
      status(r, 3);
      inOrder(r, "^\\[[ \\d.]+\\] softlockup_init$", "BUG: soft lockup - CPU#\\d+ stuck for \\d+s! \\[insmod:\\d+\\]$",
          "^\\[[ \\d.]+\\] Kernel panic - not syncing: softlockup: hung tasks$");
      assertSoftTiming(r, t, "^softlockup_init$");
      after[i] = r.first("BUG: soft lockup").seconds() - r.first("^softlockup_init$").seconds();
    }
    assertThat(after[1]).as("report delay at thresh 3 vs thresh 1").isGreaterThan(after[0] + 2.0);
  }

  @Test
  void sysctlThresholdWrittenAtRuntime_movesTheReport() {
    // watchdog_thresh written through /proc restarts the timers with the new period (Linux: proc_watchdog_thresh)
    Result r = EmuRun.boot("echo 2 > /proc/sys/kernel/watchdog_thresh\ncat /proc/sys/kernel/watchdog_thresh\n"
        + "insmod softLockup.ko &\n", "--config", "lockup.toml", "--timeout", "30s");
    status(r, 3);
    inOrder(r, "^2$", "^\\[[ \\d.]+\\] softlockup_init$", "BUG: soft lockup - CPU#\\d+ stuck for \\d+s! \\[insmod:\\d+\\]$");
    assertSoftTiming(r, 2, "^softlockup_init$");
  }

  @Test
  void watchdogCpumask_excludesACpu() {
    Result r = EmuRun.boot("echo 0 > /proc/sys/kernel/watchdog_cpumask\ncat /proc/sys/kernel/watchdog_cpumask\n"
        + "taskset -c 1 insmod softLockup.ko &\n", "--config", "lockup.toml", "--append", "watchdog_thresh=1",
        "--timeout", "10s");
    // thresh 1: a CPU in the mask would report within ~5 s (EmuRun.softWindow); CPU 1 is not watched
    status(r, 124);
    inOrder(r, "^0$", "^\\[[ \\d.]+\\] softlockup_init$");
    none(r, "BUG: soft lockup");
    none(r, "Kernel panic");
  }

  @Test
  void nowatchdog_disablesBothDetectors() {
    Result r = EmuRun.boot("cat /proc/sys/kernel/watchdog\ntaskset -c 1 insmod softLockup.ko &\n"
            + "taskset -c 2 insmod hardLockup.ko &\n",
        "--config", "lockup.toml", "--cpus", "3", "--append", "watchdog_thresh=1 nowatchdog", "--timeout", "10s");
    status(r, 124);
    inOrder(r, "^~ # cat /proc/sys/kernel/watchdog$", "^0$");
    r.first("^softlockup_init$");
    r.first("^Simulating hard lockup\\.\\.\\.$");
    none(r, "NMI watchdog: Enabled");
    none(r, "BUG: soft lockup");
    none(r, "LOCKUP");
    none(r, "Kernel panic");
  }

  @Test
  void touchSoftlockupWatchdog_suppressesTheReport() {
    // 10 x 0.5 s busy (5 s without scheduling) touching the watchdog between iterations: at thresh 1 the
    // same 5 s without touches is reported (ModulesE2eTest.testLockup_reportThenRecovery)
    Result r = EmuRun.boot("insmod test_lockup.ko time_nsecs=500000000 iterations=10 touch_softlockup=1\necho alive\n",
        "--config", "lockup.toml", "--append", "watchdog_thresh=1", "--timeout", "30s", "--until", "\nalive\r?\n");
    status(r, 0);
    inOrder(r, "test_lockup: START pid=\\d+ time=0 \\+500000000 ns cooldown=0 \\+0 ns iterations=10 state=R touch_softlockup",
        "test_lockup: FINISH in \\d+ ns$",
        "^insmod: ERROR: could not insert module test_lockup\\.ko: Resource temporarily unavailable$", "^alive$");
    double busy = r.first("test_lockup: FINISH").seconds() - r.first("test_lockup: START").seconds();
    assertThat(busy).as("busy time").isGreaterThan(4.9);
    none(r, "BUG: soft lockup");
  }

  @Test
  void busyButScheduling_noFalsePositive() {
    Result r = EmuRun.boot("insmod test_lockup.ko time_nsecs=500000000 iterations=10 call_cond_resched=1\necho alive\n",
        "--config", "lockup.toml", "--append", "watchdog_thresh=1", "--timeout", "30s", "--until", "\nalive\r?\n");
    status(r, 0);
    inOrder(r, "test_lockup: START .*call_cond_resched", "test_lockup: FINISH in \\d+ ns$", "^alive$");
    double busy = r.first("test_lockup: FINISH").seconds() - r.first("test_lockup: START").seconds();
    assertThat(busy).as("busy time").isGreaterThan(4.9);
    none(r, "BUG: soft lockup");
    none(r, "LOCKUP");
  }

  @Test
  void busyButPreemptible_tenMinutes_noFalsePositive() {
    // preempt=full: softLockup.ko's endless loop keeps its CPU 100% busy but is preempted at every tick
    // that wakes the stopper, so the feeder runs: no soft lockup (interrupts on: no hard lockup either),
    // with both panics on (lockup.toml), over 10 minutes of guest time
    Result r = EmuRun.boot("insmod softLockup.ko &\nsleep 600\ncat /proc/uptime\nps\necho done\n", "--config", "lockup.toml",
        "--append", "preempt=full", "--timeout", "700s", "--until", "\ndone\r?\n");
    status(r, 0);
    Matcher up = inOrder(r, "Kernel command line: .*preempt=full$", "^\\[[ \\d.]+\\] softlockup_init$",
        "^~ # cat /proc/uptime$", "^(\\d+)\\.\\d\\d \\d+\\.\\d\\d$");
    assertThat(Integer.parseInt(up.group(1))).as("uptime after sleep 600").isBetween(600, 700);
    inOrder(r, "^~ # ps$", "^ +\\d+ root +0 R +insmod$", "^done$");
    none(r, "BUG");
    none(r, "LOCKUP");
    none(r, "Kernel panic");
  }

  @Test
  void idleGuest_tenMinutes_noFalsePositive() {
    // both panics on (lockup.toml): any false report would also end the run with status 3
    Result r = EmuRun.boot("sleep 600\ncat /proc/uptime\n", "--config", "lockup.toml", "--timeout", "700s",
        "--until", "\n\\d+\\.\\d\\d \\d+\\.\\d\\d\r?\n");
    status(r, 0);
    Matcher up = inOrder(r, "^(\\d+)\\.\\d\\d \\d+\\.\\d\\d$");
    assertThat(Integer.parseInt(up.group(1))).as("uptime after sleep 600").isBetween(600, 700);
    none(r, "BUG");
    none(r, "LOCKUP");
    none(r, "Kernel panic");
  }
}
