package dev.emu.devices.board;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.cpu.CpuModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 verification: builds the gcc test kernel in src/test/guest (make at test time) and boots
 * it on a 4-CPU PcMachine. The kernel parses ACPI and SMBIOS, starts the APs with INIT-SIPI-SIPI,
 * takes LAPIC timer, HPET and UART interrupts and a PMU overflow NMI, and leaves through port 0xF4
 * (0x10 = PASS, exit status 33).
 */
class PcMachineBootTest {
  private static final long GUEST_BUDGET_NANOS = 2_000_000_000L;
  @TempDir
  static Path out;
  private static byte[] kernel;

  @BeforeAll
  static void buildKernel() throws Exception {
    Path src = Path.of(System.getProperty("basedir", "."), "src", "test", "guest");
    Process make = new ProcessBuilder("make", "-s", "-C", src.toString(), "OUT=" + out.toAbsolutePath())
        .redirectErrorStream(true).start();
    String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(make.waitFor(120, TimeUnit.SECONDS)).as("make finished").isTrue();
    assertThat(make.exitValue()).as("make failed:\n" + log).isZero();
    kernel = Files.readAllBytes(out.resolve("testkernel.elf"));
  }

  private record Boot(RunResult result, String transcript, long guestNanos) {}

  private static Boot boot() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    MachineConfig config = new MachineConfig(4, 256L << 20, CpuModel.defaults(),
        MachineConfig.DEFAULT_QUANTUM_CYCLES, kernel, new byte[] {7, 7, 7}, "emu test=1", true, false);
    Machine m = Machines.create(config, console::write);
    RunResult r = m.run(GUEST_BUDGET_NANOS);
    return new Boot(r, console.toString(StandardCharsets.US_ASCII), m.guestNanos());
  }

  /** A 2-CPU machine whose test kernel performs {@code action=...} (see run_action in main.c). */
  private static final class Action {
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final PcMachine machine;

    Action(String action, boolean noReboot) throws Exception {
      MachineConfig config = new MachineConfig(2, 64L << 20, CpuModel.defaults(),
          MachineConfig.DEFAULT_QUANTUM_CYCLES, kernel, null, "action=" + action, noReboot, false);
      machine = (PcMachine) Machines.create(config, console::write);
    }

    String transcript() {
      return console.toString(StandardCharsets.US_ASCII).replace("\r", "");
    }
  }

  @Test
  void action_acpiPowerOff_endsWithPowerOff() throws Exception {
    Action a = new Action("poweroff", true);
    assertThat(a.machine.run(GUEST_BUDGET_NANOS).kind()).isEqualTo(RunResult.Kind.POWER_OFF);
    assertThat(a.transcript()).contains("action: ACPI power-off, SLP_TYP 5 via port 0x604\n")
        .doesNotContain("still running");
    assertThat(a.machine.run(GUEST_BUDGET_NANOS).kind()).isEqualTo(RunResult.Kind.POWER_OFF);
  }

  @Test
  void action_resets_withNoReboot_endWithReset() throws Exception {
    for (String[] c : new String[][] {{"cf9reset", "0xCF9"}, {"kbdreset", "keyboard controller"},
        {"triplefault", "triple fault"}}) {
      Action a = new Action(c[0], true);
      RunResult r = a.machine.run(GUEST_BUDGET_NANOS);
      assertThat(r.kind()).as(c[0] + ": " + a.transcript()).isEqualTo(RunResult.Kind.RESET);
      assertThat(r.message()).contains(c[1]);
      assertThat(a.transcript()).doesNotContain("still running");
    }
  }

  @Test
  void action_reset_withReboot_reloadsTheKernelAndRunsOn() throws Exception {
    Action a = new Action("cf9reset", false);
    RunResult r = a.machine.run(1_000_000L);
    assertThat(r.kind()).isEqualTo(RunResult.Kind.TIME_REACHED);
    assertThat(a.machine.reboots()).isGreaterThanOrEqualTo(2);
    long banners = a.transcript().lines().filter(l -> l.equals("emu board test kernel")).count();
    long resets = a.transcript().lines().filter(l -> l.equals("action: reset through 0xcf9")).count();
    assertThat(resets).isEqualTo(a.machine.reboots());       // every reset rebooted
    assertThat(banners).isBetween(resets, resets + 1);        // the last boot may still be starting
  }

  @Test
  void action_pvpanic_returnsPanicThenRunsOn() throws Exception {
    Action a = new Action("panic", true);
    RunResult first = a.machine.run(GUEST_BUDGET_NANOS);
    assertThat(first.kind()).isEqualTo(RunResult.Kind.PANIC);
    assertThat(a.transcript()).contains("action: pvpanic features 0x3\n");
    RunResult second = a.machine.run(GUEST_BUDGET_NANOS);
    assertThat(second.kind()).as(a.transcript()).isEqualTo(RunResult.Kind.DEBUG_EXIT);
    assertThat(second.exitCode()).isEqualTo(33);
    assertThat(a.transcript()).contains("action: panic reported, running on\n", "PASS\n");
  }

  @Test
  void action_cliHlt_isDead_stiHlt_isIdle() throws Exception {
    Action dead = new Action("dead", true);
    assertThat(dead.machine.run(Long.MAX_VALUE).kind()).isEqualTo(RunResult.Kind.DEAD);
    Action idle = new Action("idle", true);
    assertThat(idle.machine.run(Long.MAX_VALUE).kind()).isEqualTo(RunResult.Kind.IDLE);
    assertThat(idle.machine.infoCpus()).contains("CPU #0: rip=", "<kmain+", "(halted)",
        "CPU #1: rip=", "(wait-for-SIPI)");
    long before = idle.machine.guestNanos();
    assertThat(idle.machine.run(5_000_000L).kind()).isEqualTo(RunResult.Kind.TIME_REACHED);
    assertThat(idle.machine.guestNanos()).isGreaterThanOrEqualTo(before + 5_000_000L);
  }

  @Test
  void action_echo_hostInputReachesTheGuestThroughTheUart() throws Exception {
    Action a = new Action("echo", true);
    a.machine.sendInput("hello emu\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(a.machine.pendingInput()).isEqualTo(10);
    RunResult r = a.machine.run(GUEST_BUDGET_NANOS);
    assertThat(r.kind()).as(a.transcript()).isEqualTo(RunResult.Kind.DEBUG_EXIT);
    assertThat(a.transcript()).contains("action: echo \"hello emu\"\n", "PASS\n");
    assertThat(a.machine.pendingInput()).isZero();
  }

  @Test
  void testKernel_bootsAndPassesEveryCheck() throws Exception {
    Boot b = boot();
    assertThat(b.result().kind()).as(b.transcript()).isEqualTo(RunResult.Kind.DEBUG_EXIT);
    assertThat(b.result().exitCode()).as(b.transcript()).isEqualTo(33);
    List<String> lines = b.transcript().replace("\r", "").lines().filter(l -> !l.isEmpty()).toList();
    List<String> expected = new ArrayList<>(List.of(
        "emu board test kernel",
        "pvh: start_info magic 0x336ec578 version 1, cmdline \"emu test=1\", 1 module(s)"));
    expected.addAll(FirmwareHostParseTest.FIRMWARE_LINES);
    expected.addAll(List.of(
        "hpet: base 0xfed00000 period 10000000 fs, 3 timers, 64-bit counter, rev 1, vendor 0x8086",
        "lapic timer: one-shot ok",
        "lapic timer: periodic ok",
        "hpet: timer0 route cap 0xff0104, periodic yes, using gsi 16",
        "hpet: one-shot ok",
        "hpet: periodic ok",
        "uart: THRE interrupt on gsi 4 ok (iir 0xc2)",
        "pmu: version 2, 4 counters of 48 bits",
        "pmu: overflow NMI ok (global status 0x1, lvtpc masked 1)",
        "cpu: apic id 1 online",
        "cpu: apic id 2 online",
        "cpu: apic id 3 online",
        "smp: 4 of 4 cpus online",
        "PASS"));
    assertThat(lines).containsSubsequence(expected);
    assertThat(lines).noneMatch(l -> l.contains("FAIL") || l.contains("check failed"));
  }

  @Test
  void testKernel_sameInputsGiveSameBytesAndSameGuestTime() throws Exception {
    Boot first = boot();
    Boot second = boot();
    assertThat(second.transcript()).isEqualTo(first.transcript());
    assertThat(second.guestNanos()).isEqualTo(first.guestNanos());
  }
}
