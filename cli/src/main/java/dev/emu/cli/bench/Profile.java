package dev.emu.cli.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR sampling view of a piece of work: records {@code jdk.ExecutionSample} events (Java frames,
 * inlined frames included) while {@code work} runs, then summarises the samples of the calling thread
 * by top frame ("self": where the CPU was) and by method anywhere on the stack ("total").
 */
final class Profile {
  private Profile() {}

  /** Runs {@code work} under a recording; prints the top {@code top} methods. Keeps the .jfr if {@code keep} is set. */
  static <T> T sample(Duration period, int top, Path keep, PrintStream out, java.util.concurrent.Callable<T> work)
      throws Exception {
    Path file = keep != null ? keep : Files.createTempFile("emu-bench", ".jfr");
    T result;
    String thread = Thread.currentThread().getName();
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(period);
      r.start();
      result = work.call();
      r.stop();
      r.dump(file);
    }
    try {
      summarise(RecordingFile.readAllEvents(file), thread, top, out);
      if (keep != null) {
        out.println("recording kept: " + keep + " (jfr print --events jdk.ExecutionSample " + keep + ")");
      }
    } finally {
      if (keep == null) {
        Files.deleteIfExists(file);
      }
    }
    return result;
  }

  /** Prints the hot methods of an existing recording ({@code thread} null: every thread). */
  static void summarise(Path jfr, String thread, int top, PrintStream out) throws java.io.IOException {
    summarise(RecordingFile.readAllEvents(jfr), thread, top, out);
  }

  static void summarise(List<RecordedEvent> events, String thread, int top, PrintStream out) {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      if (thread != null && (e.getThread("sampledThread") == null
          || !thread.equals(e.getThread("sampledThread").getJavaName()))) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f.getMethod());
        if (seen.add(n)) {
          total.merge(n, 1, Integer::sum);
        }
      }
    }
    out.printf("JFR execution samples of %s: %d%n", thread == null ? "all threads" : "thread '" + thread + "'", samples);
    if (samples == 0) {
      return;
    }
    final int n = samples;
    out.println("  self %   total %   method (self = top frame, inlined frames count as their own method)");
    self.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top).forEach(en ->
        out.printf("  %6.1f   %7.1f   %s%n", 100.0 * en.getValue() / n, 100.0 * total.get(en.getKey()) / n, en.getKey()));
  }

  private static String name(RecordedMethod m) {
    if (m == null) {
      return "(unknown)";
    }
    String type = m.getType() == null ? "?" : m.getType().getName();
    int dot = type.lastIndexOf('.');
    return (dot >= 0 ? type.substring(dot + 1) : type) + "." + m.getName();
  }
}
