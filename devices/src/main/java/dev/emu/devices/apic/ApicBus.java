package dev.emu.devices.apic;

/**
 * The APIC message bus of one machine: routes IPIs (from a LAPIC's ICR), IOAPIC redirection
 * messages and broadcast EOIs.
 *
 * <p>Spec: Intel SDM vol. 3A ch. 10.6 (issuing interrupts: destination modes, shorthands) and
 * 10.8.4 (lowest-priority delivery). Delivery is instantaneous: a message reaches every target's
 * IRR (or its CpuSignals) before the sending write returns, so ICR/RTE delivery-status bits always
 * read idle.
 *
 * <p>Not modelled: arbitration priority for lowest-priority delivery. A lowest-priority message
 * goes to the first matching LAPIC in attach order (the board attaches in APIC-ID order, so the
 * lowest-numbered target wins); an x2APIC ICR refuses lowest-priority as the SDM says.
 */
public final class ApicBus {
  /** Delivery modes (ICR, LVT and redirection-entry bits 10:8). */
  public static final int DM_FIXED = 0b000;
  public static final int DM_LOWEST_PRIORITY = 0b001;
  public static final int DM_SMI = 0b010;
  public static final int DM_NMI = 0b100;
  public static final int DM_INIT = 0b101;
  public static final int DM_STARTUP = 0b110;
  public static final int DM_EXTINT = 0b111;

  /** Physical/logical destination that reaches every LAPIC (x2APIC; xAPIC uses 0xFF). */
  public static final int BROADCAST_X2APIC = 0xFFFF_FFFF;

  static final long MSI_ADDRESS_DEST_LOGICAL = 1L << 2;
  static final int MSI_DATA_LEVEL_ASSERT = 1 << 14;
  static final int MSI_DATA_TRIGGER_LEVEL = 1 << 15;

  private Lapic[] lapics = new Lapic[4];
  private int size;
  private IoApic ioApic;

  public ApicBus() {}

  /** Adds a LAPIC; idempotent (the Lapic constructor already attaches itself). */
  public void attach(Lapic lapic) {
    for (int i = 0; i < size; i++) {
      if (lapics[i] == lapic) {
        return;
      }
    }
    if (size == lapics.length) {
      lapics = java.util.Arrays.copyOf(lapics, size * 2);
    }
    lapics[size++] = lapic;
  }

  /** The LAPIC whose initial (hardware) APIC ID is apicId, or null. */
  public Lapic lapic(int apicId) {
    for (int i = 0; i < size; i++) {
      if (lapics[i].initialApicId() == apicId) {
        return lapics[i];
      }
    }
    return null;
  }

  /** The index-th attached LAPIC (attach order). */
  public Lapic lapicAt(int index) {
    return lapics[index];
  }

  public int size() {
    return size;
  }

  /** The IOAPIC that receives broadcast EOIs; idempotent (the IoApic constructor calls it). */
  public void setIoApic(IoApic ioApic) {
    this.ioApic = ioApic;
  }

  public IoApic ioApic() {
    return ioApic;
  }

  /**
   * Delivers one message to every LAPIC the destination selects.
   *
   * @param destination physical APIC ID, or logical MDA (xAPIC: low 8 bits; x2APIC: 32 bits)
   * @param logical     destination mode logical (DFR flat/cluster or x2APIC cluster)
   * @param deliveryMode one of the DM_ constants
   * @param vector      vector (fixed, lowest priority, ExtINT, start-up)
   * @param level       ICR level bit: false with trigLevel and INIT is the INIT level de-assert
   * @param trigLevel   level-triggered (sets the target's TMR bit so its EOI is broadcast)
   */
  public void deliver(int destination, boolean logical, int deliveryMode, int vector,
      boolean level, boolean trigLevel) {
    if (deliveryMode == DM_LOWEST_PRIORITY) {
      for (int i = 0; i < size; i++) {
        if (lapics[i].matchesDestination(destination, logical)) {
          lapics[i].receive(DM_FIXED, vector, level, trigLevel);
          return;
        }
      }
      return;
    }
    for (int i = 0; i < size; i++) {
      if (lapics[i].matchesDestination(destination, logical)) {
        lapics[i].receive(deliveryMode, vector, level, trigLevel);
      }
    }
  }

  /**
   * An MSI write (SDM vol. 3A 10.11): address 0xFEExxxxx with destination ID in bits 19:12 and
   * destination mode in bit 2; data with vector 7:0, delivery mode 10:8, level 14, trigger 15.
   * Returns false (nothing delivered) if the address is not in the 0xFEE00000 window.
   */
  public boolean deliverMsi(long address, int data) {
    if ((address & 0xFFF0_0000L) != 0xFEE0_0000L || (address >>> 32) != 0) {
      return false;
    }
    deliver((int) (address >>> 12) & 0xFF, (address & MSI_ADDRESS_DEST_LOGICAL) != 0,
        (data >>> 8) & 0b111, data & 0xFF, (data & MSI_DATA_LEVEL_ASSERT) != 0,
        (data & MSI_DATA_TRIGGER_LEVEL) != 0);
    return true;
  }

  /** Shorthand "all including self" (exclude == null) or "all excluding self". */
  void deliverAll(Lapic exclude, int deliveryMode, int vector, boolean level, boolean trigLevel) {
    for (int i = 0; i < size; i++) {
      Lapic target = lapics[i];
      if (target == exclude || !target.hardwareEnabled()) {
        continue;
      }
      if (deliveryMode == DM_LOWEST_PRIORITY) {
        target.receive(DM_FIXED, vector, level, trigLevel);
        return;
      }
      target.receive(deliveryMode, vector, level, trigLevel);
    }
  }

  /** A LAPIC EOI'd a level-triggered vector: the IOAPIC clears the matching remote IRR bits. */
  void broadcastEoi(int vector) {
    IoApic io = ioApic;
    if (io != null) {
      io.eoi(vector);
    }
  }
}
