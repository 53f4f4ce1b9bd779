package dev.emu.core.cpu;

/**
 * A {@link Block} compiled to JVM bytecode by {@link BlockCompiler}: one hidden class per block,
 * whose {@link #run} does what the block engine's loop does for that block when no limit is near
 * (the unchecked case), with the operands as constants and the lazy-flag record kept in locals
 * until the block leaves.
 */
abstract class BlockCode {
  /** Bit of run()'s result: the block left through a taken branch (target in jitTarget). */
  static final int TAKEN = 1 << 8;

  /**
   * Runs instructions from the block's first until it leaves: after its last, after a taken
   * branch, or after a store that set irqPoll. Returns the number completed, | TAKEN when a branch
   * was taken (its target is then in e.jitTarget). On a GuestFault, e.jitAt is the index of the
   * instruction that raised it, which made no change; the flags record is that before it.
   *
   * <p>A block with a branch to its own start ({@link BlockCompiler#selfLoopAt}: the first such
   * jcc or jmp, at index k) starts over itself when that branch is taken, at most maxLoops times
   * (the engine computes how many iterations can start without reaching a limit or needing the
   * spin detector) and only while irqPoll is clear; it then reports in e.jitLoops, on every return
   * and fault, how many iterations looped back, each the same: instructions 0..k and the taken
   * branch. The result describes the last iteration.
   */
  abstract int run(BlockEngine e, long[] r, long base, int maxLoops);
}
