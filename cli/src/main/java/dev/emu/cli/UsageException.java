package dev.emu.cli;

/**
 * A usage or configuration error: the message is ONE line for the user (without the "emu: " prefix)
 * and the command exits with {@link ExitStatus#USAGE}; nothing has been started.
 */
public class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
