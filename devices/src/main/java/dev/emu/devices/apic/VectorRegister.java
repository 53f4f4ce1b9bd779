package dev.emu.devices.apic;

/**
 * A 256-bit LAPIC vector register (IRR, ISR or TMR, SDM vol. 3A 10.8.4): bit v for vector v,
 * read by software as eight 32-bit words at 16-byte strides.
 */
final class VectorRegister {
  private final long[] bits = new long[4];

  void clearAll() {
    java.util.Arrays.fill(bits, 0);
  }

  boolean isEmpty() {
    return (bits[0] | bits[1] | bits[2] | bits[3]) == 0;
  }

  boolean test(int vector) {
    return (bits[vector >> 6] & (1L << vector)) != 0;
  }

  void set(int vector) {
    bits[vector >> 6] |= 1L << vector;
  }

  void clear(int vector) {
    bits[vector >> 6] &= ~(1L << vector);
  }

  /** Highest set vector, or -1. */
  int highest() {
    for (int i = 3; i >= 0; i--) {
      if (bits[i] != 0) {
        return i * 64 + 63 - Long.numberOfLeadingZeros(bits[i]);
      }
    }
    return -1;
  }

  /** The 32-bit word software reads at register offset base + 0x10 * word (word 0..7). */
  int word(int word) {
    return (int) (bits[word >> 1] >>> (32 * (word & 1)));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int v = 0; v < 256; v++) {
      if (test(v)) {
        sb.append(sb.length() > 1 ? "," : "").append(String.format("0x%02x", v));
      }
    }
    return sb.append('}').toString();
  }
}
