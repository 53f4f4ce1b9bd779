package dev.emu.devices.apic;

/**
 * The processor-side inputs a LAPIC drives. The board binds this to {@code dev.emu.core.cpu.Cpu}
 * (same method names). Calls happen on the machine thread, either while the owning CPU runs (an
 * instruction touched its own LAPIC), while another CPU runs (an IPI), or between slices (a timer
 * or IOAPIC event).
 */
public interface CpuSignals {
  /** Latch an NMI (ICR/LVT delivery mode NMI, LINT1 per MADT, LVTPC in NMI mode). */
  void signalNmi();

  /** INIT: the processor enters the wait-for-SIPI state (APs) / INIT state. */
  void signalInit();

  /** Start-up IPI with its 8-bit vector (real-mode entry at vector << 12). */
  void signalSipi(int vector);

  /** The LAPIC may now have a deliverable maskable interrupt: wake from HLT if IF=1. */
  void notifyInterrupt();
}
