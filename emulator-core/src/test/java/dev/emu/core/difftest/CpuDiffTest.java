package dev.emu.core.difftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Differential instruction test: every generated case runs natively on the host CPU (the
 * oracle) and on emu's interpreter; registers, SDM-defined flags, the scratch window and faults
 * must agree. See docs/cpu-verification.md.
 */
class CpuDiffTest {
  static final long SEED = 0x5eed_0001L;
  /** Cases per (instruction, size, form) variant: about 20k cases in all (about 1.5 s on the host). */
  static final int PER_VARIANT = 24;
  private static final int EXAMPLES_PER_GROUP = 2;

  @Test
  void interpreter_matchesHostCpu_onGeneratedInstructionCases() throws Exception {
    assumeTrue(NativeBuild.hasTool("gcc"), "gcc not installed");
    HostExecutor host = HostExecutor.build();
    EmuExecutor emu = new EmuExecutor();
    DiffCases.Features features = emulatedFeatures(emu);
    boolean compat32 = host.supportsCompat32();
    List<DiffCase> cases = DiffCases.generate(SEED, PER_VARIANT, features, compat32);
    if (!compat32) {
      System.out.println("difftest: host kernel cannot run 32-bit compatibility mode; 32-bit cases skipped");
    }
    List<DiffResult> expected = host.run(cases);

    Map<String, StringBuilder> failures = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    int failed = 0;
    for (int i = 0; i < cases.size(); i++) {
      DiffCase c = cases.get(i);
      DiffResult actual = emu.run(c);
      String d = DiffResult.compare(c, expected.get(i), actual);
      if (d == null) {
        continue;
      }
      if (actual.fault && actual.vector == EmuExecutor.JAVA_EXCEPTION || actual.vector == EmuExecutor.WRONG_STOP) {
        d += " [" + emu.lastException + "]";
      }
      failed++;
      int n = counts.merge(c.name, 1, Integer::sum);
      if (n <= EXAMPLES_PER_GROUP) {
        failures.computeIfAbsent(c.name, k -> new StringBuilder())
            .append(c.describe()).append("\n  => ").append(d).append('\n');
      }
    }
    StringBuilder report = new StringBuilder();
    for (Map.Entry<String, StringBuilder> e : failures.entrySet()) {
      report.append("== ").append(e.getKey()).append(": ").append(counts.get(e.getKey()))
          .append(" mismatching case(s)\n").append(e.getValue());
    }
    System.out.println("difftest: " + cases.size() + " cases, " + failed + " mismatches in "
        + counts.size() + " variants; features " + features);
    if (failed > 0) {
      System.out.println(report);
    }
    assertThat(failed).as("%d of %d cases differ from the host CPU:%n%s", failed, cases.size(), report).isZero();
  }

  static DiffCases.Features emulatedFeatures(EmuExecutor emu) {
    long[] basic = emu.cpuid(0, 0);
    long[] leaf1 = emu.cpuid(1, 0);
    long[] ext = emu.cpuid(0x8000_0001, 0);
    boolean bmi1 = false;
    if ((basic[0] & 0xffff_ffffL) >= 7) {
      bmi1 = (emu.cpuid(7, 0)[1] & (1 << 3)) != 0;
    }
    return new DiffCases.Features(bmi1, (ext[2] & (1 << 5)) != 0, (leaf1[2] & (1 << 23)) != 0);
  }
}
