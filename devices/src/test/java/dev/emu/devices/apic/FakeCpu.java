package dev.emu.devices.apic;

import java.util.ArrayList;
import java.util.List;

/** Records what a LAPIC signals to its CPU. */
final class FakeCpu implements CpuSignals {
  int nmis;
  int inits;
  final List<Integer> sipis = new ArrayList<>();
  int notifications;

  @Override
  public void signalNmi() {
    nmis++;
  }

  @Override
  public void signalInit() {
    inits++;
  }

  @Override
  public void signalSipi(int vector) {
    sipis.add(vector);
  }

  @Override
  public void notifyInterrupt() {
    notifications++;
  }
}
