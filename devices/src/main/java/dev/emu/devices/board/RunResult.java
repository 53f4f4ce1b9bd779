package dev.emu.devices.board;

/**
 * Why {@link Machine#run} returned.
 *
 * @param kind     the reason
 * @param exitCode for DEBUG_EXIT: (value << 1) | 1 as QEMU's isa-debug-exit; otherwise 0
 * @param message  a one-line human description (for the CLI's stderr note)
 */
public record RunResult(Kind kind, int exitCode, String message) {
  public enum Kind {
    /** The requested guest-time budget was used up; the machine can run on. */
    TIME_REACHED,
    /** {@link Machine#requestStop()} was called. */
    STOPPED,
    /** ACPI power-off (PM1a control, SLP_EN with S5). */
    POWER_OFF,
    /** Port 0xF4 was written. */
    DEBUG_EXIT,
    /** The guest signalled a panic through pvpanic (port 0x505). The machine can run on. */
    PANIC,
    /** Every vCPU halted with interrupts masked and no NMI pending. */
    DEAD,
    /** The guest reset the machine and noReboot is set. */
    RESET,
    /** Every vCPU halted, no timer armed: only console input can wake the guest. */
    IDLE
  }
}
