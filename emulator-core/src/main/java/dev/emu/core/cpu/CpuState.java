package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

/**
 * Architectural and bookkeeping state of one logical processor. The interpreter is split in a
 * chain of classes (CpuState, Mmu, Alu, SystemOps, Core) so that every part reads the state as
 * plain fields of {@code this}; only the final {@link Core} is ever instantiated, so all calls are
 * monomorphic.
 */
abstract class CpuState {
  // Segment register indices, in x86 encoding order.
  static final int ES = 0;
  static final int CS = 1;
  static final int SS = 2;
  static final int DS = 3;
  static final int FS = 4;
  static final int GS = 5;

  // RFLAGS bits.
  static final int CF = 1;
  static final int PF = 1 << 2;
  static final int AF = 1 << 4;
  static final int ZF = 1 << 6;
  static final int SF = 1 << 7;
  static final int TF = 1 << 8;
  static final int IF = 1 << 9;
  static final int DF = 1 << 10;
  static final int OF = 1 << 11;
  static final int IOPL = 3 << 12;
  static final int NT = 1 << 14;
  static final int RF = 1 << 16;
  static final int VM = 1 << 17;
  static final int AC = 1 << 18;
  static final int ID = 1 << 21;
  static final int ARITH = CF | PF | AF | ZF | SF | OF;

  // CR0 / CR4 / EFER bits.
  static final long CR0_PE = 1;
  static final long CR0_MP = 1 << 1;
  static final long CR0_EM = 1 << 2;
  static final long CR0_TS = 1 << 3;
  static final long CR0_ET = 1 << 4;
  static final long CR0_NE = 1 << 5;
  static final long CR0_WP = 1 << 16;
  static final long CR0_AM = 1 << 18;
  static final long CR0_NW = 1L << 29;
  static final long CR0_CD = 1L << 30;
  static final long CR0_PG = 1L << 31;
  static final long CR4_PSE = 1 << 4;
  static final long CR4_PAE = 1 << 5;
  static final long CR4_PGE = 1 << 7;
  static final long EFER_SCE = 1;
  static final long EFER_LME = 1 << 8;
  static final long EFER_LMA = 1 << 10;
  static final long EFER_NXE = 1 << 11;

  // Exception vectors.
  static final int VEC_DE = 0;
  static final int VEC_DB = 1;
  static final int VEC_NMI = 2;
  static final int VEC_BP = 3;
  static final int VEC_OF = 4;
  static final int VEC_UD = 6;
  static final int VEC_NM = 7;
  static final int VEC_DF = 8;
  static final int VEC_TS = 10;
  static final int VEC_NP = 11;
  static final int VEC_SS = 12;
  static final int VEC_GP = 13;
  static final int VEC_PF = 14;

  final int index;
  final PhysicalMemory memory;
  final byte[] ram;
  final long ramSize;
  final CpuHost host;
  final CpuModel model;
  final GuestFault fault = new GuestFault();

  /**
   * General registers RAX..R15, then two slots of the block engine: 16 always 0 (no base or
   * index), 17 the running block's start RIP (RIP-relative base). Only 0-15 are architectural.
   */
  final long[] regs = new long[18];
  /** Address of the current instruction (committed RIP). */
  long rip;
  /** Offset of the next byte to fetch within CS while an instruction executes. */
  long ip;
  /** RFLAGS; the six arithmetic bits are stale while {@code fOp != F_NONE} (see Alu). */
  int eflags = 2;

  final int[] segSel = new int[6];
  final long[] segBase = new long[6];
  final long[] segLimit = new long[6];
  /** Descriptor attribute bits 40..55 (type, S, DPL, P, AVL, L, D/B, G) as bits 0..15. */
  final int[] segAttr = new int[6];
  int cpl;

  long cr0 = CR0_ET;
  long cr2;
  long cr3;
  long cr4;
  long efer;
  final long[] dr = new long[8];
  long gdtBase;
  int gdtLimit;
  long idtBase;
  int idtLimit = 0x3ff;
  int ldtSel;
  long ldtBase;
  int ldtLimit;
  int trSel;
  long trBase;
  int trLimit;
  int trAttr;

  /** Code is 64-bit (EFER.LMA and CS.L). */
  boolean mode64;
  /** Default operand/address size of the code segment is 32 bits (CS.D or 64-bit mode). */
  boolean code32;
  /** Decode-mode key of cached instructions: bit 0 mode64, bit 1 code32 (see DecodeCache). */
  int modeKey;
  /** Protected mode (CR0.PE). */
  boolean protectedMode;
  boolean paging;

  long kernelGsBase;
  long tscAux;
  long pat = 0x0007040600070406L;
  long miscEnable = 1; // fast strings
  long star;
  long lstar;
  long cstar;
  long sfmask;
  long sysenterCs;
  long sysenterEsp;
  long sysenterEip;
  long tscOffset;

  boolean halted;
  boolean waitingForSipi;
  /** Triple fault: only INIT or reset leaves this state. */
  boolean shutdown;
  boolean nmiLatched;
  boolean nmiBlocked;
  /** One-instruction interrupt shadow after STI / MOV SS / POP SS. */
  boolean interruptShadow;

  long cycles;
  long idleCycles;
  long retired;
  /** Instructions accounted by fastForwardSpin without being interpreted (diagnostics). */
  long skippedInstructions;
  long unhaltedLimit = Long.MAX_VALUE;
  long instructionLimit = Long.MAX_VALUE;
  /** run() leaves its loop when cycles reaches this (run limit, or the unhalted-counter limit). */
  long checkAt;
  long runLimit;
  boolean stopRequested;
  /**
   * The host's interruptPending() (or RAM, through PhysicalMemory) may have changed: set by
   * run() and by every host call (I/O, MMIO, MSR, TPR, counter limit, acknowledge) and
   * notifyInterrupt; the next boundary polls once into irqReady. Saves the interface call at
   * every instruction boundary.
   */
  boolean irqPoll = true;
  /** The last poll of interruptPending() said true (delivered once IF=1 and no shadow). */
  boolean irqReady;
  int cpuCount = 1;
  /** Exact skipping of provably idle spin loops (see Core.fastForwardSpin). */
  boolean fastForward = true;
  /**
   * Executes straight-line runs of frequent 64-bit instructions from pre-decoded blocks (see
   * Core.execBlock and docs/cpu.md); off steps every instruction through the generic decoder.
   * Both give the same architectural results, cycle for cycle. Default from the system property
   * {@code emu.blocks} (true).
   */
  boolean useBlocks = !"false".equals(System.getProperty("emu.blocks"));
  /** Set by a branch that closed an idle loop: instructions per iteration (0 = none). */
  int spinInstrs;
  /** Cycles per iteration of that loop besides the branch itself. */
  int spinExtra;
  /** An interpreter bug that stopped this CPU (never a guest fault). */
  RuntimeException lastError;

  CpuState(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    this.index = index;
    this.memory = memory;
    this.ram = memory.array();
    this.ramSize = memory.size();
    this.host = host;
    this.model = model;
  }

  /** Throws a fault with an error code. Never returns normally. */
  final GuestFault fault(int vector, int errorCode) {
    GuestFault f = fault;
    f.vector = vector;
    f.errorCode = errorCode;
    f.hasErrorCode = true;
    throw f;
  }

  /** Throws a fault without an error code. Never returns normally. */
  final GuestFault fault(int vector) {
    GuestFault f = fault;
    f.vector = vector;
    f.errorCode = 0;
    f.hasErrorCode = false;
    throw f;
  }

  final GuestFault gp0() {
    return fault(VEC_GP, 0);
  }

  final GuestFault ud() {
    return fault(VEC_UD);
  }
}
