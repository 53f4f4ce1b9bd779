package dev.emu.devices.acpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmbiosTest {
  private final Smbios.Image img = Smbios.build(0xF0000);
  private final byte[] b = img.bytes();

  private int u8(int off) {
    return b[off] & 0xff;
  }

  /** String number n (1-based) of the structure at off, as a DMI decoder finds it. */
  private String string(int off, int n) {
    int p = off + u8(off + 1);
    for (int i = 1; i < n; i++) {
      while (b[p] != 0) {
        p++;
      }
      p++;
    }
    int end = p;
    while (b[end] != 0) {
      end++;
    }
    return new String(b, p, end - p, StandardCharsets.US_ASCII);
  }

  private int next(int off) {
    int p = off + u8(off + 1);
    while (b[p] != 0 || b[p + 1] != 0) {
      p++;
    }
    return p + 2;
  }

  @Test
  void entryPoint_sm3_checksumAndTableAddress() {
    assertThat(new String(b, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("_SM3_");
    assertThat(u8(6)).isEqualTo(0x18);
    assertThat(u8(7)).isEqualTo(3);
    int sum = 0;
    for (int i = 0; i < 0x18; i++) {
      sum += u8(i);
    }
    assertThat(sum & 0xff).isZero();
    long table = 0;
    for (int i = 7; i >= 0; i--) {
      table = table << 8 | u8(16 + i);
    }
    assertThat(table).isEqualTo(img.tableAddress()).isEqualTo(0xF0020);
  }

  @Test
  void structures_type0Type1Type127_giveLinuxHardwareName() {
    int t = (int) (img.tableAddress() - img.base());
    int end = t + img.tableLength();
    List<Integer> types = new ArrayList<>();
    String vendor = null;
    String product = null;
    String biosVersion = null;
    String biosDate = null;
    for (int s = t; s < end; s = next(s)) {
      types.add(u8(s));
      if (u8(s) == 0) {
        assertThat(string(s, u8(s + 4))).isEqualTo("emu");
        biosVersion = string(s, u8(s + 5));
        biosDate = string(s, u8(s + 8));
      } else if (u8(s) == 1) {
        vendor = string(s, u8(s + 4));
        product = string(s, u8(s + 5));
      }
    }
    assertThat(types).containsExactly(0, 1, 127);
    // Linux dmi_format_ids: "<sys_vendor> <product_name>, BIOS <bios_version> <bios_date>"
    String hardwareName = vendor + " " + product + ", BIOS " + biosVersion + " " + biosDate;
    assertThat(hardwareName).isEqualTo("emu emu Standard PC, BIOS 0.1.0 01/01/2026")
        .isEqualTo(Smbios.HARDWARE_NAME);
  }
}
