package dev.emu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Assertions on console text: regular expressions (multiline: ^ and $ are line ends) found in order. */
final class ConsoleAssert {
  private ConsoleAssert() {}

  /**
   * Each regex must be found after the end of the previous match; returns the matcher of the last
   * one. Patterns are compiled with MULTILINE so {@code ^...$} means a whole console line.
   */
  static Matcher inOrder(EmuRun.Result r, String... regexes) {
    String text = r.text();
    int pos = 0;
    Matcher m = null;
    for (String regex : regexes) {
      m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
      if (!m.find(pos)) {
        throw new AssertionError("expected /" + regex + "/ after offset " + pos + " (after the previous expected line)"
            + " in the console output:\n" + r.tail());
      }
      pos = m.end();
    }
    return m;
  }

  /** No console line matches {@code regex}. */
  static void none(EmuRun.Result r, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(r.text());
    if (m.find()) {
      int s = Math.max(0, r.text().lastIndexOf('\n', m.start()) + 1);
      int e = r.text().indexOf('\n', m.end());
      throw new AssertionError("unexpected /" + regex + "/: '" + r.text().substring(s, e < 0 ? r.text().length() : e)
          + "' in the console output:\n" + r.tail());
    }
  }

  /** The run ended with {@code status}; the message shows the console. */
  static void status(EmuRun.Result r, int status) {
    assertThat(r.status()).as("exit status; console:%n%s", r.tail()).isEqualTo(status);
  }

  /** {@code value} in (lo, hi]. */
  static void within(String what, double value, double lo, double hi) {
    assertThat(value).as("%s = %.6f s must lie in (%.6f, %.6f]", what, value, lo, hi).isGreaterThan(lo).isLessThanOrEqualTo(hi);
  }
}
