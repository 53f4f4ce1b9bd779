package dev.emu.cli.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loadable module says about itself: the NUL-separated "key=value" strings of its ".modinfo"
 * section (MODULE_DESCRIPTION, MODULE_PARM_DESC, module_param's "parmtype", MODULE_LICENSE...), as
 * Linux's modinfo(8) shows them. Reads a little-endian ELF64 file's section headers (System V gABI,
 * "Sections"); every offset is bounds-checked, so a damaged file gives an error, never an exception
 * other than {@link IllegalArgumentException}.
 *
 * @param name        module name (file name without .ko)
 * @param description MODULE_DESCRIPTION, or ""
 * @param params      parameter name -> "description (type)" in the order first seen
 * @param fields      every key=value in order (keys may repeat: joined with "; ")
 */
public record ModInfo(String name, String description, Map<String, String> params, Map<String, String> fields) {

  private static final int EHDR_SIZE = 64;
  private static final int SHDR_SIZE = 64;
  private static final int OFS_SHOFF = 0x28;
  private static final int OFS_SHENTSIZE = 0x3A;
  private static final int OFS_SHNUM = 0x3C;
  private static final int OFS_SHSTRNDX = 0x3E;
  private static final int SH_NAME = 0x00;
  private static final int SH_OFFSET = 0x18;
  private static final int SH_SIZE = 0x20;
  private static final int SH_TYPE = 0x04;
  private static final int SHT_NOBITS = 8;

  /** Parses a module file's bytes. */
  public static ModInfo parse(String name, byte[] elf) {
    byte[] section = modinfoSection(elf);
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> parmDesc = new LinkedHashMap<>();
    Map<String, String> parmType = new LinkedHashMap<>();
    for (String s : strings(section)) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = s.substring(0, eq);
      int dot = key.lastIndexOf('.'); // built-in style "modname.key"
      key = dot >= 0 ? key.substring(dot + 1) : key;
      String value = s.substring(eq + 1);
      fields.merge(key, value, (a, b) -> a + "; " + b);
      int colon = value.indexOf(':');
      if ((key.equals("parm") || key.equals("parmtype")) && colon > 0) {
        (key.equals("parm") ? parmDesc : parmType).put(value.substring(0, colon), value.substring(colon + 1));
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(parmDesc.keySet());
    for (String p : parmType.keySet()) {
      if (!names.contains(p)) {
        names.add(p);
      }
    }
    for (String p : names) {
      String d = parmDesc.getOrDefault(p, "");
      String t = parmType.get(p);
      params.put(p, t == null ? d : (d.isEmpty() ? "(" + t + ")" : d + " (" + t + ")"));
    }
    return new ModInfo(name, fields.getOrDefault("description", ""), params, fields);
  }

  /** The bytes of ".modinfo" (empty if the file has none). */
  static byte[] modinfoSection(byte[] elf) {
    if (elf.length < EHDR_SIZE || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
      throw new IllegalArgumentException("not an ELF file");
    }
    if (elf[4] != 2 || elf[5] != 1) {
      throw new IllegalArgumentException("not a little-endian ELF64 file");
    }
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = b.getLong(OFS_SHOFF);
    int shentsize = Short.toUnsignedInt(b.getShort(OFS_SHENTSIZE));
    int shnum = Short.toUnsignedInt(b.getShort(OFS_SHNUM));
    int shstrndx = Short.toUnsignedInt(b.getShort(OFS_SHSTRNDX));
    if (shnum == 0) {
      return new byte[0];
    }
    if (shentsize < SHDR_SIZE || shoff < 0 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum) {
      throw new IllegalArgumentException("bad section header table");
    }
    long[] strtab = range(b, elf.length, (int) shoff + shstrndx * shentsize);
    for (int i = 0; i < shnum; i++) {
      int sh = (int) shoff + i * shentsize;
      long nameOfs = Integer.toUnsignedLong(b.getInt(sh + SH_NAME));
      if (nameOfs >= strtab[1] || b.getInt(sh + SH_TYPE) == SHT_NOBITS) {
        continue;
      }
      if (".modinfo".equals(cString(elf, strtab[0] + nameOfs, strtab[0] + strtab[1]))) {
        long[] r = range(b, elf.length, sh);
        return java.util.Arrays.copyOfRange(elf, (int) r[0], (int) (r[0] + r[1]));
      }
    }
    return new byte[0];
  }

  /** {offset, size} of a section, checked against the file. */
  private static long[] range(ByteBuffer b, int fileSize, int sh) {
    long off = b.getLong(sh + SH_OFFSET);
    long size = b.getLong(sh + SH_SIZE);
    if (off < 0 || size < 0 || off > fileSize || size > fileSize - off) {
      throw new IllegalArgumentException("section outside the file");
    }
    return new long[] {off, size};
  }

  private static String cString(byte[] d, long from, long limit) {
    int end = (int) from;
    while (end < limit && d[end] != 0) {
      end++;
    }
    return new String(d, (int) from, end - (int) from, StandardCharsets.UTF_8);
  }

  private static List<String> strings(byte[] section) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= section.length; i++) {
      if (i == section.length || section[i] == 0) {
        if (i > start) {
          out.add(new String(section, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return out;
  }
}
