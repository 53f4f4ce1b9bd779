package dev.emu.devices.pvh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.core.mem.PhysicalMemory;
import dev.emu.devices.board.BootException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PvhLoaderTest {
  private static final long RAM = 32L << 20;
  private static final List<E820Entry> MAP = List.of(
      new E820Entry(0, 0x9fc00, E820Entry.RAM), new E820Entry(0x100000, RAM - 0x100000, E820Entry.RAM));
  private static final List<PvhLoader.Protected> PROTECTED = List.of(
      new PvhLoader.Protected("the PVH boot data", 0x1000, 0x3000),
      new PvhLoader.Protected("the ACPI/SMBIOS tables", 0xE0000, 0x100000));

  private static PvhLoader.BootImage load(PhysicalMemory mem, byte[] elf, String cmdline, byte[] initrd)
      throws BootException {
    return PvhLoader.load(mem, ElfImage.parse(elf), cmdline, initrd, 0xE0000, MAP, PROTECTED);
  }

  @Test
  void load_minimalKernel_segmentsAtPaddrAndBssZeroed() throws Exception {
    PhysicalMemory mem = new PhysicalMemory((int) RAM);
    Arrays.fill(mem.array(), 0x101000, 0x103000, (byte) 0xAA); // garbage where the bss goes
    byte[] file = TestElf.minimalKernel().build();
    PvhLoader.BootImage boot = load(mem, file, "", null);
    assertThat(boot.entry()).isEqualTo(0x100000);
    assertThat(boot.kernelEnd()).isEqualTo(0x103000);
    for (int i = 0; i < 4096; i++) {
      assertThat(mem.read8(0x100000 + i)).isEqualTo((i * 7 + 1) & 0xff);
    }
    for (int i = 0x101000; i < 0x103000; i++) {
      assertThat(mem.read8(i)).isZero();
    }
  }

  @Test
  void load_startInfo_matchesHvmStartInfoV1Layout() throws Exception {
    PhysicalMemory mem = new PhysicalMemory((int) RAM);
    byte[] initrd = new byte[5000];
    Arrays.fill(initrd, (byte) 0x5A);
    PvhLoader.BootImage boot = load(mem, TestElf.minimalKernel().build(), "console=ttyS0 quiet", initrd);
    long si = boot.startInfo();
    assertThat(si).isEqualTo(PvhLoader.START_INFO);
    assertThat(mem.read32(si)).isEqualTo(0x336ec578);
    assertThat(mem.read32(si + 4)).isEqualTo(1);
    assertThat(mem.read32(si + 0x0c)).isEqualTo(1);            // nr_modules
    long modlist = mem.read64(si + 0x10);
    long cmdline = mem.read64(si + 0x18);
    assertThat(mem.read64(si + 0x20)).isEqualTo(0xE0000);        // rsdp_paddr
    long memmap = mem.read64(si + 0x28);
    assertThat(mem.read32(si + 0x30)).isEqualTo(2);              // memmap_entries
    byte[] cmd = new byte[19];
    mem.copyOut(cmdline, cmd, 0, cmd.length);
    assertThat(new String(cmd, StandardCharsets.US_ASCII)).isEqualTo("console=ttyS0 quiet");
    assertThat(mem.read8(cmdline + 19)).isZero();
    long initrdAddr = mem.read64(modlist);
    assertThat(initrdAddr).isEqualTo((RAM - 5000) & ~0xFFFL).isEqualTo(boot.initrdAddress());
    assertThat(initrdAddr & 0xFFF).isZero();
    assertThat(mem.read64(modlist + 8)).isEqualTo(5000);
    assertThat(mem.read8(initrdAddr)).isEqualTo(0x5A);
    assertThat(mem.read8(initrdAddr + 4999)).isEqualTo(0x5A);
    assertThat(mem.read64(memmap + 24)).isEqualTo(0x100000);     // entry 1: addr, size, type
    assertThat(mem.read64(memmap + 32)).isEqualTo(RAM - 0x100000);
    assertThat(mem.read32(memmap + 40)).isEqualTo(E820Entry.RAM);
  }

  @Test
  void load_noInitrd_noModules() throws Exception {
    PhysicalMemory mem = new PhysicalMemory((int) RAM);
    load(mem, TestElf.minimalKernel().build(), "", null);
    assertThat(mem.read32(PvhLoader.START_INFO + 0x0c)).isZero();
    assertThat(mem.read64(PvhLoader.START_INFO + 0x10)).isZero();
  }

  @Test
  void parse_fourBytePvhNote_accepted() throws Exception {
    byte[] file = new TestElf().segment(0x200000, new byte[16], 16).pvhEntry(0x200004, 4).build();
    assertThat(ElfImage.parse(file).pvhEntry()).isEqualTo(0x200004);
  }

  @Test
  void symbols_lookupGivesSymbolPlusOffset() throws Exception {
    SymbolTable s = ElfImage.parse(TestElf.minimalKernel().build()).symbols();
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.lookup(0xffffffff80100000L)).isEqualTo("pvh_start32");
    assertThat(s.lookup(0xffffffff80100052L)).isEqualTo("kmain+0x12");
    assertThat(s.lookup(0xffffffff80100140L)).isNull();  // past kmain's size
    assertThat(s.lookup(0x1000)).isNull();
    assertThat(s.address("kmain")).isEqualTo(0xffffffff80100040L);
  }

  @Test
  void symbols_absoluteConstantsAndFarAddressesAreNotAttributed() throws Exception {
    byte[] file = TestElf.minimalKernel().absoluteSymbol("vector", 0xec).symbol("label", 0x1000, 0).build();
    SymbolTable s = ElfImage.parse(file).symbols();
    assertThat(s.address("vector")).isEqualTo(-1);
    assertThat(s.lookup(0xfff0)).isEqualTo("label+0xeff0");
    assertThat(s.lookup(0x1000 + 0x1_0000)).isNull();  // too far past an unsized label
  }

  @Test
  void parse_rejectsBadFilesWithOneLineReasons() {
    byte[] good = TestElf.minimalKernel().build();
    assertRejected("hello world".getBytes(StandardCharsets.US_ASCII), "not an ELF file");
    assertRejected(Arrays.copyOf(good, 40), "truncated ELF file");
    assertRejected(new TestElf().elfClass(1).segment(0x100000, new byte[4], 4).pvhEntry(0x100000, 8).build(),
        "not an ELF64 file");
    assertRejected(new TestElf().machine(3).segment(0x100000, new byte[4], 4).pvhEntry(0x100000, 8).build(),
        "not an x86-64 ELF file");
    assertRejected(new TestElf().segment(0x100000, new byte[4], 4).build(), "no XEN_ELFNOTE_PHYS32_ENTRY");
    assertRejected(Arrays.copyOf(good, 64 + 56 * 2 + 100), "truncated ELF file: segment 0");
  }

  @Test
  void load_rejectsSegmentsOutsideRamOrOverBootData() {
    PhysicalMemory mem = new PhysicalMemory((int) RAM);
    byte[] high = new TestElf().segment(RAM - 0x1000, new byte[16], 0x2000).pvhEntry(RAM - 0x1000, 8).build();
    assertThatThrownBy(() -> load(mem, high, "", null)).isInstanceOf(BootException.class)
        .hasMessageContaining("lies outside RAM");
    byte[] low = new TestElf().segment(0x2000, new byte[16], 16).pvhEntry(0x2000, 8).build();
    assertThatThrownBy(() -> load(mem, low, "", null)).isInstanceOf(BootException.class)
        .hasMessageContaining("overlaps the PVH boot data");
    byte[] acpi = new TestElf().segment(0xF0000, new byte[16], 16).pvhEntry(0xF0000, 8).build();
    assertThatThrownBy(() -> load(mem, acpi, "", null)).isInstanceOf(BootException.class)
        .hasMessageContaining("overlaps the ACPI/SMBIOS tables");
    byte[] entry = new TestElf().segment(0x100000, new byte[16], 16).pvhEntry(0x300000, 8).build();
    assertThatThrownBy(() -> load(mem, entry, "", null)).isInstanceOf(BootException.class)
        .hasMessageContaining("not inside a loaded segment");
    byte[] bigInitrd = new byte[(int) RAM - 0x100000];
    assertThatThrownBy(() -> load(mem, TestElf.minimalKernel().build(), "", bigInitrd))
        .isInstanceOf(BootException.class).hasMessageContaining("initrd");
    assertThatThrownBy(() -> load(mem, TestElf.minimalKernel().build(), "x".repeat(4096), null))
        .isInstanceOf(BootException.class).hasMessageContaining("command line too long");
  }

  private static void assertRejected(byte[] file, String reason) {
    assertThatThrownBy(() -> ElfImage.parse(file)).isInstanceOf(BootException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
