package dev.emu.devices.board;

/** Receives every byte the guest writes to its serial console (COM1), in order. */
@FunctionalInterface
public interface ConsoleSink {
  void write(int b);
}
