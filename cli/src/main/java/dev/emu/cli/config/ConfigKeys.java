package dev.emu.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ObjIntConsumer;
import org.tomlj.TomlArray;

/**
 * The table of every configuration key: section, name, default, range, one-line documentation and
 * how a TOML value is checked and stored into {@link Settings}. The loader, the options of
 * {@code emu boot} (same checks, same messages) and {@code emu config} (the annotated default file)
 * all read this one table; docs/config.md mirrors it.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** A rejected value; the message is the part after "section.key: ". */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message);
    }
  }

  /** Checks one TOML value and stores it. {@code baseDir} resolves relative paths (the config's directory). */
  @FunctionalInterface
  public interface Applier {
    void apply(Settings s, Object value, Path baseDir) throws Invalid;
  }

  /** One key; {@code tomlDefault} is a TOML literal, or a comment-only text when the key has no literal default. */
  public record Key(String section, String name, String tomlDefault, boolean defaultIsLiteral,
      String range, String doc, Applier applier) {
    public String path() {
      return section + "." + name;
    }
  }

  public static final List<String> SECTIONS = List.of("machine", "kernel", "watchdog", "modules", "console", "run");
  public static final List<String> PREEMPT = List.of("none", "voluntary", "full");
  public static final List<String> DETECTORS = List.of("perf", "buddy");
  public static final long MIN_MEMORY = 16 * Settings.MIB;
  public static final long MAX_MEMORY = 2048 * Settings.MIB;

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    // [machine]
    intKey("machine", "cpus", 2, 1, 64, "number of vCPUs (the buddy detector needs at least 2)",
        (s, v) -> s.cpus = v);
    add("machine", "memory", "\"256M\"", true, "16M..2G, a multiple of 1M",
        "guest RAM; suffix K, M or G (binary)", (s, v, b) -> s.memoryBytes = memory(v));
    add("machine", "cpu_mhz", "2000", true, "100..10000",
        "core clock and TSC rate in MHz; guest time = cycles / clock", (s, v, b) -> s.cpuMhz = integer(v, 100, 10_000));
    add("machine", "quantum", "20000", true, "100..100000000",
        "cycles each vCPU runs before the round-robin moves on", (s, v, b) -> s.quantumCycles = integer(v, 100, 100_000_000));
    // [kernel]
    add("kernel", "image", "(bundled kernel.elf)", false, "a file",
        "PVH ELF kernel; relative to this file", (s, v, b) -> s.kernel = path(v, b));
    add("kernel", "initrd", "(bundled initramfs.cpio)", false, "a file, or \"\" for none",
        "initramfs (cpio newc); relative to this file", (s, v, b) -> {
          String t = string(v);
          s.noInitrd = t.isEmpty();
          s.initrd = t.isEmpty() ? null : path(v, b);
        });
    add("kernel", "cmdline", "\"\"", true, "text",
        "extra kernel command line, after the generated parameters", (s, v, b) -> s.cmdline = string(v));
    add("kernel", "preempt", "\"voluntary\"", true, "none, voluntary, full",
        "preemption model: preempt=", (s, v, b) -> s.preempt = choice(v, PREEMPT));
    // [watchdog]
    boolKey("watchdog", "enabled", true, "false: nowatchdog (both detectors off)", (s, v) -> s.watchdogEnabled = v);
    boolKey("watchdog", "softlockup", true, "false: nosoftlockup", (s, v) -> s.softlockup = v);
    boolKey("watchdog", "nmi_watchdog", true, "hard lockup detector: nmi_watchdog=0 when false", (s, v) -> s.nmiWatchdog = v);
    intKey("watchdog", "thresh", 10, 0, 60, "watchdog_thresh= in seconds (soft lockup after 2*thresh, hard after thresh)",
        (s, v) -> s.thresh = v);
    boolKey("watchdog", "softlockup_panic", false, "softlockup_panic=", (s, v) -> s.softlockupPanic = v);
    boolKey("watchdog", "hardlockup_panic", false, "nmi_watchdog=panic|nopanic", (s, v) -> s.hardlockupPanic = v);
    boolKey("watchdog", "softlockup_all_cpu_backtrace", false, "softlockup_all_cpu_backtrace=",
        (s, v) -> s.softlockupAllCpuBacktrace = v);
    boolKey("watchdog", "hardlockup_all_cpu_backtrace", false, "hardlockup_all_cpu_backtrace=",
        (s, v) -> s.hardlockupAllCpuBacktrace = v);
    add("watchdog", "detector", "\"perf\"", true, "perf, buddy",
        "hard lockup detector: perf NMI or buddy neighbour check (" + BootParams.DETECTOR + ")", (s, v, b) -> s.detector = choice(v, DETECTORS));
    boolKey("watchdog", "pmu", true, "false hides the PMU (CPUID leaf 0xA), as QEMU TCG", (s, v) -> s.pmu = v);
    // [modules]
    add("modules", "dirs", "[]", true, "directories",
        "every DIR/*.ko is added to the initramfs in /root; relative to this file", (s, v, b) -> {
          s.moduleDirs.clear();
          s.moduleDirs.addAll(paths(v, b));
        });
    // [console]
    add("console", "escape", "\"C-a\"", true, "C-a..C-z",
        "escape key of the interactive console (C-a x quits, C-a c monitor)", (s, v, b) -> {
          String t = string(v);
          s.escapeChar = escape(t);
          s.escapeName = t;
        });
    // [run]
    boolKey("run", "fast_forward", true, "skip provably idle spin loops (exact); --no-fast-forward", (s, v) -> s.fastForward = v);
    add("run", "timeout", "(none)", false, "a duration: 500ms, 30s, 2m, 1h",
        "stop after this much guest time, exit 124; --timeout", (s, v, b) -> s.timeoutNanos = duration(v));
    add("run", "until", "(none)", false, "a Java regular expression",
        "stop with exit 0 when the console output matches; --until", (s, v, b) -> s.until = regex(v));
    boolKey("run", "no_reboot", false, "a guest reset ends the run (exit 0) instead of rebooting; --no-reboot",
        (s, v) -> s.noReboot = v);
  }

  public static List<Key> all() {
    return new ArrayList<>(KEYS.values());
  }

  /** The key "section.name", or null. */
  public static Key find(String section, String name) {
    return KEYS.get(section + "." + name);
  }

  /** Names of the keys of one section, for "unknown key" messages. */
  public static List<String> namesIn(String section) {
    List<String> names = new ArrayList<>();
    for (Key k : KEYS.values()) {
      if (k.section().equals(section)) {
        names.add(k.name());
      }
    }
    return names;
  }

  /** Applies a value to a key by path (used by the command line options); throws with "path: msg". */
  public static void apply(Settings s, String path, Object value, Path baseDir) throws Invalid {
    Key k = KEYS.get(path);
    if (k == null) {
      throw new IllegalArgumentException(path);
    }
    k.applier().apply(s, value, baseDir);
  }

  // ---- definitions ----

  private static void add(String section, String name, String def, boolean literal, String range, String doc, Applier a) {
    KEYS.put(section + "." + name, new Key(section, name, def, literal, range, doc, a));
  }

  private static void intKey(String section, String name, int def, int min, int max, String doc, ObjIntConsumer<Settings> set) {
    add(section, name, Integer.toString(def), true, min + ".." + max, doc,
        (s, v, b) -> set.accept(s, (int) integer(v, min, max)));
  }

  private static void boolKey(String section, String name, boolean def, String doc, BiConsumer<Settings, Boolean> set) {
    add(section, name, Boolean.toString(def), true, "true, false", doc, (s, v, b) -> set.accept(s, bool(v)));
  }

  // ---- checks (messages follow "must be ... (got ...)") ----

  static long integer(Object v, long min, long max) throws Invalid {
    if (!(v instanceof Long n)) {
      throw new Invalid("must be an integer " + min + ".." + max + " (got " + describe(v) + ")");
    }
    if (n < min || n > max) {
      throw new Invalid("must be " + min + ".." + max + " (got " + n + ")");
    }
    return n;
  }

  static boolean bool(Object v) throws Invalid {
    if (!(v instanceof Boolean b)) {
      throw new Invalid("must be true or false (got " + describe(v) + ")");
    }
    return b;
  }

  static String string(Object v) throws Invalid {
    if (!(v instanceof String t)) {
      throw new Invalid("must be a string (got " + describe(v) + ")");
    }
    return t;
  }

  static String choice(Object v, List<String> allowed) throws Invalid {
    String t = string(v);
    if (!allowed.contains(t)) {
      throw new Invalid("must be one of " + String.join(", ", allowed) + " (got \"" + t + "\")");
    }
    return t;
  }

  static long memory(Object v) throws Invalid {
    long bytes = v instanceof Long n ? n : Units.parseSize(string(v));
    if (bytes < 0) {
      throw new Invalid("must be a size such as 256M or 1G (got " + describe(v) + ")");
    }
    if (bytes < MIN_MEMORY || bytes > MAX_MEMORY || bytes % Settings.MIB != 0) {
      throw new Invalid("must be 16M..2G, a multiple of 1M (got " + describe(v) + ")");
    }
    return bytes;
  }

  static long duration(Object v) throws Invalid {
    long nanos = Units.parseDuration(string(v));
    if (nanos <= 0) {
      throw new Invalid("must be a positive duration such as 500ms, 30s, 2m (got " + describe(v) + ")");
    }
    return nanos;
  }

  static String regex(Object v) throws Invalid {
    String t = string(v);
    try {
      java.util.regex.Pattern.compile(t);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new Invalid("must be a Java regular expression (" + e.getDescription() + " near index " + e.getIndex() + ")");
    }
    return t;
  }

  static Path path(Object v, Path base) throws Invalid {
    String t = string(v);
    if (t.isEmpty()) {
      throw new Invalid("must be a file name (got \"\")");
    }
    Path p = base.resolve(t).normalize();
    if (!java.nio.file.Files.isRegularFile(p)) {
      throw new Invalid("no such file: " + t);
    }
    return p;
  }

  static List<Path> paths(Object v, Path base) throws Invalid {
    if (!(v instanceof TomlArray a)) {
      throw new Invalid("must be an array of directory names (got " + describe(v) + ")");
    }
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.get(i) instanceof String t) || t.isEmpty()) {
        throw new Invalid("must be an array of directory names (element " + i + " is " + describe(a.get(i)) + ")");
      }
      Path p = base.resolve(t).normalize();
      if (!java.nio.file.Files.isDirectory(p)) {
        throw new Invalid("not a directory: " + t);
      }
      out.add(p);
    }
    return out;
  }

  /** "C-a" .. "C-z" (also "^A") as the control character 1..26. */
  static int escape(String t) throws Invalid {
    String lower = t.toLowerCase(java.util.Locale.ROOT);
    char c = 0;
    if (lower.length() == 3 && lower.startsWith("c-")) {
      c = lower.charAt(2);
    } else if (lower.length() == 2 && lower.charAt(0) == '^') {
      c = lower.charAt(1);
    }
    if (c < 'a' || c > 'z') {
      throw new Invalid("must be C-a..C-z (got \"" + t + "\")");
    }
    return c - 'a' + 1;
  }

  static String describe(Object v) {
    if (v instanceof String t) {
      return "string \"" + t + "\"";
    } else if (v instanceof Long n) {
      return "integer " + n;
    } else if (v instanceof Double d) {
      return "float " + d;
    } else if (v instanceof Boolean b) {
      return "boolean " + b;
    } else if (v instanceof TomlArray) {
      return "an array";
    } else if (v instanceof org.tomlj.TomlTable) {
      return "a table";
    }
    return v == null ? "nothing" : "a " + v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
