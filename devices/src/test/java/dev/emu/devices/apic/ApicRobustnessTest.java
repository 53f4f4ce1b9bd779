package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arbitrary guest accesses never throw and never break architectural invariants. */
class ApicRobustnessTest {
  private static final int[] SIZES = {1, 2, 4, 8, 0, 3, 16};

  @Test
  void randomAccesses_neverThrow_andKeepInvariants() {
    Random random = new Random(0x5EED);
    Timeline timeline = new Timeline();
    ApicBus bus = new ApicBus();
    FakeCpu cpu0 = new FakeCpu();
    Lapic lapic0 = new Lapic(0, timeline, 2_000_000_000L, bus, cpu0);
    Lapic lapic1 = new Lapic(1, timeline, 2_000_000_000L, bus, new FakeCpu());
    IoApic ioapic = new IoApic(bus);
    FakePmuClock clock = new FakePmuClock();
    Pmu pmu = new Pmu(clock, lapic0);
    clock.pmu = pmu;
    long now = 0;
    for (int n = 0; n < 200_000; n++) {
      Lapic lapic = random.nextBoolean() ? lapic0 : lapic1;
      int size = SIZES[random.nextInt(SIZES.length)];
      long value = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(0x1_0000);
      switch (random.nextInt(12)) {
        case 0 -> lapic.mmioRead(random.nextInt(0x1100) - 0x40, size);
        case 1 -> lapic.mmioWrite(random.nextInt(0x400), size, value);
        case 2 -> lapic.readMsr(0x800 + random.nextInt(0x100));
        case 3 -> lapic.writeMsr(random.nextBoolean() ? 0x800 + random.nextInt(0x100)
            : random.nextBoolean() ? MSR_APIC_BASE : MSR_TSC_DEADLINE, value);
        case 4 -> ioapic.mmioWrite(random.nextInt(0x50), size, value);
        case 5 -> ioapic.mmioRead(random.nextInt(0x1000), size);
        case 6 -> ioapic.setIrq(random.nextInt(30) - 3, random.nextBoolean());
        case 7 -> lapic.setLint(random.nextInt(4) - 1, random.nextBoolean());
        case 8 -> {
          lapic.acknowledge();
          lapic.interruptPending();
        }
        case 9 -> pmu.writeMsr(0xC0 + random.nextInt(0x400), value);
        case 10 -> {
          pmu.rdpmc(random.nextInt());
          clock.run(random.nextInt(50), 1 + random.nextInt(3));
        }
        default -> {
          now += random.nextInt(5000);
          timeline.advanceTo(now);
        }
      }
      if (random.nextInt(50_000) == 0) {
        lapic.reset();
        pmu.reset();
        ioapic.reset();
      }
    }
    for (Lapic lapic : new Lapic[] {lapic0, lapic1}) {
      boolean x2 = lapic.x2apicMode();
      long version = x2 ? lapic.readMsr(0x803) : lapic.mmioRead(OFS_VERSION, 4);
      if (lapic.mmioEnabled() || x2) {
        assertThat(version).isEqualTo(DEFAULT_VERSION);
        long irrLow = x2 ? lapic.readMsr(0x820) : lapic.mmioRead(OFS_IRR, 4);
        assertThat(irrLow & 0xFFFF).as("vectors 0-15 never pend").isZero();
      }
    }
    ioapic.mmioWrite(IoApic.OFS_IOREGSEL, 4, IoApic.REG_VERSION);
    assertThat(ioapic.mmioRead(IoApic.OFS_IOWIN, 4)).isEqualTo(IoApic.DEFAULT_VERSION);
    for (int i = 0; i < 4; i++) {
      assertThat(pmu.rdpmc(i) >>> 48).isZero();
    }
  }
}
