package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.mem.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** Mode transitions: the PVH 32-bit entry enabling long mode, and an AP real-mode trampoline. */
class ModeSwitchTest {
  /**
   * Hand-assembled PVH-like stub (GNU as, .code32 at 0x100000): rep stosl clears 3 pages at
   * 0x70000; PML4[0]=0x71003, PDPT[0]=0x72003, 512 x 2 MiB PDEs; lgdt gdtdesc; CR4.PAE; CR3;
   * rdmsr/wrmsr EFER |= LME|NXE; CR0 |= PG|PE; ljmp $0x08,$long64. In 64-bit code: mov $0x10 to
   * ds/ss; movabs $0x1122334455667788,%rax; mov %ebx,%esi; lea 0x1000(%rip),%rsp; push %rax;
   * pop %rdx; hlt. Followed by the GDT (null, 0x00af9b000000ffff, 0x00cf93000000ffff).
   */
  static final String PVH_STUB =
      "bf0000070031c0b9000c0000f3abc7050000070003100700c7050010070003200700bf00200700b883000000"
          + "b9000200008907050000200083c7084975f30f0115b00010000f20e083c8200f22e0b8000007000f22d8"
          + "b9800000c00f320d000900000f300f20c00d010000800f22c0ea760010000800b8100000008ed88ed048"
          + "b8887766554433221189de488d2500100000505af48d76000000000000000000ffff0000009baf00ffff"
          + "00000093cf00170098001000";

  @Test
  void pvhEntry_buildsPageTablesAndEntersLongMode() {
    PhysicalMemory mem = new PhysicalMemory(4 << 20);
    FakeHost host = new FakeHost();
    Cpu cpu = new Cpu(0, mem, host, CpuModel.defaults());
    mem.load(0x100000, CpuRig.hex(PVH_STUB));
    cpu.enterPvh(0x100000, 0x5000);
    assertThat(cpu.isProtectedMode()).isTrue();
    assertThat(cpu.isLongMode64()).isFalse();
    assertThat(cpu.reg(3)).isEqualTo(0x5000);
    long budget = 1_000_000;
    while (!cpu.isHalted() && cpu.cycles() < budget) {
      cpu.run(budget);
    }
    assertThat(cpu.lastError()).isNull();
    assertThat(cpu.isLongMode64()).isTrue();
    assertThat(cpu.efer() & 0xd00).isEqualTo(0xd00); // LME | LMA | NXE
    assertThat(cpu.cr0() & 0x8000_0001L).isEqualTo(0x8000_0001L);
    assertThat(cpu.reg(2)).isEqualTo(0x1122334455667788L);
    assertThat(cpu.reg(6)).isEqualTo(0x5000);
    long leaEnd = 0x100000 + PVH_STUB.indexOf("488d2500100000") / 2 + 7;
    assertThat(cpu.reg(4)).as("RIP-relative lea").isEqualTo(leaEnd + 0x1000);
    assertThat(mem.read64(0x72000 + 8)).isEqualTo(0x200083L);
    assertThat(cpu.segmentSelector(CpuState.CS)).isEqualTo(0x08);
  }

  /**
   * AP trampoline at 0x8000 (GNU as, .code16): cli; mov %cs,%ax; mov %ax,%ds; lgdtl (gdtd-t);
   * mov %cr0,%eax; or $1,%eax; mov %eax,%cr0; ljmpl $0x18,$pm. In 32-bit code: mov $0x10 to
   * ds/ss; mov $0x9000,%esp; push $0xbeef; pop %ebx; mov $0xdead,%eax; mov %eax,0x20000; hlt.
   */
  static final String TRAMPOLINE =
      "fa8cc88ed8660f011660000f20c06683c8010f22c066ea1d800000180066b810008ed88ed0bc0090000068"
          + "efbe00005bb8adde0000a300000200f48d742600900000000000000000ffff0000009baf00ffff000000"
          + "93cf00ffff0000009bcf001f0040800000";

  @Test
  void ap_waitsForSipi_thenRunsRealModeTrampolineIntoProtectedMode() {
    PhysicalMemory mem = new PhysicalMemory(4 << 20);
    FakeHost host = new FakeHost();
    Cpu ap = new Cpu(1, mem, host, CpuModel.defaults());
    mem.load(0x8000, CpuRig.hex(TRAMPOLINE));
    assertThat(ap.isWaitingForSipi()).isTrue();
    assertThat(ap.isHalted()).isTrue();
    ap.run(1000);
    assertThat(ap.cycles()).as("a CPU waiting for SIPI does not run").isZero();
    ap.signalInit();
    ap.signalSipi(0x08);
    assertThat(ap.isHalted()).isFalse();
    assertThat(ap.isProtectedMode()).isFalse();
    assertThat(ap.segmentBase(CpuState.CS)).isEqualTo(0x8000);
    long budget = 100_000;
    while (!ap.isHalted() && ap.cycles() < budget) {
      ap.run(budget);
    }
    assertThat(ap.lastError()).isNull();
    assertThat(mem.read32(0x20000)).isEqualTo(0xdead);
    assertThat(ap.reg(3)).isEqualTo(0xbeef);
    assertThat(ap.reg(4)).isEqualTo(0x9000);
    assertThat(ap.isProtectedMode()).isTrue();
    assertThat(ap.segmentSelector(CpuState.CS)).isEqualTo(0x18);
  }

  @Test
  void reset_startsAtResetVectorInRealMode() {
    PhysicalMemory mem = new PhysicalMemory(1 << 20);
    Cpu cpu = new Cpu(0, mem, new FakeHost(), CpuModel.defaults());
    cpu.reset(false);
    assertThat(cpu.rip()).isEqualTo(0xfff0);
    assertThat(cpu.segmentBase(CpuState.CS)).isEqualTo(0xffff_0000L);
    assertThat(cpu.isProtectedMode()).isFalse();
    assertThat(cpu.reg(2)).isEqualTo(Cpuid.SIGNATURE);
    assertThat(cpu.isHalted()).isFalse();
  }

  @Test
  void realMode_intThroughIvt_andIret() {
    PhysicalMemory mem = new PhysicalMemory(1 << 20);
    Cpu ap = new Cpu(1, mem, new FakeHost(), CpuModel.defaults());
    mem.load(0x8000, CpuRig.hex("cd20f4")); // .code16: int $0x20; hlt
    mem.load(0x9000, CpuRig.hex("b83412cf")); // mov $0x1234,%ax; iret
    mem.write16(0x20 * 4, 0x9000); // IVT[0x20] = 0000:9000
    mem.write16(0x20 * 4 + 2, 0);
    ap.signalInit();
    ap.signalSipi(0x08);
    assertThat(ap.isHalted()).isFalse(); // INIT+SIPI are taken here (INIT clears registers)
    ap.setReg(4, 0x7000);
    while (!ap.isHalted() && ap.cycles() < 10_000) {
      ap.run(10_000);
    }
    assertThat(ap.reg(0) & 0xffff).isEqualTo(0x1234);
    assertThat(ap.rip()).isEqualTo(3);
    assertThat(ap.segmentBase(CpuState.CS)).isEqualTo(0x8000);
    assertThat(ap.reg(4)).isEqualTo(0x7000);
    assertThat(mem.read16(0x7000 - 2)).as("pushed flags").isEqualTo(0x2);
    assertThat(mem.read16(0x7000 - 4)).as("pushed CS").isEqualTo(0x0800);
    assertThat(mem.read16(0x7000 - 6)).as("pushed IP").isEqualTo(2);
  }
}
