package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ICR inter-processor interrupts over the bus (SDM vol. 3A 10.6). */
class LapicIpiTest {
  private static final int CPUS = 4;
  private final FakeCpu[] cpus = new FakeCpu[CPUS];
  private final Lapic[] lapics = new Lapic[CPUS];
  private ApicBus bus;

  @BeforeEach
  void setUp() {
    Timeline timeline = new Timeline();
    bus = new ApicBus();
    for (int i = 0; i < CPUS; i++) {
      cpus[i] = new FakeCpu();
      lapics[i] = new Lapic(i, timeline, 2_000_000_000L, bus, cpus[i]);
      bus.attach(lapics[i]); // idempotent: the constructor attached already
      lapics[i].mmioWrite(OFS_SVR, 4, SVR_ENABLE | 0xFF);
    }
  }

  private void sendIpi(int from, int destination, int low) {
    lapics[from].mmioWrite(OFS_ICR_HIGH, 4, destination << 24);
    lapics[from].mmioWrite(OFS_ICR_LOW, 4, low);
  }

  private boolean[] pending() {
    boolean[] p = new boolean[CPUS];
    for (int i = 0; i < CPUS; i++) {
      p[i] = lapics[i].interruptPending();
    }
    return p;
  }

  @Test
  void attach_isIdempotent() {
    assertThat(bus.size()).isEqualTo(CPUS);
    assertThat(bus.lapicAt(2)).isSameAs(lapics[2]);
  }

  @Test
  void physicalFixed_reachesOnlyTheTarget_andStatusReadsIdle() {
    sendIpi(0, 2, 0x4000 | 0x40);
    assertThat(pending()).containsExactly(false, false, true, false);
    assertThat(lapics[2].acknowledge()).isEqualTo(0x40);
    assertThat((int) lapics[0].mmioRead(OFS_ICR_LOW, 4) & (1 << 12)).as("delivery status").isZero();
    assertThat(lapics[0].mmioRead(OFS_ICR_HIGH, 4)).isEqualTo(2L << 24);
  }

  @Test
  void physical_usesTheWritableIdRegister_andFfBroadcasts() {
    lapics[3].mmioWrite(OFS_ID, 4, 0x0900_0000);
    sendIpi(0, 9, 0x41);
    assertThat(pending()).containsExactly(false, false, false, true);
    sendIpi(0, 0xFF, 0x42);
    assertThat(pending()).containsExactly(true, true, true, true);
  }

  @Test
  void logicalFlat_matchesLdrBitmask() {
    for (int i = 0; i < CPUS; i++) {
      lapics[i].mmioWrite(OFS_LDR, 4, (1 << i) << 24);
    }
    sendIpi(0, 0b1010, ICR_DEST_LOGICAL | 0x50);
    assertThat(pending()).containsExactly(false, true, false, true);
  }

  @Test
  void logicalCluster_matchesClusterAndMember() {
    int[] ldrs = {0x11, 0x12, 0x21, 0x22}; // clusters 1 and 2, members 1 and 2
    for (int i = 0; i < CPUS; i++) {
      lapics[i].mmioWrite(OFS_DFR, 4, 0x0FFF_FFFF);
      lapics[i].mmioWrite(OFS_LDR, 4, ldrs[i] << 24);
    }
    sendIpi(0, 0x23, ICR_DEST_LOGICAL | 0x50); // cluster 2, members 1 and 2
    assertThat(pending()).containsExactly(false, false, true, true);
    sendIpi(0, 0xF2, ICR_DEST_LOGICAL | 0x51); // every cluster, member 2
    assertThat(pending()).containsExactly(false, true, true, true);
  }

  @Test
  void shorthands_self_all_allButSelf() {
    sendIpi(1, 0, SHORTHAND_SELF << ICR_SHORTHAND_SHIFT | 0x60);
    assertThat(pending()).containsExactly(false, true, false, false);
    assertThat(lapics[1].acknowledge()).isEqualTo(0x60);
    lapics[1].mmioWrite(OFS_EOI, 4, 0);
    sendIpi(1, 0, SHORTHAND_OTHERS << ICR_SHORTHAND_SHIFT | 0x61);
    assertThat(pending()).containsExactly(true, false, true, true);
    sendIpi(1, 0, SHORTHAND_ALL << ICR_SHORTHAND_SHIFT | 0x62);
    assertThat(pending()).containsExactly(true, true, true, true);
  }

  @Test
  void nmiIpi_signalsTargetCpu() {
    sendIpi(0, 3, ApicBus.DM_NMI << 8 | 0x4000);
    assertThat(cpus[3].nmis).isEqualTo(1);
    assertThat(cpus[0].nmis + cpus[1].nmis + cpus[2].nmis).isZero();
  }

  @Test
  void initSipiSipi_asLinuxSendsThem() {
    lapics[1].mmioWrite(OFS_TPR, 4, 0x20);
    // INIT assert (level, level-triggered), INIT de-assert, then two start-ups at 0x9A000.
    sendIpi(0, 1, ApicBus.DM_INIT << 8 | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT);
    sendIpi(0, 1, ApicBus.DM_INIT << 8 | ICR_TRIGGER_LEVEL);
    sendIpi(0, 1, ApicBus.DM_STARTUP << 8 | 0x9A);
    sendIpi(0, 1, ApicBus.DM_STARTUP << 8 | 0x9A);
    assertThat(cpus[1].inits).as("de-assert is not an INIT").isEqualTo(1);
    assertThat(cpus[1].sipis).containsExactly(0x9A, 0x9A);
    assertThat(lapics[1].mmioRead(OFS_TPR, 4)).as("INIT resets the LAPIC").isZero();
    assertThat(lapics[1].mmioRead(OFS_SVR, 4)).isEqualTo(0xFF);
    assertThat(lapics[1].mmioRead(OFS_ID, 4)).as("but keeps the ID").isEqualTo(1L << 24);
    assertThat(cpus[0].inits + cpus[2].inits + cpus[3].inits).isZero();
  }

  @Test
  void sipiToAllOthers_reachesEveryAp() {
    int others = SHORTHAND_OTHERS << ICR_SHORTHAND_SHIFT;
    sendIpi(0, 0, others | ApicBus.DM_INIT << 8 | ICR_LEVEL_ASSERT);
    sendIpi(0, 0, others | ApicBus.DM_STARTUP << 8 | 0x08);
    for (int i = 1; i < CPUS; i++) {
      assertThat(cpus[i].inits).isEqualTo(1);
      assertThat(cpus[i].sipis).containsExactly(0x08);
    }
    assertThat(cpus[0].inits).isZero();
    assertThat(cpus[0].sipis).isEmpty();
  }

  @Test
  void lowestPriority_goesToTheFirstMatchingTarget() {
    for (int i = 0; i < CPUS; i++) {
      lapics[i].mmioWrite(OFS_LDR, 4, 0xFF00_0000);
    }
    sendIpi(0, 0b0110, ICR_DEST_LOGICAL | ApicBus.DM_LOWEST_PRIORITY << 8 | 0x70);
    assertThat(pending()).containsExactly(true, false, false, false);
    lapics[0].acknowledge();
    bus.deliver(0b1100, false, ApicBus.DM_LOWEST_PRIORITY, 0x71, true, false);
    assertThat(pending()).containsExactly(false, false, false, false);
  }

  @Test
  void illegalVectorIpi_setsSendIllegalVector() {
    sendIpi(0, 1, 0x05);
    assertThat(pending()).containsExactly(false, false, false, false);
    lapics[0].mmioWrite(OFS_ESR, 4, 0);
    assertThat(lapics[0].mmioRead(OFS_ESR, 4)).isEqualTo(ESR_SEND_ILLEGAL_VECTOR);
  }

  @Test
  void smi_isIgnored() {
    sendIpi(0, 1, ApicBus.DM_SMI << 8);
    assertThat(pending()).containsExactly(false, false, false, false);
    assertThat(cpus[1].nmis + cpus[1].inits).isZero();
  }

  @Test
  void globallyDisabledLapic_ignoresMessages() {
    assertThat(lapics[2].writeMsr(MSR_APIC_BASE, 0xFEE0_0000L)).isTrue();
    sendIpi(0, 2, ApicBus.DM_NMI << 8);
    sendIpi(0, 0xFF, 0x40);
    assertThat(cpus[2].nmis).isZero();
    assertThat(lapics[2].mmioRead(OFS_ID, 4)).as("page gone: all ones").isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void msi_physicalAndLogical_andForeignAddressRejected() {
    assertThat(bus.deliverMsi(0xFEE0_2000L, 0x45)).isTrue(); // dest 2, fixed, edge
    assertThat(pending()).containsExactly(false, false, true, false);
    for (int i = 0; i < CPUS; i++) {
      lapics[i].mmioWrite(OFS_LDR, 4, (1 << i) << 24);
    }
    assertThat(bus.deliverMsi(0xFEE0_8004L, ApicBus.DM_NMI << 8)).isTrue(); // logical 0x08
    assertThat(cpus[3].nmis).isEqualTo(1);
    assertThat(bus.deliverMsi(0xFEC0_0000L, 0x46)).isFalse();
  }

  @Test
  void timerFrequency_isTheCoreClock() {
    assertThat(lapics[0].timerFrequencyHz()).isEqualTo(2_000_000_000L);
  }
}
