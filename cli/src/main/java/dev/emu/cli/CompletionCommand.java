package dev.emu.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints picocli's generated bash/zsh completion script: {@code source <(emu completion)}. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a bash (and zsh, via bashcompinit) completion script for emu.",
        "Use: source <(emu completion)"})
final class CompletionCommand implements Runnable {
  private final Env env;
  @Spec CommandSpec spec;

  CompletionCommand(Env env) {
    this.env = env;
  }

  @Override
  public void run() {
    env.out().print(AutoComplete.bash("emu", spec.root().commandLine()));
    env.out().flush();
  }
}
