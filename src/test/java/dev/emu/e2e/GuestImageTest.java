package dev.emu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The Maven build ran make and packaged kernel.elf as a resource; check it is a PVH kernel the way
 * QEMU's loader reads it (ELF64, x86-64, PT_LOAD segments, a Xen note of type 18 = entry point).
 * Parsed by hand here on purpose: an oracle independent of emu's own loader.
 */
class GuestImageTest {
  private static final int PT_LOAD = 1;
  private static final int PT_NOTE = 4;
  private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  static byte[] resource(String name) throws IOException {
    try (InputStream in = GuestImageTest.class.getResourceAsStream("/dev/emu/guest/" + name)) {
      assertThat(in).as("resource dev/emu/guest/%s on the classpath", name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void kernelElf_isPvhElf64WithEntryNoteAndLoadSegments() throws IOException {
    ByteBuffer elf = ByteBuffer.wrap(resource("kernel.elf")).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(elf.getInt(0)).as("ELF magic").isEqualTo(0x464c457f);
    assertThat(elf.get(4)).as("EI_CLASS = ELFCLASS64").isEqualTo((byte) 2);
    assertThat(elf.get(5)).as("EI_DATA = little endian").isEqualTo((byte) 1);
    assertThat(elf.getShort(18)).as("e_machine = EM_X86_64").isEqualTo((short) 62);
    long phoff = elf.getLong(32);
    int phentsize = elf.getShort(54) & 0xffff;
    int phnum = elf.getShort(56) & 0xffff;
    int loads = 0;
    long entry = -1;
    for (int i = 0; i < phnum; i++) {
      int ph = (int) (phoff + (long) i * phentsize);
      int type = elf.getInt(ph);
      if (type == PT_LOAD) {
        loads++;
        assertThat(elf.getLong(ph + 24)).as("p_paddr below 4 GiB").isLessThan(1L << 32);
      } else if (type == PT_NOTE) {
        int off = (int) elf.getLong(ph + 8);
        int end = off + (int) elf.getLong(ph + 32);
        while (off + 12 <= end) {
          int namesz = elf.getInt(off);
          int descsz = elf.getInt(off + 4);
          int ntype = elf.getInt(off + 8);
          int desc = off + 12 + ((namesz + 3) & ~3);
          String name = new String(elf.array(), off + 12, Math.max(0, namesz - 1));
          if (name.equals("Xen") && ntype == XEN_ELFNOTE_PHYS32_ENTRY) {
            entry = descsz >= 8 ? elf.getLong(desc) : elf.getInt(desc) & 0xffffffffL;
          }
          off = desc + ((descsz + 3) & ~3);
        }
      }
    }
    assertThat(loads).as("PT_LOAD segments").isPositive();
    assertThat(entry).as("PVH entry from the Xen note").isBetween(0x100000L, (1L << 32) - 1);
  }
}
