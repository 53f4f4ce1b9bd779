package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** String instructions (page crossing, rep termination, port forms) and self-modifying code. */
class StringAndSmcTest {
  @Test
  void repMovsb_copiesAcrossPages() {
    CpuRig r = new CpuRig();
    for (int i = 0; i < 0x3000; i++) {
      r.mem.write8(0x21000 + i, i * 7 + 3);
    }
    byte[] src = new byte[0x3000];
    r.mem.copyOut(0x21000, src, 0, src.length);
    // mov $0x21000,%rsi; mov $0x25ff0,%rdi; mov $0x3000,%ecx; cld; rep movsb; hlt
    r.run("48c7c60010020048c7c7f05f0200b900300000fcf3a4f4");
    byte[] dst = new byte[0x3000];
    r.mem.copyOut(0x25ff0, dst, 0, dst.length);
    assertThat(dst).isEqualTo(src);
    assertThat(r.reg(1)).isZero();
    assertThat(r.reg(6)).isEqualTo(0x24000);
    assertThat(r.reg(7)).isEqualTo(0x28ff0);
  }

  @Test
  void repStosq_fillsAcrossPageBoundary() {
    // mov $0x20ff8,%rdi; mov $0x1234,%eax; mov $600,%ecx; rep stosq; hlt
    CpuRig r = new CpuRig().run("48c7c7f80f0200b834120000b958020000f348abf4");
    for (int i = 0; i < 600; i++) {
      assertThat(r.mem.read64(0x20ff8 + 8L * i)).isEqualTo(0x1234);
    }
    assertThat(r.mem.read64(0x20ff8 + 8L * 600)).isZero();
    assertThat(r.reg(7)).isEqualTo(0x20ff8 + 8 * 600);
    assertThat(r.cpu.instructionsRetired()).as("rep counts once").isEqualTo(5);
  }

  @Test
  void repMovsb_forwardOverlap_replicatesAsTheSdmSpecifies() {
    // Forward rep movsb with RDI = RSI + 1 copies byte by byte (SDM: each iteration moves one
    // element, then updates RSI/RDI), so the first byte fills the whole run; a memmove would not.
    CpuRig r = new CpuRig();
    for (int i = 0; i < 64; i++) {
      r.mem.write8(0x20100 + i, 0x40 + i);
    }
    // mov $0x20100,%rsi; mov $0x20101,%rdi; mov $63,%ecx; cld; rep movsb; hlt
    r.run("48c7c60001020048c7c701010200b93f000000fcf3a4f4");
    for (int i = 0; i < 64; i++) {
      assertThat(r.mem.read8(0x20100 + i)).as("byte %d", i).isEqualTo(0x40);
    }
  }

  @Test
  void repMovsb_destinationBeforeSource_overlapping_copiesForward() {
    CpuRig r = new CpuRig();
    for (int i = 0; i < 64; i++) {
      r.mem.write8(0x20108 + i, i);
    }
    // mov $0x20108,%rsi; mov $0x20100,%rdi; mov $64,%ecx; cld; rep movsb; hlt
    r.run("48c7c60801020048c7c700010200b940000000fcf3a4f4");
    for (int i = 0; i < 64; i++) {
      assertThat(r.mem.read8(0x20100 + i)).as("byte %d", i).isEqualTo(i);
    }
  }

  @Test
  void repStosb_overwritingAnInstructionDecodedEarlier_isSeen() {
    // mov $0x90,%r9d; mov $2,%r8d
    // L: mov $X,%rdi; mov $1,%ecx; mov %r9d,%eax; rep stosb
    // X: nop; mov $0xf4,%r9d; dec %r8d; jnz L; hlt
    // Pass 1 stores a nop over the nop at X (which then runs, so it is decoded); pass 2 stores a
    // hlt there, which must run: the CPU halts at X+1 with r8 = 1, not at the final hlt.
    CpuRig r = new CpuRig().run("41b990000000" + "41b802000000" + "48bf2000010000000000" + "b901000000"
        + "4489c8" + "f3aa" + "90" + "41b9f4000000" + "41ffc8" + "75e0" + "f4");
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 33);
    assertThat(r.reg(8)).isEqualTo(1);
  }

  @Test
  void repeCmpsb_stopsAtFirstDifference() {
    CpuRig r = new CpuRig();
    for (int i = 0; i < 100; i++) {
      r.mem.write8(0x20000 + i, i);
      r.mem.write8(0x22000 + i, i == 50 ? 0xff : i);
    }
    // mov $0x20000,%rdi; mov $0x22000,%rsi; mov $100,%ecx; repe cmpsb; hlt
    r.run("48c7c70000020048c7c600200200b964000000f3a6f4");
    assertThat(r.reg(1)).isEqualTo(49);
    assertThat(r.reg(7)).isEqualTo(0x20000 + 51);
    // cmps computes [rsi] - [rdi] = 0xff - 50: no borrow, not equal
    assertThat(r.cpu.rflags() & (CpuState.ZF | CpuState.CF)).isZero();
  }

  @Test
  void repneScasb_findsByte() {
    CpuRig r = new CpuRig();
    r.mem.write8(0x20000 + 300, 0x41);
    // mov $0x20000,%rdi; mov $0x41,%al; mov $1000,%ecx; repne scasb; hlt
    r.run("48c7c700000200b041b9e8030000f2aef4");
    assertThat(r.reg(1)).isEqualTo(1000 - 301);
    assertThat(r.reg(7)).isEqualTo(0x20000 + 301);
    assertThat(r.cpu.rflags() & CpuState.ZF).isNotZero();
  }

  @Test
  void repOutsbAndIn_goToHostPorts() {
    CpuRig r = new CpuRig();
    r.mem.write8(0x20000, 'h');
    r.mem.write8(0x20001, 'i');
    r.mem.write8(0x20002, '!');
    r.host.ioReadValue = 0x5a;
    // mov $0x3f8,%dx; mov $0x20000,%rsi; mov $3,%ecx; rep outsb; in %dx,%al; hlt
    r.run("66baf80348c7c600000200b903000000f36eecf4");
    assertThat(r.host.io).containsExactly("out 3f8/1=68", "out 3f8/1=69", "out 3f8/1=21", "in 3f8/1");
    assertThat(r.reg(0) & 0xff).isEqualTo(0x5a);
  }

  @Test
  void stackOps_pushfEnterLeave() {
    // push $0x55; pushfq; pop %rax; pop %rbx; enter $16,$0; leave; hlt
    CpuRig r = new CpuRig().run("6a559c585bc8100000c9f4");
    assertThat(r.reg(0)).isEqualTo(0x2);
    assertThat(r.reg(3)).isEqualTo(0x55);
    assertThat(r.reg(4)).isEqualTo(CpuRig.STACK);
  }

  @Test
  void storeIntoNextInstruction_executesTheNewBytes() {
    // movb $0x90, CODE+8 ; (CODE+8:) int3 ; hlt   -- the int3 is overwritten by a nop
    CpuRig r = new CpuRig().run("c6042508000100" + "90" + "cc" + "f4");
    assertThat(r.haltedInVector()).isEqualTo(-1);
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 10);
  }

  @Test
  void hostWriteOfCode_isSeenByTheNextRun() {
    CpuRig r = new CpuRig().run("b801000000f4"); // mov $1,%eax; hlt
    assertThat(r.reg(0)).isEqualTo(1);
    r.cpu.setRip(CpuRig.CODE);
    r.load(CpuRig.CODE, "b802000000f4"); // mov $2,%eax; hlt
    r.cpu.enterLongModeFlat(r.cpu.cr3());
    r.cpu.setRip(CpuRig.CODE);
    r.cpu.setReg(4, CpuRig.STACK);
    r.runToHalt();
    assertThat(r.reg(0)).isEqualTo(2);
  }

  @Test
  void lockedRmw_onMemory() {
    CpuRig r = new CpuRig();
    r.mem.write32(0x20000, 41);
    r.cpu.setReg(7, 0x20000);
    r.cpu.setReg(0, 100);
    // lock addl $1,(%rdi); lock xaddq %rax,(%rdi); hlt
    r.run("f0830701f0480fc107f4");
    assertThat(r.reg(0)).isEqualTo(42);
    assertThat(r.mem.read64(0x20000)).isEqualTo(142);
  }

  @Test
  void lockOnRegisterDestination_isUd() {
    CpuRig r = new CpuRig().run("f001c3"); // lock add %eax,%ebx
    assertThat(r.haltedInVector()).isEqualTo(6);
  }

  // Decoded-instruction cache (docs/cpu.md): an instruction executed again after a store changed
  // its bytes must run the new bytes. Expected values follow from the SDM semantics of the
  // instructions as written; a stale decode gives the value noted in each test.

  @Test
  void storeAheadOfRip_intoModrmOfCachedInstruction_inSamePage_isSeen() {
    // xor eax,eax; mov ebx,1; mov edx,0x100; mov ecx,4
    // L: xor byte [P+1],8 ; P: add eax,ebx (01 d8 <-> 01 d0 = add eax,edx) ; dec ecx ; jnz L ; hlt
    CpuRig r = new CpuRig().run("31c0" + "bb01000000" + "ba00010000" + "b904000000"
        + "803425" + "1a000100" + "08" + "01d8" + "ffc9" + "75f2" + "f4");
    // iterations add edx, ebx, edx, ebx = 0x202 (a stale cached decode would give 0x400)
    assertThat(r.reg(0)).isEqualTo(0x202);
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 0x20);
  }

  @Test
  void storeAheadOfRip_intoOpcodeOfCachedInstruction_isSeen() {
    // same loop, toggling the opcode byte at P: 01 (add) <-> 29 (sub); ebx = 1
    CpuRig r = new CpuRig().run("31c0" + "bb01000000" + "ba00010000" + "b904000000"
        + "803425" + "19000100" + "28" + "01d8" + "ffc9" + "75f2" + "f4");
    // sub, add, sub, add = 0 (stale: four subs = -4)
    assertThat(r.reg(0)).isEqualTo(0);
  }

  @Test
  void moduleLoadingStyle_copyCodeCallItThenCopyOtherCodeOverIt_runsTheNewCode() {
    // Guest "loader": rep movsb a routine into page 0x30000, call it 3 times, copy another
    // routine over it, call it once. Routines: add rax,rbx; ret / sub rax,rbx; ret (rbx = 5).
    CpuRig r = new CpuRig();
    r.load(CpuRig.CODE + 0x100, "4801d8c3");
    r.load(CpuRig.CODE + 0x108, "4829d8c3");
    r.run("31c0" + "bb05000000" + "be00010100" + "bf00000300" + "b904000000" + "f3a4"
        + "41bb00000300" + "41ffd3" + "41ffd3" + "41ffd3"
        + "be08010100" + "bf00000300" + "b904000000" + "f3a4" + "41ffd3" + "f4");
    assertThat(r.haltedInVector()).isEqualTo(-1);
    assertThat(r.reg(0)).isEqualTo(10); // 3 * 5 - 5 (stale: 20)
  }

  @Test
  void hostWrite8OfCachedCode_betweenRuns_isSeen() {
    CpuRig r = new CpuRig().run("b801000000f4"); // mov $1,%eax; hlt
    assertThat(r.reg(0)).isEqualTo(1);
    r.mem.write8(CpuRig.CODE + 1, 2); // mov $2,%eax (a plain PhysicalMemory write, no load())
    r.cpu.enterLongModeFlat(r.cpu.cr3());
    r.cpu.setRip(CpuRig.CODE);
    r.cpu.setReg(4, CpuRig.STACK);
    r.runToHalt();
    assertThat(r.reg(0)).isEqualTo(2);
  }
}
