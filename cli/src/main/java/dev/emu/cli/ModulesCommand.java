package dev.emu.cli;

import dev.emu.cli.guest.GuestFiles;
import dev.emu.cli.guest.ModInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Lists the bundled guest modules (or the given .ko files) with the description and parameters of
 * their .modinfo section, as modinfo(8) would show them.
 */
@Command(name = "modules", mixinStandardHelpOptions = true,
    description = {"List the bundled guest modules (insmod NAME.ko in the guest) with their descriptions and parameters.",
        "With FILEs, describe those .ko files instead."})
final class ModulesCommand implements java.util.concurrent.Callable<Integer> {
  private final Env env;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "a .ko file to describe instead of the bundled ones")
  List<Path> files = new ArrayList<>();

  ModulesCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws UsageException {
    Map<String, byte[]> mods = new LinkedHashMap<>();
    if (files.isEmpty()) {
      mods.putAll(GuestFiles.bundledModules());
      if (mods.isEmpty()) {
        env.err().println("emu: no bundled modules (the guest build produced none)");
        return ExitStatus.OK;
      }
    } else {
      for (Path f : files) {
        Path p = env.cwd().resolve(f);
        try {
          mods.put(p.getFileName().toString(), Files.readAllBytes(p));
        } catch (IOException e) {
          throw new UsageException(f + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
      }
    }
    for (Map.Entry<String, byte[]> e : mods.entrySet()) {
      String file = e.getKey();
      String name = file.endsWith(".ko") ? file.substring(0, file.length() - 3) : file;
      ModInfo info;
      try {
        info = ModInfo.parse(name, e.getValue());
      } catch (IllegalArgumentException bad) {
        throw new UsageException(file + ": " + bad.getMessage());
      }
      env.out().println(format(file, info));
    }
    env.out().flush();
    return ExitStatus.OK;
  }

  static String format(String file, ModInfo m) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-18s %s", file, m.description().isEmpty() ? "(no description)" : m.description()));
    for (Map.Entry<String, String> p : m.params().entrySet()) {
      sb.append(String.format("%n    parm %s: %s", p.getKey(), p.getValue()));
    }
    return sb.toString();
  }
}
