package dev.emu.devices.board;

import dev.emu.core.cpu.Cpu;
import dev.emu.devices.apic.CpuSignals;
import dev.emu.devices.apic.PmuClock;

/**
 * Binds the apic package's processor-side interfaces to one {@link Cpu}. The LAPIC and PMU are
 * built before the Cpu (the Cpu needs its CpuHost, which needs them), so the Cpu is attached
 * afterwards; nothing calls through before the machine powers on.
 */
final class CpuBinding implements CpuSignals, PmuClock {
  private Cpu cpu;

  void attach(Cpu cpu) {
    this.cpu = cpu;
  }

  @Override
  public void signalNmi() {
    cpu.signalNmi();
  }

  @Override
  public void signalInit() {
    cpu.signalInit();
  }

  @Override
  public void signalSipi(int vector) {
    cpu.signalSipi(vector);
  }

  @Override
  public void notifyInterrupt() {
    cpu.notifyInterrupt();
  }

  @Override
  public long unhaltedCycles() {
    return cpu.unhaltedCycles();
  }

  @Override
  public long instructionsRetired() {
    return cpu.instructionsRetired();
  }

  @Override
  public void setCounterLimits(long unhaltedCycleLimit, long instructionLimit) {
    cpu.setCounterLimits(unhaltedCycleLimit, instructionLimit);
  }
}
