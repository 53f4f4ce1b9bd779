package dev.emu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds a test-only module from src/test/resources/dev/emu/e2e/sdk/NAME.c with scripts/emu-module-build. */
final class Sdk {
  private Sdk() {}

  /** Copies the C source into {@code dir}, builds {@code dir/NAME.ko} and returns its path. */
  static Path build(Path dir, String name) throws IOException, InterruptedException {
    Path src = dir.resolve(name + ".c");
    try (InputStream in = Sdk.class.getResourceAsStream("sdk/" + name + ".c")) {
      assertThat(in).as("test resource sdk/%s.c", name).isNotNull();
      Files.copy(in, src);
    }
    Path ko = dir.resolve(name + ".ko");
    Process p = new ProcessBuilder("sh", EmuRun.ROOT.resolve("scripts/emu-module-build").toString(), "-o", ko.toString(),
        src.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("emu-module-build finished").isTrue();
    assertThat(p.exitValue()).as("emu-module-build %s.c: %s", name, log).isZero();
    assertThat(ko).as("built module").isRegularFile();
    Files.delete(src); // only the .ko goes into the guest (--module-dir takes every *.ko)
    return ko;
  }
}
