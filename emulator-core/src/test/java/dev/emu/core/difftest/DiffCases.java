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
    Random rnd = new Random(seed);
    List<DiffCase> out = new ArrayList<>();
    new AluTemplates(rnd, out, n).all();
    new MiscTemplates(rnd, out, n).all(features);
    new StringTemplates(rnd, out, n).all();
    new ControlTemplates(rnd, out, n * 2).all();
    return out;
  }
}
