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
      selfModifying();
      addressSize32();
      hintNops();
      pageCrossingFetch();
      gsRelative();
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

  /**
   * Self-modifying code (x86 guarantees a store to the instruction stream is seen by the next
   * fetch, SDM Vol. 3 11.6): a RIP-relative byte store patches the immediate or the opcode of the
   * very next instruction, or of an instruction in a loop that already ran once (a decoded-code
   * cache must be invalidated).
   */
  private void selfModifying() {
    CaseBuilder b = alu.begin("smc", 64);
    int newByte = rnd.nextInt(256);
    int oldByte = rnd.nextInt(256);
    byte[] code;
    switch (rnd.nextInt(3)) {
      case 0 -> // mov byte [rip+1], NEW ; mov al, OLD
        code = new byte[] {(byte) 0xc6, 0x05, 1, 0, 0, 0, (byte) newByte, (byte) 0xb0, (byte) oldByte};
      case 1 -> { // loop twice over "mov al, OLD; add dl, al", patching the immediate after the first pass
        code = new byte[] {(byte) 0xb9, 2, 0, 0, 0, 0x31, (byte) 0xd2, (byte) 0xb0, (byte) oldByte, 0x00, (byte) 0xc2,
          (byte) 0xc6, 0x05, (byte) 0xf6, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) newByte, (byte) 0xff,
          (byte) 0xc9, 0x75, (byte) 0xf1};
      }
      default -> { // same loop, patching the opcode: add dl,al (00) becomes sub dl,al (28) or xor (30)
        int opc = rnd.nextBoolean() ? 0x28 : 0x30;
        code = new byte[] {(byte) 0xb9, 2, 0, 0, 0, 0x31, (byte) 0xd2, (byte) 0xb0, (byte) oldByte, 0x00, (byte) 0xc2,
          (byte) 0xc6, 0x05, (byte) 0xf7, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) opc, (byte) 0xff,
          (byte) 0xc9, 0x75, (byte) 0xf1};
      }
    }
    b.build(code, out);
  }

  /**
   * 67-prefixed (32-bit address size) memory operands: the effective address is computed from
   * the low 32 bits of base and index and truncated to 32 bits, so random upper register bits are
   * ignored and base + index*scale + disp may wrap around 4 GiB into the window.
   */
  private void addressSize32() {
    CaseBuilder b = alu.begin("addr32 wrap", 32);
    int base = 3 + (rnd.nextBoolean() ? 0 : 8); // rbx or r11
    int index = rnd.nextBoolean() ? -1 : 6; // rsi
    int scale = 1 << rnd.nextInt(4);
    int off = 16 + rnd.nextInt(400);
    long target = DiffEnv.SCRATCH_BASE + off;
    long disp = rnd.nextBoolean() ? 0x7fff_ff00L + rnd.nextInt(200) : -(long) rnd.nextInt(0x7fff_0000);
    long iv = index < 0 ? 0 : rnd.nextInt(1 << 20);
    long baseLow = (target - disp - iv * scale) & 0xffff_ffffL;
    b.regs[base] = (rnd.nextLong() & ~0xffff_ffffL) | baseLow;
    if (index >= 0) {
      b.regs[index] = (rnd.nextLong() & ~0xffff_ffffL) | iv;
    }
    b.poke(off, b.val(64), 8);
    Rm rm = X86Asm.Rm.mem(base, index, scale, disp, 4);
    int size = new int[] {16, 32, 64}[rnd.nextInt(3)];
    int[] opcodes = {0x8b, 0x03, 0x89, 0x31};
    int reg = new int[] {0, 1, 2, 7}[rnd.nextInt(4)];
    byte[] code = X86Asm.encode(AluTemplates.prefixes(size, 0x67), size == 64, false,
        new int[] {opcodes[rnd.nextInt(opcodes.length)]}, reg, rm, 0, 0);
    b.build(code, out);
  }

  /** Hint NOPs 0F 18..1F /r in register and memory forms (incl. endbr64 F3 0F 1E FA): no effect. */
  private void hintNops() {
    CaseBuilder b = alu.begin("hint nop", 32);
    int opc = 0x18 + rnd.nextInt(8);
    Rm rm = rnd.nextBoolean() ? b.mem(-1) : Rm.reg(b.reg(32));
    int digit = opc == 0x18 ? 4 + rnd.nextInt(4) : rnd.nextInt(8); // 0F 18 /0-/3 are PREFETCHh
    if (opc == 0x1e && rnd.nextBoolean()) {
      b.build(new byte[] {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa}, out); // endbr64
      return;
    }
    int[] pfx = rnd.nextBoolean() ? new int[] {0x66} : new int[0];
    b.build(b.code(pfx, rnd.nextBoolean(), new int[] {0x0f, opc}, digit, rm, 0, 0), out);
  }

  /** Instructions of 2..15 bytes used by {@link #pageCrossingFetch} (register-only, no faults). */
  private static final String[] CROSSERS = {
    "48b8efcdab8967452301", "488d84c878563412", "4881c178563412", "66410fafc1", "f0480fc10b" /* needs rbx */,
    "4869c0ffffff7f", "c1e007", "480fc8", "0f1f840000000000", "662e0f1f840000000000", "48f7d8", "4c0fb6c0",
    "41b900000080", "2e3e2636662e0f1f840000000000"
  };

  /**
   * Instruction fetch across a page boundary: a JMP to an instruction placed so that it straddles
   * a page boundary inside the scratch region (both pages mapped: it must execute normally, then
   * a JMP returns to the test's end), or straddles into the unmapped page: #PF with CR2 = the
   * unmapped page, RIP = the instruction's start, error code with I/D set (NX is enabled on both).
   */
  private void pageCrossingFetch() {
    boolean intoUnmapped = rnd.nextInt(3) == 0;
    String hex = CROSSERS[rnd.nextInt(CROSSERS.length)];
    byte[] insn = bytes(hex);
    CaseBuilder b = alu.begin("fetch across page" + (intoUnmapped ? " into unmapped" : ""), 64);
    b.regs[3] = DiffEnv.SCRATCH_BASE + 64; // f0 48 0f c1 0b: lock xadd [rbx], rcx
    long boundary = intoUnmapped ? DiffEnv.UNMAPPED_PAGE : DiffEnv.SCRATCH_BASE + 0x1000 * (1 + rnd.nextInt(2));
    int before = 1 + rnd.nextInt(insn.length - 1);
    long at = boundary - before;
    byte[] jmpTo = new byte[5];
    jmpTo[0] = (byte) 0xe9;
    long rel = at - (DiffEnv.TEST_ADDR + 5);
    for (int i = 0; i < 4; i++) {
      jmpTo[1 + i] = (byte) (rel >>> (8 * i));
    }
    int off = (int) (at - DiffEnv.SCRATCH_BASE);
    int fit = intoUnmapped ? before : insn.length;
    for (int i = 0; i < fit; i++) {
      b.poke(off + i, insn[i], 1);
    }
    if (!intoUnmapped) {
      long back = DiffEnv.TEST_ADDR + 5 - (at + insn.length + 5);
      b.poke(off + insn.length, 0xe9, 1);
      b.poke(off + insn.length + 1, back, 4);
    }
    if (hex.startsWith("66410faf") || hex.startsWith("4869")) {
      b.definedFlags = DiffEnv.CF | DiffEnv.OF; // IMUL: SF ZF AF PF undefined
    } else if (hex.equals("c1e007")) {
      b.definedFlags = DiffEnv.CF | DiffEnv.SF | DiffEnv.ZF | DiffEnv.PF; // SHL by 7: OF, AF undefined
    }
    b.build(jmpTo, out).detail = hex + " split " + before + "/" + (insn.length - before);
  }

  /**
   * GS-relative memory operands (65 prefix), as a kernel's per-CPU variables use them: the
   * effective address is GS base + base + index*scale + disp (64-bit wrap-around), with
   * negative offsets too. Loads, stores, read-modify-write with and without LOCK.
   */
  private void gsRelative() {
    CaseBuilder b = alu.begin("gs-relative", 64);
    int off = 16 + rnd.nextInt(400);
    long rel = DiffEnv.SCRATCH_BASE + off - DiffEnv.GS_BASE; // -240..+160
    int base = 3 + 8 * rnd.nextInt(2); // rbx or r11
    Rm rm;
    switch (rnd.nextInt(3)) {
      case 0 -> { // gs:[disp32]
        rm = Rm.mem(-1, -1, 1, rel, 4);
      }
      case 1 -> { // gs:[base+disp8]
        long d = rnd.nextInt(256) - 128;
        b.regs[base] = rel - d;
        rm = Rm.mem(base, -1, 1, d, 1);
      }
      default -> { // gs:[base+index*8+disp32] with a negative base
        int index = 6;
        long iv = rnd.nextInt(16);
        long d = rnd.nextInt(1 << 16);
        b.regs[index] = iv;
        b.regs[base] = rel - d - 8 * iv;
        rm = Rm.mem(base, index, 8, d, 4);
      }
    }
    b.reserve(base);
    b.reserve(6);
    b.poke(off, b.val(64), 8);
    int size = new int[] {8, 16, 32, 64}[rnd.nextInt(4)];
    int w = size == 8 ? 0 : 1;
    int r = b.reg(size);
    b.setReg(r, size, b.val(size));
    int[][] forms = {{0x8a + w}, {0x88 + w}, {0x00 + w}, {0x28 + w}, {0x0f, 0xc0 + w}, {0x86 + w}};
    int k = rnd.nextInt(forms.length);
    int[] pfx = k >= 2 && rnd.nextBoolean() ? new int[] {0x65, 0xf0} : new int[] {0x65};
    b.eightBit = size == 8;
    b.build(b.code(AluTemplates.prefixes(size, pfx), size == 64, forms[k], r, rm, 0, 0), out);
  }
}
