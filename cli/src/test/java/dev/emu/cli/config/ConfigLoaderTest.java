package dev.emu.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Settings load(String toml) throws UsageException {
    Settings s = new Settings();
    ConfigLoader.apply(toml, "t.toml", dir, s);
    return s;
  }

  private String error(String toml) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(toml));
    assertThat(t).isInstanceOf(UsageException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }

  @Test
  void rootLockupToml_bothPanicsOn_thresh10_atLeastTwoCpus() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Settings s = new Settings();
    ConfigLoader.load(root.resolve("lockup.toml"), "lockup.toml", s);
    assertThat(s.softlockupPanic).isTrue();
    assertThat(s.hardlockupPanic).isTrue();
    assertThat(s.thresh).isEqualTo(10);
    assertThat(s.cpus).isGreaterThanOrEqualTo(2);
    assertThat(BootParams.of(s)).contains("softlockup_panic=1", "nmi_watchdog=panic", "watchdog_thresh=10");
  }

  @Test
  void everyKeyTyped_isApplied() throws Exception {
    Files.createDirectories(dir.resolve("mods"));
    Files.write(dir.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
    Settings s = load("""
        [machine]
        cpus = 4
        memory = "1G"
        cpu_mhz = 3000
        quantum = 5000
        [kernel]
        image = "k.elf"
        initrd = ""
        cmdline = "quiet"
        preempt = "full"
        [watchdog]
        enabled = true
        softlockup = false
        nmi_watchdog = true
        thresh = 5
        softlockup_panic = true
        hardlockup_panic = true
        softlockup_all_cpu_backtrace = true
        hardlockup_all_cpu_backtrace = true
        detector = "buddy"
        pmu = false
        [modules]
        dirs = ["mods"]
        [console]
        escape = "C-b"
        [run]
        fast_forward = false
        timeout = "2m"
        until = "login: $"
        no_reboot = true
        """);
    assertThat(s.cpus).isEqualTo(4);
    assertThat(s.memoryBytes).isEqualTo(1L << 30);
    assertThat(s.cpuMhz).isEqualTo(3000);
    assertThat(s.quantumCycles).isEqualTo(5000);
    assertThat(s.kernel).isEqualTo(dir.resolve("k.elf"));
    assertThat(s.noInitrd).isTrue();
    assertThat(s.cmdline).isEqualTo("quiet");
    assertThat(s.preempt).isEqualTo("full");
    assertThat(s.softlockup).isFalse();
    assertThat(s.thresh).isEqualTo(5);
    assertThat(s.detector).isEqualTo("buddy");
    assertThat(s.pmu).isFalse();
    assertThat(s.moduleDirs).containsExactly(dir.resolve("mods"));
    assertThat(s.escapeChar).isEqualTo(2);
    assertThat(s.fastForward).isFalse();
    assertThat(s.timeoutNanos).isEqualTo(120_000_000_000L);
    assertThat(s.until).isEqualTo("login: $");
    assertThat(s.noReboot).isTrue();
  }

  @Test
  void outOfRange_namesFileLineKeyRangeAndValue() {
    String toml = "# comment\n[machine]\ncpus = 2\n\n[watchdog]\n\n\n\n\n\n\nthresh = 99\n";
    assertThat(error(toml)).isEqualTo("t.toml:12: watchdog.thresh: must be 0..60 (got 99)");
  }

  @Test
  void unknownKey() {
    assertThat(error("[watchdog]\nthresh = 5\nthreshold = 10\n"))
        .startsWith("t.toml:3: watchdog.threshold: unknown key (known: enabled, softlockup, nmi_watchdog, thresh,");
  }

  @Test
  void unknownSection() {
    assertThat(error("[machine]\ncpus = 2\n[watchdgo]\nthresh = 1\n"))
        .startsWith("t.toml:3: watchdgo: unknown section (known: machine, kernel, watchdog, modules, console, run)");
  }

  @Test
  void keyOutsideASection() {
    assertThat(error("cpus = 2\n")).startsWith("t.toml:1: cpus: unknown section");
  }

  @Test
  void wrongTypes() {
    assertThat(error("[machine]\ncpus = \"4\"\n")).isEqualTo("t.toml:2: machine.cpus: must be an integer 1..64 (got string \"4\")");
    assertThat(error("[watchdog]\nsoftlockup_panic = 1\n"))
        .isEqualTo("t.toml:2: watchdog.softlockup_panic: must be true or false (got integer 1)");
    assertThat(error("[watchdog]\nthresh = 1.5\n")).isEqualTo("t.toml:2: watchdog.thresh: must be an integer 0..60 (got float 1.5)");
    assertThat(error("[modules]\ndirs = \"x\"\n"))
        .isEqualTo("t.toml:2: modules.dirs: must be an array of directory names (got string \"x\")");
    assertThat(error("machine = 3\n")).isEqualTo("t.toml:1: machine: must be a table [machine]");
  }

  @Test
  void badValues() {
    assertThat(error("[machine]\nmemory = \"256Q\"\n")).startsWith("t.toml:2: machine.memory: must be a size");
    assertThat(error("[machine]\nmemory = \"8M\"\n")).isEqualTo("t.toml:2: machine.memory: must be 16M..2G, a multiple of 1M (got string \"8M\")");
    assertThat(error("[kernel]\npreempt = \"rt\"\n"))
        .isEqualTo("t.toml:2: kernel.preempt: must be one of none, voluntary, full (got \"rt\")");
    assertThat(error("[kernel]\nimage = \"nosuch.elf\"\n")).isEqualTo("t.toml:2: kernel.image: no such file: nosuch.elf");
    assertThat(error("[modules]\ndirs = [\"nodir\"]\n")).isEqualTo("t.toml:2: modules.dirs: not a directory: nodir");
    assertThat(error("[run]\ntimeout = \"30\"\n")).startsWith("t.toml:2: run.timeout: must be a positive duration");
    assertThat(error("[run]\nuntil = \"(\"\n")).startsWith("t.toml:2: run.until: must be a Java regular expression");
    assertThat(error("[console]\nescape = \"C-1\"\n")).isEqualTo("t.toml:2: console.escape: must be C-a..C-z (got \"C-1\")");
  }

  @Test
  void buddyNeedsTwoCpus() {
    assertThat(error("[machine]\ncpus = 1\n[watchdog]\ndetector = \"buddy\"\n"))
        .isEqualTo("t.toml:4: watchdog.detector: buddy needs at least 2 CPUs (machine.cpus = 1)");
  }

  @Test
  void syntaxError_namesTheLine() {
    assertThat(error("[machine]\ncpus = 2\nmemory = \"256M\n")).startsWith("t.toml:3: syntax error: ");
    assertThat(error("[machine\n")).startsWith("t.toml:1: syntax error: ");
    assertThat(error("[machine]\ncpus = 2\ncpus = 3\n")).startsWith("t.toml:3: syntax error: ");
  }

  @Test
  void missingFile() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nosuch.toml"), "nosuch.toml", new Settings()))
        .isInstanceOf(UsageException.class).hasMessage("nosuch.toml: no such file");
  }

  @Test
  void relativePaths_resolveAgainstTheConfigFilesDirectory() throws IOException, UsageException {
    Path sub = Files.createDirectories(dir.resolve("conf"));
    Files.write(sub.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
    Files.createDirectories(sub.resolve("m"));
    Path file = Files.writeString(sub.resolve("x.toml"), "[kernel]\nimage = \"k.elf\"\n[modules]\ndirs = [\"m\"]\n");
    Settings s = new Settings();
    ConfigLoader.load(file, "conf/x.toml", s);
    assertThat(s.kernel).isEqualTo(sub.resolve("k.elf"));
    assertThat(s.moduleDirs).containsExactly(sub.resolve("m"));
  }

  @Test
  void mangledConfigs_onlyEverAOneLineUsageError() throws Exception {
    String base = Files.readString(Path.of("..", "lockup.toml").toAbsolutePath().normalize());
    java.util.Random r = new java.util.Random(3);
    String alphabet = "[]=\"'#.,{}\n 0123456789abcxyz-_\\tf";
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder(base);
      for (int k = 0; k < 1 + r.nextInt(4); k++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      try {
        load(sb.toString());
      } catch (UsageException e) {
        assertThat(e.getMessage()).startsWith("t.toml:").doesNotContain("\n");
      }
    }
  }
}
