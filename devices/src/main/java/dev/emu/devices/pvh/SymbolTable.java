package dev.emu.devices.pvh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The kernel's ELF symbols, sorted by address, for "symbol+offset" in the monitor. Immutable. */
public final class SymbolTable {
  public static final SymbolTable EMPTY = new SymbolTable(new long[0], new long[0], new String[0]);
  /** Beyond this distance past a sized-0 symbol (an assembly label), an address is not attributed to it. */
  static final long MAX_UNSIZED_OFFSET = 0x1_0000;

  private final long[] addresses;
  private final long[] sizes;
  private final String[] names;

  private SymbolTable(long[] addresses, long[] sizes, String[] names) {
    this.addresses = addresses;
    this.sizes = sizes;
    this.names = names;
  }

  public int size() {
    return names.length;
  }

  /** "name+0xoff" (or "name" at offset 0) for the symbol containing {@code addr}, else null. */
  public String lookup(long addr) {
    int lo = 0;
    int hi = addresses.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(addresses[mid], addr) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) {
      return null;
    }
    long off = addr - addresses[found];
    long limit = sizes[found] != 0 ? sizes[found] : MAX_UNSIZED_OFFSET;
    if (Long.compareUnsigned(off, limit) >= 0) {
      return null;
    }
    return off == 0 ? names[found] : names[found] + "+0x" + Long.toHexString(off);
  }

  /** Address of the first symbol named {@code name}, or -1. */
  public long address(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return addresses[i];
      }
    }
    return -1;
  }

  static final class Builder {
    private record Entry(long address, long size, String name) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(long address, long size, String name) {
      entries.add(new Entry(address, size, name));
    }

    SymbolTable build() {
      Entry[] sorted = entries.toArray(new Entry[0]);
      // Stable by address; at equal addresses prefer a sized symbol (a function over a label).
      Arrays.sort(sorted, (a, b) -> a.address != b.address
          ? Long.compareUnsigned(a.address, b.address) : Long.compare(a.size == 0 ? 0 : 1, b.size == 0 ? 0 : 1));
      long[] addrs = new long[sorted.length];
      long[] sizes = new long[sorted.length];
      String[] names = new String[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        addrs[i] = sorted[i].address;
        sizes[i] = sorted[i].size;
        names[i] = sorted[i].name;
      }
      return new SymbolTable(addrs, sizes, names);
    }
  }
}
