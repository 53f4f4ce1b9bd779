package dev.emu.devices.pvh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ELF64 x86-64 executables for loader tests, laid out per the System V gABI:
 * header, program headers, segment data, note, then (optionally) .symtab/.strtab/.shstrtab.
 */
public final class TestElf {
  private record Seg(long paddr, long vaddr, byte[] data, long memSize) {}

  private record Sym(String name, long value, long size, int shndx) {}

  private final List<Seg> segments = new ArrayList<>();
  private final List<Sym> symbols = new ArrayList<>();
  private long pvhEntry = -1;
  private int pvhDescSize = 8;
  private int machine = 62;
  private int elfClass = 2;

  public TestElf segment(long paddr, byte[] data, long memSize) {
    return segment(paddr, 0xffffffff80000000L + paddr, data, memSize);
  }

  public TestElf segment(long paddr, long vaddr, byte[] data, long memSize) {
    segments.add(new Seg(paddr, vaddr, data, memSize));
    return this;
  }

  public TestElf pvhEntry(long entry, int descSize) {
    this.pvhEntry = entry;
    this.pvhDescSize = descSize;
    return this;
  }

  public TestElf symbol(String name, long value, long size) {
    symbols.add(new Sym(name, value, size, 1));
    return this;
  }

  /** An SHN_ABS symbol (an assembler constant such as {@code .set vector, 0xec}). */
  public TestElf absoluteSymbol(String name, long value) {
    symbols.add(new Sym(name, value, 0, 0xFFF1));
    return this;
  }

  public TestElf machine(int m) {
    this.machine = m;
    return this;
  }

  public TestElf elfClass(int c) {
    this.elfClass = c;
    return this;
  }

  /** A valid kernel: 4 KiB of code at 1 MiB with 8 KiB of bss, entry at 1 MiB, one symbol. */
  public static TestElf minimalKernel() {
    byte[] code = new byte[4096];
    for (int i = 0; i < code.length; i++) {
      code[i] = (byte) (i * 7 + 1);
    }
    return new TestElf().segment(0x100000, code, 0x3000).pvhEntry(0x100000, 8)
        .symbol("pvh_start32", 0xffffffff80100000L, 0x40).symbol("kmain", 0xffffffff80100040L, 0x100);
  }

  public byte[] build() {
    boolean note = pvhEntry >= 0;
    int phnum = segments.size() + (note ? 1 : 0);
    int dataStart = 64 + 56 * phnum;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long[] offsets = new long[segments.size()];
    for (int i = 0; i < segments.size(); i++) {
      offsets[i] = dataStart + body.size();
      body.writeBytes(segments.get(i).data());
      while (body.size() % 8 != 0) {
        body.write(0);
      }
    }
    long noteOff = dataStart + body.size();
    int noteLen = 0;
    if (note) {
      ByteBuffer n = le(12 + 4 + pvhDescSize);
      n.putInt(4).putInt(pvhDescSize).putInt(18).put("Xen\0".getBytes(StandardCharsets.US_ASCII));
      if (pvhDescSize == 8) {
        n.putLong(pvhEntry);
      } else {
        n.putInt((int) pvhEntry);
      }
      body.writeBytes(n.array());
      noteLen = n.capacity();
    }
    // Symbol table sections
    long shoff = 0;
    int shnum = 0;
    byte[] tail = new byte[0];
    long tailOff = dataStart + body.size();
    if (!symbols.isEmpty()) {
      ByteArrayOutputStream strtab = new ByteArrayOutputStream();
      strtab.write(0);
      ByteBuffer symtab = le(24 * (symbols.size() + 1));
      symtab.position(24);
      for (Sym s : symbols) {
        int name = strtab.size();
        strtab.writeBytes(s.name().getBytes(StandardCharsets.US_ASCII));
        strtab.write(0);
        symtab.putInt(name).put((byte) 0x12).put((byte) 0).putShort((short) s.shndx()).putLong(s.value()).putLong(s.size());
      }
      byte[] shstr = "\0.symtab\0.strtab\0".getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream t = new ByteArrayOutputStream();
      long symOff = tailOff;
      t.writeBytes(symtab.array());
      long strOff = tailOff + t.size();
      t.writeBytes(strtab.toByteArray());
      long shstrOff = tailOff + t.size();
      t.writeBytes(shstr);
      while (t.size() % 8 != 0) {
        t.write(0);
      }
      shoff = tailOff + t.size();
      ByteBuffer sh = le(64 * 4);
      sh.position(64); // null section
      sh.putInt(1).putInt(2).putLong(0).putLong(0).putLong(symOff).putLong(symtab.capacity()).putInt(2).putInt(1)
          .putLong(8).putLong(24);
      sh.putInt(9).putInt(3).putLong(0).putLong(0).putLong(strOff).putLong(strtab.size()).putInt(0).putInt(0)
          .putLong(1).putLong(0);
      sh.putInt(17).putInt(3).putLong(0).putLong(0).putLong(shstrOff).putLong(shstr.length).putInt(0).putInt(0)
          .putLong(1).putLong(0);
      t.writeBytes(sh.array());
      tail = t.toByteArray();
      shnum = 4;
    }
    ByteBuffer h = le(dataStart);
    h.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
    h.position(16);
    h.putShort((short) 2).putShort((short) machine).putInt(1).putLong(0x100000).putLong(64).putLong(shoff)
        .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
        .putShort((short) shnum).putShort((short) (shnum > 0 ? 3 : 0));
    for (int i = 0; i < segments.size(); i++) {
      Seg s = segments.get(i);
      h.putInt(1).putInt(7).putLong(offsets[i]).putLong(s.vaddr()).putLong(s.paddr()).putLong(s.data().length)
          .putLong(s.memSize()).putLong(0x1000);
    }
    if (note) {
      h.putInt(4).putInt(4).putLong(noteOff).putLong(0).putLong(0).putLong(noteLen).putLong(noteLen).putLong(4);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    out.writeBytes(body.toByteArray());
    out.writeBytes(tail);
    return out.toByteArray();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
