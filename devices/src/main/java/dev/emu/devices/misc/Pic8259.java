package dev.emu.devices.misc;

/**
 * A minimal 8259A programmable interrupt controller (one of the master/slave pair at 0x20/0x21
 * and 0xA0/0xA1). It accepts the ICW1..ICW4 initialisation sequence and OCWs so that kernels can
 * mask it, and reads back the interrupt mask (0xFF after reset). It never raises an interrupt:
 * every device is wired to the IOAPIC, and the LAPIC's LINT0 (ExtINT) is not connected to it.
 * Command-port reads (IRR/ISR) return 0.
 */
public final class Pic8259 {
  static final int ICW1 = 0b0001_0000;
  static final int ICW1_NEEDS_ICW4 = 0b0000_0001;
  static final int ICW1_SINGLE = 0b0000_0010;

  private int imr = 0xFF;
  /** 0: normal operation; 2..4: the next data write is ICW2..ICW4. */
  private int initStep;
  private boolean needsIcw4;
  private boolean single;

  public int read(int offset) {
    return offset == 1 ? imr : 0;
  }

  public void write(int offset, int v) {
    v &= 0xff;
    if (offset == 0) {
      if ((v & ICW1) != 0) {
        initStep = 2;
        needsIcw4 = (v & ICW1_NEEDS_ICW4) != 0;
        single = (v & ICW1_SINGLE) != 0;
        imr = 0;
      }
      return; // OCW2 (EOI) and OCW3 have no effect on a controller that never interrupts
    }
    switch (initStep) {
      case 2 -> initStep = single ? (needsIcw4 ? 4 : 0) : 3;
      case 3 -> initStep = needsIcw4 ? 4 : 0;
      case 4 -> initStep = 0;
      default -> imr = v;
    }
  }

  public int mask() {
    return imr;
  }

  public void reset() {
    imr = 0xFF;
    initStep = 0;
  }
}
