package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.mem.PhysicalMemory;

/**
 * A 64-bit flat test machine: identity page tables (1 GiB pages) at 0x1000, a GDT at 0x3000
 * (0x08 code64, 0x10 data, 0x18 code32, 0x20 TSS), an IDT at 0x4000 whose vector v points to a
 * one-byte {@code hlt} stub at {@link #STUB} + 16*v, code at {@link #CODE}, stack below
 * {@link #STACK}, a 64-bit TSS at 0x6000 with IST1 = {@link #IST1_TOP}.
 */
final class CpuRig {
  static final long CODE = 0x10000;
  static final long DATA = 0x20000;
  static final long STACK = 0x80000;
  static final long IST1_TOP = 0x90000;
  static final long STUB = 0x5000;
  static final long GDT = 0x3000;
  static final long IDT = 0x4000;
  static final long TSS = 0x6000;

  final PhysicalMemory mem;
  final FakeHost host = new FakeHost();
  final Cpu cpu;

  CpuRig() {
    this(CpuModel.defaults());
  }

  CpuRig(CpuModel model) {
    mem = new PhysicalMemory(4 << 20);
    cpu = new Cpu(0, mem, host, model);
    host.cpu = cpu;
    long cr3 = Cpu.buildIdentityPageTables(mem, 0x1000);
    mem.write64(GDT, 0);
    mem.write64(GDT + 0x08, 0x00af_9b00_0000_ffffL);
    mem.write64(GDT + 0x10, 0x00cf_9300_0000_ffffL);
    mem.write64(GDT + 0x18, 0x00cf_9b00_0000_ffffL);
    // 64-bit available TSS at TSS, limit 0x67
    long tssDesc = 0x67 | ((TSS & 0xffffff) << 16) | (0x89L << 40) | (((TSS >>> 24) & 0xff) << 56);
    mem.write64(GDT + 0x20, tssDesc);
    mem.write64(GDT + 0x28, TSS >>> 32);
    mem.write64(TSS + 0x24, IST1_TOP);
    mem.write64(TSS + 4, STACK);
    for (int v = 0; v < 256; v++) {
      setGate(v, STUB + 16L * v, 0, 0xe);
      mem.write8(STUB + 16L * v, 0xf4);
    }
    enter(cr3);
  }

  /** (Re-)enters flat long mode with this rig's GDT, IDT, TSS, stack and code address. */
  void enter(long cr3) {
    cpu.enterLongModeFlat(cr3);
    cpu.setGdt(GDT, 0x2f);
    cpu.setIdt(IDT, 256 * 16 - 1);
    cpu.setTaskRegister(0x20, TSS, 0x67);
    cpu.setReg(4, STACK);
    cpu.setRip(CODE);
  }

  static final long PD = 0x7000;
  static final long PT = 0x8000;

  /**
   * Replaces the 1 GiB identity mapping of the first GiB by a page directory of 2 MiB pages
   * whose first entry points to a page table of 4 KiB pages (PT at 0x8000), so tests can change
   * individual 4 KiB mappings with {@link #setPte}.
   */
  CpuRig use4kPages() {
    for (int i = 0; i < 512; i++) {
      mem.write64(PD + 8L * i, ((long) i << 21) | 0x83);
      mem.write64(PT + 8L * i, ((long) i << 12) | 0x3);
    }
    mem.write64(PD, PT | 0x3);
    mem.write64(0x2000, PD | 0x3);
    enter(cpu.cr3());
    return this;
  }

  /** Sets the 4 KiB PTE of linear page (0..2 MiB) to pa | flags. */
  void setPte(long page, long pa, long flags) {
    mem.write64(PT + 8 * (page >>> 12), pa | flags);
  }

  long pte(long page) {
    return mem.read64(PT + 8 * (page >>> 12));
  }

  /** Interrupt gate (type 0xe) or trap gate (0xf) for vector v. */
  void setGate(int v, long target, int ist, int type) {
    long lo = (target & 0xffff) | (0x08L << 16) | ((long) ist << 32) | ((long) (0x80 | type) << 40)
        | ((target & 0xffff_0000L) << 32);
    mem.write64(IDT + 16L * v, lo);
    mem.write64(IDT + 16L * v + 8, target >>> 32);
  }

  void load(long at, String hex) {
    byte[] b = hex(hex);
    mem.load(at, b);
  }

  static byte[] hex(String hex) {
    String h = hex.replaceAll("\\s+", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  /** Loads code at CODE and runs until HLT (or the cycle budget). */
  CpuRig run(String hex) {
    load(CODE, hex);
    cpu.setRip(CODE);
    return runToHalt();
  }

  CpuRig runToHalt() {
    long budget = cpu.cycles() + 10_000_000;
    while (!cpu.isHalted() && cpu.cycles() < budget) {
      cpu.run(budget);
    }
    assertThat(cpu.lastError()).as("interpreter error").isNull();
    return this;
  }

  /** Vector whose hlt stub the CPU halted in, or -1 if it halted elsewhere. */
  int haltedInVector() {
    long r = cpu.rip() - 1;
    if (r >= STUB && r < STUB + 16 * 256 && ((r - STUB) & 15) == 0) {
      return (int) ((r - STUB) >>> 4);
    }
    return -1;
  }

  long reg(int r) {
    return cpu.reg(r);
  }

  long stack(int index) {
    return mem.read64(cpu.reg(4) + 8L * index);
  }
}
