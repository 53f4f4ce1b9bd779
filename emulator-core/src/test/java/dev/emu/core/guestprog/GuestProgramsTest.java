package dev.emu.core.guestprog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.core.bench.CpuBench;
import dev.emu.core.bench.LongModeRig;
import dev.emu.core.bench.StandaloneHost;
import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gcc-built freestanding 64-bit programs run to completion on the interpreter and produce the
 * same checksum as the same C code compiled and run natively on the host.
 */
class GuestProgramsTest {
  /** Far above any program's need (the largest takes about 30M cycles): a runaway guest stops. */
  private static final long MAX_CYCLES = 1_000_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"sort", "crc32", "sieve", "fmt", "recurse", "switch", "int128", "bits"})
  void program_runsToCompletion_withHostChecksum(String name) throws Exception {
    assumeTrue(GuestBuild.toolsPresent(), "gcc not installed");
    GuestBuild.Program p = GuestBuild.build(name);
    long arg = 3;
    long expected = p.hostChecksum(arg);
    CpuBench.Result r = CpuBench.run(p.imageBytes(), CpuBench.DEFAULT_LOAD, arg, MAX_CYCLES);
    assertThat(r.faultVector()).as("exception vector taken by the guest").isEqualTo(-1);
    assertThat(r.halted()).as("guest reached its final HLT").isTrue();
    assertThat(r.portResult()).as("checksum written to port %#x", StandaloneHost.RESULT_PORT).isTrue();
    assertThat(Long.toHexString(r.portChecksum())).isEqualTo(Long.toHexString(expected));
    assertThat(Long.toHexString(r.checksum())).isEqualTo(Long.toHexString(expected));
    assertThat(r.instructions()).isPositive();
  }

  /** Same program, but entered architecturally: PVH 32-bit entry, boot stub switches to long mode. */
  @Test
  void program_enteredThroughPvhBootStub_runsToCompletion() throws Exception {
    assumeTrue(GuestBuild.toolsPresent(), "gcc not installed");
    GuestBuild.Program p = GuestBuild.build("crc32");
    PhysicalMemory memory = new PhysicalMemory(16 << 20);
    StandaloneHost host = new StandaloneHost();
    Cpu cpu = new Cpu(0, memory, host, CpuModel.defaults());
    LongModeRig rig = new LongModeRig(memory);
    memory.load(CpuBench.DEFAULT_LOAD, p.imageBytes());
    long[] regs = new long[16];
    regs[7] = 5;
    rig.startViaPvhStub(cpu, CpuBench.DEFAULT_LOAD, LongModeRig.DEFAULT_STACK, regs, 0);
    assertThat(LongModeRig.runToHalt(cpu, MAX_CYCLES)).isTrue();
    assertThat(LongModeRig.faultVector(cpu)).isEqualTo(-1);
    assertThat(cpu.isLongMode64()).isTrue();
    assertThat(Long.toHexString(cpu.reg(0))).isEqualTo(Long.toHexString(p.hostChecksum(5)));
  }

  @Test
  void cpuBench_runsWorkload_andReportsHostChecksum() throws Exception {
    assumeTrue(GuestBuild.toolsPresent(), "gcc not installed");
    GuestBuild.Program p = GuestBuild.build("bench");
    long iterations = 2;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean ok = CpuBench.bench(p.imageBytes(), CpuBench.DEFAULT_LOAD, iterations, 1,
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String report = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(report).isTrue();
    assertThat(report).contains(String.format("checksum %016x;", p.hostChecksum(iterations))).contains("MIPS");
  }
}
