package dev.emu.core.cpu;

/**
 * A pre-decoded straight-line run of frequent 64-bit instructions within one code page (see
 * {@link BlockDecoder} for what goes in, {@link BlockEngine#execBlock} for how it runs, and
 * docs/cpu.md, "Block engine").
 *
 * <p>Instruction i is described by parallel arrays: a handler id and packed operand fields
 * ({@link #w}, layout in BlockDecoder), an immediate or branch target offset
 * ({@link #imm}), a displacement ({@link #disp}; RIP-relative ones already include the
 * instruction's end offset), the byte offset of the next instruction from the block start
 * ({@link #end}) and the instruction's fixed cycle cost ({@link #cost}; a taken branch adds
 * CycleTable.BRANCH at run time). Blocks are immutable once built and dropped, never patched,
 * when their bytes are written.
 */
final class Block {
  /** Byte offset of the first instruction within its page. */
  final int start;
  final int n;
  /** Per instruction: handler id (high 32 bits) and operand fields (low 32 bits). */
  final long[] w;
  final long[] imm;
  final long[] disp;
  final int[] end;
  final int[] cost;
  /** Cycles of instructions 0..i (fixed costs; a taken branch adds CycleTable.BRANCH). */
  final int[] cum;
  /** Upper bound of any block's maxCost (instructions cost at most 1+1+3 cycles, see CycleTable). */
  static final int MAX_COST = 8 * BlockDecoder.MAX_INSNS + CycleTable.BRANCH;
  /** Upper bound of the cycles the block costs (every instruction, a taken final branch). */
  final int maxCost;
  /** Some instruction has a RIP-relative operand (its base register is BlockDecoder.RIPBASE). */
  final boolean ripRelative;
  /** Set when the block is dropped (its bytes were written): never run it again. */
  boolean dead;
  /** Cached successor for a branch target in the same page (valid while not dead). */
  Block nextTaken;
  Block nextFall;
  /** Unchecked runs so far (BlockEngine.jitAfter of them compile the block). */
  int hits;
  /** The compiled form, or null. */
  BlockCode code;
  /** Compiled with a branch to its own start: cycles of one iteration that loops back (else 0). */
  int loopCost;
  /** Instructions of that iteration (up to and including the branch). */
  int loopInsns;
  /** That loop-back is a short backward branch, for which the spin detector's hook runs. */
  boolean loopHook;

  Block(int start, int n, int[] op, int[] f, long[] imm, long[] disp, int[] end, int[] cost) {
    this.start = start;
    this.n = n;
    this.w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = (long) op[i] << 32 | (f[i] & 0xffff_ffffL);
    }
    this.imm = imm;
    this.disp = disp;
    this.end = end;
    this.cost = cost;
    boolean rr = false;
    for (int i = 0; i < n; i++) {
      rr |= ((f[i] >>> 5) & 31) == BlockDecoder.RIPBASE && BlockDecoder.isMemOp(op[i]);
    }
    this.ripRelative = rr;
    this.cum = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      m += cost[i];
      cum[i] = m;
    }
    this.maxCost = m + CycleTable.BRANCH;
    if (maxCost > MAX_COST) {
      throw new IllegalStateException("block cost bound " + maxCost); // a CycleTable change
    }
  }

  /** Page offset just past the last instruction. */
  int limit() {
    return start + end[n - 1];
  }
}
