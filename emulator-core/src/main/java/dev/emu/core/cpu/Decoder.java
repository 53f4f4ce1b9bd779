package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;
import java.util.Arrays;

/**
 * Per-instruction decode state and operand access: prefixes, operand/address size, ModRM/SIB
 * (16-, 32- and 64-bit forms, RIP-relative), register and r/m operands, and the string
 * instructions. The fields here are scratch for the instruction being executed.
 */
abstract class Decoder extends SystemOps {
  boolean pfxOpsize;
  boolean pfxAdsize;
  /** 0, 0xF2 (repne) or 0xF3 (rep/repe). */
  int rep;
  boolean lock;
  /** Segment override, or -1. */
  int segOvr;
  /** REX byte (0x40..0x4F) or 0. */
  int rex;
  /** Operand size in bytes (2, 4, 8). */
  int osz;
  /** Address size in bytes (2, 4, 8). */
  int asz;

  int mod;
  /** ModRM reg field extended by REX.R. */
  int reg;
  /** ModRM rm field extended by REX.B (register forms). */
  int rm;
  boolean isMem;
  /** Effective address (offset within the segment, masked to the address size). */
  long eaOff;
  int eaSeg;
  /** Linear address of the memory operand. */
  long ea;
  /** Extra cycles of the instruction being executed. */
  int cost;
  /** False while a rep string instruction is only partly done (it re-executes). */
  boolean retire;

  Decoder(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  final long linear(int seg, long off) {
    if (mode64) {
      return seg >= FS ? off + segBase[seg] : off;
    }
    return (segBase[seg] + off) & 0xffff_ffffL;
  }

  final long maskAddr(long a) {
    return asz == 8 ? a : asz == 4 ? a & 0xffff_ffffL : a & 0xffff;
  }

  /**
   * Cache entry of the instruction being executed (byte offset in its page's DecodeCache arrays),
   * or -1 when it is not cacheable; with the guards that its ModRM decode may be recorded.
   */
  int curEntry = -1;
  long[] curMrm;
  long recGen;
  int recSlow;
  long recInval;

  // Packed ModRM decode (DecodeCache.mrm): len 0-3, mod 4-5, reg 6-9, rm 10-13, base 14-18
  // (16 = none), index 19-23 (16 = none), scale 24-25, default segment 26-28, RIP-relative 29,
  // displacement 32-63. Never 0 (len >= 1).
  static final int NO_REG = 16;

  /** Decodes ModRM (+SIB, displacement); immBytes = immediate bytes that follow (RIP-relative). */
  final void modrm(int immBytes) {
    if (curEntry >= 0) {
      long m = curMrm[curEntry];
      if (m != 0) {
        int len = (int) m & 15;
        if (fpos + len <= fend) {
          ip += len;
          fpos += len;
          curEntry = -1;
          applyModrm(m, immBytes);
          return;
        }
      }
    }
    long ip0 = ip;
    long m = decodeModrm();
    m |= (ip - ip0);
    if (curEntry >= 0 && fetchSlowCount == recSlow && dcache.gen == recGen
        && dcache.invalidations == recInval) {
      curMrm[curEntry] = m;
    }
    curEntry = -1; // a second ModRM decode in one instruction (none today) is never cached
    applyModrm(m, immBytes);
  }

  private void applyModrm(long m, int immBytes) {
    mod = (int) (m >>> 4) & 3;
    reg = (int) (m >>> 6) & 15;
    if (mod == 3) {
      rm = (int) (m >>> 10) & 15;
      isMem = false;
      if (lock) {
        throw ud();
      }
      return;
    }
    isMem = true;
    cost += CycleTable.MEM;
    long addr = m >> 32;
    int base = (int) (m >>> 14) & 31;
    if (base != NO_REG) {
      addr += regs[base];
    }
    int idx = (int) (m >>> 19) & 31;
    if (idx != NO_REG) {
      addr += regs[idx] << ((m >>> 24) & 3);
    }
    if ((m & (1L << 29)) != 0) {
      addr += ip + immBytes;
    }
    if (asz == 4) {
      addr &= 0xffff_ffffL;
    } else if (asz == 2) {
      addr &= 0xffff;
    }
    int seg = segOvr >= 0 ? segOvr : (int) (m >>> 26) & 7;
    eaOff = addr;
    eaSeg = seg;
    ea = linear(seg, addr);
    nonCanonicalVector = seg == SS ? VEC_SS : VEC_GP;
  }

  private static long packModrm(int mod, int reg, int rm, int base, int idx, int scale, int seg,
      boolean ripRel, long disp) {
    return (long) mod << 4 | (long) reg << 6 | (long) rm << 10 | (long) base << 14
        | (long) idx << 19 | (long) scale << 24 | (long) seg << 26 | (ripRel ? 1L << 29 : 0)
        | disp << 32;
  }

  /** Fetches and decodes the ModRM bytes into the packed form (without the length). */
  private long decodeModrm() {
    int m = fetch8();
    int md = m >>> 6;
    int rg = ((m >>> 3) & 7) | ((rex & 4) << 1);
    int r = m & 7;
    if (md == 3) {
      return packModrm(3, rg, r | ((rex & 1) << 3), NO_REG, NO_REG, 0, DS, false, 0);
    }
    int seg = DS;
    int base = NO_REG;
    int idx = NO_REG;
    int scale = 0;
    boolean ripRel = false;
    long disp = 0;
    if (asz == 2) {
      switch (r) {
        case 0:
          base = 3;
          idx = 6;
          break;
        case 1:
          base = 3;
          idx = 7;
          break;
        case 2:
          base = 5;
          idx = 6;
          seg = SS;
          break;
        case 3:
          base = 5;
          idx = 7;
          seg = SS;
          break;
        case 4:
          base = 6;
          break;
        case 5:
          base = 7;
          break;
        case 6:
          if (md == 0) {
            disp = fetch16();
          } else {
            base = 5;
            seg = SS;
          }
          break;
        default:
          base = 3;
          break;
      }
      if (md == 1) {
        disp += (byte) fetch8();
      } else if (md == 2) {
        disp += (short) fetch16();
      }
    } else {
      if (r == 4) {
        int sib = fetch8();
        scale = sib >>> 6;
        int x = ((sib >>> 3) & 7) | ((rex & 2) << 2);
        int b = sib & 7;
        if (x != 4) {
          idx = x;
        } else {
          scale = 0;
        }
        if (b == 5 && md == 0) {
          disp = fetch32();
        } else {
          if (b == 4 || b == 5) {
            seg = SS;
          }
          base = b | ((rex & 1) << 3);
        }
      } else if (r == 5 && md == 0) {
        disp = fetch32();
        ripRel = mode64;
      } else {
        if (r == 5) {
          seg = SS;
        }
        base = r | ((rex & 1) << 3);
      }
      if (md == 1) {
        disp += (byte) fetch8();
      } else if (md == 2) {
        disp += fetch32();
      }
    }
    return packModrm(md, rg, 0, base, idx, scale, seg, ripRel, disp);
  }

  // ---------------------------------------------------------------------------------------------
  // Register and r/m operands

  final long getReg(int sz, int r) {
    switch (sz) {
      case 1:
        if (rex == 0 && r >= 4 && r < 8) {
          return (regs[r - 4] >>> 8) & 0xff;
        }
        return regs[r] & 0xff;
      case 2:
        return regs[r] & 0xffff;
      case 4:
        return regs[r] & 0xffff_ffffL;
      default:
        return regs[r];
    }
  }

  final void setReg(int sz, int r, long v) {
    switch (sz) {
      case 1:
        if (rex == 0 && r >= 4 && r < 8) {
          regs[r - 4] = (regs[r - 4] & ~0xff00L) | ((v & 0xff) << 8);
        } else {
          regs[r] = (regs[r] & ~0xffL) | (v & 0xff);
        }
        break;
      case 2:
        regs[r] = (regs[r] & ~0xffffL) | (v & 0xffff);
        break;
      case 4:
        regs[r] = v & 0xffff_ffffL;
        break;
      default:
        regs[r] = v;
        break;
    }
  }

  final long readRm(int sz) {
    return isMem ? read(ea, sz) : getReg(sz, rm);
  }

  final void writeRm(int sz, long v) {
    if (isMem) {
      write(ea, sz, v);
    } else {
      setReg(sz, rm, v);
    }
  }

  /** Immediate of size sz (8-byte operands take a sign-extended imm32), sign-extended. */
  final long imm(int sz) {
    switch (sz) {
      case 1:
        return (byte) fetch8();
      case 2:
        return (short) fetch16();
      default:
        return fetch32();
    }
  }

  static int immLen(int sz) {
    return sz == 8 ? 4 : sz;
  }

  /** Operand size of push/pop/call/ret: 8 in 64-bit mode unless 66h (then 2). */
  final int stackOpSize() {
    if (mode64) {
      return pfxOpsize ? 2 : 8;
    }
    return osz;
  }

  /** Near branch to target (truncated to the operand size outside 64-bit mode). */
  final void jumpTo(long target) {
    if (mode64) {
      ip = target;
    } else {
      ip = osz == 2 ? target & 0xffff : target & 0xffff_ffffL;
    }
    cost += CycleTable.BRANCH;
  }

  /**
   * Called after a taken near jmp/jcc: recognises the two idle loops gcc emits for
   * {@code while (1);} ({@code jmp .}, or a jcc to itself whose flags cannot change) and
   * {@code while (1) cpu_relax();} ({@code pause; jmp back}). Neither touches memory, registers
   * or flags, so iterations can be skipped exactly (see Core.fastForwardSpin).
   */
  final void checkSpin(long target) {
    if (!fastForward) {
      return;
    }
    if (target == rip) {
      spinInstrs = 1;
      spinExtra = 0;
    } else if (target == rip - 2) {
      long lin = fetchBase + target;
      if ((lin >>> 12) == fetchVpn && ((lin + 1) >>> 12) == fetchVpn) {
        int i = fetchPa + ((int) lin & 0xfff);
        if (ram[i] == (byte) 0xf3 && ram[i + 1] == (byte) 0x90) {
          spinInstrs = 2;
          spinExtra = CycleTable.BASE + CycleTable.PAUSE;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // String instructions

  static final int STRING_CHUNK = 4096;

  final long counter() {
    return maskAddr(regs[1]);
  }

  final void setAddrReg(int r, long v) {
    if (asz == 8) {
      regs[r] = v;
    } else if (asz == 4) {
      regs[r] = v & 0xffff_ffffL;
    } else {
      regs[r] = (regs[r] & ~0xffffL) | (v & 0xffff);
    }
  }

  final int step(int sz) {
    return (eflags & DF) != 0 ? -sz : sz;
  }

  /**
   * Kind: 0 movs, 1 cmps, 2 stos, 3 lods, 4 scas, 5 ins, 6 outs. With a rep prefix, at most
   * STRING_CHUNK iterations run per execution; the instruction then re-executes (interruptible).
   */
  final void string(int kind, int sz) {
    int srcSeg = segOvr >= 0 ? segOvr : DS;
    int d = step(sz);
    if (kind >= 5) {
      checkIo();
      cost += CycleTable.IO;
    }
    if (rep == 0) {
      stringOnce(kind, sz, srcSeg, d);
      return;
    }
    boolean bulk = (kind == 0 || kind == 2) && d > 0 && asz == 8 && mode64 && useBlocks;
    for (int n = 0; n < STRING_CHUNK; n++) {
      if (counter() == 0) {
        return;
      }
      if (bulk) {
        int k = stringBulk(kind, sz, srcSeg, (int) Math.min(counter(), STRING_CHUNK - n));
        if (k > 0) {
          cost += CycleTable.STRING_ITER * k;
          n += k - 1;
          continue;
        }
      }
      stringOnce(kind, sz, srcSeg, d);
      setAddrReg(1, counter() - 1);
      cost += CycleTable.STRING_ITER;
      if (kind == 1 || kind == 4) {
        boolean z = zf();
        if ((rep == 0xf3 && !z) || (rep == 0xf2 && z)) {
          return;
        }
      }
    }
    if (counter() != 0) {
      ip = rip; // not done: execute again after checking for interrupts
      retire = false;
    }
  }

  /**
   * Up to max iterations of rep movs/stos (forward, 64-bit addresses) at once, exactly as that many
   * stringOnce calls would do them: only while source and destination stay inside pages the TLB
   * already holds for the access (so no element can fault or reach MMIO), on a destination page no
   * decoded code came from (stores there go element by element, for the self-modifying-code
   * check), and not when the destination starts inside the source run (a forward element-by-element
   * copy would then re-read bytes it wrote). Returns the iterations done (0: none; the caller then
   * runs one the ordinary way). RSI/RDI/RCX are updated as the iterations would. A fast path
   * like the block engine, switched off with it (Cpu.setBlockEngine(false), -Demu.blocks=false).
   */
  private int stringBulk(int kind, int sz, int srcSeg, int max) {
    long dlin = linear(ES, regs[7]);
    long dvpn = dlin >>> 12;
    int dt = (int) dvpn & TLB_MASK;
    if (tlbW[dt] != dvpn) {
      return 0;
    }
    int doff = (int) dlin & 0xfff;
    int k = Math.min(max, (0x1000 - doff) / sz);
    int dp = tlbPa[dt] + doff;
    if (k <= 0 || codeMarks[dp >>> 12] != 0) {
      return 0;
    }
    if (kind == 0) {
      long slin = linear(srcSeg, regs[6]);
      long svpn = slin >>> 12;
      int st = (int) svpn & TLB_MASK;
      if (tlbR[st] != svpn) {
        return 0;
      }
      int soff = (int) slin & 0xfff;
      k = Math.min(k, (0x1000 - soff) / sz);
      int sp = tlbPa[st] + soff;
      int len = k * sz;
      if (k <= 0 || (dp > sp && dp < sp + len)) {
        return 0;
      }
      System.arraycopy(ram, sp, ram, dp, len);
      regs[6] += len;
    } else {
      long v = regs[0];
      switch (sz) {
        case 1:
          Arrays.fill(ram, dp, dp + k, (byte) v);
          break;
        case 2:
          for (int j = 0; j < k; j++) {
            SHORT.set(ram, dp + 2 * j, (short) v);
          }
          break;
        case 4:
          for (int j = 0; j < k; j++) {
            INT.set(ram, dp + 4 * j, (int) v);
          }
          break;
        default:
          for (int j = 0; j < k; j++) {
            LONG.set(ram, dp + 8 * j, v);
          }
          break;
      }
    }
    regs[7] += (long) k * sz;
    regs[1] -= k;
    return k;
  }

  private void stringOnce(int kind, int sz, int srcSeg, int d) {
    long si = maskAddr(regs[6]);
    long di = maskAddr(regs[7]);
    switch (kind) {
      case 0: { // movs
        long v = read(linear(srcSeg, si), sz);
        write(linear(ES, di), sz, v);
        setAddrReg(6, si + d);
        setAddrReg(7, di + d);
        break;
      }
      case 1: { // cmps
        long a = read(linear(srcSeg, si), sz);
        long b = read(linear(ES, di), sz);
        sub(sz, a, b);
        setAddrReg(6, si + d);
        setAddrReg(7, di + d);
        break;
      }
      case 2: // stos
        write(linear(ES, di), sz, regs[0]);
        setAddrReg(7, di + d);
        break;
      case 3: // lods
        setReg(sz, 0, read(linear(srcSeg, si), sz));
        setAddrReg(6, si + d);
        break;
      case 4: // scas
        sub(sz, regs[0], read(linear(ES, di), sz));
        setAddrReg(7, di + d);
        break;
      case 5: { // ins
        long lin = linear(ES, di);
        probeWrite(lin, sz);
        irqPoll = true; // a host call may make an interrupt pending
        int v = host.ioRead((int) regs[2] & 0xffff, sz);
        write(lin, sz, v & 0xffff_ffffL);
        setAddrReg(7, di + d);
        break;
      }
      default: { // outs
        long v = read(linear(srcSeg, si), sz);
        irqPoll = true; // a host call may make an interrupt pending
        host.ioWrite((int) regs[2] & 0xffff, sz, (int) v);
        setAddrReg(6, si + d);
        break;
      }
    }
  }

  /** I/O privilege: CPL > IOPL raises #GP(0) (no TSS I/O bitmap is modelled). */
  final void checkIo() {
    if (protectedMode && cpl > ((eflags >>> 12) & 3)) {
      throw gp0();
    }
  }
}
