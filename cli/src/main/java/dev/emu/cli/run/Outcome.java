package dev.emu.cli.run;

/**
 * How a run ended: the process exit status and an optional one-line note for stderr ("" for none).
 */
public record Outcome(int status, String note) {
  public static Outcome of(int status) {
    return new Outcome(status, "");
  }
}
