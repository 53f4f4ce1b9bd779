package dev.emu.cli.run;

import java.io.ByteArrayOutputStream;

/**
 * QEMU's "-nographic" console escapes on the keystroke stream: after the escape key (C-a by default),
 * 'x' quits, 'c' switches to the monitor, 'h' lists the escapes, the escape key again sends one
 * literal escape byte; any other key is sent as typed (the escape is dropped). Everything else passes
 * through unchanged. Pure: the caller acts on the returned {@link Action}s.
 */
public final class EscapeDecoder {
  /** What a keystroke asks for. */
  public enum Action { NONE, QUIT, MONITOR, HELP }

  private final int escape;
  private boolean armed;

  public EscapeDecoder(int escape) {
    this.escape = escape;
  }

  /**
   * Decodes {@code n} bytes: guest-bound bytes go to {@code toGuest}; returns the first action met
   * (NONE if none) and the index after it in {@code consumed[0]}, so the caller can act and go on.
   */
  public Action feed(byte[] b, int from, int n, ByteArrayOutputStream toGuest, int[] consumed) {
    for (int i = from; i < from + n; i++) {
      int c = b[i] & 0xff;
      if (armed) {
        armed = false;
        Action a = switch (c) {
          case 'x', 'X' -> Action.QUIT;
          case 'c', 'C' -> Action.MONITOR;
          case 'h', 'H', '?' -> Action.HELP;
          default -> Action.NONE;
        };
        if (a != Action.NONE) {
          consumed[0] = i + 1;
          return a;
        }
        toGuest.write(c); // C-a C-a sends C-a; an unknown escape sends the key
      } else if (c == escape) {
        armed = true;
      } else {
        toGuest.write(c);
      }
    }
    consumed[0] = from + n;
    return Action.NONE;
  }

  /** The help text of C-a h, with the configured escape's name (e.g. "C-a"). */
  public static String help(String name) {
    return name + " h    print this help\r\n"
        + name + " x    exit emu\r\n"
        + name + " c    switch between console and monitor\r\n"
        + name + " " + name + "  sends " + name + "\r\n";
  }
}
