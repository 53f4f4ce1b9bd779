package dev.emu.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.bench.LongModeRig;
import dev.emu.core.bench.StandaloneHost;
import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Robustness: random byte streams executed in 64-bit mode, a quarter of them in 32-bit protected
 * mode (IDT handlers that halt), must never
 * let a Java exception escape {@link Cpu#run}, and must not trip the safety net inside it either
 * ({@link Cpu#lastError()}: Cpu.run turns an interpreter exception into a shutdown, which hides
 * the bug from the caller but is still a bug). Deterministic seed; the system area (page tables,
 * GDT, IDT) is restored before every stream because streams may scribble on it; a fresh Cpu is
 * made after a shutdown. One stream in eight compiles its blocks on their first run
 * ({@link Cpu#setBlockCompileAfter}), so random blocks go through the block compiler too.
 */
class CpuFuzzTest {
  private static final long SEED = 0xf022_2026L;
  private static final int STREAMS = 100_000;
  private static final int STREAM_BYTES = 24;
  private static final long CODE = 0x100000;
  private static final long STACK = 0x180000;
  private static final long CYCLES_PER_STREAM = 3_000;
  /** Opcode starts that random bytes rarely produce but the decoder must survive. */
  private static final int[][] LEADS = {
    {0x0f}, {0x0f, 0x01}, {0x48, 0x0f}, {0x66, 0x0f}, {0xf3, 0x0f}, {0xf2, 0x0f}, {0xf0}, {0x67},
    {0xc4}, {0xc5}, {0x62}, {0x8f}, {0xd8}, {0xdf}, {0x0f, 0x38}, {0x0f, 0x3a}, {0xf3, 0x48, 0xa5}
  };

  @Test
  void randomByteStreams_neverThrowOutOfRun() {
    PhysicalMemory memory = new PhysicalMemory(4 << 20);
    StandaloneHost host = new StandaloneHost();
    Cpu cpu = new Cpu(0, memory, host, CpuModel.defaults());
    int shutdowns = 0;
    LongModeRig rig = new LongModeRig(memory);
    Random rnd = new Random(SEED);
    byte[] stream = new byte[STREAM_BYTES];
    long[] regs = new long[16];
    List<String> escaped = new ArrayList<>();
    int faulted = 0;
    int halted = 0;
    int progressed = 0;
    int compileAfter = Cpu.blockCompileAfter();
    int compiled0 = Cpu.compiledBlocks();
    int failures0 = Cpu.blockCompileFailures();
    for (int i = 0; i < STREAMS; i++) {
      Cpu.setBlockCompileAfter(i % 8 == 5 ? 1 : 0);
      rnd.nextBytes(stream);
      if (rnd.nextInt(3) == 0) {
        int[] lead = LEADS[rnd.nextInt(LEADS.length)];
        for (int k = 0; k < lead.length; k++) {
          stream[k] = (byte) lead[k];
        }
      }
      for (int r = 0; r < 16; r++) {
        // a mix of wild values and pointers into RAM, so memory operands hit both
        regs[r] = rnd.nextBoolean() ? rnd.nextLong() : 0x100000 + rnd.nextInt(0x200000);
      }
      if (cpu.isShutdown() || cpu.lastError() != null) {
        cpu = new Cpu(0, memory, host, CpuModel.defaults());
      }
      try {
        rig.restoreSystemArea();
        memory.load(CODE, stream);
        if (i % 4 == 3) {
          // a quarter in 32-bit protected mode (no paging: every address is RAM or MMIO, so streams
          // run longer, and may switch modes themselves)
          rig.startProtected32(cpu, CODE, STACK, regs, rnd.nextLong() & 0xcd5);
        } else {
          rig.start(cpu, CODE, STACK, regs, rnd.nextLong() & 0xcd5);
        }
        long cycles0 = cpu.cycles();
        LongModeRig.runToHalt(cpu, CYCLES_PER_STREAM);
        if (cpu.lastError() != null && escaped.size() < 20) {
          escaped.add("stream " + i + " " + HexFormat.of().formatHex(stream) + ": internal " + cpu.lastError()
              + " at " + stackTop(cpu.lastError()));
        }
        if (cpu.isShutdown()) {
          shutdowns++;
        }
        if (cpu.cycles() > cycles0) {
          progressed++;
        }
        if (cpu.isHalted()) {
          halted++;
          if (LongModeRig.faultVector(cpu) >= 0) {
            faulted++;
          }
        }
      } catch (RuntimeException | Error e) {
        if (escaped.size() < 20) {
          escaped.add("stream " + i + " " + HexFormat.of().formatHex(stream) + ": " + e);
        }
      }
    }
    Cpu.setBlockCompileAfter(compileAfter);
    int compiled = Cpu.compiledBlocks() - compiled0;
    System.out.printf("fuzz: %d streams, %d reached the stream, %d halted, %d via an exception handler, %d shutdowns,"
        + " %d blocks compiled%n", STREAMS, progressed, halted, faulted, shutdowns, compiled);
    assertThat(Cpu.blockCompileFailures() - failures0).as("blocks the compiler failed on").isZero();
    assertThat(compiled).as("blocks compiled").isGreaterThan(STREAMS / 20);
    assertThat(escaped).as("Java exceptions thrown inside or escaping Cpu.run").isEmpty();
    assertThat(progressed).as("streams that executed").isGreaterThan(STREAMS * 9 / 10);
    assertThat(faulted).as("streams ending in an exception handler").isGreaterThan(STREAMS / 4);
  }

  private static String stackTop(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length == 0 ? "?" : st[0].toString();
  }
}
