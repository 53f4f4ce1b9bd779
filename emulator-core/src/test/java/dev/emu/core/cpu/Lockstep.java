package dev.emu.core.cpu;

import dev.emu.core.bench.LongModeRig;
import dev.emu.core.mem.PhysicalMemory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Two identical machines, one with the block engine on ({@link Cpu#setBlockEngine}) and one with
 * it off, run in lockstep: both get the same cycle budget ({@code run(cycles() + budget)}), and
 * after every slice everything the guest (or a device) can observe must be equal: the 16 GPRs,
 * RIP, RFLAGS, cycles, unhalted cycles, instructions retired, halted/shutdown, CR0 CR2 CR3 CR4,
 * EFER, CPL, the FS/GS bases, the last exception or interrupt taken ({@link Cpu#lastEvent}), and
 * the host's event log (port I/O, MMIO, counter-limit callbacks, each stamped with the cycles,
 * retired count and RIP the device saw). RAM is compared byte for byte on request
 * ({@link #checkRam}). The slice boundaries are where run() must stop at the exact instruction,
 * so random small budgets test that a block never runs past a limit.
 *
 * <p>The first difference fails with the slice number, the budget and RIP the slice started
 * from, the field and both values, the last few slices, and both CPUs' registers. Reusable: build
 * the two sides with {@link #longMode} (a {@link LongModeRig} machine with a recording
 * {@link Host}), {@link #rigs} (two {@link CpuRig}s), or the constructor, then call
 * {@link #runSlices} and {@link #checkRam}.
 */
final class Lockstep {
  private static final String[] REG_NAMES = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"
  };
  private static final int TRAIL = 8;

  /** One of the two machines. */
  static final class Side {
    final String name;
    final PhysicalMemory mem;
    final Cpu cpu;
    /** What the host saw, in order; compared between the sides (may stay empty). */
    final List<String> events;
    /** The recording host, when built by {@link #longMode}; else null. */
    final Host host;
    /** The long-mode rig, when built by {@link #longMode}; else null. */
    final LongModeRig rig;
    /** The test rig, when built by {@link #rigs}; else null. */
    final CpuRig cpuRig;

    Side(String name, PhysicalMemory mem, Cpu cpu, List<String> events, Host host, LongModeRig rig,
        CpuRig cpuRig) {
      this.name = name;
      this.mem = mem;
      this.cpu = cpu;
      this.events = events;
      this.host = host;
      this.rig = rig;
      this.cpuRig = cpuRig;
    }

    boolean blocks() {
      return cpu.blockEngine();
    }
  }

  /**
   * A device-less host that records every call with the boundary it happened at: port I/O
   * (reads return all-ones), MMIO (reads all-ones), counter-limit callbacks. Words written to
   * port 0x504 are the guest programs' result. {@link #onLimit} runs inside the counter-limit
   * callback (re-arm the limits, requestStop, signalNmi, ... as a PMU would).
   */
  static final class Host implements CpuHost {
    static final int RESULT_PORT = 0x504;
    Cpu cpu;
    final List<String> events = new ArrayList<>();
    /** Counter-limit callbacks: {cycles, unhalted cycles, retired, rip} at each. */
    final List<long[]> limitHits = new ArrayList<>();
    Consumer<Host> onLimit = h -> {};
    final List<Long> resultWords = new ArrayList<>();
    int pendingVector = -1;
    boolean tripleFaulted;

    private String at() {
      return cpu == null ? "" : " @" + cpu.cycles() + "/" + cpu.instructionsRetired() + "/"
          + Long.toHexString(cpu.rip());
    }

    /** The last two words written to port 0x504 as one 64-bit value, or null. */
    Long result() {
      int n = resultWords.size();
      return n < 2 ? null : resultWords.get(n - 2) | resultWords.get(n - 1) << 32;
    }

    @Override
    public int ioRead(int port, int size) {
      events.add("in " + Integer.toHexString(port) + "/" + size + at());
      return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
      events.add("out " + Integer.toHexString(port) + "/" + size + "=" + Integer.toHexString(value) + at());
      if (port == RESULT_PORT && size == 4) {
        resultWords.add(value & 0xffff_ffffL);
      }
    }

    @Override
    public long mmioRead(long physAddr, int size) {
      events.add("mmio read " + Long.toHexString(physAddr) + "/" + size + at());
      return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    @Override
    public void mmioWrite(long physAddr, int size, long value) {
      events.add("mmio write " + Long.toHexString(physAddr) + "/" + size + "=" + Long.toHexString(value) + at());
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
      events.add("ack " + v + at());
      return v;
    }

    @Override
    public int readTpr() {
      return 0;
    }

    @Override
    public void writeTpr(int tpr) {
      events.add("tpr " + tpr + at());
    }

    @Override
    public long readPmc(int ecx) {
      return -1;
    }

    @Override
    public void counterLimitReached() {
      limitHits.add(new long[] {cpu.cycles(), cpu.unhaltedCycles(), cpu.instructionsRetired(), cpu.rip()});
      events.add("counter limit unhalted=" + cpu.unhaltedCycles() + at());
      onLimit.accept(this);
    }

    @Override
    public void tripleFault() {
      tripleFaulted = true;
      events.add("triple fault" + at());
    }
  }

  final Side on;
  final Side off;
  /** Shown first in every failure message (program name, sequence number...). */
  String label = "";
  /** Slices run so far (over all runSlices calls). */
  long slices;
  private final ArrayDeque<String> trail = new ArrayDeque<>();
  private int eventsChecked;

  Lockstep(Side on, Side off) {
    on.cpu.setBlockEngine(true);
    off.cpu.setBlockEngine(false);
    this.on = on;
    this.off = off;
  }

  /**
   * Two long-mode machines of {@code ramBytes} (a {@link LongModeRig} each, a recording
   * {@link Host}); {@code setup} prepares each side the same way (load code, {@code rig.start}).
   */
  static Lockstep longMode(int ramBytes, Consumer<Side> setup) {
    return new Lockstep(longModeSide("on", ramBytes, setup), longModeSide("off", ramBytes, setup));
  }

  private static Side longModeSide(String name, int ramBytes, Consumer<Side> setup) {
    PhysicalMemory mem = new PhysicalMemory(ramBytes);
    Host host = new Host();
    Cpu cpu = new Cpu(0, mem, host, CpuModel.defaults());
    host.cpu = cpu;
    Side s = new Side(name, mem, cpu, host.events, host, new LongModeRig(mem), null);
    cpu.setBlockEngine(name.equals("on"));
    setup.accept(s);
    return s;
  }

  /** Two {@link CpuRig}s (FakeHost; its I/O log is the event log), prepared by {@code setup}. */
  static Lockstep rigs(Consumer<CpuRig> setup) {
    return new Lockstep(rigSide("on", setup), rigSide("off", setup));
  }

  private static Side rigSide(String name, Consumer<CpuRig> setup) {
    CpuRig r = new CpuRig();
    r.cpu.setBlockEngine(name.equals("on"));
    setup.accept(r);
    return new Side(name, r.mem, r.cpu, r.host.io, null, null, r);
  }

  /** Applies {@code action} to both sides (same order: on, then off). */
  void both(Consumer<Side> action) {
    action.accept(on);
    action.accept(off);
  }

  /** Budgets of 1..max cycles, one in eight exactly 1 (a single instruction). */
  static LongSupplier smallBudgets(Random rnd, int max) {
    return () -> rnd.nextInt(8) == 0 ? 1 : 1 + rnd.nextInt(max);
  }

  /** Runs one slice of {@code budget} cycles on both sides, then compares them. */
  void slice(long budget) {
    long startCycles = on.cpu.cycles();
    long startRip = on.cpu.rip();
    on.cpu.run(startCycles + budget);
    off.cpu.run(off.cpu.cycles() + budget);
    slices++;
    trail.addLast(String.format("#%d from cycle %d rip %#x budget %d -> rip %#x / %#x", slices, startCycles,
        startRip, budget, on.cpu.rip(), off.cpu.rip()));
    if (trail.size() > TRAIL) {
      trail.removeFirst();
    }
    check();
  }

  /**
   * Runs slices with budgets from {@code budgets}, checking after each, until both CPUs are
   * halted, {@code untilCycle} is reached, or the CPUs stop making progress (shutdown). Returns
   * the number of slices run.
   */
  long runSlices(LongSupplier budgets, long untilCycle) {
    check();
    long n = 0;
    int stuck = 0;
    while (!on.cpu.isHalted() && on.cpu.cycles() < untilCycle && stuck < 3) {
      long c = on.cpu.cycles();
      long i = on.cpu.instructionsRetired();
      slice(Math.max(1, Math.min(budgets.getAsLong(), untilCycle - c)));
      n++;
      stuck = on.cpu.cycles() == c && on.cpu.instructionsRetired() == i ? stuck + 1 : 0;
    }
    return n;
  }

  /** Fails at the first difference between the sides (see the class comment for the fields). */
  void check() {
    String d = firstDifference();
    if (d != null) {
      throw new AssertionError(report(d));
    }
  }

  /** Fails if RAM differs anywhere; reports the first address, both bytes and the count. */
  void checkRam() {
    byte[] a = on.mem.array();
    byte[] b = off.mem.array();
    int at = Arrays.mismatch(a, b);
    if (at < 0) {
      return;
    }
    int count = 0;
    int last = at;
    for (int i = at; i < a.length; i++) {
      if (a[i] != b[i]) {
        count++;
        last = i;
      }
    }
    throw new AssertionError(report(String.format(
        "RAM differs at %d byte(s) in %#x..%#x; first at %#x: on=%02x off=%02x (RAM hash on=%08x off=%08x)",
        count, at, last, at, a[at] & 0xff, b[at] & 0xff, Arrays.hashCode(a), Arrays.hashCode(b))));
  }

  /** The first field that differs, as "field: on=.. off=..", or null. */
  String firstDifference() {
    Cpu a = on.cpu;
    Cpu b = off.cpu;
    if (a.lastError() != null || b.lastError() != null) {
      return "interpreter error (Cpu.lastError): on=" + a.lastError() + " off=" + b.lastError();
    }
    for (int r = 0; r < 16; r++) {
      if (a.reg(r) != b.reg(r)) {
        return field(REG_NAMES[r], a.reg(r), b.reg(r));
      }
    }
    if (a.rip() != b.rip()) {
      return field("rip", a.rip(), b.rip());
    }
    if (a.rflags() != b.rflags()) {
      return field("rflags", a.rflags(), b.rflags());
    }
    if (a.cycles() != b.cycles()) {
      return dec("cycles", a.cycles(), b.cycles());
    }
    if (a.unhaltedCycles() != b.unhaltedCycles()) {
      return dec("unhalted cycles", a.unhaltedCycles(), b.unhaltedCycles());
    }
    if (a.instructionsRetired() != b.instructionsRetired()) {
      return dec("instructions retired", a.instructionsRetired(), b.instructionsRetired());
    }
    boolean ha = a.isHalted();
    boolean hb = b.isHalted();
    if (ha != hb) {
      return "halted: on=" + ha + " off=" + hb;
    }
    if (a.isShutdown() != b.isShutdown()) {
      return "shutdown: on=" + a.isShutdown() + " off=" + b.isShutdown();
    }
    if (a.cr0() != b.cr0()) {
      return field("cr0", a.cr0(), b.cr0());
    }
    if (a.cr2() != b.cr2()) {
      return field("cr2", a.cr2(), b.cr2());
    }
    if (a.cr3() != b.cr3()) {
      return field("cr3", a.cr3(), b.cr3());
    }
    if (a.cr4() != b.cr4()) {
      return field("cr4", a.cr4(), b.cr4());
    }
    if (a.efer() != b.efer()) {
      return field("efer", a.efer(), b.efer());
    }
    if (a.cpl() != b.cpl()) {
      return dec("cpl", a.cpl(), b.cpl());
    }
    for (int s = 4; s <= 5; s++) {
      if (a.segmentBase(s) != b.segmentBase(s)) {
        return field(s == 4 ? "fs base" : "gs base", a.segmentBase(s), b.segmentBase(s));
      }
    }
    if (a.nmiBlocked() != b.nmiBlocked()) {
      return "nmi blocked: on=" + a.nmiBlocked() + " off=" + b.nmiBlocked();
    }
    String ea = a.lastEvent();
    String eb = b.lastEvent();
    if (!ea.equals(eb)) {
      return "last exception/interrupt taken: on=[" + ea + "] off=[" + eb + "]";
    }
    List<String> la = on.events;
    List<String> lb = off.events;
    int n = Math.min(la.size(), lb.size());
    for (int i = Math.min(eventsChecked, n); i < n; i++) {
      if (!la.get(i).equals(lb.get(i))) {
        return "host event #" + i + ": on=[" + la.get(i) + "] off=[" + lb.get(i) + "]";
      }
    }
    if (la.size() != lb.size()) {
      List<String> longer = la.size() > lb.size() ? la : lb;
      return "host event count: on=" + la.size() + " off=" + lb.size() + "; first extra on "
          + (longer == la ? "on" : "off") + ": [" + longer.get(n) + "]";
    }
    eventsChecked = n;
    return null;
  }

  private static String field(String name, long on, long off) {
    return String.format("%s: on=%#x off=%#x", name, on, off);
  }

  private static String dec(String name, long on, long off) {
    return String.format("%s: on=%d off=%d (on - off = %d)", name, on, off, on - off);
  }

  private String report(String difference) {
    StringBuilder sb = new StringBuilder();
    sb.append("block engine on/off diverged").append(label.isEmpty() ? "" : " in " + label)
        .append(" after slice ").append(slices).append(" (rip on=").append(Long.toHexString(on.cpu.rip()))
        .append(" off=").append(Long.toHexString(off.cpu.rip())).append("): ").append(difference).append('\n');
    sb.append("last slices:\n");
    for (String t : trail) {
      sb.append("  ").append(t).append('\n');
    }
    sb.append("on (blocks):\n").append(dump(on.cpu));
    sb.append("off (interpreter):\n").append(dump(off.cpu));
    return sb.toString();
  }

  /** Registers in encoding order, RIP, RFLAGS, counters and the last exception of one CPU. */
  static String dump(Cpu c) {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < 16; r++) {
      sb.append(r % 4 == 0 ? "  " : " ").append(String.format("%-3s=%016x", REG_NAMES[r], c.reg(r)));
      if (r % 4 == 3) {
        sb.append('\n');
      }
    }
    sb.append(String.format("  rip=%016x rflags=%08x cycles=%d unhalted=%d retired=%d halted=%s%n", c.rip(),
        c.rflags(), c.cycles(), c.unhaltedCycles(), c.instructionsRetired(), c.isHalted()));
    sb.append(String.format("  cr2=%x fs.base=%x gs.base=%x last event: %s%n", c.cr2(), c.segmentBase(4),
        c.segmentBase(5), c.lastEvent()));
    return sb.toString();
  }
}
