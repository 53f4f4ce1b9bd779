package dev.emu.devices.acpi;

import java.nio.charset.StandardCharsets;

/** A little-endian byte image of firmware tables placed at a physical base address. */
final class TableBuffer {
  private final long base;
  private final byte[] bytes;

  TableBuffer(long base, int size) {
    this.base = base;
    this.bytes = new byte[size];
  }

  long base() {
    return base;
  }

  byte[] bytes() {
    return bytes;
  }

  int offset(long phys) {
    return (int) (phys - base);
  }

  void u8(long phys, int v) {
    bytes[offset(phys)] = (byte) v;
  }

  void u16(long phys, int v) {
    u8(phys, v);
    u8(phys + 1, v >>> 8);
  }

  void u32(long phys, long v) {
    u16(phys, (int) v);
    u16(phys + 2, (int) (v >>> 16));
  }

  void u64(long phys, long v) {
    u32(phys, v);
    u32(phys + 4, v >>> 32);
  }

  /** ASCII, space-padded (or truncated) to exactly {@code len} bytes. */
  void ascii(long phys, String s, int len) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < len; i++) {
      u8(phys + i, i < b.length ? b[i] : ' ');
    }
  }

  void bytes(long phys, byte[] b) {
    System.arraycopy(b, 0, bytes, offset(phys), b.length);
  }

  /** Sets the byte at {@code checksumAt} so that [start, start+len) sums to zero mod 256. */
  void checksum(long start, int len, long checksumAt) {
    u8(checksumAt, 0);
    int sum = 0;
    for (int i = 0; i < len; i++) {
      sum += bytes[offset(start) + i];
    }
    u8(checksumAt, -sum);
  }
}
