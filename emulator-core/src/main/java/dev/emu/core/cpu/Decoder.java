package dev.emu.core.cpu;

import dev.emu.core.mem.PhysicalMemory;

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

  /** Decodes ModRM (+SIB, displacement); immBytes = immediate bytes that follow (RIP-relative). */
  final void modrm(int immBytes) {
    int m = fetch8();
    mod = m >>> 6;
    reg = ((m >>> 3) & 7) | ((rex & 4) << 1);
    int r = m & 7;
    if (mod == 3) {
      rm = r | ((rex & 1) << 3);
      isMem = false;
      if (lock) {
        throw ud();
      }
      return;
    }
    isMem = true;
    cost += CycleTable.MEM;
    int seg = DS;
    long addr;
    if (asz == 2) {
      switch (r) {
        case 0:
          addr = regs[3] + regs[6];
          break;
        case 1:
          addr = regs[3] + regs[7];
          break;
        case 2:
          addr = regs[5] + regs[6];
          seg = SS;
          break;
        case 3:
          addr = regs[5] + regs[7];
          seg = SS;
          break;
        case 4:
          addr = regs[6];
          break;
        case 5:
          addr = regs[7];
          break;
        case 6:
          if (mod == 0) {
            addr = fetch16();
          } else {
            addr = regs[5];
            seg = SS;
          }
          break;
        default:
          addr = regs[3];
          break;
      }
      if (mod == 1) {
        addr += (byte) fetch8();
      } else if (mod == 2) {
        addr += (short) fetch16();
      }
      addr &= 0xffff;
    } else {
      if (r == 4) {
        int sib = fetch8();
        int scale = sib >>> 6;
        int idx = ((sib >>> 3) & 7) | ((rex & 2) << 2);
        int base = sib & 7;
        addr = idx == 4 ? 0 : regs[idx] << scale;
        if (base == 5 && mod == 0) {
          addr += fetch32();
        } else {
          if (base == 4 || base == 5) {
            seg = SS;
          }
          addr += regs[base | ((rex & 1) << 3)];
        }
      } else if (r == 5 && mod == 0) {
        int disp = fetch32();
        if (mode64) {
          addr = ip + immBytes + disp;
        } else {
          addr = disp & 0xffff_ffffL;
        }
      } else {
        if (r == 5) {
          seg = SS;
        }
        addr = regs[r | ((rex & 1) << 3)];
      }
      if (mod == 1) {
        addr += (byte) fetch8();
      } else if (mod == 2) {
        addr += fetch32();
      }
      if (asz == 4) {
        addr &= 0xffff_ffffL;
      }
    }
    if (segOvr >= 0) {
      seg = segOvr;
    }
    eaOff = addr;
    eaSeg = seg;
    ea = linear(seg, addr);
    nonCanonicalVector = seg == SS ? VEC_SS : VEC_GP;
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
    for (int n = 0; n < STRING_CHUNK; n++) {
      if (counter() == 0) {
        return;
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
        int v = host.ioRead((int) regs[2] & 0xffff, sz);
        write(lin, sz, v & 0xffff_ffffL);
        setAddrReg(7, di + d);
        break;
      }
      default: { // outs
        long v = read(linear(srcSeg, si), sz);
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
