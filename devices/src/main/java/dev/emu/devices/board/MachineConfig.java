package dev.emu.devices.board;

import dev.emu.core.cpu.CpuModel;

/**
 * Everything needed to build a machine. Validated by the CLI before it gets here; the board
 * re-checks only what could crash it (sizes, counts) and reports with {@link BootException}.
 *
 * @param cpus          number of vCPUs (1..64)
 * @param memoryBytes   guest RAM, a multiple of 1 MiB (16 MiB..2 GiB)
 * @param cpuModel      clock and advertised CPU features
 * @param quantumCycles scheduling quantum of the round-robin, in cycles
 * @param kernel        the PVH ELF image bytes
 * @param initrd        initramfs bytes, or null
 * @param cmdline       kernel command line ("" for none)
 * @param noReboot      a guest reset stops the machine instead of rebooting it
 * @param fastForward   skip provably idle spin loops (exact); false runs every instruction
 */
public record MachineConfig(
    int cpus,
    long memoryBytes,
    CpuModel cpuModel,
    long quantumCycles,
    byte[] kernel,
    byte[] initrd,
    String cmdline,
    boolean noReboot,
    boolean fastForward) {

  public static final long DEFAULT_QUANTUM_CYCLES = 20_000;
}
