package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Register file, priorities and the IRR -> ISR -> EOI flow (SDM vol. 3A 10.4, 10.5.3, 10.8). */
class LapicTest {
  private Timeline timeline;
  private ApicBus bus;
  private FakeCpu cpu;
  private Lapic lapic;

  @BeforeEach
  void setUp() {
    timeline = new Timeline();
    bus = new ApicBus();
    cpu = new FakeCpu();
    lapic = new Lapic(0, timeline, 2_000_000_000L, bus, cpu);
  }

  private int read(int off) {
    return (int) lapic.mmioRead(off, 4);
  }

  private void write(int off, int value) {
    lapic.mmioWrite(off, 4, value);
  }

  private void enable() {
    write(OFS_SVR, SVR_ENABLE | 0xFF);
  }

  /** Sends a fixed edge interrupt to this LAPIC through the bus (as an IOAPIC would). */
  private void raise(int vector) {
    bus.deliver(0, false, ApicBus.DM_FIXED, vector, true, false);
  }

  @Test
  void reset_registers_haveArchitecturalValues() {
    assertThat(lapic.apicBase()).isEqualTo(0xFEE0_0000L | APIC_BASE_ENABLE | APIC_BASE_BSP);
    assertThat(read(OFS_ID)).isEqualTo(0);
    assertThat(read(OFS_VERSION)).isEqualTo(0x0005_0014);
    assertThat(read(OFS_TPR)).isZero();
    assertThat(read(OFS_PPR)).isZero();
    assertThat(read(OFS_LDR)).isZero();
    assertThat(read(OFS_DFR)).isEqualTo(0xFFFF_FFFF);
    assertThat(read(OFS_SVR)).isEqualTo(0xFF);
    for (int off = OFS_LVT_TIMER; off <= OFS_LVT_ERROR; off += 0x10) {
      assertThat(read(off)).as("LVT 0x%x", off).isEqualTo(LVT_MASKED);
    }
    for (int off = OFS_ISR; off < OFS_IRR + 0x80; off += 0x10) {
      assertThat(read(off)).isZero();
    }
    assertThat(read(OFS_TIMER_INITIAL)).isZero();
    assertThat(read(OFS_TIMER_CURRENT)).isZero();
    assertThat(read(OFS_TIMER_DIVIDE)).isZero();
    assertThat(lapic.x2apicMode()).isFalse();
  }

  @Test
  void apicBase_bspFlag_onlyForApicIdZero() {
    Lapic ap = new Lapic(3, timeline, 2_000_000_000L, bus, new FakeCpu());
    assertThat(ap.apicBase()).isEqualTo(0xFEE0_0000L | APIC_BASE_ENABLE);
    assertThat((int) ap.mmioRead(OFS_ID, 4)).isEqualTo(3 << 24);
    assertThat(bus.lapic(3)).isSameAs(ap);
    assertThat(bus.size()).isEqualTo(2);
  }

  @Test
  void writableRegisters_keepOnlyDefinedBits() {
    write(OFS_ID, 0x07FF_FFFF);
    assertThat(read(OFS_ID)).isEqualTo(0x0700_0000);
    write(OFS_TPR, 0xFFFF_FF5A);
    assertThat(read(OFS_TPR)).isEqualTo(0x5A);
    write(OFS_LDR, 0x1234_5678);
    assertThat(read(OFS_LDR)).isEqualTo(0x1200_0000);
    write(OFS_DFR, 0x0000_0000);
    assertThat(read(OFS_DFR)).isEqualTo(0x0FFF_FFFF);
    write(OFS_VERSION, 0);
    assertThat(read(OFS_VERSION)).isEqualTo(0x0005_0014);
    enable();
    write(OFS_LVT_LINT0, 0xFFFF_FFFF);
    assertThat(read(OFS_LVT_LINT0)).isEqualTo(0x0001_A7FF);
    write(OFS_LVT_ERROR, 0xFFFF_FFFF);
    assertThat(read(OFS_LVT_ERROR)).isEqualTo(0x0001_00FF);
    write(OFS_LVT_TIMER, 0xFFFF_FFFF & ~(1 << 17));
    assertThat(read(OFS_LVT_TIMER)).isEqualTo(0x0005_00FF);
    write(OFS_LVT_PMC, 0xFFFF_FFFF);
    assertThat(read(OFS_LVT_PMC)).isEqualTo(0x0001_07FF);
  }

  @Test
  void softwareDisabled_lvtMaskCannotBeCleared() {
    write(OFS_LVT_LINT1, 0x400); // NMI, unmasked
    assertThat(read(OFS_LVT_LINT1)).isEqualTo(0x400 | LVT_MASKED);
    enable();
    write(OFS_LVT_LINT1, 0x400);
    assertThat(read(OFS_LVT_LINT1)).isEqualTo(0x400);
    write(OFS_SVR, 0xFF); // software disable masks every LVT entry
    assertThat(read(OFS_LVT_LINT1)).isEqualTo(0x400 | LVT_MASKED);
  }

  @Test
  void subWordAndMisalignedAccesses() {
    write(OFS_TPR, 0x5A);
    assertThat(lapic.mmioRead(OFS_TPR, 1)).isEqualTo(0x5A);
    assertThat(lapic.mmioRead(OFS_VERSION + 2, 1)).isEqualTo(0x05);
    assertThat(lapic.mmioRead(OFS_VERSION + 4, 4)).isZero();
    assertThat(lapic.mmioRead(OFS_VERSION, 8)).isEqualTo(0x0005_0014L);
    lapic.mmioWrite(OFS_TPR, 1, 0x77); // not a 32-bit access: dropped
    assertThat(read(OFS_TPR)).isEqualTo(0x5A);
  }

  @Test
  void illegalRegister_readsZero_andArmsEsr() {
    enable();
    write(OFS_LVT_ERROR, 0xEE);
    assertThat(read(0x2F0)).isZero(); // CMCI: not implemented on this model
    assertThat(read(OFS_ESR)).as("ESR shows nothing until written").isZero();
    write(OFS_ESR, 0);
    assertThat(read(OFS_ESR)).isEqualTo(ESR_ILLEGAL_REGISTER);
    assertThat(lapic.acknowledge()).as("LVT error interrupt").isEqualTo(0xEE);
    write(OFS_ESR, 0);
    assertThat(read(OFS_ESR)).as("cleared by the next write").isZero();
    write(0x3F0, 1); // SELF IPI does not exist in xAPIC mode
    write(OFS_ESR, 0);
    assertThat(read(OFS_ESR)).isEqualTo(ESR_ILLEGAL_REGISTER);
  }

  @Test
  void fixedInterrupt_flowsIrrIsrEoi() {
    enable();
    raise(0x41);
    assertThat(read(OFS_IRR + 0x20)).isEqualTo(1 << 1); // vector 0x41: word 2, bit 1
    assertThat(lapic.interruptPending()).isTrue();
    assertThat(cpu.notifications).isEqualTo(1);
    assertThat(lapic.acknowledge()).isEqualTo(0x41);
    assertThat(read(OFS_IRR + 0x20)).isZero();
    assertThat(read(OFS_ISR + 0x20)).isEqualTo(1 << 1);
    assertThat(read(OFS_PPR)).isEqualTo(0x40);
    assertThat(lapic.interruptPending()).isFalse();
    write(OFS_EOI, 0);
    assertThat(read(OFS_ISR + 0x20)).isZero();
    assertThat(read(OFS_PPR)).isZero();
  }

  @Test
  void priority_higherClassPreempts_sameClassWaitsForEoi() {
    enable();
    raise(0x51);
    assertThat(lapic.acknowledge()).isEqualTo(0x51);
    raise(0x55); // same class 5: blocked by the in-service 0x51
    assertThat(lapic.interruptPending()).isFalse();
    raise(0x61); // class 6 beats PPR 0x50
    assertThat(lapic.interruptPending()).isTrue();
    assertThat(lapic.acknowledge()).isEqualTo(0x61);
    write(OFS_EOI, 0); // retires 0x61 (highest in service)
    assertThat(read(OFS_ISR + 0x20)).isEqualTo(1 << 17); // 0x51 (word 2, bit 17) still in service
    assertThat(lapic.interruptPending()).isFalse();
    write(OFS_EOI, 0);
    assertThat(lapic.acknowledge()).isEqualTo(0x55);
  }

  @Test
  void tpr_blocksClassesAtOrBelow_andPprFollowsTprOrIsr() {
    enable();
    write(OFS_TPR, 0x65);
    assertThat(read(OFS_PPR)).isEqualTo(0x65);
    raise(0x60);
    assertThat(lapic.interruptPending()).isFalse();
    assertThat(lapic.acknowledge()).as("spurious vector when nothing deliverable").isEqualTo(0xFF);
    int before = cpu.notifications;
    lapic.writeTpr(5); // CR8 = 5 -> TPR 0x50
    assertThat(read(OFS_TPR)).isEqualTo(0x50);
    assertThat(lapic.readTpr()).isEqualTo(5);
    assertThat(lapic.interruptPending()).isTrue();
    assertThat(cpu.notifications).as("lowering TPR wakes the CPU").isEqualTo(before + 1);
    assertThat(lapic.acknowledge()).isEqualTo(0x60);
    assertThat(read(OFS_PPR)).as("ISR class 6 above TPR class 5").isEqualTo(0x60);
    write(OFS_TPR, 0x7F);
    assertThat(read(OFS_PPR)).isEqualTo(0x7F);
  }

  @Test
  void apr_followsSdmDefinition() {
    enable();
    write(OFS_TPR, 0x30);
    assertThat(read(OFS_APR)).isEqualTo(0x30);
    raise(0x80);
    assertThat(read(OFS_APR)).isEqualTo(0x80);
  }

  @Test
  void spuriousVector_whenSoftwareDisabled() {
    raise(0x41);
    assertThat(lapic.interruptPending()).isFalse();
    assertThat(lapic.acknowledge()).isEqualTo(0xFF);
    write(OFS_SVR, SVR_ENABLE | 0x3F);
    assertThat(lapic.interruptPending()).as("held IRR becomes deliverable").isTrue();
    write(OFS_TPR, 0xF0);
    assertThat(lapic.acknowledge()).isEqualTo(0x3F);
  }

  @Test
  void illegalVector_neverEntersIrr() {
    enable();
    raise(0x0E);
    assertThat(read(OFS_IRR)).isZero();
    write(OFS_ESR, 0);
    assertThat(read(OFS_ESR)).isEqualTo(ESR_RECEIVE_ILLEGAL_VECTOR);
  }

  @Test
  void levelTriggered_setsTmr_andEdgeClearsIt() {
    enable();
    bus.deliver(0, false, ApicBus.DM_FIXED, 0x90, true, true);
    assertThat(read(OFS_TMR + 0x40)).isEqualTo(1 << 16);
    lapic.acknowledge();
    write(OFS_EOI, 0);
    bus.deliver(0, false, ApicBus.DM_FIXED, 0x90, true, false);
    assertThat(read(OFS_TMR + 0x40)).isZero();
  }

  @Test
  void lint1_nmiOnRisingEdge_only() {
    enable();
    write(OFS_LVT_LINT1, ApicBus.DM_NMI << 8);
    lapic.setLint(1, true);
    lapic.setLint(1, true);
    assertThat(cpu.nmis).isEqualTo(1);
    lapic.setLint(1, false);
    lapic.setLint(1, true);
    assertThat(cpu.nmis).isEqualTo(2);
    write(OFS_LVT_LINT1, ApicBus.DM_NMI << 8 | LVT_MASKED);
    lapic.setLint(1, false);
    lapic.setLint(1, true);
    assertThat(cpu.nmis).isEqualTo(2);
  }

  @Test
  void lint0_levelTriggered_remoteIrrUntilEoi() {
    enable();
    write(OFS_LVT_LINT0, 0x8000 | 0x70); // level, fixed, vector 0x70
    lapic.setLint(0, true);
    assertThat(read(OFS_LVT_LINT0) & 0x4000).as("remote IRR").isNotZero();
    assertThat(lapic.acknowledge()).isEqualTo(0x70);
    write(OFS_EOI, 0); // line still asserted: delivered again
    assertThat(lapic.acknowledge()).isEqualTo(0x70);
    lapic.setLint(0, false);
    write(OFS_EOI, 0);
    assertThat(read(OFS_LVT_LINT0) & 0x4000).isZero();
    assertThat(lapic.interruptPending()).isFalse();
  }

  @Test
  void pmi_deliversPerLvtpc_andSetsMask() {
    enable();
    write(OFS_LVT_PMC, ApicBus.DM_NMI << 8);
    lapic.pmi();
    assertThat(cpu.nmis).isEqualTo(1);
    assertThat(read(OFS_LVT_PMC)).isEqualTo(ApicBus.DM_NMI << 8 | LVT_MASKED);
    lapic.pmi(); // masked now: nothing
    assertThat(cpu.nmis).isEqualTo(1);
    write(OFS_LVT_PMC, 0xF2); // fixed vector
    lapic.pmi();
    assertThat(lapic.acknowledge()).isEqualTo(0xF2);
    assertThat(read(OFS_LVT_PMC)).isEqualTo(0xF2 | LVT_MASKED);
  }

  @Test
  void describe_mentionsState() {
    enable();
    raise(0x41);
    assertThat(lapic.describe()).contains("lapic 0").contains("irr={0x41}").contains("timer");
  }
}
