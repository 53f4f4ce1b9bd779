package dev.emu.devices.acpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import dev.emu.devices.misc.BoardControl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcpiPmTest {
  private static final long HZ = 3_579_545L * 100; // 100 cycles per PM timer tick
  private final Timeline timeline = new Timeline();
  private final List<String> requests = new ArrayList<>();
  private final AcpiPm pm = new AcpiPm(timeline, HZ, new BoardControl() {
    @Override
    public void reset(String reason) {
      requests.add("reset");
    }

    @Override
    public void powerOff() {
      requests.add("off");
    }

    @Override
    public void debugExit(int value) {
      requests.add("exit");
    }

    @Override
    public void panic() {
      requests.add("panic");
    }
  });

  @Test
  void pm1Control_sciEnAlwaysSet_slpEnReadsZero() {
    assertThat(pm.read(AcpiPm.OFS_PM1_CNT, 2)).isEqualTo(1);
    pm.write(AcpiPm.OFS_PM1_CNT, 2, 3 << 10);          // S3 type without SLP_EN: stored
    assertThat(pm.read(AcpiPm.OFS_PM1_CNT, 2)).isEqualTo((3 << 10) | 1);
    pm.write(AcpiPm.OFS_PM1_CNT, 2, (3 << 10) | (1 << 13)); // S3 is not supported: nothing
    assertThat(requests).isEmpty();
    assertThat(pm.read(AcpiPm.OFS_PM1_CNT, 2) & (1 << 13)).isZero();
  }

  @Test
  void byteWrites_highByteWithSlpEnAndS5_powersOff() {
    pm.write(AcpiPm.OFS_PM1_CNT, 1, 0x00);
    pm.write(AcpiPm.OFS_PM1_CNT + 1, 1, ((AcpiPm.SLP_TYP_S5 << 10) | (1 << 13)) >> 8);
    assertThat(requests).containsExactly("off");
  }

  @Test
  void dwordAtPm1Status_alsoWritesEnable() {
    pm.write(AcpiPm.OFS_PM1_STS, 4, 0x0120_0000);
    assertThat(pm.read(AcpiPm.OFS_PM1_EN, 2)).isEqualTo(0x0120);
    assertThat(pm.read(AcpiPm.OFS_PM1_STS, 4)).isEqualTo(0x0120_0000);
  }

  @Test
  void pmTimer_3579545Hz_24BitsWrapping() {
    timeline.advanceTo(100L * 0xFF_FFFF);
    assertThat(pm.read(AcpiPm.OFS_PM_TMR, 4)).isEqualTo(0xFF_FFFF);
    timeline.advanceTo(100L * 0x100_0005);
    assertThat(pm.read(AcpiPm.OFS_PM_TMR, 4)).isEqualTo(5);
    assertThat(pm.read(AcpiPm.OFS_PM_TMR + 3, 1)).isZero();
  }
}
