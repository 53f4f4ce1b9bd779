package dev.emu.devices.board;

/** The machine cannot be built or the kernel cannot be loaded; the message is one line for the user. */
public final class BootException extends Exception {
  public BootException(String message) {
    super(message);
  }
}
