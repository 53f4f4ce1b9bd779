package dev.emu.devices.apic;

import static dev.emu.devices.apic.IoApic.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 82093AA-style IOAPIC: indirect registers, redirection, edge/level, remote IRR and EOI. */
class IoApicTest {
  private ApicBus bus;
  private IoApic ioapic;
  private Lapic lapic0;
  private Lapic lapic1;
  private FakeCpu cpu1;

  @BeforeEach
  void setUp() {
    Timeline timeline = new Timeline();
    bus = new ApicBus();
    lapic0 = new Lapic(0, timeline, 2_000_000_000L, bus, new FakeCpu());
    cpu1 = new FakeCpu();
    lapic1 = new Lapic(1, timeline, 2_000_000_000L, bus, cpu1);
    lapic0.mmioWrite(LapicRegisters.OFS_SVR, 4, LapicRegisters.SVR_ENABLE | 0xFF);
    lapic1.mmioWrite(LapicRegisters.OFS_SVR, 4, LapicRegisters.SVR_ENABLE | 0xFF);
    ioapic = new IoApic(bus, 2);
  }

  private int readReg(int index) {
    ioapic.mmioWrite(OFS_IOREGSEL, 4, index);
    return (int) ioapic.mmioRead(OFS_IOWIN, 4);
  }

  private void writeReg(int index, int value) {
    ioapic.mmioWrite(OFS_IOREGSEL, 4, index);
    ioapic.mmioWrite(OFS_IOWIN, 4, value);
  }

  private void route(int pin, int low, int destination) {
    writeReg(REG_REDIRECTION_BASE + 2 * pin + 1, destination << 24);
    writeReg(REG_REDIRECTION_BASE + 2 * pin, low);
  }

  private void eoi(Lapic lapic) {
    lapic.mmioWrite(LapicRegisters.OFS_EOI, 4, 0);
  }

  @Test
  void reset_idVersionArbitrationAndMaskedEntries() {
    assertThat(bus.ioApic()).isSameAs(ioapic);
    assertThat(readReg(REG_ID)).isEqualTo(2 << 24);
    assertThat(readReg(REG_VERSION)).isEqualTo(0x0017_0020);
    assertThat(readReg(REG_ARBITRATION)).isEqualTo(2 << 24);
    for (int pin = 0; pin < PINS; pin++) {
      assertThat(readReg(REG_REDIRECTION_BASE + 2 * pin)).isEqualTo(0x0001_0000);
      assertThat(readReg(REG_REDIRECTION_BASE + 2 * pin + 1)).isZero();
    }
    assertThat(readReg(0x40)).as("beyond entry 23").isZero();
    assertThat(ioapic.mmioRead(OFS_IOREGSEL, 4)).isEqualTo(0x40);
  }

  @Test
  void registers_writableBitsOnly() {
    writeReg(REG_ID, 0xFFFF_FFFF);
    assertThat(readReg(REG_ID)).isEqualTo(0x0F00_0000);
    writeReg(REG_VERSION, 0);
    assertThat(readReg(REG_VERSION)).isEqualTo(0x0017_0020);
    writeReg(REG_REDIRECTION_BASE + 6, 0xFFFF_FFFF);
    assertThat(readReg(REG_REDIRECTION_BASE + 6)).as("delivery status, remote IRR RO")
        .isEqualTo(0x0001_AFFF);
    writeReg(REG_REDIRECTION_BASE + 7, 0xFFFF_FFFF);
    assertThat(readReg(REG_REDIRECTION_BASE + 7)).isEqualTo(0xFF00_0000);
    ioapic.reset();
    assertThat(readReg(REG_ID)).isEqualTo(2 << 24);
    assertThat(readReg(REG_REDIRECTION_BASE + 6)).isEqualTo(0x0001_0000);
  }

  @Test
  void edge_deliversOnRisingEdgeToTheDestination() {
    route(4, 0x34, 1);
    ioapic.setIrq(4, true);
    ioapic.setIrq(4, false);
    assertThat(lapic0.interruptPending()).isFalse();
    assertThat(lapic1.acknowledge()).isEqualTo(0x34);
    assertThat(cpu1.notifications).isEqualTo(1);
    ioapic.setIrq(4, true);
    ioapic.setIrq(4, true); // no new edge
    assertThat(lapic1.acknowledge()).as("same class held in service").isEqualTo(0xFF);
    eoi(lapic1);
    assertThat(lapic1.acknowledge()).isEqualTo(0x34);
    eoi(lapic1);
    assertThat(lapic1.interruptPending()).isFalse();
  }

  @Test
  void edge_whileMasked_isLost() {
    route(2, (int) RTE_MASKED | 0x30, 0);
    ioapic.setIrq(2, true);
    ioapic.setIrq(2, false);
    route(2, 0x30, 0);
    assertThat(lapic0.interruptPending()).isFalse();
  }

  @Test
  void level_setsRemoteIrr_untilLapicEoiBroadcast() {
    route(9, (int) RTE_TRIGGER_LEVEL | 0x49, 0);
    ioapic.setIrq(9, true);
    assertThat(readReg(REG_REDIRECTION_BASE + 18) & RTE_REMOTE_IRR).isNotZero();
    assertThat(lapic0.acknowledge()).isEqualTo(0x49);
    assertThat(lapic0.mmioRead(LapicRegisters.OFS_TMR + 0x20, 4)).as("TMR bit 0x49")
        .isEqualTo(1L << 9);
    ioapic.setIrq(9, false); // device serviced before the EOI
    eoi(lapic0);
    assertThat(readReg(REG_REDIRECTION_BASE + 18) & RTE_REMOTE_IRR).isZero();
    assertThat(lapic0.interruptPending()).isFalse();
  }

  @Test
  void level_stillAssertedAtEoi_isDeliveredAgain() {
    route(10, (int) RTE_TRIGGER_LEVEL | 0x4A, 0);
    ioapic.setIrq(10, true);
    assertThat(lapic0.acknowledge()).isEqualTo(0x4A);
    ioapic.setIrq(10, true); // still asserted: remote IRR holds further deliveries
    assertThat(lapic0.interruptPending()).isFalse();
    eoi(lapic0);
    assertThat(readReg(REG_REDIRECTION_BASE + 20) & RTE_REMOTE_IRR).isNotZero();
    assertThat(lapic0.acknowledge()).isEqualTo(0x4A);
  }

  @Test
  void level_assertedWhileMasked_isDeliveredOnUnmask() {
    route(11, (int) (RTE_TRIGGER_LEVEL | RTE_MASKED) | 0x4B, 0);
    ioapic.setIrq(11, true);
    assertThat(lapic0.interruptPending()).isFalse();
    route(11, (int) RTE_TRIGGER_LEVEL | 0x4B, 0);
    assertThat(lapic0.acknowledge()).isEqualTo(0x4B);
  }

  @Test
  void eoiRegister_clearsRemoteIrr() {
    route(12, (int) RTE_TRIGGER_LEVEL | 0x4C, 0);
    ioapic.setIrq(12, true);
    ioapic.setIrq(12, false);
    ioapic.mmioWrite(OFS_EOI, 4, 0x4C);
    assertThat(readReg(REG_REDIRECTION_BASE + 24) & RTE_REMOTE_IRR).isZero();
  }

  @Test
  void logicalDestination_andLowestPriority() {
    lapic0.mmioWrite(LapicRegisters.OFS_LDR, 4, 0x0100_0000);
    lapic1.mmioWrite(LapicRegisters.OFS_LDR, 4, 0x0200_0000);
    route(5, (int) (1L << 11) | 0x35, 0x02);
    ioapic.setIrq(5, true);
    assertThat(lapic0.interruptPending()).isFalse();
    assertThat(lapic1.acknowledge()).isEqualTo(0x35);
    route(6, (int) (1L << 11) | ApicBus.DM_LOWEST_PRIORITY << 8 | 0x36, 0x03);
    ioapic.setIrq(6, true);
    assertThat(lapic0.acknowledge()).isEqualTo(0x36);
    assertThat(lapic1.interruptPending()).isFalse();
  }

  @Test
  void nmiDeliveryMode_signalsNmi() {
    route(7, ApicBus.DM_NMI << 8, 1);
    ioapic.setIrq(7, true);
    ioapic.setIrq(7, false);
    assertThat(cpu1.nmis).isEqualTo(1);
  }

  @Test
  void invalidPinsAndOffsets_areIgnored() {
    ioapic.setIrq(-1, true);
    ioapic.setIrq(24, true);
    ioapic.mmioWrite(0x20, 4, 0x1234);
    assertThat(ioapic.mmioRead(0x20, 4)).isZero();
    assertThat(ioapic.mmioRead(OFS_EOI, 4)).isZero();
    assertThat(ioapic.describe()).contains("ioapic id=2");
  }
}
