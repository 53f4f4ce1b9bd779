package dev.emu.core.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest RAM: one byte[] from physical address 0 up to {@link #size()}, with little-endian views.
 *
 * <p>Addresses at or above {@code size()} are not RAM; the CPU routes them to its {@code CpuHost}
 * (MMIO). The board decides what lives there. Every write through this class (write8..write64,
 * load, notifyHostWrite) bumps {@link #hostWriteEpoch()}, which makes the CPUs drop the decoded
 * instructions they cached (guest stores go through the CPU, which invalidates precisely). Code
 * that writes {@link #array()} directly must call {@link #notifyHostWrite(long, int)}.
 */
public final class PhysicalMemory {
  public static final int PAGE_SHIFT = 12;
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] ram;
  /** Bumped on every host-side write, so CPUs can drop decoded code they cached for that RAM. */
  private long hostWriteEpoch;
  private Object cpuCache;

  public PhysicalMemory(int sizeBytes) {
    if (sizeBytes <= 0 || (sizeBytes & (PAGE_SIZE - 1)) != 0) {
      throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + sizeBytes);
    }
    this.ram = new byte[sizeBytes];
  }

  /** The backing array, for the interpreter's fast paths. Index = physical address. */
  public byte[] array() {
    return ram;
  }

  public long size() {
    return ram.length;
  }

  /** True if [pa, pa+len) lies entirely in RAM. */
  public boolean isRam(long pa, int len) {
    return pa >= 0 && pa + len <= ram.length;
  }

  public int read8(long pa) {
    return ram[(int) pa] & 0xff;
  }

  public int read16(long pa) {
    return (short) SHORT.get(ram, (int) pa) & 0xffff;
  }

  public int read32(long pa) {
    return (int) INT.get(ram, (int) pa);
  }

  public long read64(long pa) {
    return (long) LONG.get(ram, (int) pa);
  }

  public void write8(long pa, int v) {
    ram[(int) pa] = (byte) v;
    hostWriteEpoch++;
  }

  public void write16(long pa, int v) {
    SHORT.set(ram, (int) pa, (short) v);
    hostWriteEpoch++;
  }

  public void write32(long pa, int v) {
    INT.set(ram, (int) pa, v);
    hostWriteEpoch++;
  }

  public void write64(long pa, long v) {
    LONG.set(ram, (int) pa, v);
    hostWriteEpoch++;
  }

  /** Copies host bytes into RAM (loaders, DMA-like host writes). */
  public void load(long pa, byte[] src, int off, int len) {
    System.arraycopy(src, off, ram, (int) pa, len);
    notifyHostWrite(pa, len);
  }

  public void load(long pa, byte[] src) {
    load(pa, src, 0, src.length);
  }

  /** Copies RAM out to the host. */
  public void copyOut(long pa, byte[] dst, int off, int len) {
    System.arraycopy(ram, (int) pa, dst, off, len);
  }

  public void notifyHostWrite(long pa, int len) {
    hostWriteEpoch++;
  }

  /**
   * Per-memory state owned by the CPU package (its decoded-instruction cache, shared by the CPUs
   * on this memory); opaque here, and freed with the memory.
   */
  public Object cpuCache() {
    return cpuCache;
  }

  public void setCpuCache(Object cache) {
    cpuCache = cache;
  }

  public long hostWriteEpoch() {
    return hostWriteEpoch;
  }
}
