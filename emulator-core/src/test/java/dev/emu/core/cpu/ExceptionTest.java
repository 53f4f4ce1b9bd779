package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Exception delivery in long mode: vectors, error codes, CR2, exact frames (SDM vol. 3 6.14),
 * restartability, IST, NMI blocking until IRET, the STI shadow, #DF and triple fault.
 */
class ExceptionTest {
  private static final long CS64 = 0x08;

  /** Frame of an exception with error code: [err, rip, cs, rflags, rsp, ss]. */
  private static void assertFrameWithError(CpuRig r, long err, long rip) {
    assertThat(r.stack(0)).as("error code").isEqualTo(err);
    assertThat(r.stack(1)).as("rip").isEqualTo(rip);
    assertThat(r.stack(2)).as("cs").isEqualTo(CS64);
    assertThat(r.stack(4)).as("rsp").isEqualTo(CpuRig.STACK);
    assertThat(r.stack(5)).as("ss").isEqualTo(0x10);
  }

  @Test
  void pageFault_notPresentRead_cr2ErrorCodeAndRestart() {
    CpuRig r = new CpuRig().use4kPages();
    r.setPte(0x40000, 0x40000, 0x2); // not present
    r.mem.write64(0x40000, 0x1122334455667788L);
    // handler at 0x12000: add $8,%rsp; orq $1,0x8200 (PTE of 0x40000); invlpg 0x40000; iretq
    r.load(0x12000, "4883c40848830c2500820000010f013c250000040048cf");
    r.setGate(14, 0x12000, 0, 0xe);
    // mov 0x40000,%rax ; hlt
    r.load(CpuRig.CODE, "488b042500000400f4");
    r.cpu.setRip(CpuRig.CODE);
    // stop right after delivery to inspect the frame
    r.cpu.run(r.cpu.cycles() + 1);
    assertThat(r.cpu.rip()).isEqualTo(0x12000);
    assertThat(r.cpu.cr2()).isEqualTo(0x40000);
    assertFrameWithError(r, 0, CpuRig.CODE);
    assertThat(r.cpu.rflags() & CpuState.IF).isZero();
    r.runToHalt();
    assertThat(r.reg(0)).as("restarted load").isEqualTo(0x1122334455667788L);
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 9);
    assertThat(r.pte(0x40000) & 0x20).as("accessed bit").isNotZero();
  }

  @Test
  void pageFault_writeToReadOnlyWithWp_errorCode3() {
    CpuRig r = new CpuRig().use4kPages();
    r.setPte(0x41000, 0x41000, 0x1); // present, read-only
    r.run("48c704250010040005000000f4"); // movq $5,0x41000 ; hlt
    assertThat(r.haltedInVector()).isEqualTo(14);
    assertThat(r.cpu.cr2()).isEqualTo(0x41000);
    assertFrameWithError(r, 0x3, CpuRig.CODE);
    assertThat(r.mem.read64(0x41000)).isZero();
  }

  @Test
  void pageFault_writeSetsDirtyBit() {
    CpuRig r = new CpuRig().use4kPages();
    r.setPte(0x41000, 0x41000, 0x3);
    r.run("48c704250010040005000000f4");
    assertThat(r.haltedInVector()).isEqualTo(-1);
    assertThat(r.pte(0x41000) & 0x60).isEqualTo(0x60);
    assertThat(r.mem.read64(0x41000)).isEqualTo(5);
  }

  @Test
  void pageFault_executeNx_errorCodeHasInstructionFetchBit() {
    CpuRig r = new CpuRig().use4kPages();
    r.setPte(CpuRig.CODE, CpuRig.CODE, 0x3 | (1L << 63));
    r.run("90f4");
    assertThat(r.haltedInVector()).isEqualTo(14);
    assertThat(r.cpu.cr2()).isEqualTo(CpuRig.CODE);
    assertFrameWithError(r, 0x11, CpuRig.CODE);
  }

  @Test
  void rdmsrUnknown_raisesGp0AtTheInstruction() {
    CpuRig r = new CpuRig().run("b9452301000f32f4"); // mov $0x12345,%ecx; rdmsr; hlt
    assertThat(r.haltedInVector()).isEqualTo(13);
    assertFrameWithError(r, 0, CpuRig.CODE + 5);
  }

  @Test
  void ud2_andUnimplementedSse_raiseUd() {
    CpuRig r = new CpuRig().run("0f0b");
    assertThat(r.haltedInVector()).isEqualTo(6);
    assertThat(r.stack(0)).isEqualTo(CpuRig.CODE);
    CpuRig r2 = new CpuRig().run("0f10c8"); // movups %xmm0,%xmm1
    assertThat(r2.haltedInVector()).isEqualTo(6);
    assertThat(r2.stack(0)).isEqualTo(CpuRig.CODE);
  }

  @Test
  void divideByZero_raisesDe() {
    CpuRig r = new CpuRig().run("31c948f7f1"); // xor %ecx,%ecx; div %rcx
    assertThat(r.haltedInVector()).isEqualTo(0);
    assertThat(r.stack(0)).isEqualTo(CpuRig.CODE + 2);
    assertThat(r.stack(3)).isEqualTo(CpuRig.STACK);
  }

  @Test
  void faultFrames_haveRfSet_trapsAndInterruptsDoNot() {
    // SDM vol. 3 17.3.1.1: faults push RFLAGS with RF (bit 16) set; #BP (a trap) does not
    CpuRig de = new CpuRig().run("31c948f7f1"); // xor %ecx,%ecx; div %rcx -> #DE, no error code
    assertThat(de.stack(2) & (1L << 16)).as("RF in the #DE frame").isNotZero();
    CpuRig gp = new CpuRig().run("b9efbeadde0f32"); // mov $0xdeadbeef,%ecx; rdmsr -> #GP(0)
    assertThat(gp.haltedInVector()).isEqualTo(13);
    assertThat(gp.stack(3) & (1L << 16)).as("RF in the #GP frame").isNotZero();
    CpuRig bp = new CpuRig().run("ccf4"); // int3
    assertThat(bp.haltedInVector()).isEqualTo(3);
    assertThat(bp.stack(2) & (1L << 16)).as("no RF for a trap").isZero();
    assertThat(bp.cpu.rflags() & (1L << 16)).as("live RF").isZero();
  }

  @Test
  void int3_onIstStack_pushesNextRip() {
    CpuRig r = new CpuRig();
    r.setGate(3, CpuRig.STUB + 16 * 3, 1, 0xf); // trap gate, IST1
    r.run("ccf4");
    assertThat(r.haltedInVector()).isEqualTo(3);
    assertThat(r.reg(4)).isEqualTo(CpuRig.IST1_TOP - 40);
    assertThat(r.stack(0)).isEqualTo(CpuRig.CODE + 1);
    assertThat(r.stack(3)).isEqualTo(CpuRig.STACK);
  }

  @Test
  void nmi_blockedUntilIret() {
    CpuRig r = new CpuRig();
    // NMI handler: incq 0x20000; mov $1000,%ecx; 1: dec %ecx; jnz 1b; iretq
    r.load(0x12000, "48ff042500000200b9e8030000ffc975fc48cf");
    r.setGate(2, 0x12000, 0, 0xe);
    r.load(CpuRig.CODE, "f390ebfc"); // 1: pause; jmp 1b
    r.cpu.signalNmi();
    r.cpu.run(r.cpu.cycles() + 60);
    assertThat(r.mem.read64(0x20000)).isEqualTo(1);
    assertThat(r.cpu.nmiBlocked()).isTrue();
    r.cpu.signalNmi(); // latched while blocked
    r.cpu.run(r.cpu.cycles() + 500);
    assertThat(r.mem.read64(0x20000)).as("still blocked inside the handler").isEqualTo(1);
    assertThat(r.cpu.nmiPending()).isTrue();
    r.cpu.run(r.cpu.cycles() + 5000);
    assertThat(r.mem.read64(0x20000)).as("second NMI after IRET").isEqualTo(2);
  }

  @Test
  void sti_shadowDelaysInterruptByOneInstruction() {
    CpuRig r = new CpuRig();
    r.host.pendingVector = 0x40;
    r.run("fbb801000000f4"); // sti; mov $1,%eax; hlt
    assertThat(r.haltedInVector()).isEqualTo(0x40);
    assertThat(r.reg(0)).isEqualTo(1);
    assertThat(r.stack(0)).as("return rip = hlt").isEqualTo(CpuRig.CODE + 6);
  }

  @Test
  void hlt_wokenByInterrupt() {
    CpuRig r = new CpuRig();
    r.cpu.setRflags(0x202);
    r.run("f4f4");
    assertThat(r.cpu.isHalted()).isTrue();
    assertThat(r.haltedInVector()).isEqualTo(-1);
    r.host.pendingVector = 0x41;
    assertThat(r.cpu.isHalted()).isFalse();
    r.runToHalt();
    assertThat(r.haltedInVector()).isEqualTo(0x41);
    assertThat(r.stack(0)).isEqualTo(CpuRig.CODE + 1);
  }

  @Test
  void faultDuringDelivery_givesDoubleFault_thenTripleFault() {
    CpuRig r = new CpuRig();
    r.mem.write64(CpuRig.IDT + 16 * 13 + 8, 0);
    r.mem.write64(CpuRig.IDT + 16 * 13, 0); // #GP gate not present -> #NP... contributory
    r.mem.write64(CpuRig.IDT + 16 * 11, 0); // #NP gate not present too
    r.run("b9452301000f32f4");
    assertThat(r.haltedInVector()).isEqualTo(8);
    assertThat(r.stack(0)).as("#DF error code").isZero();
    CpuRig t = new CpuRig();
    t.cpu.setIdt(CpuRig.IDT, 0); // nothing deliverable
    t.run("0f0b");
    assertThat(t.host.tripleFaulted).isTrue();
    assertThat(t.cpu.isShutdown()).isTrue();
  }

  @Test
  void tscMsrFsBaseAndSwapgs() {
    CpuRig r = new CpuRig();
    r.mem.write64(0x20010, 0xabcdef);
    r.cpu.writeMsr(0xc000_0102, 0x777000);
    // mov $0x10,%ecx; mov $0x3fff,%eax; xor %edx,%edx; wrmsr; rdmsr;
    // mov $0xc0000100,%ecx; mov $0x20000,%eax; xor %edx,%edx; wrmsr; mov %fs:0x10,%rbx; swapgs; hlt
    r.run("b910000000b8ff3f000031d20f300f32b9000100c0b80000020031d20f3064488b1c25100000000f01f8f4");
    assertThat(r.cpu.tsc()).isBetween(0x3fffL, 0x3fffL + 300);
    assertThat(r.reg(3)).isEqualTo(0xabcdef);
    assertThat(r.cpu.segmentBase(CpuState.GS)).isEqualTo(0x777000);
    assertThat(r.cpu.readMsr(0xc000_0102).getAsLong()).isZero();
  }

  @Test
  void cr8_mapsToHostTpr() {
    CpuRig r = new CpuRig();
    r.host.tpr = 3; // CR8 values (TPR[7:4])
    r.run("440f20c0b905000000440f22c1f4"); // mov %cr8,%rax; mov $5,%ecx; mov %rcx,%cr8; hlt
    assertThat(r.reg(0)).isEqualTo(3);
    assertThat(r.host.tpr).isEqualTo(5);
  }

  @Test
  void unknownMsr_fromHostApi_isEmptyAndDelegatedMsrGoesToHost() {
    CpuRig r = new CpuRig();
    assertThat(r.cpu.readMsr(0x12345)).isEmpty();
    r.host.msrs.put(0x1b, 0xfee00900L);
    assertThat(r.cpu.readMsr(0x1b).getAsLong()).isEqualTo(0xfee00900L);
    assertThat(r.cpu.writeMsr(0x6e0, 5)).isFalse();
    r.host.msrs.put(0x6e0, 0L);
    assertThat(r.cpu.writeMsr(0x6e0, 5)).isTrue();
    assertThat(r.host.msrs.get(0x6e0)).isEqualTo(5);
  }
}
