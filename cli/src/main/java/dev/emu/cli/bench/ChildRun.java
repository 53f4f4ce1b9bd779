package dev.emu.cli.bench;

import dev.emu.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs {@code emu ARGS} in a fresh JVM ({@code java OPTS -jar emu.jar ARGS}, as the ./emu launcher does)
 * with stdin from a file, and measures from just before the process is spawned: the wall time until
 * a pattern first appears on its stdout, the wall time until it exits, its peak RSS (VmHWM, polled from
 * /proc every {@link #POLL_MILLIS} ms; the high-water mark only grows, so the last poll is the peak up
 * to that moment) and its CPU time (user + system, last poll).
 */
final class ChildRun {
  static final long POLL_MILLIS = 20;

  /** What one child run measured; {@code matchNanos} is -1 when the pattern never appeared. */
  record Result(int exit, long wallNanos, long matchNanos, long peakRssKb, long cpuNanos, String stdout, String stderr,
      boolean killed) {}

  private ChildRun() {}

  /** {@code java OPTS -jar emu.jar} (or {@code -cp CLASSPATH dev.emu.cli.Main} when not run from a jar). */
  static List<String> emuCommand(List<String> javaOpts) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaOpts);
    Path jar = ownJar();
    if (jar != null) {
      cmd.add("-jar");
      cmd.add(jar.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Main.class.getName());
    }
    return cmd;
  }

  /** The jar holding this class, or null (running from class directories, as in the tests). */
  static Path ownJar() {
    try {
      Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  static Result run(List<String> command, Path cwd, byte[] stdin, Pattern match, long wallCapNanos)
      throws IOException, InterruptedException {
    Path in = Files.createTempFile("emu-bench-stdin", ".txt");
    try {
      Files.write(in, stdin);
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectInput(in.toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      Thread reaper = new Thread(p::destroyForcibly, "emu-bench-reaper"); // bench killed: no orphan child
      Runtime.getRuntime().addShutdownHook(reaper);
      Capture out = new Capture(p.getInputStream(), match, t0);
      Capture err = new Capture(p.getErrorStream(), null, t0);
      out.start();
      err.start();
      long hwm = 0;
      long cpu = 0;
      boolean killed = false;
      while (!p.waitFor(POLL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        hwm = Math.max(hwm, vmHwmKb(p.pid()));
        cpu = Math.max(cpu, p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
        if (System.nanoTime() - t0 > wallCapNanos) {
          killed = true;
          p.destroy();
          if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
          }
          break;
        }
      }
      long t1 = System.nanoTime();
      Runtime.getRuntime().removeShutdownHook(reaper);
      out.join();
      err.join();
      return new Result(p.exitValue(), t1 - t0, out.matchNanos, hwm, cpu, out.text(), err.text(), killed);
    } finally {
      Files.deleteIfExists(in);
    }
  }

  /** VmHWM of a live process in KiB, 0 if unknown. */
  static long vmHwmKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited between the poll and the read, or no /proc
    }
    return 0;
  }

  /** Reads a stream to its end; notes when {@code match} first appears (since t0). */
  private static final class Capture extends Thread {
    private final InputStream in;
    private final Pattern match;
    private final long t0;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    volatile long matchNanos = -1;

    Capture(InputStream in, Pattern match, long t0) {
      super("emu-bench-capture");
      setDaemon(true);
      this.in = in;
      this.match = match;
      this.t0 = t0;
    }

    @Override
    public void run() {
      byte[] b = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(b)) >= 0) {
          long now = System.nanoTime();
          buf.write(b, 0, n);
          if (match != null && matchNanos < 0 && match.matcher(text()).find()) {
            matchNanos = now - t0;
          }
        }
      } catch (IOException e) {
        // the process went away
      }
    }

    String text() {
      return buf.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
