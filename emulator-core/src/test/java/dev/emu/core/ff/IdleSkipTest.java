package dev.emu.core.ff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.cpu.Cpu;
import org.junit.jupiter.api.Test;

/**
 * Idle time: HLT is not a spin loop (the detector refuses it); the Scheduler moves halted CPUs
 * with {@link Cpu#idleUntil} (O(1)) and, when every CPU is halted, jumps straight to the next
 * Timeline event. Measures (prints, does not assert) the wall time of 60 guest seconds of a
 * HZ=250 idle tick with 1 and 16 CPUs.
 */
class IdleSkipTest {
  private static final long HZ_250 = 8_000_000; // cycles per tick at 2 GHz
  private static final long SIXTY_SECONDS = 120_000_000_000L;

  @Test
  void idleMachine_sixtyGuestSeconds_jumpsFromTickToTick() {
    for (int n : new int[] {1, 16}) {
      FfRig r = new FfRig(n, true);
      r.load(FfRig.CODE, "fb f4 ebfd"); // sti; 1: hlt; jmp 1b
      r.load(FfRig.HANDLER, "48ff042500000200 48cf"); // incq DATA; iretq
      r.setGate(0x20, FfRig.HANDLER);
      r.periodicInterrupt(HZ_250, HZ_250, 0x20);
      long t0 = System.nanoTime();
      r.scheduler.runUntil(SIXTY_SECONDS);
      long wall = System.nanoTime() - t0;
      System.out.printf("idle: %d CPU(s), 60 guest s with a 250 Hz tick: %.1f ms wall%n", n,
          wall / 1e6);
      assertThat(r.mem.read64(FfRig.DATA)).isEqualTo(SIXTY_SECONDS / HZ_250 - 1);
      for (Cpu c : r.cpus) {
        assertThat(c.cycles()).isEqualTo(SIXTY_SECONDS);
        // CPU 0 was just woken by the tick due at the end; the others never had anything to do.
        assertThat(c.isHalted()).isEqualTo(c.index() != 0);
        assertThat(c.skippedCycles()).isZero();
      }
      // Only the tick handlers ran: a few instructions per tick, the rest was idle time.
      assertThat(r.cpus[0].unhaltedCycles()).isLessThan(SIXTY_SECONDS / HZ_250 * 200);
    }
  }
}
