package dev.emu.devices.misc;

/**
 * QEMU's ISA pvpanic device at I/O port 0x505. A read returns the supported events (bit 0
 * PANICKED, bit 1 CRASH_LOADED); writing bit 0 reports a guest panic to the machine (which ends
 * the current run with PANIC and can run on). CRASH_LOADED (a kdump kernel took over) is
 * accepted and ignored.
 */
public final class PvPanic {
  public static final int PANICKED = 0b01;
  public static final int CRASH_LOADED = 0b10;

  private final BoardControl board;

  public PvPanic(BoardControl board) {
    this.board = board;
  }

  public int read() {
    return PANICKED | CRASH_LOADED;
  }

  public void write(int v) {
    if ((v & PANICKED) != 0) {
      board.panic();
    }
  }
}
