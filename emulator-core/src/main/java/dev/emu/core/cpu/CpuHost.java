package dev.emu.core.cpu;

/**
 * Everything a CPU needs from the machine around it. One instance per CPU, supplied by the board,
 * so that per-CPU devices (the LAPIC at 0xFEE00000, the PMU MSRs) resolve to this CPU's copy.
 *
 * <p>The core knows no specific device: it calls these methods for port I/O, for physical
 * addresses outside RAM, for MSRs it does not hold itself, and for interrupt acknowledgement.
 * None of these may throw; an access nothing claims reads all-ones (I/O, MMIO) and ignores writes.
 */
public interface CpuHost {

  /** Port input, size 1, 2 or 4 bytes; the value is zero-extended. */
  int ioRead(int port, int size);

  /** Port output, size 1, 2 or 4 bytes. */
  void ioWrite(int port, int size, int value);

  /** Read of a physical address outside RAM, size 1, 2, 4 or 8. */
  long mmioRead(long physAddr, int size);

  /** Write of a physical address outside RAM, size 1, 2, 4 or 8. */
  void mmioWrite(long physAddr, int size, long value);

  /** True if the host (LAPIC, x2APIC, PMU, TSC-deadline...) implements this MSR. */
  boolean hasMsr(int msr);

  /** Reads a delegated MSR; only called when {@link #hasMsr} is true. */
  long readMsr(int msr);

  /** Writes a delegated MSR; false means the value is invalid for it and the CPU raises #GP(0). */
  boolean writeMsr(int msr, long value);

  /**
   * True if a maskable external interrupt is ready for this CPU (LAPIC: highest IRR vector's
   * priority class above the PPR). Polled at instruction boundaries while RFLAGS.IF=1.
   */
  boolean interruptPending();

  /** Acknowledges the highest pending interrupt (LAPIC IRR to ISR) and returns its vector. */
  int acknowledgeInterrupt();

  /**
   * CR8 is the LAPIC's TPR: the CPU reads and writes it through here. Values are CR8 values,
   * 0..15 (= TPR[7:4]); {@code mov %cr8,r} returns readTpr(), {@code mov r,%cr8} calls
   * writeTpr(r & 0xF) (SDM vol. 3 10.8.6.1).
   */
  int readTpr();

  void writeTpr(int tpr);

  /** RDPMC: returns the counter value, or -1 to make the CPU raise #GP(0) (bad ECX). */
  long readPmc(int ecx);

  /** The CPU has reached the unhalted-cycle or instruction limit set by setCounterLimits. */
  void counterLimitReached();

  /** A triple fault (or shutdown): the board resets or stops the machine. */
  void tripleFault();
}
