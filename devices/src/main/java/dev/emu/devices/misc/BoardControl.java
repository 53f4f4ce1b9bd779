package dev.emu.devices.misc;

/**
 * What platform devices may ask of the machine. Called on the machine thread, usually from a
 * CPU's port write in the middle of a slice: the machine stops the running CPU at the next
 * instruction boundary and acts between slices.
 */
public interface BoardControl {
  /** System reset (0xCF9, keyboard-controller pulse, triple fault). */
  void reset(String reason);

  /** ACPI S5 soft-off (PM1a_CNT SLP_EN with SLP_TYP = S5). */
  void powerOff();

  /** isa-debug-exit: the guest wrote {@code value}; the exit status is (value << 1) | 1. */
  void debugExit(int value);

  /** pvpanic: the guest kernel panicked. The machine can run on. */
  void panic();
}
