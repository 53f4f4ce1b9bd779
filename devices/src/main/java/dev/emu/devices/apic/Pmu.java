package dev.emu.devices.apic;

/**
 * Intel architectural performance monitoring, version 2, for one CPU: 4 general-purpose and
 * 3 fixed-function 48-bit counters with the global control, status and overflow-control MSRs.
 *
 * <p>Spec: Intel SDM vol. 3B 18.2.1 (version 1: IA32_PERFEVTSELx, IA32_PMCx), 18.2.2 (version 2:
 * IA32_FIXED_CTR0-2, IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_CTRL/STATUS/OVF_CTRL, post-RESET
 * GLOBAL_CTRL = GP enable bits set), table 18-1 (architectural events), "Full-Width Writes to
 * Performance Counter Registers" (legacy WRMSR to IA32_PMCx sign-extends EAX[31:0]; the
 * IA32_A_PMCx aliases 0x4C1-0x4C4 exist when IA32_PERF_CAPABILITIES.FW_WRITE, bit 13, is set, as
 * here), vol. 3A 10.5.1 (PMI through the LVTPC, which the LAPIC masks on delivery).
 *
 * <p>Overview: nothing counts per instruction here. A running counter is {@code base} plus the
 * growth of its source ({@link PmuClock#unhaltedCycles()} or
 * {@link PmuClock#instructionsRetired()}) since {@code start}; every configuration change first
 * folds the running values into their bases and then re-arms. Re-arming computes, per source, the earliest source value at which a running
 * counter wraps 2^48 - 1 -> 0 and passes it to {@link PmuClock#setCounterLimits}, so the CPU calls
 * {@link #counterLimitReached()} at exactly that instruction boundary. There the overflow sets the
 * counter's GLOBAL_STATUS bit, the counter keeps counting from its wrapped value, and if its INT
 * (EVTSELx bit 20) / PMI (FIXED_CTR_CTRL bit 4k+3) bit is set, {@link Lapic#pmi()} is raised.
 * Counters only advance while the CPU is unhalted because their sources do.
 *
 * <p>Events: 0x3C/0x00 unhalted core cycles, 0xC0/0x00 instructions retired, 0x3C/0x01 unhalted
 * reference cycles (= core cycles: the reference/TSC clock equals the core clock here). Any other
 * event never counts. All guest code runs at CPL 0, so a counter counts when its OS bit (EVTSELx
 * bit 17, FIXED_CTR_CTRL bit 4k) is set; USR alone counts nothing.
 *
 * <p>Not modelled: EDGE, INV, CMASK, PC and AnyThread (v3) semantics (AnyThread is reserved in
 * v2 and #GPs), freeze-on-PMI (DEBUGCTL), PEBS/DS (OvfBuffer), CondChgd.
 */
public final class Pmu {
  // ---- MSRs ----
  public static final int MSR_PMC0 = 0xC1;
  public static final int MSR_PERFEVTSEL0 = 0x186;
  public static final int MSR_PERF_CAPABILITIES = 0x345;
  public static final int MSR_FIXED_CTR0 = 0x309;
  public static final int MSR_FIXED_CTR_CTRL = 0x38D;
  public static final int MSR_PERF_GLOBAL_STATUS = 0x38E;
  public static final int MSR_PERF_GLOBAL_CTRL = 0x38F;
  public static final int MSR_PERF_GLOBAL_OVF_CTRL = 0x390;
  public static final int MSR_A_PMC0 = 0x4C1;

  public static final int GP_COUNTERS = 4;
  public static final int FIXED_COUNTERS = 3;
  public static final int COUNTER_WIDTH = 48;
  static final long COUNTER_MASK = (1L << COUNTER_WIDTH) - 1;
  private static final int COUNTERS = GP_COUNTERS + FIXED_COUNTERS;

  // ---- CPUID leaf 0xA the CPU should report for this PMU ----
  /** EAX: version 2, 4 counters, 48 bits wide, 7 architectural events enumerated in EBX. */
  public static final int CPUID_0A_EAX = 7 << 24 | COUNTER_WIDTH << 16 | GP_COUNTERS << 8 | 2;
  /** EBX: a set bit means "not available": only core cycles, instructions, ref cycles count. */
  public static final int CPUID_0A_EBX = 0b111_1000;
  /** EDX: 3 fixed counters, 48 bits wide. */
  public static final int CPUID_0A_EDX = COUNTER_WIDTH << 5 | FIXED_COUNTERS;

  // ---- IA32_PERFEVTSELx bits ----
  static final long EVTSEL_USR = 1L << 16;
  static final long EVTSEL_OS = 1L << 17;
  static final long EVTSEL_INT = 1L << 20;
  static final long EVTSEL_ANY = 1L << 21;
  static final long EVTSEL_EN = 1L << 22;
  private static final long EVTSEL_WRITABLE = 0xFFFF_FFFFL & ~EVTSEL_ANY;
  static final int EVENT_CORE_CYCLES = 0x3C;
  static final int EVENT_INSTRUCTIONS = 0xC0;
  static final int UMASK_REF_CYCLES = 0x01;

  // ---- IA32_FIXED_CTR_CTRL: per counter k, bits 4k..4k+3 = OS, USR, AnyThread, PMI ----
  static final int FIXED_OS = 0b0001;
  static final int FIXED_PMI = 0b1000;
  private static final long FIXED_CTRL_WRITABLE = 0xBBB;

  // ---- global MSRs ----
  private static final long GLOBAL_COUNTER_BITS = 0x7_0000_000FL;
  private static final long OVF_CTRL_WRITABLE = GLOBAL_COUNTER_BITS | 0xC000_0000_0000_0000L;
  /** IA32_PERF_CAPABILITIES: only FW_WRITE (full-width PMC writes through 0x4C1..). */
  public static final long DEFAULT_PERF_CAPABILITIES = 1L << 13;
  /** SDM 18.2.2: GLOBAL_CTRL resets with the general-purpose enable bits set. */
  static final long DEFAULT_GLOBAL_CTRL = (1L << GP_COUNTERS) - 1;

  private static final int SRC_NONE = 0;
  private static final int SRC_CYCLES = 1;
  private static final int SRC_INSTRUCTIONS = 2;

  private final PmuClock clock;
  private final Lapic lapic;

  // guest-visible
  private final long[] evtsel = new long[GP_COUNTERS];
  private long fixedCtrl;
  private long globalCtrl;
  private long globalStatus;
  // counters 0-3 general purpose, 4-6 fixed; value = base (+ source - start while running)
  private final long[] base = new long[COUNTERS];
  private final long[] start = new long[COUNTERS];
  private final int[] source = new int[COUNTERS];
  // hidden
  private long cycleLimit = Long.MAX_VALUE;
  private long instructionLimit = Long.MAX_VALUE;

  /** The constructor does not touch the clock (the CPU may not be ready yet). */
  public Pmu(PmuClock clock, Lapic lapic) {
    this.clock = clock;
    this.lapic = lapic;
    resetState();
  }

  public void reset() {
    resetState();
    rearm();
  }

  private void resetState() {
    java.util.Arrays.fill(evtsel, 0);
    java.util.Arrays.fill(base, 0);
    java.util.Arrays.fill(start, 0);
    java.util.Arrays.fill(source, SRC_NONE);
    fixedCtrl = 0;
    globalCtrl = DEFAULT_GLOBAL_CTRL;
    globalStatus = 0;
  }

  // ======================= MSRs =======================

  public boolean hasMsr(int msr) {
    return (msr >= MSR_PMC0 && msr < MSR_PMC0 + GP_COUNTERS)
        || (msr >= MSR_A_PMC0 && msr < MSR_A_PMC0 + GP_COUNTERS)
        || (msr >= MSR_PERFEVTSEL0 && msr < MSR_PERFEVTSEL0 + GP_COUNTERS)
        || (msr >= MSR_FIXED_CTR0 && msr < MSR_FIXED_CTR0 + FIXED_COUNTERS)
        || (msr >= MSR_FIXED_CTR_CTRL && msr <= MSR_PERF_GLOBAL_OVF_CTRL)
        || msr == MSR_PERF_CAPABILITIES;
  }

  public long readMsr(int msr) {
    if (msr >= MSR_PMC0 && msr < MSR_PMC0 + GP_COUNTERS) {
      return value(msr - MSR_PMC0);
    }
    if (msr >= MSR_A_PMC0 && msr < MSR_A_PMC0 + GP_COUNTERS) {
      return value(msr - MSR_A_PMC0);
    }
    if (msr >= MSR_PERFEVTSEL0 && msr < MSR_PERFEVTSEL0 + GP_COUNTERS) {
      return evtsel[msr - MSR_PERFEVTSEL0];
    }
    if (msr >= MSR_FIXED_CTR0 && msr < MSR_FIXED_CTR0 + FIXED_COUNTERS) {
      return value(GP_COUNTERS + msr - MSR_FIXED_CTR0);
    }
    switch (msr) {
      case MSR_FIXED_CTR_CTRL:
        return fixedCtrl;
      case MSR_PERF_GLOBAL_STATUS:
        fold(); // an overflow passed but not yet reported shows up here too
        rearm(false);
        return globalStatus;
      case MSR_PERF_GLOBAL_CTRL:
        return globalCtrl;
      case MSR_PERF_CAPABILITIES:
        return DEFAULT_PERF_CAPABILITIES;
      default:
        return 0; // GLOBAL_OVF_CTRL reads 0
    }
  }

  /** False means #GP(0): reserved bits set or a read-only MSR. */
  public boolean writeMsr(int msr, long value) {
    if (msr >= MSR_PMC0 && msr < MSR_PMC0 + GP_COUNTERS) {
      // Legacy alias: the counter takes EAX[31:0] sign-extended (SDM "Full-Width Writes").
      writeCounter(msr - MSR_PMC0, (long) (int) value);
      return true;
    }
    if (msr >= MSR_A_PMC0 && msr < MSR_A_PMC0 + GP_COUNTERS) {
      if ((value & ~COUNTER_MASK) != 0) {
        return false;
      }
      writeCounter(msr - MSR_A_PMC0, value);
      return true;
    }
    if (msr >= MSR_FIXED_CTR0 && msr < MSR_FIXED_CTR0 + FIXED_COUNTERS) {
      writeCounter(GP_COUNTERS + msr - MSR_FIXED_CTR0, value);
      return true;
    }
    if (msr >= MSR_PERFEVTSEL0 && msr < MSR_PERFEVTSEL0 + GP_COUNTERS) {
      if ((value & ~EVTSEL_WRITABLE) != 0) {
        return false;
      }
      fold();
      evtsel[msr - MSR_PERFEVTSEL0] = value;
      rearm();
      return true;
    }
    switch (msr) {
      case MSR_FIXED_CTR_CTRL -> {
        if ((value & ~FIXED_CTRL_WRITABLE) != 0) {
          return false;
        }
        fold();
        fixedCtrl = value;
        rearm();
        return true;
      }
      case MSR_PERF_GLOBAL_CTRL -> {
        if ((value & ~GLOBAL_COUNTER_BITS) != 0) {
          return false;
        }
        fold();
        globalCtrl = value;
        rearm();
        return true;
      }
      case MSR_PERF_GLOBAL_OVF_CTRL -> {
        if ((value & ~OVF_CTRL_WRITABLE) != 0) {
          return false;
        }
        fold();
        globalStatus &= ~value;
        rearm();
        return true;
      }
      default -> {
        return false; // GLOBAL_STATUS and PERF_CAPABILITIES are read-only
      }
    }
  }

  /**
   * RDPMC: ECX[30] selects the fixed counters, ECX[29:0] the index. Returns the 48-bit value or
   * -1 for an invalid ECX (the CPU raises #GP(0)). The CPL/CR4.PCE check is the CPU's.
   */
  public long rdpmc(int ecx) {
    boolean fixed = (ecx & (1 << 30)) != 0;
    int index = ecx & ~(1 << 30);
    if (index < 0) {
      return -1; // ECX[31] (the old "fast read" bit) is not supported
    }
    if (fixed) {
      return index < FIXED_COUNTERS ? value(GP_COUNTERS + index) : -1;
    }
    return index < GP_COUNTERS ? value(index) : -1;
  }

  /** Called by the CPU (through CpuHost) at the boundary where a set limit was reached. */
  public void counterLimitReached() {
    fold();
    rearm(true); // re-send even if unchanged: the CPU may treat a reached limit as consumed
  }

  // ======================= counting =======================

  private long sourceNow(int src) {
    return src == SRC_CYCLES ? clock.unhaltedCycles() : clock.instructionsRetired();
  }

  private long value(int i) {
    int src = source[i];
    if (src == SRC_NONE) {
      return base[i];
    }
    return (base[i] + sourceNow(src) - start[i]) & COUNTER_MASK;
  }

  private void writeCounter(int i, long value) {
    fold();
    base[i] = value & COUNTER_MASK;
    rearm();
  }

  /**
   * Folds every running counter into its base at the current source values; a counter that
   * crossed 2^48 sets its GLOBAL_STATUS bit and, with its interrupt bit, requests one PMI.
   */
  private void fold() {
    boolean pmi = false;
    long cycles = -1;
    long instructions = -1;
    for (int i = 0; i < COUNTERS; i++) {
      int src = source[i];
      if (src == SRC_NONE) {
        continue;
      }
      long now;
      if (src == SRC_CYCLES) {
        now = cycles = cycles < 0 ? clock.unhaltedCycles() : cycles;
      } else {
        now = instructions = instructions < 0 ? clock.instructionsRetired() : instructions;
      }
      long raw = base[i] + (now - start[i]);
      base[i] = raw & COUNTER_MASK;
      start[i] = now;
      if (raw > COUNTER_MASK) {
        globalStatus |= statusBit(i);
        pmi |= interruptEnabled(i);
      }
    }
    if (pmi && lapic != null) {
      lapic.pmi();
    }
  }

  /** Recomputes which counters run and the CPU's stop points. Counters must be folded first. */
  private void rearm() {
    rearm(false);
  }

  private void rearm(boolean force) {
    long newCycleLimit = Long.MAX_VALUE;
    long newInstructionLimit = Long.MAX_VALUE;
    for (int i = 0; i < COUNTERS; i++) {
      int src = enabledSource(i);
      if (src != source[i]) {
        source[i] = src;
        if (src != SRC_NONE) {
          start[i] = sourceNow(src);
        }
      }
      if (src == SRC_NONE) {
        continue;
      }
      long overflowAt = start[i] + (COUNTER_MASK + 1 - base[i]);
      if (src == SRC_CYCLES) {
        newCycleLimit = Math.min(newCycleLimit, overflowAt);
      } else {
        newInstructionLimit = Math.min(newInstructionLimit, overflowAt);
      }
    }
    if (force || newCycleLimit != cycleLimit || newInstructionLimit != instructionLimit) {
      cycleLimit = newCycleLimit;
      instructionLimit = newInstructionLimit;
      clock.setCounterLimits(newCycleLimit, newInstructionLimit);
    }
  }

  private int enabledSource(int i) {
    if ((globalCtrl & statusBit(i)) == 0) {
      return SRC_NONE;
    }
    if (i >= GP_COUNTERS) {
      int k = i - GP_COUNTERS;
      if ((fixedCtrl >>> (4 * k) & FIXED_OS) == 0) {
        return SRC_NONE; // CPL 0 only: USR alone never counts here
      }
      return k == 0 ? SRC_INSTRUCTIONS : SRC_CYCLES;
    }
    long sel = evtsel[i];
    if ((sel & EVTSEL_EN) == 0 || (sel & EVTSEL_OS) == 0) {
      return SRC_NONE;
    }
    int event = (int) sel & 0xFF;
    int umask = (int) (sel >>> 8) & 0xFF;
    if (event == EVENT_CORE_CYCLES && (umask == 0 || umask == UMASK_REF_CYCLES)) {
      return SRC_CYCLES;
    }
    if (event == EVENT_INSTRUCTIONS && umask == 0) {
      return SRC_INSTRUCTIONS;
    }
    return SRC_NONE;
  }

  private static long statusBit(int i) {
    return i < GP_COUNTERS ? 1L << i : 1L << (32 + i - GP_COUNTERS);
  }

  private boolean interruptEnabled(int i) {
    if (i < GP_COUNTERS) {
      return (evtsel[i] & EVTSEL_INT) != 0;
    }
    return (fixedCtrl >>> (4 * (i - GP_COUNTERS)) & FIXED_PMI) != 0;
  }

  /** Counter summary for the monitor. */
  public String describe() {
    StringBuilder sb = new StringBuilder(String.format(
        "pmu v2 global_ctrl=0x%x status=0x%x fixed_ctrl=0x%x limits cycles=%d insns=%d%n",
        globalCtrl, globalStatus, fixedCtrl, cycleLimit, instructionLimit));
    for (int i = 0; i < COUNTERS; i++) {
      sb.append(i < GP_COUNTERS
          ? String.format("pmc%d evtsel=0x%08x", i, evtsel[i])
          : String.format("fixed%d", i - GP_COUNTERS));
      sb.append(String.format(" value=0x%012x%s%n", value(i), source[i] != SRC_NONE ? " running"
          : ""));
    }
    return sb.toString();
  }
}
