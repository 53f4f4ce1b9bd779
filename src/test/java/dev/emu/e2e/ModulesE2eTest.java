package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.none;
import static dev.emu.e2e.ConsoleAssert.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.e2e.EmuRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled modules, the loader and the SDK end to end (issues 5 and 7): what each module prints,
 * what the detector or the oops path reports, and that the guest lives on where it should.
 */
class ModulesE2eTest {
  @TempDir Path dir;

  private static final String ALIVE = "\nalive\r?\n";

  @Test
  void oopsNullDereference_linuxFormatOops_shellLivesOn() {
    Result r = EmuRun.boot("insmod oops.ko\necho status=$?\necho alive\n", "--timeout", "10s", "--until", ALIVE);
    status(r, 0);
    inOrder(r,
        "^\\[[ \\d.]+\\] oops: type=null$",
        "^\\[[ \\d.]+\\] BUG: kernel NULL pointer dereference, address: 0000000000000000$",
        "^\\[[ \\d.]+\\] #PF: supervisor write access in kernel mode$",
        "^\\[[ \\d.]+\\] #PF: error_code\\(0x0002\\) - not-present page$",
        "^\\[[ \\d.]+\\] Oops: 0002 \\[#1\\] SMP$",
        "^\\[[ \\d.]+\\] CPU: \\d+ PID: \\d+ Comm: insmod Not tainted \\S+ #1$",
        "^\\[[ \\d.]+\\] RIP: 0010:oops_null_deref\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[oops\\]$",
        // Code: 42 bytes, <byte at RIP>, 21 bytes
        "^\\[[ \\d.]+\\] Code: ([0-9a-f]{2} ){42}<[0-9a-f]{2}>( [0-9a-f]{2}){21}$",
        "^\\[[ \\d.]+\\] Call Trace:$",
        "^\\[[ \\d.]+\\]  oops_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[oops\\]$",
        "^\\[[ \\d.]+\\]  do_one_initcall\\+",
        "^\\[[ \\d.]+\\]  do_init_module\\+",
        "^\\[[ \\d.]+\\]  load_module\\+",
        "^\\[[ \\d.]+\\] Modules linked in: oops\\(\\+\\)$",
        "^\\[[ \\d.]+\\] CR2: 0000000000000000$",
        "^\\[[ \\d.]+\\] ---\\[ end trace [0-9a-f]{16} \\]---$",
        "^Killed$", "^status=137$", "^alive$");
    none(r, "Kernel panic");
  }

  @Test
  void oopsBug_invalidOpcodeReport() {
    Result r = EmuRun.boot("insmod oops.ko type=bug\necho alive\n", "--timeout", "10s", "--until", ALIVE);
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] oops: type=bug$",
        "^\\[[ \\d.]+\\] kernel BUG at \\S*oops\\.c:\\d+!$",
        "^\\[[ \\d.]+\\] invalid opcode: 0000 \\[#1\\] SMP$",
        "^\\[[ \\d.]+\\] RIP: 0010:\\w+\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[oops\\]$",
        "^\\[[ \\d.]+\\] Call Trace:$", "^\\[[ \\d.]+\\] ---\\[ end trace [0-9a-f]{16} \\]---$", "^alive$");
    none(r, "Kernel panic");
  }

  @Test
  void oopsDivideByZero_divideErrorReport() {
    Result r = EmuRun.boot("insmod oops.ko type=divzero\necho alive\n", "--timeout", "10s", "--until", ALIVE);
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] oops: type=divzero$",
        "^\\[[ \\d.]+\\] divide error: 0000 \\[#1\\] SMP$",
        "^\\[[ \\d.]+\\] RIP: 0010:oops_divzero\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[oops\\]$",
        "^\\[[ \\d.]+\\] Call Trace:$", "^\\[[ \\d.]+\\] ---\\[ end trace [0-9a-f]{16} \\]---$", "^alive$");
    none(r, "Kernel panic");
  }

  @Test
  void testLockup_reportThenRecovery_promptAnswers() {
    // panics off (no config): a 5 s lockup at thresh 1 is reported, then the module finishes
    Result r = EmuRun.boot("insmod test_lockup.ko time_secs=5\necho status=$?\nlsmod\necho alive\n",
        "--append", "watchdog_thresh=1", "--timeout", "30s", "--until", ALIVE);
    status(r, 0);
    Matcher m = inOrder(r, "^\\[[ \\d.]+\\] test_lockup: START pid=(\\d+) time=5 \\+0 ns cooldown=0 \\+0 ns iterations=1 state=R $");
    String pid = m.group(1);
    inOrder(r, "test_lockup: START",
        "^\\[[ \\d.]+\\] watchdog: BUG: soft lockup - CPU#\\d+ stuck for 3s! \\[insmod:" + pid + "\\]$",
        "^\\[[ \\d.]+\\] Modules linked in: test_lockup\\(\\+\\)$",
        // the busy wait is the kernel's mdelay(), called from the module
        "^\\[[ \\d.]+\\] RIP: 0010:(mdelay|ndelay|__delay|delay_tsc|\\w+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[test_lockup\\])?$",
        "^\\[[ \\d.]+\\] Call Trace:$",
        "^\\[[ \\d.]+\\]  test_lockup_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[test_lockup\\]$",
        "^\\[[ \\d.]+\\]  do_one_initcall\\+",
        "^\\[[ \\d.]+\\] test_lockup: FINISH in 5\\d{9} ns$",
        "^insmod: ERROR: could not insert module test_lockup\\.ko: Resource temporarily unavailable$",
        "^status=1$", "^Module +Size +Used by$", "^alive$");
    none(r, "^test_lockup ");
    none(r, "Kernel panic");
    SoftLockupE2eTest.assertSoftTiming(r, 1, "^test_lockup: START");
  }

  @Test
  void spinlockLockup_preemptFull_holderAndContenderBothReported() {
    Result r = EmuRun.boot("insmod spinlock_lockup.ko contend=1 &\ntaskset -c 0 sleep 6\necho alive\n", "--cpus", "3",
        "--append", "watchdog_thresh=1 preempt=full", "--timeout", "20s", "--until", ALIVE);
    status(r, 0);
    inOrder(r, "Kernel command line: .*preempt=full", "^\\[[ \\d.]+\\] spinlock_lockup: CPU 1 holds the lock forever \\(irqs on, preemption off\\)$");
    r.first("^spinlock_lockup: contender on CPU 2 waiting for the lock$");
    r.first("^watchdog: BUG: soft lockup - CPU#1 stuck for \\d+s! \\[insmod:\\d+\\]$");
    r.first("^watchdog: BUG: soft lockup - CPU#2 stuck for \\d+s! \\[spin_contend/2:\\d+\\]$");
    r.first("^ spinlock_lockup_init\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[spinlock_lockup\\]$|^RIP: 0010:spinlock_lockup_init\\+");
    r.first("^ contender_fn\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[spinlock_lockup\\]$|^RIP: 0010:contender_fn\\+|_raw_spin_lock");
    inOrder(r, "BUG: soft lockup", "^alive$");
    none(r, "Kernel panic");
    // each CPU's report lies in the window from its own loop's start
    SoftLockupE2eTest.assertSoftTiming(r, 1, "^spinlock_lockup: CPU 1 holds the lock", "^watchdog: BUG: soft lockup - CPU#1 ");
    SoftLockupE2eTest.assertSoftTiming(r, 1, "^spinlock_lockup: contender on CPU 2 waiting", "^watchdog: BUG: soft lockup - CPU#2 ");
  }

  @Test
  void deadlockAbba_bothCpusInTheAllCpuBacktrace() {
    Result r = EmuRun.boot("insmod deadlock_abba.ko cpu_a=1 cpu_b=2\ntaskset -c 0 sleep 6\necho alive\n", "--cpus", "3",
        "--append", "watchdog_thresh=1 softlockup_all_cpu_backtrace=1", "--timeout", "20s", "--until", ALIVE);
    status(r, 0);
    r.first("^deadlock_abba: starting ABBA deadlock on CPUs 1 and 2$");
    r.first("^deadlock_abba: thread A on CPU 1 took lock_a$");
    r.first("^deadlock_abba: thread B on CPU 2 took lock_b$");
    Matcher bug = inOrder(r, "^\\[[ \\d.]+\\] watchdog: BUG: soft lockup - CPU#([12]) stuck for \\d+s! \\[abba_([ab])/([12]):\\d+\\]$");
    String reporter = bug.group(1);
    String other = reporter.equals("1") ? "2" : "1";
    assertThat(bug.group(3)).as("thread pinned to the reporting CPU").isEqualTo(reporter);
    inOrder(r, "watchdog: BUG: soft lockup - CPU#" + reporter,
        "^\\[[ \\d.]+\\] Modules linked in: deadlock_abba$",
        "^\\[[ \\d.]+\\]  abba_thread\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[deadlock_abba\\]$",
        "^\\[[ \\d.]+\\] Sending NMI from CPU " + reporter + " to CPUs [0-9,-]*" + other + "[0-9,-]*:$",
        "^\\[[ \\d.]+\\] NMI backtrace for cpu " + other + "$",
        "^\\[[ \\d.]+\\] CPU: " + other + " PID: \\d+ Comm: abba_[ab]/" + other + " ",
        "^\\[[ \\d.]+\\]  abba_thread\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[deadlock_abba\\]$",
        "^alive$");
    none(r, "Kernel panic");
    SoftLockupE2eTest.assertSoftTiming(r, 1, "^deadlock_abba: thread " + (reporter.equals("1") ? "A" : "B") + " on CPU " + reporter
        + " took", "^watchdog: BUG: soft lockup - CPU#" + reporter + " ");
  }

  @Test
  void deadlockAbbaIrqsOff_hardLockupOnBothCpus_allCpuBacktrace() {
    Result r = EmuRun.boot("insmod deadlock_abba.ko cpu_a=1 cpu_b=2 irqs_off=1\ntaskset -c 0 sleep 4\necho alive\n",
        "--cpus", "3", "--append", "watchdog_thresh=1 hardlockup_all_cpu_backtrace=1", "--timeout", "20s", "--until", ALIVE);
    status(r, 0);
    r.first("^deadlock_abba: starting ABBA deadlock on CPUs 1 and 2 with interrupts off$");
    r.first("^NMI watchdog: Watchdog detected hard LOCKUP on cpu 1$");
    r.first("^NMI watchdog: Watchdog detected hard LOCKUP on cpu 2$");
    inOrder(r, "^\\[[ \\d.]+\\] Sending NMI from CPU [12] to CPUs [0-9,-]+:$",
        "^\\[[ \\d.]+\\] NMI backtrace for cpu [12]$", "^\\[[ \\d.]+\\] CPU: [12] PID: \\d+ Comm: abba_[ab]/[12] ",
        "^\\[[ \\d.]+\\]  abba_thread\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[deadlock_abba\\]$", "^alive$");
    assertThat(r.all("^ abba_thread\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[deadlock_abba\\]$")).as("traces through abba_thread")
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(r.all("^Sending NMI from CPU")).as("hardlockup_all_cpu_backtrace: only the first time ever").hasSize(1);
    // each CPU's first overflow NMI reports: the loops start well within the first sample period
    double enabled = r.first("^NMI watchdog: Enabled\\.").seconds();
    double t0 = r.first("^deadlock_abba: starting").seconds();
    for (String cpu : new String[] {"1", "2"}) {
      double det = r.first("hard LOCKUP on cpu " + cpu + "$").seconds();
      ConsoleAssert.within("hard LOCKUP on cpu " + cpu, det, enabled + 1 - 0.001, t0 + 1 + 0.2);
    }
    none(r, "Kernel panic");
  }

  @Test
  void modinfo_everyBundledModule_descriptionAndParameters() {
    String[] mods = {"softLockup", "hardLockup", "spinlock_lockup", "test_lockup", "deadlock_abba", "oops"};
    StringBuilder in = new StringBuilder();
    for (String m : mods) {
      in.append("modinfo ").append(m).append(".ko\n");
    }
    in.append("echo done\n");
    Result r = EmuRun.boot(in.toString(), "--timeout", "10s", "--until", "\ndone\r?\n");
    status(r, 0);
    for (String m : mods) {
      String block = r.from("(?m)^~ # modinfo " + m + "\\.ko$");
      block = block.substring(block.indexOf('\n') + 1, block.indexOf("\n~ #"));
      assertThat(block).as("modinfo %s", m).contains("filename:       /root/" + m + ".ko\n")
          .containsPattern("(?m)^description:    \\S.*$").contains("license:        GPL\n")
          .contains("intree:         Y\n").contains("name:           " + m + "\n")
          .contains("vermagic:       ");
    }
    inOrder(r, "^~ # modinfo hardLockup\\.ko$", "^description:    Simulate Hard Lockup for NMI Watchdog Test$");
    inOrder(r, "^~ # modinfo test_lockup\\.ko$",
        "^parm:           time_secs:lockup time in seconds, default 0 \\(uint\\)$",
        "^parm:           time_nsecs:.+ \\(uint\\)$", "^parm:           cooldown_secs:.+ \\(uint\\)$",
        "^parm:           iterations:.+ \\(uint\\)$", "^parm:           all_cpus:.+ \\(bool\\)$",
        "^parm:           disable_irq:.+ \\(bool\\)$", "^parm:           disable_preempt:.+ \\(bool\\)$",
        "^parm:           lock_spinlock:.+ \\(bool\\)$", "^parm:           touch_softlockup:.+ \\(bool\\)$",
        "^parm:           touch_hardlockup:.+ \\(bool\\)$", "^parm:           measure_lock_wait:.+ \\(bool\\)$");
    inOrder(r, "^~ # modinfo spinlock_lockup\\.ko$", "^parm:           hold_secs:.+ \\(uint\\)$",
        "^parm:           contend:.+ \\(bool\\)$");
    inOrder(r, "^~ # modinfo deadlock_abba\\.ko$", "^parm:           cpu_a:.+ \\(int\\)$", "^parm:           cpu_b:.+ \\(int\\)$",
        "^parm:           irqs_off:.+ \\(bool\\)$");
    inOrder(r, "^~ # modinfo oops\\.ko$", "^parm:           type:.+ \\(charp\\)$");
  }

  @Test
  void badParameterValue_refused() {
    Result r = EmuRun.boot("insmod test_lockup.ko time_secs=abc\necho status=$?\nlsmod\necho alive\n", "--timeout", "5s",
        "--until", ALIVE);
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] test_lockup: `abc' invalid for parameter `time_secs'$",
        "^insmod: ERROR: could not insert module test_lockup\\.ko: Invalid parameters$", "^status=1$",
        "^Module +Size +Used by$", "^~ # echo alive$", "^alive$");
    none(r, "test_lockup: START");
  }

  @Test
  void malformedModules_refusedWithInvalidModuleFormat_kernelStillAnswers() throws IOException {
    byte[] garbage = new byte[3000];
    new java.util.Random(42).nextBytes(garbage);
    Files.write(dir.resolve("bad.ko"), garbage);
    byte[] real;
    try (var in = EmuRun.class.getResourceAsStream("/dev/emu/guest/modules/softLockup.ko")) {
      assertThat(in).as("bundled softLockup.ko on the classpath").isNotNull();
      real = in.readAllBytes();
    }
    Files.write(dir.resolve("truncated.ko"), Arrays.copyOf(real, real.length / 2));
    Result r = EmuRun.boot("insmod bad.ko\necho status=$?\ninsmod truncated.ko\nlsmod\ncat /proc/sys/kernel/watchdog_thresh\n"
        + "insmod oops.ko type=warn\nlsmod\necho alive\n", "--module-dir", dir.toString(), "--timeout", "10s", "--until", ALIVE);
    status(r, 0);
    inOrder(r, "^~ # insmod bad\\.ko$", "^insmod: ERROR: could not insert module bad\\.ko: Invalid module format$",
        "^status=1$",
        "^~ # insmod truncated\\.ko$", "^insmod: ERROR: could not insert module truncated\\.ko: Invalid module format$",
        "^~ # lsmod$", "^Module +Size +Used by$", "^~ # cat /proc/sys/kernel/watchdog_thresh$", "^10$",
        // the loader still works after refusing both
        "^~ # insmod oops\\.ko type=warn$", "^\\[[ \\d.]+\\] oops: type=warn$", "^~ # lsmod$", "^oops +\\d+ +0$",
        "^alive$");
  }

  @Test
  void sdkBuiltModule_loadedThroughModuleDir_taintsWithO_paramsRmmod() throws Exception {
    Sdk.build(dir, "e2e_hello");
    Result r = EmuRun.boot("ls\nmodinfo e2e_hello.ko\ninsmod e2e_hello.ko count=2 who='\"two words\"'\nlsmod\n"
        + "cat /proc/modules\ninsmod oops.ko\nrmmod e2e_hello\nlsmod\nrmmod e2e_hello\necho alive\n",
        "--module-dir", dir.toString(), "--timeout", "10s", "--until", ALIVE);
    status(r, 0);
    inOrder(r, "^~ # ls$", "e2e_hello\\.ko", "^~ # modinfo e2e_hello\\.ko$",
        "^filename:       /root/e2e_hello\\.ko$", "^description:    e2e test module: greets and says goodbye$",
        "^name:           e2e_hello$",
        "^parm:           count:how many greetings to print \\(default 1\\) \\(int\\)$",
        "^parm:           who:whom to greet \\(default world\\) \\(charp\\)$");
    none(r, "^intree:");
    inOrder(r, "^~ # insmod e2e_hello\\.ko count=2 who='\"two words\"'$",
        "^\\[[ \\d.]+\\] e2e_hello: loading out-of-tree module taints kernel\\.$",
        "^\\[[ \\d.]+\\] e2e_hello: hello two words #0$", "^\\[[ \\d.]+\\] e2e_hello: hello two words #1$",
        "^~ # lsmod$", "^e2e_hello +\\d+ +0$",
        "^e2e_hello \\d+ 0 - Live 0xffffffffc[0-9a-f]{7} \\(O\\)$",
        // an oops now shows the O taint and the module's flags on the modules line (most recent first)
        "^\\[[ \\d.]+\\] CPU: \\d+ PID: \\d+ Comm: insmod Tainted: G           O      \\S+ #1$",
        "^\\[[ \\d.]+\\] Modules linked in: oops\\(\\+\\) e2e_hello\\(O\\)$",
        "^~ # rmmod e2e_hello$", "^\\[[ \\d.]+\\] e2e_hello: goodbye two words$",
        "^~ # lsmod$", "^Module +Size +Used by$", "^oops +\\d+ +0$",
        "^~ # rmmod e2e_hello$", "^rmmod: ERROR: Module e2e_hello is not currently loaded$",
        "^alive$");
  }
}
