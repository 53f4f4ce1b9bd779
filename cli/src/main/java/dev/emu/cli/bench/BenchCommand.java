package dev.emu.cli.bench;

import dev.emu.cli.Env;
import dev.emu.cli.ExitStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code emu bench FIGURE [options]}: measures emu's performance figures (docs/performance.md). The
 * figures ({@link Figures}) are parsed only when this command runs: picocli builds the model of every
 * registered subcommand at each start of emu, and reflecting over the figures' options would add to
 * every {@code emu boot}'s start-up, which is itself one of the figures.
 */
@Command(name = "bench", description = {"Measure emu's performance figures (docs/performance.md): mips, lockup, boot, scale, hotspots.",
    "'emu bench --help' lists them; 'emu bench FIGURE --help' describes one."})
public final class BenchCommand implements Callable<Integer> {
  private final Env env;

  @Unmatched List<String> args = new ArrayList<>();

  public BenchCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    CommandLine cl = new CommandLine(new Figures(env));
    cl.setOut(new PrintWriter(env.out(), true));
    cl.setErr(new PrintWriter(env.err(), true));
    cl.setParameterExceptionHandler((ex, a) -> {
      env.err().println("emu: " + oneLine(ex.getMessage()) + " (see '"
          + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return ExitStatus.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      LoggerFactory.getLogger(BenchCommand.class).debug("internal error", ex);
      env.err().println("emu: internal error: " + oneLine(String.valueOf(ex)));
      return ExitStatus.INTERNAL;
    });
    return cl.execute(args.toArray(String[]::new));
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
