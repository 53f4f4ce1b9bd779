package dev.emu.cli.config;

import dev.emu.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a TOML config into {@link Settings}. Every problem (missing file, bad syntax, unknown
 * section or key, wrong type, value out of range) is reported as ONE line naming the file and line:
 * {@code lockup.toml:12: watchdog.thresh: must be 0..60 (got 99)} (the caller adds "emu: ").
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads {@code file} over the defaults already in {@code s}; {@code shown} is the name used in messages. */
  public static void load(Path file, String shown, Settings s) throws UsageException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException(shown + ": no such file");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UsageException(shown + ": cannot read: " + oneLine(e));
    }
    Path base = file.toAbsolutePath().getParent();
    apply(text, shown, base, s);
  }

  /** Parses TOML text; relative paths resolve against {@code base}. */
  public static void apply(String text, String shown, Path base, Settings s) throws UsageException {
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      TomlParseError e = toml.errors().get(0);
      throw new UsageException(shown + ":" + line(e.position()) + ": syntax error: " + syntaxMessage(e));
    }
    for (String section : toml.keySet()) {
      List<String> sectionPath = List.of(section);
      Object value = toml.get(sectionPath);
      if (!ConfigKeys.SECTIONS.contains(section)) {
        throw new UsageException(shown + ":" + line(toml.inputPositionOf(sectionPath)) + ": " + section
            + ": unknown section (known: " + String.join(", ", ConfigKeys.SECTIONS) + ")");
      }
      if (!(value instanceof TomlTable table)) {
        throw new UsageException(shown + ":" + line(toml.inputPositionOf(sectionPath)) + ": " + section
            + ": must be a table [" + section + "]");
      }
      for (String name : table.keySet()) {
        List<String> keyPath = List.of(name);
        String where = shown + ":" + line(table.inputPositionOf(keyPath)) + ": " + section + "." + name + ": ";
        ConfigKeys.Key key = ConfigKeys.find(section, name);
        if (key == null) {
          throw new UsageException(where + "unknown key (known: "
              + String.join(", ", ConfigKeys.namesIn(section)) + ")");
        }
        try {
          key.applier().apply(s, table.get(keyPath), base);
        } catch (ConfigKeys.Invalid e) {
          throw new UsageException(where + e.getMessage());
        }
      }
    }
    crossCheck(toml, shown, s);
  }

  /** Rules between keys. */
  private static void crossCheck(TomlParseResult toml, String shown, Settings s) throws UsageException {
    String problem = crossProblem(s);
    if (problem != null) {
      TomlPosition p = toml.inputPositionOf(List.of("watchdog", "detector"));
      String line = p == null ? "" : ":" + line(p);
      throw new UsageException(shown + line + ": watchdog.detector: " + problem);
    }
  }

  /** A rule between keys that the settings break, or null (also checked after the options). */
  public static String crossProblem(Settings s) {
    if ("buddy".equals(s.detector) && s.cpus < 2) {
      return "buddy needs at least 2 CPUs (machine.cpus = " + s.cpus + ")";
    }
    return null;
  }

  private static int line(TomlPosition p) {
    return p == null ? 1 : p.line();
  }

  private static String syntaxMessage(TomlParseError e) {
    String m = e.getMessage();
    int cut = m.lastIndexOf(" (line ");
    return oneLine(cut > 0 ? m.substring(0, cut) : m);
  }

  private static String oneLine(Throwable e) {
    return oneLine(String.valueOf(e.getMessage()));
  }

  private static String oneLine(String m) {
    return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
