package dev.emu.cli;

/**
 * Exit statuses of the emu command (Linux tools' conventions: 2 usage, 124 timeout as timeout(1)).
 * Also listed in --help (footer) and docs/cli.md; keep the three in step.
 */
public final class ExitStatus {
  private ExitStatus() {}

  /** --until matched, the guest powered off, the monitor's quit or Ctrl-A x, a reset with --no-reboot. */
  public static final int OK = 0;
  /** Internal error: an unexpected exception, or the machine could not be built (BootException). */
  public static final int INTERNAL = 1;
  /** Usage or configuration error; nothing was started. */
  public static final int USAGE = 2;
  /** The guest panicked (pvpanic) or the machine is dead (every CPU halted with interrupts masked). */
  public static final int PANIC_OR_DEAD = 3;
  /** --timeout (guest time) passed. */
  public static final int TIMEOUT = 124;

  /** The exit status list shown in --help. */
  public static final String[] HELP_LIST = {
    "0:ok: --until matched, the guest powered off, quit (Ctrl-A x / monitor 'quit'), reset with --no-reboot",
    "1:internal error, or the machine could not be built",
    "2:usage or configuration error (one line on stderr; nothing started)",
    "3:the guest panicked (pvpanic) or the machine is dead (one line on stderr)",
    "(V<<1)|1:the guest wrote V to the isa-debug-exit port 0xf4",
    "124:--timeout (guest time) passed",
    "130/143:interrupted by SIGINT/SIGTERM (terminal restored)",
  };
}
