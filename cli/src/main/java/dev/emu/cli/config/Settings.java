package dev.emu.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a boot needs, after defaults, the config file and the command line options have been
 * applied in that order. A plain mutable holder filled by {@link ConfigLoader} and then by the boot
 * command's options; the key table in {@link ConfigKeys} documents each field's default and range.
 */
public final class Settings {
  public static final long MIB = 1024L * 1024;

  // [machine]
  public int cpus = 2;
  public long memoryBytes = 256 * MIB;
  public long cpuMhz = 2000;
  public long quantumCycles = 20_000;

  // [kernel]
  /** null: the bundled kernel.elf. */
  public Path kernel;
  /** null: the bundled initramfs.cpio (if any); see {@link #noInitrd}. */
  public Path initrd;
  /** kernel.initrd = "" : boot without any initramfs (module dirs still make one). */
  public boolean noInitrd;
  public String cmdline = "";
  public String preempt = "voluntary";

  // [watchdog]
  public boolean watchdogEnabled = true;
  public boolean softlockup = true;
  public boolean nmiWatchdog = true;
  public int thresh = 10;
  public boolean softlockupPanic;
  public boolean hardlockupPanic;
  public boolean softlockupAllCpuBacktrace;
  public boolean hardlockupAllCpuBacktrace;
  public String detector = "perf";
  public boolean pmu = true;

  // [modules]
  public final List<Path> moduleDirs = new ArrayList<>();

  // [console]
  /** The escape key as a control character (Ctrl-A = 1). */
  public int escapeChar = 1;
  public String escapeName = "C-a";

  // [run]
  public boolean fastForward = true;
  /** Guest nanoseconds; 0 = no timeout. */
  public long timeoutNanos;
  /** null: none. */
  public String until;
  public boolean noReboot;

  // command line only
  /** --append: added after the config's cmdline. */
  public String append = "";
}
