package dev.emu.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BootParamsTest {
  @Test
  void defaults() {
    assertThat(BootParams.of(new Settings())).isEqualTo("preempt=voluntary watchdog_thresh=10 softlockup_panic=0"
        + " nmi_watchdog=nopanic softlockup_all_cpu_backtrace=0 hardlockup_all_cpu_backtrace=0 hardlockup_detector=perf");
  }

  @Test
  void panicsAndBacktraces() {
    Settings s = new Settings();
    s.softlockupPanic = true;
    s.hardlockupPanic = true;
    s.softlockupAllCpuBacktrace = true;
    s.hardlockupAllCpuBacktrace = true;
    s.thresh = 4;
    assertThat(BootParams.of(s)).isEqualTo("preempt=voluntary watchdog_thresh=4 softlockup_panic=1"
        + " nmi_watchdog=panic softlockup_all_cpu_backtrace=1 hardlockup_all_cpu_backtrace=1 hardlockup_detector=perf");
  }

  @Test
  void detectorsOff_buddy_andUserTextLast() {
    Settings s = new Settings();
    s.watchdogEnabled = false;
    s.softlockup = false;
    s.nmiWatchdog = false;
    s.detector = "buddy";
    s.preempt = "none";
    s.cmdline = " quiet ";
    s.append = "watchdog_thresh=3";
    assertThat(BootParams.of(s)).isEqualTo("preempt=none nowatchdog nosoftlockup watchdog_thresh=10 softlockup_panic=0"
        + " nmi_watchdog=nopanic nmi_watchdog=0 softlockup_all_cpu_backtrace=0 hardlockup_all_cpu_backtrace=0"
        + " hardlockup_detector=buddy"
        + " quiet watchdog_thresh=3");
  }

  @Test
  void hardlockupPanicIsKept_whenTheDetectorIsOff() {
    Settings s = new Settings();
    s.nmiWatchdog = false;
    s.hardlockupPanic = true;
    assertThat(BootParams.of(s)).contains("nmi_watchdog=panic nmi_watchdog=0");
  }
}
