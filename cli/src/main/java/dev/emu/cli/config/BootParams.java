package dev.emu.cli.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The ONE place that turns configuration into guest kernel boot parameters (docs/config.md lists the
 * same mapping). Every watchdog parameter is written explicitly, so the console shows exactly what the
 * guest was told; the config's cmdline and --append follow, so a user's parameter overrides ours
 * (the guest's parser keeps the last occurrence, as Linux's __setup handlers do).
 */
public final class BootParams {
  private BootParams() {}

  /**
   * Selects the hard lockup detector: perf or buddy (Linux 6.x chooses at build time; this guest's
   * watchdog at boot: watchdog/watchdog.c, __setup("hardlockup_detector=")).
   */
  public static final String DETECTOR = "hardlockup_detector=";

  public static String of(Settings s) {
    List<String> p = new ArrayList<>();
    p.add("preempt=" + s.preempt);
    if (!s.watchdogEnabled) {
      p.add("nowatchdog");
    }
    if (!s.softlockup) {
      p.add("nosoftlockup");
    }
    p.add("watchdog_thresh=" + s.thresh);
    p.add("softlockup_panic=" + bit(s.softlockupPanic));
    // panic|nopanic set hardlockup_panic; a second nmi_watchdog=0 then disables the detector (each
    // occurrence is handled in turn, as Linux's __setup), so the sysctl keeps the configured panic.
    p.add("nmi_watchdog=" + (s.hardlockupPanic ? "panic" : "nopanic"));
    if (!s.nmiWatchdog) {
      p.add("nmi_watchdog=0");
    }
    p.add("softlockup_all_cpu_backtrace=" + bit(s.softlockupAllCpuBacktrace));
    p.add("hardlockup_all_cpu_backtrace=" + bit(s.hardlockupAllCpuBacktrace));
    p.add(DETECTOR + s.detector);
    if (!s.cmdline.isBlank()) {
      p.add(s.cmdline.trim());
    }
    if (!s.append.isBlank()) {
      p.add(s.append.trim());
    }
    return String.join(" ", p);
  }

  private static String bit(boolean b) {
    return b ? "1" : "0";
  }
}
