package dev.emu.cli.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The newc layout per Linux Documentation/driver-api/early-userspace/buffer-format.rst. */
class CpioTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void write_oneFile_headerFieldsNamePaddingAndTrailerAsTheSpecSays() {
    byte[] a = Cpio.write(List.of(new Cpio.Entry("root/a.ko", Cpio.MODE_FILE, ascii("hello"))));
    String s = new String(a, StandardCharsets.US_ASCII);
    // magic, ino 1, mode 0100644, uid, gid, nlink 1, mtime 0, filesize 5, maj, min, rmaj, rmin, namesize 10, check
    String header = "070701" + "00000001" + "000081A4" + "00000000" + "00000000" + "00000001" + "00000000"
        + "00000005" + "00000000" + "00000000" + "00000000" + "00000000" + "0000000A" + "00000000";
    assertThat(s).startsWith(header + "root/a.ko\0");
    // 110 + 10 = 120 is 4-aligned: data follows at 120, "hello" padded to 128
    assertThat(s.substring(120, 128)).isEqualTo("hello\0\0\0");
    assertThat(s.substring(128, 134)).isEqualTo("070701");
    assertThat(s).contains("TRAILER!!!\0");
    assertThat(a.length % 4).isZero();
  }

  @Test
  void read_roundTrip() {
    List<Cpio.Entry> in = List.of(new Cpio.Entry("root", Cpio.MODE_DIR, new byte[0]),
        new Cpio.Entry("root/x.ko", Cpio.MODE_FILE, new byte[] {1, 2, 3}),
        new Cpio.Entry("init", 0100755, ascii("#!/bin/sh\n")));
    List<Cpio.Entry> out = Cpio.read(Cpio.write(in));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).isDirectory()).isTrue();
    assertThat(out.get(1).name()).isEqualTo("root/x.ko");
    assertThat(out.get(1).data()).containsExactly(1, 2, 3);
    assertThat(out.get(2).mode()).isEqualTo(0100755);
  }

  @Test
  void merge_replacesSameName_keepsDirectoriesOnce_isOneArchive() {
    byte[] bundled = Cpio.write(List.of(new Cpio.Entry("root", Cpio.MODE_DIR, new byte[0]),
        new Cpio.Entry("root/a.ko", Cpio.MODE_FILE, ascii("old")), new Cpio.Entry("init", Cpio.MODE_FILE, ascii("i"))));
    byte[] merged = Cpio.merge(bundled, List.of(new Cpio.Entry("root", Cpio.MODE_DIR, new byte[0]),
        new Cpio.Entry("root/a.ko", Cpio.MODE_FILE, ascii("new")), new Cpio.Entry("root/b.ko", Cpio.MODE_FILE, ascii("b"))));
    List<Cpio.Entry> out = Cpio.read(merged);
    assertThat(out).extracting(Cpio.Entry::name).containsExactly("root", "init", "root/a.ko", "root/b.ko");
    assertThat(new String(out.get(2).data(), StandardCharsets.US_ASCII)).isEqualTo("new");
    assertThat(new String(merged, StandardCharsets.US_ASCII).split("TRAILER!!!", -1)).hasSize(2);
  }

  @Test
  void merge_notNewc_appendsASecondArchiveFourByteAligned() {
    byte[] gz = {0x1f, (byte) 0x8b, 8, 0, 0};
    byte[] merged = Cpio.merge(gz, List.of(new Cpio.Entry("root/b.ko", Cpio.MODE_FILE, ascii("b"))));
    assertThat(merged).startsWith(gz);
    assertThat(new String(merged, 8, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");
  }

  @Test
  void read_garbageOrTruncated_isNull() {
    assertThat(Cpio.read(ascii("not an archive at all, longer than one header................................................................................"))).isNull();
    byte[] a = Cpio.write(List.of(new Cpio.Entry("f", Cpio.MODE_FILE, new byte[100])));
    assertThat(Cpio.read(java.util.Arrays.copyOf(a, 150))).isNull();
  }
}
