package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IA32_APIC_BASE and the x2APIC MSR interface (SDM vol. 3A 10.4.4, 10.12). */
class X2apicTest {
  private static final long XAPIC = 0xFEE0_0000L | APIC_BASE_ENABLE;
  private static final long X2APIC = XAPIC | APIC_BASE_EXTD;

  private Timeline timeline;
  private ApicBus bus;
  private FakeCpu cpu0;
  private FakeCpu cpu1;
  private Lapic lapic0;
  private Lapic lapic1;

  @BeforeEach
  void setUp() {
    timeline = new Timeline();
    bus = new ApicBus();
    cpu0 = new FakeCpu();
    cpu1 = new FakeCpu();
    lapic0 = new Lapic(0, timeline, 2_000_000_000L, bus, cpu0);
    lapic1 = new Lapic(0x13, timeline, 2_000_000_000L, bus, cpu1);
  }

  private void enterX2apic(Lapic lapic) {
    assertThat(lapic.writeMsr(MSR_APIC_BASE, X2APIC)).isTrue();
    assertThat(lapic.writeMsr(0x80F, SVR_ENABLE | 0xFF)).isTrue();
  }

  @Test
  void apicBase_bspBitIsReadOnly_reservedBitsFault() {
    assertThat(lapic1.writeMsr(MSR_APIC_BASE, XAPIC | APIC_BASE_BSP)).isTrue();
    assertThat(lapic1.readMsr(MSR_APIC_BASE)).isEqualTo(XAPIC);
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC)).isTrue();
    assertThat(lapic0.readMsr(MSR_APIC_BASE)).isEqualTo(XAPIC | APIC_BASE_BSP);
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC | 1)).isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC | 1L << 9)).isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC | 1L << 60)).isFalse();
  }

  @Test
  void timerInitialCount_acceptsValuesWithBit31Set() {
    enterX2apic(lapic0);
    // Linux-style calibration writes 0xFFFFFFFF to TMICT (MSR 0x838): legal, bits 63:32 are zero
    assertThat(lapic0.writeMsr(0x838, 0xFFFF_FFFFL)).isTrue();
    assertThat(lapic0.readMsr(0x838)).isEqualTo(0xFFFF_FFFFL);
    assertThat(lapic0.writeMsr(0x838, 0x1_0000_0000L)).as("bits 63:32 reserved").isFalse();
  }

  @Test
  void apicBase_relocatesThePage() {
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, 0xFED0_0000L | APIC_BASE_ENABLE)).isTrue();
    assertThat(lapic0.mmioBase()).isEqualTo(0xFED0_0000L);
    assertThat(lapic0.mmioEnabled()).isTrue();
  }

  @Test
  void modeTransitions_followFigure10_27() {
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, 0xFEE0_0000L | APIC_BASE_EXTD))
        .as("EN=0 EXTD=1 is invalid").isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, X2APIC)).as("xAPIC -> x2APIC").isTrue();
    assertThat(lapic0.x2apicMode()).isTrue();
    assertThat(lapic0.mmioEnabled()).isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC)).as("x2APIC -> xAPIC").isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, 0xFEE0_0000L)).as("x2APIC -> disabled").isTrue();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, X2APIC)).as("disabled -> x2APIC").isFalse();
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, XAPIC)).as("disabled -> xAPIC").isTrue();
  }

  @Test
  void x2apicUnsupported_extdFaults() {
    lapic0.setX2apicSupported(false);
    assertThat(lapic0.writeMsr(MSR_APIC_BASE, X2APIC)).isFalse();
    assertThat(lapic0.x2apicMode()).isFalse();
  }

  @Test
  void x2apicMsrs_absentInXapicMode() {
    assertThat(lapic0.hasMsr(0x802)).isFalse();
    assertThat(lapic0.writeMsr(0x808, 0)).isFalse();
    assertThat(lapic0.hasMsr(MSR_APIC_BASE)).isTrue();
  }

  @Test
  void idAndLdr_areReadOnly_andLdrDerivesFromId() {
    lapic1.mmioWrite(OFS_ID, 4, 0x0500_0000); // xAPIC ID rewritten before the switch
    enterX2apic(lapic1);
    assertThat(lapic1.readMsr(0x802)).isEqualTo(0x13);
    assertThat(lapic1.readMsr(0x80D)).isEqualTo(1L << 16 | 1 << 3); // cluster 1, bit 3
    assertThat(lapic1.writeMsr(0x802, 7)).isFalse();
    assertThat(lapic1.writeMsr(0x80D, 0)).isFalse();
    assertThat(lapic1.readMsr(0x803)).isEqualTo(0x0005_0014);
    assertThat(lapic1.writeMsr(0x803, 0)).isFalse();
  }

  @Test
  void registerMap_table10_6() {
    enterX2apic(lapic0);
    for (int msr : new int[] {0x802, 0x803, 0x808, 0x80A, 0x80B, 0x80D, 0x80F, 0x810, 0x817, 0x818,
        0x81F, 0x820, 0x827, 0x828, 0x830, 0x832, 0x833, 0x834, 0x835, 0x836, 0x837, 0x838, 0x839,
        0x83E, 0x83F}) {
      assertThat(lapic0.hasMsr(msr)).as("MSR 0x%x", msr).isTrue();
    }
    for (int msr : new int[] {0x800, 0x801, 0x809, 0x80C, 0x80E, 0x82F, 0x831, 0x83A, 0x840, 0x8FF,
        0xA00}) {
      assertThat(lapic0.hasMsr(msr)).as("MSR 0x%x", msr).isFalse();
      assertThat(lapic0.writeMsr(msr, 0)).isFalse();
    }
  }

  @Test
  void reservedBitsAndNonZeroWrites_fault() {
    enterX2apic(lapic0);
    assertThat(lapic0.writeMsr(0x808, 0x100)).as("TPR bits 31:8").isFalse();
    assertThat(lapic0.writeMsr(0x808, 1L << 32)).as("upper half").isFalse();
    assertThat(lapic0.writeMsr(0x808, 0x20)).isTrue();
    assertThat(lapic0.readMsr(0x808)).isEqualTo(0x20);
    assertThat(lapic0.writeMsr(0x80B, 1)).as("EOI non-zero").isFalse();
    assertThat(lapic0.writeMsr(0x80B, 0)).isTrue();
    assertThat(lapic0.writeMsr(0x828, 1)).as("ESR non-zero").isFalse();
    assertThat(lapic0.writeMsr(0x80F, 1 << 12)).as("SVR EOI suppression unsupported").isFalse();
    assertThat(lapic0.writeMsr(0x835, 1 << 20)).as("LVT reserved").isFalse();
    assertThat(lapic0.writeMsr(0x832, 0b11 << 17)).as("timer mode 11b").isFalse();
    assertThat(lapic0.writeMsr(0x832, 0b10 << 17 | 0x40)).as("TSC-deadline mode").isTrue();
    assertThat(lapic0.writeMsr(0x83E, 0b0100)).as("divide bit 2").isFalse();
    assertThat(lapic0.writeMsr(0x83F, 0x100)).as("SELF IPI bits 31:8").isFalse();
    assertThat(lapic0.writeMsr(0x830, 1L << 12)).as("ICR delivery status").isFalse();
    assertThat(lapic0.writeMsr(0x839, 5)).as("current count is read-only").isFalse();
    assertThat(lapic0.writeMsr(0x80A, 0)).as("PPR is read-only").isFalse();
    assertThat(lapic0.writeMsr(0x810, 0)).as("ISR is read-only").isFalse();
  }

  @Test
  void xapicPage_ignoredInX2apicMode() {
    enterX2apic(lapic0);
    lapic0.mmioWrite(OFS_TPR, 4, 0x40);
    assertThat(lapic0.readMsr(0x808)).isZero();
    assertThat(lapic0.mmioRead(OFS_TPR, 4)).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void icr_is64Bit_withFullDestination() {
    enterX2apic(lapic0);
    enterX2apic(lapic1);
    long icr = 0x13L << 32 | 0x4000 | 0x55;
    assertThat(lapic0.writeMsr(0x830, icr)).isTrue();
    assertThat(lapic0.readMsr(0x830)).isEqualTo(icr);
    assertThat(lapic1.acknowledge()).isEqualTo(0x55);
    assertThat(lapic0.interruptPending()).isFalse();
  }

  @Test
  void icrLogical_usesClusterAndMemberBits() {
    enterX2apic(lapic0);
    enterX2apic(lapic1);
    long dest = 1L << 16 | 1 << 3; // cluster 1, member 3 = x2APIC ID 0x13
    assertThat(lapic0.writeMsr(0x830, dest << 32 | ICR_DEST_LOGICAL | 0x56)).isTrue();
    assertThat(lapic1.acknowledge()).isEqualTo(0x56);
    assertThat(lapic1.writeMsr(0x80B, 0)).isTrue();
    long broadcast = 0xFFFF_FFFFL << 32 | 0x57;
    assertThat(lapic0.writeMsr(0x830, broadcast)).isTrue();
    assertThat(lapic0.acknowledge()).isEqualTo(0x57);
    assertThat(lapic1.acknowledge()).isEqualTo(0x57);
  }

  @Test
  void icrLowestPriority_isRefusedWithRedirectibleIpiError() {
    enterX2apic(lapic0);
    enterX2apic(lapic1);
    assertThat(lapic0.writeMsr(0x830, 0x13L << 32 | ApicBus.DM_LOWEST_PRIORITY << 8 | 0x60))
        .isTrue();
    assertThat(lapic1.interruptPending()).isFalse();
    lapic0.writeMsr(0x828, 0);
    assertThat(lapic0.readMsr(0x828)).isEqualTo(ESR_REDIRECTIBLE_IPI);
  }

  @Test
  void initAndSipi_inX2apicMode() {
    enterX2apic(lapic0);
    enterX2apic(lapic1);
    lapic0.writeMsr(0x830, 0x13L << 32 | ApicBus.DM_INIT << 8 | ICR_LEVEL_ASSERT);
    lapic0.writeMsr(0x830, 0x13L << 32 | ApicBus.DM_STARTUP << 8 | 0x10);
    assertThat(cpu1.inits).isEqualTo(1);
    assertThat(cpu1.sipis).containsExactly(0x10);
    assertThat(lapic1.x2apicMode()).as("INIT keeps x2APIC mode").isTrue();
  }

  @Test
  void selfIpi_andEoiThroughMsrs() {
    enterX2apic(lapic0);
    assertThat(lapic0.writeMsr(0x83F, 0x61)).isTrue();
    assertThat(lapic0.readMsr(0x820 + 3) & (1L << 1)).as("IRR bit 0x61").isNotZero();
    assertThat(lapic0.acknowledge()).isEqualTo(0x61);
    assertThat(lapic0.readMsr(0x810 + 3)).isEqualTo(1L << 1);
    assertThat(lapic0.readMsr(0x80A)).isEqualTo(0x60);
    assertThat(lapic0.writeMsr(0x80B, 0)).isTrue();
    assertThat(lapic0.readMsr(0x810 + 3)).isZero();
  }

  @Test
  void timerAndLvt_throughMsrs() {
    enterX2apic(lapic0);
    assertThat(lapic0.writeMsr(0x83E, 0b1011)).isTrue();
    assertThat(lapic0.writeMsr(0x832, 0xEC)).isTrue();
    assertThat(lapic0.writeMsr(0x838, 500)).isTrue();
    timeline.advanceTo(200);
    assertThat(lapic0.readMsr(0x839)).isEqualTo(300);
    timeline.advanceTo(500);
    assertThat(lapic0.acknowledge()).isEqualTo(0xEC);
  }

  @Test
  void illegalVectorSelfIpi_setsSendIllegalVector() {
    enterX2apic(lapic0);
    assertThat(lapic0.writeMsr(0x83F, 0x0F)).isTrue();
    assertThat(lapic0.interruptPending()).isFalse();
    lapic0.writeMsr(0x828, 0);
    assertThat(lapic0.readMsr(0x828)).isEqualTo(ESR_SEND_ILLEGAL_VECTOR);
  }
}
