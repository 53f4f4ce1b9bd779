package dev.emu.cli.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Saves and restores the controlling terminal's complete settings with {@code stty -g}, run on our own
 * stdin. JLine's Attributes do not carry the line speed or line discipline (restoring through them can
 * leave "speed 0 baud"), so the exact state is put back with stty after JLine's own restore.
 * Without stty (not a POSIX system) both calls do nothing.
 */
final class Stty {
  private Stty() {}

  /** The settings in stty's -g form plus the line discipline ("GFORM line N"), or null. */
  static String save() {
    String g = stty("-g");
    if (g == null || g.isBlank()) {
      return null;
    }
    String all = stty("-a");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("line = (\\d+);").matcher(all == null ? "" : all);
    return g.trim() + (m.find() ? " line " + m.group(1) : "");
  }

  static void restore(String saved) {
    if (saved != null) {
      stty(saved.split(" "));
    }
  }

  private static String stty(String... args) {
    try {
      java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("stty"));
      cmd.addAll(java.util.List.of(args));
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroy();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
