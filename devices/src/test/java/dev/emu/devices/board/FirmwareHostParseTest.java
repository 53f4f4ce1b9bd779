package dev.emu.devices.board;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.cpu.CpuModel;
import dev.emu.devices.pvh.TestElf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the ACPI and SMBIOS bytes with independent consumer code: the test kernel's own C
 * parsers (src/test/guest/firmware.c, the code that also runs on QEMU) built as a host program that
 * maps a dump of the board's 0xE0000-0xFFFFF image. Needs gcc, not the interpreter.
 */
class FirmwareHostParseTest {
  /**
   * What the test kernel's firmware parser (devices/src/test/guest/firmware.c) prints for the board's
   * 4-CPU tables: the same lines on the host here and inside the guest in PcMachineBootTest.
   */
  static final List<String> FIRMWARE_LINES = List.of(
      "acpi: rsdp revision 2 oem EMU   ",
      "acpi: xsdt with 3 entries",
      "acpi: FACP len 276 rev 6 checksum ok",
      "fadt: pm1a_evt 0x600 pm1a_cnt 0x604 pm_tmr 0x608, dsdt has _S5_",
      "acpi: APIC len 114 rev 4 checksum ok",
      "madt: ioapic id 0 at 0xfec00000 gsi base 0",
      "madt: override irq 0 -> gsi 2 flags 0x0",
      "madt: override irq 9 -> gsi 9 flags 0xd",
      "madt: lapic nmi processor 0xff lint1",
      "madt: lapic 0xfee00000, 4 cpus (apic ids 0 1 2 3)",
      "acpi: HPET len 56 rev 1 checksum ok",
      "smbios: 3.0 entry point at 0xf0000",
      "Hardware name: emu emu Standard PC, BIOS 0.1.0 01/01/2026");

  @TempDir
  Path out;

  @Test
  void testKernelParsers_acceptTheBoardsTables() throws Exception {
    Path src = Path.of(System.getProperty("basedir", "."), "src", "test", "guest");
    run(List.of("make", "-s", "-C", src.toString(), "OUT=" + out.toAbsolutePath(),
        out.toAbsolutePath().resolve("host-parse").toString()));
    MachineConfig config = new MachineConfig(4, 64L << 20, CpuModel.defaults(),
        MachineConfig.DEFAULT_QUANTUM_CYCLES, TestElf.minimalKernel().build(), null, "", false, false);
    PcMachine m = PcMachine.assemble(config, b -> { });
    int size = (int) (PcLayout.FIRMWARE_END - PcLayout.ACPI_BASE);
    byte[] image = new byte[size];
    m.memory().copyOut(PcLayout.ACPI_BASE, image, 0, size);
    Path dump = out.resolve("firmware.bin");
    Files.write(dump, image);
    long rsdp = m.memory().read64(m.bootImage().startInfo() + 0x20);
    String output = run(List.of(out.resolve("host-parse").toString(), dump.toString(),
        Long.toHexString(PcLayout.ACPI_BASE), Long.toHexString(rsdp)));
    List<String> lines = output.replace("\r", "").lines().toList();
    assertThat(lines).containsExactlyElementsOf(FIRMWARE_LINES);
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + log).isZero();
    return log;
  }
}
