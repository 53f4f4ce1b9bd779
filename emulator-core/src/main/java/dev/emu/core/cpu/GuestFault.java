package dev.emu.core.cpu;

/**
 * Unwinds the interpreter from a faulting instruction back to the run loop, which delivers the
 * exception to the guest. Preallocated per CPU, without a stack trace: throwing it never
 * allocates. It never escapes {@link Cpu#run(long)}.
 */
final class GuestFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  int vector;
  int errorCode;
  boolean hasErrorCode;

  GuestFault() {
    super(null, null, false, false);
  }
}
