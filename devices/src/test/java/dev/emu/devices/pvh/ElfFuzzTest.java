package dev.emu.devices.pvh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.mem.PhysicalMemory;
import dev.emu.devices.board.BootException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged kernels: random byte mutations and truncations of a valid PVH ELF must either load or be
 * refused with a one-line BootException — never any other exception (seeded, deterministic).
 */
class ElfFuzzTest {
  private static final int ITERATIONS = 3000;

  @Test
  void mutatedAndTruncatedElf_onlyEverBootException() {
    byte[] good = TestElf.minimalKernel().build();
    PhysicalMemory mem = new PhysicalMemory(32 << 20);
    List<E820Entry> map = List.of(new E820Entry(0x100000, (32 << 20) - 0x100000, E820Entry.RAM));
    List<PvhLoader.Protected> prot = List.of(new PvhLoader.Protected("the PVH boot data", 0x1000, 0x3000));
    Random rnd = new Random(0x5EED);
    int loaded = 0;
    int refused = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] f = good.clone();
      if (rnd.nextInt(4) == 0) {
        f = java.util.Arrays.copyOf(f, rnd.nextInt(f.length));
      }
      int flips = 1 + rnd.nextInt(8);
      for (int k = 0; k < flips && f.length > 0; k++) {
        // bias towards the headers, where the interesting fields are
        int at = rnd.nextInt(4) == 0 ? rnd.nextInt(f.length) : rnd.nextInt(Math.min(f.length, 64 + 56 * 2));
        f[at] = (byte) (rnd.nextInt(3) == 0 ? 0xFF : rnd.nextInt(256));
      }
      try {
        ElfImage elf = ElfImage.parse(f);
        PvhLoader.load(mem, elf, "", null, 0xE0000, map, prot);
        elf.symbols().lookup(0xffffffff80100040L);
        loaded++;
      } catch (BootException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        refused++;
      }
    }
    assertThat(loaded + refused).isEqualTo(ITERATIONS);
    assertThat(refused).isGreaterThan(ITERATIONS / 10);
  }
}
