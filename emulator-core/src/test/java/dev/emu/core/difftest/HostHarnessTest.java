package dev.emu.core.difftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates the differential harness itself, host against host and host against values stated
 * by the Intel SDM, so that a later emu mismatch can be trusted to be emu's.
 */
class HostHarnessTest {
  private static HostExecutor host;

  @BeforeAll
  static void buildHelper() throws Exception {
    assumeTrue(NativeBuild.hasTool("gcc"), "gcc not installed");
    host = HostExecutor.build();
  }

  private static DiffCase raw(String hex, long flags, long... regPairs) {
    long[] regs = new long[16];
    for (int i = 0; i < regPairs.length; i += 2) {
      regs[(int) regPairs[i]] = regPairs[i + 1];
    }
    byte[] code = new byte[hex.length() / 2];
    for (int i = 0; i < code.length; i++) {
      code[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return new DiffCase("raw " + hex, code, flags, regs, 1);
  }

  @Test
  void sdmSpotChecks_hostMatchesDocumentedResults() throws Exception {
    List<DiffCase> cases = List.of(
        raw("01d8", 0, 0, 0xffffffffL, 3, 1), // add eax,ebx: 0xffffffff+1 = 0, CF ZF PF AF
        raw("f7f1", 0, 0, 5, 1, 0, 2, 0), // div ecx with ecx=0: #DE
        raw("0f0b", 0), // ud2: #UD
        raw("d3e0", DiffEnv.CF | DiffEnv.OF, 0, 0x1234, 1, 0x20), // shl eax,cl count 32: masked to 0, flags unchanged
        raw("89c0", 0, 0, 0xdeadbeef_00000001L), // mov eax,eax zero-extends
        raw("90", 0, 0, 0xdeadbeef_00000001L), // nop: not xchg eax,eax (no zero-extension)
        raw("8803", 0, 0, 0x41, 3, DiffEnv.SCRATCH_BASE + 0x10), // mov [rbx],al
        raw("50", 0, 0, 0x1122, 4, DiffEnv.SCRATCH_BASE + 0x100), // push rax
        // rep stosb with RDI 3 bytes before the unmapped page, RCX=10: #PF after 3 iterations
        raw("f3aa", 0, 1, 10, 7, DiffEnv.UNMAPPED_PAGE - 3, 4, DiffEnv.SCRATCH_BASE + 0x100));
    List<DiffResult> r = host.run(cases);
    assertThat(r.get(0).regs[0]).isZero();
    assertThat(r.get(0).rflags & DiffEnv.STATUS).isEqualTo(DiffEnv.CF | DiffEnv.ZF | DiffEnv.PF | DiffEnv.AF);
    assertThat(r.get(1).fault).isTrue();
    assertThat(r.get(1).vector).isZero();
    assertThat(r.get(2).fault).isTrue();
    assertThat(r.get(2).vector).isEqualTo(6);
    assertThat(r.get(3).regs[0]).isEqualTo(0x1234);
    assertThat(r.get(3).rflags & DiffEnv.STATUS).isEqualTo(DiffEnv.CF | DiffEnv.OF);
    assertThat(r.get(4).regs[0]).isEqualTo(1);
    assertThat(r.get(5).regs[0]).isEqualTo(0xdeadbeef_00000001L);
    assertThat(r.get(6).window[0x10]).isEqualTo((byte) 0x41);
    assertThat(r.get(7).regs[4]).isEqualTo(DiffEnv.SCRATCH_BASE + 0xf8);
    assertThat(r.get(7).window[0xf8]).isEqualTo((byte) 0x22);
    DiffResult pf = r.get(8);
    assertThat(pf.vector).isEqualTo(14);
    assertThat(pf.cr2).isEqualTo(DiffEnv.UNMAPPED_PAGE);
    assertThat(pf.errorCode & ~4L).isEqualTo(2); // write to a not-present page (U/S masked)
    assertThat(pf.faultRip).isEqualTo(DiffEnv.TEST_ADDR);
    assertThat(pf.regs[1]).isEqualTo(7); // RCX: 3 of 10 iterations done
    assertThat(pf.regs[7]).isEqualTo(DiffEnv.UNMAPPED_PAGE);
  }

  @Test
  void generatedCases_runOnHostDeterministically_andFaultOnlyWhereIntended() throws Exception {
    List<DiffCase> cases = DiffCases.generate(CpuDiffTest.SEED, 3, DiffCases.Features.ALL, host.supportsCompat32());
    List<DiffResult> first = host.run(cases);
    List<DiffResult> second = host.run(cases);
    Map<String, Integer> faults = new TreeMap<>();
    List<String> notUd = new ArrayList<>();
    List<String> unstable = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      DiffCase c = cases.get(i);
      if (first.get(i).fault) {
        faults.merge(c.name, 1, Integer::sum);
      }
      if (c.name.startsWith("invalid") && (!first.get(i).fault || first.get(i).vector != 6)) {
        notUd.add(c.name);
      }
      String d = DiffResult.compare(c, first.get(i), second.get(i));
      if (d != null || DiffResult.compare(c, second.get(i), first.get(i)) != null) {
        unstable.add(c.describe() + "\n  " + d);
      }
    }
    assertThat(cases.size()).isGreaterThan(2000);
    assertThat(unstable).isEmpty();
    assertThat(faults.keySet()).allMatch(name -> name.startsWith("div") || name.startsWith("idiv")
        || name.startsWith("invalid") || name.startsWith("prefixes") || name.startsWith("bad address")
        || name.startsWith("page fault") || name.equals("int3") || name.startsWith("into")
        || name.startsWith("fetch across page into unmapped"),
        "only DIV/IDIV and the deliberate fault templates fault");
    assertThat(notUd).as("opcodes listed as invalid that the host does not reject with #UD").isEmpty();
  }

  @Test
  void comparator_reportsAMutatedDefinedFlagOrRegister_andIgnoresMaskedOnes() throws Exception {
    DiffCase c = raw("0fbcc1", 0, 1, 0, 0, 0x55); // bsf eax,ecx with ecx=0: eax undefined, ZF=1
    c.definedFlags = DiffEnv.ZF;
    c.undefinedRegs = 1;
    DiffResult h = host.run(List.of(c)).get(0);
    assertThat(h.rflags & DiffEnv.ZF).isEqualTo(DiffEnv.ZF);
    long[] regs = h.regs.clone();
    regs[0] ^= 1; // undefined destination: ignored
    assertThat(DiffResult.compare(c, h, DiffResult.state(h.rflags ^ DiffEnv.CF, regs, h.window))).isNull();
    assertThat(DiffResult.compare(c, h, DiffResult.state(h.rflags ^ DiffEnv.ZF, h.regs, h.window))).contains("ZF");
    regs = h.regs.clone();
    regs[1] ^= 1;
    assertThat(DiffResult.compare(c, h, DiffResult.state(h.rflags, regs, h.window))).contains("rcx");
    byte[] w = h.window.clone();
    w[7] ^= 1;
    assertThat(DiffResult.compare(c, h, DiffResult.state(h.rflags, h.regs, w))).contains("mem[+7]");
  }
}
