package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;
import java.util.Arrays;

/**
 * Decoded-instruction cache, keyed by physical page and shared by every CPU on one
 * {@link PhysicalMemory} (CPUs of a machine are stepped from one thread, as determinism requires).
 * See docs/cpu.md, "Decoded-instruction cache".
 *
 * <p>Overview: a page that code is fetched from gets a slot of two {@code long[4096]} arrays
 * indexed by the byte offset of an instruction's first byte: {@code hdr} (prefixes, opcode, their
 * length, operand/address size, the decode mode it was decoded in) and {@code mrm} (the decoded
 * ModRM/SIB/displacement). Zero means "not decoded". Immediates are not cached: handlers fetch
 * them from RAM, so they are never stale. {@link #marks} flags pages that have a slot; every
 * store to RAM (guest stores through any CPU's MMU, page-walk A/D updates) tests the mark and
 * clears the entries that could include the written bytes. Host writes through PhysicalMemory
 * bump its hostWriteEpoch, which flushes everything. Eviction and flushes bump {@link #gen}, so
 * a CPU holding a slot's arrays re-acquires them before the next use.
 */
final class DecodeCache {
  static final int SLOTS = 128;

  /** Per RAM page: 1 while the page has a slot. */
  final byte[] marks;
  /** Per RAM page: slot + 1, or 0 when the page has no slot. */
  final int[] slotOfPage;
  private final int[] pageOfSlot = new int[SLOTS];
  private final long[][] hdrs = new long[SLOTS][];
  private final long[][] mrms = new long[SLOTS][];
  /** Per slot: pre-decoded blocks by start offset (Block engine), and a bit per byte they cover. */
  private final Block[][] blocks = new Block[SLOTS][];
  private final long[][] blockBits = new long[SLOTS][];
  /** Per slot: some block is cached (its arrays need clearing when dropped). */
  private final boolean[] hasBlocks = new boolean[SLOTS];
  private int clock;
  /** Bumped whenever a slot changes owner or everything is flushed. */
  long gen = 1;
  /** PhysicalMemory.hostWriteEpoch() this cache is consistent with. */
  long seenEpoch;
  private final PhysicalMemory memory;
  /** Statistics (diagnostics, tests). */
  long invalidations;
  long flushes;

  private DecodeCache(PhysicalMemory memory) {
    this.memory = memory;
    int pages = (int) (memory.size() >>> 12);
    marks = new byte[pages];
    slotOfPage = new int[pages];
    Arrays.fill(pageOfSlot, -1);
    seenEpoch = memory.hostWriteEpoch();
  }

  /** The cache of this memory (created on first use; it lives and dies with the memory). */
  static DecodeCache of(PhysicalMemory memory) {
    synchronized (memory) {
      if (memory.cpuCache() instanceof DecodeCache c) {
        return c;
      }
      DecodeCache c = new DecodeCache(memory);
      memory.setCpuCache(c);
      return c;
    }
  }

  /** Slot index (+1 encoded as 0 = none) of a RAM page, allocating one (evicting round-robin). */
  int acquire(int page) {
    if (memory.hostWriteEpoch() != seenEpoch) {
      flushAll();
    }
    int s = slotOfPage[page] - 1;
    if (s >= 0) {
      return s;
    }
    s = clock;
    clock = (clock + 1) % SLOTS;
    int old = pageOfSlot[s];
    if (old >= 0) {
      slotOfPage[old] = 0;
      marks[old] = 0;
      gen++;
    }
    if (hdrs[s] == null) {
      hdrs[s] = new long[PhysicalMemory.PAGE_SIZE];
      mrms[s] = new long[PhysicalMemory.PAGE_SIZE];
      blocks[s] = new Block[PhysicalMemory.PAGE_SIZE];
      blockBits[s] = new long[PhysicalMemory.PAGE_SIZE / 64];
    } else {
      Arrays.fill(hdrs[s], 0);
      Arrays.fill(mrms[s], 0);
      dropBlocks(s);
    }
    pageOfSlot[s] = page;
    slotOfPage[page] = s + 1;
    marks[page] = 1;
    return s;
  }

  long[] hdr(int slot) {
    return hdrs[slot];
  }

  long[] mrm(int slot) {
    return mrms[slot];
  }

  Block[] blocks(int slot) {
    return blocks[slot];
  }

  /** Caches a block decoded at its start offset in the slot's page. */
  void putBlock(int slot, Block b) {
    blocks[slot][b.start] = b;
    long[] bits = blockBits[slot];
    // An empty block (unsupported first instruction) covers its first byte.
    for (int i = b.start, e = b.n == 0 ? b.start + 1 : b.limit(); i < e; i++) {
      bits[i >>> 6] |= 1L << i;
    }
    hasBlocks[slot] = true;
  }

  private void dropBlocks(int s) {
    if (hasBlocks[s]) {
      Block[] bs = blocks[s];
      for (int i = 0; i < bs.length; i++) {
        if (bs[i] != null) {
          bs[i].dead = true; // successor links elsewhere may still point at it
          bs[i] = null;
        }
      }
      Arrays.fill(blockBits[s], 0);
      hasBlocks[s] = false;
    }
  }

  /** Drops every decoded instruction (host wrote RAM). */
  void flushAll() {
    for (int s = 0; s < SLOTS; s++) {
      int p = pageOfSlot[s];
      if (p >= 0) {
        slotOfPage[p] = 0;
        marks[p] = 0;
        pageOfSlot[s] = -1;
      }
      if (blocks[s] != null) {
        dropBlocks(s);
      }
    }
    clock = 0;
    gen++;
    flushes++;
    seenEpoch = memory.hostWriteEpoch();
  }

  /**
   * RAM bytes [pa, pa + size) were written: drops the decoded instructions that could include
   * them (those starting up to 14 bytes before, on a marked page; cached bytes never cross a
   * page, so only the written pages matter).
   */
  boolean written(long pa, int size) {
    boolean dropped = false;
    long end = pa + size; // exclusive
    long first = pa - 14;
    int p0 = (int) (pa >>> 12);
    int p1 = (int) ((end - 1) >>> 12);
    for (int p = p0; p <= p1; p++) {
      if (p >= marks.length || marks[p] == 0) {
        continue;
      }
      int s = slotOfPage[p] - 1;
      long base = (long) p << 12;
      int from = (int) Math.max(first, base) - (int) base;
      int to = (int) Math.min(end, base + PhysicalMemory.PAGE_SIZE) - (int) base;
      long[] h = hdrs[s];
      long[] m = mrms[s];
      for (int i = from; i < to; i++) {
        h[i] = 0;
        m[i] = 0;
      }
      invalidations++;
      if (hasBlocks[s]) {
        // Blocks are dropped whole (per page) when a byte they were decoded from is written.
        int w0 = (int) Math.max(pa, base) - (int) base;
        long[] bits = blockBits[s];
        for (int i = w0; i < to; i++) {
          if ((bits[i >>> 6] & (1L << i)) != 0) {
            dropBlocks(s);
            dropped = true;
            break;
          }
        }
      }
    }
    return dropped;
  }
}
