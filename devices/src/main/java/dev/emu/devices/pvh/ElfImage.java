package dev.emu.devices.pvh;

import dev.emu.devices.board.BootException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF64 x86-64 executable a PVH loader needs (System V gABI, "ELF-64 Object File
 * Format" 1.5): the PT_LOAD segments, the XEN_ELFNOTE_PHYS32_ENTRY note from the PT_NOTE
 * segments, and the symbol table (SHT_SYMTAB with its string table) for the monitor.
 *
 * <p>Every offset and size read from the file is bounds-checked before use, so a damaged file is
 * refused with a one-line {@link BootException}; the symbol table is optional and a malformed one
 * is ignored rather than refused (QEMU does not need it either).
 */
public final class ElfImage {
  static final int EHDR_SIZE = 64;
  static final int PHDR_SIZE = 56;
  static final int SHDR_SIZE = 64;
  static final int SYM_SIZE = 24;
  static final int ELFCLASS64 = 2;
  static final int ELFDATA2LSB = 1;
  static final int ET_EXEC = 2;
  static final int EM_X86_64 = 62;
  static final int PT_LOAD = 1;
  static final int PT_NOTE = 4;
  static final int SHT_SYMTAB = 2;
  static final int STT_OBJECT = 1;
  static final int STT_FUNC = 2;
  static final int STT_NOTYPE = 0;
  /** Section indexes from here up are special (SHN_ABS constants, SHN_COMMON): not code. */
  static final int SHN_LORESERVE = 0xFF00;
  /** Xen public/elfnote.h: the 32-bit physical entry point of a PVH kernel. */
  public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  /** One PT_LOAD program header. */
  public record Segment(int index, long offset, long paddr, long vaddr, long fileSize, long memSize) {}

  private final byte[] file;
  private final List<Segment> segments = new ArrayList<>();
  private long pvhEntry = -1;
  private SymbolTable symbols = SymbolTable.EMPTY;

  private ElfImage(byte[] file) {
    this.file = file;
  }

  /** Parses and validates {@code file}; throws a one-line reason if it is not a usable PVH ELF. */
  public static ElfImage parse(byte[] file) throws BootException {
    ElfImage elf = new ElfImage(file);
    elf.parseHeader();
    return elf;
  }

  public byte[] bytes() {
    return file;
  }

  public List<Segment> segments() {
    return segments;
  }

  /** The PVH entry (physical, 32-bit protected mode). */
  public long pvhEntry() {
    return pvhEntry;
  }

  public SymbolTable symbols() {
    return symbols;
  }

  private void parseHeader() throws BootException {
    if (file.length < 4 || file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
      throw new BootException("not an ELF file (bad magic)");
    }
    if (file.length < EHDR_SIZE) {
      throw new BootException("truncated ELF file: " + file.length + " bytes is shorter than the ELF header");
    }
    if (file[4] != ELFCLASS64) {
      throw new BootException("not an ELF64 file (class " + file[4] + "): a PVH kernel must be a 64-bit ELF");
    }
    if (file[5] != ELFDATA2LSB) {
      throw new BootException("not a little-endian ELF file");
    }
    int machine = u16(18);
    if (machine != EM_X86_64) {
      throw new BootException("not an x86-64 ELF file (e_machine " + machine + ")");
    }
    int type = u16(16);
    if (type != ET_EXEC) {
      throw new BootException("not an executable ELF file (e_type " + type + ")");
    }
    long phoff = u64(32);
    int phentsize = u16(54);
    int phnum = u16(56);
    if (phnum == 0) {
      throw new BootException("ELF file has no program headers");
    }
    if (phentsize < PHDR_SIZE) {
      throw new BootException("bad ELF program header size " + phentsize);
    }
    if (!inFile(phoff, (long) phentsize * phnum)) {
      throw new BootException("truncated ELF file: program headers end beyond the file");
    }
    for (int i = 0; i < phnum; i++) {
      parseProgramHeader(i, (int) phoff + i * phentsize);
    }
    if (segments.isEmpty()) {
      throw new BootException("ELF file has no loadable (PT_LOAD) segment");
    }
    if (pvhEntry < 0) {
      throw new BootException("not a PVH kernel: no XEN_ELFNOTE_PHYS32_ENTRY (Xen note type 18)");
    }
    symbols = parseSymbols();
  }

  private void parseProgramHeader(int i, int at) throws BootException {
    int type = u32(at);
    long offset = u64(at + 8);
    long vaddr = u64(at + 16);
    long paddr = u64(at + 24);
    long filesz = u64(at + 32);
    long memsz = u64(at + 40);
    if (type == PT_LOAD) {
      if (Long.compareUnsigned(filesz, memsz) > 0) {
        throw new BootException("bad ELF segment " + i + ": file size 0x" + Long.toHexString(filesz)
            + " exceeds memory size 0x" + Long.toHexString(memsz));
      }
      if (!inFile(offset, filesz)) {
        throw new BootException("truncated ELF file: segment " + i + " data ends beyond the file");
      }
      if (memsz != 0) {
        segments.add(new Segment(i, offset, paddr, vaddr, filesz, memsz));
      }
    } else if (type == PT_NOTE) {
      if (!inFile(offset, filesz)) {
        throw new BootException("truncated ELF file: note segment " + i + " ends beyond the file");
      }
      parseNotes((int) offset, (int) filesz);
    }
  }

  private void parseNotes(int at, int len) throws BootException {
    int end = at + len;
    while (at + 12 <= end) {
      long namesz = u32(at) & 0xFFFF_FFFFL;
      long descsz = u32(at + 4) & 0xFFFF_FFFFL;
      int type = u32(at + 8);
      long name = at + 12L;
      long desc = name + align4(namesz);
      long next = desc + align4(descsz);
      if (next > end) {
        throw new BootException("truncated ELF note at file offset 0x" + Integer.toHexString(at));
      }
      boolean xen = namesz == 4 && file[(int) name] == 'X' && file[(int) name + 1] == 'e'
          && file[(int) name + 2] == 'n' && file[(int) name + 3] == 0;
      if (xen && type == XEN_ELFNOTE_PHYS32_ENTRY) {
        if (descsz == 4) {
          pvhEntry = u32((int) desc) & 0xFFFF_FFFFL;
        } else if (descsz == 8) {
          pvhEntry = u64((int) desc);
        } else {
          throw new BootException("bad PVH entry note: descriptor size " + descsz);
        }
      }
      at = (int) next;
    }
  }

  private SymbolTable parseSymbols() {
    long shoff = u64(40);
    int shentsize = u16(58);
    int shnum = u16(60);
    if (shoff == 0 || shnum == 0 || shentsize < SHDR_SIZE || !inFile(shoff, (long) shentsize * shnum)) {
      return SymbolTable.EMPTY;
    }
    for (int i = 0; i < shnum; i++) {
      int sh = (int) shoff + i * shentsize;
      if (u32(sh + 4) != SHT_SYMTAB) {
        continue;
      }
      long symOff = u64(sh + 24);
      long symSize = u64(sh + 32);
      int link = u32(sh + 40);
      if (link <= 0 || link >= shnum || !inFile(symOff, symSize)) {
        return SymbolTable.EMPTY;
      }
      int strSh = (int) shoff + link * shentsize;
      long strOff = u64(strSh + 24);
      long strSize = u64(strSh + 32);
      if (!inFile(strOff, strSize)) {
        return SymbolTable.EMPTY;
      }
      return readSymbols((int) symOff, (int) (symSize / SYM_SIZE), (int) strOff, (int) strSize);
    }
    return SymbolTable.EMPTY;
  }

  private SymbolTable readSymbols(int at, int count, int strOff, int strSize) {
    SymbolTable.Builder b = new SymbolTable.Builder();
    for (int i = 0; i < count; i++) {
      int s = at + i * SYM_SIZE;
      int name = u32(s);
      int kind = file[s + 4] & 0xF;
      int shndx = u16(s + 6);
      long value = u64(s + 8);
      long size = u64(s + 16);
      if ((kind != STT_FUNC && kind != STT_OBJECT && kind != STT_NOTYPE) || shndx == 0
          || shndx >= SHN_LORESERVE || value == 0 || name <= 0 || name >= strSize) {
        continue;
      }
      int nameEnd = strOff + name;
      while (nameEnd < strOff + strSize && file[nameEnd] != 0) {
        nameEnd++;
      }
      if (nameEnd == strOff + name) {
        continue;
      }
      b.add(value, size, new String(file, strOff + name, nameEnd - strOff - name, StandardCharsets.UTF_8));
    }
    return b.build();
  }

  private static long align4(long v) {
    return (v + 3) & ~3L;
  }

  private boolean inFile(long offset, long len) {
    return offset >= 0 && len >= 0 && offset <= file.length && len <= file.length - offset;
  }

  private int u16(int at) {
    return (file[at] & 0xff) | (file[at + 1] & 0xff) << 8;
  }

  private int u32(int at) {
    return u16(at) | u16(at + 2) << 16;
  }

  private long u64(int at) {
    return (u32(at) & 0xFFFF_FFFFL) | (long) u32(at + 4) << 32;
  }
}
