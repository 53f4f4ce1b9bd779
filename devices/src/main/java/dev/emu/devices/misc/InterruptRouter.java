package dev.emu.devices.misc;

/**
 * Interrupt inputs addressed by global system interrupt number (IOAPIC pin): for devices whose
 * routing is guest-programmable (HPET Tn_INT_ROUTE_CNF). The board binds it to the IOAPIC.
 */
@FunctionalInterface
public interface InterruptRouter {
  void setIrq(int gsi, boolean level);
}
