package dev.emu.devices.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import dev.emu.devices.acpi.Smbios;
import dev.emu.devices.hpet.Hpet;
import dev.emu.devices.pvh.E820Entry;
import dev.emu.devices.pvh.TestElf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The assembled board before any instruction runs: RAM contents and each CPU's routing. */
class PcMachineAssembleTest {
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private static MachineConfig config(int cpus, boolean pmu, boolean noReboot) {
    return new MachineConfig(cpus, 64L << 20, new CpuModel(2_000_000_000L, pmu, true, true),
        MachineConfig.DEFAULT_QUANTUM_CYCLES, TestElf.minimalKernel().build(), new byte[] {1, 2, 3},
        "console=ttyS0", noReboot, false);
  }

  private PcMachine machine(int cpus, boolean pmu, boolean noReboot) throws BootException {
    return PcMachine.assemble(config(cpus, pmu, noReboot), console::write);
  }

  private static String ascii(PhysicalMemory m, long pa, int len) {
    byte[] b = new byte[len];
    m.copyOut(pa, b, 0, len);
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void assemble_writesStartInfoAcpiSmbiosAndKernel() throws Exception {
    PcMachine m = machine(2, true, false);
    PhysicalMemory mem = m.memory();
    long si = m.bootImage().startInfo();
    assertThat(mem.read32(si)).isEqualTo(0x336ec578);
    long rsdp = mem.read64(si + 0x20);
    assertThat(rsdp).isEqualTo(PcLayout.ACPI_BASE);
    assertThat(ascii(mem, rsdp, 8)).isEqualTo("RSD PTR ");
    assertThat(ascii(mem, PcLayout.SMBIOS_BASE, 5)).isEqualTo("_SM3_");
    assertThat(ascii(mem, mem.read64(si + 0x18), 13)).isEqualTo("console=ttyS0");
    assertThat(mem.read32(si + 0x0c)).isEqualTo(1);
    assertThat(mem.read8(mem.read64(mem.read64(si + 0x10)) + 2)).isEqualTo(3); // initrd bytes
    assertThat(mem.read8(0x100000)).isEqualTo(1);                              // kernel code
    assertThat(mem.read32(si + 0x30)).isEqualTo(PcLayout.memoryMap(mem.size()).size());
    assertThat(m.symbols().lookup(0xffffffff80100044L)).isEqualTo("kmain+0x4");
    assertThat(m.cpuCount()).isEqualTo(2);
    assertThat(m.guestNanos()).isZero();
    assertThat(m.skippedCycles()).containsExactly(0, 0);
  }

  @Test
  void memoryMap_coversRamAndReservesFirmwareAndMmio() {
    var map = PcLayout.memoryMap(64L << 20);
    long ram = map.stream().filter(e -> e.type() == E820Entry.RAM).mapToLong(E820Entry::size).sum();
    // all of RAM except the boot data pages and 0x9FC00..0x100000 (EBDA, VGA hole, firmware)
    assertThat(ram).isEqualTo((64L << 20) - 0x2000 - (0x100000 - 0x9FC00));
    for (int i = 1; i < map.size(); i++) {
      assertThat(map.get(i).address()).isGreaterThanOrEqualTo(map.get(i - 1).end()); // sorted, disjoint
    }
    assertThat(map).contains(new E820Entry(PcLayout.HPET_BASE, 0x1000, E820Entry.RESERVED));
  }

  @Test
  void ports_routeToComPmResetAndUnclaimedReadAllOnes() throws Exception {
    PcMachine m = machine(1, true, true);
    BoardCpuHost h = m.cpuHost(0);
    h.ioWrite(0x3F8, 1, 'o');
    h.ioWrite(0x3F8, 1, 'k');
    assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
    assertThat(h.ioRead(0x3FD, 1)).isEqualTo(0x60);
    assertThat(h.ioRead(0x40, 1)).isEqualTo(0xFF);        // no PIT
    assertThat(h.ioRead(0x1234, 2)).isEqualTo(0xFFFF);
    assertThat(h.ioRead(0xCF8, 4)).isEqualTo(-1);         // no PCI
    h.ioWrite(0x80, 1, 0x42);                             // POST code: ignored
    assertThat(h.ioRead(0x64, 1)).isEqualTo(0x1C);
    assertThat(h.ioRead(0x505, 1)).isEqualTo(0x03);
    assertThat(h.ioRead(0x604, 2) & 1).isEqualTo(1);      // SCI_EN
    m.timeline().advanceTo(2_000_000_000L);               // one guest second
    assertThat(h.ioRead(0x608, 4)).isEqualTo(3_579_545);  // PM timer
    h.ioWrite(0x20, 1, 0x11);                             // 8259 ICW1..4, then mask all but IRQ2
    h.ioWrite(0x21, 1, 0x20);
    h.ioWrite(0x21, 1, 0x04);
    h.ioWrite(0x21, 1, 0x01);
    h.ioWrite(0x21, 1, 0xFB);
    assertThat(h.ioRead(0x21, 1)).isEqualTo(0xFB);
    assertThat(h.ioRead(0xA1, 1)).isEqualTo(0xFF);
    assertThat(m.takePending()).isNull();
  }

  @Test
  void debugExit_statusIsValueShiftedOrOne() throws Exception {
    PcMachine m = machine(1, true, false);
    m.cpuHost(0).ioWrite(0xF4, 1, 0x10);
    RunResult r = m.takePending();
    assertThat(r.kind()).isEqualTo(RunResult.Kind.DEBUG_EXIT);
    assertThat(r.exitCode()).isEqualTo(33);
    assertThat(m.run(1_000_000)).isEqualTo(r);            // the machine has exited for good
  }

  @Test
  void acpiPowerOff_s5WithSlpEn() throws Exception {
    PcMachine m = machine(1, true, false);
    m.cpuHost(0).ioWrite(0x604, 2, 5 << 10);              // SLP_TYP without SLP_EN: nothing
    assertThat(m.takePending()).isNull();
    m.cpuHost(0).ioWrite(0x604, 2, (5 << 10) | (1 << 13));
    assertThat(m.takePending().kind()).isEqualTo(RunResult.Kind.POWER_OFF);
  }

  @Test
  void pvpanic_reportsPanic_machineCanRunOn() throws Exception {
    PcMachine m = machine(1, true, false);
    m.cpuHost(0).ioWrite(0x505, 1, 2);                    // crash-loaded only: ignored
    assertThat(m.takePending()).isNull();
    m.cpuHost(0).ioWrite(0x505, 1, 1);
    assertThat(m.takePending().kind()).isEqualTo(RunResult.Kind.PANIC);
    assertThat(m.takePending()).isNull();                 // not terminal
  }

  @Test
  void resets_cf9AndKeyboardPulseAndTripleFault_stopWithNoReboot() throws Exception {
    PcMachine m = machine(1, true, true);
    m.cpuHost(0).ioWrite(0xCF9, 1, 0x02);                 // SYS_RST alone: stored, no reset
    assertThat(m.takePending()).isNull();
    assertThat(m.cpuHost(0).ioRead(0xCF9, 1)).isEqualTo(0x02);
    m.cpuHost(0).ioWrite(0xCF9, 1, 0x06);
    RunResult r = m.takePending();
    assertThat(r.kind()).isEqualTo(RunResult.Kind.RESET);
    assertThat(r.message()).contains("0xCF9");
    PcMachine k = machine(1, true, true);
    k.cpuHost(0).ioWrite(0x64, 1, 0xFE);
    assertThat(k.takePending().message()).contains("keyboard controller");
    PcMachine t = machine(1, true, true);
    t.cpuHost(0).tripleFault();
    assertThat(t.takePending().message()).contains("triple fault");
  }

  @Test
  void mmio_lapicPerCpuIoapicHpetAndUnclaimed() throws Exception {
    PcMachine m = machine(2, true, false);
    assertThat(m.cpuHost(0).mmioRead(0xFEE00020L, 4)).isEqualTo(0L);        // LAPIC ID 0
    assertThat(m.cpuHost(1).mmioRead(0xFEE00020L, 4)).isEqualTo(1L << 24);  // LAPIC ID 1
    assertThat(m.cpuHost(0).mmioRead(PcLayout.HPET_BASE, 8)).isEqualTo(Hpet.CAPABILITIES);
    m.cpuHost(0).mmioWrite(PcLayout.IOAPIC_BASE, 4, 1);                     // IOREGSEL = version
    assertThat((m.cpuHost(0).mmioRead(PcLayout.IOAPIC_BASE + 0x10, 4) >> 16) & 0xFF).isEqualTo(23);
    assertThat(m.cpuHost(0).mmioRead(0xFED10000L, 4)).isEqualTo(0xFFFF_FFFFL);
    assertThat(m.cpuHost(0).mmioRead(0xC0000000L, 8)).isEqualTo(-1L);
    m.cpuHost(0).mmioWrite(0xC0000000L, 8, 0x1234);                         // ignored, no exception
  }

  @Test
  void msrs_lapicThenPmu_pmuHiddenGivesGp() throws Exception {
    PcMachine withPmu = machine(1, true, false);
    BoardCpuHost h = withPmu.cpuHost(0);
    assertThat(h.hasMsr(0x1B)).isTrue();
    assertThat(h.readMsr(0x1B) & 0xFFFFF000L).isEqualTo(0xFEE00000L);
    assertThat(h.hasMsr(0x186)).isTrue();                 // IA32_PERFEVTSEL0
    assertThat(h.hasMsr(0x38F)).isTrue();                 // IA32_PERF_GLOBAL_CTRL
    assertThat(h.pmu()).isNotNull();
    PcMachine hidden = machine(1, false, false);
    BoardCpuHost g = hidden.cpuHost(0);
    assertThat(g.pmu()).isNull();
    assertThat(g.hasMsr(0x186)).isFalse();
    assertThat(g.readPmc(0)).isEqualTo(-1);
    assertThat(g.hasMsr(0x1B)).isTrue();
  }

  @Test
  void assemble_rejectsBadConfigAndKernelWithOneLineReasons() {
    MachineConfig ok = config(1, true, false);
    assertThatThrownBy(() -> PcMachine.assemble(new MachineConfig(0, ok.memoryBytes(), ok.cpuModel(),
        ok.quantumCycles(), ok.kernel(), null, "", false, false), console::write))
        .isInstanceOf(BootException.class).hasMessageContaining("CPUs");
    assertThatThrownBy(() -> PcMachine.assemble(new MachineConfig(1, 2048L << 20, ok.cpuModel(),
        ok.quantumCycles(), ok.kernel(), null, "", false, false), console::write))
        .isInstanceOf(BootException.class).hasMessageContaining("memory size");
    assertThatThrownBy(() -> PcMachine.assemble(new MachineConfig(1, ok.memoryBytes(), ok.cpuModel(),
        ok.quantumCycles(), "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), null, "", false, false),
        console::write))
        .isInstanceOf(BootException.class).hasMessage("not an ELF file (bad magic)");
  }

  @Test
  void requestStop_beforeRun_returnsStoppedOnce_zeroBudgetReturnsAtOnce() throws Exception {
    PcMachine m = machine(1, true, false);
    m.requestStop();
    assertThat(m.run(1_000_000).kind()).isEqualTo(RunResult.Kind.STOPPED);
    assertThat(m.run(0).kind()).isEqualTo(RunResult.Kind.TIME_REACHED);
    assertThat(m.guestNanos()).isZero();
    m.sendInput(new byte[] {'a', 'b'});
    assertThat(m.pendingInput()).isEqualTo(2);
  }

  @Test
  void hardwareName_constantMatchesDocumentedString() {
    assertThat(Smbios.HARDWARE_NAME).isEqualTo("emu emu Standard PC, BIOS 0.1.0 01/01/2026");
  }
}
