package dev.emu.devices.apic;

/**
 * I/O APIC: 24 interrupt pins, each routed by a 64-bit redirection entry to LAPICs on the
 * {@link ApicBus}.
 *
 * <p>Spec: Intel 82093AA I/O APIC datasheet (IOREGSEL/IOWIN indirect access, registers
 * IOAPICID, IOAPICVER, IOAPICARB, IOREDTBL[0:23]) and the version-0x20 EOI register at offset
 * 0x40 (ICH/PCH datasheets). Edge pins deliver on the rising edge while unmasked (an edge that
 * arrives masked is lost); level pins deliver while asserted with remote IRR clear, set remote IRR
 * and are re-evaluated when a LAPIC's broadcast EOI (or the EOI register) clears it.
 *
 * <p>Not modelled: pin polarity (setIrq takes the logical asserted level, as QEMU does), delivery
 * status (delivery is instantaneous), the 4-bit physical-destination limit of the 82093AA (8 bits
 * are used, as xAPIC systems do), extended destination IDs.
 */
public final class IoApic {
  // ---- MMIO offsets within the 0xFEC00000 page ----
  public static final int OFS_IOREGSEL = 0x00;
  public static final int OFS_IOWIN = 0x10;
  public static final int OFS_EOI = 0x40;

  // ---- indirect register indexes ----
  public static final int REG_ID = 0x00;
  public static final int REG_VERSION = 0x01;
  public static final int REG_ARBITRATION = 0x02;
  public static final int REG_REDIRECTION_BASE = 0x10;

  public static final int PINS = 24;

  // ---- redirection entry bits ----
  static final long RTE_VECTOR = 0xFF;
  static final int RTE_DELIVERY_MODE_SHIFT = 8;
  static final long RTE_DEST_LOGICAL = 1L << 11;
  static final long RTE_DELIVERY_STATUS = 1L << 12;
  static final long RTE_POLARITY_LOW = 1L << 13;
  public static final long RTE_REMOTE_IRR = 1L << 14;
  public static final long RTE_TRIGGER_LEVEL = 1L << 15;
  public static final long RTE_MASKED = 1L << 16;
  static final int RTE_DEST_SHIFT = 56;
  /** Guest-writable bits: vector, delivery mode, dest mode, polarity, trigger, mask, dest. */
  private static final long RTE_WRITABLE = 0xFF00_0000_0000_0000L | RTE_MASKED | RTE_TRIGGER_LEVEL
      | RTE_POLARITY_LOW | RTE_DEST_LOGICAL | 0x7FF;

  // ---- reset values ----
  /** Version 0x20 (has the EOI register), Maximum Redirection Entry = 23. */
  public static final int DEFAULT_VERSION = (PINS - 1) << 16 | 0x20;
  /** Every pin masked at reset; other fields zero. */
  static final long DEFAULT_RTE = RTE_MASKED;

  private final ApicBus bus;
  private final int initialId;
  private int id;
  private int ioregsel;
  private final long[] redirection = new long[PINS];
  /** Logical input level of each pin (driven by devices; survives reset). */
  private final boolean[] pinLevel = new boolean[PINS];

  public IoApic(ApicBus bus) {
    this(bus, 0);
  }

  /** @param id the 4-bit IOAPIC ID the MADT announces. */
  public IoApic(ApicBus bus, int id) {
    this.bus = bus;
    this.initialId = id & 0xF;
    reset();
    bus.setIoApic(this);
  }

  public void reset() {
    id = initialId;
    ioregsel = 0;
    java.util.Arrays.fill(redirection, DEFAULT_RTE);
  }

  public int id() {
    return id;
  }

  /** The full 64-bit redirection entry of a pin (tests, monitor). */
  public long redirectionEntry(int pin) {
    return redirection[pin];
  }

  // ======================= MMIO =======================

  public long mmioRead(int offset, int size) {
    long value;
    switch (offset & 0xFFF) {
      case OFS_IOREGSEL -> value = ioregsel;
      case OFS_IOWIN -> value = readRegister(ioregsel) & 0xFFFF_FFFFL;
      default -> value = 0; // EOI is write-only; the rest of the page is unused
    }
    return size >= 8 ? value : value & ((1L << (8 * size)) - 1);
  }

  public void mmioWrite(int offset, int size, long value) {
    switch (offset & 0xFFF) {
      case OFS_IOREGSEL -> ioregsel = (int) value & 0xFF;
      case OFS_IOWIN -> writeRegister(ioregsel, (int) value);
      case OFS_EOI -> eoi((int) value & 0xFF);
      default -> { } // ignored
    }
  }

  private int readRegister(int index) {
    switch (index) {
      case REG_ID:
        return id << 24;
      case REG_VERSION:
        return DEFAULT_VERSION;
      case REG_ARBITRATION:
        return id << 24;
      default:
        int pin = (index - REG_REDIRECTION_BASE) >> 1;
        if (index < REG_REDIRECTION_BASE || pin >= PINS) {
          return 0;
        }
        long rte = redirection[pin];
        return (index & 1) == 0 ? (int) rte : (int) (rte >>> 32);
    }
  }

  private void writeRegister(int index, int value) {
    if (index == REG_ID) {
      id = (value >>> 24) & 0xF;
      return;
    }
    int pin = (index - REG_REDIRECTION_BASE) >> 1;
    if (index < REG_REDIRECTION_BASE || pin >= PINS) {
      return; // version, arbitration: read-only; unknown indexes ignored
    }
    long old = redirection[pin];
    long merged = (index & 1) == 0
        ? (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL)
        : (old & 0xFFFF_FFFFL) | ((long) value << 32);
    long rte = (merged & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
    if ((rte & RTE_TRIGGER_LEVEL) == 0) {
      rte &= ~RTE_REMOTE_IRR; // remote IRR is meaningless for edge entries
    }
    redirection[pin] = rte;
    serviceLevel(pin);
  }

  // ======================= pins =======================

  /** Pin input: edge devices pulse true then false; level devices hold true until serviced. */
  public void setIrq(int pin, boolean level) {
    if (pin < 0 || pin >= PINS) {
      return;
    }
    boolean rising = level && !pinLevel[pin];
    pinLevel[pin] = level;
    long rte = redirection[pin];
    if (isLevelVectored(rte)) {
      serviceLevel(pin);
    } else if (rising && (rte & RTE_MASKED) == 0) {
      send(rte, false); // edge, or NMI/INIT/SMI/ExtINT which are edge-like whatever the trigger
    }
  }

  /** EOI for a vector (LAPIC broadcast or EOI register): clears remote IRR, re-samples pins. */
  public void eoi(int vector) {
    for (int pin = 0; pin < PINS; pin++) {
      long rte = redirection[pin];
      if ((rte & RTE_REMOTE_IRR) != 0 && (rte & RTE_VECTOR) == vector) {
        redirection[pin] = rte & ~RTE_REMOTE_IRR;
        serviceLevel(pin);
      }
    }
  }

  /** Level-triggered fixed or lowest-priority entry: the only kind that uses remote IRR. */
  private static boolean isLevelVectored(long rte) {
    int mode = (int) (rte >>> RTE_DELIVERY_MODE_SHIFT) & 0b111;
    return (rte & RTE_TRIGGER_LEVEL) != 0
        && (mode == ApicBus.DM_FIXED || mode == ApicBus.DM_LOWEST_PRIORITY);
  }

  private void serviceLevel(int pin) {
    long rte = redirection[pin];
    if (!pinLevel[pin] || !isLevelVectored(rte) || (rte & (RTE_MASKED | RTE_REMOTE_IRR)) != 0) {
      return;
    }
    redirection[pin] = rte | RTE_REMOTE_IRR; // until the EOI for its vector
    send(rte, true);
  }

  private void send(long rte, boolean levelTriggered) {
    int mode = (int) (rte >>> RTE_DELIVERY_MODE_SHIFT) & 0b111;
    bus.deliver((int) (rte >>> RTE_DEST_SHIFT) & 0xFF, (rte & RTE_DEST_LOGICAL) != 0, mode,
        (int) (rte & RTE_VECTOR), true, levelTriggered);
  }

  /** One line per unmasked or asserted pin, for the monitor. */
  public String describe() {
    StringBuilder sb = new StringBuilder(String.format("ioapic id=%d version=0x%08x%n", id,
        DEFAULT_VERSION));
    for (int pin = 0; pin < PINS; pin++) {
      long rte = redirection[pin];
      if ((rte & RTE_MASKED) == 0 || pinLevel[pin]) {
        sb.append(String.format("pin %2d: 0x%016x%s%n", pin, rte,
            pinLevel[pin] ? " asserted" : ""));
      }
    }
    return sb.toString();
  }
}
