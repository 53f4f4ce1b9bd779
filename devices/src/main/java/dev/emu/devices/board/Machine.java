package dev.emu.devices.board;

/**
 * The emulated PC as the CLI sees it. All methods run on the machine thread except
 * {@link #sendInput} and {@link #requestStop}, which any thread may call.
 */
public interface Machine {

  /**
   * Runs the guest for at most {@code guestNanos} of guest time (Long.MAX_VALUE: unbounded) and
   * returns why it stopped. Guest time derives from cycles only; no host clock is consulted.
   */
  RunResult run(long guestNanos);

  /** Guest time since power-on, in nanoseconds (from the global cycle count). */
  long guestNanos();

  /** Queues console input; bytes enter the UART only when its RX FIFO has room (none dropped). */
  void sendInput(byte[] data);

  /** Input bytes queued but not yet taken by the UART. */
  int pendingInput();

  /** Asks {@link #run} to return soon with STOPPED. Thread-safe. */
  void requestStop();

  int cpuCount();

  /** QEMU-style register dump of one vCPU ("info registers"). */
  String infoRegisters(int cpu);

  /** One line per vCPU: index, state (running/halted/wait-for-SIPI), RIP with kernel symbol. */
  String infoCpus();

  /** LAPIC state of one vCPU ("info lapic"). */
  String infoLapic(int cpu);

  /** Latches an NMI on a vCPU, as QEMU's monitor "nmi" command. */
  void injectNmi(int cpu);

  /** Cycles each vCPU skipped by fast-forward (zeros when it is off). */
  long[] skippedCycles();

  /** How many times the guest rebooted the machine in place (reset without noReboot). */
  default int reboots() {
    return 0;
  }
}
