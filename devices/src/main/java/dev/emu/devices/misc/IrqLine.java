package dev.emu.devices.misc;

/**
 * One interrupt output of a device, as the wire it drives. A device calls {@link #set} only when
 * its output level changes; edge-triggered consumers (IOAPIC edge pins) see the rising edge.
 */
@FunctionalInterface
public interface IrqLine {
  void set(boolean level);
}
