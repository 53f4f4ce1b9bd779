package dev.emu.core.difftest;

import static dev.emu.core.difftest.AluTemplates.operand;

import dev.emu.core.difftest.X86Asm.Rm;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;

/**
 * Decoder edge cases and faults: redundant/ignored prefixes (a REX that does not immediately
 * precede the opcode is ignored; segment overrides other than FS/GS are ignored in 64-bit mode;
 * 15-byte limit -> #GP), opcodes that are invalid in 64-bit mode or reserved (#UD), LOCK where it
 * is not allowed (#UD), non-canonical (#GP, #SS for stack references) and unmapped (#PF)
 * addresses, INT3 (#BP). Expected outcomes come from the host.
 */
final class EdgeTemplates {
  /** Invalid in 64-bit mode (SDM Vol. 2 opcode map, "i64") or reserved/UD forms, as full byte strings. */
  private static final String[] INVALID = {
    "06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f", "60", "61", "82c001", "9a0000000000",
    "ce", "d401", "d501", "ea000000000000", "0f0b", "0fb9c0", "0fffc0", "fed0", "fef8", "ffd8", "ffe8", "fff8",
    "8ec8", "8cf0", "c6c800", "c7c800000000", "0f0f", "0f04", "0f0a", "0f0c", "0f24c0", "0f26c0", "0f36", "0f7a",
    "f001c0", "f08b00", "f0a4", "f090", "f00fafc0", "f0c3"
  };
  /** ModRM-only opcodes (no immediate): a 66 prefix changes the operand size, never the length. */
  private static final int[] MODRM_ONLY = {0x01, 0x03, 0x09, 0x0b, 0x11, 0x13, 0x19, 0x1b, 0x21, 0x23, 0x29, 0x2b,
    0x31, 0x33, 0x39, 0x3b, 0x85, 0x87, 0x89, 0x8b};
  private static final int[] IGNORED_SEG = {0x26, 0x2e, 0x36, 0x3e};

  final Random rnd;
  final List<DiffCase> out;
  final int n;
  private final AluTemplates alu;

  EdgeTemplates(Random rnd, List<DiffCase> out, int n) {
    this.rnd = rnd;
    this.out = out;
    this.n = n;
    this.alu = new AluTemplates(rnd, out, n);
  }

  void all() {
    for (String hex : INVALID) {
      CaseBuilder b = alu.begin("invalid " + hex, 64);
      b.regs[0] = DiffEnv.SCRATCH_BASE + 64; // a valid pointer in case a form decodes a memory operand
      b.build(bytes(hex), out);
    }
    for (int i = 0; i < n * 20; i++) {
      prefixSoup();
    }
    for (int i = 0; i < n; i++) {
      badAddresses();
    }
    alu.begin("int3", 64).build(new byte[] {(byte) 0xcc}, out);
    for (int i = 0; i < n; i++) {
      pageFaults();
    }
  }

  private static byte[] bytes(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  /**
   * A ModRM-only ALU/MOV instruction behind 0-14 random prefixes: 66, 67, ignored segment
   * overrides, F2/F3 (ignored on these opcodes), REX bytes anywhere (only the last one, directly
   * before the opcode, counts). Longer than 15 bytes -> #GP(0).
   */
  private void prefixSoup() {
    CaseBuilder b = alu.begin("prefixes", 32);
    int opc = MODRM_ONLY[rnd.nextInt(MODRM_ONLY.length)];
    boolean mem = rnd.nextBoolean();
    Rm rm = operand(b, mem, 64, b.val(64));
    if (mem) {
      b.poke(b.memOff, b.val(64), 8);
    }
    int r = b.reg(64);
    b.setReg(r, 64, b.val(64));
    byte[] core = X86Asm.encode(new int[0], rnd.nextBoolean(), false, new int[] {opc}, r, rm, 0, 0);
    if (rm.ripRel) {
      return; // prefix count changes the length, and so the RIP-relative target: skip
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int count = rnd.nextInt(8) == 0 ? 10 + rnd.nextInt(5) : rnd.nextInt(5);
    for (int i = 0; i < count; i++) {
      switch (rnd.nextInt(6)) {
        case 0 -> o.write(0x66);
        case 1 -> o.write(mem ? 0x66 : 0x67); // 67 would move a memory operand out of the window
        case 2 -> o.write(IGNORED_SEG[rnd.nextInt(4)]);
        case 3 -> o.write(rnd.nextBoolean() ? 0xf2 : 0xf3);
        default -> o.write(0x40 | rnd.nextInt(16)); // REX, ignored unless last
      }
    }
    // the REX the encoder made (if any) stays directly before the opcode
    o.write(core, 0, core.length);
    byte[] code = o.toByteArray();
    boolean rexFirst = (core[0] & 0xf0) == 0x40;
    if (!rexFirst && count > 0 && (code[count - 1] & 0xf0) == 0x40 && mem) {
      // a stray REX right before the opcode would change base/index: keep those cases reg-only
      code[count - 1] = 0x3e;
    }
    b.build(code, out);
  }

  /** Non-canonical data (#GP) and stack (#SS) references, unmapped canonical ones (#PF). */
  private void badAddresses() {
    long[] addrs = {0x8000_0000_0000_0000L, 0x0000_8000_0000_0000L, 0xffff_7fff_ffff_fff8L, 0x0000_1000_0000_0000L};
    for (long a : addrs) {
      CaseBuilder b = alu.begin("bad address " + Long.toHexString(a), 64);
      int base = 3; // rbx: DS-relative
      int kind = rnd.nextInt(3);
      byte[] code;
      if (kind == 0) {
        b.regs[base] = a;
        code = new byte[] {0x48, (byte) 0x8b, 0x03}; // mov rax,[rbx]
      } else if (kind == 1) {
        b.regs[5] = a;
        code = new byte[] {0x48, (byte) 0x8b, 0x45, 0x00}; // mov rax,[rbp+0]: SS-relative
      } else {
        b.regs[base] = a;
        code = new byte[] {0x48, (byte) 0x89, 0x0b}; // mov [rbx],rcx
      }
      b.build(code, out);
    }
  }

  /**
   * Accesses running into the unmapped page after the scratch page: #PF with CR2 = the first
   * byte not accessible, error code P=0 and W per access; REP string instructions fault after the
   * iterations that fit, with RCX/RSI/RDI reflecting exactly those (the instruction restarts).
   * Writes go beyond the compared window; reads come from the window.
   */
  private void pageFaults() {
    long end = DiffEnv.UNMAPPED_PAGE;
    int kind = rnd.nextInt(6);
    CaseBuilder b = alu.begin("page fault " + kind, 64);
    byte[] code;
    switch (kind) {
      case 0 -> { // 8-byte store straddling into the unmapped page
        b.regs[3] = end - 1 - rnd.nextInt(7);
        code = new byte[] {0x48, (byte) 0x89, 0x0b}; // mov [rbx],rcx
      }
      case 1 -> { // load straddling
        b.regs[3] = end - 1 - rnd.nextInt(7);
        code = new byte[] {0x48, (byte) 0x8b, 0x03}; // mov rax,[rbx]
      }
      case 2 -> { // push with RSP at the bottom of the unmapped page
        b.regs[DiffEnv.RSP] = end + 8;
        code = new byte[] {0x51}; // push rcx
      }
      default -> { // rep stos/movs of 1/2/4/8-byte elements running off the page
        int e = 1 << rnd.nextInt(4);
        boolean movs = kind == 4;
        b.regs[7] = end - e * (1 + rnd.nextInt(6)) - (rnd.nextBoolean() ? 0 : rnd.nextInt(e));
        b.regs[6] = DiffEnv.SCRATCH_BASE + 64 + rnd.nextInt(128);
        b.regs[1] = 4 + rnd.nextInt(12);
        b.flags &= ~DiffEnv.DF;
        int opc = (movs ? 0xa4 : 0xaa) + (e == 1 ? 0 : 1);
        byte[] p = e == 2 ? new byte[] {0x66} : new byte[0];
        byte[] rex = e == 8 ? new byte[] {0x48} : new byte[0];
        code = new byte[p.length + 1 + rex.length + 1];
        code[0] = (byte) 0xf3;
        System.arraycopy(p, 0, code, 1, p.length);
        System.arraycopy(rex, 0, code, 1 + p.length, rex.length);
        code[code.length - 1] = (byte) opc;
        if (kind == 5) {
          code = new byte[] {(byte) 0xf3, 0x48, (byte) 0xa5}; // rep movsq, source running off instead
          b.regs[6] = end - 8 * (1 + rnd.nextInt(6));
          b.regs[7] = DiffEnv.SCRATCH_BASE + 64 + rnd.nextInt(128);
        }
      }
    }
    b.build(code, out);
  }
}
