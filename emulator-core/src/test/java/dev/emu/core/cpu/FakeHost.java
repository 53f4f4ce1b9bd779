package dev.emu.core.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A scriptable CpuHost for core tests: records I/O, holds a few MSRs, queues interrupts. */
final class FakeHost implements CpuHost {
  final List<String> io = new ArrayList<>();
  final Map<Integer, Long> msrs = new HashMap<>();
  final Map<Long, Long> mmio = new HashMap<>();
  final List<Long> mmioWrites = new ArrayList<>();
  int pendingVector = -1;
  int tpr;
  int counterLimitHits;
  long cyclesAtLimit = -1;
  long instructionsAtLimit = -1;
  Cpu cpu;
  boolean tripleFaulted;
  boolean stopOnLimit;
  int ioReadValue = 0xffff_ffff;
  /** An out to this port makes {@link #raiseVector} pending (a device raising its IRQ). */
  int raiseOnOutPort = -1;
  int raiseVector;

  @Override
  public int ioRead(int port, int size) {
    io.add("in " + Integer.toHexString(port) + "/" + size);
    return size == 4 ? ioReadValue : ioReadValue & ((1 << (8 * size)) - 1);
  }

  @Override
  public void ioWrite(int port, int size, int value) {
    io.add("out " + Integer.toHexString(port) + "/" + size + "=" + Integer.toHexString(value));
    if (port == raiseOnOutPort) {
      pendingVector = raiseVector;
    }
  }

  @Override
  public long mmioRead(long physAddr, int size) {
    return mmio.getOrDefault(physAddr, -1L);
  }

  @Override
  public void mmioWrite(long physAddr, int size, long value) {
    mmioWrites.add(physAddr);
    mmio.put(physAddr, value);
  }

  @Override
  public boolean hasMsr(int msr) {
    return msrs.containsKey(msr);
  }

  @Override
  public long readMsr(int msr) {
    return msrs.get(msr);
  }

  @Override
  public boolean writeMsr(int msr, long value) {
    msrs.put(msr, value);
    return true;
  }

  @Override
  public boolean interruptPending() {
    return pendingVector >= 0;
  }

  @Override
  public int acknowledgeInterrupt() {
    int v = pendingVector;
    pendingVector = -1;
    return v;
  }

  @Override
  public int readTpr() {
    return tpr;
  }

  @Override
  public void writeTpr(int tpr) {
    this.tpr = tpr;
  }

  @Override
  public long readPmc(int ecx) {
    return ecx == 0 ? 0x1234 : -1;
  }

  @Override
  public void counterLimitReached() {
    counterLimitHits++;
    if (cpu != null) {
      cyclesAtLimit = cpu.unhaltedCycles();
      instructionsAtLimit = cpu.instructionsRetired();
      if (stopOnLimit) {
        cpu.requestStop();
      }
    }
  }

  @Override
  public void tripleFault() {
    tripleFaulted = true;
  }
}
