package dev.emu.core.difftest;

import static dev.emu.core.difftest.DiffEnv.STATUS;

import java.util.List;
import java.util.Random;

/**
 * Instructions and encodings that exist only outside 64-bit mode, run in 32-bit mode (host:
 * compatibility mode; emu: protected mode, as after the PVH entry): INC/DEC 40-4F, PUSHA/POPA,
 * PUSH/POP r32, PUSHFD/POPFD, INTO (#OF), and 16-bit addressing (67 prefix) through LEA, which
 * decodes every 16-bit ModRM form without a memory access (16-bit addresses cannot reach the
 * scratch window). Not generated: DAA DAS AAA AAS AAM AAD BOUND ARPL, which gcc never emits and
 * emu deliberately does not implement (#UD, as the CPU issue allows for unimplemented opcodes).
 */
final class Legacy32Templates {
  final Random rnd;
  final List<DiffCase> out;
  final int n;

  Legacy32Templates(Random rnd, List<DiffCase> out, int n) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
  }

  private CaseBuilder begin(String name) {
    CaseBuilder b = new CaseBuilder(rnd, name, true, true);
    b.regs[DiffEnv.RSP] = DiffEnv.SCRATCH_BASE + 288 + 8 * rnd.nextInt(16);
    b.reserve(DiffEnv.RSP);
    return b;
  }

  private int reg() {
    int r;
    do {
      r = rnd.nextInt(8);
    } while (r == DiffEnv.RSP);
    return r;
  }

  void all() {
    for (int i = 0; i < n; i++) {
      shortForms();
      lea16();
      lea16();
      into();
    }
  }

  /** INC/DEC r (40-4F): SDM INC/DEC flags (CF unaffected); PUSH/POP r, PUSHA/POPA, PUSHFD/POPFD. */
  private void shortForms() {
    boolean o16 = rnd.nextBoolean();
    int r = reg();
    CaseBuilder b = begin("incdec short" + (o16 ? "16" : "32"));
    b.regs[r] = b.val(64);
    b.build(o16 ? new byte[] {0x66, (byte) ((rnd.nextBoolean() ? 0x40 : 0x48) + r)}
        : new byte[] {(byte) ((rnd.nextBoolean() ? 0x40 : 0x48) + r)}, out);
    b = begin("push/pop r32");
    b.regs[r] = b.val(64);
    b.build(new byte[] {(byte) ((rnd.nextBoolean() ? 0x50 : 0x58) + r)}, out);
    b = begin(o16 ? "pushaw/popaw" : "pushad/popad");
    byte op = (byte) (rnd.nextBoolean() ? 0x60 : 0x61);
    b.build(o16 ? new byte[] {0x66, op} : new byte[] {op}, out);
    b = begin("pushfd");
    b.build(new byte[] {(byte) 0x9c}, out).emuRflagsOr = DiffEnv.IF;
    b = begin("popfd");
    b.poke((int) (b.regs[DiffEnv.RSP] - DiffEnv.SCRATCH_BASE), rnd.nextLong() & (STATUS | DiffEnv.DF) | 2, 4);
    b.build(new byte[] {(byte) 0x9d}, out);
  }

  /** LEA with 16-bit addressing: every mod (00/01/10) and rm, disp8/disp16, 16- or 32-bit result. */
  private void lea16() {
    CaseBuilder b = begin("lea addr16");
    for (int r = 0; r < 8; r++) {
      if (r != DiffEnv.RSP) {
        b.regs[r] = b.val(64);
      }
    }
    int mod = rnd.nextInt(3);
    int rm = rnd.nextInt(8);
    int dst = reg();
    boolean o16 = rnd.nextBoolean();
    int dispLen = mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
    byte[] code = new byte[(o16 ? 4 : 3) + dispLen];
    int p = 0;
    if (o16) {
      code[p++] = 0x66;
    }
    code[p++] = 0x67;
    code[p++] = (byte) 0x8d;
    code[p++] = (byte) (mod << 6 | dst << 3 | rm);
    int disp = rnd.nextInt(65536);
    for (int i = 0; i < dispLen; i++) {
      code[p++] = (byte) (disp >>> (8 * i));
    }
    b.build(code, out);
  }

  /** INTO: #OF (vector 4) when OF=1, else nothing. */
  private void into() {
    begin("into").build(new byte[] {(byte) 0xce}, out);
  }
}
