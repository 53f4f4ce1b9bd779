package dev.emu.devices.board;

import dev.emu.core.cpu.CpuHost;
import dev.emu.devices.apic.IoApic;
import dev.emu.devices.apic.Lapic;
import dev.emu.devices.apic.Pmu;
import dev.emu.devices.hpet.Hpet;
import dev.emu.devices.misc.BoardControl;
import dev.emu.devices.misc.Clocks;

/**
 * One CPU's view of the board: the shared port space, the MMIO map (this CPU's LAPIC page at its
 * current APIC base while the xAPIC page is enabled, then the IOAPIC and HPET pages), MSRs
 * delegated to this CPU's LAPIC then PMU, interrupt acknowledge and CR8 through the LAPIC, and
 * RDPMC/counter limits through the PMU ({@code pmu == null} when the CPU model hides it: its MSRs
 * then #GP and RDPMC raises #GP(0)). Unclaimed MMIO reads all-ones.
 */
public final class BoardCpuHost implements CpuHost {
  private final PcIoPorts ports;
  private final Lapic lapic;
  private final Pmu pmu;
  private final IoApic ioApic;
  private final Hpet hpet;
  private final BoardControl board;

  BoardCpuHost(PcIoPorts ports, Lapic lapic, Pmu pmu, IoApic ioApic, Hpet hpet, BoardControl board) {
    this.ports = ports;
    this.lapic = lapic;
    this.pmu = pmu;
    this.ioApic = ioApic;
    this.hpet = hpet;
    this.board = board;
  }

  public Lapic lapic() {
    return lapic;
  }

  /** The PMU, or null when the CPU model hides it. */
  public Pmu pmu() {
    return pmu;
  }

  @Override
  public int ioRead(int port, int size) {
    return ports.read(port, size);
  }

  @Override
  public void ioWrite(int port, int size, int value) {
    ports.write(port, size, value);
  }

  @Override
  public long mmioRead(long physAddr, int size) {
    long page = physAddr & ~(PcLayout.MMIO_PAGE - 1L);
    int offset = (int) (physAddr & (PcLayout.MMIO_PAGE - 1));
    if (page == lapic.mmioBase() && lapic.mmioEnabled()) {
      return lapic.mmioRead(offset, size);
    }
    if (page == PcLayout.IOAPIC_BASE) {
      return ioApic.mmioRead(offset, size);
    }
    if (page == PcLayout.HPET_BASE) {
      return hpet.read(offset, size);
    }
    return Clocks.ones(size);
  }

  @Override
  public void mmioWrite(long physAddr, int size, long value) {
    long page = physAddr & ~(PcLayout.MMIO_PAGE - 1L);
    int offset = (int) (physAddr & (PcLayout.MMIO_PAGE - 1));
    if (page == lapic.mmioBase() && lapic.mmioEnabled()) {
      lapic.mmioWrite(offset, size, value);
    } else if (page == PcLayout.IOAPIC_BASE) {
      ioApic.mmioWrite(offset, size, value);
    } else if (page == PcLayout.HPET_BASE) {
      hpet.write(offset, size, value);
    }
  }

  @Override
  public boolean hasMsr(int msr) {
    return lapic.hasMsr(msr) || (pmu != null && pmu.hasMsr(msr));
  }

  @Override
  public long readMsr(int msr) {
    if (lapic.hasMsr(msr)) {
      return lapic.readMsr(msr);
    }
    return pmu != null && pmu.hasMsr(msr) ? pmu.readMsr(msr) : 0;
  }

  @Override
  public boolean writeMsr(int msr, long value) {
    if (lapic.hasMsr(msr)) {
      return lapic.writeMsr(msr, value);
    }
    return pmu != null && pmu.hasMsr(msr) && pmu.writeMsr(msr, value);
  }

  @Override
  public boolean interruptPending() {
    return lapic.interruptPending();
  }

  @Override
  public int acknowledgeInterrupt() {
    return lapic.acknowledge();
  }

  @Override
  public int readTpr() {
    return lapic.readTpr();
  }

  @Override
  public void writeTpr(int tpr) {
    lapic.writeTpr(tpr);
  }

  @Override
  public long readPmc(int ecx) {
    return pmu != null ? pmu.rdpmc(ecx) : -1;
  }

  @Override
  public void counterLimitReached() {
    if (pmu != null) {
      pmu.counterLimitReached();
    }
  }

  @Override
  public void tripleFault() {
    board.reset("triple fault");
  }
}
