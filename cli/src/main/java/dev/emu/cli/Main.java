package dev.emu.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The emu command: {@code boot}, {@code config}, {@code modules}, {@code completion}, {@code help},
 * {@code --version}. Exit statuses: {@link ExitStatus}. Errors are one line on stderr: "emu: ...".
 */
@Command(name = "emu", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "A cycle-level x86-64 PC emulator whose Linux-style guest kernel detects its own soft and hard lockups.",
    synopsisSubcommandLabel = "COMMAND",
    footer = {"", "Quick start:  emu boot --config lockup.toml    (then: insmod softLockup.ko)",
        "Documentation: docs/cli.md, docs/config.md"},
    exitCodeListHeading = "%nExit status:%n", exitCodeList = {})
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    int status = run(args, Env.system());
    System.out.flush();
    System.exit(status);
  }

  /** Runs the command line against {@code env}; returns the exit status (the tests' entry point). */
  public static int run(String[] args, Env env) {
    CommandLine cl = commandLine(env);
    return cl.execute(args);
  }

  static CommandLine commandLine(Env env) {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("boot", new BootCommand(env));
    cl.addSubcommand("config", new ConfigCommand(env));
    cl.addSubcommand("modules", new ModulesCommand(env));
    cl.addSubcommand("completion", new CompletionCommand(env));
    cl.addSubcommand("bench", new dev.emu.cli.bench.BenchCommand(env));
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    exitList(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      exitList(sub);
    }
    cl.setOut(new java.io.PrintWriter(env.out(), true));
    cl.setErr(new java.io.PrintWriter(env.err(), true));
    cl.setParameterExceptionHandler((ex, args) -> {
      String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
      env.err().println("emu: " + oneLine(ex.getMessage()) + " (see '" + cmd + " --help')");
      return ExitStatus.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof UsageException) {
        env.err().println("emu: " + oneLine(ex.getMessage()));
        return ExitStatus.USAGE;
      }
      LoggerFactory.getLogger(Main.class).debug("internal error", ex);
      env.err().println("emu: internal error: " + oneLine(String.valueOf(ex)) + " (--log-level debug for the trace)");
      return ExitStatus.INTERNAL;
    });
    return cl;
  }

  private static void exitList(CommandLine cl) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String e : ExitStatus.HELP_LIST) {
      int colon = e.indexOf(':');
      m.put(e.substring(0, colon), e.substring(colon + 1));
    }
    if (!cl.getCommandName().equals("help")) {
      cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(m);
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** "emu VERSION" from the Maven project version (filtered resource). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"emu " + p.getProperty("version", "(development build)"),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
