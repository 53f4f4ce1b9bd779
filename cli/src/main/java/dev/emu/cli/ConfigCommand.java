package dev.emu.cli;

import dev.emu.cli.config.ConfigKeys;
import picocli.CommandLine.Command;

/** Prints the annotated default configuration, generated from {@link ConfigKeys} (so it cannot drift). */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Print an annotated default configuration (TOML): every key with its default and range.",
        "Use: emu config > my.toml"})
final class ConfigCommand implements Runnable {
  private final Env env;

  ConfigCommand(Env env) {
    this.env = env;
  }

  @Override
  public void run() {
    env.out().print(text());
    env.out().flush();
  }

  /** The annotated default file; every literal default is active, the rest are commented examples. */
  static String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("# emu configuration (TOML): emu boot --config FILE\n")
        .append("# Every key is optional; each is shown with its default and range. Relative paths are\n")
        .append("# relative to this file. Options of 'emu boot' override the file. See docs/config.md.\n");
    String section = "";
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      if (!k.section().equals(section)) {
        section = k.section();
        sb.append("\n[").append(section).append("]\n");
      }
      sb.append("# ").append(k.doc()).append(". Range: ").append(k.range()).append('\n');
      if (k.defaultIsLiteral()) {
        sb.append(k.name()).append(" = ").append(k.tomlDefault()).append('\n');
      } else {
        sb.append("# ").append(k.name()).append(" = ...    default: ").append(k.tomlDefault()).append('\n');
      }
    }
    return sb.toString();
  }
}
