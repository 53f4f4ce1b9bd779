package dev.emu.devices.board;

import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;
import dev.emu.core.time.Scheduler;
import dev.emu.core.time.Timeline;
import dev.emu.devices.acpi.AcpiPm;
import dev.emu.devices.acpi.AcpiTables;
import dev.emu.devices.acpi.Smbios;
import dev.emu.devices.apic.ApicBus;
import dev.emu.devices.apic.IoApic;
import dev.emu.devices.apic.Lapic;
import dev.emu.devices.apic.Pmu;
import dev.emu.devices.hpet.Hpet;
import dev.emu.devices.misc.BoardControl;
import dev.emu.devices.misc.Clocks;
import dev.emu.devices.misc.KeyboardController;
import dev.emu.devices.misc.Pic8259;
import dev.emu.devices.misc.PvPanic;
import dev.emu.devices.misc.ResetControl;
import dev.emu.devices.pvh.ElfImage;
import dev.emu.devices.pvh.PvhLoader;
import dev.emu.devices.pvh.SymbolTable;
import dev.emu.devices.uart.HostInput;
import dev.emu.devices.uart.Uart16550;

/**
 * The emulated standard PC: RAM, one timeline, N vCPUs (each with its LAPIC, PMU and
 * {@link BoardCpuHost}), the IOAPIC, HPET, COM1, the ACPI PM block and the legacy ports, ACPI and
 * SMBIOS tables in low memory, and a PVH-loaded kernel.
 *
 * <p>Overview of {@link #run}: guest time is the timeline's global cycle count; nanoseconds are
 * derived as {@code cycles * 1e9 / frequency} (exact integers). A run is cut into chunks that end
 * on absolute 1 ms guest-time boundaries, so that how the host splits its run() calls cannot
 * change the schedule; between chunks the machine picks up host input and host stop requests
 * (the only cross-thread signals). Device requests (debug exit, power-off, pvpanic, reset) stop
 * the running CPU at its next instruction boundary; the run then returns or, for a reset without
 * noReboot, reloads the same kernel and continues.
 */
public final class PcMachine implements Machine {
  static final long CHUNK_NANOS = 1_000_000L;
  static final long NANOS_PER_SECOND = 1_000_000_000L;
  public static final int MAX_CPUS = 64;

  private final MachineConfig config;
  private final long hz;
  private final long chunkCycles;
  private final PhysicalMemory memory;
  private final Timeline timeline = new Timeline();
  private final Scheduler scheduler;
  private final ElfImage kernel;
  private final Cpu[] cpus;
  private final Lapic[] lapics;
  private final Pmu[] pmus;
  private final BoardCpuHost[] hosts;
  private final ApicBus apicBus = new ApicBus();
  private final IoApic ioApic;
  private final Hpet hpet;
  private final Uart16550 com1;
  private final HostInput hostInput = new HostInput();
  private final AcpiPm acpiPm;
  private final Pic8259 picMaster = new Pic8259();
  private final Pic8259 picSlave = new Pic8259();
  private final ResetControl resetControl;
  private final Control control = new Control();
  private AcpiTables.Image acpi;
  private Smbios.Image smbios;
  private PvhLoader.BootImage boot;

  // Machine thread state
  private RunResult pending;
  private String resetReason;
  private RunResult terminal;
  private int reboots;
  // Host threads
  private volatile boolean hostStop;

  private PcMachine(MachineConfig config, ConsoleSink console, ElfImage kernel) {
    this.config = config;
    CpuModel model = config.cpuModel();
    this.hz = model.frequencyHz();
    this.chunkCycles = Math.max(1, Clocks.mulDivFloor(CHUNK_NANOS, hz, NANOS_PER_SECOND));
    this.memory = new PhysicalMemory((int) config.memoryBytes());
    this.kernel = kernel;
    this.ioApic = new IoApic(apicBus, PcLayout.IOAPIC_ID);
    this.hpet = new Hpet(timeline, hz, ioApic::setIrq);
    this.com1 = new Uart16550(timeline, hz, level -> ioApic.setIrq(PcLayout.GSI_COM1, level),
        console::write, hostInput);
    this.acpiPm = new AcpiPm(timeline, hz, control);
    this.resetControl = new ResetControl(control);
    PcIoPorts ports = new PcIoPorts(com1, picMaster, picSlave, new KeyboardController(control),
        resetControl, new PvPanic(control), acpiPm, control);
    int n = config.cpus();
    cpus = new Cpu[n];
    lapics = new Lapic[n];
    pmus = new Pmu[n];
    hosts = new BoardCpuHost[n];
    for (int i = 0; i < n; i++) {
      CpuBinding binding = new CpuBinding();
      lapics[i] = new Lapic(i, timeline, hz, apicBus, binding);
      lapics[i].setX2apicSupported(model.x2apic());
      lapics[i].setTscDeadlineSupported(model.tscDeadline());
      pmus[i] = model.pmu() ? new Pmu(binding, lapics[i]) : null;
      hosts[i] = new BoardCpuHost(ports, lapics[i], pmus[i], ioApic, hpet, control);
      cpus[i] = new Cpu(i, memory, hosts[i], model);
      cpus[i].setFastForward(config.fastForward()); // [fast-forward] docs/fast-forward.md
      binding.attach(cpus[i]);
    }
    scheduler = new Scheduler(timeline, cpus, config.quantumCycles());
  }

  /**
   * Builds the board and loads firmware tables and the kernel into RAM, without touching the
   * CPUs (so it works before they can execute). {@link #powerOn()} starts them.
   */
  public static PcMachine assemble(MachineConfig config, ConsoleSink console) throws BootException {
    validate(config);
    ElfImage elf = ElfImage.parse(config.kernel());
    PcMachine m = new PcMachine(config, console, elf);
    m.loadFirmwareAndKernel();
    return m;
  }

  private static void validate(MachineConfig c) throws BootException {
    if (c.cpus() < 1 || c.cpus() > MAX_CPUS) {
      throw new BootException("cannot build a machine with " + c.cpus() + " CPUs (1.." + MAX_CPUS + ")");
    }
    long mem = c.memoryBytes();
    if (mem < PcLayout.MIN_RAM || mem > PcLayout.MAX_RAM || (mem & ((1L << 20) - 1)) != 0) {
      throw new BootException("memory size must be a multiple of 1 MiB from 16 MiB to 2047 MiB: " + mem + " bytes");
    }
    if (c.cpuModel() == null || c.cpuModel().frequencyHz() <= 0) {
      throw new BootException("CPU frequency must be positive");
    }
    if (c.quantumCycles() <= 0) {
      throw new BootException("scheduling quantum must be positive: " + c.quantumCycles());
    }
    if (c.kernel() == null || c.kernel().length == 0) {
      throw new BootException("no kernel image");
    }
  }

  private void loadFirmwareAndKernel() throws BootException {
    AcpiTables.Platform platform = new AcpiTables.Platform(config.cpus(), PcLayout.LAPIC_BASE,
        PcLayout.IOAPIC_ID, PcLayout.IOAPIC_BASE, PcLayout.HPET_BASE, (int) Hpet.CAPABILITIES,
        PcLayout.PORT_ACPI_PM, PcLayout.IRQ_SCI, PcLayout.PORT_RESET, PcLayout.RESET_VALUE);
    acpi = AcpiTables.build(platform, PcLayout.ACPI_BASE, PcLayout.ACPI_SIZE);
    smbios = Smbios.build(PcLayout.SMBIOS_BASE);
    boot = PvhLoader.load(memory, kernel, config.cmdline(), config.initrd(), acpi.rsdp(),
        PcLayout.memoryMap(memory.size()), PcLayout.protectedRanges());
    memory.load(acpi.base(), acpi.bytes());
    memory.load(smbios.base(), smbios.bytes());
  }

  /** Starts the CPUs: the BSP at the PVH entry with EBX = start_info, the APs waiting for SIPI. */
  public void powerOn() {
    for (int i = 0; i < cpus.length; i++) {
      cpus[i].reset(i != 0);
    }
    cpus[0].enterPvh(boot.entry(), boot.startInfo());
  }

  /**
   * Guest reset: like a PC (and QEMU) RAM keeps its contents; the firmware tables, the kernel
   * segments (bss zeroed), the initrd and the boot data are loaded again from the same config,
   * every device is reset and the CPUs power on again.
   */
  private void reboot() {
    reboots++;
    try {
      loadFirmwareAndKernel();
    } catch (BootException e) {
      throw new IllegalStateException("kernel loaded once but not on reboot: " + e.getMessage(), e);
    }
    for (Lapic l : lapics) {
      l.reset();
    }
    ioApic.reset();
    hpet.reset();
    com1.reset();
    acpiPm.reset();
    picMaster.reset();
    picSlave.reset();
    resetControl.reset();
    powerOn();
    for (Pmu p : pmus) {
      if (p != null) {
        p.reset();
      }
    }
  }

  // ---- Machine ----

  @Override
  public RunResult run(long guestNanos) {
    if (terminal != null) {
      return terminal;
    }
    if (guestNanos <= 0) {
      return result(RunResult.Kind.TIME_REACHED, "guest time budget reached");
    }
    long until = guestNanos == Long.MAX_VALUE ? Long.MAX_VALUE
        : Clocks.mulDivCeil(Clocks.saturatingAdd(guestNanos(), guestNanos), hz, NANOS_PER_SECOND);
    while (true) {
      if (hostStop) {
        hostStop = false;
        return result(RunResult.Kind.STOPPED, "stopped");
      }
      if (hostInput.size() > 0) {
        com1.hostInputAvailable();
      }
      long now = timeline.globalNow();
      if (now >= until) {
        return result(RunResult.Kind.TIME_REACHED, "guest time budget reached");
      }
      long chunkEnd = Math.min(until, Clocks.saturatingAdd(now - now % chunkCycles, chunkCycles));
      Scheduler.Outcome outcome = scheduler.runUntil(chunkEnd);
      RunResult devices = takePending();
      if (devices != null) {
        return devices;
      }
      if (outcome == Scheduler.Outcome.DEAD) {
        return result(RunResult.Kind.DEAD,
            "machine dead: every vCPU is halted with interrupts disabled and no NMI pending");
      }
      if (until == Long.MAX_VALUE && allHalted() && timeline.nextDeadline() == Long.MAX_VALUE
          && hostInput.size() == 0) {
        return result(RunResult.Kind.IDLE, "idle: every vCPU is halted and no timer is armed");
      }
    }
  }

  /** The device-requested outcome of the last chunk (reboots in place), or null. */
  RunResult takePending() {
    if (resetReason != null) {
      String why = resetReason;
      resetReason = null;
      if (config.noReboot()) {
        terminal = result(RunResult.Kind.RESET, "guest reset (" + why + ") with no-reboot");
        return terminal;
      }
      reboot();
      return null;
    }
    RunResult r = pending;
    pending = null;
    if (r != null && r.kind() != RunResult.Kind.PANIC) {
      terminal = r;
    }
    return r;
  }

  private static RunResult result(RunResult.Kind kind, String message) {
    return new RunResult(kind, 0, message);
  }

  private boolean allHalted() {
    for (Cpu cpu : cpus) {
      if (!cpu.isHalted()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long guestNanos() {
    return Clocks.mulDivFloor(timeline.globalNow(), NANOS_PER_SECOND, hz);
  }

  @Override
  public void sendInput(byte[] data) {
    hostInput.add(data.clone());
  }

  @Override
  public int pendingInput() {
    return hostInput.size();
  }

  @Override
  public void requestStop() {
    hostStop = true;
  }

  @Override
  public int cpuCount() {
    return cpus.length;
  }

  @Override
  public String infoRegisters(int cpu) {
    return validCpu(cpu) ? cpus[cpu].describeRegisters() : "no CPU #" + cpu + "\n";
  }

  @Override
  public String infoCpus() {
    StringBuilder sb = new StringBuilder();
    for (Cpu cpu : cpus) {
      String state = cpu.isWaitingForSipi() ? "wait-for-SIPI" : cpu.isHalted() ? "halted" : "running";
      long rip = cpu.rip();
      String sym = boot.symbols().lookup(rip);
      sb.append(String.format("CPU #%d: rip=0x%016x%s (%s)%n", cpu.index(), rip,
          sym != null ? " <" + sym + ">" : "", state));
    }
    return sb.toString();
  }

  @Override
  public String infoLapic(int cpu) {
    return validCpu(cpu) ? lapics[cpu].describe() : "no CPU #" + cpu + "\n";
  }

  @Override
  public void injectNmi(int cpu) {
    if (validCpu(cpu)) {
      cpus[cpu].signalNmi();
    }
  }

  @Override
  public long[] skippedCycles() {
    long[] skipped = new long[cpus.length]; // [fast-forward]
    for (int i = 0; i < cpus.length; i++) {
      skipped[i] = cpus[i].skippedCycles();
    }
    return skipped;
  }

  private boolean validCpu(int cpu) {
    return cpu >= 0 && cpu < cpus.length;
  }

  // ---- board extras (tests, monitor) ----

  public PhysicalMemory memory() {
    return memory;
  }

  public Timeline timeline() {
    return timeline;
  }

  public Cpu cpu(int index) {
    return cpus[index];
  }

  public BoardCpuHost cpuHost(int index) {
    return hosts[index];
  }

  public IoApic ioApic() {
    return ioApic;
  }

  public Hpet hpet() {
    return hpet;
  }

  public Uart16550 com1() {
    return com1;
  }

  public SymbolTable symbols() {
    return boot.symbols();
  }

  public PvhLoader.BootImage bootImage() {
    return boot;
  }

  public AcpiTables.Image acpiTables() {
    return acpi;
  }

  public Smbios.Image smbiosTables() {
    return smbios;
  }

  /** Guest-initiated reboots so far. */
  public int reboots() {
    return reboots;
  }

  /** Platform requests from devices; they act between CPU slices. */
  private final class Control implements BoardControl {
    @Override
    public void reset(String reason) {
      if (pending == null && resetReason == null) {
        resetReason = reason;
      }
      scheduler.requestStop();
    }

    @Override
    public void powerOff() {
      request(result(RunResult.Kind.POWER_OFF, "ACPI power-off (S5)"));
    }

    @Override
    public void debugExit(int value) {
      int status = (value << 1) | 1;
      request(new RunResult(RunResult.Kind.DEBUG_EXIT, status,
          "isa-debug-exit: the guest wrote 0x" + Integer.toHexString(value) + ", exit status " + status));
    }

    @Override
    public void panic() {
      request(result(RunResult.Kind.PANIC, "guest panic reported through pvpanic"));
    }

    private void request(RunResult r) {
      if (pending == null && resetReason == null) {
        pending = r;
      }
      scheduler.requestStop();
    }
  }
}
