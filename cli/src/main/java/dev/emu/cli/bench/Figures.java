package dev.emu.cli.bench;

import dev.emu.cli.Env;
import dev.emu.cli.ExitStatus;
import dev.emu.core.bench.CpuBench;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The figures of {@code emu bench} (issue 9, docs/performance.md), as picocli method subcommands. Every figure is
 * measured here and printed; nothing is asserted against the wall clock. Host load (/proc/loadavg)
 * is printed next to each figure because the dev machine is shared.
 */
@Command(name = "emu bench", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "FIGURE",
    description = {"Measure emu's performance figures (docs/performance.md):",
        "  mips      guest MIPS on the gcc-built workload (--profile: hot spots)",
        "  lockup    wall time to the soft lockup panic / hard LOCKUP report",
        "  boot      wall time to the shell prompt, and emulator-only time",
        "  scale     boot + idle guest time with 1..64 vCPUs: wall, peak RSS",
        "  hotspots  summarise a JFR recording's execution samples"})
final class Figures implements Runnable {
  /** Classpath resource of the workload, built by scripts/bench.mk from emulator-core/src/test/guest. */
  public static final String MIPS_IMAGE = "dev/emu/guest/bench/bench.bin";
  static final String PROMPT = "~ # ";
  static final String SOFT_SCRIPT = "insmod softLockup.ko &\n";
  static final String SOFT_REPORT = "Kernel panic - not syncing: softlockup";
  static final String HARD_SCRIPT = "insmod hardLockup.ko\n";
  static final String HARD_REPORT = "Watchdog detected hard LOCKUP";
  private static final Pattern STAMP = Pattern.compile("\\[\\s*(\\d+\\.\\d+)\\]");
  private static final long WALL_CAP = 30L * 60 * 1_000_000_000L;

  private final Env env;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  Figures(Env env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(env.out());
  }

  // ------------------------------------------------------------------------------------------- mips

  @Command(name = "mips", mixinStandardHelpOptions = true,
      description = "Guest MIPS of the interpreter (dev.emu.core.bench.CpuBench) on the gcc-built workload "
          + "emulator-core/src/test/guest/bench.c: two warm-up runs, then RUNS timed runs on a fresh Cpu each.")
  int mips(
      @Option(names = "--iterations", defaultValue = "300", description = "workload iterations per run (~480k instructions each; default ${DEFAULT-VALUE})") long iterations,
      @Option(names = "--runs", defaultValue = "5", description = "timed runs (default ${DEFAULT-VALUE})") int runs,
      @Option(names = "--image", paramLabel = "FILE", description = "a flat image loaded at 0x200000 instead of the bundled one") Path image,
      @Option(names = "--profile", description = "sample the runs with JFR (jdk.ExecutionSample) and print the hot methods") boolean profile,
      @Option(names = "--jfr", paramLabel = "FILE", description = "with --profile: keep the recording in FILE") Path jfr,
      @Option(names = "--top", defaultValue = "20", description = "with --profile: methods listed (default ${DEFAULT-VALUE})") int top)
      throws Exception {
    if (iterations < 1 || runs < 1) {
      env.err().println("emu: --iterations and --runs must be at least 1");
      return ExitStatus.USAGE;
    }
    byte[] bytes;
    try {
      bytes = image != null ? Files.readAllBytes(env.cwd().resolve(image)) : resource(MIPS_IMAGE);
    } catch (IOException e) {
      env.err().println("emu: --image " + image + ": cannot read (" + e.getClass().getSimpleName() + ")");
      return ExitStatus.USAGE;
    }
    if (bytes == null) {
      env.err().println("emu: the workload " + MIPS_IMAGE + " is not on the classpath (build emu: mvn -q install; "
          + "it is made by scripts/bench.mk)");
      return ExitStatus.INTERNAL;
    }
    PrintStream out = env.out();
    out.println("load " + load());
    boolean ok = profile
        ? Profile.sample(Duration.ofMillis(10), top, jfr == null ? null : env.cwd().resolve(jfr), out,
            () -> CpuBench.bench(bytes, CpuBench.DEFAULT_LOAD, iterations, runs, out))
        : CpuBench.bench(bytes, CpuBench.DEFAULT_LOAD, iterations, runs, out);
    out.println("load " + load());
    return ok ? ExitStatus.OK : ExitStatus.INTERNAL;
  }

  // ----------------------------------------------------------------------------------------- lockup

  @Command(name = "lockup", mixinStandardHelpOptions = true,
      description = {"Boot with the config, type 'insmod softLockup.ko &' (then, in a new run, 'insmod hardLockup.ko')",
          "and stop at the soft-lockup panic / the hard LOCKUP report: wall time from process start (a new JVM,",
          "as ./emu does) and in this JVM, and the guest timestamp of the report."})
  int lockup(
      @Option(names = "--config", defaultValue = "lockup.toml", paramLabel = "FILE", description = "default ${DEFAULT-VALUE}") Path config,
      @Option(names = "--runs", defaultValue = "3", description = "runs of each kind (default ${DEFAULT-VALUE})") int runs,
      @Option(names = "--timeout", defaultValue = "60s", description = "guest-time cap of each run (default ${DEFAULT-VALUE})") String timeout,
      @Option(names = "--no-ff", description = "also one run of each with --no-fast-forward, capped at --no-ff-timeout of guest time") boolean noFf,
      @Option(names = "--no-ff-timeout", defaultValue = "5s", description = "guest-time cap of the --no-fast-forward runs (default ${DEFAULT-VALUE}); the full time is then extrapolated") String noFfTimeout,
      @Option(names = "--thresh1", description = "also one run of each with watchdog_thresh=1 (fast and --no-fast-forward)") boolean thresh1,
      @Option(names = "--java-opts", defaultValue = "-XX:+UseParallelGC -Xss8m", description = "JVM options of the child (default: the ./emu launcher's, '${DEFAULT-VALUE}')") String javaOpts,
      @Option(names = "--no-spawn", description = "only the in-process runs") boolean noSpawn)
      throws IOException, InterruptedException {
    String cfg = config.toString();
    if (!Files.isRegularFile(env.cwd().resolve(config))) {
      env.err().println("emu: --config " + cfg + ": no such file");
      return ExitStatus.USAGE;
    }
    PrintStream out = env.out();
    boolean allOk = true;
    for (String[] sc : new String[][] {{"soft lockup panic", SOFT_SCRIPT, SOFT_REPORT}, {"hard LOCKUP report", HARD_SCRIPT, HARD_REPORT}}) {
      byte[] script = sc[1].getBytes(StandardCharsets.US_ASCII);
      Pattern report = Pattern.compile(Pattern.quote(sc[2]));
      List<String> base = List.of("boot", "--config", cfg, "--until", Pattern.quote(sc[2]), "--timeout", timeout);
      out.printf("== %s: '%s' then --until '%s' (config %s)%n", sc[0], sc[1].strip(), sc[2], cfg);
      allOk &= measure(out, "process", runs, noSpawn ? null : javaOpts, base, script, report);
      allOk &= measure(out, "in-process", runs, null, base, script, report);
      if (noFf && !noSpawn) {
        extrapolated(out, javaOpts, cfg, sc, script, report, noFfTimeout, lastGuestNanos);
      }
      if (thresh1) {
        List<String> t1 = new ArrayList<>(base);
        t1.addAll(List.of("--append", "watchdog_thresh=1"));
        allOk &= measure(out, "watchdog_thresh=1, in-process", 1, null, t1, script, report);
        List<String> t1n = new ArrayList<>(t1);
        t1n.add("--no-fast-forward");
        allOk &= measure(out, "watchdog_thresh=1, --no-fast-forward, in-process", 1, null, t1n, script, report);
      }
    }
    return allOk ? ExitStatus.OK : ExitStatus.INTERNAL;
  }

  private long lastGuestNanos = -1;
  private boolean ranInProcess;

  /** True for the first in-process run of this command (a fresh bench JVM: the first in the JVM). */
  private boolean firstInJvm() {
    boolean first = !ranInProcess;
    ranInProcess = true;
    return first;
  }

  /** RUNS runs in new JVMs (javaOpts != null) or in this one; prints each and the median. */
  private boolean measure(PrintStream out, String label, int runs, String javaOpts, List<String> args, byte[] script,
      Pattern report) throws IOException, InterruptedException {
    if (label.equals("process") && javaOpts == null) {
      return true;
    }
    boolean spawn = label.startsWith("process");
    long[] walls = new long[runs];
    boolean ok = true;
    for (int i = 0; i < runs; i++) {
      String load = load();
      String text;
      int exit;
      String line;
      if (spawn) {
        List<String> cmd = ChildRun.emuCommand(split(javaOpts));
        cmd.addAll(args);
        ChildRun.Result r = ChildRun.run(cmd, env.cwd(), script, report, WALL_CAP);
        text = r.stdout();
        exit = r.exit();
        walls[i] = r.wallNanos();
        line = String.format("wall %.3f s to exit, %s to the report line on stdout, child CPU %.2f s, peak RSS %d MB",
            secs(r.wallNanos()), r.matchNanos() < 0 ? "never" : String.format("%.3f s", secs(r.matchNanos())),
            secs(r.cpuNanos()), r.peakRssKb() / 1024);
        if (exit != 0) {
          line += ", stderr: " + oneLine(r.stderr());
        }
      } else {
        InProcessRun.Result r = InProcessRun.run(env, script, args.toArray(String[]::new));
        text = r.stdout();
        exit = r.exit();
        walls[i] = r.totalNanos();
        line = String.format("wall %.3f s (emulator-only %.3f s: Machines.create to the end), fast-forward skipped %,d"
            + " cycles (Machine.skippedCycles)%s", secs(r.totalNanos()), secs(r.emulatorNanos()), r.skippedCycles(),
            firstInJvm() ? " [first in this JVM: cold JIT]" : "");
        if (args.contains("--no-fast-forward") && r.skippedCycles() > 0) {
          line += " WARNING: --no-fast-forward did not stop fast-forward";
        }
        if (exit != 0) {
          line += ", stderr: " + oneLine(r.stderr());
        }
      }
      double guest = guestStamp(text, report);
      if (guest >= 0) {
        lastGuestNanos = (long) (guest * 1e9);
      }
      ok &= exit == 0 && guest >= 0;
      out.printf("  %-12s run %d: exit %d, report at guest %s, %s (load %s)%n", label, i + 1, exit,
          guest < 0 ? "(not reached)" : String.format("%.6f s", guest), line, load);
    }
    out.printf("  %-12s median wall %.3f s over %d run(s)%n", label, secs(median(walls)), runs);
    return ok;
  }

  /** One --no-fast-forward run in a new JVM capped at {@code cap} of guest time; extrapolates to the report. */
  private void extrapolated(PrintStream out, String javaOpts, String cfg, String[] sc, byte[] script, Pattern report,
      String cap, long reportGuestNanos) throws IOException, InterruptedException {
    List<String> cmd = ChildRun.emuCommand(split(javaOpts));
    cmd.addAll(List.of("boot", "--config", cfg, "--until", Pattern.quote(sc[2]), "--timeout", cap, "--no-fast-forward"));
    String load = load();
    ChildRun.Result r = ChildRun.run(cmd, env.cwd(), script, report, WALL_CAP);
    double guest = guestStamp(r.stdout(), report);
    if (guest >= 0) {
      out.printf("  --no-fast-forward, process: report at guest %.6f s, wall %.3f s, child CPU %.2f s (load %s)%n", guest,
          secs(r.wallNanos()), secs(r.cpuNanos()), load);
      return;
    }
    double capSecs = lastStamp(r.stdout());
    String capText = oneLine(r.stderr());
    out.printf("  --no-fast-forward, process: exit %d after wall %.3f s, child CPU %.2f s (%s; load %s)%n", r.exit(),
        secs(r.wallNanos()), secs(r.cpuNanos()), capText, load);
    if (reportGuestNanos > 0 && r.exit() == 124) {
      double capGuest = parseSeconds(cap);
      double perGuestSecond = secs(r.wallNanos()) / capGuest;
      double cpuPerGuestSecond = secs(r.cpuNanos()) / capGuest;
      out.printf("  --no-fast-forward, EXTRAPOLATED: %.3f s of wall (%.3f s of CPU) per guest second over the first %s"
          + " (last console stamp %.3f s) -> about %.0f s of wall (%.0f s of CPU) to reach the report at guest %.3f s%n",
          perGuestSecond, cpuPerGuestSecond, cap, capSecs, perGuestSecond * reportGuestNanos / 1e9,
          cpuPerGuestSecond * reportGuestNanos / 1e9, reportGuestNanos / 1e9);
    }
  }

  // ------------------------------------------------------------------------------------------- boot

  @Command(name = "boot", mixinStandardHelpOptions = true,
      description = {"Boot to the shell prompt '~ # ': wall time from spawning a new JVM (java -jar emu.jar boot ...)",
          "until the prompt is on its stdout and until it exits, and the emulator-only time in this JVM",
          "(Machines.create and the run until the prompt). Also the JVM floor: java -jar emu.jar --version."})
  int boot(
      @Option(names = "--config", paramLabel = "FILE", description = "configuration (default: emu's defaults)") Path config,
      @Option(names = "--runs", defaultValue = "5", description = "runs of each kind (default ${DEFAULT-VALUE})") int runs,
      @Option(names = "--java-opts", defaultValue = "-XX:+UseParallelGC -Xss8m", description = "JVM options of the child (default '${DEFAULT-VALUE}')") String javaOpts,
      @Option(names = "--no-spawn", description = "only the in-process runs") boolean noSpawn)
      throws IOException, InterruptedException {
    PrintStream out = env.out();
    List<String> args = new ArrayList<>(List.of("boot", "--until", Pattern.quote(PROMPT), "--timeout", "60s"));
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    Pattern prompt = Pattern.compile(Pattern.quote(PROMPT));
    boolean ok = true;
    if (!noSpawn) {
      long[] version = new long[runs];
      for (int i = 0; i < runs; i++) {
        List<String> cmd = ChildRun.emuCommand(split(javaOpts));
        cmd.add("--version");
        version[i] = ChildRun.run(cmd, env.cwd(), new byte[0], null, WALL_CAP).wallNanos();
      }
      out.printf("JVM floor (java -jar emu.jar --version): median %.3f s over %d run(s) (load %s)%n",
          secs(median(version)), runs, load());
      long[] toPrompt = new long[runs];
      for (int i = 0; i < runs; i++) {
        List<String> cmd = ChildRun.emuCommand(split(javaOpts));
        cmd.addAll(args);
        String load = load();
        ChildRun.Result r = ChildRun.run(cmd, env.cwd(), new byte[0], prompt, WALL_CAP);
        toPrompt[i] = r.matchNanos() < 0 ? Long.MAX_VALUE : r.matchNanos();
        ok &= r.exit() == 0 && r.matchNanos() >= 0;
        out.printf("  process    run %d: exit %d, prompt after %s, exit after %.3f s, child CPU %.2f s, peak RSS %d MB, "
            + "prompt at guest %s (load %s)%s%n", i + 1, r.exit(),
            r.matchNanos() < 0 ? "never" : String.format("%.3f s", secs(r.matchNanos())), secs(r.wallNanos()),
            secs(r.cpuNanos()), r.peakRssKb() / 1024, stampText(lastStamp(r.stdout())), load,
            r.exit() == 0 ? "" : ", stderr: " + oneLine(r.stderr()));
      }
      out.printf("  process    median wall to the prompt, from spawn: %.3f s%n", secs(median(toPrompt)));
    }
    long[] emu = new long[runs];
    long[] total = new long[runs];
    for (int i = 0; i < runs; i++) {
      String load = load();
      InProcessRun.Result r = InProcessRun.run(env, new byte[0], args.toArray(String[]::new));
      ok &= r.exit() == 0;
      emu[i] = r.emulatorNanos();
      total[i] = r.totalNanos();
      out.printf("  in-process run %d: exit %d, emulator-only %.3f s (Machines.create %.3f s + run to the prompt), "
          + "command %.3f s, last console stamp %s, guest clock at the end %.6f s (load %s)%s%n", i + 1, r.exit(),
          secs(r.emulatorNanos()), secs(r.createNanos()), secs(r.totalNanos()), stampText(lastStamp(r.stdout())),
          r.guestNanos() / 1e9, load,
          firstInJvm() ? " [first in this JVM: cold JIT]" : "");
    }
    out.printf("  in-process median emulator-only %.3f s, command %.3f s over %d run(s) (first: %.3f s)%n",
        secs(median(emu)), secs(median(total)), runs, secs(emu[0]));
    return ok ? ExitStatus.OK : ExitStatus.INTERNAL;
  }

  // ------------------------------------------------------------------------------------------ scale

  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = {"Boot and idle GUEST time with each vCPU count, in a new JVM each:",
          "emu boot --cpus N --memory MEM --timeout GUEST (stdin empty). Wall time, child CPU time and peak RSS."})
  int scale(
      @Option(names = "--cpus", defaultValue = "1,4,16,64", split = ",", description = "vCPU counts (default ${DEFAULT-VALUE})") int[] cpus,
      @Option(names = "--guest", defaultValue = "60s", description = "guest time per run (default ${DEFAULT-VALUE})") String guest,
      @Option(names = "--memory", defaultValue = "256M", description = "guest RAM (default ${DEFAULT-VALUE})") String memory,
      @Option(names = "--config", paramLabel = "FILE", description = "configuration (default: emu's defaults)") Path config,
      @Option(names = "--java-opts", defaultValue = "-XX:+UseParallelGC -Xss8m", description = "JVM options of the child (default '${DEFAULT-VALUE}')") String javaOpts)
      throws IOException, InterruptedException {
    PrintStream out = env.out();
    Pattern up = Pattern.compile("smp: Brought up[^\\n]*");
    long first = -1;
    boolean ok = true;
    for (int n : cpus) {
      List<String> cmd = ChildRun.emuCommand(split(javaOpts));
      cmd.addAll(List.of("boot", "--cpus", Integer.toString(n), "--memory", memory, "--timeout", guest));
      if (config != null) {
        cmd.addAll(List.of("--config", config.toString()));
      }
      String load = load();
      ChildRun.Result r = ChildRun.run(cmd, env.cwd(), new byte[0], null, WALL_CAP);
      Matcher m = up.matcher(r.stdout());
      String brought = m.find() ? m.group().strip() : "(no 'smp: Brought up' line)";
      if (first < 0) {
        first = r.wallNanos();
      }
      ok &= r.exit() == 124;
      out.printf("  %2d vCPUs: exit %d, wall %.3f s (%.2fx the first), child CPU %.2f s, peak RSS %d MB, last console "
          + "stamp %s, '%s', stderr: %s (load %s)%n", n, r.exit(), secs(r.wallNanos()), (double) r.wallNanos() / first,
          secs(r.cpuNanos()), r.peakRssKb() / 1024, stampText(lastStamp(r.stdout())), brought, oneLine(r.stderr()), load);
      if (r.exit() != 124) {
        out.println("  console tail: " + oneLine(tail(r.stdout(), 400)));
      }
    }
    return ok ? ExitStatus.OK : ExitStatus.INTERNAL;
  }

  // --------------------------------------------------------------------------------------- hotspots

  @Command(name = "hotspots", mixinStandardHelpOptions = true,
      description = {"Summarise the jdk.ExecutionSample events of a JFR recording by method: self (top frame) and",
          "total (anywhere on the stack). Record with: java -XX:StartFlightRecording=filename=F.jfr,settings=profile",
          "-jar cli/target/emu.jar boot ..."})
  int hotspots(
      @picocli.CommandLine.Parameters(paramLabel = "FILE.jfr") Path file,
      @Option(names = "--thread", paramLabel = "NAME", description = "only this Java thread (default: all)") String thread,
      @Option(names = "--top", defaultValue = "25", description = "methods listed (default ${DEFAULT-VALUE})") int top) {
    try {
      Profile.summarise(env.cwd().resolve(file), thread, top, env.out());
    } catch (IOException e) {
      env.err().println("emu: " + file + ": cannot read a JFR recording (" + e.getClass().getSimpleName() + ")");
      return ExitStatus.USAGE;
    }
    return ExitStatus.OK;
  }

  // ---------------------------------------------------------------------------------------- helpers

  static byte[] resource(String name) throws IOException {
    try (InputStream in = Figures.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  /** The first three fields of /proc/loadavg ("?" without /proc). */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** Guest timestamp (s) of the console line holding the first match, -1 if none. */
  static double guestStamp(String console, Pattern report) {
    Matcher m = report.matcher(console);
    if (!m.find()) {
      return -1;
    }
    int start = console.lastIndexOf('\n', m.start()) + 1;
    Matcher s = STAMP.matcher(console.substring(start, m.start()));
    return s.find() ? Double.parseDouble(s.group(1)) : -1;
  }

  /** The last "[  12.345678]" stamp on the console, -1 if none. */
  static double lastStamp(String console) {
    Matcher s = STAMP.matcher(console);
    double last = -1;
    while (s.find()) {
      last = Double.parseDouble(s.group(1));
    }
    return last;
  }

  private static String stampText(double s) {
    return s < 0 ? "(none)" : String.format("%.6f s", s);
  }

  static double parseSeconds(String d) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(d.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("duration: " + d);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> v / 1000;
      case "m" -> v * 60;
      default -> v;
    };
  }

  static long median(long[] v) {
    long[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }

  private static List<String> split(String opts) {
    List<String> l = new ArrayList<>();
    for (String s : opts.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        l.add(s);
      }
    }
    return l;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " | ").trim();
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}
