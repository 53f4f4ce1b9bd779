package dev.emu.core.ff;

import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuHost;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import dev.emu.core.time.Scheduler;
import dev.emu.core.time.Timeline;
import dev.emu.core.time.TimerEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small flat 64-bit machine for fast-forward exactness tests: n CPUs on one Scheduler and
 * Timeline, 4 MiB of RAM with identity page tables at 0x1000, a GDT at 0x3000 (0x08 code64,
 * 0x10 data), an IDT at 0x4000 (all vectors point to a {@code hlt} at {@link #BAD}), CPU i's
 * stack below {@link #STACK} - i * 0x10000. Everything the hosts see is appended to
 * {@link #log} as "cycle cpu what rip" lines, so two runs can be compared event by event.
 */
final class FfRig {
  static final long CODE = 0x10000;
  static final long HANDLER = 0x11000;
  static final long NMI_HANDLER = 0x12000;
  static final long DATA = 0x20000;
  static final long STACK = 0x80000;
  static final long GDT = 0x3000;
  static final long IDT = 0x4000;
  static final long BAD = 0x5000;
  static final long MMIO = 0x4000_0000L;

  final PhysicalMemory mem = new PhysicalMemory(4 << 20);
  final Timeline timeline = new Timeline();
  final List<String> log = new ArrayList<>();
  final Host[] hosts;
  final Cpu[] cpus;
  final Scheduler scheduler;

  FfRig(int n, boolean fastForward) {
    this(n, fastForward, 20_000);
  }

  FfRig(int n, boolean fastForward, long quantum) {
    long cr3 = Cpu.buildIdentityPageTables(mem, 0x1000);
    mem.write64(GDT, 0);
    mem.write64(GDT + 0x08, 0x00af_9b00_0000_ffffL);
    mem.write64(GDT + 0x10, 0x00cf_9300_0000_ffffL);
    mem.write8(BAD, 0xf4);
    for (int v = 0; v < 256; v++) {
      setGate(v, BAD);
    }
    hosts = new Host[n];
    cpus = new Cpu[n];
    for (int i = 0; i < n; i++) {
      hosts[i] = new Host(i);
      cpus[i] = new Cpu(i, mem, hosts[i], CpuModel.defaults());
      hosts[i].cpu = cpus[i];
      cpus[i].setFastForward(fastForward);
      cpus[i].enterLongModeFlat(cr3);
      cpus[i].setGdt(GDT, 0x17);
      cpus[i].setIdt(IDT, 256 * 16 - 1);
      cpus[i].setReg(4, STACK - 0x10000L * i);
      cpus[i].setRip(CODE);
    }
    scheduler = new Scheduler(timeline, cpus, quantum);
  }

  void setGate(int v, long target) {
    long lo = (target & 0xffff) | (0x08L << 16) | (0x8eL << 40) | ((target & 0xffff_0000L) << 32);
    mem.write64(IDT + 16L * v, lo);
    mem.write64(IDT + 16L * v + 8, target >>> 32);
  }

  void load(long at, String hex) {
    String h = hex.replaceAll("\\s+", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    mem.load(at, b);
  }

  /** A periodic device: every {@code period} cycles raises {@code vector} on CPU 0. */
  void periodicInterrupt(long first, long period, int vector) {
    TimerEvent[] self = new TimerEvent[1];
    self[0] = timeline.newEvent("tick", now -> {
      log.add(now + " dev tick");
      hosts[0].pendingVector = vector;
      cpus[0].notifyInterrupt();
      self[0].schedule(now + period);
    });
    self[0].schedule(first);
  }

  /** Everything guest-visible, to compare a run with fast-forward against one without. */
  String snapshot() {
    StringBuilder sb = new StringBuilder();
    for (Cpu c : cpus) {
      sb.append("cpu").append(c.index());
      for (int r = 0; r < 16; r++) {
        sb.append(' ').append(Long.toHexString(c.reg(r)));
      }
      sb.append(" rip=").append(Long.toHexString(c.rip()))
          .append(" rflags=").append(Long.toHexString(c.rflags()))
          .append(" cycles=").append(c.cycles())
          .append(" unhalted=").append(c.unhaltedCycles())
          .append(" retired=").append(c.instructionsRetired())
          .append(" tsc=").append(c.tsc())
          .append(" halted=").append(c.isHalted())
          .append(" nmiBlocked=").append(c.nmiBlocked())
          .append('\n');
    }
    sb.append("global=").append(timeline.globalNow()).append('\n');
    sb.append("ram=").append(Arrays.hashCode(mem.array())).append('\n');
    return sb.toString();
  }

  long skippedCycles() {
    long s = 0;
    for (Cpu c : cpus) {
      s += c.skippedCycles();
    }
    return s;
  }

  /** A CpuHost with one pending-interrupt latch, MMIO that reads 0 and logs, and a counter hook. */
  final class Host implements CpuHost {
    final int index;
    Cpu cpu;
    int pendingVector = -1;
    long mmioReads;
    Runnable onCounterLimit = () -> {};

    Host(int index) {
      this.index = index;
    }

    private void event(String what) {
      log.add(cpu.cycles() + " cpu" + index + " " + what + " rip=" + Long.toHexString(cpu.rip())
          + " unhalted=" + cpu.unhaltedCycles() + " retired=" + cpu.instructionsRetired());
    }

    @Override
    public int ioRead(int port, int size) {
      event("in " + port);
      return 0;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
      event("out " + port + "=" + value);
    }

    @Override
    public long mmioRead(long physAddr, int size) {
      mmioReads++;
      return 0;
    }

    @Override
    public void mmioWrite(long physAddr, int size, long value) {
      event("mmio write " + Long.toHexString(physAddr));
    }

    @Override
    public boolean hasMsr(int msr) {
      return false;
    }

    @Override
    public long readMsr(int msr) {
      return 0;
    }

    @Override
    public boolean writeMsr(int msr, long value) {
      return false;
    }

    @Override
    public boolean interruptPending() {
      return pendingVector >= 0;
    }

    @Override
    public int acknowledgeInterrupt() {
      int v = pendingVector;
      pendingVector = -1;
      event("irq " + v);
      return v;
    }

    @Override
    public int readTpr() {
      return 0;
    }

    @Override
    public void writeTpr(int tpr) {}

    @Override
    public long readPmc(int ecx) {
      return -1;
    }

    @Override
    public void counterLimitReached() {
      event("counter-limit");
      onCounterLimit.run();
    }

    @Override
    public void tripleFault() {
      event("triple-fault");
    }
  }
}
