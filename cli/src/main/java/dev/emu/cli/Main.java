package dev.emu.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the emu command (placeholder until the CLI issue lands). */
@Command(name = "emu", mixinStandardHelpOptions = true, version = "emu 0.1.0",
    description = "A cycle-level x86-64 PC emulator with an in-guest lockup watchdog.")
public final class Main implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }
}
