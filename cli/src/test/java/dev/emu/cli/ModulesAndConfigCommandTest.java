package dev.emu.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.cli.config.BootParams;
import dev.emu.cli.config.ConfigKeys;
import dev.emu.cli.config.ConfigLoader;
import dev.emu.cli.config.Settings;
import dev.emu.cli.guest.GuestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModulesAndConfigCommandTest {
  @TempDir Path dir;

  @Test
  void modules_givenKoFiles_listsDescriptionAndParameters() throws Exception {
    assumeTrue(dev.emu.cli.guest.ModInfoTest.hasGcc(), "gcc is not installed");
    Path ko = dev.emu.cli.guest.ModInfoTest.buildKo(dir, "softLockup");
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "modules", ko.toString());
    assertThat(c.status).isEqualTo(0);
    assertThat(c.out()).isEqualTo(String.format("softLockup.ko      Spin in module init: a soft lockup%n"
        + "    parm seconds: how long to spin (int)%n    parm cpu: (uint)%n"));
  }

  @Test
  void modules_bundled_eachParsesOrNoneIsReported() {
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "modules");
    assertThat(c.status).isEqualTo(0);
    if (GuestFiles.bundledModules().isEmpty()) {
      assertThat(c.err()).isEqualTo("emu: no bundled modules (the guest build produced none)\n");
    } else {
      assertThat(c.out()).contains(GuestFiles.bundledModules().keySet().iterator().next());
    }
  }

  @Test
  void modules_notElf_exit2() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.ko"), "x");
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "modules", bad.toString());
    assertThat(c.status).isEqualTo(2);
    assertThat(c.err()).isEqualTo("emu: bad.ko: not an ELF file\n");
  }

  @Test
  void config_printsEveryKey_andParsesBackToTheDefaults() throws Exception {
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "config");
    assertThat(c.status).isEqualTo(0);
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      assertThat(c.out()).contains(k.name() + " = ");
    }
    Settings s = new Settings();
    ConfigLoader.apply(c.out(), "default.toml", dir, s);
    assertThat(BootParams.of(s)).isEqualTo(BootParams.of(new Settings()));
    assertThat(s.cpus).isEqualTo(2);
    assertThat(s.memoryBytes).isEqualTo(256L << 20);
  }

  @Test
  void docsConfigMd_documentsEveryKey() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "config.md"));
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      assertThat(doc).as(k.path()).contains("`" + k.name() + "`");
    }
  }

  @Test
  void docsCliMd_andHelp_documentEveryExitStatus() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "cli.md"));
    Cli c = Cli.run(dir, new FakeMachine()::attach, new byte[0], "boot", "--help");
    for (String status : new String[] {"0", "1", "2", "3", "124", "(V<<1)|1"}) {
      assertThat(doc).contains("| " + status.replace("|", "\\|") + " ");
      assertThat(c.out()).contains("  " + status + " ");
    }
  }

  @Test
  void versionHelpAndCompletion() {
    assertThat(Cli.run(dir, new FakeMachine()::attach, new byte[0], "--version").out()).startsWith("emu ");
    Cli help = Cli.run(dir, new FakeMachine()::attach, new byte[0], "help");
    assertThat(help.out()).contains("boot", "config", "modules", "completion", "Exit status:");
    Cli comp = Cli.run(dir, new FakeMachine()::attach, new byte[0], "completion");
    assertThat(comp.status).isEqualTo(0);
    assertThat(comp.out()).contains("complete -F", "--module-dir", "--no-fast-forward").doesNotContain("--demo-machine");
  }

  @Test
  void moduleDir_addsKoFilesUnderRootToTheInitramfs() throws Exception {
    Path mods = Files.createDirectories(dir.resolve("mods"));
    Files.write(mods.resolve("x.ko"), new byte[] {1, 2, 3});
    Files.writeString(mods.resolve("readme.txt"), "not a module");
    Path kernel = Files.write(dir.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
    FakeMachine fake = new FakeMachine().then("", dev.emu.devices.board.RunResult.Kind.POWER_OFF);
    Cli c = Cli.run(dir, fake::attach, new byte[0], "boot", "--kernel", kernel.toString(), "--module-dir", "mods");
    assertThat(c.status).isEqualTo(0);
    var entries = dev.emu.cli.guest.Cpio.read(fake.config().initrd());
    assertThat(entries).extracting(dev.emu.cli.guest.Cpio.Entry::name).contains("root", "root/x.ko")
        .doesNotContain("root/readme.txt");
  }
}
