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

  /** Selects the buddy hard lockup detector (Linux 6.x selects it at build time; this guest at boot). */
  public static final String BUDDY = "watchdog_hardlockup=buddy";

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
    // nmi_watchdog=0 disables the hard lockup detector; panic|nopanic set hardlockup_panic and keep it on.
    p.add("nmi_watchdog=" + (!s.nmiWatchdog ? "0" : s.hardlockupPanic ? "panic" : "nopanic"));
    p.add("softlockup_all_cpu_backtrace=" + bit(s.softlockupAllCpuBacktrace));
    p.add("hardlockup_all_cpu_backtrace=" + bit(s.hardlockupAllCpuBacktrace));
    if ("buddy".equals(s.detector)) {
      p.add(BUDDY);
    }
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
