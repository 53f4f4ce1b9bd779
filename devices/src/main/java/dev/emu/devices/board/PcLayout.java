package dev.emu.devices.board;

import dev.emu.devices.pvh.E820Entry;
import dev.emu.devices.pvh.PvhLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Where everything on the emulated PC lives: the one source of truth for device placement, the
 * ACPI tables and the memory map (docs/memory-map.md describes the same values).
 */
public final class PcLayout {
  private PcLayout() {}

  // ---- MMIO ----
  public static final long LAPIC_BASE = 0xFEE0_0000L;
  public static final long IOAPIC_BASE = 0xFEC0_0000L;
  public static final long HPET_BASE = 0xFED0_0000L;
  public static final int MMIO_PAGE = 0x1000;
  public static final int IOAPIC_ID = 0;

  // ---- I/O ports ----
  public static final int PORT_PIC_MASTER = 0x20;
  public static final int PORT_PIC_SLAVE = 0xA0;
  public static final int PORT_KBC_DATA = 0x60;
  public static final int PORT_KBC_STATUS = 0x64;
  public static final int PORT_POST = 0x80;
  public static final int PORT_DEBUG_EXIT = 0xF4;
  public static final int PORT_COM1 = 0x3F8;
  public static final int PORT_PVPANIC = 0x505;
  public static final int PORT_ACPI_PM = 0x600;
  public static final int PORT_RESET = 0xCF9;
  public static final int RESET_VALUE = 0x06;

  // ---- interrupts (IOAPIC pins = GSIs; ISA IRQs map 1:1 except IRQ0 -> GSI2) ----
  public static final int GSI_COM1 = 4;
  public static final int IRQ_SCI = 9;

  // ---- low memory ----
  /** Extended BIOS data area (reserved, as a BIOS would leave it). */
  public static final long EBDA_START = 0x9_FC00L;
  public static final long LOW_RAM_END = 0xA_0000L;
  /** ACPI tables: RSDP first, in the BIOS read-only area the ACPI spec says to scan. */
  public static final long ACPI_BASE = 0xE_0000L;
  public static final int ACPI_SIZE = 0x1_0000;
  /** SMBIOS 3.0 entry point, in the 0xF0000 segment Linux's dmi_scan searches. */
  public static final long SMBIOS_BASE = 0xF_0000L;
  public static final long FIRMWARE_END = 0x10_0000L;

  /** Guest RAM limit: one Java byte[] (PhysicalMemory) holds at most 2 GiB - 1 MiB here. */
  public static final long MAX_RAM = 2047L << 20;
  public static final long MIN_RAM = 16L << 20;

  /** The e820 map given to the kernel through hvm_start_info. */
  public static List<E820Entry> memoryMap(long ramBytes) {
    List<E820Entry> map = new ArrayList<>();
    map.add(new E820Entry(0, PvhLoader.BOOT_DATA_START, E820Entry.RAM));
    map.add(new E820Entry(PvhLoader.BOOT_DATA_START, PvhLoader.BOOT_DATA_END - PvhLoader.BOOT_DATA_START,
        E820Entry.RESERVED));
    map.add(new E820Entry(PvhLoader.BOOT_DATA_END, EBDA_START - PvhLoader.BOOT_DATA_END, E820Entry.RAM));
    map.add(new E820Entry(EBDA_START, LOW_RAM_END - EBDA_START, E820Entry.RESERVED));
    map.add(new E820Entry(ACPI_BASE, FIRMWARE_END - ACPI_BASE, E820Entry.RESERVED));
    map.add(new E820Entry(FIRMWARE_END, ramBytes - FIRMWARE_END, E820Entry.RAM));
    map.add(new E820Entry(IOAPIC_BASE, MMIO_PAGE, E820Entry.RESERVED));
    map.add(new E820Entry(HPET_BASE, MMIO_PAGE, E820Entry.RESERVED));
    map.add(new E820Entry(LAPIC_BASE, MMIO_PAGE, E820Entry.RESERVED));
    return map;
  }

  /** Ranges the kernel image must not overlap. */
  public static List<PvhLoader.Protected> protectedRanges() {
    return List.of(
        new PvhLoader.Protected("the PVH boot data", PvhLoader.BOOT_DATA_START, PvhLoader.BOOT_DATA_END),
        new PvhLoader.Protected("the ACPI/SMBIOS tables", ACPI_BASE, FIRMWARE_END));
  }
}
