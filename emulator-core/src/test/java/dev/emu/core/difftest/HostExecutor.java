package dev.emu.core.difftest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs cases natively through the difftest_host helper, one process per batch. */
final class HostExecutor {
  private final Path helper;

  private HostExecutor(Path helper) {
    this.helper = helper;
  }

  static HostExecutor build() throws IOException, InterruptedException {
    return new HostExecutor(NativeBuild.buildHostExecutable(
        NativeBuild.testSource("native/difftest_host.c"), "difftest_host"));
  }

  /**
   * True if the host kernel can run 32-bit compatibility-mode code (IA32 emulation enabled):
   * a NOP in 32-bit mode must come back without a fault.
   */
  boolean supportsCompat32() throws IOException, InterruptedException {
    DiffCase nop = new DiffCase("probe32", new byte[] {(byte) 0x90}, 0, new long[16], 0);
    nop.mode32 = true;
    DiffResult r = run(List.of(nop)).get(0);
    return !r.fault;
  }

  List<DiffResult> run(List<DiffCase> cases) throws IOException, InterruptedException {
    Path in = Files.createTempFile(NativeBuild.targetDir(), "difftest", ".in");
    try {
      StringBuilder sb = new StringBuilder(cases.size() * 200);
      for (DiffCase c : cases) {
        sb.append(c.toLine()).append('\n');
      }
      Files.writeString(in, sb, StandardCharsets.US_ASCII);
      Process p = new ProcessBuilder(helper.toString()).redirectInput(in.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<DiffResult> out = new ArrayList<>(cases.size());
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (out.size() >= cases.size()) {
            throw new IllegalStateException("extra helper output: " + line);
          }
          out.add(DiffResult.parse(line, cases.get(out.size())));
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.size() != cases.size()) {
        String at = out.size() < cases.size() ? cases.get(out.size()).describe() : "";
        throw new IllegalStateException("helper stopped after " + out.size() + " of " + cases.size() + " cases " + at);
      }
      return out;
    } finally {
      Files.deleteIfExists(in);
    }
  }
}
