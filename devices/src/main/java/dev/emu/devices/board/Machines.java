package dev.emu.devices.board;

/** Builds the configured PC. The single entry point the CLI uses to get a {@link Machine}. */
public final class Machines {
  private Machines() {}

  /**
   * Builds a {@link PcMachine}: validates the config, loads ACPI/SMBIOS tables and the PVH kernel
   * (a bad kernel file is refused with a one-line BootException), then powers the CPUs on (BSP at
   * the PVH entry, APs waiting for INIT-SIPI-SIPI).
   */
  public static Machine create(MachineConfig config, ConsoleSink console) throws BootException {
    PcMachine machine = PcMachine.assemble(config, console);
    machine.powerOn();
    return machine;
  }
}
