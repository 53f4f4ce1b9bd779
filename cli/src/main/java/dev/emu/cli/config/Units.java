package dev.emu.cli.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the human units of the config and the options: sizes (256M) and durations (30s). */
public final class Units {
  private Units() {}

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d{1,15})\\s*(ns|us|ms|s|m|h)");

  /** "256M", "1G", "65536K", "268435456" (bytes); binary multiples. Returns -1 if malformed. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      case "T" -> 40;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> shift)) {
      return -1;
    }
    return n << shift;
  }

  /** "30s", "500ms", "2m", "1h", "250us", "10ns" as nanoseconds. Returns -1 if malformed. */
  public static long parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    long unit = switch (m.group(2)) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
    if (n > Long.MAX_VALUE / unit) {
      return -1;
    }
    return n * unit;
  }

  /** The largest exact unit: 268435456 -> "256M". */
  public static String formatSize(long bytes) {
    String[] units = {"T", "G", "M", "K"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long mask = (1L << shifts[i]) - 1;
      if (bytes != 0 && (bytes & mask) == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** The largest exact unit: 30_000_000_000 -> "30s". */
  public static String formatDuration(long nanos) {
    long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
    String[] names = {"h", "m", "s", "ms", "us"};
    for (int i = 0; i < units.length; i++) {
      if (nanos != 0 && nanos % units[i] == 0) {
        return nanos / units[i] + names[i];
      }
    }
    return nanos + "ns";
  }
}
