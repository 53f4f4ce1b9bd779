package dev.emu.cli.guest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cpio "newc" format (SVR4, magic 070701) as Linux's initramfs reads it
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header of thirteen
 * 8-digit hex fields, the NUL-terminated name padded to 4 bytes, the data padded to 4 bytes; the
 * archive ends with the entry "TRAILER!!!". Only what emu needs: regular files and directories,
 * written with mtime 0 and uid/gid 0 so that the same inputs give the same bytes.
 * Not handled: hard links (nlink > 1), device nodes, the "crc" variant 070702 (read as newc).
 */
public final class Cpio {
  private Cpio() {}

  public static final int MODE_DIR = 0040755;
  public static final int MODE_FILE = 0100644;
  private static final int MODE_TYPE_MASK = 0170000;
  private static final int MODE_TYPE_DIR = 0040000;
  private static final String MAGIC = "070701";
  private static final String MAGIC_CRC = "070702";
  private static final String TRAILER = "TRAILER!!!";
  private static final int HEADER = 110;

  /** One archive member; {@code data} is empty for directories (and symlinks hold their target). */
  public record Entry(String name, int mode, byte[] data) {
    public boolean isDirectory() {
      return (mode & MODE_TYPE_MASK) == MODE_TYPE_DIR;
    }
  }

  /** Writes the entries in order, then the trailer. Inode numbers count from 1. */
  public static byte[] write(List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int ino = 1;
    for (Entry e : entries) {
      writeEntry(out, ino++, e.name(), e.mode(), e.isDirectory() ? 2 : 1, e.data());
    }
    writeEntry(out, 0, TRAILER, 0, 1, new byte[0]);
    return out.toByteArray();
  }

  /**
   * Reads a newc archive up to its trailer. Returns null when {@code data} is not a newc archive
   * (compressed, or another format) or is malformed; the caller then keeps it as it is.
   */
  public static List<Entry> read(byte[] data) {
    List<Entry> out = new ArrayList<>();
    int pos = 0;
    while (true) {
      if (pos + HEADER > data.length) {
        return null;
      }
      String magic = new String(data, pos, 6, StandardCharsets.US_ASCII);
      if (!magic.equals(MAGIC) && !magic.equals(MAGIC_CRC)) {
        return null;
      }
      long mode = hex(data, pos, 1);
      long size = hex(data, pos, 6);
      long nameSize = hex(data, pos, 11);
      if (mode < 0 || size < 0 || nameSize < 1) {
        return null;
      }
      int nameAt = pos + HEADER;
      long dataAt = align4(nameAt + nameSize);
      long end = dataAt + size;
      if (end > data.length) {
        return null;
      }
      String name = new String(data, nameAt, (int) nameSize - 1, StandardCharsets.UTF_8);
      if (name.equals(TRAILER)) {
        return out;
      }
      byte[] body = java.util.Arrays.copyOfRange(data, (int) dataAt, (int) end);
      out.add(new Entry(name, (int) mode, body));
      pos = (int) align4(end);
    }
  }

  /**
   * The bundled archive plus {@code extra} entries, as ONE archive: an extra entry replaces a bundled
   * one of the same name; a directory already present is not repeated. When {@code bundled} cannot be
   * read as newc, a second archive is appended after it (4-byte aligned), as Linux accepts.
   */
  public static byte[] merge(byte[] bundled, List<Entry> extra) {
    if (bundled == null || bundled.length == 0) {
      return write(extra);
    }
    List<Entry> base = read(bundled);
    if (base == null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(bundled);
      while (out.size() % 4 != 0) {
        out.write(0);
      }
      out.writeBytes(write(extra));
      return out.toByteArray();
    }
    Map<String, Entry> byName = new LinkedHashMap<>();
    for (Entry e : base) {
      byName.put(strip(e.name()), e);
    }
    for (Entry e : extra) {
      Entry old = byName.get(strip(e.name()));
      if (old != null && old.isDirectory() && e.isDirectory()) {
        continue;
      }
      byName.remove(strip(e.name()));
      byName.put(strip(e.name()), e);
    }
    return write(new ArrayList<>(byName.values()));
  }

  private static String strip(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.startsWith("./") ? 2 : 1);
    }
    return n;
  }

  private static void writeEntry(ByteArrayOutputStream out, int ino, String name, int mode, int nlink, byte[] data) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder(HEADER).append(MAGIC);
    long[] fields = {ino, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, nameBytes.length + 1, 0};
    for (long f : fields) {
      h.append(String.format("%08X", f));
    }
    out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(nameBytes);
    out.write(0);
    pad(out);
    out.writeBytes(data);
    pad(out);
  }

  private static void pad(ByteArrayOutputStream out) {
    while (out.size() % 4 != 0) {
      out.write(0);
    }
  }

  private static long align4(long n) {
    return (n + 3) & ~3L;
  }

  /** Field {@code index} (0 = c_ino) of the header at {@code pos}, or -1 if not hex. */
  private static long hex(byte[] d, int pos, int index) {
    int at = pos + 6 + index * 8;
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int c = Character.digit(d[at + i], 16);
      if (c < 0) {
        return -1;
      }
      v = (v << 4) | c;
    }
    return v;
  }
}
