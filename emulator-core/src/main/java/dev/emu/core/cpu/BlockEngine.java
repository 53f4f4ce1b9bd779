package dev.emu.core.cpu;

import static dev.emu.core.cpu.BlockDecoder.ALU_MI;
import static dev.emu.core.cpu.BlockDecoder.ALU_MR;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RM64;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RI64;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR32;
import static dev.emu.core.cpu.BlockDecoder.ALU_RR64;
import static dev.emu.core.cpu.BlockDecoder.LEA32;
import static dev.emu.core.cpu.BlockDecoder.LEA64;
import static dev.emu.core.cpu.BlockDecoder.LOAD32;
import static dev.emu.core.cpu.BlockDecoder.LOAD64;
import static dev.emu.core.cpu.BlockDecoder.MOVZX8_M;
import static dev.emu.core.cpu.BlockDecoder.MOVZX8_R;
import static dev.emu.core.cpu.BlockDecoder.MOV_RI_WIDE;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR32;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR64;
import static dev.emu.core.cpu.BlockDecoder.STORE32;
import static dev.emu.core.cpu.BlockDecoder.STORE64;
import static dev.emu.core.cpu.BlockDecoder.CALL;
import static dev.emu.core.cpu.BlockDecoder.CALL_M;
import static dev.emu.core.cpu.BlockDecoder.CALL_R;
import static dev.emu.core.cpu.BlockDecoder.CDQE;
import static dev.emu.core.cpu.BlockDecoder.CMOV_M;
import static dev.emu.core.cpu.BlockDecoder.CMOV_R;
import static dev.emu.core.cpu.BlockDecoder.CQO;
import static dev.emu.core.cpu.BlockDecoder.DEC_M;
import static dev.emu.core.cpu.BlockDecoder.DEC_R;
import static dev.emu.core.cpu.BlockDecoder.HIGH8;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RM;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RMI;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RR;
import static dev.emu.core.cpu.BlockDecoder.IMUL_RRI;
import static dev.emu.core.cpu.BlockDecoder.INC_M;
import static dev.emu.core.cpu.BlockDecoder.INC_R;
import static dev.emu.core.cpu.BlockDecoder.JCC;
import static dev.emu.core.cpu.BlockDecoder.JMP;
import static dev.emu.core.cpu.BlockDecoder.JMP_M;
import static dev.emu.core.cpu.BlockDecoder.JMP_R;
import static dev.emu.core.cpu.BlockDecoder.LEA;
import static dev.emu.core.cpu.BlockDecoder.MOVSXD_M;
import static dev.emu.core.cpu.BlockDecoder.MOVSXD_R;
import static dev.emu.core.cpu.BlockDecoder.MOVX_M;
import static dev.emu.core.cpu.BlockDecoder.MOVX_R;
import static dev.emu.core.cpu.BlockDecoder.MOV_LOAD;
import static dev.emu.core.cpu.BlockDecoder.MOV_MI;
import static dev.emu.core.cpu.BlockDecoder.MOV_RI;
import static dev.emu.core.cpu.BlockDecoder.MOV_RR;
import static dev.emu.core.cpu.BlockDecoder.MOV_STORE;
import static dev.emu.core.cpu.BlockDecoder.NEG_M;
import static dev.emu.core.cpu.BlockDecoder.NEG_R;
import static dev.emu.core.cpu.BlockDecoder.NOP;
import static dev.emu.core.cpu.BlockDecoder.NOT_M;
import static dev.emu.core.cpu.BlockDecoder.NOT_R;
import static dev.emu.core.cpu.BlockDecoder.OP_TEST;
import static dev.emu.core.cpu.BlockDecoder.POP_R;
import static dev.emu.core.cpu.BlockDecoder.PUSH_I;
import static dev.emu.core.cpu.BlockDecoder.PUSH_M;
import static dev.emu.core.cpu.BlockDecoder.PUSH_R;
import static dev.emu.core.cpu.BlockDecoder.RET;
import static dev.emu.core.cpu.BlockDecoder.RIPBASE;
import static dev.emu.core.cpu.BlockDecoder.SETCC_M;
import static dev.emu.core.cpu.BlockDecoder.SETCC_R;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_MC;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_MI;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_RC;
import static dev.emu.core.cpu.BlockDecoder.SHIFT_RI;

import dev.emu.core.mem.PhysicalMemory;

/**
 * The block engine: executes a {@link Block} of pre-decoded 64-bit instructions with RIP, cycles
 * and instructions retired in locals (see docs/cpu.md, "Block engine").
 *
 * <p>Exactness rules, each mirroring the generic path of {@link Core#run} instruction by
 * instruction: (1) after every instruction the block is left when the slice limit or a PMU
 * counter limit is reached, or when {@code irqPoll} is set (any host call: MMIO, and a store that
 * dropped a pre-decoded block), so events, limits and self-modifying code are seen at the same
 * instruction boundary as in the generic path; (2) branches end blocks, and the run loop does its
 * per-instruction bookkeeping (spin detection, counter limits) for the last one; (3) handlers
 * make every access that can fault before they change a register or flag (read-modify-write
 * forms probe the write first), and a faulting instruction is re-executed by the generic path,
 * which delivers the exception exactly as it always has.
 */
abstract class BlockEngine extends TwoByteOps {
  /** The next instruction must go through the generic path (it faulted in a block). */
  boolean blockSkip;
  /** Address of the last instruction a block executed. */
  long blockLastAt;
  /** The spin detector's hook already ran for the instruction at blockLastAt. */
  boolean blockFfDone;
  /** Statistics (diagnostics, tests). */
  long blocksRun;
  long blockInstructions;

  BlockEngine(int index, PhysicalMemory memory, CpuHost host, CpuModel model) {
    super(index, memory, host, model);
  }

  /**
   * The block starting at RIP (decoding it on first use), or null when the code page is not in
   * the TLB or the instruction there is not supported. Call only in 64-bit mode.
   */
  final Block findBlock() {
    long lin = rip;
    long vpn = lin >>> 12;
    int t = (int) vpn & TLB_MASK;
    if (tlbX[t] != vpn || tlbCpl != cpl) {
      return null;
    }
    int pagePa = tlbPa[t];
    int page = pagePa >>> 12;
    int s = dcache.slotOfPage[page] - 1;
    if (s < 0) {
      s = dcache.acquire(page);
    }
    int off = (int) lin & 0xfff;
    Block b = dcache.blocks(s)[off];
    if (b == null) {
      b = BlockDecoder.decode(ram, pagePa, off);
      dcache.putBlock(s, b);
    }
    if (b.n == 0) {
      return null;
    }
    if (fetchVpn != vpn || fetchPa != pagePa) {
      fetchVpn = vpn;
      fetchPa = pagePa;
      codeGen = 0;
    }
    return b;
  }

  /**
   * Runs a block from its first instruction (RIP is its address). Returns the number of
   * instructions completed; RIP, cycles, retired, cost (of the last one) and blockLastAt are
   * updated. 0 means the first instruction faulted and must be run by the generic path.
   */
  final int execBlock(Block first) {
    inBlock = true; // no device calls while RIP/cycles/retired live in locals (Mmu.blockAbort)
    try {
      return runBlocks(first);
    } finally {
      inBlock = false;
    }
  }

  private int runBlocks(Block first) {
    final long[] r = regs;
    Block b = first;
    long cyc = cycles;
    long ret = retired;
    long cycStop = runLimit;
    if (unhaltedLimit != Long.MAX_VALUE) {
      cycStop = Math.min(cycStop, unhaltedLimit + idleCycles);
    }
    final long retStop = instructionLimit;
    int total = 0;
    long lastAt = rip;
    int lastCost = 0;
    boolean hookRan = false; // the spin detector's hook ran for the instruction at lastAt
    while (true) {
      final int[] ops = b.op;
      final int[] fs = b.f;
      final int[] ends = b.end;
      final int[] cum = b.cum;
      final long[] imms = b.imm;
      final long[] disps = b.disp;
      final int n = ops.length;
      final long base = rip;
      r[RIPBASE] = base;
      final long cyc0 = cyc;
      final long ret0 = ret;
      // Limits can only be reached inside this block if its worst case reaches them: then it
      // runs one instruction at a time with the checks, else in one go.
      final boolean checked = cyc + b.maxCost >= cycStop || ret + n >= retStop;
      int i = 0;
      int extra = 0; // CycleTable.BRANCH when the final branch is taken
      long target = 0; // where the final branch goes
      try {
        while (true) {
          final int lim = checked ? i + 1 : n;
          while (true) {
            final int fi = fs[i];
            switch (ops[i]) {
            case MOV_RR64:
              r[fi & 31] = r[(fi >>> 5) & 31];
              break;
            case MOV_RR32:
              r[fi & 31] = r[(fi >>> 5) & 31] & 0xffff_ffffL;
              break;
            case LOAD64: {
              long v = read64(ea(fi, disps[i]));
              r[fi & 31] = v;
              break;
            }
            case LOAD32: {
              long v = read32(ea(fi, disps[i])) & 0xffff_ffffL;
              r[fi & 31] = v;
              break;
            }
            case STORE64:
              write64(ea(fi, disps[i]), r[fi & 31]);
              break;
            case STORE32:
              write32(ea(fi, disps[i]), (int) r[fi & 31]);
              break;
            case MOV_RI_WIDE:
              r[fi & 31] = imms[i];
              break;
            case ALU_RR64: {
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 8, r[d], r[(fi >>> 5) & 31]);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case ALU_RR32: {
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 4, r[d], r[(fi >>> 5) & 31]);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case ALU_RI64: {
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 8, r[d], imms[i]);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case ALU_RI32: {
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 4, r[d], imms[i]);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case ALU_RM64: {
              long v = read64(ea(fi, disps[i]));
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 8, r[d], v);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case ALU_RM32: {
              long v = read32(ea(fi, disps[i])) & 0xffff_ffffL;
              int op = sub(fi);
              int d = fi & 31;
              long res = aluOp(op, 4, r[d], v);
              if (op < 7) {
                r[d] = res;
              }
              break;
            }
            case LEA64:
              r[fi & 31] = ea(fi, disps[i]);
              break;
            case LEA32:
              r[fi & 31] = ea(fi, disps[i]) & 0xffff_ffffL;
              break;
            case MOVZX8_R:
              r[fi & 31] = r[(fi >>> 5) & 31] & 0xff;
              break;
            case MOVZX8_M: {
              long v = read8(ea(fi, disps[i]));
              r[fi & 31] = v;
              break;
            }
            case MOV_RR:
                put(size(fi), fi & 31, get(size(fi), (fi >>> 5) & 31));
                break;
              case MOV_LOAD: {
                int sz = size(fi);
                long v = read(ea(fi, disps[i]), sz);
                put(sz, fi & 31, v);
                break;
              }
              case MOV_STORE: {
                int sz = size(fi);
                write(ea(fi, disps[i]), sz, get(sz, fi & 31));
                break;
              }
              case MOV_RI:
                put(size(fi), fi & 31, imms[i]);
                break;
              case MOV_MI:
                write(ea(fi, disps[i]), size(fi), imms[i]);
                break;
              case ALU_RR: {
                int sz = size(fi);
                int op = sub(fi);
                int d = fi & 31;
                long res = aluOp(op, sz, get(sz, d), get(sz, (fi >>> 5) & 31));
                if (op < 7) {
                  put(sz, d, res);
                }
                break;
              }
              case ALU_RM: {
                int sz = size(fi);
                int op = sub(fi);
                int d = fi & 31;
                long v = read(ea(fi, disps[i]), sz);
                long res = aluOp(op, sz, get(sz, d), v);
                if (op < 7) {
                  put(sz, d, res);
                }
                break;
              }
              case ALU_MR:
                aluMem(fi, ea(fi, disps[i]), get(size(fi), fi & 31));
                break;
              case ALU_RI: {
                int sz = size(fi);
                int op = sub(fi);
                int d = fi & 31;
                long res = aluOp(op, sz, get(sz, d), imms[i]);
                if (op < 7) {
                  put(sz, d, res);
                }
                break;
              }
              case ALU_MI:
                aluMem(fi, ea(fi, disps[i]), imms[i]);
                break;
              case LEA:
                put(size(fi), fi & 31, ea(fi, disps[i]));
                break;
              case PUSH_R: {
                long sp = r[4] - 8;
                write64(sp, r[fi & 31]);
                r[4] = sp;
                break;
              }
              case PUSH_I: {
                long sp = r[4] - 8;
                write64(sp, imms[i]);
                r[4] = sp;
                break;
              }
              case PUSH_M: {
                long v = read64(ea(fi, disps[i]));
                long sp = r[4] - 8;
                write64(sp, v);
                r[4] = sp;
                break;
              }
              case POP_R: {
                long v = read64(r[4]);
                r[4] += 8;
                r[fi & 31] = v;
                break;
              }
              case INC_R:
              case DEC_R:
              case NOT_R:
              case NEG_R:
                unaryReg(ops[i], fi);
                break;
              case INC_M:
              case DEC_M:
              case NOT_M:
              case NEG_M:
                unaryMem(ops[i], fi, ea(fi, disps[i]));
                break;
              case MOVX_R: {
                int ssz = fi >>> 28;
                long v = get(ssz, (fi >>> 5) & 31);
                put(size(fi), fi & 31, (fi & (1 << 27)) != 0 ? sx(v, ssz) : v);
                break;
              }
              case MOVX_M: {
                int ssz = fi >>> 28;
                long v = read(ea(fi, disps[i]), ssz);
                put(size(fi), fi & 31, (fi & (1 << 27)) != 0 ? sx(v, ssz) : v);
                break;
              }
              case SHIFT_RI:
                shiftReg(fi, (int) imms[i]);
                break;
              case SHIFT_RC:
                shiftReg(fi, (int) r[1] & 0xff);
                break;
              case SHIFT_MI:
                shiftMem(fi, ea(fi, disps[i]), (int) imms[i]);
                break;
              case SHIFT_MC:
                shiftMem(fi, ea(fi, disps[i]), (int) r[1] & 0xff);
                break;
              case IMUL_RR: {
                int sz = size(fi);
                put(sz, fi & 31, imul2(sz, get(sz, fi & 31), get(sz, (fi >>> 5) & 31)));
                break;
              }
              case IMUL_RM: {
                int sz = size(fi);
                long v = read(ea(fi, disps[i]), sz);
                put(sz, fi & 31, imul2(sz, get(sz, fi & 31), v));
                break;
              }
              case IMUL_RRI: {
                int sz = size(fi);
                put(sz, fi & 31, imul2(sz, get(sz, (fi >>> 5) & 31), imms[i]));
                break;
              }
              case IMUL_RMI: {
                int sz = size(fi);
                long v = read(ea(fi, disps[i]), sz);
                put(sz, fi & 31, imul2(sz, v, imms[i]));
                break;
              }
              case CMOV_R:
                cmov(fi, get(size(fi), (fi >>> 5) & 31));
                break;
              case CMOV_M:
                cmov(fi, read(ea(fi, disps[i]), size(fi)));
                break;
              case SETCC_R:
                put(1, fi & 31, cond(sub(fi)) ? 1 : 0);
                break;
              case SETCC_M:
                write8(ea(fi, disps[i]), cond(sub(fi)) ? 1 : 0);
                break;
              case MOVSXD_R:
                put(size(fi), fi & 31, size(fi) == 8 ? (long) (int) r[(fi >>> 5) & 31]
                    : get(size(fi), (fi >>> 5) & 31));
                break;
              case MOVSXD_M: {
                int sz = size(fi);
                long v = sz == 8 ? (long) read32(ea(fi, disps[i])) : read(ea(fi, disps[i]), sz);
                put(sz, fi & 31, v);
                break;
              }
              case CDQE: {
                int sz = size(fi);
                put(sz, 0, sx(r[0], sz >> 1));
                break;
              }
              case CQO: {
                int sz = size(fi);
                put(sz, 2, (get(sz, 0) & signBit(sz)) != 0 ? -1 : 0);
                break;
              }
              case NOP:
                break;
              case JCC:
                if (cond(sub(fi))) {
                  extra = CycleTable.BRANCH;
                  target = spinCheck(base, ends, i, base + imms[i]);
                }
                break;
              case JMP:
                extra = CycleTable.BRANCH;
                target = spinCheck(base, ends, i, base + imms[i]);
                break;
              case CALL: {
                long sp = r[4] - 8;
                write64(sp, base + ends[i]);
                r[4] = sp;
                extra = CycleTable.BRANCH;
                target = base + imms[i];
                break;
              }
              case RET: {
                long t = read64(r[4]);
                r[4] += 8;
                extra = CycleTable.BRANCH;
                target = t;
                break;
              }
              case CALL_R:
              case CALL_M: {
                long t = ops[i] == CALL_R ? r[(fi >>> 5) & 31] : read64(ea(fi, disps[i]));
                long sp = r[4] - 8;
                write64(sp, base + ends[i]);
                r[4] = sp;
                extra = CycleTable.BRANCH;
                target = t;
                break;
              }
              case JMP_R:
                extra = CycleTable.BRANCH;
                target = r[(fi >>> 5) & 31];
                break;
              case JMP_M:
                target = read64(ea(fi, disps[i]));
                extra = CycleTable.BRANCH;
                break;
              default:
                throw new IllegalStateException("block op " + ops[i]);
            }
            i++;
            if (i == lim || irqPoll) {
              break;
            }
          }
          cyc = cyc0 + cum[i - 1] + extra;
          ret = ret0 + i;
          if (i == n || irqPoll || (checked && (cyc >= cycStop || ret >= retStop))) {
            break;
          }
        }
      } catch (GuestFault g) {
        // Instruction i faulted, or was about to call a device (blockAbort), with no
        // architectural effect: the generic path runs it again.
        long at = base + (i == 0 ? 0 : ends[i - 1]);
        rip = at;
        ip = at;
        cycles = cyc0 + (i == 0 ? 0 : cum[i - 1]);
        retired = ret0 + i;
        blockSkip = true;
        total += i;
        if (i > 0) {
          blockLastAt = base + (i == 1 ? 0 : ends[i - 2]);
          cost = b.cost[i - 1]; // not a branch (branches end blocks)
          blockFfDone = false;
        } else {
          blockLastAt = lastAt; // the previous block's branch (when total > 0)
          cost = lastCost;
          blockFfDone = hookRan;
        }
        blocksRun++;
        blockInstructions += i;
        return total;
      }
      total += i;
      blocksRun++;
      blockInstructions += i;
      lastAt = base + (i == 1 ? 0 : ends[i - 2]);
      lastCost = b.cost[i - 1] + extra;
      hookRan = false;
      long nip = extra != 0 ? target : base + ends[i - 1];
      rip = nip;
      if (i != n || irqPoll || checked || spinInstrs != 0 || stopRequested) {
        break;
      }
      // Chain to the next block without going back to the run loop, doing what the run loop
      // would do after this block's last instruction (a branch): the spin detector's hook.
      if (Long.compareUnsigned(lastAt - nip, SpinDetector.MAX_SPAN + 1) < 0) {
        cycles = cyc;
        retired = ret;
        cost = lastCost;
        ip = nip;
        hookRan = true;
        inBlock = false;
        ((Core) this).ff.afterInstruction(lastAt);
        inBlock = true;
        cyc = cycles;
        ret = retired;
        if (((Core) this).ff.recording || cyc >= cycStop || ret >= retStop || irqPoll
            || stopRequested) {
          break;
        }
      }
      Block nb;
      if (((nip ^ base) >>> 12) == 0) {
        int off = (int) nip & 0xfff;
        Block l = b.nextTaken;
        if (l != null && l.start == off && !l.dead) {
          nb = l;
        } else if ((l = b.nextFall) != null && l.start == off && !l.dead) {
          nb = l;
        } else {
          nb = findBlock();
          if (nb == null) {
            break;
          }
          if (b.nextTaken == null || b.nextTaken.dead) {
            b.nextTaken = nb;
          } else {
            b.nextFall = nb;
          }
        }
      } else {
        nb = findBlock();
        if (nb == null) {
          break;
        }
      }
      b = nb;
    }
    ip = rip;
    cycles = cyc;
    retired = ret;
    cost = lastCost;
    retire = true;
    blockLastAt = lastAt;
    blockFfDone = hookRan;
    return total;
  }

  private static int size(int fi) {
    return (fi >>> 19) & 15;
  }

  private static int sub(int fi) {
    return (fi >>> 23) & 15;
  }

  /** Effective (linear) address of a memory operand: disp + base + index << scale (+ FS/GS). */
  private long ea(int fi, long disp) {
    long[] r = regs;
    long a = disp + r[(fi >>> 5) & 31] + (r[(fi >>> 10) & 31] << ((fi >>> 15) & 3));
    int sg = (fi >>> 17) & 3;
    return sg == 0 ? a : a + segBase[sg + 3];
  }

  /** Register operand of size sz (codes 20-23: AH, CH, DH, BH), zero-extended. */
  private long get(int sz, int code) {
    long[] r = regs;
    switch (sz) {
      case 8:
        return r[code];
      case 4:
        return r[code] & 0xffff_ffffL;
      case 2:
        return r[code] & 0xffff;
      default:
        return code >= HIGH8 ? (r[code - HIGH8] >>> 8) & 0xff : r[code] & 0xff;
    }
  }

  /** Writes a register operand as the generic setReg does (32-bit writes zero-extend). */
  private void put(int sz, int code, long v) {
    long[] r = regs;
    switch (sz) {
      case 8:
        r[code] = v;
        break;
      case 4:
        r[code] = v & 0xffff_ffffL;
        break;
      case 2:
        r[code] = (r[code] & ~0xffffL) | (v & 0xffff);
        break;
      default:
        if (code >= HIGH8) {
          int k = code - HIGH8;
          r[k] = (r[k] & ~0xff00L) | ((v & 0xff) << 8);
        } else {
          r[code] = (r[code] & ~0xffL) | (v & 0xff);
        }
        break;
    }
  }

  private long aluOp(int op, int sz, long a, long b) {
    if (op == OP_TEST) {
      logicFlags(sz, a & b);
      return 0;
    }
    return alu(op, sz, a, b);
  }

  /** [m] = [m] op v (cmp and test only read). */
  private void aluMem(int fi, long lin, long v) {
    int sz = size(fi);
    int op = sub(fi);
    if (op < 7) {
      probeWrite(lin, sz);
      long res = alu(op, sz, read(lin, sz), v);
      write(lin, sz, res);
    } else {
      aluOp(op, sz, read(lin, sz), v);
    }
  }

  private void unaryReg(int op, int fi) {
    int sz = size(fi);
    int d = fi & 31;
    long v = get(sz, d);
    put(sz, d, unary(op, sz, v));
  }

  private void unaryMem(int op, int fi, long lin) {
    int sz = size(fi);
    probeWrite(lin, sz);
    long v = read(lin, sz);
    write(lin, sz, unary(op, sz, v));
  }

  private long unary(int op, int sz, long v) {
    switch (op) {
      case INC_R:
      case INC_M:
        return inc(sz, v);
      case DEC_R:
      case DEC_M:
        return dec(sz, v);
      case NOT_R:
      case NOT_M:
        return ~v;
      default:
        return sub(sz, 0, v);
    }
  }

  private void shiftReg(int fi, int count) {
    int sz = size(fi);
    int d = fi & 31;
    put(sz, d, shift(sub(fi), sz, get(sz, d), count));
  }

  private void shiftMem(int fi, long lin, int count) {
    int sz = size(fi);
    if ((count & (sz == 8 ? 63 : 31)) != 0) {
      probeWrite(lin, sz);
      long r = shift(sub(fi), sz, read(lin, sz), count);
      write(lin, sz, r);
    } else {
      shift(sub(fi), sz, read(lin, sz), count); // reads (may fault), writes nothing
    }
  }

  private void cmov(int fi, long v) {
    int sz = size(fi);
    int d = fi & 31;
    if (cond(sub(fi))) {
      put(sz, d, v);
    } else if (sz == 4) {
      regs[d] &= 0xffff_ffffL;
    }
  }

  /** A taken jmp/jcc: the generic path's idle-loop check (Decoder.checkSpin), then the target. */
  private long spinCheck(long base, int[] ends, int i, long target) {
    if (fastForward) {
      rip = base + (i == 0 ? 0 : ends[i - 1]);
      checkSpin(target);
    }
    return target;
  }
}
