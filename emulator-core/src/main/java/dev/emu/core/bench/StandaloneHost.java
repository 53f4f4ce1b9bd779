package dev.emu.core.bench;

import dev.emu.core.cpu.CpuHost;

/**
 * A {@link CpuHost} with no devices, for running bare guest code (benchmark, core tests): ports
 * and MMIO read all-ones, no delegated MSRs, no interrupts. Writes to {@link #RESULT_PORT} are
 * collected as 32-bit words (the test programs report their checksum there, low dword first).
 */
public final class StandaloneHost implements CpuHost {
  /** Port the freestanding test programs write their 64-bit result to, as two dwords. */
  public static final int RESULT_PORT = 0x504;

  private final long[] words = new long[16];
  private int wordCount;
  private long ioWrites;
  private boolean tripleFault;

  /** The last 64-bit value reported on {@link #RESULT_PORT} (two dword writes), if any. */
  public boolean hasResult() {
    return wordCount >= 2;
  }

  public long result() {
    int n = wordCount;
    return (words[(n - 2) & 15] & 0xffff_ffffL) | (words[(n - 1) & 15] << 32);
  }

  public long ioWrites() {
    return ioWrites;
  }

  public boolean tripleFaulted() {
    return tripleFault;
  }

  public void clear() {
    wordCount = 0;
    ioWrites = 0;
    tripleFault = false;
  }

  @Override
  public int ioRead(int port, int size) {
    return size == 1 ? 0xff : size == 2 ? 0xffff : -1;
  }

  @Override
  public void ioWrite(int port, int size, int value) {
    ioWrites++;
    if (port == RESULT_PORT && size == 4) {
      words[wordCount & 15] = value & 0xffff_ffffL;
      wordCount++;
    }
  }

  @Override
  public long mmioRead(long physAddr, int size) {
    return size == 8 ? -1L : (1L << (8 * size)) - 1;
  }

  @Override
  public void mmioWrite(long physAddr, int size, long value) {}

  @Override
  public boolean hasMsr(int msr) {
    return false;
  }

  @Override
  public long readMsr(int msr) {
    return 0;
  }

  @Override
  public boolean writeMsr(int msr, long value) {
    return false;
  }

  @Override
  public boolean interruptPending() {
    return false;
  }

  @Override
  public int acknowledgeInterrupt() {
    return 0;
  }

  @Override
  public int readTpr() {
    return 0;
  }

  @Override
  public void writeTpr(int tpr) {}

  @Override
  public long readPmc(int ecx) {
    return -1;
  }

  @Override
  public void counterLimitReached() {}

  @Override
  public void tripleFault() {
    tripleFault = true;
  }
}
