package dev.emu.devices.misc;

/**
 * Reset control register at I/O port 0xCF9 (Intel ICH/PIIX "RST_CNT"). Writing bit 2 (RST_CPU)
 * resets the system (the usual values are 0x06 hard and 0x0E full reset); bit 1 (SYS_RST) is
 * stored and read back, as QEMU's ICH9 LPC model does. Only byte accesses reach it.
 */
public final class ResetControl {
  static final int RST_CPU = 0b0000_0100;
  static final int SYS_RST = 0b0000_0010;

  private final BoardControl board;
  private int value;

  public ResetControl(BoardControl board) {
    this.board = board;
  }

  public int read() {
    return value;
  }

  public void write(int v) {
    if ((v & RST_CPU) != 0) {
      value = 0;
      board.reset("reset through port 0xCF9 (value 0x" + Integer.toHexString(v & 0xff) + ")");
      return;
    }
    value = v & SYS_RST;
  }

  public void reset() {
    value = 0;
  }
}
