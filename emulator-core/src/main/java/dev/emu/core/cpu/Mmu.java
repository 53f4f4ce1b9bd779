package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Linear-to-physical translation and guest memory access.
 *
 * <p>Overview: a direct-mapped software TLB of {@link #TLB_SIZE} 4 KiB entries in parallel arrays:
 * {@code tlbR/tlbW/tlbX} hold the virtual page number an entry is valid for (read / write /
 * execute, -1 = invalid) and {@code tlbPa} the physical page's offset in the RAM array. A write
 * tag is only installed once the walk has set the dirty bit and the page is writable at the
 * current privilege, so the fast path needs no checks. Large pages are cached as their 4 KiB
 * pieces. Pages outside RAM (MMIO) are never cached: every access walks and goes to the host.
 * The TLB is tagged for the current CPL and flushed when CPL changes, on CR3/CR0/CR4 writes
 * (over-flushing global pages is architecturally allowed) and on invlpg.
 *
 * <p>Paging modes: 4-level (long mode), PAE (3-level), legacy 2-level with PSE; identity when
 * paging is off. Accessed and dirty bits are set in the guest page tables. Not modelled: PCID,
 * SMEP/SMAP, protection keys, reserved-bit #PF (RSVD), segment limit checks.
 */
abstract class Mmu extends CpuState {
  static final int TLB_BITS = 10;
  static final int TLB_SIZE = 1 << TLB_BITS;
  static final int TLB_MASK = TLB_SIZE - 1;
  static final int ACC_READ = 0;
  static final int ACC_WRITE = 1;
  static final int ACC_EXEC = 2;
  static final long PTE_ADDR = 0x000f_ffff_ffff_f000L;
  static final long PTE_P = 1;
  static final long PTE_W = 2;
  static final long PTE_U = 4;
  static final long PTE_A = 0x20;
  static final long PTE_D = 0x40;
  static final long PTE_PS = 0x80;
  static final long PTE_NX = 1L << 63;
  static final int PFEC_P = 1;
  static final int PFEC_W = 2;
  static final int PFEC_U = 4;
  static final int PFEC_I = 16;

  static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  final long[] tlbR = new long[TLB_SIZE];
  final long[] tlbW = new long[TLB_SIZE];
  final long[] tlbX = new long[TLB_SIZE];
  final int[] tlbPa = new int[TLB_SIZE];
  /** Page of the current fetch (virtual page number, -1 none) and its RAM offset. */
  long fetchVpn = -1;
  int fetchPa;
  /** Linear base of CS for fetches (0 in 64-bit mode). */
  long fetchBase;
  /** Vector for a non-canonical access: VEC_SS while the operand is SS-relative. */
  int nonCanonicalVector = VEC_GP;
  /** Linear address of the current instruction's first byte (for the 15-byte limit). */
  long insnStart;
  /** Descriptor-table and TSS accesses are supervisor accesses even at CPL 3. */
  boolean implicitSupervisor;
  int tlbCpl;

  /** Decoded-instruction cache shared by the CPUs on this memory, and its per-page marks. */
  final DecodeCache dcache;
  final byte[] codeMarks;
  /** Decoded-code arrays of the current fetch page (valid while codeGen == dcache.gen). */
  long[] codeHdr;
  long[] codeMrm;
  long codeGen;
  /** Bumped by every fetchSlow (an instruction whose bytes came through it is not cached). */
  int fetchSlowCount;

  Mmu(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
    dcache = DecodeCache.of(memory);
    codeMarks = dcache.marks;
    flushTlb();
  }

  /** RAM bytes [pa, pa + size) were stored to: drop decoded code that may include them. */
  final void noteCodeWrite(long pa, int size) {
    if (codeMarks[(int) (pa >>> 12)] != 0 || codeMarks[(int) ((pa + size - 1) >>> 12)] != 0) {
      codeWritten(pa, size);
    }
  }

  /** A store hit a page with decoded code: drop what it covers; a dropped block ends the run. */
  private void codeWritten(long pa, int size) {
    if (dcache.written(pa, size)) {
      irqPoll = true; // a pre-decoded block was dropped: leave the block being run
    }
  }

  /** (Re)acquires the decoded-code arrays of the current fetch page. */
  final void refreshCodePage() {
    int s = dcache.acquire(fetchPa >>> 12);
    codeHdr = dcache.hdr(s);
    codeMrm = dcache.mrm(s);
    codeGen = dcache.gen;
  }

  final void flushTlb() {
    Arrays.fill(tlbR, -1L);
    Arrays.fill(tlbW, -1L);
    Arrays.fill(tlbX, -1L);
    fetchVpn = -1;
    fpos = 0;
    fend = 0;
    tlbCpl = cpl;
  }

  final void flushTlbPage(long lin) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbR[i] == vpn || tlbW[i] == vpn || tlbX[i] == vpn) {
      tlbR[i] = -1;
      tlbW[i] = -1;
      tlbX[i] = -1;
    }
    fetchVpn = -1;
    fpos = 0;
    fend = 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Translation

  /** Translates a linear address; throws #PF / #GP. Fills the TLB for RAM pages. */
  final long translate(long lin, int access) {
    boolean user = cpl == 3 && !implicitSupervisor;
    if (tlbCpl != cpl) {
      flushTlb();
    }
    long pa;
    boolean canWrite;
    if (!paging) {
      pa = lin;
      canWrite = true;
    } else {
      if ((efer & EFER_LMA) != 0 && ((lin << 16) >> 16) != lin) {
        throw fault(nonCanonicalVector, 0); // #SS for stack-segment references, else #GP
      }
      long r = walk(lin, access, user);
      canWrite = (r & 1) != 0;
      pa = r >>> 1;
    }
    if (pa >= 0 && (pa & ~0xfffL) + PhysicalMemory.PAGE_SIZE <= ramSize && !implicitSupervisor) {
      long vpn = lin >>> 12;
      int i = (int) vpn & TLB_MASK;
      int page = (int) (pa & ~0xfffL);
      // All three tags of a slot share tlbPa: drop any that belong to another page.
      if (tlbPa[i] != page || (tlbR[i] != vpn && tlbR[i] != -1)
          || (tlbW[i] != vpn && tlbW[i] != -1) || (tlbX[i] != vpn && tlbX[i] != -1)) {
        tlbR[i] = -1;
        tlbW[i] = -1;
        tlbX[i] = -1;
        if ((fetchVpn & TLB_MASK) == i) {
          fetchVpn = -1;
        }
      }
      tlbPa[i] = page;
      if (access == ACC_EXEC) {
        tlbX[i] = vpn;
      } else {
        tlbR[i] = vpn;
        if (access == ACC_WRITE && canWrite) {
          tlbW[i] = vpn;
        }
      }
    }
    return pa;
  }

  /**
   * Walks the page tables. Returns (pa << 1) | writeCacheable, where writeCacheable means a later
   * write to this page at this privilege needs no walk (writable and already dirty).
   */
  private long walk(long lin, int access, boolean user) {
    boolean write = access == ACC_WRITE;
    boolean nxe = (efer & EFER_NXE) != 0;
    boolean wp = (cr0 & CR0_WP) != 0;
    boolean w = true;
    boolean u = true;
    boolean nx = false;
    int level;
    long table;
    boolean legacy = (cr4 & CR4_PAE) == 0;
    if (legacy) {
      return walkLegacy(lin, access, user);
    }
    if ((efer & EFER_LMA) != 0) {
      level = 4;
      table = cr3 & PTE_ADDR;
    } else {
      level = 3;
      table = cr3 & 0xffff_ffe0L;
    }
    while (true) {
      int shift = 12 + 9 * (level - 1);
      long idx = (lin >>> shift) & 511;
      if (level == 3 && (efer & EFER_LMA) == 0) {
        idx = (lin >>> 30) & 3;
      }
      long ea = table + idx * 8;
      long e = physRead64(ea);
      if ((e & PTE_P) == 0) {
        throw pageFault(lin, access, user, false);
      }
      boolean pdpteLegacy = level == 3 && (efer & EFER_LMA) == 0;
      if (!pdpteLegacy) {
        w &= (e & PTE_W) != 0;
        u &= (e & PTE_U) != 0;
        if (nxe && (e & PTE_NX) != 0) {
          nx = true;
        }
      }
      boolean leaf = level == 1 || (!pdpteLegacy && level <= 3 && (e & PTE_PS) != 0);
      if (leaf) {
        checkRights(lin, access, user, w, u, nx, wp);
        long ne = e | PTE_A | (write ? PTE_D : 0);
        if (ne != e) {
          physWrite64(ea, ne);
        }
        long pageMask = (1L << shift) - 1;
        long pa = (e & PTE_ADDR & ~pageMask) | (lin & pageMask);
        boolean cacheW = (ne & PTE_D) != 0 && (w || (!user && !wp)) && (u || !user);
        return pa << 1 | (cacheW ? 1 : 0);
      }
      if ((e & PTE_A) == 0 && !pdpteLegacy) {
        physWrite64(ea, e | PTE_A);
      }
      table = e & PTE_ADDR;
      level--;
    }
  }

  private long walkLegacy(long lin, int access, boolean user) {
    boolean write = access == ACC_WRITE;
    boolean wp = (cr0 & CR0_WP) != 0;
    lin &= 0xffff_ffffL;
    long pdeAddr = (cr3 & 0xffff_f000L) + ((lin >>> 22) << 2);
    long pde = physRead32(pdeAddr) & 0xffff_ffffL;
    if ((pde & PTE_P) == 0) {
      throw pageFault(lin, access, user, false);
    }
    boolean w = (pde & PTE_W) != 0;
    boolean u = (pde & PTE_U) != 0;
    if ((pde & PTE_PS) != 0 && (cr4 & CR4_PSE) != 0) {
      checkRights(lin, access, user, w, u, false, wp);
      long ne = pde | PTE_A | (write ? PTE_D : 0);
      if (ne != pde) {
        physWrite32(pdeAddr, (int) ne);
      }
      long pa = (pde & 0xffc0_0000L) | (lin & 0x3f_ffffL);
      boolean cacheW = (ne & PTE_D) != 0 && (w || (!user && !wp)) && (u || !user);
      return pa << 1 | (cacheW ? 1 : 0);
    }
    if ((pde & PTE_A) == 0) {
      physWrite32(pdeAddr, (int) (pde | PTE_A));
    }
    long pteAddr = (pde & 0xffff_f000L) + (((lin >>> 12) & 1023) << 2);
    long pte = physRead32(pteAddr) & 0xffff_ffffL;
    if ((pte & PTE_P) == 0) {
      throw pageFault(lin, access, user, false);
    }
    w &= (pte & PTE_W) != 0;
    u &= (pte & PTE_U) != 0;
    checkRights(lin, access, user, w, u, false, wp);
    long ne = pte | PTE_A | (write ? PTE_D : 0);
    if (ne != pte) {
      physWrite32(pteAddr, (int) ne);
    }
    long pa = (pte & 0xffff_f000L) | (lin & 0xfff);
    boolean cacheW = (ne & PTE_D) != 0 && (w || (!user && !wp)) && (u || !user);
    return pa << 1 | (cacheW ? 1 : 0);
  }

  private void checkRights(
      long lin, int access, boolean user, boolean w, boolean u, boolean nx, boolean wp) {
    if (user && !u) {
      throw pageFault(lin, access, user, true);
    }
    if (access == ACC_WRITE && !w && (user || wp)) {
      throw pageFault(lin, access, user, true);
    }
    if (access == ACC_EXEC && nx) {
      throw pageFault(lin, access, user, true);
    }
  }

  private GuestFault pageFault(long lin, int access, boolean user, boolean present) {
    cr2 = lin;
    int ec = (present ? PFEC_P : 0) | (access == ACC_WRITE ? PFEC_W : 0) | (user ? PFEC_U : 0);
    if (access == ACC_EXEC && (efer & EFER_NXE) != 0) {
      ec |= PFEC_I;
    }
    return fault(VEC_PF, ec);
  }

  // ---------------------------------------------------------------------------------------------
  // Physical access (page walks, descriptor tables through paging, MMIO)

  /**
   * Set while the block engine runs instructions: RIP, cycles and retired are then held in its
   * locals, so a device must not be called. An MMIO access throws {@link #blockAbort} instead,
   * before any effect; the block engine leaves and the generic path runs the instruction.
   */
  boolean inBlock;
  final GuestFault blockAbort = new GuestFault();

  private long mmioRead(long pa, int size) {
    if (inBlock) {
      throw blockAbort;
    }
    return host.mmioRead(pa, size);
  }

  private void mmioWrite(long pa, int size, long v) {
    if (inBlock) {
      throw blockAbort;
    }
    host.mmioWrite(pa, size, v);
  }

  final boolean isRam(long pa, int len) {
    return pa >= 0 && pa + len <= ramSize;
  }

  final long physRead64(long pa) {
    irqPoll = true; // a host call may make an interrupt pending
    return isRam(pa, 8) ? (long) LONG.get(ram, (int) pa) : mmioRead(pa, 8);
  }

  final int physRead32(long pa) {
    irqPoll = true; // a host call may make an interrupt pending
    return isRam(pa, 4) ? (int) INT.get(ram, (int) pa) : (int) mmioRead(pa, 4);
  }

  final void physWrite64(long pa, long v) {
    if (isRam(pa, 8)) {
      LONG.set(ram, (int) pa, v);
      noteCodeWrite(pa, 8);
    } else {
      irqPoll = true; // a host call may make an interrupt pending
      mmioWrite(pa, 8, v);
    }
  }

  final void physWrite32(long pa, int v) {
    if (isRam(pa, 4)) {
      INT.set(ram, (int) pa, v);
      noteCodeWrite(pa, 4);
    } else {
      irqPoll = true; // a host call may make an interrupt pending
      mmioWrite(pa, 4, v & 0xffff_ffffL);
    }
  }

  /** Reads size bytes at a physical address (RAM or MMIO), zero-extended. */
  final long physRead(long pa, int size) {
    if (isRam(pa, size)) {
      int i = (int) pa;
      switch (size) {
        case 1:
          return ram[i] & 0xff;
        case 2:
          return (short) SHORT.get(ram, i) & 0xffff;
        case 4:
          return (int) INT.get(ram, i) & 0xffff_ffffL;
        default:
          return (long) LONG.get(ram, i);
      }
    }
    if (pa < ramSize && pa >= 0) {
      long v = 0;
      for (int k = 0; k < size; k++) {
        v |= physRead(pa + k, 1) << (8 * k);
      }
      return v;
    }
    irqPoll = true; // a host call may make an interrupt pending
    long v = mmioRead(pa, size);
    return size == 8 ? v : v & ((1L << (8 * size)) - 1);
  }

  final void physWrite(long pa, int size, long v) {
    if (isRam(pa, size)) {
      int i = (int) pa;
      switch (size) {
        case 1:
          ram[i] = (byte) v;
          break;
        case 2:
          SHORT.set(ram, i, (short) v);
          break;
        case 4:
          INT.set(ram, i, (int) v);
          break;
        default:
          LONG.set(ram, i, v);
          break;
      }
      noteCodeWrite(pa, size);
      return;
    }
    if (pa < ramSize && pa >= 0) {
      for (int k = 0; k < size; k++) {
        physWrite(pa + k, 1, v >>> (8 * k));
      }
      return;
    }
    irqPoll = true; // a host call may make an interrupt pending
    mmioWrite(pa, size, size == 8 ? v : v & ((1L << (8 * size)) - 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Linear access: fast path through the TLB, slow path translates (and splits page crossings).

  final int read8(long lin) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbR[i] == vpn) {
      return ram[tlbPa[i] + ((int) lin & 0xfff)] & 0xff;
    }
    return (int) readSlow(lin, 1);
  }

  final int read16(long lin) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbR[i] == vpn && off <= 0xffe) {
      return (short) SHORT.get(ram, tlbPa[i] + off) & 0xffff;
    }
    return (int) readSlow(lin, 2);
  }

  final int read32(long lin) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbR[i] == vpn && off <= 0xffc) {
      return (int) INT.get(ram, tlbPa[i] + off);
    }
    return (int) readSlow(lin, 4);
  }

  final long read64(long lin) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbR[i] == vpn && off <= 0xff8) {
      return (long) LONG.get(ram, tlbPa[i] + off);
    }
    return readSlow(lin, 8);
  }

  /** Reads 1/2/4/8 bytes, zero-extended. */
  final long read(long lin, int size) {
    switch (size) {
      case 1:
        return read8(lin);
      case 2:
        return read16(lin);
      case 4:
        return read32(lin) & 0xffff_ffffL;
      default:
        return read64(lin);
    }
  }

  private long readSlow(long lin, int size) {
    if (((lin & 0xfff) + size) > 0x1000) {
      long pa0 = translate(lin, ACC_READ);
      long pa1 = translate((lin | 0xfff) + 1, ACC_READ);
      long v = 0;
      int first = (int) (0x1000 - (lin & 0xfff));
      for (int k = 0; k < size; k++) {
        long pa = k < first ? pa0 + k : pa1 + (k - first);
        v |= physRead(pa, 1) << (8 * k);
      }
      return v;
    }
    return physRead(translate(lin, ACC_READ), size);
  }

  final void write8(long lin, int v) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbW[i] == vpn) {
      int p = tlbPa[i] + ((int) lin & 0xfff);
      ram[p] = (byte) v;
      if (codeMarks[p >>> 12] != 0) {
        codeWritten(p, 1);
      }
      return;
    }
    writeSlow(lin, 1, v);
  }

  final void write16(long lin, int v) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbW[i] == vpn && off <= 0xffe) {
      int p = tlbPa[i] + off;
      SHORT.set(ram, p, (short) v);
      if (codeMarks[p >>> 12] != 0) {
        codeWritten(p, 2);
      }
      return;
    }
    writeSlow(lin, 2, v);
  }

  final void write32(long lin, int v) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbW[i] == vpn && off <= 0xffc) {
      int p = tlbPa[i] + off;
      INT.set(ram, p, v);
      if (codeMarks[p >>> 12] != 0) {
        codeWritten(p, 4);
      }
      return;
    }
    writeSlow(lin, 4, v & 0xffff_ffffL);
  }

  final void write64(long lin, long v) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    int off = (int) lin & 0xfff;
    if (tlbW[i] == vpn && off <= 0xff8) {
      int p = tlbPa[i] + off;
      LONG.set(ram, p, v);
      if (codeMarks[p >>> 12] != 0) {
        codeWritten(p, 8);
      }
      return;
    }
    writeSlow(lin, 8, v);
  }

  final void write(long lin, int size, long v) {
    switch (size) {
      case 1:
        write8(lin, (int) v);
        break;
      case 2:
        write16(lin, (int) v);
        break;
      case 4:
        write32(lin, (int) v);
        break;
      default:
        write64(lin, v);
        break;
    }
  }

  private void writeSlow(long lin, int size, long v) {
    if (((lin & 0xfff) + size) > 0x1000) {
      // Check both pages before writing anything, so a fault leaves memory untouched.
      long pa0 = translate(lin, ACC_WRITE);
      long pa1 = translate((lin | 0xfff) + 1, ACC_WRITE);
      int first = (int) (0x1000 - (lin & 0xfff));
      for (int k = 0; k < size; k++) {
        long pa = k < first ? pa0 + k : pa1 + (k - first);
        physWrite(pa, 1, v >>> (8 * k));
      }
      return;
    }
    physWrite(translate(lin, ACC_WRITE), size, v);
  }

  /** Checks that a write to [lin, lin+size) would not fault (for instructions that must not half-complete). */
  final void probeWrite(long lin, int size) {
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbW[i] != vpn) {
      translate(lin, ACC_WRITE);
    }
    if (((lin & 0xfff) + size) > 0x1000) {
      translate((lin | 0xfff) + 1, ACC_WRITE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Instruction fetch

  /**
   * Fetch window: RAM indices [fpos, fend) hold the next instruction bytes of the current code
   * page. Set up by {@link #beginFetch()} at each instruction start; ip advances in step.
   */
  int fpos;
  int fend;

  /** Opens the fetch window at the instruction starting at ip. */
  final void beginFetch() {
    long lin = fetchBase + ip;
    if ((lin >>> 12) == fetchVpn) {
      fpos = fetchPa + ((int) lin & 0xfff);
      fend = Math.min(fetchPa + 0x1000, fpos + 15 - (int) (ip - insnStart));
    } else {
      openFetchPage(lin);
    }
  }

  /** A branch to another page: opens it straight from the TLB when it is there. */
  private void openFetchPage(long lin) {
    if (!mode64) {
      lin &= 0xffff_ffffL;
    }
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbX[i] != vpn || tlbCpl != cpl) {
      fpos = 0;
      fend = 0;
      return;
    }
    fetchVpn = vpn;
    fetchPa = tlbPa[i];
    codeGen = 0;
    fpos = fetchPa + ((int) lin & 0xfff);
    fend = Math.min(fetchPa + 0x1000, fpos + 15 - (int) (ip - insnStart));
  }

  final int fetch8() {
    ip++;
    if (fpos < fend) {
      return ram[fpos++] & 0xff;
    }
    return fetchSlow(fetchBase + ip - 1);
  }

  final int fetch16() {
    if (fpos + 2 <= fend) {
      int v = (short) SHORT.get(ram, fpos) & 0xffff;
      fpos += 2;
      ip += 2;
      return v;
    }
    int lo = fetch8();
    return lo | fetch8() << 8;
  }

  final int fetch32() {
    if (fpos + 4 <= fend) {
      int v = (int) INT.get(ram, fpos);
      fpos += 4;
      ip += 4;
      return v;
    }
    int lo = fetch16();
    return lo | fetch16() << 16;
  }

  final long fetch64() {
    long lo = fetch32() & 0xffff_ffffL;
    return lo | (long) fetch32() << 32;
  }

  private int fetchSlow(long lin) {
    fetchSlowCount++;
    codeGen = 0;
    if (ip - insnStart > 15) {
      throw gp0(); // instruction longer than 15 bytes
    }
    if (!mode64) {
      lin &= 0xffff_ffffL;
    }
    long vpn = lin >>> 12;
    int i = (int) vpn & TLB_MASK;
    if (tlbX[i] == vpn && tlbCpl == cpl) {
      fetchVpn = vpn;
      fetchPa = tlbPa[i];
      fpos = fetchPa + ((int) lin & 0xfff) + 1;
      fend = Math.min(fetchPa + 0x1000, fpos + 15 - (int) (ip - insnStart));
      return ram[fpos - 1] & 0xff;
    }
    long pa = translate(lin, ACC_EXEC);
    if (isRam(pa, 1)) {
      fetchVpn = lin >>> 12;
      fetchPa = (int) (pa & ~0xfffL);
      fpos = (int) pa + 1;
      fend = Math.min(fetchPa + 0x1000, fpos + 15 - (int) (ip - insnStart));
      return ram[(int) pa] & 0xff;
    }
    fetchVpn = -1;
    fpos = 0;
    fend = 0;
    irqPoll = true; // a host call may make an interrupt pending
    return (int) host.mmioRead(pa, 1) & 0xff;
  }
}
