package dev.emu.cli.bench;

import dev.emu.cli.Env;
import dev.emu.cli.Main;
import dev.emu.devices.board.Machine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code emu ARGS} inside this JVM through {@link Main#run} (the same code path as the process:
 * settings, initramfs, {@code Machines.create}, the scripted run loop) with stdin from memory (as a
 * regular file: read whole first) and captured output. Measures the whole command and the emulator
 * part: from the machine factory call ({@code Machines.create}) until the command returns, and the
 * factory call alone (building the PC: RAM, devices, ACPI tables, loading the kernel).
 */
final class InProcessRun {
  /** Times in nanoseconds; {@code guestNanos} is the machine's guest clock when the run ended (-1: no machine). */
  /** {@code skippedCycles}: sum of {@link Machine#skippedCycles()} over the vCPUs at the end (-1: no machine). */
  record Result(int exit, long totalNanos, long emulatorNanos, long createNanos, long guestNanos, long skippedCycles,
      String stdout, String stderr) {}

  private InProcessRun() {}

  static Result run(Env parent, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long[] createdAt = {-1, -1};
    Machine[] machine = {null};
    Env env = new Env(new ByteArrayInputStream(stdin), new PrintStream(out, true), new PrintStream(err, true), false,
        true, parent.cwd(), (cfg, sink) -> {
          createdAt[0] = System.nanoTime();
          machine[0] = parent.machines().create(cfg, sink);
          createdAt[1] = System.nanoTime();
          return machine[0];
        });
    long t0 = System.nanoTime();
    int status = Main.run(args, env);
    long t1 = System.nanoTime();
    long emu = createdAt[0] < 0 ? -1 : t1 - createdAt[0];
    long guest = machine[0] == null ? -1 : machine[0].guestNanos();
    long skipped = -1;
    if (machine[0] != null) {
      skipped = 0;
      for (long c : machine[0].skippedCycles()) {
        skipped += c;
      }
    }
    long create = createdAt[1] < 0 ? -1 : createdAt[1] - createdAt[0];
    return new Result(status, t1 - t0, emu, create, guest, skipped, out.toString(StandardCharsets.ISO_8859_1),
        err.toString(StandardCharsets.UTF_8));
  }
}
