package dev.emu.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --log-level and --log-file on top of logback.xml (stderr, WARN). A log file replaces stderr, so
 * that an interactive console is not interleaved with diagnostics.
 */
public final class LogSetup {
  private LogSetup() {}

  public static final String LEVELS = "error, warn, info, debug, trace, off";

  public static void configure(String level, Path file) throws UsageException {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding (tests may use one): leave it alone
    }
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    if (level != null) {
      String l = level.toLowerCase(Locale.ROOT);
      if (!(" " + LEVELS.replace(",", "") + " ").contains(" " + l + " ")) {
        throw new UsageException("--log-level: must be one of " + LEVELS + " (got \"" + level + "\")");
      }
      root.setLevel(Level.toLevel(l, Level.WARN));
    }
    if (file != null) {
      PatternLayoutEncoder enc = new PatternLayoutEncoder();
      enc.setContext(ctx);
      enc.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
      enc.start();
      FileAppender<ILoggingEvent> fa = new FileAppender<>();
      fa.setContext(ctx);
      fa.setName("FILE");
      fa.setFile(file.toString());
      fa.setAppend(true);
      fa.setEncoder(enc);
      fa.start();
      if (!fa.isStarted()) {
        throw new UsageException("--log-file: cannot write " + file);
      }
      Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
      if (stderr != null) {
        root.detachAppender(stderr);
      }
      root.addAppender(fa);
    }
  }
}
