package dev.emu.cli;

import dev.emu.cli.run.MachineFactory;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What a command needs from the process: streams, whether stdin is a terminal, whether stdin is a
 * regular file (read whole before the guest starts), the working directory and the machine factory.
 * Tests build one with in-memory streams and a fake machine.
 */
public record Env(InputStream in, PrintStream out, PrintStream err, boolean interactive, boolean stdinIsFile,
    Path cwd, MachineFactory machines) {

  /** The real process: System streams, /proc/self/fd/0 for the stdin type, Machines.create. */
  public static Env system() {
    Path fd0 = Path.of("/proc/self/fd/0");
    boolean file = java.nio.file.Files.isRegularFile(fd0);
    return new Env(System.in, System.out, System.err, System.console() != null, file,
        Path.of("").toAbsolutePath(), dev.emu.devices.board.Machines::create);
  }
}
