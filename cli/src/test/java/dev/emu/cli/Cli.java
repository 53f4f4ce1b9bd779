package dev.emu.cli;

import dev.emu.cli.run.MachineFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the emu command in-process with captured streams. */
final class Cli {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  int status;
  boolean factoryCalled;

  static Cli run(Path cwd, MachineFactory machines, byte[] stdin, String... args) {
    return run(cwd, machines, new ByteArrayInputStream(stdin), true, args);
  }

  static Cli run(Path cwd, MachineFactory machines, InputStream stdin, boolean stdinIsFile, String... args) {
    Cli c = new Cli();
    MachineFactory counting = (cfg, sink) -> {
      c.factoryCalled = true;
      return machines.create(cfg, sink);
    };
    Env env = new Env(stdin, new PrintStream(c.out, true), new PrintStream(c.err, true), false, stdinIsFile, cwd, counting);
    c.status = Main.run(args, env);
    return c;
  }

  String out() {
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
