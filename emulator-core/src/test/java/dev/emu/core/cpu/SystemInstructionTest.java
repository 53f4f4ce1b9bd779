package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** rdpmc, TLB/invlpg semantics, MMIO routing, NMI waking HLT, syscall/sysret to ring 3. */
class SystemInstructionTest {
  @Test
  void rdpmc_readsHostCounter_andBadIndexIsGp() {
    // mov $0,%ecx; rdpmc; mov $1,%ecx; rdpmc
    CpuRig r = new CpuRig().run("b9000000000f33b9010000000f33");
    assertThat(r.reg(0)).isEqualTo(0x1234);
    assertThat(r.haltedInVector()).isEqualTo(13);
    assertThat(r.stack(1)).isEqualTo(CpuRig.CODE + 12);
  }

  @Test
  void staleTlbEntry_isUsedUntilInvlpg() {
    CpuRig r = new CpuRig().use4kPages();
    r.mem.write64(0x40000, 0xaaaa);
    r.mem.write64(0x41000, 0xbbbb);
    // mov 0x40000,%rax; movq $0x41003,0x8200 (remap page 0x40000 -> 0x41000);
    // mov 0x40000,%rbx (stale TLB); invlpg 0x40000; mov 0x40000,%rcx; hlt
    r.run("488b04250000040048c704250082000003100400488b1c25000004000f013c2500000400"
        + "488b0c2500000400f4");
    assertThat(r.reg(0)).isEqualTo(0xaaaa);
    assertThat(r.reg(3)).as("TLB still holds the old translation").isEqualTo(0xaaaa);
    assertThat(r.reg(1)).as("after invlpg").isEqualTo(0xbbbb);
  }

  @Test
  void addressesOutsideRam_goToHostMmio_everyTime() {
    CpuRig r = new CpuRig();
    r.host.mmio.put(0xfee00030L, 0x50014L);
    // mov $0xfee00030,%eax; mov (%rax),%ebx; movl $0x55,(%rax); movl $0x66,(%rax); hlt
    r.run("b83000e0fe8b18c70055000000c70066000000f4");
    assertThat(r.reg(3)).isEqualTo(0x50014);
    assertThat(r.host.mmioWrites).containsExactly(0xfee00030L, 0xfee00030L);
    assertThat(r.host.mmio.get(0xfee00030L)).isEqualTo(0x66);
  }

  @Test
  void nmi_wakesHltWithInterruptsDisabled() {
    CpuRig r = new CpuRig().run("f4f4"); // IF=0
    assertThat(r.cpu.isHalted()).isTrue();
    r.cpu.signalNmi();
    assertThat(r.cpu.isHalted()).isFalse();
    r.runToHalt();
    assertThat(r.haltedInVector()).isEqualTo(2);
    assertThat(r.stack(0)).isEqualTo(CpuRig.CODE + 1);
  }

  @Test
  void syscallSysret_roundTripToRing3_thenHltIsGp() {
    CpuRig r = new CpuRig();
    r.mem.write64(0x1000, 0x2000 | 0x7); // PML4 user
    r.mem.write64(0x2000, 0x87); // 1 GiB user page
    r.enter(r.cpu.cr3());
    r.cpu.writeMsr(0xc000_0081, (0x18L << 48) | (0x08L << 32)); // STAR
    r.cpu.writeMsr(0xc000_0082, 0x12000); // LSTAR
    r.load(0x12000, "b807000000480f07"); // mov $7,%eax; sysretq
    r.run("0f05f4"); // syscall; hlt
    assertThat(r.reg(0)).isEqualTo(7);
    assertThat(r.haltedInVector()).as("hlt at CPL 3").isEqualTo(13);
    assertThat(r.stack(1)).isEqualTo(CpuRig.CODE + 2);
    assertThat(r.stack(2)).as("user CS").isEqualTo(0x2b);
    assertThat(r.stack(5)).as("user SS").isEqualTo(0x23);
    assertThat(r.reg(4)).as("RSP0 from the TSS").isEqualTo(CpuRig.STACK - 48);
    assertThat(r.cpu.cpl()).isZero();
  }
}
