package dev.emu.core.difftest;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Locates the module's directories and runs the host toolchain (gcc, ld, objcopy) for tests.
 * Tests skip (assumption) only when gcc itself is missing; any build error fails the test.
 */
public final class NativeBuild {
  private NativeBuild() {}

  /** The Maven target directory of this build (target or target-SUFFIX). */
  public static Path targetDir() {
    try {
      Path classes = Path.of(NativeBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** emulator-core/ (the build directory is ${project.basedir}/target${emu.buildSuffix}). */
  public static Path moduleDir() {
    return targetDir().getParent();
  }

  public static Path testSource(String sub) {
    return moduleDir().resolve("src/test").resolve(sub);
  }

  public static boolean hasTool(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs a command; throws with its output if it fails. */
  public static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("command failed: " + String.join(" ", cmd) + "\n" + out);
    }
    return out;
  }

  /** Compiles (if stale) one C file into an executable under target/native; returns its path. */
  public static Path buildHostExecutable(Path source, String name, String... flags)
      throws IOException, InterruptedException {
    Path outDir = Files.createDirectories(targetDir().resolve("native"));
    Path exe = outDir.resolve(name);
    if (!Files.exists(exe) || Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(source)) < 0) {
      List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", exe.toString(), source.toString()));
      cmd.addAll(List.of(flags));
      run(cmd, outDir);
    }
    return exe;
  }
}
