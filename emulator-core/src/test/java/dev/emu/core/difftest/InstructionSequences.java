package dev.emu.core.difftest;

import dev.emu.core.bench.LongModeRig;
import dev.emu.core.cpu.Cpu;
import dev.emu.core.mem.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random straight-line instruction sequences for lockstep tests (the block-engine on/off test
 * in dev.emu.core.cpu), built from the differential test's case generators ({@link DiffCases}:
 * ALU reg/mem forms in all operand sizes with and without REX, AH..BH, RIP-relative and
 * GS-relative operands, mov, lea, push/pop, movzx/movsx, shifts, imul, cmov/setcc, jcc, inc/dec,
 * instruction chains that pass flags along, string instructions, self-modifying stores, faults).
 *
 * <p>A sequence strings several cases together at {@link #CODE}. Before each case, glue code
 * loads the 16 registers the case was generated with (RSP first), in random order and random
 * encodings that are themselves frequent 64-bit instructions: movabs, mov r32/r64 imm32, xor
 * r32,r32, and 64-bit loads from a constant pool at {@link #POOL} RIP-relative, absolute,
 * FS-relative and GS-relative (FS and GS bases are nonzero and different, so a mixed-up segment
 * base changes the loaded value), or push m64 / pop r64; then stores the case's memory patches
 * (mov m, imm through DS, FS or GS), and sometimes loads its flags (push imm32; popfq). Cases
 * that reference their own address (call/ret/jmp to the next instruction) are relocated; cases
 * that jump to fixed code outside the sequence are left out. Cases that end in an exception when
 * run alone (#PF, #GP, #UD, #DE...) only come last in a sequence, so a fault ends a straight run
 * of ordinary instructions; half of the GS-relative cases run FS-relative instead. The sequence
 * ends with HLT; the rig's exception handlers halt too.
 */
public final class InstructionSequences {
  /** Where the sequence's code starts (the difftest's TEST_ADDR). */
  public static final long CODE = DiffEnv.TEST_ADDR;
  public static final long SCRATCH = DiffEnv.SCRATCH_BASE;
  /** A 4 KiB page that {@link #prepare} unmaps (accesses to it take #PF). */
  public static final long UNMAPPED_PAGE = DiffEnv.UNMAPPED_PAGE;
  public static final long GS_BASE = DiffEnv.GS_BASE;
  public static final long FS_BASE = DiffEnv.SCRATCH_BASE + 0x200;
  /** Constant pool of the glue's register loads. */
  public static final long POOL = 0x180000;
  /** RAM the machine needs. */
  public static final int RAM = 4 << 20;

  /** One generated sequence: code (ending in HLT) at {@link #CODE} and the initial state. */
  public record Sequence(int index, byte[] code, long[] regs, long rflags, byte[] scratch, byte[] pool,
      String description) {}

  private final List<DiffCase> body = new ArrayList<>();
  private final List<DiffCase> terminal = new ArrayList<>();
  private final Random rnd;

  /**
   * Generates the case pool ({@code perVariant} cases per template variant, 64-bit mode only)
   * from {@code seed}, and classifies each case by running it alone on the interpreter (block
   * engine off): completed or ended in an exception.
   */
  public InstructionSequences(long seed, int perVariant) {
    rnd = new Random(seed);
    EmuExecutor emu = new EmuExecutor();
    emu.cpu.setBlockEngine(false);
    DiffCases.Features features = CpuDiffTest.emulatedFeatures(emu);
    for (DiffCase c : DiffCases.generate(seed, perVariant, features, false)) {
      if (c.mode32 || c.name.startsWith("fetch across page")) {
        continue; // jumps to fixed code in the scratch page and back to TEST_ADDR
      }
      DiffResult r = emu.run(c);
      (r.fault ? terminal : body).add(c);
    }
  }

  public int bodyCases() {
    return body.size();
  }

  public int terminalCases() {
    return terminal.size();
  }

  /** Unmaps {@link #UNMAPPED_PAGE} in the rig (once per machine). */
  public static void prepare(LongModeRig rig) {
    rig.unmapPage(UNMAPPED_PAGE);
  }

  /**
   * Restores the rig's system area, loads the sequence, its scratch region and constant pool,
   * and starts the CPU at {@link #CODE} in 64-bit mode with the FS and GS bases set.
   */
  public static void start(Sequence s, PhysicalMemory mem, LongModeRig rig, Cpu cpu) {
    rig.restoreSystemArea();
    mem.load(CODE, s.code());
    mem.load(SCRATCH, s.scratch());
    mem.load(POOL, s.pool());
    rig.start(cpu, CODE, s.regs()[DiffEnv.RSP], s.regs(), s.rflags());
    if (!cpu.writeMsr(0xc000_0100, FS_BASE) || !cpu.writeMsr(0xc000_0101, GS_BASE)) {
      throw new IllegalStateException("IA32_FS_BASE / IA32_GS_BASE not writable");
    }
  }

  /** The next sequence: 1-6 completing cases, then an exception-ending one a third of the time. */
  public Sequence next(int index) {
    List<DiffCase> cases = new ArrayList<>();
    int n = 1 + rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      cases.add(body.get(rnd.nextInt(body.size())));
    }
    if (!terminal.isEmpty() && rnd.nextInt(3) == 0) {
      cases.add(terminal.get(rnd.nextInt(terminal.size())));
    }
    Glue g = new Glue();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    StringBuilder desc = new StringBuilder();
    long[] firstRegs = null;
    for (DiffCase c : cases) {
      long at = CODE + o.size();
      byte[] code = (c.emuCode != null ? c.emuCode : c.code).clone();
      if (c.name.equals("gs-relative") && code[0] == 0x65 && rnd.nextBoolean()) {
        code[0] = 0x64; // FS-relative instead (FS base != GS base: a different, still mapped, address)
      }
      long seed = rnd.nextLong();
      int poolMark = g.pool.size();
      long[] regs = c.regs.clone();
      List<long[]> patches = new ArrayList<>();
      for (long[] p : c.patches) {
        patches.add(p.clone());
      }
      byte[] glue = g.build(at, seed, regs, patches, c.rflags);
      if (references(c, code.length)) {
        // call/ret/jmp to the case's next instruction: values relative to where the case lands.
        // The relocated values stay small and nonzero, so the glue length converges at once.
        for (int pass = 0; pass < 4; pass++) {
          long delta = at + glue.length - DiffEnv.TEST_ADDR;
          for (int r = 0; r < 16; r++) {
            regs[r] = relocate(c.regs[r], code.length, delta);
          }
          for (int i = 0; i < patches.size(); i++) {
            patches.get(i)[1] = relocate(c.patches.get(i)[1], code.length, delta);
          }
          g.truncatePool(poolMark);
          byte[] again = g.build(at, seed, regs, patches, c.rflags);
          boolean same = again.length == glue.length;
          glue = again;
          if (same) {
            break;
          }
        }
      }
      long caseAddr = at + glue.length;
      o.write(glue, 0, glue.length);
      o.write(code, 0, code.length);
      if (firstRegs == null) {
        firstRegs = regs;
      }
      desc.append(String.format("  %#x %s%s: %s%n", caseAddr, c.name, c.detail.isEmpty() ? "" : " (" + c.detail + ")",
          DiffEnv.hex(code)));
    }
    o.write(0xf4);
    DiffCase first = cases.get(0);
    return new Sequence(index, o.toByteArray(), firstRegs, first.rflags, first.initialScratch(), g.pool(),
        desc.toString());
  }

  private static boolean references(DiffCase c, int len) {
    for (long r : c.regs) {
      if (isOwnAddress(r, len)) {
        return true;
      }
    }
    for (long[] p : c.patches) {
      if (isOwnAddress(p[1], len)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isOwnAddress(long v, int len) {
    return v >= DiffEnv.TEST_ADDR && v <= DiffEnv.TEST_ADDR + len + 16;
  }

  private static long relocate(long v, int len, long delta) {
    return isOwnAddress(v, len) ? v + delta : v;
  }

  /** Emits the glue before each case and owns the constant pool its loads read. */
  private static final class Glue {
    final List<Long> pool = new ArrayList<>();

    void truncatePool(int size) {
      while (pool.size() > size) {
        pool.remove(pool.size() - 1);
      }
    }

    byte[] pool() {
      byte[] b = new byte[Math.max(8, pool.size() * 8)];
      for (int i = 0; i < pool.size(); i++) {
        long v = pool.get(i);
        for (int k = 0; k < 8; k++) {
          b[8 * i + k] = (byte) (v >>> (8 * k));
        }
      }
      return b;
    }

    /**
     * Glue for one case placed at {@code base}: register loads (RSP first, then the others in
     * random order), patches, maybe flags. Choices come from {@code seed}, so a rebuild with
     * relocated values has the same shape.
     */
    byte[] build(long base, long seed, long[] regs, List<long[]> patches, long rflags) {
      Random r = new Random(seed);
      ByteArrayOutputStream g = new ByteArrayOutputStream();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        if (i != DiffEnv.RSP) {
          order.add(i);
        }
      }
      Collections.shuffle(order, r);
      order.add(0, DiffEnv.RSP);
      long rsp = regs[DiffEnv.RSP];
      boolean stackOk = rsp >= SCRATCH + 64 && rsp < SCRATCH + DiffEnv.SCRATCH_SIZE - 64 && (rsp & 7) == 0;
      for (int reg : order) {
        loadReg(g, base, r, reg, regs[reg], reg != DiffEnv.RSP && stackOk);
      }
      for (long[] p : patches) {
        store(g, r, SCRATCH + p[0], p[1], (int) p[2]);
      }
      if (r.nextInt(3) == 0 && stackOk) {
        g.write(0x68); // push imm32; popfq
        imm(g, (rflags & DiffEnv.SETTABLE) | 2, 4);
        g.write(0x9d);
      }
      return g.toByteArray();
    }

    private long poolSlot(long v) {
      pool.add(v);
      return POOL + 8L * (pool.size() - 1);
    }

    private void loadReg(ByteArrayOutputStream g, long base, Random r, int reg, long v, boolean stackOk) {
      int rexB = reg >= 8 ? 1 : 0;
      int rexR = reg >= 8 ? 4 : 0;
      switch (r.nextInt(9)) {
        case 0 -> { // mov r32, imm32 (zero-extends) or mov r64, simm32
          if (v >>> 32 == 0) {
            if (rexB != 0) {
              g.write(0x41);
            }
            g.write(0xb8 + (reg & 7));
            imm(g, v, 4);
          } else if (v == (int) v) {
            g.write(0x48 | rexB);
            g.write(0xc7);
            g.write(0xc0 | (reg & 7));
            imm(g, v, 4);
          } else {
            movabs(g, reg, v);
          }
        }
        case 1 -> { // mov r64, [rip+disp32]
          long slot = poolSlot(v);
          g.write(0x48 | rexR);
          g.write(0x8b);
          g.write((reg & 7) << 3 | 5);
          long next = base + g.size() + 4;
          imm(g, slot - next, 4);
        }
        case 2, 3 -> { // mov r64, fs:[disp32] / gs:[disp32]
          boolean fs = r.nextBoolean();
          long slot = poolSlot(v);
          g.write(fs ? 0x64 : 0x65);
          g.write(0x48 | rexR);
          g.write(0x8b);
          g.write((reg & 7) << 3 | 4);
          g.write(0x25);
          imm(g, slot - (fs ? FS_BASE : GS_BASE), 4);
        }
        case 4 -> { // mov r64, [disp32]
          long slot = poolSlot(v);
          g.write(0x48 | rexR);
          g.write(0x8b);
          g.write((reg & 7) << 3 | 4);
          g.write(0x25);
          imm(g, slot, 4);
        }
        case 5 -> { // xor r32, r32 for zero (changes the flags: the case's flags may come after)
          if (v == 0) {
            if (reg >= 8) {
              g.write(0x45);
            }
            g.write(0x31);
            g.write(0xc0 | (reg & 7) << 3 | (reg & 7));
          } else {
            movabs(g, reg, v);
          }
        }
        case 6 -> { // push qword [rip+disp32]; pop r64
          if (!stackOk) {
            movabs(g, reg, v);
            break;
          }
          long slot = poolSlot(v);
          g.write(0xff);
          g.write(0x35);
          long next = base + g.size() + 4;
          imm(g, slot - next, 4);
          if (rexB != 0) {
            g.write(0x41);
          }
          g.write(0x58 + (reg & 7));
        }
        default -> movabs(g, reg, v);
      }
    }

    private void movabs(ByteArrayOutputStream g, int reg, long v) {
      g.write(0x48 | (reg >= 8 ? 1 : 0));
      g.write(0xb8 + (reg & 7));
      imm(g, v, 8);
    }

    /** mov [addr], imm in chunks of 4/2/1 bytes, through DS (absolute), FS or GS. */
    private void store(ByteArrayOutputStream g, Random r, long addr, long value, int len) {
      int done = 0;
      while (done < len) {
        int chunk = len - done >= 4 ? 4 : len - done >= 2 ? 2 : 1;
        long a = addr + done;
        long v = value >>> (8 * done);
        int seg = r.nextInt(4); // 0,1: DS; 2: FS; 3: GS
        long disp = seg == 2 ? a - FS_BASE : seg == 3 ? a - GS_BASE : a;
        if (seg == 2) {
          g.write(0x64);
        } else if (seg == 3) {
          g.write(0x65);
        }
        if (chunk == 2) {
          g.write(0x66);
        }
        g.write(chunk == 1 ? 0xc6 : 0xc7);
        g.write(0x04);
        g.write(0x25);
        imm(g, disp, 4);
        imm(g, v, chunk);
        done += chunk;
      }
    }
  }

  private static void imm(ByteArrayOutputStream o, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      o.write((int) (v >>> (8 * i)));
    }
  }
}
