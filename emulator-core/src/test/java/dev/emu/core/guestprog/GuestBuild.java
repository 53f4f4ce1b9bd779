package dev.emu.core.guestprog;

import dev.emu.core.difftest.NativeBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the freestanding programs of src/test/guest twice: as flat 64-bit guest images
 * (gcc -O2 -mgeneral-regs-only -ffreestanding, ld with guest.ld (bench.ld for the benchmark
 * workload), objcopy -O binary, libgcc for
 * __int128 division) and as host executables (same object file + host_main.c) whose output is
 * the expected checksum. Output goes to target/guest-programs.
 */
public final class GuestBuild {
  static final List<String> CFLAGS = List.of("-O2", "-mgeneral-regs-only", "-ffreestanding", "-fno-pie",
      "-fno-pic", "-fno-stack-protector", "-fcf-protection=none", "-fno-asynchronous-unwind-tables",
      "-Wall", "-Wextra");

  private GuestBuild() {}

  public static boolean toolsPresent() {
    return NativeBuild.hasTool("gcc");
  }

  /** Built artefacts of one program. */
  public record Program(String name, Path image, Path hostExe) {
    public byte[] imageBytes() throws IOException {
      return Files.readAllBytes(image);
    }

    /** Runs the host build with {@code arg}; returns the checksum it prints. */
    public long hostChecksum(long arg) throws IOException, InterruptedException {
      String out = NativeBuild.run(List.of(hostExe.toString(), Long.toString(arg)), hostExe.getParent());
      return Long.parseUnsignedLong(out.trim(), 16);
    }
  }

  public static synchronized Program build(String name) throws IOException, InterruptedException {
    Path src = NativeBuild.testSource("guest");
    Path out = Files.createDirectories(NativeBuild.targetDir().resolve("guest-programs"));
    Path entry = out.resolve("entry.o");
    Path rt = out.resolve("rt.o");
    if (!Files.exists(entry) || !Files.exists(rt)) {
      cc(src.resolve("entry.S"), entry, out);
      cc(src.resolve("rt.c"), rt, out);
    }
    Path obj = out.resolve(name + ".o");
    cc(src.resolve(name + ".c"), obj, out);
    Path elf = out.resolve(name + ".elf");
    String libgcc = NativeBuild.run(List.of("gcc", "-print-libgcc-file-name"), out).trim();
    NativeBuild.run(List.of("ld", "-nostdlib", "-static", "--no-warn-rwx-segments", "-z", "max-page-size=0x1000",
        "-T", src.resolve(name.equals("bench") ? "bench.ld" : "guest.ld").toString(), "-o", elf.toString(), entry.toString(), rt.toString(),
        obj.toString(), libgcc), out);
    Path image = out.resolve(name + ".bin");
    NativeBuild.run(List.of("objcopy", "-O", "binary", elf.toString(), image.toString()), out);
    Path host = out.resolve(name + ".host");
    NativeBuild.run(List.of("gcc", "-O2", "-no-pie", "-o", host.toString(), src.resolve("host_main.c").toString(),
        obj.toString()), out);
    return new Program(name, image, host);
  }

  private static void cc(Path source, Path obj, Path dir) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("gcc"));
    cmd.addAll(CFLAGS);
    cmd.addAll(List.of("-c", source.toString(), "-o", obj.toString()));
    NativeBuild.run(cmd, dir);
  }
}
