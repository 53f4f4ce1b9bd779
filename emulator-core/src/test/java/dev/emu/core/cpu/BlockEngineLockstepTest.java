package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.core.bench.CpuBench;
import dev.emu.core.bench.LongModeRig;
import dev.emu.core.difftest.InstructionSequences;
import dev.emu.core.guestprog.GuestBuild;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block engine ({@link Cpu#setBlockEngine}) must be invisible: with it on and off the guest
 * sees the same registers, RIP, RFLAGS, memory and exceptions, and the machine the same cycles,
 * retired instructions and counter-limit boundaries, cycle for cycle. Every test runs the same
 * code on two identical machines, engine on and off, in {@link Lockstep}: both get the same
 * pseudo-random cycle budgets (mostly small, often a single instruction, so run() has to stop
 * inside what would be a block), and after every slice the whole guest-visible state is compared.
 *
 * <ul>
 *   <li>the gcc-built guest programs of GuestProgramsTest, from entry to the final HLT (the first
 *       2.5M cycles in slices of 1..300 cycles, the rest in larger ones), then all RAM;</li>
 *   <li>counter limits as a PMU uses them: re-armed from the callback, with requestStop or an NMI
 *       from the callback, and fixed limits on a hot loop: the callback must come at the same
 *       boundary on both sides, instruction limits exactly at the limit;</li>
 *   <li>self-modifying code inside a straight-line run (a store rewriting the immediate of a later
 *       instruction, or the very next instruction) and faults in the middle of one (#PF on a load
 *       and on a store, #GP, a #PF whose handler maps the page and restarts the run), each also
 *       checked against its architectural result;</li>
 *   <li>random instruction sequences from the differential test's generators
 *       ({@link InstructionSequences});</li>
 *   <li>rep movs/stos of every size against the bulk path of the engine side (copies and fills
 *       within a page at once): page-end offsets, overlapping runs, counts past a chunk, DF set,
 *       a not-present page in the run, a destination in the code page.</li>
 * </ul>
 *
 * <p>The engine side compiles every block on its first unchecked run ({@link BlockCompiler},
 * {@code jitAfter} 1), except where a test says otherwise: the guest programs run both with the
 * compiler and with the engine's own loop, the random sequences alternate.
 *
 * <p>Before the engine exists both sides take the same path and this passes trivially; it is the
 * gate for the engine.
 */
class BlockEngineLockstepTest {
  private static final long SEED = 0xb10c_5eedL;
  private static final int GUEST_RAM = 16 << 20;
  private static final long ARG = 3;
  /** Cycles of each guest program run in small slices; the rest runs in larger ones. */
  private static final long FINE_CYCLES = 2_500_000;
  private static final long MAX_CYCLES = 200_000_000;
  /** PMU-style NMI handler for the counter-limit tests: incq NMI_COUNT; iretq. */
  private static final long NMI_HANDLER = 0xf0_0000;
  private static final long NMI_COUNT = 0xf0_0100;

  private static int savedJitAfter;
  private static int compiledBefore;

  @BeforeAll
  static void compileEveryBlock() {
    savedJitAfter = BlockEngine.jitAfter;
    BlockEngine.jitAfter = 1;
    compiledBefore = BlockCompiler.compiled;
  }

  @AfterAll
  static void restoreAndCheckTheCompiler() {
    BlockEngine.jitAfter = savedJitAfter;
    assertThat(BlockCompiler.failures).as("blocks the compiler failed to turn into classes").isZero();
    assertThat(BlockCompiler.compiled - compiledBefore).as("blocks compiled").isPositive();
  }

  // ---- 1. Guest programs -----------------------------------------------------------------------

  private static Lockstep guestProgram(byte[] image, Consumer<Lockstep.Side> extra) {
    return Lockstep.longMode(GUEST_RAM, s -> {
      s.mem.load(CpuBench.DEFAULT_LOAD, image);
      long[] regs = new long[16];
      regs[7] = ARG;
      s.rig.start(s.cpu, CpuBench.DEFAULT_LOAD, LongModeRig.DEFAULT_STACK, regs, 0);
      extra.accept(s);
    });
  }

  static Stream<Arguments> programsAndCompiler() {
    return Stream.of("sort", "crc32", "sieve", "fmt", "recurse", "switch", "int128", "bits")
        .flatMap(name -> Stream.of(Arguments.of(name, true), Arguments.of(name, false)));
  }

  @ParameterizedTest
  @MethodSource("programsAndCompiler")
  void guestProgram_onAndOff_identicalAfterEverySlice(String name, boolean compiled) throws Exception {
    assumeTrue(GuestBuild.toolsPresent(), "gcc not installed");
    GuestBuild.Program p = GuestBuild.build(name);
    BlockEngine.jitAfter = compiled ? 1 : 0;
    Lockstep ls = guestProgram(p.imageBytes(), s -> {});
    ls.label = "guest program " + name + (compiled ? " (compiled blocks)" : " (engine loop)");
    Random rnd = new Random(SEED ^ name.hashCode());
    ls.runSlices(Lockstep.smallBudgets(rnd, 300), FINE_CYCLES);
    ls.checkRam();
    ls.runSlices(() -> 1 + rnd.nextInt(100_000), MAX_CYCLES);
    ls.checkRam();
    assertThat(ls.on.cpu.isHalted()).as("reached the final HLT").isTrue();
    assertThat(LongModeRig.faultVector(ls.on.cpu)).as("exception vector taken").isEqualTo(-1);
    assertThat(ls.on.host.result()).as("checksum on port 0x504").isEqualTo(p.hostChecksum(ARG));
    BlockEngine.jitAfter = 1;
  }

  // ---- 2. Counter limits -----------------------------------------------------------------------

  /** How the PMU-like host uses the counter limits. */
  enum LimitUse {
    /** Instruction limit only, re-armed 1..20 or 1..3000 instructions ahead at every hit. */
    INSTRUCTIONS,
    /** Unhalted-cycle limit only, likewise. */
    CYCLES,
    /** Both limits, and requestStop() from every other callback. */
    BOTH_WITH_STOP,
    /** Both limits, and an NMI (handler: incq; iretq) from every third callback. */
    BOTH_WITH_NMI
  }

  /**
   * A PMU-like user of {@link Cpu#setCounterLimits}: arms the limits, re-arms from the callback
   * and checks each callback against what it armed (violations are collected, not thrown, since
   * the callback runs inside Cpu.run).
   */
  private static final class Pmu {
    final LimitUse use;
    final Random rnd;
    final Cpu cpu;
    long armedInstructions = Long.MAX_VALUE;
    long armedUnhalted = Long.MAX_VALUE;
    int hits;
    final List<String> violations = new ArrayList<>();

    Pmu(LimitUse use, long seed, Cpu cpu) {
      this.use = use;
      this.rnd = new Random(seed);
      this.cpu = cpu;
    }

    private long distance() {
      return 1 + rnd.nextInt(rnd.nextBoolean() ? 20 : 3000);
    }

    void arm() {
      if (use != LimitUse.CYCLES) {
        armedInstructions = cpu.instructionsRetired() + distance();
      }
      if (use != LimitUse.INSTRUCTIONS) {
        armedUnhalted = cpu.unhaltedCycles() + distance();
      }
      cpu.setCounterLimits(armedUnhalted, armedInstructions);
    }

    void hit() {
      hits++;
      long retired = cpu.instructionsRetired();
      long unhalted = cpu.unhaltedCycles();
      boolean instructions = retired >= armedInstructions;
      boolean cycles = unhalted >= armedUnhalted;
      if (!instructions && !cycles) {
        violations.add("callback #" + hits + " with no limit reached: retired " + retired + " unhalted " + unhalted);
      }
      if (instructions && retired != armedInstructions && violations.size() < 10) {
        violations.add("instruction limit " + armedInstructions + " fired at retired " + retired);
      }
      if (instructions) {
        armedInstructions = retired + distance();
      }
      if (cycles) {
        armedUnhalted = unhalted + distance();
      }
      cpu.setCounterLimits(armedUnhalted, armedInstructions);
      if (use == LimitUse.BOTH_WITH_STOP && rnd.nextBoolean()) {
        cpu.requestStop();
      }
      if (use == LimitUse.BOTH_WITH_NMI && rnd.nextInt(3) == 0) {
        cpu.signalNmi();
      }
    }

    /** At the end: no armed limit may have been passed without its callback. */
    void checkNothingMissed() {
      if (cpu.instructionsRetired() >= armedInstructions) {
        violations.add("instruction limit " + armedInstructions + " passed without a callback");
      }
      if (cpu.unhaltedCycles() >= armedUnhalted) {
        violations.add("unhalted-cycle limit " + armedUnhalted + " passed without a callback");
      }
    }
  }

  static Stream<Arguments> limitCases() {
    List<Arguments> a = new ArrayList<>();
    String[] programs = {"sort", "switch", "fmt", "bits"};
    for (LimitUse use : LimitUse.values()) {
      for (int i = 0; i < 2; i++) {
        a.add(Arguments.of(programs[(use.ordinal() * 2 + i) % programs.length], use));
      }
    }
    return a.stream();
  }

  @ParameterizedTest
  @MethodSource("limitCases")
  void counterLimits_rearmedFromTheCallback_fireAtTheSameBoundary(String name, LimitUse use) throws Exception {
    assumeTrue(GuestBuild.toolsPresent(), "gcc not installed");
    GuestBuild.Program p = GuestBuild.build(name);
    long seed = SEED ^ name.hashCode() ^ use.ordinal();
    Pmu[] pmus = new Pmu[2];
    int[] side = {0};
    Lockstep ls = guestProgram(p.imageBytes(), s -> {
      Pmu pmu = new Pmu(use, seed, s.cpu);
      pmus[side[0]++] = pmu;
      s.host.onLimit = h -> pmu.hit();
      installNmiHandler(s);
      pmu.arm();
    });
    ls.label = "guest program " + name + " with counter limits " + use;
    Random rnd = new Random(seed);
    ls.runSlices(Lockstep.smallBudgets(rnd, 300), 1_000_000);
    ls.runSlices(() -> 1 + rnd.nextInt(50_000), MAX_CYCLES);
    ls.checkRam();
    for (Pmu pmu : pmus) {
      pmu.checkNothingMissed();
      assertThat(pmu.violations).as("counter-limit callbacks (%s)", pmu.cpu.blockEngine() ? "on" : "off").isEmpty();
    }
    assertThat(ls.on.host.limitHits).as("callbacks").hasSizeGreaterThan(100);
    assertThat(ls.on.cpu.isHalted()).isTrue();
    assertThat(LongModeRig.faultVector(ls.on.cpu)).isEqualTo(-1);
    assertThat(ls.on.host.result()).as("checksum (NMIs and stops must not change it)").isEqualTo(p.hostChecksum(ARG));
    if (use == LimitUse.BOTH_WITH_NMI) {
      assertThat(ls.on.mem.read64(NMI_COUNT)).as("NMIs taken").isPositive();
    }
  }

  /** Points the rig's NMI gate at "incq NMI_COUNT; iretq" (the rig's gates use IST1). */
  private static void installNmiHandler(Lockstep.Side s) {
    s.mem.load(NMI_HANDLER, CpuRig.hex("48ff0425" + le32(NMI_COUNT) + "48cf"));
    long gate = LongModeRig.IDT + 16 * 2;
    s.mem.write16(gate, (int) NMI_HANDLER & 0xffff);
    s.mem.write16(gate + 6, (int) (NMI_HANDLER >>> 16) & 0xffff);
    s.mem.write32(gate + 8, (int) (NMI_HANDLER >>> 32));
  }

  private static String le32(long v) {
    return String.format("%02x%02x%02x%02x", v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  /**
   * A hot straight-line loop: mov $0x300000,%edi; xor %eax,%eax; 1: mov (%rdi),%rdx; add $1,%rdx;
   * mov %rdx,(%rdi); lea 3(%rax,%rdx,2),%rax; imul $7,%rax,%rcx; shl $3,%rcx; xor %rcx,%rbx;
   * movzbl %bl,%esi; add %rsi,%r8; jmp 1b (ten instructions, the costliest imul).
   */
  private static final String HOT_LOOP = "bf0000300031c0" + "488b174883c201488917488d445003486bc807"
      + "48c1e1034831cb0fb6f34901f0ebde";

  static Stream<Arguments> fixedLimits() {
    long max = Long.MAX_VALUE;
    List<Arguments> a = new ArrayList<>();
    for (boolean stop : new boolean[] {false, true}) {
      for (long i : new long[] {1, 2, 3, 9, 10, 11, 12, 777, 10_001}) {
        a.add(Arguments.of(max, i, stop));
      }
      for (long c : new long[] {1, 2, 13, 14, 15, 1000, 54_321}) {
        a.add(Arguments.of(c, max, stop));
      }
      a.add(Arguments.of(4_000L, 3_001L, stop));
    }
    return a.stream();
  }

  @ParameterizedTest
  @MethodSource("fixedLimits")
  void fixedCounterLimit_onHotLoop_firesAndStopsAtTheSameInstruction(long unhaltedLimit, long instructionLimit,
      boolean stop) {
    for (int mode = 0; mode < 2; mode++) {
      Lockstep ls = Lockstep.longMode(4 << 20, s -> {
        s.mem.load(0x100000, CpuRig.hex(HOT_LOOP));
        s.rig.start(s.cpu, 0x100000, LongModeRig.DEFAULT_STACK, null, 0);
        s.host.onLimit = h -> {
          if (stop) {
            h.cpu.requestStop();
          }
        };
        s.cpu.setCounterLimits(unhaltedLimit, instructionLimit);
      });
      ls.label = "hot loop, limits unhalted=" + unhaltedLimit + " instructions=" + instructionLimit
          + (stop ? ", stop" : "") + (mode == 0 ? ", one big slice" : ", small slices");
      if (mode == 0) {
        ls.slice(200_000);
      } else {
        ls.runSlices(Lockstep.smallBudgets(new Random(instructionLimit ^ unhaltedLimit), 40), 200_000);
      }
      List<long[]> hits = ls.on.host.limitHits;
      int armed = (instructionLimit != Long.MAX_VALUE ? 1 : 0) + (unhaltedLimit != Long.MAX_VALUE ? 1 : 0);
      assertThat(hits).as(ls.label + ": callbacks").hasSize(stop && mode == 0 ? 1 : armed);
      for (long[] hit : hits) {
        if (hit[2] >= instructionLimit) {
          assertThat(hit[2]).as("retired at the instruction limit").isEqualTo(instructionLimit);
        } else {
          assertThat(hit[1]).as("unhalted cycles at the cycle limit (imul costs the most)")
              .isBetween(unhaltedLimit, unhaltedLimit + CycleTable.BASE + CycleTable.MUL - 1);
        }
      }
      if (stop && mode == 0) {
        assertThat(ls.on.cpu.cycles()).as("run() returned at the callback's boundary").isEqualTo(hits.get(0)[0]);
      }
    }
  }

  // ---- 3. Self-modifying code and faults in a straight-line run --------------------------------

  /**
   * Runs {@code make}'s lockstep to HLT several ways: in one slice, single-stepped (budget 1),
   * and in random small slices with several seeds; checks RAM, then {@code expect} on both sides.
   */
  private static void allWays(String what, Supplier<Lockstep> make, Consumer<CpuRig> expect) {
    for (int way = 0; way < 10; way++) {
      Lockstep ls = make.get();
      LongSupplier budgets = way == 0 ? () -> 1_000_000 : way == 1 ? () -> 1
          : Lockstep.smallBudgets(new Random(SEED + way), 4 << (way % 4));
      ls.label = what + (way == 0 ? ", one slice" : way == 1 ? ", single-stepped" : ", slice seed " + way);
      ls.runSlices(budgets, 1_000_000);
      ls.checkRam();
      assertThat(ls.on.cpu.isHalted()).as(ls.label + ": halted").isTrue();
      ls.both(s -> expect.accept(s.cpuRig));
    }
  }

  private static Lockstep snippet(String hex, Consumer<CpuRig> setup) {
    return Lockstep.rigs(r -> {
      setup.accept(r);
      r.load(CpuRig.CODE, hex);
      r.cpu.setRip(CpuRig.CODE);
    });
  }

  private static int len(String hex) {
    return hex.length() / 2;
  }

  // xor %eax,%eax; mov $40,%ecx; mov $0x20000,%edi
  // 1: mov %rax,(%rdi); add $3,%rdx; mov %cl,P+1(%rip); lea 1(%rdx),%rsi; add %rsi,%r8
  // P: mov $0,%ebx; add %ebx,%eax; dec %ecx; jnz 1b; hlt
  private static final String SMC_IMM_STORE = "31c0b928000000bf00000200" + "4889074883c203880d08000000"
      + "488d72014901f0" + "bb00000000" + "01d8ffc975e1f4";
  // the same with "addb $1,P+1(%rip)" (a read-modify-write of the immediate) instead of the mov
  private static final String SMC_IMM_RMW = "31c0b928000000bf00000200" + "4889074883c20380050800000001"
      + "488d72014901f0" + "bb00000000" + "01d8ffc975e0f4";

  @Test
  void storeRewritingTheImmediateOfALaterInstructionInTheRun_isSeen() {
    // iteration c (40..1) stores c into P's immediate before P runs: eax = 1 + ... + 40 = 820
    allWays("smc: mov to a later immediate", () -> snippet(SMC_IMM_STORE, r -> {}), r -> {
      assertThat(r.reg(0)).isEqualTo(820);
      assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + len(SMC_IMM_STORE));
      assertThat(r.cpu.instructionsRetired()).isEqualTo(3 + 40 * 9 + 1);
    });
    // iteration k (1..40) increments P's immediate to k: the same sum
    allWays("smc: rmw of a later immediate", () -> snippet(SMC_IMM_RMW, r -> {}), r -> {
      assertThat(r.reg(0)).isEqualTo(820);
      assertThat(r.mem.read8(CpuRig.CODE + 0x22)).isEqualTo(40);
      assertThat(r.cpu.instructionsRetired()).isEqualTo(3 + 40 * 9 + 1);
    });
  }

  // xor %eax,%eax; mov $1,%ebx; mov $5,%ecx; 1: xorb $0x28,0f(%rip); 0: add %ebx,%eax; dec %ecx;
  // jnz 1b; hlt  -- the xorb toggles the next instruction between add (01 d8) and sub (29 d8)
  private static final String SMC_NEXT_TOGGLE = "31c0bb01000000b905000000" + "80350000000028" + "01d8ffc975f3f4";
  // movabs $0x90c3ff4807c08348,%rax; xor %ebx,%ebx; mov %rax,0f(%rip);
  // 0: mov $1,%eax; nop; nop; nop; hlt  -- the store turns "mov $1,%eax; nop x3" (4 instructions)
  // into "add $7,%rax; inc %rbx; nop" (3 instructions, other boundaries)
  private static final String SMC_NEXT_RESYNC = "48b84883c00748ffc390" + "31db" + "48890500000000"
      + "b801000000909090f4";

  @Test
  void storeRewritingTheVeryNextInstruction_isSeen() {
    // sub, add, sub, add, sub: eax = -1 (a stale decode adds five times: 5)
    allWays("smc: toggle the next opcode", () -> snippet(SMC_NEXT_TOGGLE, r -> {}), r -> {
      assertThat(r.reg(0)).isEqualTo(0xffff_ffffL);
      assertThat(r.mem.read8(CpuRig.CODE + 0x13)).isEqualTo(0x29);
      assertThat(r.cpu.instructionsRetired()).isEqualTo(3 + 5 * 4 + 1);
    });
    allWays("smc: rewrite the next 8 bytes", () -> snippet(SMC_NEXT_RESYNC, r -> {}), r -> {
      assertThat(r.reg(0)).isEqualTo(0x90c3_ff48_07c0_834fL);
      assertThat(r.reg(3)).isEqualTo(1);
      assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + len(SMC_NEXT_RESYNC));
      assertThat(r.cpu.instructionsRetired()).isEqualTo(7);
    });
  }

  /** Frame of an exception with error code pushed on the (non-IST) stack: [err, rip, cs, ...]. */
  private static void assertFault(CpuRig r, int vector, long err, long rip) {
    assertThat(r.haltedInVector()).as("vector").isEqualTo(vector);
    assertThat(r.stack(0)).as("error code").isEqualTo(err);
    assertThat(r.stack(1)).as("rip in the frame").isEqualTo(rip);
    assertThat(r.stack(4)).as("rsp in the frame").isEqualTo(CpuRig.STACK);
  }

  // mov $0x20000,%edi; mov $0x40000,%esi; mov $5,%eax; add %eax,%ebx; mov %rax,(%rdi); add $1,%rax;
  // F: mov (%rsi),%rcx; add $1,%rax; mov %rax,8(%rdi); hlt
  private static final String PF_LOAD = "bf00000200be00000400b80500000001c34889074883c001"
      + "488b0e4883c00148894708f4";
  // mov $0x20000,%edi; mov $0x41000,%esi; mov $7,%eax; mov %rax,(%rdi); add $1,%rax;
  // F: mov %rax,(%rsi); add $1,%rax; mov %rax,8(%rdi); hlt
  private static final String PF_STORE = "bf00000200be00100400b8070000004889074883c001" + "4889064883c00148894708f4";
  // movabs $0x8000000000000000,%rsi; mov $0x20000,%edi; mov $9,%eax; mov %rax,(%rdi); add %rax,%rax;
  // F: mov (%rsi),%rcx; add $1,%rax; hlt
  private static final String GP_LOAD = "48be0000000000000080bf00000200b8090000004889074801c0" + "488b0e4883c001f4";

  @Test
  void faultInTheMiddleOfAStraightLineRun_sameStateAndException() {
    allWays("#PF on a load mid-run", () -> snippet(PF_LOAD, r -> {
      r.use4kPages();
      r.setPte(0x40000, 0x40000, 0x2); // not present
    }), r -> {
      assertFault(r, 14, 0, CpuRig.CODE + 0x18);
      assertThat(r.cpu.cr2()).isEqualTo(0x40000);
      assertThat(r.reg(0)).as("rax: the add before the load, not the one after").isEqualTo(6);
      assertThat(r.reg(3)).isEqualTo(5);
      assertThat(r.mem.read64(0x20000)).isEqualTo(5);
      assertThat(r.mem.read64(0x20008)).as("store after the fault").isZero();
      assertThat(r.cpu.instructionsRetired()).as("6 before the fault + the handler's hlt").isEqualTo(7);
    });
    allWays("#PF on a store mid-run", () -> snippet(PF_STORE, r -> {
      r.use4kPages();
      r.setPte(0x41000, 0x41000, 0x1); // present, read-only (CR0.WP)
    }), r -> {
      assertFault(r, 14, 0x3, CpuRig.CODE + 0x16);
      assertThat(r.cpu.cr2()).isEqualTo(0x41000);
      assertThat(r.reg(0)).isEqualTo(8);
      assertThat(r.mem.read64(0x20000)).isEqualTo(7);
      assertThat(r.mem.read64(0x41000)).isZero();
      assertThat(r.mem.read64(0x20008)).isZero();
      assertThat(r.cpu.instructionsRetired()).isEqualTo(6);
    });
    allWays("#GP (non-canonical load) mid-run", () -> snippet(GP_LOAD, r -> {}), r -> {
      assertFault(r, 13, 0, CpuRig.CODE + 0x1a);
      assertThat(r.cpu.cr2()).isZero();
      assertThat(r.reg(0)).isEqualTo(18);
      assertThat(r.mem.read64(0x20000)).isEqualTo(9);
      assertThat(r.cpu.instructionsRetired()).isEqualTo(6);
    });
  }

  // mov $0x20000,%edi; mov $0x30000,%esi; xor %eax,%eax
  // 1: mov (%rsi),%rcx; add %rcx,%rax; mov %rax,(%rdi); add $8,%rdi; add $0x1000,%rsi;
  //    lea 1(%rax),%rdx; cmp $0x50000,%rsi; jne 1b; hlt
  private static final String PAGE_WALK = "bf00000200be0000030031c0"
      + "488b0e4801c84889074883c7084881c600100000488d50014881fe0000050075dff4";
  // add $8,%rsp; orq $1,0x81c0 (PTE of 0x38000); invlpg 0x38000; iretq
  private static final String MAP_AND_RETURN = "4883c40848830c25c0810000010f013c250080030048cf";

  private static void pageWalkSetup(CpuRig r) {
    r.use4kPages();
    for (int i = 0; i < 32; i++) {
      r.mem.write64(0x30000 + 0x1000L * i, i + 1);
    }
    r.setPte(0x38000, 0x38000, 0x2); // the 9th page is not present
  }

  @Test
  void faultInAHotLoop_andRestartInTheMiddleOfTheRun_sameStateAndException() {
    allWays("#PF in the 9th iteration of a hot loop", () -> snippet(PAGE_WALK, BlockEngineLockstepTest::pageWalkSetup),
        r -> {
          assertFault(r, 14, 0, CpuRig.CODE + 0xc);
          assertThat(r.cpu.cr2()).isEqualTo(0x38000);
          assertThat(r.reg(0)).isEqualTo(36);
          assertThat(r.reg(7)).isEqualTo(0x20000 + 8 * 8);
          assertThat(r.mem.read64(0x20000 + 8 * 7)).isEqualTo(36);
          assertThat(r.mem.read64(0x20000 + 8 * 8)).isZero();
          assertThat(r.cpu.instructionsRetired()).isEqualTo(3 + 8 * 8 + 1);
        });
    allWays("#PF in a hot loop, handler maps the page and returns", () -> snippet(PAGE_WALK, r -> {
      pageWalkSetup(r);
      r.load(0x12000, MAP_AND_RETURN);
      r.setGate(14, 0x12000, 0, 0xe);
    }), r -> {
      assertThat(r.haltedInVector()).isEqualTo(-1);
      assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + len(PAGE_WALK));
      assertThat(r.cpu.cr2()).isEqualTo(0x38000);
      assertThat(r.reg(0)).isEqualTo(32 * 33 / 2);
      assertThat(r.reg(7)).isEqualTo(0x20000 + 8 * 32);
      assertThat(r.cpu.instructionsRetired()).as("32 iterations, the handler once, the restarted load")
          .isEqualTo(3 + 32 * 8 + 4 + 1);
    });
  }

  // mov $0x20000,%edi; mov $5000,%ecx; 1: mov %rax,(%rdi); add $8,%rdi; dec %ecx; jnz 1b; hlt
  private static final String STORE_LOOP = "bf00000200b988130000" + "488907" + "4883c708" + "ffc9" + "75f5" + "f4";

  @Test
  void faultInACompiledSelfLoop_afterThousandsOfIterations_sameStateAndException() {
    // The loop block (a self-loop) is compiled and runs its iterations itself; the store faults
    // on the not-present page 0x25000 in iteration 2560, inside the compiled code, with and
    // without the spin detector (which bounds the iterations the compiled code may run alone).
    for (boolean ff : new boolean[] {true, false}) {
      allWays("#PF in iteration 2560 of a compiled loop, fast-forward " + ff, () -> snippet(STORE_LOOP, r -> {
        r.use4kPages();
        r.setPte(0x25000, 0x25000, 0);
        r.cpu.setFastForward(ff);
      }), r -> {
        assertFault(r, 14, 2, CpuRig.CODE + 10);
        assertThat(r.cpu.cr2()).isEqualTo(0x25000);
        assertThat(r.reg(1)).isEqualTo(5000 - 2560);
        assertThat(r.reg(7)).isEqualTo(0x25000);
        assertThat(r.cpu.instructionsRetired()).as("the loop, then the handler's hlt").isEqualTo(2 + 2560 * 4 + 1);
      });
    }
  }

  // ---- 4. Random instruction sequences ---------------------------------------------------------

  private static final int SEQUENCES = 3000;

  @Test
  void randomInstructionSequences_onAndOff_identicalAfterEverySlice() {
    InstructionSequences gen = new InstructionSequences(SEED, 2);
    Lockstep ls = Lockstep.longMode(InstructionSequences.RAM, s -> InstructionSequences.prepare(s.rig));
    Random rnd = new Random(SEED);
    LongSupplier budgets = () -> {
      int k = rnd.nextInt(16);
      return k < 4 ? 1 : k < 15 ? 1 + rnd.nextInt(48) : 1 + rnd.nextInt(2000);
    };
    int completed = 0;
    int faulted = 0;
    long instructions = 0;
    for (int i = 0; i < SEQUENCES; i++) {
      InstructionSequences.Sequence seq = gen.next(i);
      BlockEngine.jitAfter = i % 2 == 0 ? 1 : 0; // compiled blocks, or the engine's loop
      ls.both(s -> InstructionSequences.start(seq, s.mem, s.rig, s.cpu));
      ls.label = "random sequence " + i + " (seed " + Long.toHexString(SEED) + "; RAM and cycles carry over from"
          + " the previous sequences) at " + Long.toHexString(InstructionSequences.CODE) + ":\n" + seq.description();
      long retired0 = ls.on.cpu.instructionsRetired();
      // every fourth sequence in one slice: whole blocks uninterrupted, compared at the end
      ls.runSlices(i % 4 == 3 ? () -> 100_000 : budgets, ls.on.cpu.cycles() + 100_000);
      ls.checkRam();
      instructions += ls.on.cpu.instructionsRetired() - retired0;
      if (ls.on.cpu.isHalted()) {
        if (LongModeRig.faultVector(ls.on.cpu) >= 0) {
          faulted++;
        } else if (ls.on.cpu.rip() == InstructionSequences.CODE + seq.code().length) {
          completed++;
        }
      }
    }
    System.out.printf("lockstep: %d random sequences (%d body / %d faulting cases), %d ran to the end,"
        + " %d ended in an exception, %d instructions, %d slices%n", SEQUENCES, gen.bodyCases(), gen.terminalCases(),
        completed, faulted, instructions, ls.slices);
    assertThat(completed).as("sequences that ran to their final HLT").isGreaterThan(SEQUENCES / 2);
    assertThat(faulted).as("sequences ending in an exception").isGreaterThan(SEQUENCES / 10);
    BlockEngine.jitAfter = 1;
  }

  // ---- 5. rep movs / rep stos against the bulk path ---------------------------------------------

  private static final int STRING_CASES = 400;

  @Test
  void repMovsAndStos_bulkAndElementByElement_identical() {
    Random rnd = new Random(SEED ^ 0x57);
    int faulted = 0;
    for (int i = 0; i < STRING_CASES; i++) {
      boolean movs = rnd.nextBoolean();
      int sz = 1 << rnd.nextInt(4);
      long src = pageEndish(rnd, 0x20000);
      long dst = rnd.nextInt(4) == 0 ? src + rnd.nextInt(33) - 16 : pageEndish(rnd, 0x30000);
      boolean smc = rnd.nextInt(20) == 0;
      if (smc) {
        dst = CpuRig.CODE + 0x40 + rnd.nextInt(64); // the code page, after the instruction
      }
      long count = rnd.nextInt(8) == 0 ? 4096 + rnd.nextInt(6000) : rnd.nextInt(600);
      boolean down = rnd.nextInt(10) == 0;
      if (down) {
        count = Math.min(count, 0x4000 / sz); // stay above the code page and the page tables
      }
      long hole = rnd.nextInt(8) == 0 ? ((movs && rnd.nextBoolean() ? src : dst) + sz * count / 2) & ~0xfffL : -1;
      long value = rnd.nextLong();
      StringBuilder code = new StringBuilder();
      code.append("48be").append(le64(src)).append("48bf").append(le64(dst)).append("48b9").append(le64(count))
          .append("48b8").append(le64(value)).append(down ? "fd" : "fc");
      code.append(sz == 2 ? "66" : "").append("f3").append(sz == 8 ? "48" : "");
      code.append(movs ? (sz == 1 ? "a4" : "a5") : (sz == 1 ? "aa" : "ab"));
      code.append("f4");
      String hex = code.toString();
      long holePage = hole;
      Lockstep ls = Lockstep.rigs(r -> {
        r.use4kPages();
        for (long a = 0x1f000; a < 0x42000; a += 8) {
          r.mem.write64(a, a * 0x9e37_79b9_7f4a_7c15L);
        }
        if (holePage >= 0 && holePage < 0x200000 && holePage != CpuRig.CODE) {
          r.setPte(holePage, holePage, 0); // not present: #PF in the middle of the run
        }
        r.load(CpuRig.CODE, hex);
        r.cpu.setRip(CpuRig.CODE);
      });
      ls.label = String.format("string case %d: rep %s%d src %#x dst %#x count %d%s%s%s", i, movs ? "movs" : "stos",
          sz * 8, src, dst, count, down ? " DF=1" : "", hole >= 0 ? " hole " + Long.toHexString(hole) : "",
          smc ? " (code page)" : "");
      ls.runSlices(i % 3 == 0 ? () -> 1_000_000 : Lockstep.smallBudgets(rnd, 3000), 1_000_000);
      ls.checkRam();
      assertThat(ls.on.cpu.isHalted()).as(ls.label + ": halted").isTrue();
      if (ls.on.cpuRig.haltedInVector() == 14) {
        faulted++;
      }
    }
    assertThat(faulted).as("cases ending in a #PF in the middle of the run").isGreaterThan(STRING_CASES / 40);
  }

  /** An address in the 64 KiB from base, often within 16 bytes of a page end. */
  private static long pageEndish(Random rnd, long base) {
    long page = base + 0x1000L * rnd.nextInt(16);
    return rnd.nextBoolean() ? page + 0x1000 - 1 - rnd.nextInt(16) : page + rnd.nextInt(0x1000);
  }

  private static String le64(long v) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 8; k++) {
      sb.append(String.format("%02x", (v >>> (8 * k)) & 0xff));
    }
    return sb.toString();
  }
}
