package dev.emu.devices.pvh;

import dev.emu.core.mem.PhysicalMemory;
import dev.emu.devices.board.BootException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads a PVH kernel the way QEMU's {@code -kernel} does for an ELF with a Xen PVH note: the
 * PT_LOAD segments at their physical addresses (p_paddr; bss zeroed), the initramfs as module 0
 * page-aligned at the top of RAM, and the boot data the PVH ABI defines (Xen
 * public/arch-x86/hvm/start_info.h, version 1): hvm_start_info, the module list, the e820-style
 * memory map and the command line, all in the reserved page pair at {@link #BOOT_DATA_START}.
 * The BSP then enters at the note's address with EBX = {@link #START_INFO}.
 */
public final class PvhLoader {
  public static final int START_INFO_MAGIC = 0x336e_c578;
  /** Reserved boot data: [0x1000, 0x3000). */
  public static final long BOOT_DATA_START = 0x1000;
  public static final long BOOT_DATA_END = 0x3000;
  public static final long START_INFO = 0x1000;
  static final long MODLIST = 0x1040;
  static final long MEMMAP = 0x1080;
  static final int MEMMAP_ENTRY_SIZE = 24;
  static final int MAX_MEMMAP_ENTRIES = (int) ((0x2000 - MEMMAP) / MEMMAP_ENTRY_SIZE);
  static final long CMDLINE = 0x2000;
  /** Command line bytes, excluding the terminating NUL. */
  public static final int MAX_CMDLINE = 0x1000 - 1;
  static final long PAGE_MASK = 0xFFF;

  /** A physical range the kernel must not overlap (the loader or the board writes it). */
  public record Protected(String what, long start, long end) {}

  /** Where things landed. */
  public record BootImage(long entry, long startInfo, long kernelEnd, long initrdAddress,
      long initrdSize, SymbolTable symbols) {}

  private PvhLoader() {}

  /**
   * Validates the placement, then writes the kernel, initrd and boot data into {@code memory}.
   * Nothing is written if a check fails.
   */
  public static BootImage load(PhysicalMemory memory, ElfImage elf, String cmdline, byte[] initrd,
      long rsdp, List<E820Entry> memoryMap, List<Protected> protectedRanges) throws BootException {
    long ram = memory.size();
    long kernelEnd = 0;
    boolean entryInside = false;
    for (ElfImage.Segment s : elf.segments()) {
      long start = s.paddr();
      long end = start + s.memSize();
      if (start < 0 || end < start || end > ram) {
        throw new BootException(String.format("kernel segment %d at 0x%x (size 0x%x) lies outside RAM (%d MiB)",
            s.index(), start, s.memSize(), ram >> 20));
      }
      for (Protected p : protectedRanges) {
        if (start < p.end() && p.start() < end) {
          throw new BootException(String.format("kernel segment %d [0x%x-0x%x) overlaps %s at [0x%x-0x%x)",
              s.index(), start, end, p.what(), p.start(), p.end()));
        }
      }
      kernelEnd = Math.max(kernelEnd, end);
      entryInside |= elf.pvhEntry() >= start && elf.pvhEntry() < end;
    }
    if (!entryInside || elf.pvhEntry() >= 0x1_0000_0000L) {
      throw new BootException(String.format("PVH entry 0x%x is not inside a loaded segment below 4 GiB",
          elf.pvhEntry()));
    }
    byte[] cmd = cmdline == null ? new byte[0] : cmdline.getBytes(StandardCharsets.UTF_8);
    if (cmd.length > MAX_CMDLINE) {
      throw new BootException("kernel command line too long: " + cmd.length + " bytes (max " + MAX_CMDLINE + ")");
    }
    if (memoryMap.size() > MAX_MEMMAP_ENTRIES) {
      throw new BootException("memory map has too many entries: " + memoryMap.size());
    }
    long initrdAddr = 0;
    if (initrd != null && initrd.length > 0) {
      initrdAddr = (ram - initrd.length) & ~PAGE_MASK;
      long kernelTop = (kernelEnd + PAGE_MASK) & ~PAGE_MASK;
      if (initrd.length > ram || initrdAddr < kernelTop) {
        throw new BootException(String.format("initrd (%d bytes) does not fit in RAM above the kernel (ends at 0x%x)",
            initrd.length, kernelEnd));
      }
    }

    byte[] file = elf.bytes();
    for (ElfImage.Segment s : elf.segments()) {
      memory.load(s.paddr(), file, (int) s.offset(), (int) s.fileSize());
      zero(memory, s.paddr() + s.fileSize(), s.memSize() - s.fileSize());
    }
    if (initrdAddr != 0) {
      memory.load(initrdAddr, initrd);
    }
    zero(memory, BOOT_DATA_START, BOOT_DATA_END - BOOT_DATA_START);
    memory.load(CMDLINE, cmd);
    int modules = initrdAddr != 0 ? 1 : 0;
    if (modules == 1) {
      memory.write64(MODLIST, initrdAddr);       // paddr
      memory.write64(MODLIST + 8, initrd.length); // size
      memory.write64(MODLIST + 16, 0);           // cmdline_paddr: none
      memory.write64(MODLIST + 24, 0);           // reserved
    }
    for (int i = 0; i < memoryMap.size(); i++) {
      E820Entry e = memoryMap.get(i);
      long at = MEMMAP + (long) i * MEMMAP_ENTRY_SIZE;
      memory.write64(at, e.address());
      memory.write64(at + 8, e.size());
      memory.write32(at + 16, e.type());
      memory.write32(at + 20, 0);
    }
    memory.write32(START_INFO, START_INFO_MAGIC);
    memory.write32(START_INFO + 0x04, 1);                 // version
    memory.write32(START_INFO + 0x08, 0);                 // flags
    memory.write32(START_INFO + 0x0C, modules);           // nr_modules
    memory.write64(START_INFO + 0x10, modules == 1 ? MODLIST : 0); // modlist_paddr
    memory.write64(START_INFO + 0x18, CMDLINE);           // cmdline_paddr
    memory.write64(START_INFO + 0x20, rsdp);              // rsdp_paddr
    memory.write64(START_INFO + 0x28, MEMMAP);            // memmap_paddr
    memory.write32(START_INFO + 0x30, memoryMap.size());  // memmap_entries
    memory.write32(START_INFO + 0x34, 0);                 // reserved
    memory.notifyHostWrite(BOOT_DATA_START, (int) (BOOT_DATA_END - BOOT_DATA_START));
    return new BootImage(elf.pvhEntry(), START_INFO, kernelEnd, initrdAddr,
        initrd == null ? 0 : initrd.length, elf.symbols());
  }

  private static void zero(PhysicalMemory memory, long at, long len) {
    java.util.Arrays.fill(memory.array(), (int) at, (int) (at + len), (byte) 0);
    memory.notifyHostWrite(at, (int) len);
  }
}
