package dev.emu.core.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The whole deterministic case list: every template family with {@code n} cases per variant. */
final class DiffCases {
  private DiffCases() {}

  /**
   * What the emulated CPUID advertises. Without BMI1, F3 0F BC executes as BSF (and without
   * LZCNT, F3 0F BD as BSR): SDM TZCNT/LZCNT "On processors that do not support TZCNT/LZCNT, the
   * instruction byte encoding is executed as BSF/BSR"; those cases compare emu's F3-prefixed
   * bytes with the host running the plain BSF/BSR. POPCNT is only generated when advertised.
   */
  record Features(boolean tzcnt, boolean lzcnt, boolean popcnt) {
    static final Features ALL = new Features(true, true, true);
  }

  static List<DiffCase> generate(long seed, int n, Features features) {
    return generate(seed, n, features, true);
  }

  /** @param mode32 include the 32-bit-mode cases (the host kernel must support compatibility mode) */
  static List<DiffCase> generate(long seed, int n, Features features, boolean mode32) {
    Random rnd = new Random(seed);
    List<DiffCase> out = new ArrayList<>();
    new AluTemplates(rnd, out, n).all();
    new MiscTemplates(rnd, out, n).all(features);
    new StringTemplates(rnd, out, n).all();
    new ControlTemplates(rnd, out, n * 2).all();
    new EdgeTemplates(rnd, out, n).all();
    new ChainTemplates(rnd, out, n * 200).all();
    // 32-bit mode (host compatibility mode, emu protected mode): the generic templates without REX
    if (mode32) {
      new AluTemplates(rnd, out, Math.max(1, n / 4), true).all();
      new MiscTemplates(rnd, out, Math.max(1, n / 4), true).all(features);
      new StringTemplates(rnd, out, Math.max(1, n / 4), true).all();
      new Legacy32Templates(rnd, out, n * 4).all();
    }
    return out;
  }
}
