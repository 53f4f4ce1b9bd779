package dev.emu.cli;

import dev.emu.cli.config.BootParams;
import dev.emu.cli.config.ConfigKeys;
import dev.emu.cli.config.ConfigLoader;
import dev.emu.cli.config.Settings;
import dev.emu.cli.config.Units;
import dev.emu.cli.guest.Cpio;
import dev.emu.cli.guest.GuestFiles;
import dev.emu.cli.run.ConsoleOutput;
import dev.emu.cli.run.InteractiveConsole;
import dev.emu.cli.run.MachineFactory;
import dev.emu.cli.run.Outcome;
import dev.emu.cli.run.ScriptedRun;
import dev.emu.core.cpu.CpuModel;
import dev.emu.devices.board.BootException;
import dev.emu.devices.board.Machine;
import dev.emu.devices.board.MachineConfig;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emu boot}: settings = defaults, then --config, then the options (same checks as the file);
 * builds the {@link MachineConfig}, gets a machine from the factory and runs it interactively (stdin a
 * terminal) or scripted.
 */
@Command(name = "boot", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Boot the emulated PC with the guest serial console on this terminal.",
        "Interactive (stdin a terminal): C-a h lists the escapes, C-a x quits, C-a c opens the monitor.",
        "Scripted (stdin not a terminal): stdin feeds the console, stdout gets exactly the console bytes."})
final class BootCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(BootCommand.class);

  private final Env env;

  @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration (see 'emu config', docs/config.md)")
  Path config;
  @Option(names = "--kernel", paramLabel = "FILE", description = "PVH ELF kernel (default: the bundled kernel.elf)")
  Path kernel;
  @Option(names = "--initrd", paramLabel = "FILE", description = "initramfs, cpio newc (default: the bundled one)")
  Path initrd;
  @Option(names = "--append", paramLabel = "CMDLINE", description = "added to the end of the kernel command line")
  String append;
  @Option(names = "--cpus", paramLabel = "N", description = "number of vCPUs, 1..64 (default 2)")
  Long cpus;
  @Option(names = "--memory", paramLabel = "SIZE", description = "guest RAM, e.g. 256M, 1G (16M..2G)")
  String memory;
  @Option(names = "--module-dir", paramLabel = "DIR",
      description = "add every DIR/*.ko to the initramfs, in /root (repeatable)")
  List<Path> moduleDirs = new ArrayList<>();
  @Option(names = "--until", paramLabel = "REGEX",
      description = "stop with status 0 when the console output matches (Java regex, found anywhere in the text so far)")
  String until;
  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "stop with status 124 after this much GUEST time: 500ms, 30s, 2m")
  String timeout;
  @Option(names = "--no-reboot", description = "a guest reset ends the run (status 0) instead of rebooting")
  boolean noReboot;
  @Option(names = "--no-fast-forward", description = "run every cycle: no exact skipping of idle spin loops")
  boolean noFastForward;
  @Option(names = "--log-level", paramLabel = "LEVEL", description = "diagnostics: " + LogSetup.LEVELS + " (default warn)")
  String logLevel;
  @Option(names = "--log-file", paramLabel = "FILE", description = "diagnostics to FILE instead of stderr")
  Path logFile;
  @Option(names = "--dry-run", description = "check everything, print the machine and the kernel command line, and exit")
  boolean dryRun;
  @Option(names = "--demo-machine", hidden = true, description = "an echo machine instead of the emulator (tests, demos)")
  boolean demoMachine;

  BootCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws UsageException, IOException {
    LogSetup.configure(logLevel, logFile == null ? null : env.cwd().resolve(logFile));
    Settings s = settings();
    MachineConfig mc = machineConfig(s);
    if (dryRun) {
      env.out().printf("cpus=%d memory=%s cpu_mhz=%d quantum=%d pmu=%s fast_forward=%s no_reboot=%s%n", mc.cpus(),
          Units.formatSize(mc.memoryBytes()), s.cpuMhz, mc.quantumCycles(), s.pmu, mc.fastForward(), mc.noReboot());
      env.out().printf("kernel=%s (%d bytes) initrd=%s%n", s.kernel == null ? "(bundled)" : s.kernel, mc.kernel().length,
          mc.initrd() == null ? "(none)" : mc.initrd().length + " bytes");
      env.out().println("cmdline=" + mc.cmdline());
      env.out().flush();
      return ExitStatus.OK;
    }
    boolean interactive = env.interactive();
    OutputStream stdout = env.out() == System.out ? new FileOutputStream(FileDescriptor.out) : env.out();
    ConsoleOutput console = new ConsoleOutput(stdout, interactive, s.until == null ? null : Pattern.compile(s.until));
    MachineFactory factory = demoMachine ? dev.emu.cli.demo.EchoMachine::new : env.machines();
    InteractiveConsole session = interactive
        ? new InteractiveConsole(console, s.timeoutNanos, s.escapeChar, s.escapeName, env.err()) : null;
    Outcome o;
    try {
      if (session != null) {
        session.open();
      }
      Machine machine;
      try {
        machine = factory.create(mc, console);
      } catch (BootException e) {
        if (session != null) {
          session.close();
        }
        console.flush();
        env.err().println("emu: cannot boot: " + Main.oneLine(e.getMessage()));
        return ExitStatus.INTERNAL;
      }
      if (session != null) {
        o = session.run(machine);
      } else {
        // SIGTERM/SIGINT: what the guest printed in the current chunk still reaches stdout
        Thread flush = new Thread(console::flush, "emu-flush-console");
        Runtime.getRuntime().addShutdownHook(flush);
        o = ScriptedRun.run(machine, console, s.timeoutNanos, env.in(), env.stdinIsFile(), env.err(),
            dev.emu.cli.run.Runner.panicRebootNanos(mc.cmdline()));
        Runtime.getRuntime().removeShutdownHook(flush);
      }
    } finally {
      if (session != null) {
        session.close();
      }
    }
    console.flush();
    if (!o.note().isEmpty()) {
      env.err().println(o.note());
    }
    LOG.info("exit status {}", o.status());
    return o.status();
  }

  /** Defaults, the config file, then the options. */
  Settings settings() throws UsageException {
    Settings s = new Settings();
    if (config != null) {
      ConfigLoader.load(env.cwd().resolve(config), config.toString(), s);
    }
    Path cwd = env.cwd();
    option(s, "--cpus", "machine.cpus", cpus);
    option(s, "--memory", "machine.memory", memory);
    option(s, "--kernel", "kernel.image", kernel == null ? null : kernel.toString());
    option(s, "--initrd", "kernel.initrd", initrd == null ? null : initrd.toString());
    option(s, "--until", "run.until", until);
    option(s, "--timeout", "run.timeout", timeout);
    for (Path d : moduleDirs) {
      Path dir = cwd.resolve(d).normalize();
      if (!Files.isDirectory(dir)) {
        throw new UsageException("--module-dir: " + d + ": not a directory");
      }
      s.moduleDirs.add(dir);
    }
    if (append != null) {
      s.append = append;
    }
    s.noReboot |= noReboot;
    s.fastForward &= !noFastForward;
    String cross = ConfigLoader.crossProblem(s);
    if (cross != null) {
      throw new UsageException("watchdog.detector: " + cross);
    }
    return s;
  }

  private void option(Settings s, String option, String key, Object value) throws UsageException {
    if (value == null) {
      return;
    }
    try {
      ConfigKeys.apply(s, key, value, env.cwd());
    } catch (ConfigKeys.Invalid e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** Reads the kernel, builds the initramfs and the command line. */
  MachineConfig machineConfig(Settings s) throws UsageException {
    byte[] kernelBytes;
    if (s.kernel != null) {
      kernelBytes = read(s.kernel, "kernel");
    } else {
      kernelBytes = GuestFiles.resource(GuestFiles.KERNEL);
      if (kernelBytes == null) {
        throw new UsageException("no kernel: the bundled kernel.elf is missing (build emu first: mvn -q install)"
            + " and neither --kernel nor kernel.image names one");
      }
    }
    if (kernelBytes.length < 4 || kernelBytes[0] != 0x7f || kernelBytes[1] != 'E' || kernelBytes[2] != 'L'
        || kernelBytes[3] != 'F') {
      throw new UsageException("kernel " + (s.kernel == null ? "(bundled)" : s.kernel) + ": not an ELF file");
    }
    byte[] initrdBytes = null;
    if (s.initrd != null) {
      initrdBytes = read(s.initrd, "initrd");
    } else if (!s.noInitrd) {
      initrdBytes = GuestFiles.resource(GuestFiles.INITRAMFS);
    }
    initrdBytes = addModules(initrdBytes, s.moduleDirs);
    CpuModel cpu = new CpuModel(s.cpuMhz * 1_000_000L, s.pmu, true, true);
    return new MachineConfig(s.cpus, s.memoryBytes, cpu, s.quantumCycles, kernelBytes, initrdBytes,
        BootParams.of(s), s.noReboot, s.fastForward);
  }

  /** The initramfs with every DIR/*.ko added under /root (one merged newc archive). */
  static byte[] addModules(byte[] initrd, List<Path> dirs) throws UsageException {
    List<Cpio.Entry> extra = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        for (Path ko : GuestFiles.kosIn(dir)) {
          extra.add(new Cpio.Entry(GuestFiles.MODULE_TARGET_DIR + "/" + ko.getFileName(), Cpio.MODE_FILE,
              Files.readAllBytes(ko)));
        }
      } catch (IOException e) {
        throw new UsageException("module directory " + dir + ": cannot read (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (extra.isEmpty()) {
      return initrd;
    }
    extra.add(0, new Cpio.Entry(GuestFiles.MODULE_TARGET_DIR, Cpio.MODE_DIR, new byte[0]));
    return Cpio.merge(initrd, extra);
  }

  private static byte[] read(Path p, String what) throws UsageException {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UsageException(what + " " + p + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
