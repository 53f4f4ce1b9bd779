package dev.emu.devices.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SMBIOS 3.0 (DMTF DSP0134): the 64-bit entry point "_SM3_" and a structure table with type 0
 * (BIOS information), type 1 (system information) and type 127 (end of table). A Linux-style
 * {@code dmi_format_ids} prints {@link #HARDWARE_NAME} from it:
 * {@code "<sys_vendor> <product_name>, BIOS <bios_version> <bios_date>"} (no board name: there
 * is no type 2).
 */
public final class Smbios {
  public static final String BIOS_VENDOR = "emu";
  public static final String BIOS_VERSION = "0.1.0";
  public static final String BIOS_DATE = "01/01/2026";
  public static final String SYSTEM_MANUFACTURER = "emu";
  public static final String SYSTEM_PRODUCT = "emu Standard PC";
  public static final String SYSTEM_VERSION = "0.1.0";
  /** What Linux prints after "Hardware name: ". */
  public static final String HARDWARE_NAME =
      SYSTEM_MANUFACTURER + " " + SYSTEM_PRODUCT + ", BIOS " + BIOS_VERSION + " " + BIOS_DATE;
  static final int ENTRY_POINT_SIZE = 0x18;
  /** The structure table starts this far after the entry point. */
  static final int TABLE_OFFSET = 0x20;

  /** The image: entry point at {@code base}, the table at base + 0x20. */
  public record Image(long base, byte[] bytes, long tableAddress, int tableLength) {}

  private Smbios() {}

  public static Image build(long base) {
    byte[] table = structures();
    TableBuffer b = new TableBuffer(base, TABLE_OFFSET + table.length);
    b.ascii(base, "_SM3_", 5);
    b.u8(base + 6, ENTRY_POINT_SIZE);
    b.u8(base + 7, 3);                // major
    b.u8(base + 8, 0);                // minor
    b.u8(base + 9, 0);                // docrev
    b.u8(base + 10, 1);               // entry point revision: 3.0 format
    b.u32(base + 12, table.length);   // structure table maximum size
    b.u64(base + 16, base + TABLE_OFFSET);
    b.checksum(base, ENTRY_POINT_SIZE, base + 5);
    b.bytes(base + TABLE_OFFSET, table);
    return new Image(base, b.bytes(), base + TABLE_OFFSET, table.length);
  }

  private static byte[] structures() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Type 0, BIOS Information (length 0x18, SMBIOS 2.4+)
    byte[] t0 = new byte[0x18];
    t0[0] = 0;
    t0[1] = 0x18;
    t0[2] = 0x00;                     // handle 0x0000
    t0[4] = 1;                        // vendor: string 1
    t0[5] = 2;                        // BIOS version: string 2
    t0[6] = 0x00;                     // starting address segment 0xE800
    t0[7] = (byte) 0xE8;
    t0[8] = 3;                        // release date: string 3
    t0[9] = 0;                        // ROM size 64 KiB
    t0[10] = 0x08;                    // characteristics: "not supported"
    t0[0x13] = 0x10;                  // extension byte 2: this is a virtual machine
    t0[0x14] = 0;                     // system BIOS major release
    t0[0x15] = 1;                     // minor release
    t0[0x16] = (byte) 0xFF;           // no embedded controller
    t0[0x17] = (byte) 0xFF;
    structure(out, t0, BIOS_VENDOR, BIOS_VERSION, BIOS_DATE);
    // Type 1, System Information (length 0x1B, SMBIOS 2.4+)
    byte[] t1 = new byte[0x1B];
    t1[0] = 1;
    t1[1] = 0x1B;
    t1[2] = 0x01;                     // handle 0x0001
    t1[4] = 1;                        // manufacturer
    t1[5] = 2;                        // product name
    t1[6] = 3;                        // version
    t1[7] = 0;                        // no serial number
    t1[0x18] = 0x06;                  // wake-up type: power switch
    structure(out, t1, SYSTEM_MANUFACTURER, SYSTEM_PRODUCT, SYSTEM_VERSION);
    // Type 127, End-of-Table
    structure(out, new byte[] {127, 4, 0x02, 0x00});
    return out.toByteArray();
  }

  private static void structure(ByteArrayOutputStream out, byte[] formatted, String... strings) {
    out.writeBytes(formatted);
    for (String s : strings) {
      out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
      out.write(0);
    }
    if (strings.length == 0) {
      out.write(0);
    }
    out.write(0);
  }
}
