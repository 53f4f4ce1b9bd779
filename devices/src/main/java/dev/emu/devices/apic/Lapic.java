package dev.emu.devices.apic;

import static dev.emu.devices.apic.LapicRegisters.*;

import dev.emu.core.time.Timeline;

/**
 * Local APIC of one CPU: xAPIC MMIO registers and x2APIC MSRs.
 *
 * <p>Spec: Intel SDM vol. 3A ch. 10 — 10.4 (IA32_APIC_BASE, ID, version), 10.5 (LVT, ESR, timer),
 * 10.6 (ICR, destinations, shorthands), 10.8 (TPR/APR/PPR, IRR/ISR/TMR, EOI, acceptance),
 * 10.9 (spurious vector, SVR), 10.12 (x2APIC: MSR map table 10-6, reserved-bit #GP, LDR
 * derivation, mode transitions of 10.12.5). Version 0x14 with Max LVT Entry 5: six LVT entries
 * (timer, thermal, performance counter, LINT0, LINT1, error); no CMCI entry (0x2F0 is illegal).
 *
 * <p>Interrupt acceptance: a vector is deliverable when its priority class (bits 7:4) is above
 * PPR[7:4]; {@link #acknowledge()} moves it from IRR to ISR; EOI retires the highest ISR bit and,
 * if its TMR bit says level-triggered, clears the LINT remote-IRR and broadcasts the EOI to the
 * IOAPIC. Whenever a vector may have become deliverable, {@link CpuSignals#notifyInterrupt()}.
 *
 * <p>Not modelled: SMI (ignored), thermal and CMCI events, EOI-broadcast suppression, focus
 * processor checking, arbitration (APR is computed but lowest priority goes to the first target,
 * see {@link ApicBus}), pin polarity (LINT inputs are logical "asserted" levels), the ExtINT
 * handshake with an 8259 (no PIC on this board: ExtINT delivers the supplied vector as fixed).
 * Delivery is instantaneous, so delivery-status bits always read 0.
 */
public final class Lapic {
  private final int initialId;
  private final Timeline timeline;
  private final long tscHz;
  private final ApicBus bus;
  private final CpuSignals cpu;
  private final LapicTimer timer;
  private boolean x2apicSupported = true;
  private boolean tscDeadlineSupported = true;

  // guest-visible state
  private long apicBase;
  private int id;
  private int tpr;
  private int ldr;
  private int dfr;
  private int svr;
  private int esr;
  private int icrLow;
  private int icrHigh;
  private final int[] lvt = new int[LVT_COUNT];
  private final VectorRegister isr = new VectorRegister();
  private final VectorRegister irr = new VectorRegister();
  private final VectorRegister tmr = new VectorRegister();
  // hidden state
  /** Errors collected since the last ESR write (write-to-arm: a write latches them into esr). */
  private int pendingErrors;
  /** LINT0/LINT1 input levels (physical pins; survive reset). */
  private final boolean[] lintLevel = new boolean[2];

  public Lapic(int apicId, Timeline timeline, long tscHz, ApicBus bus, CpuSignals cpu) {
    this.initialId = apicId;
    this.timeline = timeline;
    this.tscHz = tscHz;
    this.bus = bus;
    this.cpu = cpu;
    this.timer = new LapicTimer(this, timeline, "lapic" + apicId + ".timer");
    reset();
    if (bus != null) {
      bus.attach(this);
    }
  }

  /** CPUID.1:ECX.x2APIC: when false, setting IA32_APIC_BASE.EXTD raises #GP. Default true. */
  public void setX2apicSupported(boolean supported) {
    x2apicSupported = supported;
  }

  /** CPUID.1:ECX.TSC_DEADLINE: when false, MSR 0x6E0 is absent and LVT timer bit 18 reserved. */
  public void setTscDeadlineSupported(boolean supported) {
    tscDeadlineSupported = supported;
  }

  /** Power-on reset: xAPIC mode at 0xFEE00000, enabled, BSP flag for APIC ID 0. */
  public void reset() {
    apicBase = DEFAULT_APIC_BASE_ADDRESS | APIC_BASE_ENABLE | (initialId == 0 ? APIC_BASE_BSP : 0);
    id = initialId << 24;
    resetRegisters();
  }

  /** INIT (and global disable): everything but the APIC ID and IA32_APIC_BASE (SDM 10.4.7.3). */
  private void resetRegisters() {
    tpr = 0;
    ldr = 0;
    dfr = DEFAULT_DFR;
    svr = DEFAULT_SVR;
    esr = 0;
    pendingErrors = 0;
    icrLow = 0;
    icrHigh = 0;
    java.util.Arrays.fill(lvt, LVT_MASKED);
    isr.clearAll();
    irr.clearAll();
    tmr.clearAll();
    timer.reset();
  }

  // ======================= identity and mode =======================

  public int initialApicId() {
    return initialId;
  }

  /**
   * LAPIC timer input clock in Hz before the divider: the core clock (= TSC rate), one count per
   * cycle. A CPUID.15H crystal clock, if advertised, must report this value with ratio 1:1.
   */
  public long timerFrequencyHz() {
    return tscHz / LapicTimer.CYCLES_PER_TICK;
  }

  /** Raw IA32_APIC_BASE: page address (default 0xFEE00000) | ENABLE | EXTD | BSP. */
  public long apicBase() {
    return apicBase;
  }

  /** Physical address of the xAPIC register page. */
  public long mmioBase() {
    return apicBase & APIC_BASE_ADDRESS_MASK;
  }

  /** True when the xAPIC MMIO page answers (globally enabled and not in x2APIC mode). */
  public boolean mmioEnabled() {
    return (apicBase & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) == APIC_BASE_ENABLE;
  }

  public boolean x2apicMode() {
    return (apicBase & APIC_BASE_EXTD) != 0;
  }

  boolean hardwareEnabled() {
    return (apicBase & APIC_BASE_ENABLE) != 0;
  }

  private boolean softwareEnabled() {
    return (svr & SVR_ENABLE) != 0;
  }

  private int x2apicLdr() {
    return (initialId >>> 4) << 16 | 1 << (initialId & 0xF);
  }

  // ======================= xAPIC MMIO =======================

  /** Read within the 4 KiB page; all ones when the page is not active (x2APIC or disabled). */
  public long mmioRead(int offset, int size) {
    if (!mmioEnabled()) {
      return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }
    int off = offset & 0xFF0;
    if ((offset & ~0xFFF) != 0 || !registerExists(off, false)) {
      raiseError(ESR_ILLEGAL_REGISTER);
      return 0;
    }
    int byteOffset = offset & 0xF;
    if (byteOffset >= 4) {
      return 0;
    }
    long value = (readRegister(off) & 0xFFFF_FFFFL) >>> (8 * byteOffset);
    return size >= 4 ? value : value & ((1L << (8 * size)) - 1);
  }

  /** Write within the 4 KiB page: 32-bit registers, narrower or misaligned writes are dropped. */
  public void mmioWrite(int offset, int size, long value) {
    if (!mmioEnabled()) {
      return;
    }
    int off = offset & 0xFF0;
    if ((offset & ~0xFFF) != 0 || !registerExists(off, false)) {
      raiseError(ESR_ILLEGAL_REGISTER);
      return;
    }
    if ((offset & 0xF) != 0 || size < 4) {
      return;
    }
    writeRegister(off, (int) value);
  }

  // ======================= MSRs =======================

  /** IA32_APIC_BASE, IA32_TSC_DEADLINE (if supported) and, in x2APIC mode, table 10-6 MSRs. */
  public boolean hasMsr(int msr) {
    if (msr == MSR_APIC_BASE) {
      return true;
    }
    if (msr == MSR_TSC_DEADLINE) {
      return tscDeadlineSupported;
    }
    if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) {
      return x2apicMode() && registerExists((msr - MSR_X2APIC_FIRST) << 4, true);
    }
    return false;
  }

  /**
   * Only meaningful when {@link #hasMsr} is true. Write-only x2APIC registers (EOI, SELF IPI)
   * read 0 here: CpuHost has no per-direction fault, see docs/devices-apic.md.
   */
  public long readMsr(int msr) {
    if (msr == MSR_APIC_BASE) {
      return apicBase;
    }
    if (msr == MSR_TSC_DEADLINE) {
      return tscDeadlineSupported ? timer.readTscDeadline() : 0;
    }
    if (!hasMsr(msr)) {
      return 0;
    }
    int off = (msr - MSR_X2APIC_FIRST) << 4;
    if (off == OFS_ICR_LOW) {
      return (long) icrHigh << 32 | (icrLow & 0xFFFF_FFFFL);
    }
    if (off == OFS_EOI || off == OFS_SELF_IPI) {
      return 0;
    }
    return readRegister(off) & 0xFFFF_FFFFL;
  }

  /** False means #GP(0): reserved bits, read-only register, bad APIC_BASE transition. */
  public boolean writeMsr(int msr, long value) {
    if (msr == MSR_APIC_BASE) {
      return writeApicBase(value);
    }
    if (msr == MSR_TSC_DEADLINE) {
      if (!tscDeadlineSupported) {
        return false;
      }
      timer.writeTscDeadline(value);
      return true;
    }
    if (!hasMsr(msr)) {
      return false;
    }
    int off = (msr - MSR_X2APIC_FIRST) << 4;
    if (off == OFS_ICR_LOW) {
      if ((value & ~(0xFFFF_FFFF_0000_0000L | ICR_LOW_WRITABLE)) != 0) {
        return false;
      }
      icrLow = (int) value;
      icrHigh = (int) (value >>> 32);
      sendIpi(icrLow, icrHigh);
      return true;
    }
    if ((value >>> 32) != 0) {
      return false;
    }
    int v = (int) value;
    long allowed = x2apicWritableBits(off);
    if (allowed < 0 || (value & ~allowed) != 0) {
      return false;
    }
    if (off == OFS_LVT_TIMER && ((v >>> LVT_TIMER_MODE_SHIFT) & 0b11) == 0b11) {
      return false; // timer mode 11b is reserved
    }
    writeRegister(off, v);
    return true;
  }

  /** Bits a WRMSR may set in an x2APIC register (others #GP), or -1 if it is read-only. */
  private long x2apicWritableBits(int off) {
    switch (off) {
      case OFS_TPR:
        return 0xFF;
      case OFS_EOI:
      case OFS_ESR:
        return 0; // only zero may be written
      case OFS_SVR:
        return SVR_WRITABLE;
      case OFS_TIMER_INITIAL:
        return 0xFFFF_FFFFL;
      case OFS_TIMER_DIVIDE:
        return LapicTimer.DIVIDE_WRITABLE;
      case OFS_SELF_IPI:
        return LVT_VECTOR;
      default:
        if (off >= OFS_LVT_TIMER && off <= OFS_LVT_ERROR) {
          int i = (off - OFS_LVT_TIMER) >> 4;
          // delivery status and remote IRR are read-only bits, not reserved ones
          return lvtWritable(i) | LVT_DELIVERY_STATUS | (i == LVT_LINT0 || i == LVT_LINT1
              ? LVT_REMOTE_IRR : 0);
        }
        return -1;
    }
  }

  private boolean writeApicBase(long value) {
    if ((value & APIC_BASE_RESERVED) != 0) {
      return false;
    }
    boolean en = (value & APIC_BASE_ENABLE) != 0;
    boolean extd = (value & APIC_BASE_EXTD) != 0;
    boolean wasEn = hardwareEnabled();
    boolean wasExtd = x2apicMode();
    if (extd && !x2apicSupported) {
      return false;
    }
    // SDM 10.12.5 figure 10-27: invalid state and invalid transitions raise #GP.
    if ((!en && extd) || (wasExtd && en && !extd) || (!wasEn && extd)) {
      return false;
    }
    apicBase = (value & (APIC_BASE_ADDRESS_MASK | APIC_BASE_ENABLE | APIC_BASE_EXTD))
        | (apicBase & APIC_BASE_BSP);
    if (wasEn && !en) {
      resetRegisters(); // a globally disabled APIC comes back in its power-up state
    }
    return true;
  }

  // ======================= register file =======================

  private int readRegister(int off) {
    switch (off) {
      case OFS_ID:
        return x2apicMode() ? initialId : id;
      case OFS_VERSION:
        return DEFAULT_VERSION;
      case OFS_TPR:
        return tpr;
      case OFS_APR:
        return apr();
      case OFS_PPR:
        return ppr();
      case OFS_LDR:
        return x2apicMode() ? x2apicLdr() : ldr;
      case OFS_DFR:
        return dfr;
      case OFS_SVR:
        return svr;
      case OFS_ESR:
        return esr;
      case OFS_ICR_LOW:
        return icrLow;
      case OFS_ICR_HIGH:
        return icrHigh;
      case OFS_TIMER_INITIAL:
        return timer.initialCount();
      case OFS_TIMER_CURRENT:
        return timer.currentCount(timeline.now());
      case OFS_TIMER_DIVIDE:
        return timer.divideConfig();
      default:
        if (off >= OFS_LVT_TIMER && off <= OFS_LVT_ERROR) {
          return lvt[(off - OFS_LVT_TIMER) >> 4];
        }
        if (off >= OFS_ISR && off < OFS_IRR + 0x80) {
          VectorRegister bits = off < OFS_TMR ? isr : off < OFS_IRR ? tmr : irr;
          return bits.word((off >> 4) & 7);
        }
        return 0; // EOI, RRD (remote read unsupported: reads 0)
    }
  }

  private void writeRegister(int off, int v) {
    switch (off) {
      case OFS_ID -> {
        if (!x2apicMode()) {
          id = v & 0xFF00_0000;
        }
      }
      case OFS_TPR -> {
        tpr = v & 0xFF;
        notifyIfPending();
      }
      case OFS_EOI -> eoi();
      case OFS_LDR -> ldr = v & 0xFF00_0000;
      case OFS_DFR -> dfr = v | 0x0FFF_FFFF;
      case OFS_SVR -> writeSvr(v);
      case OFS_ESR -> {
        esr = pendingErrors;
        pendingErrors = 0;
      }
      case OFS_ICR_LOW -> {
        icrLow = v & ICR_LOW_WRITABLE;
        sendIpi(icrLow, icrHigh >>> 24);
      }
      case OFS_ICR_HIGH -> icrHigh = v & 0xFF00_0000;
      case OFS_TIMER_INITIAL -> timer.writeInitialCount(v, timeline.now());
      case OFS_TIMER_DIVIDE -> timer.writeDivideConfig(v, timeline.now());
      case OFS_SELF_IPI -> selfIpi(v & LVT_VECTOR);
      default -> {
        if (off >= OFS_LVT_TIMER && off <= OFS_LVT_ERROR) {
          writeLvt((off - OFS_LVT_TIMER) >> 4, v);
        }
        // ID in x2APIC, version, PPR, APR, ISR/TMR/IRR, current count: read-only, ignored
      }
    }
  }

  private int lvtWritable(int index) {
    int bits = LVT_WRITABLE[index];
    if (index == LVT_TIMER && tscDeadlineSupported) {
      bits |= LapicTimer.MODE_TSC_DEADLINE << LVT_TIMER_MODE_SHIFT;
    }
    return bits;
  }

  private void writeLvt(int index, int v) {
    int value = v & lvtWritable(index);
    if (!softwareEnabled()) {
      value |= LVT_MASKED; // SDM 10.4.7.2: masks cannot be cleared while software-disabled
    }
    if (index == LVT_TIMER && ((value >>> LVT_TIMER_MODE_SHIFT) & 0b11) == 0b11) {
      value &= ~(0b11 << LVT_TIMER_MODE_SHIFT); // reserved mode: treat as one-shot
    }
    lvt[index] = value | (lvt[index] & LVT_REMOTE_IRR);
    if (index == LVT_TIMER) {
      timerLvtChanged();
    } else if (index == LVT_LINT0 || index == LVT_LINT1) {
      if ((value & LVT_TRIGGER_LEVEL) == 0) {
        lvt[index] &= ~LVT_REMOTE_IRR;
      }
      serviceLevelLint(index - LVT_LINT0);
    }
  }

  private void timerLvtChanged() {
    int v = lvt[LVT_TIMER];
    timer.lvtChanged((v >>> LVT_TIMER_MODE_SHIFT) & 0b11, (v & LVT_MASKED) != 0, timeline.now());
  }

  private void writeSvr(int v) {
    svr = v & SVR_WRITABLE;
    if (!softwareEnabled()) {
      for (int i = 0; i < LVT_COUNT; i++) {
        lvt[i] |= LVT_MASKED;
      }
      timerLvtChanged();
    } else {
      notifyIfPending();
    }
  }

  // ======================= priorities and acceptance =======================

  /** PPR (SDM 10.8.3.1): TPR if its class is at least the highest in-service class. */
  private int ppr() {
    int isrv = Math.max(isr.highest(), 0);
    return (tpr & 0xF0) >= (isrv & 0xF0) ? tpr : isrv & 0xF0;
  }

  /** APR (SDM 10.8.3.1 / P6 definition). */
  private int apr() {
    int isrv = Math.max(isr.highest(), 0) & 0xF0;
    int irrv = Math.max(irr.highest(), 0) & 0xF0;
    if ((tpr & 0xF0) >= irrv && (tpr & 0xF0) > isrv) {
      return tpr;
    }
    return Math.max(tpr & 0xF0, Math.max(isrv, irrv));
  }

  /** What CpuHost.interruptPending needs: a fixed vector whose class beats PPR. */
  public boolean interruptPending() {
    if (irr.isEmpty() || !hardwareEnabled() || !softwareEnabled()) {
      return false;
    }
    int v = irr.highest();
    return v >= 0 && (v & 0xF0) > (ppr() & 0xF0);
  }

  /** INTA: highest deliverable IRR vector moves to ISR; the spurious vector if none. */
  public int acknowledge() {
    if (!interruptPending()) {
      return svr & LVT_VECTOR;
    }
    int v = irr.highest();
    irr.clear(v);
    isr.set(v);
    return v;
  }

  /** CR8 view of the TPR: returns TPR[7:4] (0..15). */
  public int readTpr() {
    return tpr >>> 4;
  }

  /** CR8 write: TPR[7:4] = cr8[3:0], TPR[3:0] = 0 (SDM 10.8.6.1). */
  public void writeTpr(int cr8) {
    tpr = (cr8 & 0xF) << 4;
    notifyIfPending();
  }

  private void notifyIfPending() {
    if (interruptPending()) {
      cpu.notifyInterrupt();
    }
  }

  /** A fixed interrupt reaches this LAPIC: IRR (and TMR for level-triggered). */
  private void acceptVector(int vector, boolean levelTriggered) {
    if (vector < 16) {
      raiseError(ESR_RECEIVE_ILLEGAL_VECTOR); // vectors 0-15 never enter the IRR
      return;
    }
    irr.set(vector);
    if (levelTriggered) {
      tmr.set(vector);
    } else {
      tmr.clear(vector);
    }
    notifyIfPending();
  }

  private void eoi() {
    int v = isr.highest();
    if (v < 0) {
      return;
    }
    isr.clear(v);
    if (tmr.test(v)) {
      for (int pin = 0; pin < 2; pin++) {
        int index = LVT_LINT0 + pin;
        if ((lvt[index] & LVT_REMOTE_IRR) != 0 && (lvt[index] & LVT_VECTOR) == v) {
          lvt[index] &= ~LVT_REMOTE_IRR;
          serviceLevelLint(pin);
        }
      }
      if (bus != null) {
        bus.broadcastEoi(v);
      }
    }
    notifyIfPending();
  }

  private void raiseError(int bit) {
    boolean fresh = (pendingErrors & bit) == 0;
    pendingErrors |= bit;
    if (fresh) {
      deliverLvt(LVT_ERROR); // one interrupt per newly detected error kind
    }
  }

  // ======================= message reception (from the bus) =======================

  /** Destination match for a bus message (SDM 10.6.2; x2APIC 10.12.10). */
  boolean matchesDestination(int dest, boolean logical) {
    if (!hardwareEnabled()) {
      return false;
    }
    if (x2apicMode()) {
      if (dest == ApicBus.BROADCAST_X2APIC) {
        return true;
      }
      if (!logical) {
        return dest == initialId;
      }
      int l = x2apicLdr();
      return (dest >>> 16) == (l >>> 16) && (dest & l & 0xFFFF) != 0;
    }
    int d = dest & 0xFF;
    if (!logical) {
      return d == 0xFF || d == (id >>> 24);
    }
    int l = ldr >>> 24;
    if ((dfr >>> 28) == 0xF) {
      return (d & l) != 0; // flat model: bit mask of up to 8 APICs
    }
    int cluster = d >>> 4; // cluster model: cluster 0xF addresses every cluster
    return (cluster == 0xF || cluster == (l >>> 4)) && (d & l & 0xF) != 0;
  }

  /** One message for this LAPIC. */
  void receive(int deliveryMode, int vector, boolean level, boolean trigLevel) {
    if (!hardwareEnabled()) {
      return;
    }
    switch (deliveryMode) {
      case ApicBus.DM_FIXED, ApicBus.DM_LOWEST_PRIORITY -> acceptVector(vector & 0xFF, trigLevel);
      case ApicBus.DM_EXTINT -> acceptVector(vector & 0xFF, false);
      case ApicBus.DM_NMI -> cpu.signalNmi();
      case ApicBus.DM_INIT -> {
        if (trigLevel && !level) {
          return; // INIT level de-assert: arbitration-ID sync only
        }
        resetRegisters();
        cpu.signalInit();
      }
      case ApicBus.DM_STARTUP -> cpu.signalSipi(vector & 0xFF);
      default -> { } // SMI and reserved modes are not modelled
    }
  }

  private void sendIpi(int low, int dest) {
    int vector = low & LVT_VECTOR;
    int mode = (low >>> 8) & 0b111;
    boolean logical = (low & ICR_DEST_LOGICAL) != 0;
    boolean level = (low & ICR_LEVEL_ASSERT) != 0;
    boolean trigLevel = (low & ICR_TRIGGER_LEVEL) != 0;
    int shorthand = (low >>> ICR_SHORTHAND_SHIFT) & 0b11;
    if ((mode == ApicBus.DM_FIXED || mode == ApicBus.DM_LOWEST_PRIORITY) && vector < 16) {
      raiseError(ESR_SEND_ILLEGAL_VECTOR);
      return;
    }
    if (mode == ApicBus.DM_LOWEST_PRIORITY && x2apicMode()) {
      raiseError(ESR_REDIRECTIBLE_IPI); // SDM 10.12.9: not supported in x2APIC mode
      return;
    }
    if (bus == null && shorthand != SHORTHAND_SELF) {
      return; // a LAPIC built without a bus (tests) only reaches itself
    }
    switch (shorthand) {
      case SHORTHAND_SELF -> receive(mode, vector, level, trigLevel);
      case SHORTHAND_ALL -> bus.deliverAll(null, mode, vector, level, trigLevel);
      case SHORTHAND_OTHERS -> bus.deliverAll(this, mode, vector, level, trigLevel);
      default -> bus.deliver(dest, logical, mode, vector, level, trigLevel);
    }
  }

  private void selfIpi(int vector) {
    if (vector < 16) {
      raiseError(ESR_SEND_ILLEGAL_VECTOR);
      return;
    }
    acceptVector(vector, false);
  }

  // ======================= local interrupt sources =======================

  private void deliverLvt(int index) {
    int v = lvt[index];
    if ((v & LVT_MASKED) != 0) {
      return;
    }
    int mode = index == LVT_TIMER || index == LVT_ERROR ? ApicBus.DM_FIXED : (v >>> 8) & 0b111;
    if ((mode == ApicBus.DM_INIT || mode == ApicBus.DM_EXTINT)
        && index != LVT_LINT0 && index != LVT_LINT1) {
      return; // figure 10-8: INIT and ExtINT are not supported by the thermal and PMC entries
    }
    switch (mode) {
      case ApicBus.DM_FIXED -> acceptVector(v & LVT_VECTOR, false);
      case ApicBus.DM_EXTINT -> acceptVector(v & LVT_VECTOR, false);
      case ApicBus.DM_NMI -> cpu.signalNmi();
      case ApicBus.DM_INIT -> receive(ApicBus.DM_INIT, 0, true, false);
      default -> { } // SMI, reserved
    }
  }

  /** Pending timer expiry cycle, or Long.MAX_VALUE (tests, monitor). */
  long timerDeadline() {
    return timer.nextExpiry();
  }

  void timerExpired() {
    deliverLvt(LVT_TIMER);
  }

  /**
   * LINT0/LINT1 input (pin 0 or 1). Edge-triggered entries (and NMI/SMI/INIT, always edge)
   * fire on the rising edge; a level-triggered fixed entry fires while asserted and its remote
   * IRR is clear, and sets remote IRR until the EOI. MADT wires LINT1 as NMI.
   */
  public void setLint(int pin, boolean level) {
    if (pin != 0 && pin != 1) {
      return;
    }
    boolean rising = level && !lintLevel[pin];
    lintLevel[pin] = level;
    int index = LVT_LINT0 + pin;
    int v = lvt[index];
    if (isLevelFixed(v)) {
      serviceLevelLint(pin);
    } else if (rising) {
      deliverLvt(index);
    }
  }

  private static boolean isLevelFixed(int v) {
    return (v & LVT_TRIGGER_LEVEL) != 0 && ((v >>> 8) & 0b111) == ApicBus.DM_FIXED;
  }

  private void serviceLevelLint(int pin) {
    int index = LVT_LINT0 + pin;
    int v = lvt[index];
    if (!lintLevel[pin] || !isLevelFixed(v) || (v & (LVT_MASKED | LVT_REMOTE_IRR)) != 0) {
      return;
    }
    lvt[index] |= LVT_REMOTE_IRR;
    acceptVector(v & LVT_VECTOR, true);
  }

  /**
   * PMU overflow interrupt: delivered per the LVTPC entry (fixed vector or NMI), then the LVTPC
   * mask bit is set, as Intel documents (SDM vol. 3A 10.5.1, figure 10-8 note); the handler
   * unmasks it.
   */
  public void pmi() {
    deliverLvt(LVT_PMC);
    lvt[LVT_PMC] |= LVT_MASKED;
  }

  // ======================= monitor =======================

  /** Multi-line state dump for "info lapic". */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    long now = timeline.now();
    sb.append(String.format("lapic %d: base=0x%x %s%s%s id=0x%x ldr=0x%08x dfr=0x%08x%n",
        initialId, mmioBase(), hardwareEnabled() ? "enabled" : "disabled",
        x2apicMode() ? " x2apic" : " xapic", (apicBase & APIC_BASE_BSP) != 0 ? " bsp" : "",
        readRegister(OFS_ID), readRegister(OFS_LDR), dfr));
    sb.append(String.format(
        "svr=0x%03x %s tpr=0x%02x ppr=0x%02x esr=0x%02x pending-errors=0x%02x%n",
        svr, softwareEnabled() ? "sw-enabled" : "sw-disabled", tpr, ppr(), esr, pendingErrors));
    String[] names = {"timer", "thermal", "pmc", "lint0", "lint1", "error"};
    for (int i = 0; i < LVT_COUNT; i++) {
      sb.append(String.format("lvt %-7s 0x%08x%s%n", names[i], lvt[i],
          (lvt[i] & LVT_MASKED) != 0 ? " masked" : ""));
    }
    sb.append(String.format("icr=0x%08x%08x%n", icrHigh, icrLow));
    sb.append("irr=").append(irr).append(" isr=").append(isr).append(" tmr=").append(tmr)
        .append(System.lineSeparator());
    sb.append(timer.describe(now)).append(String.format(" (timer clock %d Hz)",
        timerFrequencyHz())).append(System.lineSeparator());
    return sb.toString();
  }
}
