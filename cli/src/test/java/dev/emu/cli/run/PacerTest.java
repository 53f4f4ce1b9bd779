package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.devices.board.RunResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing on a fake wall clock: no real sleeping, no wall-clock asserts. */
class PacerTest {
  private long wall;
  private final List<Long> sleeps = new ArrayList<>();

  /** Only guestNanos and infoCpus matter to the pacer. */
  private static final class Cpus implements java.lang.reflect.InvocationHandler {
    String state = "halted";
    long now;
    final dev.emu.devices.board.Machine machine = (dev.emu.devices.board.Machine) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.emu.devices.board.Machine.class}, this);

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
      return switch (method.getName()) {
        case "infoCpus" -> "* CPU #0: " + state + " RIP=... (do_idle)\n  CPU #1: halted\n";
        case "guestNanos" -> now;
        default -> throw new UnsupportedOperationException(method.getName());
      };
    }
  }

  private final Cpus m = new Cpus();
  private final Pacer p = new Pacer(true, () -> wall);
  private static final RunResult TIME = new RunResult(RunResult.Kind.TIME_REACHED, 0, "");

  private void chunk(long guest, long wallSpent) {
    m.now += guest;
    wall += wallSpent;
    p.afterChunk(m.machine, TIME, n -> {
      sleeps.add(n);
      wall += n;
    });
  }

  @Test
  void idleGuest_sleepsUntilWallTimeCatchesUp() {
    p.reset(0);
    chunk(10_000_000, 1_000_000);
    assertThat(sleeps).containsExactly(9_000_000L);
    chunk(10_000_000, 2_000_000);
    assertThat(sleeps).containsExactly(9_000_000L, 8_000_000L);
  }

  @Test
  void busyGuest_runsAhead_andIsNeverPaidBackLater() {
    p.reset(0);
    m.state = "running";
    for (int i = 0; i < 100; i++) {
      chunk(10_000_000, 100_000); // 1 s of guest time in 10 ms of wall time
    }
    assertThat(sleeps).isEmpty();
    m.state = "halted";
    chunk(10_000_000, 1_000_000);
    assertThat(sleeps).containsExactly(9_000_000L);
  }

  @Test
  void guestSlowerThanWall_neverSleeps_andALargeDebtIsForgiven() {
    p.reset(0);
    chunk(10_000_000, 2_000_000_000L);
    assertThat(sleeps).isEmpty();
    chunk(10_000_000, 1_000_000);
    assertThat(sleeps).containsExactly(9_000_000L);
  }

  @Test
  void scriptedPacer_neverSleeps() {
    Pacer off = new Pacer(false, () -> wall);
    off.reset(0);
    m.now += 10_000_000;
    off.afterChunk(m.machine, TIME, sleeps::add);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void wordRunningInASymbol_isNotAState() {
    m.state = "halted RIP=ffffffff81001000 (wake_up_running)";
    assertThat(Pacer.wasIdle(m.machine, TIME)).isTrue();
    m.state = "halted rip=0xffffffff8011ceb2 <running+0x2>";
    assertThat(Pacer.wasIdle(m.machine, TIME)).isTrue();
    m.state = "rip=0xffffffff8011ceb2 <native_safe_halt+0x2> (running)";
    assertThat(Pacer.wasIdle(m.machine, TIME)).isFalse();
    m.state = "running";
    assertThat(Pacer.wasIdle(m.machine, TIME)).isFalse();
    assertThat(Pacer.wasIdle(m.machine, new RunResult(RunResult.Kind.IDLE, 0, ""))).isTrue();
  }
}
