package dev.emu.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive console in a real pseudo-terminal: tmux runs a shell, the shell runs emu with the
 * demo echo machine, and the test types keys and reads the screen. Checks typing, C-c passing through,
 * the C-a escapes, the monitor (commands, completion, history) and that `stty -a` is the same before
 * and after every way out (C-a x, the guest powering off, SIGTERM). The polling deadline only bounds a
 * hang; nothing asserts on wall time.
 */
class ConsoleTmuxTest {
  private static final long DEADLINE_MS = 30_000;
  @TempDir Path dir;
  private String socket;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(run("tmux", "-V") == 0, "tmux is not installed");
    socket = "emu-cli-test-" + ProcessHandle.current().pid();
    assertThat(tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "150", "-y", "50",
        "env -i PATH=/usr/bin:/bin HOME=" + dir + " HISTFILE= TERM=xterm bash --norc --noprofile")).isEqualTo(0);
  }

  @AfterEach
  void stop() throws Exception {
    if (socket != null) {
      tmux("kill-server");
      long end = System.currentTimeMillis() + DEADLINE_MS;
      while (tmux("has-session", "-t", "t") == 0 && System.currentTimeMillis() < end) {
        Thread.sleep(50);
      }
      Thread.sleep(200); // the shell and emu exit after the server hangs up their terminal
    }
  }

  private String emuCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return java + " -cp '" + System.getProperty("java.class.path") + "' dev.emu.cli.Main boot --demo-machine";
  }

  @Test
  void typing_escapes_monitor_quit_restoreTheTerminal() throws Exception {
    type("stty -a > before.txt; " + emuCommand() + "; echo EXIT=$?; stty -a > after.txt", "Enter");
    waitFor("an echo shell");
    type("hello", "Enter");
    waitFor("you typed: hello");
    type("C-c");
    waitFor("# ^C");
    type("C-a", "h");
    waitFor("C-a x    exit emu");
    type("C-a", "c");
    waitFor("(emu) ");
    type("info cpus", "Enter");
    waitFor("CPU #1: halted RIP=ffffffff81000000 (demo_idle) nmis=0");
    type("nmi 1", "Enter");
    type("info cpus", "Enter");
    waitFor("CPU #1: halted RIP=ffffffff81000000 (demo_idle) nmis=1");
    type("inf", "Tab");
    waitFor("(emu) info ");
    type("ff", "Enter");
    waitFor("CPU#1: 0 cycles skipped");
    type("Up");
    waitFor("(emu) info ff");
    type("Enter");
    waitForCount("CPU#1: 0 cycles skipped", 2);
    type("C-a", "c");
    type("uptime", "Enter");
    waitFor("up ");
    assertThat(screen()).doesNotContain("EXIT=0");
    type("C-a", "x");
    waitFor("EXIT=0");
    assertRestored();
  }

  @Test
  void guestPowerOff_endsTheSession_restoresTheTerminal() throws Exception {
    type("stty -a > before.txt; " + emuCommand() + "; echo EXIT=$?; stty -a > after.txt", "Enter");
    waitFor("an echo shell");
    type("exit 3", "Enter");
    waitFor("EXIT=7");
    assertRestored();
  }

  @Test
  void sigterm_restoresTheTerminal() throws Exception {
    type("stty -a > before.txt; " + emuCommand() + " & echo $! > pid.txt; fg; echo EXIT=$?; stty -a > after.txt",
        "Enter");
    waitFor("an echo shell");
    long pid = Long.parseLong(Files.readString(dir.resolve("pid.txt")).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM
    waitFor("EXIT=143");
    assertRestored();
  }

  @Test
  void machineThatCannotBeBuilt_oneLine_exit1_terminalRestored() throws Exception {
    Files.write(dir.resolve("k.elf"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    String real = emuCommand().replace(" --demo-machine", " --kernel k.elf");
    type("stty -a > before.txt; " + real + "; echo EXIT=$?; stty -a > after.txt", "Enter");
    waitFor("EXIT=1");
    assertThat(screen()).contains("emu: cannot boot: ");
    assertRestored();
  }

  private void assertRestored() throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (!Files.exists(dir.resolve("after.txt")) && System.currentTimeMillis() < end) {
      Thread.sleep(50);
    }
    Thread.sleep(100);
    String before = Files.readString(dir.resolve("before.txt"));
    assertThat(before).contains("icanon", "echo");
    assertThat(Files.readString(dir.resolve("after.txt"))).isEqualTo(before);
  }

  private void type(String... keys) throws Exception {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
    for (String k : keys) {
      args.add(k);
    }
    assertThat(tmux(args.toArray(new String[0]))).isEqualTo(0);
    Thread.sleep(150); // let the keys arrive one batch at a time (escape timing of the line editor)
  }

  private void waitFor(String text) throws Exception {
    waitForCount(text, 1);
  }

  private void waitForCount(String text, int count) throws Exception {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    String s = "";
    while (System.currentTimeMillis() < end) {
      s = screen();
      if (s.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= count) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("screen never showed " + count + "x \"" + text + "\":\n" + s);
  }

  private String screen() throws Exception {
    Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-J", "-S", "-200", "-t", "t")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private int tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(new String[0]));
  }

  private int run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return -1;
    }
    p.getInputStream().readAllBytes();
    return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -2;
  }
}
