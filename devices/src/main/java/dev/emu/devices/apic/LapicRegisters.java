package dev.emu.devices.apic;

/**
 * The LAPIC register map: xAPIC MMIO offsets (x2APIC MSR = 0x800 + offset / 16), MSR numbers,
 * field bits and reset values, per Intel SDM vol. 3A table 10-1 (xAPIC), table 10-6 (x2APIC),
 * figures 10-8 (LVT), 10-12 (ICR), 10-9 (ESR), 10-23 (SVR) and 10-26 (IA32_APIC_BASE).
 */
public final class LapicRegisters {
  private LapicRegisters() {}

  // ---- xAPIC register offsets within the 4 KiB page (x2APIC MSR = 0x800 + offset / 16) ----
  public static final int OFS_ID = 0x020;
  public static final int OFS_VERSION = 0x030;
  public static final int OFS_TPR = 0x080;
  public static final int OFS_APR = 0x090;
  public static final int OFS_PPR = 0x0A0;
  public static final int OFS_EOI = 0x0B0;
  public static final int OFS_RRD = 0x0C0;
  public static final int OFS_LDR = 0x0D0;
  public static final int OFS_DFR = 0x0E0;
  public static final int OFS_SVR = 0x0F0;
  public static final int OFS_ISR = 0x100;
  public static final int OFS_TMR = 0x180;
  public static final int OFS_IRR = 0x200;
  public static final int OFS_ESR = 0x280;
  public static final int OFS_ICR_LOW = 0x300;
  public static final int OFS_ICR_HIGH = 0x310;
  public static final int OFS_LVT_TIMER = 0x320;
  public static final int OFS_LVT_THERMAL = 0x330;
  public static final int OFS_LVT_PMC = 0x340;
  public static final int OFS_LVT_LINT0 = 0x350;
  public static final int OFS_LVT_LINT1 = 0x360;
  public static final int OFS_LVT_ERROR = 0x370;
  public static final int OFS_TIMER_INITIAL = 0x380;
  public static final int OFS_TIMER_CURRENT = 0x390;
  public static final int OFS_TIMER_DIVIDE = 0x3E0;
  /** x2APIC only (MSR 0x83F). */
  public static final int OFS_SELF_IPI = 0x3F0;

  // ---- MSRs ----
  public static final int MSR_APIC_BASE = 0x1B;
  public static final int MSR_TSC_DEADLINE = 0x6E0;
  public static final int MSR_X2APIC_FIRST = 0x800;
  public static final int MSR_X2APIC_LAST = 0x8FF;

  // ---- IA32_APIC_BASE bits ----
  public static final long APIC_BASE_BSP = 1L << 8;
  public static final long APIC_BASE_EXTD = 1L << 10;
  public static final long APIC_BASE_ENABLE = 1L << 11;
  /** Base address field; bits 63:52 and 9, 7:0 are reserved (MAXPHYADDR assumed 52). */
  public static final long APIC_BASE_ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;
  static final long APIC_BASE_RESERVED = ~(APIC_BASE_ADDRESS_MASK | APIC_BASE_BSP
      | APIC_BASE_EXTD | APIC_BASE_ENABLE);

  // ---- LVT bits ----
  static final int LVT_VECTOR = 0xFF;
  static final int LVT_DELIVERY_MODE = 0x700;
  static final int LVT_DELIVERY_STATUS = 1 << 12;
  static final int LVT_POLARITY = 1 << 13;
  static final int LVT_REMOTE_IRR = 1 << 14;
  static final int LVT_TRIGGER_LEVEL = 1 << 15;
  public static final int LVT_MASKED = 1 << 16;
  static final int LVT_TIMER_MODE_SHIFT = 17;
  static final int LVT_TIMER = 0;
  static final int LVT_THERMAL = 1;
  static final int LVT_PMC = 2;
  static final int LVT_LINT0 = 3;
  static final int LVT_LINT1 = 4;
  static final int LVT_ERROR = 5;
  static final int LVT_COUNT = 6;
  /** Writable bits per LVT entry (timer: plus bit 18 when TSC-deadline is supported). */
  static final int[] LVT_WRITABLE = {
    LVT_MASKED | (0b01 << LVT_TIMER_MODE_SHIFT) | LVT_VECTOR,
    LVT_MASKED | LVT_DELIVERY_MODE | LVT_VECTOR,
    LVT_MASKED | LVT_DELIVERY_MODE | LVT_VECTOR,
    LVT_MASKED | LVT_TRIGGER_LEVEL | LVT_POLARITY | LVT_DELIVERY_MODE | LVT_VECTOR,
    LVT_MASKED | LVT_TRIGGER_LEVEL | LVT_POLARITY | LVT_DELIVERY_MODE | LVT_VECTOR,
    LVT_MASKED | LVT_VECTOR,
  };

  // ---- ICR low bits ----
  static final int ICR_DEST_LOGICAL = 1 << 11;
  static final int ICR_LEVEL_ASSERT = 1 << 14;
  static final int ICR_TRIGGER_LEVEL = 1 << 15;
  static final int ICR_SHORTHAND_SHIFT = 18;
  static final int ICR_LOW_WRITABLE = 0b1100_1100_1111_1111_1111;
  static final int SHORTHAND_NONE = 0;
  static final int SHORTHAND_SELF = 1;
  static final int SHORTHAND_ALL = 2;
  static final int SHORTHAND_OTHERS = 3;

  // ---- SVR / ESR bits ----
  public static final int SVR_ENABLE = 1 << 8;
  static final int SVR_WRITABLE = 0x3FF; // vector, enable, focus-check (ignored)
  public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
  public static final int ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
  public static final int ESR_ILLEGAL_REGISTER = 1 << 7;
  public static final int ESR_REDIRECTIBLE_IPI = 1 << 4;

  // ---- reset values ----
  public static final long DEFAULT_APIC_BASE_ADDRESS = 0xFEE0_0000L;
  /** Version 0x14 (integrated APIC), Max LVT Entry = 5 (six entries), no EOI suppression. */
  public static final int DEFAULT_VERSION = (LVT_COUNT - 1) << 16 | 0x14;
  /** SVR resets to 0xFF: software-disabled, spurious vector 0xFF. */
  static final int DEFAULT_SVR = 0xFF;
  /** DFR resets to all ones: flat model. */
  static final int DEFAULT_DFR = 0xFFFF_FFFF;

  private static final int[] X2APIC_ABSENT = {OFS_APR, OFS_RRD, OFS_DFR, OFS_ICR_HIGH};

  /** Table 10-1 (xAPIC) / table 10-6 (x2APIC) register existence. */
  static boolean registerExists(int off, boolean x2apic) {
    if (x2apic) {
      for (int absent : X2APIC_ABSENT) {
        if (off == absent) {
          return false;
        }
      }
      if (off == OFS_SELF_IPI) {
        return true;
      }
    }
    switch (off) {
      case OFS_ID, OFS_VERSION, OFS_TPR, OFS_APR, OFS_PPR, OFS_EOI, OFS_RRD, OFS_LDR, OFS_DFR,
          OFS_SVR, OFS_ESR, OFS_ICR_LOW, OFS_ICR_HIGH, OFS_TIMER_INITIAL, OFS_TIMER_CURRENT,
          OFS_TIMER_DIVIDE:
        return true;
      default:
        return (off >= OFS_ISR && off < OFS_IRR + 0x80)
            || (off >= OFS_LVT_TIMER && off <= OFS_LVT_ERROR);
    }
  }
}
