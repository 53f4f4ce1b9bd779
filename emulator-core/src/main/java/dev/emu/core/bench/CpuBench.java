package dev.emu.core.bench;

import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Guest-MIPS benchmark of the interpreter: runs a flat 64-bit guest image (built from
 * emulator-core/src/test/guest/bench.c, see docs/benchmarks.md) on one Cpu in long mode and
 * reports retired instructions, cycles and MIPS (host wall time; the guest never sees it).
 *
 * <pre>
 * java -cp emulator-core/target/classes dev.emu.core.bench.CpuBench IMAGE [--iterations N]
 *      [--runs R] [--load ADDR]
 * </pre>
 * The image is entered at its load address with RDI = iterations; it reports a checksum in RAX
 * (and on port 0x504) and halts.
 */
public final class CpuBench {
  public static final long DEFAULT_LOAD = 0x200000;
  private static final int RAM = 16 << 20;
  private static final long MAX_CYCLES = Long.MAX_VALUE / 4;

  /** Outcome of one guest run. */
  public record Result(boolean halted, int faultVector, long checksum, boolean portResult, long portChecksum,
      long instructions, long cycles, long nanos, long cpuNanos) {
    /** Guest MIPS over host wall time. */
    public double mips() {
      return nanos == 0 ? 0 : instructions * 1000.0 / nanos;
    }

    /** Guest MIPS over the host thread's CPU time (robust on a loaded, shared machine). */
    public double cpuMips() {
      return cpuNanos <= 0 ? 0 : instructions * 1000.0 / cpuNanos;
    }
  }

  private CpuBench() {}

  /** Loads {@code image} at {@code load} in fresh RAM and runs it to HLT with RDI = arg. */
  public static Result run(byte[] image, long load, long arg, long maxCycles) {
    PhysicalMemory memory = new PhysicalMemory(RAM);
    StandaloneHost host = new StandaloneHost();
    Cpu cpu = new Cpu(0, memory, host, CpuModel.defaults());
    LongModeRig rig = new LongModeRig(memory);
    memory.load(load, image);
    long[] regs = new long[16];
    regs[7] = arg;
    rig.start(cpu, load, LongModeRig.DEFAULT_STACK, regs, 0);
    long i0 = cpu.instructionsRetired();
    long c0 = cpu.cycles();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    long t0 = System.nanoTime();
    boolean halted = LongModeRig.runToHalt(cpu, maxCycles);
    long t1 = System.nanoTime();
    long cpu1 = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    return new Result(halted, LongModeRig.faultVector(cpu), cpu.reg(0), host.hasResult(), host.result(),
        cpu.instructionsRetired() - i0, cpu.cycles() - c0, t1 - t0, cpu1 - cpu0);
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: CpuBench IMAGE [--iterations N] [--runs R] [--load ADDR]");
      System.exit(2);
    }
    Path image = Path.of(args[0]);
    long iterations = 200;
    int runs = 5;
    long load = DEFAULT_LOAD;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--iterations" -> iterations = Long.decode(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--load" -> load = Long.decode(args[i + 1]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    System.exit(bench(Files.readAllBytes(image), load, iterations, runs, System.out) ? 0 : 1);
  }

  static final int WARMUP_RUNS = 2;

  /** Warm-up runs, then {@code runs} timed runs; prints a report. False if a run failed. */
  public static boolean bench(byte[] image, long load, long iterations, int runs, PrintStream out) {
    out.printf("emu CpuBench: image %d bytes at %#x, iterations %d, runs %d, java %s%n",
        image.length, load, iterations, runs, System.getProperty("java.version"));
    // Two untimed runs of the full size first: the block engine starts after a JVM-wide warm-up
    // (BlockEngine.DEFAULT_WARMUP instructions) and C2 then needs a few hundred ms for it.
    for (int w = 1; w <= WARMUP_RUNS; w++) {
      Result warm = run(image, load, iterations, MAX_CYCLES);
      if (!report("warm-up" + w, warm, out)) {
        return false;
      }
    }
    double[] mips = new double[runs];
    double[] cpuMips = new double[runs];
    long checksum = 0;
    for (int r = 0; r < runs; r++) {
      Result res = run(image, load, iterations, MAX_CYCLES);
      if (!report("run " + (r + 1), res, out)) {
        return false;
      }
      if (r > 0 && res.checksum() != checksum) {
        out.println("checksum changed between runs: nondeterminism");
        return false;
      }
      checksum = res.checksum();
      mips[r] = res.mips();
      cpuMips[r] = res.cpuMips();
    }
    Arrays.sort(mips);
    Arrays.sort(cpuMips);
    out.printf("checksum %016x; MIPS best %.1f, median %.1f (wall); best %.1f, median %.1f (thread CPU time)%n",
        checksum, mips[runs - 1], mips[runs / 2], cpuMips[runs - 1], cpuMips[runs / 2]);
    out.printf("blocks compiled to JVM classes: %d (failures %d); heap used %d MB%n", Cpu.compiledBlocks(),
        Cpu.blockCompileFailures(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    return true;
  }

  private static boolean report(String label, Result r, PrintStream out) {
    out.printf("%-8s %,d instructions, %,d cycles (%.2f cycles/insn), %.3f s, %.1f MIPS (%.1f by CPU time), "
        + "checksum %016x%n", label, r.instructions(), r.cycles(),
        r.instructions() == 0 ? 0.0 : (double) r.cycles() / r.instructions(), r.nanos() / 1e9, r.mips(), r.cpuMips(),
        r.checksum());
    if (!r.halted() || r.faultVector() >= 0) {
      out.printf("guest did not finish: halted=%s fault vector=%d%n", r.halted(), r.faultVector());
      return false;
    }
    return true;
  }
}
