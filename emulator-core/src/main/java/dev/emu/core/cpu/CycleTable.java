package dev.emu.core.cpu;

/**
 * Cycle cost of each instruction class (documented in docs/cpu.md). An instruction costs
 * {@link #BASE} plus the extras of the classes it belongs to. The numbers are round figures in the
 * range of a modern Intel core's latencies; what matters for emu is that they are fixed, so guest
 * time is deterministic.
 */
final class CycleTable {
  private CycleTable() {}

  /** Any instruction: register ALU, mov, lea, jcc, setcc, cmov, nop... */
  static final int BASE = 1;
  /** Extra for an instruction that reads or writes a memory operand (once per instruction). */
  static final int MEM = 1;
  /** Extra for a taken branch / call / ret. */
  static final int BRANCH = 1;
  static final int MUL = 3;
  static final int DIV = 24;
  /** Extra for a LOCK-prefixed or implicitly locked (xchg with memory) read-modify-write. */
  static final int LOCKED = 18;
  /** Per iteration of a string instruction (movs/stos/lods/cmps/scas/ins/outs). */
  static final int STRING_ITER = 1;
  static final int PAUSE = 40;
  /** cpuid, wrmsr, mov to CR, lgdt/lidt/ltr, invlpg, wbinvd, iret, far jumps, swapgs... */
  static final int SERIALIZING = 30;
  static final int RDMSR = 20;
  static final int RDTSC = 18;
  /** in/out, per transfer. */
  static final int IO = 30;
  /** Exception or interrupt delivery (charged on the delivering boundary). */
  static final int INTERRUPT = 40;
  static final int BITSCAN = 2;
}
