package dev.emu.core.ff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The allow-list, through the public behaviour: a loop {@code 1: <instructions>; jmp 1b} whose
 * iterations leave registers and flags unchanged is fast-forwarded exactly when every instruction
 * in it is allowed (no store, I/O, MMIO, system instruction, TSC read, lock, string op...).
 * Encodings from the Intel SDM opcode maps. Each case also runs with fast-forward off and must
 * end identical.
 */
class AllowListTest {
  private record Case(String hex, boolean skipped, String what) {}

  private static final Case[] CASES = {
    new Case("90", true, "nop"),
    new Case("f390", true, "pause"),
    new Case("6690", true, "66 nop"),
    new Case("0f1f440000", true, "nopl 0(%rax,%rax)"),
    new Case("0f0d0f", true, "prefetchw (%rdi)"),
    new Case("8b07", true, "mov (%rdi),%eax"),
    new Case("833f00", true, "cmpl $0,(%rdi)"),
    new Case("8507", true, "test %eax,(%rdi)"),
    new Case("0fb607", true, "movzbl (%rdi),%eax"),
    new Case("480fbf07", true, "movswq (%rdi),%rax"),
    new Case("658b04251c000000", true, "mov %gs:0x1c,%eax"),
    new Case("0f4407", true, "cmove (%rdi),%eax"),
    new Case("0fba2703", true, "btl $3,(%rdi)"),
    new Case("31c0", true, "xor %eax,%eax"),
    new Case("89c3", true, "mov %eax,%ebx"),
    new Case("488d4708", true, "lea 8(%rdi),%rax"),
    new Case("f5f5", true, "cmc; cmc"),
    new Case("ff27", true, "jmp *(%rdi) (to the loop head)"),
    new Case("8907", false, "mov %eax,(%rdi): store"),
    new Case("c60700", false, "movb $0,(%rdi): store"),
    new Case("830700", false, "addl $0,(%rdi): read-modify-write"),
    new Case("8707", false, "xchg %eax,(%rdi): locked store"),
    new Case("f0830f00", false, "lock orl $0,(%rdi)"),
    new Case("0fb10f", false, "cmpxchg %ecx,(%rdi)"),
    new Case("0fba2f03", false, "btsl $3,(%rdi)"),
    new Case("0fa307", false, "bt %eax,(%rdi): bit offset outside the operand"),
    new Case("0f31 31c0 31d2", false, "rdtsc"),
    new Case("31c0 31c9 0fa2 31c0 31db 31c9 31d2", false, "cpuid"),
    new Case("fa", false, "cli"),
    new Case("e480 31c0", false, "in $0x80,%al"),
    new Case("50 58", false, "push/pop"),
    new Case("f3a4", false, "rep movsb with rcx = 0"),
    new Case("8b042500004000", false, "mov 0x400000,%eax: first byte past RAM (MMIO)"),
  };

  @Test
  void loopOfOneInstruction_isSkippedExactlyWhenAllowed() {
    for (Case c : CASES) {
      FfRig on = rig(c, true);
      FfRig off = rig(c, false);
      on.scheduler.runUntil(200_000);
      off.scheduler.runUntil(200_000);
      assertThat(on.cpus[0].lastError()).isNull();
      assertThat(on.snapshot()).as(c.what).isEqualTo(off.snapshot());
      assertThat(on.cpus[0].rip()).as(c.what + ": still in the loop").isBetween(FfRig.CODE,
          FfRig.CODE + 32);
      if (c.skipped) {
        assertThat(on.skippedCycles()).as(c.what).isGreaterThan(150_000);
      } else {
        assertThat(on.skippedCycles()).as(c.what).isZero();
      }
    }
  }

  private static FfRig rig(Case c, boolean ff) {
    FfRig r = new FfRig(1, ff);
    String body = c.hex.replaceAll("\\s+", "");
    int rel = -(body.length() / 2 + 2);
    r.load(FfRig.CODE, body + "eb" + String.format("%02x", rel & 0xff));
    r.mem.write64(FfRig.DATA, FfRig.CODE);
    r.cpus[0].setReg(7, FfRig.DATA);
    return r;
  }
}
