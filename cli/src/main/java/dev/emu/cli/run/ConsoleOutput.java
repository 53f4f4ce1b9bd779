package dev.emu.cli.run;

import dev.emu.devices.board.ConsoleSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The guest's console bytes on their way to stdout, unmodified. Buffered; flushed at the end of every
 * run chunk and (interactive) at every newline. Keeps the text for --until (bytes as ISO-8859-1
 * characters, so every byte is one char) and can hold output back while the monitor owns the
 * terminal. {@link #write} runs on the machine thread; hold/release on the terminal thread.
 */
public final class ConsoleOutput implements ConsoleSink {
  /** Beyond this much held output the machine thread waits for the console (back-pressure, no loss). */
  private static final int HOLD_LIMIT = 4 << 20;

  private final OutputStream out;
  private final boolean flushOnNewline;
  private final Pattern until;
  private final StringBuilder text = new StringBuilder();
  private final byte[] buf = new byte[8192];
  private int used;
  private boolean unsearched;
  private boolean matched;
  private ByteArrayOutputStream held; // guarded by this

  public ConsoleOutput(OutputStream out, boolean flushOnNewline, Pattern until) {
    this.out = out;
    this.flushOnNewline = flushOnNewline;
    this.until = until;
  }

  @Override
  public synchronized void write(int b) {
    if (until != null && !matched) {
      text.append((char) (b & 0xff));
      unsearched = true;
    }
    if (held != null) {
      while (held != null && held.size() >= HOLD_LIMIT) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (held != null) {
        held.write(b);
        return;
      }
    }
    buf[used++] = (byte) b;
    if (used == buf.length || (flushOnNewline && b == '\n')) {
      flush();
    }
  }

  /** Writes buffered bytes to the stream. */
  public synchronized void flush() {
    try {
      if (used > 0) {
        out.write(buf, 0, used);
        used = 0;
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once --until has matched the text so far (searched again only when new text arrived). */
  public synchronized boolean untilMatched() {
    if (until != null && !matched && unsearched) {
      unsearched = false;
      matched = until.matcher(text).find();
    }
    return matched;
  }

  /** Holds further output (the monitor is on the terminal). */
  public synchronized void hold() {
    flush();
    if (held == null) {
      held = new ByteArrayOutputStream();
    }
  }

  /** Writes what was held and lets output through again. */
  public synchronized void release() {
    if (held != null) {
      byte[] pending = held.toByteArray();
      held = null;
      try {
        out.write(pending);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      flush();
      notifyAll();
    }
  }
}
