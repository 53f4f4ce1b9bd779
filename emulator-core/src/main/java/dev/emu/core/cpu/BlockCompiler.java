package dev.emu.core.cpu;

import static dev.emu.core.cpu.BlockDecoder.*;
import static org.objectweb.asm.Opcodes.*;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Compiles a hot {@link Block} to a hidden JVM class ({@link BlockCode}), which C2 then compiles
 * to host code: no dispatch, register numbers, immediates and displacements as constants, and the
 * lazy-flag record (fOp, fA, fB, fRes, fSz) held in locals, written to the fields only when the
 * block leaves, before a call that reads them (execOther, the generic ALU, cond) and, in an
 * exception handler, when an access faults. A jcc after a compare or test in the same block is
 * decided from the locals at compile-time-known condition and size.
 *
 * <p>The generated code is the block engine's unchecked loop written out: the same accesses in
 * the same order, each faulting access made before the instruction changes anything, the same
 * irqPoll exits after stores. Blocks with an instruction the compiler does not know, or with a
 * jump the spin detector watches (SPIN_CANDIDATE), are not compiled; the engine's loop runs them.
 */
final class BlockCompiler {
  private static final String ENGINE = "dev/emu/core/cpu/BlockEngine";
  private static final String CODE = "dev/emu/core/cpu/BlockCode";
  private static final String FAULT = "dev/emu/core/cpu/GuestFault";
  private static final String RUN_DESC = "(L" + ENGINE + ";[JJI)I";
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
  private static final long M32 = 0xffff_ffffL;

  // Locals of run(): this, e, r, base (two slots), maxLoops, the loop count, then temporaries.
  private static final int E = 1;
  private static final int R = 2;
  private static final int BASE = 3;
  private static final int MAX_LOOPS = 5;
  private static final int LOOPS = 6;
  private static final int FIRST_TEMP = 7;

  /** JVM-wide: classes made, blocks given an existing one, compilations that failed (a bug). */
  static int compiled;
  static int shared;
  static int failures;

  /** The lazy-flag record of the last flag-writing instruction, held in locals. */
  private record Flags(int op, int a, int b, int res, int sz, boolean zeroAb) {}

  /** A faulting access: its code range, instruction index and flag record at its start. */
  private record Handler(Label start, Label end, Label handler, int index, Flags flags) {}

  private final Block b;
  /** Index of the branch that loops back to the block's start, or -1. */
  private final int loopAt;
  private final Label head = new Label();
  private final MethodVisitor mv;
  private final List<Handler> handlers = new ArrayList<>();
  private int nextLocal = FIRST_TEMP;
  private Flags pending;

  private BlockCompiler(Block b, MethodVisitor mv) {
    this.b = b;
    this.loopAt = selfLoopAt(b);
    this.mv = mv;
  }

  /**
   * The index of the first jcc or jmp of b back to its own start (a loop whose body is the
   * block's first instructions), or -1: the compiled code runs further iterations itself through
   * that branch, as many as run()'s maxLoops allows (see BlockCode.run).
   */
  static int selfLoopAt(Block b) {
    for (int k = 0; k < b.n; k++) {
      int op = (int) (b.w[k] >>> 32);
      if ((op == JCC || op == JMP) && b.imm[k] == 0) {
        return k;
      }
    }
    return -1;
  }

  /** Whether every instruction of b is one the compiler knows and no jump is a spin candidate. */
  static boolean compilable(Block b) {
    if (b.n == 0) {
      return false;
    }
    for (int k = 0; k < b.n; k++) {
      int op = (int) (b.w[k] >>> 32);
      int fi = (int) b.w[k];
      boolean jump = op == JCC || op == JMP || op == FCMP_MI || (op >= FUSED && op <= FTEST_RI32);
      if (jump && (fi & SPIN_CANDIDATE) != 0) {
        return false;
      }
      if (!known(op)) {
        return false;
      }
      if ((op == FCMP_MI || op >= FUSED) && (k + 1 >= b.n || (int) (b.w[k + 1] >>> 32) != JCC)) {
        return false; // a fused compare is always followed by its jcc; anything else is odd
      }
    }
    return true;
  }

  private static boolean known(int op) {
    if (op >= ADD_RR64 && op <= TEST_RI32) {
      return true;
    }
    if (op >= FCMP_RR64 && op <= FTEST_RI32) {
      return true;
    }
    if (op >= MOV_RR && op <= CQO) {
      return true; // the general forms (execOther, the generic ALU, aluMem...)
    }
    return op >= BlockDecoder.NOP && op <= FCMP_MI;
  }

  /**
   * Compiled code by block content, shared by every CPU of the JVM (the vCPUs of a machine run
   * the same kernel code; a module loaded again decodes the same blocks). Cleared when it reaches
   * {@link #SHARED_MAX} entries: the classes are hidden and unloadable, so what stays alive is
   * what live blocks (bounded by the CPUs' decode caches) still use.
   */
  private static final HashMap<Key, BlockCode> SHARED = new HashMap<>();
  static final int SHARED_MAX = 4096;

  /**
   * A block's content: all that its compiled code depends on (the block's arrays, which never
   * change; not the block itself, whose successor links would keep dropped blocks alive).
   */
  private static final class Key {
    final long[] w;
    final long[] imm;
    final long[] disp;
    final int[] end;
    final int hash;

    Key(Block b) {
      this.w = b.w;
      this.imm = b.imm;
      this.disp = b.disp;
      this.end = b.end;
      this.hash = (Arrays.hashCode(w) * 31 + Arrays.hashCode(imm)) * 31 + Arrays.hashCode(disp);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(w, k.w) && Arrays.equals(imm, k.imm)
          && Arrays.equals(disp, k.disp) && Arrays.equals(end, k.end);
    }
  }

  /** Compiles b (or finds its code), or returns null (not compilable, or no class was made). */
  static synchronized BlockCode compile(Block b) {
    if (!compilable(b)) {
      return null;
    }
    Key key = new Key(b);
    BlockCode code = SHARED.get(key);
    if (code != null) {
      shared++;
      return code;
    }
    try {
      byte[] bytes = generate(b);
      Class<?> c = LOOKUP.defineHiddenClass(bytes, true).lookupClass();
      code = (BlockCode) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
      failures++;
      return null;
    }
    compiled++;
    if (SHARED.size() >= SHARED_MAX) {
      SHARED.clear();
    }
    SHARED.put(key, code);
    return code;
  }

  static byte[] generate(Block b) {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
      @Override
      protected String getCommonSuperClass(String type1, String type2) {
        return "java/lang/Object";
      }
    };
    cw.visit(V17, ACC_FINAL | ACC_SUPER, "dev/emu/core/cpu/BlockCode$Compiled", null, CODE, null);
    MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(ALOAD, 0);
    init.visitMethodInsn(INVOKESPECIAL, CODE, "<init>", "()V", false);
    init.visitInsn(RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    MethodVisitor mv = cw.visitMethod(ACC_FINAL, "run", RUN_DESC, null, null);
    mv.visitCode();
    new BlockCompiler(b, mv).body();
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    cw.visitEnd();
    return cw.toByteArray();
  }

  private void body() {
    int n = b.n;
    boolean open = true; // control reaches past the last instruction
    mv.visitInsn(ICONST_0);
    mv.visitVarInsn(ISTORE, LOOPS);
    mv.visitLabel(head);
    for (int k = 0; k < n; k++) {
      long w = b.w[k];
      int op = (int) (w >>> 32);
      int fi = (int) w;
      long imm = b.imm[k];
      long disp = b.disp[k];
      int d = fi & 31;
      int s = (fi >>> 5) & 31;
      if (op >= ADD_RR64 && op <= TEST_RI32) {
        alu(op, fi, imm);
        continue;
      }
      if (op >= FCMP_RR64 && op <= FTEST_RI32) {
        alu(op - FUSED + CMP_RR64, fi, imm);
        k++;
        jcc(k, (fi >>> 23) & 15);
        continue;
      }
      switch (op) {
        case FCMP_MI: {
          int sz = (fi >>> 19) & 15;
          long m = Alu.mask(sz);
          int x = newLong();
          faulting(k, () -> {
            ea(fi, disp);
            mv.visitLdcInsn(sz);
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read", "(JI)J", false);
          });
          mv.visitVarInsn(LSTORE, x);
          int y = newLong();
          lconst(imm & m);
          mv.visitVarInsn(LSTORE, y);
          int res = newLong();
          mv.visitVarInsn(LLOAD, x);
          mv.visitVarInsn(LLOAD, y);
          mv.visitInsn(LSUB);
          lconst(m);
          mv.visitInsn(LAND);
          mv.visitVarInsn(LSTORE, res);
          pending = new Flags(Alu.F_SUB, x, y, res, sz, false);
          k++;
          jcc(k, (fi >>> 23) & 15);
          break;
        }
        case MOV_RR64:
          storeReg(d, () -> loadReg(s));
          break;
        case MOV_RR32:
          storeReg(d, () -> {
            loadReg(s);
            lconst(M32);
            mv.visitInsn(LAND);
          });
          break;
        case MOVZX8_R:
          storeReg(d, () -> {
            loadReg(s);
            lconst(0xff);
            mv.visitInsn(LAND);
          });
          break;
        case MOV_RI_WIDE:
          storeReg(d, () -> lconst(imm));
          break;
        case LEA64:
          storeReg(d, () -> ea(fi, disp));
          break;
        case LEA32:
          storeReg(d, () -> {
            ea(fi, disp);
            lconst(M32);
            mv.visitInsn(LAND);
          });
          break;
        case LOAD64:
        case LOAD32:
        case MOVZX8_M: {
          int v = newLong();
          faulting(k, () -> {
            ea(fi, disp);
            if (op == LOAD64) {
              mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read64", "(J)J", false);
            } else if (op == LOAD32) {
              mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read32", "(J)I", false);
              mv.visitInsn(I2L);
              lconst(M32);
              mv.visitInsn(LAND);
            } else {
              mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read8", "(J)I", false);
              mv.visitInsn(I2L);
            }
          });
          mv.visitVarInsn(LSTORE, v);
          storeReg(d, () -> mv.visitVarInsn(LLOAD, v));
          break;
        }
        case STORE64:
        case STORE32:
        case MOV_MI8:
        case MOV_MI32:
        case MOV_MI64:
          faulting(k, () -> {
            ea(fi, disp);
            switch (op) {
              case STORE64:
                loadReg(d);
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write64", "(JJ)V", false);
                break;
              case STORE32:
                loadReg(d);
                mv.visitInsn(L2I);
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write32", "(JI)V", false);
                break;
              case MOV_MI8:
                mv.visitLdcInsn((int) imm);
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write8", "(JI)V", false);
                break;
              case MOV_MI32:
                mv.visitLdcInsn((int) imm);
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write32", "(JI)V", false);
                break;
              default:
                lconst(imm);
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write64", "(JJ)V", false);
                break;
            }
          });
          pollExit(k + 1);
          break;
        case MOV_MI:
          faulting(k, () -> {
            ea(fi, disp);
            mv.visitLdcInsn((fi >>> 19) & 15);
            lconst(imm);
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write", "(JIJ)V", false);
          });
          pollExit(k + 1);
          break;
        case ALU_MR:
        case ALU_MI:
          materialize();
          faulting(k, () -> {
            mv.visitLdcInsn(fi);
            ea(fi, disp);
            if (op == ALU_MR) {
              mv.visitVarInsn(ALOAD, E);
              mv.visitLdcInsn((fi >>> 19) & 15);
              mv.visitLdcInsn(d);
              mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "get", "(II)J", false);
            } else {
              lconst(imm);
            }
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "aluMem", "(IJJ)V", false);
          });
          pollExit(k + 1);
          break;
        case ALU_RR64:
        case ALU_RR32:
        case ALU_RI64:
        case ALU_RI32:
        case ALU_RM64:
        case ALU_RM32: {
          int sz = op == ALU_RR64 || op == ALU_RI64 || op == ALU_RM64 ? 8 : 4;
          int aop = (fi >>> 23) & 15;
          materialize();
          int v = newLong();
          if (op == ALU_RM64 || op == ALU_RM32) {
            faulting(k, () -> {
              ea(fi, disp);
              if (sz == 8) {
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read64", "(J)J", false);
              } else {
                mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read32", "(J)I", false);
                mv.visitInsn(I2L);
                lconst(M32);
                mv.visitInsn(LAND);
              }
            });
          } else if (op == ALU_RR64 || op == ALU_RR32) {
            loadReg(s);
          } else {
            lconst(imm);
          }
          mv.visitVarInsn(LSTORE, v);
          int res = newLong();
          mv.visitVarInsn(ALOAD, E);
          mv.visitLdcInsn(aop);
          mv.visitLdcInsn(sz);
          loadReg(d);
          mv.visitVarInsn(LLOAD, v);
          mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "aluOp", "(IIJJ)J", false);
          mv.visitVarInsn(LSTORE, res);
          if (aop < 7) {
            storeReg(d, () -> mv.visitVarInsn(LLOAD, res));
          }
          break;
        }
        case PUSH_R: {
          int sp = stackSlot();
          faulting(k, () -> {
            mv.visitVarInsn(LLOAD, sp);
            loadReg(d);
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write64", "(JJ)V", false);
          });
          storeReg(4, () -> mv.visitVarInsn(LLOAD, sp));
          pollExit(k + 1);
          break;
        }
        case POP_R: {
          int v = pop(k);
          storeReg(d, () -> mv.visitVarInsn(LLOAD, v));
          break;
        }
        case BlockDecoder.NOP:
          break;
        case JCC:
          jcc(k, (fi >>> 23) & 15);
          break;
        case JMP: {
          int t = newLong();
          relative(imm);
          mv.visitVarInsn(LSTORE, t);
          if (k == loopAt) {
            loopBack();
          }
          leave(k + 1, t);
          open = false;
          break;
        }
        case CALL:
        case CALL_R:
        case CALL_M: {
          int t = newLong();
          if (op == CALL) {
            relative(imm);
          } else if (op == CALL_R) {
            loadReg(s);
          } else {
            readPointer(k, fi, disp);
          }
          mv.visitVarInsn(LSTORE, t);
          int sp = stackSlot();
          int end = b.end[k];
          faulting(k, () -> {
            mv.visitVarInsn(LLOAD, sp);
            relative(end);
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "write64", "(JJ)V", false);
          });
          storeReg(4, () -> mv.visitVarInsn(LLOAD, sp));
          leave(k + 1, t);
          open = false;
          break;
        }
        case BlockDecoder.RET: {
          int t = pop(k);
          leave(k + 1, t);
          open = false;
          break;
        }
        case JMP_R:
        case JMP_M: {
          int t = newLong();
          if (op == JMP_R) {
            loadReg(s);
          } else {
            readPointer(k, fi, disp);
          }
          mv.visitVarInsn(LSTORE, t);
          leave(k + 1, t);
          open = false;
          break;
        }
        default: // the general forms: BlockEngine.execOther, as the engine's loop calls it
          materialize();
          faulting(k, () -> {
            mv.visitLdcInsn(op);
            mv.visitLdcInsn(fi);
            lconst(imm);
            lconst(disp);
            mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "execOther", "(IIJJ)V", false);
          });
          pollExit(k + 1);
          break;
      }
    }
    if (open) {
      materialize();
      storeLoops();
      mv.visitLdcInsn(n);
      mv.visitInsn(IRETURN);
    }
    for (Handler h : handlers) {
      mv.visitTryCatchBlock(h.start, h.end, h.handler, FAULT);
    }
    for (Handler h : handlers) {
      mv.visitLabel(h.handler);
      mv.visitVarInsn(ALOAD, E);
      mv.visitLdcInsn(h.index);
      mv.visitFieldInsn(PUTFIELD, ENGINE, "jitAt", "I");
      storeLoops();
      storeFlags(h.flags);
      mv.visitInsn(ATHROW);
    }
  }

  /** An add/or/and/sub/xor/cmp/test in a specialised form (ADD_RR64..TEST_RI32). */
  private void alu(int op, int fi, long imm) {
    int rel = op - ALU_SPEC;
    int aop = rel >>> 2; // 0 add, 1 or, 2 and, 3 sub, 4 xor, 5 cmp, 6 test
    boolean wide = (rel & 1) == 0;
    boolean ri = (rel & 2) != 0;
    int d = fi & 31;
    int s = (fi >>> 5) & 31;
    int x = newLong();
    loadReg(d);
    if (!wide) {
      lconst(M32);
      mv.visitInsn(LAND);
    }
    mv.visitVarInsn(LSTORE, x);
    int y = newLong();
    if (ri) {
      lconst(wide ? imm : imm & M32);
    } else {
      loadReg(s);
      if (!wide) {
        lconst(M32);
        mv.visitInsn(LAND);
      }
    }
    mv.visitVarInsn(LSTORE, y);
    int res = newLong();
    mv.visitVarInsn(LLOAD, x);
    mv.visitVarInsn(LLOAD, y);
    int fop;
    boolean masked = false;
    switch (aop) {
      case 0:
        mv.visitInsn(LADD);
        fop = Alu.F_ADD;
        masked = !wide;
        break;
      case 1:
        mv.visitInsn(LOR);
        fop = Alu.F_LOGIC;
        break;
      case 2:
      case 6:
        mv.visitInsn(LAND);
        fop = Alu.F_LOGIC;
        break;
      case 4:
        mv.visitInsn(LXOR);
        fop = Alu.F_LOGIC;
        break;
      default: // sub, cmp
        mv.visitInsn(LSUB);
        fop = Alu.F_SUB;
        masked = !wide;
        break;
    }
    if (masked) {
      lconst(M32);
      mv.visitInsn(LAND);
    }
    mv.visitVarInsn(LSTORE, res);
    if (aop < 5) {
      storeReg(d, () -> mv.visitVarInsn(LLOAD, res));
    }
    pending = new Flags(fop, x, y, res, wide ? 8 : 4, aop == 6);
  }

  /** The jcc at index k with condition cc: leaves the block when taken. */
  private void jcc(int k, int cc) {
    Label notTaken = new Label();
    Flags f = pending;
    if (f != null && f.op == Alu.F_SUB && Alu.isCompareCond(cc)) {
      boolean signed = cc >= 0xc;
      for (int v : new int[] {f.a, f.b}) {
        mv.visitVarInsn(LLOAD, v);
        if (signed) {
          signExtend(f.sz);
        } else if (f.sz == 8 && cc != 4 && cc != 5) {
          lconst(Long.MIN_VALUE); // unsigned order as signed order
          mv.visitInsn(LXOR);
        }
      }
      mv.visitInsn(LCMP);
      mv.visitJumpInsn(inverse(cc), notTaken);
    } else if (f != null && f.op == Alu.F_LOGIC && (cc == 4 || cc == 5)) {
      mv.visitVarInsn(LLOAD, f.res);
      mv.visitInsn(LCONST_0);
      mv.visitInsn(LCMP);
      mv.visitJumpInsn(cc == 4 ? IFNE : IFEQ, notTaken);
    } else {
      materialize();
      mv.visitVarInsn(ALOAD, E);
      mv.visitLdcInsn(cc);
      mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "cond", "(I)Z", false);
      mv.visitJumpInsn(IFEQ, notTaken);
    }
    int t = newLong();
    relative(b.imm[k]);
    mv.visitVarInsn(LSTORE, t);
    if (k == loopAt) {
      loopBack();
    }
    leave(k + 1, t);
    mv.visitLabel(notTaken);
  }

  /** The lcmp-result test that is true when condition cc is false. */
  private static int inverse(int cc) {
    switch (cc) {
      case 2:
      case 0xc:
        return IFGE;
      case 3:
      case 0xd:
        return IFLT;
      case 4:
        return IFNE;
      case 5:
        return IFEQ;
      case 6:
      case 0xe:
        return IFGT;
      default: // 7, 0xf
        return IFLE;
    }
  }

  private void signExtend(int sz) {
    switch (sz) {
      case 8:
        return;
      case 4:
        mv.visitInsn(L2I);
        mv.visitInsn(I2L);
        return;
      case 2:
        mv.visitInsn(L2I);
        mv.visitInsn(I2S);
        mv.visitInsn(I2L);
        return;
      default:
        mv.visitInsn(L2I);
        mv.visitInsn(I2B);
        mv.visitInsn(I2L);
    }
  }

  /**
   * The taken branch back to the block's start: writes the flag record (the loop head expects it
   * in the fields, as at entry) and starts the next iteration while fewer than maxLoops ran and
   * irqPoll is clear; falls through to leave() otherwise.
   */
  private void loopBack() {
    Label out = new Label();
    storeFlags(pending);
    mv.visitVarInsn(ILOAD, LOOPS);
    mv.visitVarInsn(ILOAD, MAX_LOOPS);
    mv.visitJumpInsn(IF_ICMPGE, out);
    mv.visitVarInsn(ALOAD, E);
    mv.visitFieldInsn(GETFIELD, ENGINE, "irqPoll", "Z");
    mv.visitJumpInsn(IFNE, out);
    mv.visitIincInsn(LOOPS, 1);
    mv.visitJumpInsn(GOTO, head);
    mv.visitLabel(out);
  }

  /** Loop blocks: reports the iterations that looped back (BlockEngine.jitLoops). */
  private void storeLoops() {
    if (loopAt >= 0) {
      mv.visitVarInsn(ALOAD, E);
      mv.visitVarInsn(ILOAD, LOOPS);
      mv.visitFieldInsn(PUTFIELD, ENGINE, "jitLoops", "I");
    }
  }

  /** Leaves through a taken branch to the address in local t after count instructions. */
  private void leave(int count, int t) {
    Flags saved = pending;
    storeFlags(saved);
    storeLoops();
    mv.visitVarInsn(ALOAD, E);
    mv.visitVarInsn(LLOAD, t);
    mv.visitFieldInsn(PUTFIELD, ENGINE, "jitTarget", "J");
    mv.visitLdcInsn(count | BlockCode.TAKEN);
    mv.visitInsn(IRETURN);
  }

  /** After a store: leaves after count instructions when it set irqPoll (code written...). */
  private void pollExit(int count) {
    Label go = new Label();
    mv.visitVarInsn(ALOAD, E);
    mv.visitFieldInsn(GETFIELD, ENGINE, "irqPoll", "Z");
    mv.visitJumpInsn(IFEQ, go);
    storeFlags(pending);
    storeLoops();
    mv.visitLdcInsn(count);
    mv.visitInsn(IRETURN);
    mv.visitLabel(go);
  }

  /** Writes the pending flag record to the fields (straight-line: it is no longer pending). */
  private void materialize() {
    storeFlags(pending);
    pending = null;
  }

  private void storeFlags(Flags f) {
    if (f == null) {
      return;
    }
    mv.visitVarInsn(ALOAD, E);
    mv.visitLdcInsn(f.op);
    mv.visitFieldInsn(PUTFIELD, ENGINE, "fOp", "I");
    storeLongField("fA", f.zeroAb ? -1 : f.a);
    storeLongField("fB", f.zeroAb ? -1 : f.b);
    storeLongField("fRes", f.res);
    mv.visitVarInsn(ALOAD, E);
    mv.visitLdcInsn(f.sz);
    mv.visitFieldInsn(PUTFIELD, ENGINE, "fSz", "I");
  }

  /** e.field = the long in local slot (-1: 0). */
  private void storeLongField(String field, int slot) {
    mv.visitVarInsn(ALOAD, E);
    if (slot < 0) {
      mv.visitInsn(LCONST_0);
    } else {
      mv.visitVarInsn(LLOAD, slot);
    }
    mv.visitFieldInsn(PUTFIELD, ENGINE, field, "J");
  }

  /**
   * Emits code that may throw GuestFault for instruction k, with a handler recording k and
   * writing the flag record as it stood before k. The receiver e is pushed first: the code ends
   * with a call on it (all the accesses are BlockEngine methods).
   */
  private void faulting(int k, Runnable code) {
    Label start = new Label();
    Label end = new Label();
    mv.visitVarInsn(ALOAD, E);
    mv.visitLabel(start);
    code.run();
    mv.visitLabel(end);
    handlers.add(new Handler(start, end, new Label(), k, pending));
  }

  /** A local holding RSP - 8 (the slot a push writes; RSP changes only after the write). */
  private int stackSlot() {
    int sp = newLong();
    loadReg(4);
    lconst(8);
    mv.visitInsn(LSUB);
    mv.visitVarInsn(LSTORE, sp);
    return sp;
  }

  /** Reads the qword at RSP (may fault: instruction k), then RSP += 8; returns the value's local. */
  private int pop(int k) {
    int v = newLong();
    faulting(k, () -> {
      loadReg(4);
      mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read64", "(J)J", false);
    });
    mv.visitVarInsn(LSTORE, v);
    storeReg(4, () -> {
      loadReg(4);
      lconst(8);
      mv.visitInsn(LADD);
    });
    return v;
  }

  /** Pushes the qword at the memory operand of instruction k (call/jmp through memory). */
  private void readPointer(int k, int fi, long disp) {
    faulting(k, () -> {
      ea(fi, disp);
      mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "read64", "(J)J", false);
    });
  }

  /** Pushes register c (ZERO: 0, RIPBASE: the block's address). */
  private void loadReg(int c) {
    if (c == ZERO) {
      mv.visitInsn(LCONST_0);
    } else if (c == RIPBASE) {
      mv.visitVarInsn(LLOAD, BASE);
    } else {
      mv.visitVarInsn(ALOAD, R);
      mv.visitLdcInsn(c);
      mv.visitInsn(LALOAD);
    }
  }

  private void storeReg(int c, Runnable value) {
    mv.visitVarInsn(ALOAD, R);
    mv.visitLdcInsn(c);
    value.run();
    mv.visitInsn(LASTORE);
  }

  /** Pushes the linear address of the memory operand: disp + base + index << scale (+ FS/GS). */
  private void ea(int fi, long disp) {
    int base = (fi >>> 5) & 31;
    int index = (fi >>> 10) & 31;
    int scale = (fi >>> 15) & 3;
    int sg = (fi >>> 17) & 3;
    lconst(disp);
    if (base != ZERO) {
      loadReg(base);
      mv.visitInsn(LADD);
    }
    if (index != ZERO) {
      loadReg(index);
      if (scale != 0) {
        mv.visitLdcInsn(scale);
        mv.visitInsn(LSHL);
      }
      mv.visitInsn(LADD);
    }
    if (sg != 0) {
      mv.visitVarInsn(ALOAD, E);
      mv.visitFieldInsn(GETFIELD, ENGINE, "segBase", "[J");
      mv.visitLdcInsn(sg + 3);
      mv.visitInsn(LALOAD);
      mv.visitInsn(LADD);
    }
  }

  /** Pushes base + off (an address in or just past the block). */
  private void relative(long off) {
    mv.visitVarInsn(LLOAD, BASE);
    lconst(off);
    mv.visitInsn(LADD);
  }

  private void lconst(long v) {
    if (v == 0) {
      mv.visitInsn(LCONST_0);
    } else if (v == 1) {
      mv.visitInsn(LCONST_1);
    } else {
      mv.visitLdcInsn(v);
    }
  }

  private int newLong() {
    int slot = nextLocal;
    nextLocal += 2;
    return slot;
  }
}
