package dev.emu.devices.misc;

/**
 * The part of the i8042 keyboard controller an OS uses without a keyboard: the status port 0x64
 * reads "self-test passed, input and output buffers empty" (0x1C, so reset loops that wait for
 * the input buffer to drain proceed) and command 0xFE (pulse the reset line) resets the machine.
 * Every other command is accepted and ignored; the data port 0x60 reads 0 and never fills, so
 * keyboard probes time out (no keyboard or mouse is modelled).
 */
public final class KeyboardController {
  static final int STATUS_SYSTEM_FLAG = 0b0000_0100;
  static final int STATUS_COMMAND = 0b0000_1000;
  static final int STATUS_UNLOCKED = 0b0001_0000;
  static final int CMD_PULSE_RESET = 0xFE;

  private final BoardControl board;

  public KeyboardController(BoardControl board) {
    this.board = board;
  }

  public int readStatus() {
    return STATUS_SYSTEM_FLAG | STATUS_COMMAND | STATUS_UNLOCKED;
  }

  public int readData() {
    return 0;
  }

  public void writeCommand(int v) {
    if ((v & 0xff) == CMD_PULSE_RESET) {
      board.reset("reset through the keyboard controller (0x64 <- 0xFE)");
    }
  }
}
