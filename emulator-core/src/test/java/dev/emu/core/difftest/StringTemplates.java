package dev.emu.core.difftest;

import static dev.emu.core.difftest.AluTemplates.prefixes;

import java.util.List;
import java.util.Random;

/**
 * MOVS CMPS STOS LODS SCAS in all sizes, with and without REP/REPE/REPNE, both directions (DF),
 * 64- and 32-bit (67) address size. CMPS/SCAS flags: SDM "The CF, OF, SF, ZF, AF, and PF flags
 * are set according to the temporary result of the comparison." (unaffected when a REP count is
 * 0, which is also compared). MOVS/STOS/LODS: no flags affected.
 */
final class StringTemplates {
  private static final String[] NAMES = {"movs", "cmps", "stos", "lods", "scas"};
  private static final int[] OPC = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
  final Random rnd;
  final List<DiffCase> out;
  final int n;

  final boolean mode32;

  StringTemplates(Random rnd, List<DiffCase> out, int n) {
    this(rnd, out, n, false);
  }

  StringTemplates(Random rnd, List<DiffCase> out, int n, boolean mode32) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
    this.mode32 = mode32;
  }

  void all() {
    for (int k = 0; k < 5; k++) {
      for (int size : AluTemplates.SIZES) {
        for (int rep = 0; rep < 3; rep++) {
          if (rep == 2 && k != 1 && k != 4) {
            continue;
          }
          for (int i = 0; i < n; i++) {
            stringCase(k, size, rep);
          }
        }
      }
    }
    for (int i = 0; i < (mode32 ? 0 : n); i++) {
      longRep();
    }
  }

  private static final int[] LONG_COUNTS = {4095, 4096, 4097, 5000, 8191, 8192, 8193, 11000};

  /**
   * REP STOS/MOVS over thousands of elements (more than any per-execution iteration chunk an
   * interpreter may use), within the 12 KiB scratch region (compared by hash), both directions;
   * MOVS with source and destination overlapping by a few bytes, which must behave element by
   * element (a forward copy with RDI = RSI + k replicates the first k bytes), not like memmove.
   */
  private void longRep() {
    boolean movs = rnd.nextBoolean();
    int e = 1 << rnd.nextInt(4);
    boolean down = rnd.nextInt(4) == 0;
    int maxCount = (DiffEnv.SCRATCH_SIZE - 64) / e;
    int count = Math.min(maxCount, LONG_COUNTS[rnd.nextInt(LONG_COUNTS.length)]);
    if (e > 1 && rnd.nextBoolean()) {
      count = rnd.nextInt(maxCount);
    }
    CaseBuilder b = new CaseBuilder(rnd, "long rep " + (movs ? "movs" : "stos") + e * 8 + (down ? " down" : ""), false);
    long bytes = (long) count * e;
    long lo = DiffEnv.SCRATCH_BASE + 16 + rnd.nextInt(16);
    long hi = DiffEnv.SCRATCH_BASE + DiffEnv.SCRATCH_SIZE - 16 - e - rnd.nextInt(16);
    int overlap = movs ? 1 + rnd.nextInt(9) : 0;
    long span = bytes + overlap;
    long start = down ? hi : lo;
    if (down) {
      b.flags |= DiffEnv.DF;
    }
    b.regs[1] = count;
    b.regs[0] = rnd.nextLong();
    boolean srcFirst = rnd.nextBoolean(); // which of the two is ahead in the copy direction
    long dst = start;
    long src = start;
    if (movs) {
      long shift = srcFirst == down ? overlap : -overlap; // keep both inside [lo, hi]
      if (down) {
        src = start - (shift > 0 ? shift : 0);
        dst = start - (shift > 0 ? 0 : -shift);
      } else {
        src = start + (shift > 0 ? 0 : -shift);
        dst = start + (shift > 0 ? shift : 0);
      }
    }
    if (span > DiffEnv.SCRATCH_SIZE - 64) {
      b.regs[1] = count = (int) ((DiffEnv.SCRATCH_SIZE - 64 - overlap) / e);
    }
    b.regs[6] = src;
    b.regs[7] = dst;
    int opc = (movs ? 0xa4 : 0xaa) + (e == 1 ? 0 : 1);
    int[] pfx = e == 2 ? new int[] {0xf3, 0x66} : new int[] {0xf3};
    b.build(b.code(pfx, e == 8, new int[] {opc}, -1, null, 0, 0), out);
  }

  private void stringCase(int k, int size, int rep) {
    boolean a32 = !mode32 && rnd.nextInt(4) == 0; // in 32-bit mode 67 means SI/DI/CX
    String repName = rep == 0 ? "" : rep == 1 ? (k == 1 || k == 4 ? "repe " : "rep ") : "repne ";
    CaseBuilder b = new CaseBuilder(rnd, repName + NAMES[k] + size + (a32 ? " addr32" : ""), false, mode32);
    int e = size / 8;
    boolean down = rnd.nextBoolean();
    if (down) {
      b.flags |= DiffEnv.DF;
    }
    int count = rep == 0 ? 1 : rnd.nextInt(13);
    int offS = 112 + rnd.nextInt(288);
    int offD = 112 + rnd.nextInt(288);
    long hi = a32 ? rnd.nextLong() & ~0xffffffffL : 0;
    b.regs[6] = hi | (DiffEnv.SCRATCH_BASE + offS);
    b.regs[7] = (a32 ? rnd.nextLong() & ~0xffffffffL : 0) | (DiffEnv.SCRATCH_BASE + offD);
    if (rep != 0) {
      b.regs[1] = (a32 ? rnd.nextLong() & ~0xffffffffL : 0) | count;
    }
    byte[] init = DiffEnv.fillWindow(b.memSeed);
    int step = down ? -e : e;
    if (k == 1 && rnd.nextBoolean()) {
      // CMPS: make the first j elements equal so REPE/REPNE stop at varying points
      int j = rnd.nextInt(count + 1);
      for (int jj = 0; jj < j; jj++) {
        for (int x = 0; x < e; x++) {
          int s = offS + jj * step + x;
          int d = offD + jj * step + x;
          b.poke(d, init[s], 1);
          init[d] = init[s];
        }
      }
    }
    if (k == 4 || k == 3 || k == 2) {
      long acc = rnd.nextLong();
      if (k == 4 && rnd.nextBoolean()) {
        int j = rnd.nextInt(count + 1);
        int at = offD + j * step;
        acc = 0;
        for (int x = e - 1; x >= 0; x--) {
          acc = acc << 8 | (init[at + x] & 0xff);
        }
        acc |= rnd.nextLong() & ~CaseBuilder.mask(size);
      }
      b.regs[0] = acc;
    }
    int[] pfxList = rep == 0 ? new int[0] : new int[] {rep == 1 ? 0xf3 : 0xf2};
    if (a32) {
      int[] p = new int[pfxList.length + 1];
      System.arraycopy(pfxList, 0, p, 0, pfxList.length);
      p[pfxList.length] = 0x67;
      pfxList = p;
    }
    int opc = OPC[k] + (size == 8 ? 0 : 1);
    b.build(b.code(prefixes(size, pfxList), size == 64, new int[] {opc}, -1, null, 0, 0), out);
  }
}
