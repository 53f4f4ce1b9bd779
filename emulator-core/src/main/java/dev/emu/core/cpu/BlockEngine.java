package dev.emu.core.cpu;

import static dev.emu.core.cpu.BlockDecoder.ADD_RR64;
import static dev.emu.core.cpu.BlockDecoder.ADD_RR32;
import static dev.emu.core.cpu.BlockDecoder.ADD_RI64;
import static dev.emu.core.cpu.BlockDecoder.ADD_RI32;
import static dev.emu.core.cpu.BlockDecoder.OR_RR64;
import static dev.emu.core.cpu.BlockDecoder.OR_RR32;
import static dev.emu.core.cpu.BlockDecoder.OR_RI64;
import static dev.emu.core.cpu.BlockDecoder.OR_RI32;
import static dev.emu.core.cpu.BlockDecoder.AND_RR64;
import static dev.emu.core.cpu.BlockDecoder.AND_RR32;
import static dev.emu.core.cpu.BlockDecoder.AND_RI64;
import static dev.emu.core.cpu.BlockDecoder.AND_RI32;
import static dev.emu.core.cpu.BlockDecoder.SUB_RR64;
import static dev.emu.core.cpu.BlockDecoder.SUB_RR32;
import static dev.emu.core.cpu.BlockDecoder.SUB_RI64;
import static dev.emu.core.cpu.BlockDecoder.SUB_RI32;
import static dev.emu.core.cpu.BlockDecoder.XOR_RR64;
import static dev.emu.core.cpu.BlockDecoder.XOR_RR32;
import static dev.emu.core.cpu.BlockDecoder.XOR_RI64;
import static dev.emu.core.cpu.BlockDecoder.XOR_RI32;
import static dev.emu.core.cpu.BlockDecoder.CMP_RR64;
import static dev.emu.core.cpu.BlockDecoder.CMP_RR32;
import static dev.emu.core.cpu.BlockDecoder.CMP_RI64;
import static dev.emu.core.cpu.BlockDecoder.CMP_RI32;
import static dev.emu.core.cpu.BlockDecoder.TEST_RR64;
import static dev.emu.core.cpu.BlockDecoder.TEST_RR32;
import static dev.emu.core.cpu.BlockDecoder.TEST_RI64;
import static dev.emu.core.cpu.BlockDecoder.TEST_RI32;
import static dev.emu.core.cpu.BlockDecoder.FCMP_RR64;
import static dev.emu.core.cpu.BlockDecoder.FCMP_RR32;
import static dev.emu.core.cpu.BlockDecoder.FCMP_RI64;
import static dev.emu.core.cpu.BlockDecoder.FCMP_RI32;
import static dev.emu.core.cpu.BlockDecoder.FTEST_RR64;
import static dev.emu.core.cpu.BlockDecoder.FTEST_RR32;
import static dev.emu.core.cpu.BlockDecoder.FTEST_RI64;
import static dev.emu.core.cpu.BlockDecoder.FTEST_RI32;
import static dev.emu.core.cpu.BlockDecoder.ALU_MI;
import static dev.emu.core.cpu.BlockDecoder.ALU_MR;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM64;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI64;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR64;
import static dev.emu.core.cpu.BlockDecoder.LEA32;
import static dev.emu.core.cpu.BlockDecoder.LEA64;
import static dev.emu.core.cpu.BlockDecoder.LOAD32;
import static dev.emu.core.cpu.BlockDecoder.LOAD64;
import static dev.emu.core.cpu.BlockDecoder.MOVZX8_M;
import static dev.emu.core.cpu.BlockDecoder.MOVZX8_R;
import static dev.emu.core.cpu.BlockDecoder.MOV_RI_WIDE;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR32;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR64;
import static dev.emu.core.cpu.BlockDecoder.STORE32;
import static dev.emu.core.cpu.BlockDecoder.STORE64;
import static dev.emu.core.cpu.BlockDecoder.CALL;
import static dev.emu.core.cpu.BlockDecoder.CALL_M;
import static dev.emu.core.cpu.BlockDecoder.CALL_R;
import static dev.emu.core.cpu.BlockDecoder.CDQE;
import static dev.emu.core.cpu.BlockDecoder.CMOV_M;
import static dev.emu.core.cpu.BlockDecoder.CMOV_R;
import static dev.emu.core.cpu.BlockDecoder.CQO;
import static dev.emu.core.cpu.BlockDecoder.DEC_M;
import static dev.emu.core.cpu.BlockDecoder.DEC_R;
import static dev.emu.core.cpu.BlockDecoder.HIGH8;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RM;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RMI;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RR;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RRI;
import static dev.emu.core.cpu.BlockDecoder.INC_M;
import static dev.emu.core.cpu.BlockDecoder.INC_R;
import static dev.emu.core.cpu.BlockDecoder.JCC;
import static dev.emu.core.cpu.BlockDecoder.JMP;
import static dev.emu.core.cpu.BlockDecoder.JMP_M;
import static dev.emu.core.cpu.BlockDecoder.JMP_R;
import static dev.emu.core.cpu.BlockDecoder.LEA;
import static dev.emu.core.cpu.BlockDecoder.MOVSXD_M;
import static dev.emu.core.cpu.BlockDecoder.MOVSXD_R;
import static dev.emu.core.cpu.BlockDecoder.MOVX_M;
import static dev.emu.core.cpu.BlockDecoder.MOVX_R;
import static dev.emu.core.cpu.BlockDecoder.MOV_LOAD;
import static dev.emu.core.cpu.BlockDecoder.FCMP_MI;
import static dev.emu.core.cpu.BlockDecoder.MOV_MI;
import static dev.emu.core.cpu.BlockDecoder.MOV_MI32;
import static dev.emu.core.cpu.BlockDecoder.MOV_MI64;
import static dev.emu.core.cpu.BlockDecoder.MOV_MI8;
import static dev.emu.core.cpu.BlockDecoder.MOV_RI;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR;
import static dev.emu.core.cpu.BlockDecoder.MOV_STORE;
import static dev.emu.core.cpu.BlockDecoder.NEG_M;
import static dev.emu.core.cpu.BlockDecoder.NEG_R;
import static dev.emu.core.cpu.BlockDecoder.NOP;
import static dev.emu.core.cpu.BlockDecoder.NOT_M;
import static dev.emu.core.cpu.BlockDecoder.NOT_R;
import static dev.emu.core.cpu.BlockDecoder.OP_TEST;
import static dev.emu.core.cpu.BlockDecoder.POP_R;
import static dev.emu.core.cpu.BlockDecoder.PUSH_I;
import static dev.emu.core.cpu.BlockDecoder.PUSH_M;
import static dev.emu.core.cpu.BlockDecoder.PUSH_R;
import static dev.emu.core.cpu.BlockDecoder.RET;
import static dev.emu.core.cpu.BlockDecoder.RIPBASE;
import static dev.emu.core.cpu.BlockDecoder.SETCC_M;
import static dev.emu.core.cpu.BlockDecoder.SETCC_R;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_MC;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_MI;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_RC;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_RI;
import static dev.emu.core.cpu.BlockDecoder.SPIN_CANDIDATE;

import dev.emu.core.mem.PhysicalMemory;

/**
 * The block engine: executes a {@link Block} of pre-decoded 64-bit instructions with RIP, cycles
 * and instructions retired in locals (see docs/cpu.md, "Block engine").
 *
 * <p>Exactness rules, each mirroring the generic path of {@link Core#run} instruction by
 * instruction: (1) after every instruction the block is left when the slice limit or a PMU
 * counter limit is reached, or when {@code irqPoll} is set (any host call: MMIO, and a store that
 * dropped a pre-decoded block), so events, limits and self-modifying code are seen at the same
 * instruction boundary as in the generic path; (2) branches end blocks, and the run loop does its
 * per-instruction bookkeeping (spin detection, counter limits) for the last one; (3) handlers
 * make every access that can fault before they change a register or flag (read-modify-write
 * forms probe the write first), and a faulting instruction is re-executed by the generic path,
 * which delivers the exception exactly as it always has.
 */
abstract class BlockEngine extends TwoByteOps {
  /**
   * Instructions the generic path runs in this JVM before any CPU uses blocks
   * ({@code -Demu.blocks.after}, default {@value #DEFAULT_WARMUP}). A short run (boot, a lockup
   * demo: most guest time is fast-forwarded) then never makes runBlocks hot, and so never pays
   * its JIT compilation (a few hundred ms of C2 time and tens of MB of compiler memory on the
   * 2-core box); a CPU-bound run crosses the threshold within a fraction of a second. Invisible
   * to the guest, like the engine itself. {@link Cpu#setBlockEngine} skips the warm-up.
   */
  static final long DEFAULT_WARMUP = 30_000_000L;
  static long blockWarmupLeft = Long.getLong("emu.blocks.after", DEFAULT_WARMUP);
  static {
    if (System.getProperty("emu.blocks.debug") != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() ->
          System.err.println("block warm-up left " + blockWarmupLeft)));
    }
  }
  /**
   * Runs of a block (unchecked: no limit near) after which {@link BlockCompiler} compiles it to
   * a JVM class ({@code -Demu.jit.after}, default {@value #DEFAULT_JIT_AFTER}; 0 or less: never).
   */
  static final int DEFAULT_JIT_AFTER = 2000;
  static int jitAfter = Integer.getInteger("emu.jit.after", DEFAULT_JIT_AFTER);
  /** Out of BlockCode.run: the taken branch's target; the index of a faulting instruction. */
  long jitTarget;
  int jitAt;
  /** Out of a self-loop block's BlockCode.run: the iterations it ran again itself. */
  int jitLoops;
  /** Blocks from the first instruction (Cpu.setBlockEngine(true)), whatever the warm-up. */
  boolean blocksForced;
  /** This slice uses blocks (useBlocks and the warm-up is over, or forced). */
  boolean blocksNow;
  /** The next instruction must go through the generic path (it faulted in a block). */
  boolean blockSkip;
  /** Address of the last instruction a block executed. */
  long blockLastAt;
  /** The spin detector's hook already ran for the instruction at blockLastAt. */
  boolean blockFfDone;

  BlockEngine(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  /**
   * The block starting at RIP (decoding it on first use), or null when the code page is not in
   * the TLB or the instruction there is not supported. Call only in 64-bit mode.
   */
  final Block findBlock() {
    return findBlock(rip);
  }

  /** The block at linear address lin (the current RIP), or null: see {@link #findBlock()}. */
  final Block findBlock(long lin) {
    long vpn = lin >>> 12;
    int t = (int) vpn & TLB_MASK;
    if (tlbX[t] != vpn || tlbCpl != cpl) {
      return null;
    }
    int pagePa = tlbPa[t];
    int page = pagePa >>> 12;
    int s = dcache.slotOfPage[page] - 1;
    if (s < 0) {
      s = dcache.acquire(page);
    }
    int off = (int) lin & 0xfff;
    Block b = dcache.blocks(s)[off];
    if (b == null) {
      b = BlockDecoder.decode(ram, pagePa, off);
      dcache.putBlock(s, b);
    }
    if (b.n == 0) {
      return null;
    }
    if (fetchVpn != vpn || fetchPa != pagePa) {
      fetchVpn = vpn;
      fetchPa = pagePa;
      codeGen = 0;
    }
    return b;
  }

  /**
   * Runs a block from its first instruction (RIP is its address). Returns the number of
   * instructions completed; RIP, cycles, retired, cost (of the last one) and blockLastAt are
   * updated. 0 means the first instruction faulted and must be run by the generic path.
   */
  final int execBlock(Block first) {
    inBlock = true; // no device calls while RIP/cycles/retired live in locals (Mmu.blockAbort)
    try {
      return runBlocks(first);
    } finally {
      inBlock = false;
    }
  }

  private int runBlocks(Block first) {
    final long[] r = regs;
    Block b = first;
    long cyc = cycles;
    long ret = retired;
    long cycStop = runLimit;
    if (unhaltedLimit != Long.MAX_VALUE) {
      cycStop = Math.min(cycStop, unhaltedLimit + idleCycles);
    }
    final long retStop = instructionLimit;
    // Below these, no block can reach a limit (Block.MAX_COST bounds any block's cycles).
    final long cycSafe = cycStop - Block.MAX_COST;
    final long retSafe = retStop - BlockDecoder.MAX_INSNS;
    long pc = rip; // RIP of the block about to run (the field is written when it is needed)
    int total = 0;
    long lastAt;
    Block lastB = null; // the last block that ran instructions: lastI of them from lastBase
    int lastI = 0;
    long lastBase = 0;
    int lastExtra = 0;
    boolean hookRan = false; // the spin detector's hook ran for the instruction at lastAt
    final SpinDetector ff = ((Core) this).ff;
    final boolean ffOn = ff.enabled;
    final long[] boHead = ff.backoffHead;
    final int[] boLeft = ff.backoffLeft;
    // The back-off count of the head last seen, held here (boLocal) while it keeps arriving;
    // written back before anything else reads the table (the full hook) and when runBlocks returns.
    long boRip = -1;
    int boSi = 0;
    int boLocal = 0;
    blocks:
    while (true) {
      final long[] ws = b.w;
      final int[] ends = b.end;
      final int[] cum = b.cum;
      final long[] imms = b.imm;
      final long[] disps = b.disp;
      final int n = ws.length;
      final long base = pc;
      if (b.ripRelative) {
        r[RIPBASE] = base;
      }
     again: // the same block again (a loop whose body is this block)
     while (true) {
      long cyc0 = cyc;
      long ret0 = ret;
      // Limits can only be reached inside this block if its worst case reaches them: then it
      // runs one instruction at a time with the checks, else in one go.
      final boolean checked = cyc >= cycSafe || ret >= retSafe;
      int i = 0;
      int extra = 0; // CycleTable.BRANCH when the final branch is taken
      long target = 0; // where the final branch goes
      BlockCode code = null;
      try {
        if (!checked && ((code = b.code) != null || (++b.hits == jitAfter && (code = compile(b)) != null))) {
          // The compiled form of the unchecked loop below (BlockCompiler). A block that loops to
          // itself may run further iterations inside: as many as can start below the limits
          // (so unchecked) and, when its branch needs the spin detector, while its head backs off.
          int maxLoops = 0;
          if (b.loopCost != 0) {
            long m = Math.min((cycSafe - 1 - cyc0) / b.loopCost, (retSafe - 1 - ret0) / b.loopInsns);
            if (ffOn && b.loopHook) {
              m = Math.min(m, boRip == base ? boLocal : 0);
            }
            maxLoops = (int) Math.min(m, 1 << 20);
          }
          int res = code.run(this, r, base, maxLoops);
          if (maxLoops != 0) {
            int loops = jitLoops;
            cyc0 += loops * (long) b.loopCost;
            ret0 += loops * (long) b.loopInsns;
            total += loops * b.loopInsns;
            if (ffOn && b.loopHook) {
              boLocal -= loops; // each loop-back arrived at the head while it backed off
            }
          }
          i = res & 0xff;
          if (res >= BlockCode.TAKEN) {
            extra = CycleTable.BRANCH;
            target = jitTarget;
          }
          cyc = cyc0 + cum[i - 1] + extra;
          ret = ret0 + i;
        } else
        while (true) {
          int lim = checked ? i + 1 : n;
          while (true) {
            final long w = ws[i];
            final int fi = (int) w;
            final int op = (int) (w >>> 32);
            switch (op) {
              case ADD_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x + y;
                fOp = F_ADD;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case ADD_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = (x + y) & 0xffff_ffffL;
                fOp = F_ADD;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case ADD_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x + y;
                fOp = F_ADD;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case ADD_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = (x + y) & 0xffff_ffffL;
                fOp = F_ADD;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case OR_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x | y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case OR_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = x | y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case OR_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x | y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case OR_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = x | y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case AND_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x & y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case AND_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = x & y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case AND_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x & y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case AND_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = x & y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case SUB_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x - y;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case SUB_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = (x - y) & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case SUB_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x - y;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case SUB_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = (x - y) & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case XOR_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x ^ y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case XOR_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = x ^ y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case XOR_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x ^ y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                r[d] = res;
                break;
              }
              case XOR_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = x ^ y;
                fOp = F_LOGIC;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                r[d] = res;
                break;
              }
              case CMP_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                long res = x - y;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                break;
              }
              case CMP_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                long res = (x - y) & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                break;
              }
              case CMP_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                long res = x - y;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 8;
                break;
              }
              case CMP_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                long res = (x - y) & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = res;
                fSz = 4;
                break;
              }
              case TEST_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 8;
                break;
              }
              case TEST_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 4;
                break;
              }
              case TEST_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 8;
                break;
              }
              case TEST_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 4;
                break;
              }
              case FCMP_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = x - y;
                fSz = 8;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (subCond(fi, x, y, 8)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FCMP_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = (x - y) & 0xffff_ffffL;
                fSz = 4;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (subCond(fi, x, y, 4)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FCMP_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = x - y;
                fSz = 8;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (subCond(fi, x, y, 8)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FCMP_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = (x - y) & 0xffff_ffffL;
                fSz = 4;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (subCond(fi, x, y, 4)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FTEST_RR64: {
                int d = fi & 31;
                long x = r[d];
                long y = r[(fi >>> 5) & 31];
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 8;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (logicCond(fi, x & y)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FTEST_RR32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 4;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (logicCond(fi, x & y)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FTEST_RI64: {
                int d = fi & 31;
                long x = r[d];
                long y = imms[i];
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 8;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (logicCond(fi, x & y)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case FTEST_RI32: {
                int d = fi & 31;
                long x = r[d] & 0xffff_ffffL;
                long y = imms[i] & 0xffff_ffffL;
                fOp = F_LOGIC;
                fRes = x & y;
                fA = 0;
                fB = 0;
                fSz = 4;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (logicCond(fi, x & y)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case MOV_RR64:
                r[fi & 31] = r[(fi >>> 5) & 31];
                break;
              case MOV_RR32:
                r[fi & 31] = r[(fi >>> 5) & 31] & 0xffff_ffffL;
                break;
              case LOAD64: {
                  long v = read64(ea(fi, disps[i]));
                  r[fi & 31] = v;
                  break;
              }
              case LOAD32: {
                  long v = read32(ea(fi, disps[i])) & 0xffff_ffffL;
                  r[fi & 31] = v;
                  break;
              }
              case STORE64:
                write64(ea(fi, disps[i]), r[fi & 31]);
                if (irqPoll) {
                  lim = i + 1; // the store dropped a block (self-modifying code): leave after it
              }
                break;
              case STORE32:
                write32(ea(fi, disps[i]), (int) r[fi & 31]);
                if (irqPoll) {
                  lim = i + 1;
              }
                break;
              case MOV_RI_WIDE:
                r[fi & 31] = imms[i];
                break;
              case ALU_RR64: {
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 8, r[d], r[(fi >>> 5) & 31]);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case ALU_RR32: {
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 4, r[d], r[(fi >>> 5) & 31]);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case ALU_RI64: {
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 8, r[d], imms[i]);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case ALU_RI32: {
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 4, r[d], imms[i]);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case ALU_RM64: {
                  long v = read64(ea(fi, disps[i]));
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 8, r[d], v);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case ALU_RM32: {
                  long v = read32(ea(fi, disps[i])) & 0xffff_ffffL;
                  int aop = sub(fi);
                  int d = fi & 31;
                  long res = aluOp(aop, 4, r[d], v);
                  if (aop < 7) {
                    r[d] = res;
                  }
                  break;
              }
              case LEA64:
                r[fi & 31] = ea(fi, disps[i]);
                break;
              case LEA32:
                r[fi & 31] = ea(fi, disps[i]) & 0xffff_ffffL;
                break;
              case MOVZX8_R:
                r[fi & 31] = r[(fi >>> 5) & 31] & 0xff;
                break;
              case MOVZX8_M: {
                  long v = read8(ea(fi, disps[i]));
                  r[fi & 31] = v;
                  break;
              }
              case MOV_MI8:
                write8(ea(fi, disps[i]), (int) imms[i]);
                if (irqPoll) {
                  lim = i + 1;
                }
                break;
              case MOV_MI32:
                write32(ea(fi, disps[i]), (int) imms[i]);
                if (irqPoll) {
                  lim = i + 1;
                }
                break;
              case MOV_MI64:
                write64(ea(fi, disps[i]), imms[i]);
                if (irqPoll) {
                  lim = i + 1;
                }
                break;
              case FCMP_MI: {
                int sz = size(fi);
                long m = mask(sz);
                long x = read(ea(fi, disps[i]), sz);
                long y = imms[i] & m;
                fOp = F_SUB;
                fA = x;
                fB = y;
                fRes = (x - y) & m;
                fSz = sz;
                if (checked) {
                  break; // one instruction at a time: the jcc runs in its own step
                }
                i++; // the jcc that follows
                if (subCond(fi, x, y, sz)) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1;
                }
                break;
              }
              case MOV_MI:
                write(ea(fi, disps[i]), size(fi), imms[i]);
                if (irqPoll) {
                  lim = i + 1;
              }
                break;
              case ALU_MR:
                aluMem(fi, ea(fi, disps[i]), get(size(fi), fi & 31));
                if (irqPoll) {
                  lim = i + 1;
              }
                break;
              case ALU_MI:
                aluMem(fi, ea(fi, disps[i]), imms[i]);
                if (irqPoll) {
                  lim = i + 1;
              }
                break;
              case PUSH_R: {
                  long sp = r[4] - 8;
                  write64(sp, r[fi & 31]);
                  if (irqPoll) {
                    lim = i + 1;
                  }
                  r[4] = sp;
                  break;
              }
              case POP_R: {
                  long v = read64(r[4]);
                  r[4] += 8;
                  r[fi & 31] = v;
                  break;
              }
              case NOP:
                break;
              case JCC:
                if (cc(sub(fi))) {
                  extra = CycleTable.BRANCH;
                  target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                  lim = i + 1; // taken: leave the block (a side exit unless it is the last)
                }
                break;
              case JMP:
                extra = CycleTable.BRANCH;
                target = (fi & SPIN_CANDIDATE) == 0 ? base + imms[i] : spinCheck(base, ends, i, base + imms[i]);
                break;
              case CALL: {
                  long sp = r[4] - 8;
                  write64(sp, base + ends[i]);
                  r[4] = sp;
                  extra = CycleTable.BRANCH;
                  target = base + imms[i];
                  break;
              }
              case RET: {
                  long t = read64(r[4]);
                  r[4] += 8;
                  extra = CycleTable.BRANCH;
                  target = t;
                  break;
              }
              case CALL_R:
              case CALL_M: {
                  long t = op == CALL_R ? r[(fi >>> 5) & 31] : read64(ea(fi, disps[i]));
                  long sp = r[4] - 8;
                  write64(sp, base + ends[i]);
                  r[4] = sp;
                  extra = CycleTable.BRANCH;
                  target = t;
                  break;
              }
              case JMP_R:
                extra = CycleTable.BRANCH;
                target = r[(fi >>> 5) & 31];
                break;
              case JMP_M:
                target = read64(ea(fi, disps[i]));
                extra = CycleTable.BRANCH;
                break;
              case MOV_RR:
              case MOV_LOAD:
              case MOV_STORE:
              case MOV_RI:
              case ALU_RR:
              case ALU_RM:
              case ALU_RI:
              case LEA:
              case PUSH_I:
              case PUSH_M:
              case INC_R:
              case DEC_R:
              case NOT_R:
              case NEG_R:
              case INC_M:
              case DEC_M:
              case NOT_M:
              case NEG_M:
              case MOVX_R:
              case MOVX_M:
              case SHIFT_RI:
              case SHIFT_RC:
              case SHIFT_MI:
              case SHIFT_MC:
              case IMUL_RR:
              case IMUL_RM:
              case IMUL_RRI:
              case IMUL_RMI:
              case CMOV_R:
              case CMOV_M:
              case SETCC_R:
              case SETCC_M:
              case MOVSXD_R:
              case MOVSXD_M:
              case CDQE:
              case CQO:
                execOther(op, fi, imms[i], disps[i]);
                if (irqPoll) {
                  lim = i + 1; // a store dropped a block (or a page walk ran)
                }
                break;
              default:
                throw new IllegalStateException("block op " + op);
            }
            if (++i == lim) {
              break;
            }
          }
          cyc = cyc0 + cum[i - 1] + extra;
          ret = ret0 + i;
          if (i == n || extra != 0 || irqPoll
              || (checked && (cyc >= cycStop || ret >= retStop))) {
            break;
          }
        }
      } catch (GuestFault g) {
        // Instruction i faulted, or was about to call a device (blockAbort), with no
        // architectural effect: the generic path runs it again.
        if (code != null) {
          i = jitAt;
          int loops = b.loopCost != 0 ? jitLoops : 0;
          if (loops != 0) { // iterations looped back inside the compiled code, then this fault
            cyc0 += loops * (long) b.loopCost;
            ret0 += loops * (long) b.loopInsns;
            total += loops * b.loopInsns;
            if (ffOn && b.loopHook) {
              boLocal -= loops;
            }
            lastB = b; // the instruction before the faulting one may be the loop's branch
            lastI = b.loopInsns;
            lastBase = base;
            lastExtra = CycleTable.BRANCH;
            hookRan = b.loopHook;
          }
        }
        long at = base + (i == 0 ? 0 : ends[i - 1]);
        rip = at;
        ip = at;
        cycles = cyc0 + (i == 0 ? 0 : cum[i - 1]);
        retired = ret0 + i;
        blockSkip = true;
        total += i;
        if (i > 0) {
          blockLastAt = base + (i == 1 ? 0 : ends[i - 2]);
          cost = b.cost[i - 1]; // not a taken branch (those leave the block)
          blockFfDone = false;
        } else if (lastB != null) { // the previous block's last instruction
          blockLastAt = lastBase + (lastI == 1 ? 0 : lastB.end[lastI - 2]);
          cost = lastB.cost[lastI - 1] + lastExtra;
          blockFfDone = hookRan;
        }
        if (boRip >= 0) {
          boLeft[boSi] = boLocal;
        }
        return total;
      }
      total += i;
      lastB = b;
      lastI = i;
      lastBase = base;
      lastExtra = extra;
      hookRan = false;
      long nip = extra != 0 ? target : base + ends[i - 1];
      pc = nip;
      // (irqPoll is also set by Cpu.requestStop and by spinCheck when it finds an idle loop.)
      if ((i != n && extra == 0) || irqPoll || checked) {
        break blocks; // stopped inside the block, or the run loop has work (events, limits, spin)
      }
      // Chain to the next block without going back to the run loop, doing what the run loop
      // would do after this block's last instruction (a branch): the spin detector's hook.
      // A backward branch of at most MAX_SPAN bytes (the run loop's unsigned test).
      long back = extra == 0 ? -1 : base + (i == 1 ? 0 : ends[i - 2]) - nip;
      if (back >= 0 && back <= SpinDetector.MAX_SPAN) {
        // The not-recording start of SpinDetector.afterInstruction, inline: the hook returns at
        // once for a head backing off (and counts the arrival).
        if (!ffOn) {
          hookRan = true;
        } else if (nip == boRip && boLocal > 0) {
          boLocal--;
          hookRan = true;
        } else {
          if (boRip >= 0) {
            boLeft[boSi] = boLocal;
            boRip = -1;
          }
          int si = SpinDetector.slot(nip);
          if (boHead[si] == nip && boLeft[si] > 0) {
            boRip = nip;
            boSi = si;
            boLocal = boLeft[si] - 1;
            hookRan = true;
          }
        }
      }
      if (!hookRan && back >= 0 && back <= SpinDetector.MAX_SPAN) {
        if (boRip >= 0) {
          boLeft[boSi] = boLocal;
          boRip = -1;
        }
        lastAt = nip + back;
        cycles = cyc;
        retired = ret;
        cost = b.cost[i - 1] + extra;
        rip = nip;
        ip = nip;
        hookRan = true;
        inBlock = false;
        ff.afterInstruction(lastAt);
        inBlock = true;
        cyc = cycles;
        ret = retired;
        if (ff.recording || cyc >= cycStop || ret >= retStop || irqPoll
            || stopRequested) {
          break blocks;
        }
      }
      if (nip == base) {
        continue again;
      }
      Block nb;
      if (((nip ^ base) >>> 12) == 0) {
        int off = (int) nip & 0xfff;
        Block l = b.nextTaken;
        if (l != null && l.start == off && !l.dead) {
          nb = l;
        } else if ((l = b.nextFall) != null && l.start == off && !l.dead) {
          nb = l;
        } else {
          nb = findBlock(nip);
          if (nb == null) {
            break blocks;
          }
          if (b.nextTaken == null || b.nextTaken.dead) {
            b.nextTaken = nb;
          } else {
            b.nextFall = nb;
          }
        }
      } else {
        nb = findBlock(nip);
        if (nb == null) {
          break blocks;
        }
      }
      b = nb;
      continue blocks;
     }
    }
    rip = pc;
    ip = pc;
    cycles = cyc;
    retired = ret;
    cost = lastB.cost[lastI - 1] + lastExtra;
    retire = true;
    blockLastAt = lastBase + (lastI == 1 ? 0 : lastB.end[lastI - 2]);
    blockFfDone = hookRan;
    if (boRip >= 0) {
      boLeft[boSi] = boLocal;
    }
    return total;
  }

  /** Compiles b (BlockCompiler), once. */
  private static BlockCode compile(Block b) {
    BlockCode code;
    try {
      code = BlockCompiler.compile(b);
    } catch (LinkageError e) { // ASM missing from an unusual class path: the engine's loop does it
      jitAfter = 0;
      return null;
    }
    b.code = code;
    int k = code == null ? -1 : BlockCompiler.selfLoopAt(b);
    if (k >= 0) {
      b.loopInsns = k + 1;
      b.loopCost = b.cum[k] + CycleTable.BRANCH;
      // the engine runs the spin detector's hook for the branch (a short backward one)
      b.loopHook = (k == 0 ? 0 : b.end[k - 1]) <= SpinDetector.MAX_SPAN;
    }
    return code;
  }

  /** The less frequent handlers, kept out of runBlocks so that C2 inlines the hot ones there. */
  void execOther(int op, int fi, long imm, long disp) {
    final long[] r = regs;
    switch (op) {
      case MOV_RR:
        put(size(fi), fi & 31, get(size(fi), (fi >>> 5) & 31));
        break;
      case MOV_LOAD: {
          int sz = size(fi);
          long v = read(ea(fi, disp), sz);
          put(sz, fi & 31, v);
          break;
      }
      case MOV_STORE: {
          int sz = size(fi);
          write(ea(fi, disp), sz, get(sz, fi & 31));
          break;
      }
      case MOV_RI:
        put(size(fi), fi & 31, imm);
        break;
      case ALU_RR: {
          int sz = size(fi);
          int aop = sub(fi);
          int d = fi & 31;
          long res = aluOp(aop, sz, get(sz, d), get(sz, (fi >>> 5) & 31));
          if (aop < 7) {
            put(sz, d, res);
          }
          break;
      }
      case ALU_RM: {
          int sz = size(fi);
          int aop = sub(fi);
          int d = fi & 31;
          long v = read(ea(fi, disp), sz);
          long res = aluOp(aop, sz, get(sz, d), v);
          if (aop < 7) {
            put(sz, d, res);
          }
          break;
      }
      case ALU_RI: {
          int sz = size(fi);
          int aop = sub(fi);
          int d = fi & 31;
          long res = aluOp(aop, sz, get(sz, d), imm);
          if (aop < 7) {
            put(sz, d, res);
          }
          break;
      }
      case LEA:
        put(size(fi), fi & 31, ea(fi, disp));
        break;
      case PUSH_I: {
          long sp = r[4] - 8;
          write64(sp, imm);
          r[4] = sp;
          break;
      }
      case PUSH_M: {
          long v = read64(ea(fi, disp));
          long sp = r[4] - 8;
          write64(sp, v);
          r[4] = sp;
          break;
      }
      case INC_R:
      case DEC_R:
      case NOT_R:
      case NEG_R:
        unaryReg(op, fi);
        break;
      case INC_M:
      case DEC_M:
      case NOT_M:
      case NEG_M:
        unaryMem(op, fi, ea(fi, disp));
        break;
      case MOVX_R: {
          int ssz = fi >>> 28;
          long v = get(ssz, (fi >>> 5) & 31);
          put(size(fi), fi & 31, (fi & (1 << 27)) != 0 ? sx(v, ssz) : v);
          break;
      }
      case MOVX_M: {
          int ssz = fi >>> 28;
          long v = read(ea(fi, disp), ssz);
          put(size(fi), fi & 31, (fi & (1 << 27)) != 0 ? sx(v, ssz) : v);
          break;
      }
      case SHIFT_RI:
        shiftReg(fi, (int) imm);
        break;
      case SHIFT_RC:
        shiftReg(fi, (int) r[1] & 0xff);
        break;
      case SHIFT_MI:
        shiftMem(fi, ea(fi, disp), (int) imm);
        break;
      case SHIFT_MC:
        shiftMem(fi, ea(fi, disp), (int) r[1] & 0xff);
        break;
      case IMUL_RR: {
          int sz = size(fi);
          put(sz, fi & 31, imul2(sz, get(sz, fi & 31), get(sz, (fi >>> 5) & 31)));
          break;
      }
      case IMUL_RM: {
          int sz = size(fi);
          long v = read(ea(fi, disp), sz);
          put(sz, fi & 31, imul2(sz, get(sz, fi & 31), v));
          break;
      }
      case IMUL_RRI: {
          int sz = size(fi);
          put(sz, fi & 31, imul2(sz, get(sz, (fi >>> 5) & 31), imm));
          break;
      }
      case IMUL_RMI: {
          int sz = size(fi);
          long v = read(ea(fi, disp), sz);
          put(sz, fi & 31, imul2(sz, v, imm));
          break;
      }
      case CMOV_R:
        cmov(fi, get(size(fi), (fi >>> 5) & 31));
        break;
      case CMOV_M:
        cmov(fi, read(ea(fi, disp), size(fi)));
        break;
      case SETCC_R:
        put(1, fi & 31, cc(sub(fi)) ? 1 : 0);
        break;
      case SETCC_M:
        write8(ea(fi, disp), cc(sub(fi)) ? 1 : 0);
        break;
      case MOVSXD_R:
        put(size(fi), fi & 31, size(fi) == 8 ? (long) (int) r[(fi >>> 5) & 31]
        : get(size(fi), (fi >>> 5) & 31));
        break;
      case MOVSXD_M: {
          int sz = size(fi);
          long v = sz == 8 ? (long) read32(ea(fi, disp)) : read(ea(fi, disp), sz);
          put(sz, fi & 31, v);
          break;
      }
      case CDQE: {
          int sz = size(fi);
          put(sz, 0, sx(r[0], sz >> 1));
          break;
      }
      case CQO: {
          int sz = size(fi);
          put(sz, 2, (get(sz, 0) & signBit(sz)) != 0 ? -1 : 0);
          break;
      }
      default:
        throw new IllegalStateException("block op " + op);
    }
  }

  /** The jcc (condition in the fused word fi) after a compare of a and b (operand size sz). */
  private boolean subCond(int fi, long a, long b, int sz) {
    int cc = sub(fi);
    return isCompareCond(cc) ? compareCond(cc, a, b, sz) : cond(cc);
  }

  /** The jcc (condition in the fused word fi) after a test whose masked result is res. */
  private boolean logicCond(int fi, long res) {
    int cc = sub(fi);
    if (cc == 4) {
      return res == 0;
    } else if (cc == 5) {
      return res != 0;
    }
    return cond(cc);
  }

  private static int size(int fi) {
    return (fi >>> 19) & 15;
  }

  private static int sub(int fi) {
    return (fi >>> 23) & 15;
  }

  /** Effective (linear) address of a memory operand: disp + base + index << scale (+ FS/GS). */
  private long ea(int fi, long disp) {
    long[] r = regs;
    long a = disp + r[(fi >>> 5) & 31] + (r[(fi >>> 10) & 31] << ((fi >>> 15) & 3));
    int sg = (fi >>> 17) & 3;
    return sg == 0 ? a : a + segBase[sg + 3];
  }

  /** Register operand of size sz (codes 20-23: AH, CH, DH, BH), zero-extended. */
  long get(int sz, int code) {
    long[] r = regs;
    switch (sz) {
      case 8:
        return r[code];
      case 4:
        return r[code] & 0xffff_ffffL;
      case 2:
        return r[code] & 0xffff;
      default:
        return code >= HIGH8 ? (r[code - HIGH8] >>> 8) & 0xff : r[code] & 0xff;
    }
  }

  /** Writes a register operand as the generic setReg does (32-bit writes zero-extend). */
  private void put(int sz, int code, long v) {
    long[] r = regs;
    switch (sz) {
      case 8:
        r[code] = v;
        break;
      case 4:
        r[code] = v & 0xffff_ffffL;
        break;
      case 2:
        r[code] = (r[code] & ~0xffffL) | (v & 0xffff);
        break;
      default:
        if (code >= HIGH8) {
          int k = code - HIGH8;
          r[k] = (r[k] & ~0xff00L) | ((v & 0xff) << 8);
        } else {
          r[code] = (r[code] & ~0xffL) | (v & 0xff);
        }
        break;
    }
  }

  /** alu() with the block engine's test operation (OP_TEST: and, flags as logicFlags). */
  long aluOp(int op, int sz, long a, long b) {
    if (op == OP_TEST) {
      logicFlags(sz, a & b);
      return 0;
    }
    return alu(op, sz, a, b);
  }

  /** cond() for the block engine: the compare and logic cases inline, the rest through cond(). */
  private boolean cc(int cc) {
    int f = fOp;
    if (f == F_SUB) {
      if (isCompareCond(cc)) {
        return compareCond(cc, fA, fB, fSz);
      }
    } else if (f == F_LOGIC) {
      if (cc == 4) {
        return fRes == 0;
      } else if (cc == 5) {
        return fRes != 0;
      }
    }
    return cond(cc);
  }

  /** [m] = [m] op v (cmp and test only read). */
  void aluMem(int fi, long lin, long v) {
    int sz = size(fi);
    int aop = sub(fi);
    if (aop < 7) {
      probeWrite(lin, sz);
      long res = aluOp(aop, sz, read(lin, sz), v);
      write(lin, sz, res);
    } else {
      aluOp(aop, sz, read(lin, sz), v);
    }
  }

  private void unaryReg(int op, int fi) {
    int sz = size(fi);
    int d = fi & 31;
    long v = get(sz, d);
    put(sz, d, unary(op, sz, v));
  }

  private void unaryMem(int op, int fi, long lin) {
    int sz = size(fi);
    probeWrite(lin, sz);
    long v = read(lin, sz);
    write(lin, sz, unary(op, sz, v));
  }

  private long unary(int op, int sz, long v) {
    switch (op) {
      case INC_R:
      case INC_M:
        return inc(sz, v);
      case DEC_R:
      case DEC_M:
        return dec(sz, v);
      case NOT_R:
      case NOT_M:
        return ~v;
      default:
        return sub(sz, 0, v);
    }
  }

  private void shiftReg(int fi, int count) {
    int sz = size(fi);
    int d = fi & 31;
    put(sz, d, shift(sub(fi), sz, get(sz, d), count));
  }

  private void shiftMem(int fi, long lin, int count) {
    int sz = size(fi);
    if ((count & (sz == 8 ? 63 : 31)) != 0) {
      probeWrite(lin, sz);
      long r = shift(sub(fi), sz, read(lin, sz), count);
      write(lin, sz, r);
    } else {
      shift(sub(fi), sz, read(lin, sz), count); // reads (may fault), writes nothing
    }
  }

  private void cmov(int fi, long v) {
    int sz = size(fi);
    int d = fi & 31;
    if (cc(sub(fi))) {
      put(sz, d, v);
    } else if (sz == 4) {
      regs[d] &= 0xffff_ffffL;
    }
  }

  /**
   * A taken jmp/jcc flagged SPIN_CANDIDATE (its target is itself or 2 bytes before, the only
   * cases Decoder.checkSpin acts on): the generic path's idle-loop check, then the target.
   */
  private long spinCheck(long base, int[] ends, int i, long target) {
    rip = base + (i == 0 ? 0 : ends[i - 1]); // only for jumps flagged SPIN_CANDIDATE at decode
    checkSpin(target);
    if (spinInstrs != 0) {
      irqPoll = true; // leave the blocks: the run loop fast-forwards the idle loop
    }
    return target;
  }
}
