package dev.emu.core.bench;

import dev.emu.core.cpu.Cpu;
import dev.emu.core.mem.PhysicalMemory;

/**
 * Puts a {@link Cpu} into 64-bit long mode with identity paging and an IDT whose handlers halt,
 * either directly ({@link #start}, via {@link Cpu#enterLongModeFlat}) or architecturally
 * ({@link #startViaPvhStub}: {@link Cpu#enterPvh} runs a 32-bit boot stub that enables PAE, loads
 * CR3, sets EFER.LME|NXE, enables paging, loads the GDT and far-jumps to 64-bit code, which loads
 * the IDT, every GPR, RSP and RFLAGS from a context block and jumps to the target RIP).
 *
 * <p>Low memory layout (physical = linear):
 * <pre>
 *   0x1000 PML4, 0x2000 PDPT, 0x3000 PD: 0..1 GiB identity-mapped with 2 MiB pages (RWX)
 *   0x4000 GDT: 0x08 = 64-bit code, 0x10 = data; 0x4100 GDTR, 0x4110 IDTR
 *   0x4200 GDT for 32-bit protected mode: 0x08 = 32-bit code, 0x10 = data
 *   0x4300 64-bit TSS: IST1 = {@link #IST_STACK}; every 64-bit gate uses IST1, so exception frames
 *          never land on the guest's own stack (the difftest compares memory at faults)
 *   0x5000 IDT: 256 interrupt gates, vector v -> HANDLERS + 8*v
 *   0x6000 handlers: "hlt; jmp hlt" each, so a fault ends the run with RIP = HANDLERS + 8*v + 1
 *   0x6800 IDT for 32-bit protected mode: 256 32-bit interrupt gates to the same handlers
 *   0x7000 boot stub, 0x7800 context (RAX..R15 by index, RFLAGS at +128, RIP at +136, RSP at +32)
 *   0x8000 page table for {@link #unmapPage} (one 2 MiB region split into 4 KiB pages)
 *   0x9000..0xFFFF default stack
 * </pre>
 * Everything below {@link #SYSTEM_END} belongs to the rig; guests use memory above it.
 */
public final class LongModeRig {
  public static final long PML4 = 0x1000;
  public static final long GDT = 0x4000;
  public static final long GDTR = 0x4100;
  public static final long IDTR = 0x4110;
  public static final long IDT = 0x5000;
  public static final long HANDLERS = 0x6000;
  public static final long STUB = 0x7000;
  public static final long LONG_ENTRY = 0x7100;
  public static final long CONTEXT = 0x7800;
  public static final long SPLIT_PT = 0x8000;
  public static final long GDT32 = 0x4200;
  public static final long TSS = 0x4300;
  public static final long IST_STACK = 0x4800;
  public static final long IDT32 = 0x6800;
  public static final long DEFAULT_STACK = 0x10000;
  public static final long SYSTEM_END = 0x10000;
  public static final int CODE_SELECTOR = 0x08;
  public static final int DATA_SELECTOR = 0x10;

  private final PhysicalMemory memory;
  private final byte[] systemImage;

  public LongModeRig(PhysicalMemory memory) {
    if (memory.size() < 0x100000) {
      throw new IllegalArgumentException("rig needs at least 1 MiB of RAM");
    }
    this.memory = memory;
    this.systemImage = buildSystemImage();
    restoreSystemArea();
  }

  /** Rewrites page tables, GDT, IDT, handlers and stub (after a guest may have scribbled on them). */
  public void restoreSystemArea() {
    memory.load(0, systemImage, 0, systemImage.length);
  }

  /**
   * Makes the 4 KiB page at {@code addr} not present: its 2 MiB region is remapped through a 4 KiB
   * page table at {@link #SPLIT_PT} (only one region can be split). Takes effect at the next start.
   */
  public void unmapPage(long addr) {
    int pde = 0x3000 + 8 * (int) (addr >>> 21);
    long regionBase = addr & ~0x1f_ffffL;
    long current = getLong(systemImage, pde);
    if ((current & 0x80) != 0) {
      for (int i = 0; i < 512; i++) {
        putLong(systemImage, (int) SPLIT_PT + 8 * i, (regionBase + ((long) i << 12)) | 0x3);
      }
      putLong(systemImage, pde, SPLIT_PT | 0x3);
    } else if ((current & ~0xfffL) != SPLIT_PT) {
      throw new IllegalStateException("another 2 MiB region is already split");
    }
    putLong(systemImage, (int) SPLIT_PT + 8 * (int) ((addr >>> 12) & 511), 0);
    restoreSystemArea();
  }

  static long getLong(byte[] a, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (a[off + i] & 0xff);
    }
    return v;
  }

  /**
   * Puts {@code cpu} directly into 64-bit mode ({@link Cpu#enterLongModeFlat} with this rig's page
   * tables, GDT and IDT) at {@code rip} with the given registers, RSP and RFLAGS.
   */
  public void start(Cpu cpu, long rip, long rsp, long[] regs, long rflags) {
    cpu.enterLongModeFlat(PML4);
    cpu.setGdt(GDT, 23);
    cpu.setIdt(IDT, 256 * 16 - 1);
    cpu.setTaskRegister(0x18, TSS, 103);
    for (int r = 0; r < 16; r++) {
      cpu.setReg(r, regs == null ? 0 : regs[r]);
    }
    cpu.setReg(4, rsp);
    cpu.setRflags(rflags | 2);
    cpu.setRip(rip);
  }

  /**
   * Puts {@code cpu} in 32-bit protected mode without paging ({@link Cpu#enterPvh}: flat CS/DS/ES/SS)
   * with a 32-bit GDT and IDT whose handlers halt, at {@code eip} with the given registers.
   */
  public void startProtected32(Cpu cpu, long eip, long esp, long[] regs, long eflags) {
    cpu.enterPvh(eip, 0);
    cpu.setGdt(GDT32, 23);
    cpu.setIdt(IDT32, 256 * 8 - 1);
    for (int r = 0; r < 8; r++) {
      cpu.setReg(r, regs == null ? 0 : regs[r] & 0xffff_ffffL);
    }
    cpu.setReg(4, esp & 0xffff_ffffL);
    cpu.setRflags(eflags | 2);
    cpu.setRip(eip);
  }

  /**
   * Like {@link #start} but the architectural way: {@link Cpu#enterPvh} runs the 32-bit boot stub,
   * which enables PAE, long mode and paging, loads the GDT, far-jumps to 64-bit code, loads the
   * IDT, every GPR, RSP and RFLAGS from the context block and jumps to {@code rip}.
   */
  public void startViaPvhStub(Cpu cpu, long rip, long rsp, long[] regs, long rflags) {
    byte[] ctx = new byte[8 * 18];
    for (int r = 0; r < 16; r++) {
      putLong(ctx, 8 * r, regs == null ? 0 : regs[r]);
    }
    putLong(ctx, 32, rsp);
    putLong(ctx, 128, rflags | 2);
    putLong(ctx, 136, rip);
    memory.load(CONTEXT, ctx);
    cpu.enterPvh(STUB, 0);
    cpu.setTaskRegister(0x18, TSS, 103); // the stub does no LTR; the gates' IST1 needs the TSS
  }

  /** The exception vector if the CPU stopped in an IDT handler, else -1. */
  public static int faultVector(Cpu cpu) {
    long off = cpu.rip() - 1 - HANDLERS;
    if (off >= 0 && off < 256 * 8 && off % 8 == 0) {
      return (int) (off / 8);
    }
    return -1;
  }

  /**
   * Runs until the CPU halts or {@code maxCycles} more cycles pass; returns true if halted.
   * (A guest that executes HLT with the stub's IF=0 stays halted.) Also returns when run()
   * makes no progress (e.g. a CPU in shutdown after a triple fault).
   */
  public static boolean runToHalt(Cpu cpu, long maxCycles) {
    long end = cpu.cycles() + maxCycles;
    while (!cpu.isHalted() && cpu.cycles() < end) {
      long before = cpu.cycles();
      cpu.run(end);
      if (cpu.cycles() == before && !cpu.isHalted()) {
        break;
      }
    }
    return cpu.isHalted();
  }

  private static byte[] buildSystemImage() {
    byte[] m = new byte[(int) SPLIT_PT + PhysicalMemory.PAGE_SIZE];
    // Page tables: PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB | PS | RW | P.
    putLong(m, (int) PML4, 0x2000 | 0x3);
    putLong(m, 0x2000, 0x3000 | 0x3);
    for (int i = 0; i < 512; i++) {
      putLong(m, 0x3000 + 8 * i, ((long) i << 21) | 0x83);
    }
    putLong(m, (int) GDT32 + 8, 0x00cf9a000000ffffL); // 32-bit code, 4 GiB
    putLong(m, (int) GDT32 + 16, 0x00cf92000000ffffL); // data, 4 GiB
    putLong(m, (int) GDT + 8, 0x00af9a000000ffffL); // 64-bit code, DPL0
    putLong(m, (int) GDT + 16, 0x00cf92000000ffffL); // data, 4 GiB
    putLong(m, (int) TSS + 0x24, IST_STACK); // IST1
    putShort(m, (int) GDTR, 23);
    putLong(m, (int) GDTR + 2, GDT);
    putShort(m, (int) IDTR, 256 * 16 - 1);
    putLong(m, (int) IDTR + 2, IDT);
    for (int v = 0; v < 256; v++) {
      long h = HANDLERS + 8L * v;
      int g = (int) IDT + 16 * v;
      putShort(m, g, (int) h);
      putShort(m, g + 2, CODE_SELECTOR);
      m[g + 4] = 1; // IST1
      m[g + 5] = (byte) 0x8e; // present, DPL0, 64-bit interrupt gate
      putShort(m, g + 6, (int) (h >>> 16));
      putLong(m, g + 8, h >>> 32);
      int g32 = (int) IDT32 + 8 * v;
      putShort(m, g32, (int) h);
      putShort(m, g32 + 2, CODE_SELECTOR);
      m[g32 + 5] = (byte) 0x8e; // present, DPL0, 32-bit interrupt gate
      putShort(m, g32 + 6, (int) (h >>> 16));
      m[(int) h] = (byte) 0xf4; // hlt
      m[(int) h + 1] = (byte) 0xeb; // jmp back to hlt
      m[(int) h + 2] = (byte) 0xfd;
    }
    writeStub(m);
    return m;
  }

  private static void writeStub(byte[] m) {
    Bytes s = new Bytes(m, (int) STUB);
    s.b(0x0f, 0x20, 0xe0).b(0x83, 0xc8, 0x20).b(0x0f, 0x22, 0xe0); // cr4 |= PAE
    s.b(0xb8).d(PML4).b(0x0f, 0x22, 0xd8); // cr3 = PML4
    s.b(0xb9).d(0xc0000080L).b(0x0f, 0x32).b(0x0d).d(0x900).b(0x0f, 0x30); // EFER |= LME|NXE
    s.b(0x0f, 0x20, 0xc0).b(0x0d).d(0x80000001L).b(0x0f, 0x22, 0xc0); // cr0 |= PG|PE
    s.b(0x0f, 0x01, 0x15).d(GDTR); // lgdt [GDTR]
    s.b(0xea).d(LONG_ENTRY).b(CODE_SELECTOR, 0); // jmp far 08:LONG_ENTRY
    Bytes l = new Bytes(m, (int) LONG_ENTRY);
    l.b(0x66, 0xb8, DATA_SELECTOR, 0).b(0x8e, 0xd8).b(0x8e, 0xc0).b(0x8e, 0xd0); // ds=es=ss=0x10
    l.b(0x0f, 0x01, 0x1c, 0x25).d(IDTR); // lidt [IDTR]
    l.b(0x48, 0x8b, 0x24, 0x25).d(CONTEXT + 32); // mov rsp, [ctx.rsp]
    l.b(0xff, 0x34, 0x25).d(CONTEXT + 128).b(0x9d); // push [ctx.rflags]; popfq
    for (int r = 0; r < 16; r++) {
      if (r != 4) {
        l.b(0x48 | (r >= 8 ? 4 : 0), 0x8b, (r & 7) << 3 | 4, 0x25).d(CONTEXT + 8L * r);
      }
    }
    l.b(0xff, 0x24, 0x25).d(CONTEXT + 136); // jmp [ctx.rip]
  }

  static void putLong(byte[] a, int off, long v) {
    for (int i = 0; i < 8; i++) {
      a[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putShort(byte[] a, int off, int v) {
    a[off] = (byte) v;
    a[off + 1] = (byte) (v >>> 8);
  }

  /** Little byte emitter for the stub. */
  private static final class Bytes {
    private final byte[] m;
    private int pos;

    Bytes(byte[] m, int pos) {
      this.m = m;
      this.pos = pos;
    }

    Bytes b(int... bytes) {
      for (int x : bytes) {
        m[pos++] = (byte) x;
      }
      return this;
    }

    Bytes d(long v) {
      for (int i = 0; i < 4; i++) {
        m[pos++] = (byte) (v >>> (8 * i));
      }
      return this;
    }
  }
}
