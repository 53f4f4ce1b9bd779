package dev.emu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {
  @TempDir Path dir;
  private ch.qos.logback.classic.Logger root;
  private Appender<ILoggingEvent> stderr;

  @BeforeEach
  void save() {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    stderr = root.getAppender("STDERR");
  }

  @AfterEach
  void restore() {
    Appender<ILoggingEvent> file = root.getAppender("FILE");
    if (file != null) {
      root.detachAppender(file);
      file.stop();
    }
    if (stderr != null && root.getAppender("STDERR") == null) {
      root.addAppender(stderr);
    }
    root.setLevel(Level.WARN);
  }

  @Test
  void defaults_warnToStderr() {
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(stderr).isNotNull();
  }

  @Test
  void levelAndFile_replaceStderr() throws Exception {
    Path log = dir.resolve("emu.log");
    FakeMachine fake = new FakeMachine().then("", dev.emu.devices.board.RunResult.Kind.POWER_OFF);
    Path kernel = Files.write(dir.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
    Cli c = Cli.run(dir, fake::attach, new byte[0], "boot", "--kernel", kernel.toString(), "--log-level", "INFO",
        "--log-file", "emu.log");
    assertThat(c.status).isEqualTo(0);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDERR")).isNull();
    assertThat(Files.readString(log)).contains("guest powered off", "exit status 0");
    assertThat(c.out()).isEmpty();
  }

  @Test
  void badLevel_usageError() {
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "boot", "--log-level", "loud");
    assertThat(c.status).isEqualTo(2);
    assertThat(c.err()).isEqualTo("emu: --log-level: must be one of error, warn, info, debug, trace, off (got \"loud\")\n");
  }
}
