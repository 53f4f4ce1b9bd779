package dev.emu.cli.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .modinfo from a real gcc-compiled relocatable object, laid out as Linux's MODULE_* macros do. */
public class ModInfoTest {
  @TempDir Path dir;

  /** As Linux's __MODULE_INFO(tag, name, info): a unique symbol NAME holding "tag=info" in .modinfo. */
  static final String SOURCE = """
      #define MODINFO(name, tag, info) static const char __modinfo_##name[] \\
          __attribute__((section(".modinfo"), used, aligned(1))) = #tag "=" info
      MODINFO(l, license, "GPL");
      MODINFO(d, description, "Spin in module init: a soft lockup");
      MODINFO(p1, parm, "seconds:how long to spin");
      MODINFO(t1, parmtype, "seconds:int");
      MODINFO(t2, parmtype, "cpu:uint");
      int seconds = 30;
      int init_module(void) { return seconds; }
      """;

  /** Compiles SOURCE with the host gcc into DIR/name.ko (an ELF64 relocatable, like ld -r output). */
  public static Path buildKo(Path dir, String name) throws IOException, InterruptedException {
    Path c = Files.writeString(dir.resolve(name + ".c"), SOURCE);
    Path ko = dir.resolve(name + ".ko");
    Process p = new ProcessBuilder("gcc", "-c", "-o", ko.toString(), c.toString()).redirectErrorStream(true).start();
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
    assumeTrue(p.exitValue() == 0, "gcc failed: " + new String(p.getInputStream().readAllBytes()));
    return ko;
  }

  public static boolean hasGcc() {
    try {
      return new ProcessBuilder("gcc", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void parse_gccObject_descriptionAndParameters() throws Exception {
    assumeTrue(hasGcc(), "gcc is not installed");
    ModInfo m = ModInfo.parse("softLockup", Files.readAllBytes(buildKo(dir, "softLockup")));
    assertThat(m.description()).isEqualTo("Spin in module init: a soft lockup");
    assertThat(m.params()).containsExactly(java.util.Map.entry("seconds", "how long to spin (int)"),
        java.util.Map.entry("cpu", "(uint)"));
    assertThat(m.fields()).containsEntry("license", "GPL");
  }

  @Test
  void noModinfo_isEmpty_andNonElfIsRejected() {
    byte[] elf = new byte[64];
    elf[0] = 0x7f;
    elf[1] = 'E';
    elf[2] = 'L';
    elf[3] = 'F';
    elf[4] = 2;
    elf[5] = 1;
    assertThat(ModInfo.parse("x", elf).description()).isEmpty();
    assertThatThrownBy(() -> ModInfo.parse("x", "hello".getBytes())).isInstanceOf(IllegalArgumentException.class);
    elf[4] = 1;
    assertThatThrownBy(() -> ModInfo.parse("x", elf)).hasMessageContaining("ELF64");
  }

  @Test
  void damagedFiles_onlyEverIllegalArgument() throws Exception {
    assumeTrue(hasGcc(), "gcc is not installed");
    byte[] good = Files.readAllBytes(buildKo(dir, "m"));
    Random r = new Random(1);
    for (int i = 0; i < 2000; i++) {
      byte[] bad = java.util.Arrays.copyOf(good, i % 3 == 0 ? r.nextInt(good.length) : good.length);
      for (int k = 0; k < 4 && bad.length > 64; k++) {
        bad[r.nextInt(Math.min(bad.length, 64)) ] = (byte) r.nextInt();
        bad[r.nextInt(bad.length)] = (byte) r.nextInt();
      }
      try {
        ModInfo.parse("m", bad);
      } catch (IllegalArgumentException expected) {
        // fine: reported as one line by the modules command
      }
    }
  }
}
