package dev.emu.devices.misc;

import java.math.BigInteger;

/**
 * Exact integer conversions between clock domains (CPU cycles, HPET ticks, PM timer ticks,
 * nanoseconds, UART character times). {@code a * b / c} is computed without overflow: in 64 bits
 * when the product fits, else with BigInteger (rare: only for values beyond ~2^63 / b).
 */
public final class Clocks {
  private Clocks() {}

  /** floor(a * b / c) for a, b >= 0 and c > 0, saturating at Long.MAX_VALUE. */
  public static long mulDivFloor(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c;
    }
    BigInteger q = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
    return q.bitLength() < 64 ? q.longValue() : Long.MAX_VALUE;
  }

  /** ceil(a * b / c) for a, b >= 0 and c > 0, saturating at Long.MAX_VALUE. */
  public static long mulDivCeil(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c + (lo % c != 0 ? 1 : 0);
    }
    BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
        .divideAndRemainder(BigInteger.valueOf(c));
    BigInteger q = qr[1].signum() != 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    return q.bitLength() < 64 ? q.longValue() : Long.MAX_VALUE;
  }

  /** a + b for non-negative operands, saturating at Long.MAX_VALUE. */
  public static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < a ? Long.MAX_VALUE : r;
  }

  /** All-ones value of an access of {@code size} bytes (what an unclaimed read returns). */
  public static long ones(int size) {
    return size >= 8 ? -1L : (1L << (size * 8)) - 1;
  }
}
