package dev.emu.devices.pvh;

/**
 * One entry of the memory map passed in hvm_start_info (e820 layout: addr, size, type).
 *
 * @param type {@link #RAM}, {@link #RESERVED}, {@link #ACPI} or {@link #NVS}
 */
public record E820Entry(long address, long size, int type) {
  public static final int RAM = 1;
  public static final int RESERVED = 2;
  public static final int ACPI = 3;
  public static final int NVS = 4;

  public long end() {
    return address + size;
  }
}
