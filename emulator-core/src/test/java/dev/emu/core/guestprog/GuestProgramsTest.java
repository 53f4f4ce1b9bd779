package dev.emu.core.guestprog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.core.bench.CpuBench;
import dev.emu.core.bench.StandaloneHost;
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
  private static final long MAX_CYCLES = 20_000_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"sort", "crc32", "sieve", "fmt", "recurse", "switch", "int128"})
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
