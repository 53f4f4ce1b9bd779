package dev.emu.core.ff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.cpu.Cpu;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Proof of exactness: every scenario runs twice, with fast-forward on and off, and everything
 * guest-visible must be identical: all registers, RFLAGS, cycles, unhalted cycles, instructions
 * retired, TSC, RAM, and the sequence of (cycle, event, RIP, counters) the hosts observed.
 */
class FastForwardExactnessTest {
  // Handler: incq DATA+off(abs32); iretq
  private static String incqIret(int off) {
    return String.format("48ff0425%02x000200 48cf", off);
  }

  private record Result(String state, String log, long skipped, FfRig rig) {}

  private static Result run(boolean ff, int cpus, Consumer<FfRig> setup, long until) {
    FfRig r = new FfRig(cpus, ff);
    setup.accept(r);
    r.scheduler.runUntil(until);
    for (Cpu c : r.cpus) {
      assertThat(c.lastError()).as("interpreter error").isNull();
    }
    return new Result(r.snapshot(), String.join("\n", r.log), r.skippedCycles(), r);
  }

  /** Runs on and off, asserts identical results, returns the fast-forward run. */
  private static Result bothWays(int cpus, Consumer<FfRig> setup, long until) {
    Result off = run(false, cpus, setup, until);
    Result on = run(true, cpus, setup, until);
    assertThat(off.skipped).isZero();
    assertThat(on.state).isEqualTo(off.state);
    assertThat(on.log).isEqualTo(off.log);
    return on;
  }

  @Test
  void jmpSelf_withInterruptsEnabled_andPeriodicTicks_isExactAndSkipped() {
    Result on = bothWays(1, r -> {
      r.load(FfRig.CODE, "ebfe"); // 1: jmp 1b (softLockup.ko's init)
      r.load(FfRig.HANDLER, incqIret(0));
      r.setGate(0x20, FfRig.HANDLER);
      r.cpus[0].setRflags(0x202);
      r.periodicInterrupt(50_001, 100_003, 0x20);
    }, 5_000_000);
    long ticks = on.rig.mem.read64(FfRig.DATA);
    assertThat(ticks).isEqualTo(50); // ticks at 50_001 + k * 100_003 < 5_000_000
    assertThat(on.log.lines().filter(l -> l.contains("irq 32"))).hasSize(50);
    assertThat(on.rig.cpus[0].rip()).isEqualTo(FfRig.CODE);
    // Almost everything but the handlers and a couple of iterations per slice is skipped.
    assertThat(on.skipped).isGreaterThan(4_000_000);
    assertThat(on.rig.cpus[0].skippedInstructions()).isEqualTo(on.skipped / 2);
  }

  @Test
  void jmpSelf_whenEveryQuantumIsOddAndTicksAreDense_isExact() {
    for (long quantum : new long[] {1, 7, 1_001, 333_333}) {
      Consumer<FfRig> setup = r -> {
        r.load(FfRig.CODE, "ebfe");
        r.load(FfRig.HANDLER, incqIret(0));
        r.setGate(0x20, FfRig.HANDLER);
        r.cpus[0].setRflags(0x202);
        r.periodicInterrupt(999, 4_321, 0x20);
      };
      FfRig off = new FfRig(1, false, quantum);
      FfRig on = new FfRig(1, true, quantum);
      setup.accept(off);
      setup.accept(on);
      off.scheduler.runUntil(400_000);
      on.scheduler.runUntil(400_000);
      assertThat(on.snapshot()).as("quantum %d", quantum).isEqualTo(off.snapshot());
      assertThat(on.log).as("quantum %d", quantum).isEqualTo(off.log);
      assertThat(on.mem.read64(FfRig.DATA)).isEqualTo((400_000 - 1 - 999) / 4_321 + 1);
    }
  }

  @Test
  void cliPauseLoop_withPmuLikeCounterNmis_firesAtTheExactCycleAndInstruction() {
    Result on = bothWays(1, r -> {
      r.load(FfRig.CODE, "fa f390 ebfc"); // cli; 1: pause; jmp 1b (hardLockup.ko)
      r.load(FfRig.NMI_HANDLER, incqIret(8));
      r.setGate(2, FfRig.NMI_HANDLER);
      r.cpus[0].setRflags(0x202);
      // Timer ticks keep arriving while IF=0: they stay pending, the loop still spins.
      r.periodicInterrupt(30_000, 100_000, 0x20);
      Cpu cpu = r.cpus[0];
      long[] limits = {123_457, 33_333};
      cpu.setCounterLimits(limits[0], limits[1]);
      r.hosts[0].onCounterLimit = () -> {
        // A PMU: counter overflow -> NMI; re-arm whichever limit was reached.
        if (cpu.unhaltedCycles() >= limits[0]) {
          limits[0] = cpu.unhaltedCycles() + 277_777;
        }
        if (cpu.instructionsRetired() >= limits[1]) {
          limits[1] = cpu.instructionsRetired() + 40_001;
        }
        cpu.setCounterLimits(limits[0], limits[1]);
        cpu.signalNmi();
      };
    }, 6_000_000);
    long nmis = on.rig.mem.read64(FfRig.DATA + 8);
    assertThat(nmis).isGreaterThan(20);
    assertThat(on.log.lines().filter(l -> l.contains("counter-limit")).count()).isEqualTo(nmis);
    assertThat(on.rig.cpus[0].interruptFlag()).isFalse();
    assertThat(on.log).doesNotContain("irq");
    assertThat(on.skipped).isGreaterThan(5_000_000);
  }

  @Test
  void spinOnMemoryFlag_setByAnotherCpu_isExact_andTheCountedLoopIsNotSkipped() {
    Result on = bothWays(2, r -> {
      // CPU 0: 1: pause; cmpl $0, DATA+0x10; je 1b; mov DATA+0x10, %rax; hlt
      r.load(FfRig.CODE, "f390 833c251000020000 74f4 488b042510000200 f4");
      // CPU 1: mov $100000, %rcx; 1: dec %rcx; jnz 1b; movl $42, DATA+0x10; hlt
      r.load(0x14000, "48c7c1a0860100 48ffc9 75fb c70425100002002a000000 f4");
      r.cpus[1].setRip(0x14000);
    }, 2_000_000);
    Cpu cpu0 = on.rig.cpus[0];
    Cpu cpu1 = on.rig.cpus[1];
    assertThat(cpu0.isHalted()).isTrue();
    assertThat(cpu0.reg(0)).isEqualTo(42);
    assertThat(cpu1.reg(1)).isZero();
    assertThat(cpu0.skippedCycles()).isGreaterThan(200_000);
    assertThat(cpu1.skippedCycles()).isZero();
  }

  @Test
  void spinLoopWhoseCodeAnotherCpuPatches_stopsBeingSkipped_inTheSameSliceAsWithout() {
    Result on = bothWays(2, r -> {
      // CPU 0: 1: pause; cmpl $0, DATA+0x10; je 1b; hlt   (DATA+0x10 stays 0)
      r.load(FfRig.CODE, "f390 833c251000020000 74f4 f4");
      // CPU 1: mov $50000, %ecx; 1: dec %ecx; jnz 1b; movb $0x75, CODE+10 (je -> jne); hlt
      r.load(0x14000, "b950c30000 ffc9 75fc c604250a00010075 f4");
      r.cpus[1].setRip(0x14000);
    }, 1_000_000);
    assertThat(on.rig.mem.read8(FfRig.CODE + 10)).isEqualTo(0x75);
    assertThat(on.rig.cpus[0].isHalted()).isTrue();
    assertThat(on.rig.cpus[0].skippedCycles()).isGreaterThan(50_000);
  }

  @Test
  void spinLoopWhoseBodyAnotherCpuPatches_isReverifiedBeforeTheNextSkip() {
    Result on = bothWays(2, r -> {
      // CPU 0: 1: pause; cmpl $0, DATA+0x10; je 1b; hlt   (spins forever)
      r.load(FfRig.CODE, "f390 833c251000020000 74f4 f4");
      // CPU 1: mov $50000, %ecx; 1: dec %ecx; jnz 1b; movw $0x9066, CODE (pause -> nop); hlt
      r.load(0x14000, "b950c30000 ffc9 75fc 66c70425000001006690 f4");
      r.cpus[1].setRip(0x14000);
    }, 1_000_000);
    assertThat(on.rig.mem.read16(FfRig.CODE)).isEqualTo(0x9066);
    assertThat(on.rig.cpus[0].isHalted()).isFalse();
    assertThat(on.rig.cpus[0].skippedCycles()).isGreaterThan(500_000);
  }

  @Test
  void spinOnFlag_withEveryQuantumAlignment_isExact() {
    // Different quanta put the slice end (where the other CPU's store becomes visible) at every
    // position in the loop, including between the load and the closing branch.
    for (long quantum = 997; quantum < 1_050; quantum++) {
      long q = quantum;
      Consumer<FfRig> setup = r -> {
        r.load(FfRig.CODE, "f390 833c251000020000 74f4 488b042510000200 f4");
        r.load(0x14000, "b9a00f0000 ffc9 75fc c70425100002002a000000 f4");
        r.cpus[1].setRip(0x14000);
      };
      FfRig off = new FfRig(2, false, q);
      FfRig on = new FfRig(2, true, q);
      setup.accept(off);
      setup.accept(on);
      off.scheduler.runUntil(60_000);
      on.scheduler.runUntil(60_000);
      assertThat(on.snapshot()).as("quantum %d", q).isEqualTo(off.snapshot());
      assertThat(on.cpus[0].reg(0)).isEqualTo(42);
    }
  }

  @Test
  void countedLoop_isNeverSkipped_andStillRight() {
    Result on = bothWays(1, r -> {
      // mov $1000000, %rcx; 1: dec %rcx; jnz 1b; hlt
      r.load(FfRig.CODE, "48c7c140420f00 48ffc9 75fb f4");
    }, 4_000_000);
    Cpu cpu = on.rig.cpus[0];
    assertThat(on.skipped).isZero();
    assertThat(cpu.skippedInstructions()).isZero();
    assertThat(cpu.reg(1)).isZero();
    assertThat(cpu.isHalted()).isTrue();
    assertThat(cpu.instructionsRetired()).isEqualTo(1 + 2 * 1_000_000 + 1);
  }

  @Test
  void loopsWithSideEffects_areNotSkipped() {
    String[] loops = {
      // 1: movl $5, DATA+0x18; pause; jmp 1b  (a store)
      "c7042518000200 05000000 f390 ebf2",
      // 1: pause; cmpl $0, MMIO; je 1b  (an MMIO load, reads 0 forever)
      "f390 833c2500000040 00 74f4",
      // 1: pause; rdtsc; xor %eax,%eax; xor %edx,%edx; jmp 1b  (the TSC)
      "f390 0f31 31c0 31d2 ebf6",
      // 1: lock orl $0, DATA; jmp 1b  (a locked op)
      "f0830c250000020000 ebf6",
      // 1: push %rax; pop %rax; jmp 1b  (stack stores)
      "50 58 ebfc",
      // 1: in $0x80, %al; xor %eax, %eax; jmp 1b  (port I/O)
      "e480 31c0 ebfa",
      // 1: cmc; pause; jmp 1b  (same registers, but CF alternates)
      "f5 f390 ebfb",
    };
    for (String loop : loops) {
      Result on = bothWays(1, r -> r.load(FfRig.CODE, loop), 300_000);
      assertThat(on.skipped).as(loop).isZero();
    }
    Result mmio = run(true, 1, r -> r.load(FfRig.CODE, loops[1]), 300_000);
    Result mmioOff = run(false, 1, r -> r.load(FfRig.CODE, loops[1]), 300_000);
    assertThat(mmio.rig.hosts[0].mmioReads).isPositive().isEqualTo(mmioOff.rig.hosts[0].mmioReads);
  }

  @Test
  void loopThatSettlesAfterOneIteration_andLoadFromRam_isSkipped() {
    Result on = bothWays(1, r -> {
      // mov $7, %eax; 1: mov DATA, %ebx; xor %eax, %eax; test %ebx, %ebx; pause; je 1b
      r.load(FfRig.CODE, "b807000000 8b1c2500000200 31c0 85db f390 74f1");
      r.cpus[0].setRflags(0x202);
    }, 1_000_000);
    assertThat(on.skipped).isGreaterThan(900_000);
  }

  @Test
  void stiThenJmpSelf_withAnInterruptAlreadyPending_takesItAfterTheShadow() {
    Result on = bothWays(1, r -> {
      r.load(FfRig.CODE, "fb ebfe"); // sti; 1: jmp 1b
      r.load(FfRig.HANDLER, incqIret(0));
      r.setGate(0x21, FfRig.HANDLER);
      r.hosts[0].pendingVector = 0x21;
      r.periodicInterrupt(10_000, 60_000, 0x21);
    }, 500_000);
    // sti (1 cycle), then exactly one jmp (2 cycles) under the interrupt shadow, then the IRQ.
    assertThat(on.log.lines().findFirst())
        .hasValue("3 cpu0 irq 33 rip=10001 unhalted=3 retired=2");
    assertThat(on.rig.mem.read64(FfRig.DATA)).isEqualTo(1 + (500_000 - 1 - 10_000) / 60_000 + 1);
  }

  @Test
  void speed_jmpSelf_guestCyclesPerWallSecond() {
    long offCycles = 40_000_000L;
    long onCycles = 4_000_000_000L;
    double offRate = rate(false, offCycles);
    double onRate = rate(true, onCycles);
    System.out.printf("fast-forward speed on jmp . (quantum 20000): off %.3g cycles/s, on %.3g"
        + " cycles/s, x%.0f%n", offRate, onRate, onRate / offRate);
    assertThat(onRate).isPositive();
  }

  private static double rate(boolean ff, long cycles) {
    FfRig r = new FfRig(1, ff);
    r.load(FfRig.CODE, "ebfe");
    r.scheduler.runUntil(cycles / 100); // warm-up
    long t0 = System.nanoTime();
    r.scheduler.runUntil(cycles);
    long t1 = System.nanoTime();
    assertThat(r.cpus[0].cycles()).isEqualTo(cycles);
    return (cycles - cycles / 100) / ((t1 - t0) / 1e9);
  }
}
