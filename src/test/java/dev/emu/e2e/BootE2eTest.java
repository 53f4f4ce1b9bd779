package dev.emu.e2e;

import static dev.emu.e2e.ConsoleAssert.inOrder;
import static dev.emu.e2e.ConsoleAssert.none;
import static dev.emu.e2e.ConsoleAssert.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.e2e.EmuRun.Result;
import org.junit.jupiter.api.Test;

/** Booting the real kernel on the real machine (issue 5): banner, boot log, prompt, /proc, panic=N. */
class BootE2eTest {

  @Test
  void bannerBootLogAndPrompt_procFiles() {
    Result r = EmuRun.boot("cat /proc/sys/kernel/watchdog_thresh\nuname -a\ncat /proc/version\ncat /proc/cmdline\nls\n"
        + "echo done\n", "--config", "lockup.toml", "--timeout", "10s", "--until", "\ndone\r?\n");
    status(r, 0);
    assertThat(r.stderr()).isEmpty();
    String banner = r.first("^emu-kernel version ").text();
    assertThat(banner).matches("emu-kernel version \\S+ \\(gcc version [^)]+\\) #1 SMP");
    assertThat(r.printk().get(0).text()).as("the first console line is the banner").isEqualTo(banner);
    assertThat(r.printk().get(0).micros()).isZero();
    inOrder(r,
        "^\\[    0\\.000000\\] Command line: preempt=voluntary watchdog_thresh=10 softlockup_panic=1 nmi_watchdog=panic ",
        "^\\[[ \\d.]+\\] ACPI: RSDP ",
        "^\\[[ \\d.]+\\] ACPI: HPET ",
        "^\\[[ \\d.]+\\] x2apic: enabled",
        "^\\[[ \\d.]+\\] Performance Events: generic architected perfmon, Intel PMU driver\\.$",
        "^\\[[ \\d.]+\\] \\.\\.\\. version:                2$",
        "^\\[[ \\d.]+\\] tsc: Detected 2000\\.000 MHz processor$",
        "^\\[[ \\d.]+\\] smp: Brought up 1 node, 2 CPUs$",
        "^\\[[ \\d.]+\\] serial8250: ttyS0 at I/O 0x3f8 \\(irq = 4, base_baud = 115200\\) is a 16550A$",
        "^\\[[ \\d.]+\\] NMI watchdog: Enabled\\. Permanently consumes one hw-PMU counter\\.$",
        "^emu shell: 'help' lists the commands; the modules are in /root$",
        "^~ # cat /proc/sys/kernel/watchdog_thresh$", "^10$",
        "^~ # uname -a$", "^emu-kernel \\S+ \\S+ #1 SMP x86_64$",
        "^~ # cat /proc/version$", "^" + java.util.regex.Pattern.quote(banner) + "$",
        "^~ # cat /proc/cmdline$", "^preempt=voluntary watchdog_thresh=10 softlockup_panic=1 nmi_watchdog=panic .*hardlockup_detector=perf$",
        "^~ # ls$");
    for (String m : new String[] {"softLockup.ko", "hardLockup.ko", "spinlock_lockup.ko", "test_lockup.ko",
        "deadlock_abba.ko", "oops.ko"}) {
      assertThat(r.from("(?m)^~ # ls$")).as("ls lists %s", m).contains(m);
    }
    // printk timestamps never go backwards on one CPU's boot path
    long prev = -1;
    for (EmuRun.Line l : r.printk()) {
      if (l.text().startsWith("emu shell")) {
        break;
      }
      assertThat(l.micros()).as("timestamp of '%s'", l.text()).isGreaterThanOrEqualTo(prev);
      prev = l.micros();
    }
  }

  @Test
  void lineEditor_backspaceCtrlUCtrlC_unknownCommand() {
    Result r = EmuRun.boot("echo abcx\u007fd\nfoo bar\u0015echo ok\npartial\u0003echo after\nnosuchcmd\necho st=$?\necho done\n",
        "--timeout", "10s", "--until", "\ndone\r?\n");
    status(r, 0);
    inOrder(r, "^~ # echo abcx\b \bd$", "^abcd$",
        "^~ # foo bar(\b \b){7}echo ok$", "^ok$",
        "^~ # partial\\^C$", "^~ # echo after$", "^after$",
        "^~ # nosuchcmd$", "^sh: nosuchcmd: not found$", "^st=127$");
    none(r, "sh: partial");
  }

  @Test
  void fourCpus_allBroughtUp() {
    Result r = EmuRun.boot("nproc\necho done\n", "--cpus", "4", "--timeout", "10s", "--until", "\ndone\r?\n");
    status(r, 0);
    inOrder(r, "^\\[[ \\d.]+\\] smp: Brought up 1 node, 4 CPUs$", "^~ # nproc$", "^4$");
  }

  @Test
  void panic1_rebootsAfterOneSecond_bannerAgain() {
    // issue 5: "with panic=N reboots after N seconds (Rebooting in N seconds..)"; verification: "panic=1 rebooting"
    Result r = EmuRun.boot("insmod softLockup.ko &\n", "--config", "lockup.toml", "--append", "watchdog_thresh=1 panic=1",
        "--timeout", "15s", "--until", "Rebooting in 1 seconds\\.\\.[\\s\\S]*emu shell: ");
    inOrder(r, "^\\[[ \\d.]+\\] Kernel panic - not syncing: softlockup: hung tasks$",
        "^\\[[ \\d.]+\\] Rebooting in 1 seconds\\.\\.$", "^\\[    0\\.000000\\] emu-kernel version ", "^emu shell: ");
    double panic = r.first("Rebooting in 1 seconds").seconds();
    assertThat(panic).isGreaterThan(1.0);
    status(r, 0);
  }

  @Test
  void panic1_noReboot_runEndsAtThePanic() {
    Result r = EmuRun.boot("insmod softLockup.ko &\n", "--config", "lockup.toml", "--append", "watchdog_thresh=1 panic=1",
        "--no-reboot", "--timeout", "15s");
    // the kernel signals pvpanic before "Rebooting in": a scripted run ends with 3 (docs/cli.md)
    status(r, 3);
    assertThat(r.stderr()).contains("emu: guest panicked");
    inOrder(r, "^\\[[ \\d.]+\\] Kernel panic - not syncing: softlockup: hung tasks$",
        "^\\[[ \\d.]+\\] Kernel Offset: disabled$", "^\\[[ \\d.]+\\] Rebooting in 1 seconds\\.\\.$");
    assertThat(r.all("emu-kernel version")).as("booted once").hasSize(1);
    ConsoleAssert.none(r, "end Kernel panic");
  }
}
