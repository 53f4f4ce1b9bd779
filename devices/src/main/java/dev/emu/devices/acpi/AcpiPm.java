package dev.emu.devices.acpi;

import dev.emu.core.time.Timeline;
import dev.emu.devices.misc.BoardControl;
import dev.emu.devices.misc.Clocks;

/**
 * ACPI fixed-hardware power management block in I/O space (ACPI 6.x section 4.8): PM1a_EVT_BLK
 * (PM1_STS + PM1_EN, 4 bytes at +0), PM1a_CNT_BLK (2 bytes at +4) and the 24-bit PM timer
 * (3.579545 MHz, 4 bytes at +8), at the offsets QEMU's ICH9 uses (base 0x600).
 *
 * <p>Writing PM1_CNT with SLP_EN and SLP_TYP = {@link #SLP_TYP_S5} (the value of the DSDT's \_S5
 * package) powers the machine off. SCI_EN reads 1: the FADT has no SMI command port, so the
 * platform is always in ACPI mode. The timer is derived from the cycle clock; no event ever sets
 * a status bit and no SCI is raised (TMR_STS overflow and the power button are not modelled).
 */
public final class AcpiPm {
  public static final int BLOCK_SIZE = 12;
  public static final int OFS_PM1_STS = 0;
  public static final int OFS_PM1_EN = 2;
  public static final int OFS_PM1_CNT = 4;
  public static final int OFS_PM_TMR = 8;
  public static final long PM_TIMER_HZ = 3_579_545L;
  /** SLP_TYP for S5 (soft off); AcpiTables puts the same value in \_S5. */
  public static final int SLP_TYP_S5 = 5;

  static final int CNT_SCI_EN = 1;
  static final int CNT_SLP_TYP_SHIFT = 10;
  static final int CNT_SLP_TYP_MASK = 0b111 << CNT_SLP_TYP_SHIFT;
  static final int CNT_SLP_EN = 1 << 13;

  private final Timeline timeline;
  private final long cpuHz;
  private final BoardControl board;
  private int status;
  private int enable;
  private int control;

  public AcpiPm(Timeline timeline, long cpuHz, BoardControl board) {
    this.timeline = timeline;
    this.cpuHz = cpuHz;
    this.board = board;
    reset();
  }

  public void reset() {
    status = 0;
    enable = 0;
    control = CNT_SCI_EN;
  }

  /** Reads {@code size} bytes at {@code offset} within the block (little-endian lanes). */
  public int read(int offset, int size) {
    int v = 0;
    for (int i = 0; i < size; i++) {
      v |= readByte(offset + i) << (8 * i);
    }
    return v;
  }

  private int readByte(int offset) {
    int word;
    switch (offset & ~1) {
      case OFS_PM1_STS -> word = status;
      case OFS_PM1_EN -> word = enable;
      case OFS_PM1_CNT -> word = control;
      case OFS_PM_TMR, OFS_PM_TMR + 2 -> {
        long ticks = Clocks.mulDivFloor(timeline.now(), PM_TIMER_HZ, cpuHz) & 0xFF_FFFF;
        return (int) (ticks >>> (8 * (offset - OFS_PM_TMR))) & 0xff;
      }
      default -> {
        return 0xff;
      }
    }
    return (word >>> (8 * (offset & 1))) & 0xff;
  }

  public void write(int offset, int size, int value) {
    if (offset == OFS_PM1_STS) {
      status &= ~value; // write 1 to clear
      if (size < 4) {
        return;
      }
      value >>>= 16;
      offset = OFS_PM1_EN;
      size = 2;
    }
    if (offset == OFS_PM1_EN && size >= 2) {
      enable = value & 0xffff;
    } else if (offset == OFS_PM1_CNT && size >= 2) {
      writeControl(value & 0xffff);
    } else if (offset == OFS_PM1_CNT + 1 && size == 1) {
      writeControl((control & 0xff) | ((value & 0xff) << 8));
    } else if (offset == OFS_PM1_CNT && size == 1) {
      control = (control & 0xff00) | (value & 0xfe) | CNT_SCI_EN;
    }
  }

  private void writeControl(int v) {
    control = (v & ~CNT_SLP_EN) | CNT_SCI_EN;
    if ((v & CNT_SLP_EN) != 0 && ((v & CNT_SLP_TYP_MASK) >>> CNT_SLP_TYP_SHIFT) == SLP_TYP_S5) {
      board.powerOff();
    }
  }
}
