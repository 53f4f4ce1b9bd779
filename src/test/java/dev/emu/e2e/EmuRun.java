package dev.emu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.Env;
import dev.emu.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code emu boot} in-process ({@link Main#run} with the real machine factory) as a
 * scripted run: {@code stdin} is handed over whole (a regular file's semantics: every byte queued
 * before the guest starts, none dropped), stdout and stderr are captured. The working directory is
 * the repository root, so {@code --config lockup.toml} names the repository's file.
 *
 * <p>Every caller passes a guest-time {@code --timeout}, so no run can hang; most pass {@code --until}
 * to end as soon as the line they wait for has appeared.
 */
final class EmuRun {
  private EmuRun() {}

  /** The repository root (holds lockup.toml and scripts/emu-module-build); tests run in e2e/. */
  static final Path ROOT = findRoot();

  private static Path findRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isRegularFile(p.resolve("lockup.toml")) && Files.isRegularFile(p.resolve("scripts/emu-module-build"))) {
        return p;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("repository root (lockup.toml) not found above " + Path.of("").toAbsolutePath());
  }

  /** Boots with {@code emu boot ARGS}, feeding {@code stdin} to the console. */
  static Result boot(String stdin, String... args) {
    return emu(stdin, prepend("boot", args));
  }

  /** Runs {@code emu ARGS} (any subcommand). */
  static Result emu(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      Env env = new Env(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), o, e,
          false, true, ROOT, dev.emu.devices.board.Machines::create);
      status = Main.run(args, env);
    }
    return new Result(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** Writes {@code text} to {@code dir/name} and returns the path. */
  static Path write(Path dir, String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A printk line: its timestamp in microseconds and the text after "] ". */
  record Line(long micros, String text) {
    double seconds() {
      return micros / 1e6;
    }
  }

  /** `[%5lu.%06lu] ` at the start of a line (after a possible partial line the console broke off). */
  private static final Pattern PRINTK = Pattern.compile("(?m)^\\[\\s*(\\d+)\\.(\\d{6})\\] (.*)$");

  /** What a run printed and how it ended. */
  record Result(int status, byte[] stdout, String stderr) {
    /** The console text, bytes as ISO-8859-1, carriage returns removed (the console writes CRLF). */
    String text() {
      return new String(stdout, StandardCharsets.ISO_8859_1).replace("\r", "");
    }

    /** Console text from the shell's first prompt on (everything the session printed after boot). */
    String session() {
      String t = text();
      int i = t.indexOf("emu shell:");
      return i < 0 ? "" : t.substring(i);
    }

    /** Every printk line with a timestamp, in output order. */
    List<Line> printk() {
      List<Line> lines = new ArrayList<>();
      Matcher m = PRINTK.matcher(text());
      while (m.find()) {
        lines.add(new Line(Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2)), m.group(3)));
      }
      return lines;
    }

    /** The first printk line whose text matches {@code regex} (find), or fails the test. */
    Line first(String regex) {
      Pattern p = Pattern.compile(regex);
      for (Line l : printk()) {
        if (p.matcher(l.text()).find()) {
          return l;
        }
      }
      throw new AssertionError("no printk line matching /" + regex + "/ in the console output:\n" + tail());
    }

    /** Every printk line whose text matches {@code regex}. */
    List<Line> all(String regex) {
      Pattern p = Pattern.compile(regex);
      List<Line> r = new ArrayList<>();
      for (Line l : printk()) {
        if (p.matcher(l.text()).find()) {
          r.add(l);
        }
      }
      return r;
    }

    /** The text of the lines from the first match of {@code from} (a regex) on. */
    String from(String regex) {
      Matcher m = Pattern.compile(regex).matcher(text());
      assertThat(m.find()).as("/%s/ in the console output:%n%s", regex, tail()).isTrue();
      return text().substring(m.start());
    }

    /** The last 6000 characters of the console, for failure messages. */
    String tail() {
      String t = text();
      return (t.length() > 6000 ? "..." + t.substring(t.length() - 6000) : t) + "\n[stderr] " + stderr + "[status] " + status;
    }

    @Override
    public String toString() {
      return tail();
    }
  }

  // ---- the detectors' predicted windows (../shared/reference/linux-lockup-watchdog.md §1-§3) ----

  /** One softlockup time unit: get_timestamp() = running_clock() >> 30, so 2^30 ns. */
  static final double UNIT = (1L << 30) / 1e9;

  /** The watchdog hrtimer period: sample_period = 2*thresh/5 s. */
  static double samplePeriod(int thresh) {
    return 2.0 * thresh / 5.0;
  }

  /**
   * Bounds of the "stuck for XXs" value of a first soft lockup report (Linux 5.4): reported at the
   * first hrtimer tick T where now - touch_ts > 2*thresh (in units), XX = now - touch_ts, so
   * XX >= 2*thresh + 1; the previous tick (one period P earlier) was not over, and P covers at most
   * floor(P/U) + 1 unit boundaries, so XX <= 2*thresh + 1 + floor(P/U). Default thresh 10: 21..24
   * (the seed says 22).
   */
  static int[] stuckForBounds(int thresh) {
    int s = 2 * thresh;
    return new int[] {s + 1, s + 1 + (int) Math.floor(samplePeriod(thresh) / UNIT)};
  }

  /**
   * Window for (timestamp of the BUG line) - (timestamp of the moment the loop starts, t0), in seconds.
   *
   * <p>R is when the CPU's timestamp was last set before it could no longer schedule: the feeder after
   * the last tick before t0 (R in (t0-P, t0]), or, when the CPU came out of idle for the task (5.4's
   * tick_nohz idle exit touches the watchdog: touch_ts = 0), the first tick after t0 (R in (t0, t0+P]);
   * the seed itself shows 27.4 s between softlockup_init and the report at thresh 10. 5.4 also uses
   * touch_ts == 0 as the "touched" sentinel, so while running_clock() < 1 unit every tick re-touches:
   * a loop started before 1.074 s of uptime is measured from the first tick at or after 1 unit. Hence
   * R in (b-P, b+P] with b = max(t0, U). Ticks come every P after R, and the report tick T = R + m*P is
   * the first with floor(T/U) - floor(R/U) > 2*thresh, so m*P > 2*thresh*U and m*P <= (2*thresh+1)*U + P.
   * Result: {lo, hi} with lo exclusive, hi inclusive, widened by {@code slack} for printk/feeder latency.
   */
  static double[] softWindow(int thresh, double t0, double slack) {
    double p = samplePeriod(thresh);
    double s = 2.0 * thresh;
    double minSpan = (Math.floor(s * UNIT / p) + 1) * p;
    double maxSpan = Math.floor(((s + 1) * UNIT + p) / p) * p;
    double b = Math.max(t0, UNIT);
    return new double[] {b - p + minSpan - t0 - slack, b + p + maxSpan - t0 + slack};
  }
}
