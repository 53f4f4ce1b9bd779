package dev.emu.devices.board;

/** Builds the configured PC. The single entry point the CLI uses to get a {@link Machine}. */
public final class Machines {
  private Machines() {}

  public static Machine create(MachineConfig config, ConsoleSink console) throws BootException {
    throw new BootException("the emulated PC is not wired up yet (devices issue)");
  }
}
