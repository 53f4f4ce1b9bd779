package dev.emu.devices.uart;

import dev.emu.core.time.Timeline;
import dev.emu.core.time.TimerEvent;
import dev.emu.devices.misc.Clocks;
import dev.emu.devices.misc.IrqLine;
import java.util.function.IntConsumer;

/**
 * National Semiconductor / TI PC16550D UART (datasheet register set): RBR/THR, IER, IIR/FCR, LCR,
 * MCR, LSR, MSR, SCR and the DLL/DLM divisor latches behind LCR.DLAB; 16-byte receive FIFO with
 * trigger levels 1/4/8/14 and the character timeout; interrupts by IIR priority (receiver line
 * status, received data / timeout, THR empty, modem status); loopback (MCR bit 4: THR feeds RBR,
 * MSR reflects DTR/RTS/OUT1/OUT2).
 *
 * <p>Transmit is instantaneous: a THR write goes to the host sink at once and THRE/TEMT stay set,
 * so every THR write produces a new THRE interrupt edge when ETBEI is on (the transmitter FIFO is
 * never observed non-empty). The interrupt output is the IIR "pending" state and is not gated by
 * MCR.OUT2, as in QEMU's model.
 *
 * <p>Receive pacing (determinism): host bytes wait in {@link HostInput} and enter the receiver
 * one per character time (start + data + parity + stop bits at 115200 / divisor baud, converted
 * to CPU cycles exactly) while the receiver has room — 16 bytes with the FIFO on, 1 without. When
 * it is full the next byte waits until the guest reads RBR. So when input is all available up
 * front, arrival cycles depend only on guest behaviour, never on host timing, and no byte is
 * dropped. A host byte leaves the system only through an RBR read: when the guest clears or
 * disables the receive FIFO (or the UART is reset) before reading them, unread host bytes go back
 * to the front of the host queue (loopback bytes are discarded, as on hardware). So input typed
 * or scripted before the guest initialises the UART is not lost to its init-time FIFO clear.
 * The character timeout fires four character times after the last receiver activity.
 *
 * <p>Not modelled: parity/framing/break errors on host input (only loopback overrun sets OE), the
 * DMA mode pins, the scratch-pad-less 8250 variants.
 */
public final class Uart16550 {
  // Register offsets (DLAB=0 / DLAB=1)
  static final int OFS_RBR_THR_DLL = 0;
  static final int OFS_IER_DLM = 1;
  static final int OFS_IIR_FCR = 2;
  static final int OFS_LCR = 3;
  static final int OFS_MCR = 4;
  static final int OFS_LSR = 5;
  static final int OFS_MSR = 6;
  static final int OFS_SCR = 7;

  // IER
  static final int IER_RDA = 0b0001;
  static final int IER_THRE = 0b0010;
  static final int IER_RLS = 0b0100;
  static final int IER_MSI = 0b1000;
  // IIR interrupt identification, by priority
  static final int IIR_NONE = 0x01;
  static final int IIR_RLS = 0x06;
  static final int IIR_RDA = 0x04;
  static final int IIR_TIMEOUT = 0x0C;
  static final int IIR_THRE = 0x02;
  static final int IIR_MSI = 0x00;
  static final int IIR_FIFO_ENABLED = 0xC0;
  // FCR
  static final int FCR_ENABLE = 0b0000_0001;
  static final int FCR_CLEAR_RX = 0b0000_0010;
  static final int FCR_CLEAR_TX = 0b0000_0100;
  // LCR
  static final int LCR_DLAB = 0b1000_0000;
  static final int LCR_PARITY = 0b0000_1000;
  static final int LCR_STOP2 = 0b0000_0100;
  // MCR
  static final int MCR_DTR = 0b0_0001;
  static final int MCR_RTS = 0b0_0010;
  static final int MCR_OUT1 = 0b0_0100;
  static final int MCR_OUT2 = 0b0_1000;
  static final int MCR_LOOP = 0b1_0000;
  // LSR
  static final int LSR_DR = 0x01;
  static final int LSR_OE = 0x02;
  static final int LSR_ERRORS = 0x1E;
  static final int LSR_THRE = 0x20;
  static final int LSR_TEMT = 0x40;
  // MSR
  static final int MSR_DCTS = 0x01;
  static final int MSR_DDSR = 0x02;
  static final int MSR_TERI = 0x04;
  static final int MSR_DDCD = 0x08;
  static final int MSR_CTS = 0x10;
  static final int MSR_DSR = 0x20;
  static final int MSR_RI = 0x40;
  static final int MSR_DCD = 0x80;
  /** Not in loopback: a host that is always ready (carrier, data set ready, clear to send). */
  static final int MSR_HOST_LINES = MSR_DCD | MSR_DSR | MSR_CTS;

  public static final int FIFO_SIZE = 16;
  static final long BASE_BAUD = 115_200;
  private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};
  /** Power-on divisor: 12 = 9600 baud (QEMU's reset value). */
  static final int DEFAULT_DIVISOR = 12;
  static final int DEFAULT_LCR = 0x03; // 8N1

  private final Timeline timeline;
  private final long cpuHz;
  private final IrqLine irq;
  private final IntConsumer output;
  private final HostInput input;
  private final TimerEvent rxEvent;
  private final TimerEvent timeoutEvent;

  // Guest-visible registers
  private int ier;
  private int lcr;
  private int mcr;
  private int lsrErrors;
  private int msr;
  private int scr;
  private int divisor;
  private int fcr;
  // Receiver FIFO (capacity 1 when FIFOs are off)
  private final int[] rx = new int[FIFO_SIZE];
  /** Per FIFO slot: the byte came from the host (not from loopback). */
  private final boolean[] rxFromHost = new boolean[FIFO_SIZE];
  private final int[] unreadScratch = new int[FIFO_SIZE];
  private int rxHead;
  private int rxCount;
  // Interrupt sources that latch
  private boolean threPending;
  private boolean timeoutPending;
  // Hidden
  private boolean irqLevel;
  private long lastArrival = Long.MIN_VALUE / 2;

  public Uart16550(Timeline timeline, long cpuHz, IrqLine irq, IntConsumer output, HostInput input) {
    this.timeline = timeline;
    this.cpuHz = cpuHz;
    this.irq = irq;
    this.output = output;
    this.input = input;
    this.rxEvent = timeline.newEvent("uart-rx", this::receiveFromHost);
    this.timeoutEvent = timeline.newEvent("uart-timeout", this::characterTimeout);
    reset();
  }

  public void reset() {
    rxEvent.cancel();
    timeoutEvent.cancel();
    ier = 0;
    lcr = DEFAULT_LCR;
    mcr = 0;
    lsrErrors = 0;
    msr = MSR_HOST_LINES;
    scr = 0;
    divisor = DEFAULT_DIVISOR;
    fcr = 0;
    clearReceiver();
    threPending = false;
    timeoutPending = false;
    lastArrival = Long.MIN_VALUE / 2;
    updateIrq();
  }

  public int read(int offset) {
    switch (offset) {
      case OFS_RBR_THR_DLL:
        return (lcr & LCR_DLAB) != 0 ? divisor & 0xff : readRbr();
      case OFS_IER_DLM:
        return (lcr & LCR_DLAB) != 0 ? (divisor >>> 8) & 0xff : ier;
      case OFS_IIR_FCR:
        return readIir();
      case OFS_LCR:
        return lcr;
      case OFS_MCR:
        return mcr;
      case OFS_LSR:
        return readLsr();
      case OFS_MSR:
        return readMsr();
      case OFS_SCR:
        return scr;
      default:
        return 0xff;
    }
  }

  public void write(int offset, int value) {
    int v = value & 0xff;
    switch (offset) {
      case OFS_RBR_THR_DLL -> {
        if ((lcr & LCR_DLAB) != 0) {
          divisor = (divisor & 0xff00) | v;
        } else {
          writeThr(v);
        }
      }
      case OFS_IER_DLM -> {
        if ((lcr & LCR_DLAB) != 0) {
          divisor = (divisor & 0x00ff) | (v << 8);
        } else {
          writeIer(v);
        }
      }
      case OFS_IIR_FCR -> writeFcr(v);
      case OFS_LCR -> lcr = v;
      case OFS_MCR -> writeMcr(v);
      case OFS_SCR -> scr = v;
      default -> { } // LSR and MSR are read-only
    }
  }

  // ---- transmit ----

  private void writeThr(int v) {
    threPending = false;
    updateIrq();
    if ((mcr & MCR_LOOP) != 0) {
      pushRx(v, timeline.now(), false);
    } else {
      output.accept(v);
    }
    threPending = true; // sent at once: the holding register is empty again
    updateIrq();
  }

  private void writeIer(int v) {
    int old = ier;
    ier = v & 0x0F;
    if ((ier & IER_THRE) != 0 && (old & IER_THRE) == 0) {
      threPending = true; // enabling ETBEI with THR empty raises THRE at once
    }
    updateIrq();
  }

  // ---- receive ----

  private int capacity() {
    return (fcr & FCR_ENABLE) != 0 ? FIFO_SIZE : 1;
  }

  private int readRbr() {
    if (rxCount == 0) {
      return 0;
    }
    int b = rx[rxHead];
    rxHead = (rxHead + 1) % FIFO_SIZE;
    rxCount--;
    timeoutPending = false;
    long now = timeline.now();
    armTimeout(now);
    hostInputAvailable();
    updateIrq();
    return b;
  }

  private void pushRx(int b, long now, boolean fromHost) {
    if (rxCount >= capacity()) {
      lsrErrors |= LSR_OE;
    } else {
      int slot = (rxHead + rxCount) % FIFO_SIZE;
      rx[slot] = b;
      rxFromHost[slot] = fromHost;
      rxCount++;
    }
    timeoutPending = false;
    armTimeout(now);
    updateIrq();
  }

  /**
   * Machine thread: the host queue may have bytes. Starts the paced receive if it is idle; the
   * first byte arrives one character time after the previous arrival (or now).
   */
  public void hostInputAvailable() {
    if (rxEvent.isScheduled() || (mcr & MCR_LOOP) != 0 || rxCount >= capacity() || input.size() == 0) {
      return;
    }
    rxEvent.schedule(Math.max(timeline.now(), lastArrival + characterCycles()));
  }

  private void receiveFromHost(long now) {
    if ((mcr & MCR_LOOP) != 0 || rxCount >= capacity()) {
      return; // resumed by a RBR read or leaving loopback
    }
    int b = input.poll();
    if (b < 0) {
      return;
    }
    lastArrival = now;
    pushRx(b, now, true);
    hostInputAvailable();
  }

  private void armTimeout(long now) {
    if ((fcr & FCR_ENABLE) != 0 && rxCount > 0) {
      timeoutEvent.schedule(Clocks.saturatingAdd(now, 4 * characterCycles()));
    } else {
      timeoutEvent.cancel();
    }
  }

  private void characterTimeout(long now) {
    if ((fcr & FCR_ENABLE) != 0 && rxCount > 0) {
      timeoutPending = true;
      updateIrq();
    }
  }

  /** Empties the receiver; host bytes the guest never read return to the host queue. */
  private void clearReceiver() {
    int n = 0;
    for (int i = 0; i < rxCount; i++) {
      int slot = (rxHead + i) % FIFO_SIZE;
      if (rxFromHost[slot]) {
        unreadScratch[n++] = rx[slot];
      }
    }
    input.unread(unreadScratch, n);
    rxCount = 0;
    rxHead = 0;
    timeoutPending = false;
    timeoutEvent.cancel();
  }

  /** One character (start, data, parity, stop bits) at the programmed baud rate, in CPU cycles. */
  public long characterCycles() {
    int halfBits = 2 * (1 + 5 + (lcr & 0b11) + ((lcr & LCR_PARITY) != 0 ? 1 : 0));
    halfBits += (lcr & LCR_STOP2) == 0 ? 2 : ((lcr & 0b11) == 0 ? 3 : 4);
    long div = divisor == 0 ? 1 : divisor;
    return Math.max(1, Clocks.mulDivCeil(cpuHz, halfBits * div, 2 * BASE_BAUD));
  }

  // ---- FIFO control, line and modem status ----

  private void writeFcr(int v) {
    boolean wasEnabled = (fcr & FCR_ENABLE) != 0;
    boolean enable = (v & FCR_ENABLE) != 0;
    if (wasEnabled != enable || (enable && (v & FCR_CLEAR_RX) != 0)) {
      clearReceiver();
    }
    if (enable && (v & FCR_CLEAR_TX) != 0) {
      threPending = true;
    }
    fcr = v & 0xC9;
    updateIrq();
    hostInputAvailable();
  }

  private int readIir() {
    int id = interruptId();
    if (id == IIR_THRE) {
      threPending = false; // reading IIR with THRE as the source clears it
      updateIrq();
    }
    return id | ((fcr & FCR_ENABLE) != 0 ? IIR_FIFO_ENABLED : 0);
  }

  private int readLsr() {
    int v = (rxCount > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT | lsrErrors;
    if (lsrErrors != 0) {
      lsrErrors = 0;
      updateIrq();
    }
    return v;
  }

  private int readMsr() {
    int v = msr;
    if ((msr & 0x0F) != 0) {
      msr &= 0xF0;
      updateIrq();
    }
    return v;
  }

  private void writeMcr(int v) {
    boolean wasLoop = (mcr & MCR_LOOP) != 0;
    mcr = v & 0x1F;
    int lines;
    if ((mcr & MCR_LOOP) != 0) {
      lines = ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
          | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
    } else {
      lines = MSR_HOST_LINES;
    }
    int changed = (msr ^ lines) & 0xF0;
    int delta = msr & 0x0F;
    if ((changed & MSR_CTS) != 0) {
      delta |= MSR_DCTS;
    }
    if ((changed & MSR_DSR) != 0) {
      delta |= MSR_DDSR;
    }
    if ((changed & MSR_RI) != 0 && (lines & MSR_RI) == 0) {
      delta |= MSR_TERI; // trailing edge of ring indicator
    }
    if ((changed & MSR_DCD) != 0) {
      delta |= MSR_DDCD;
    }
    msr = lines | delta;
    updateIrq();
    if (wasLoop && (mcr & MCR_LOOP) == 0) {
      hostInputAvailable();
    }
  }

  // ---- interrupts ----

  private int interruptId() {
    if ((ier & IER_RLS) != 0 && (lsrErrors & LSR_ERRORS) != 0) {
      return IIR_RLS;
    }
    if ((ier & IER_RDA) != 0 && rxCount > 0) {
      boolean fifo = (fcr & FCR_ENABLE) != 0;
      if (!fifo || rxCount >= TRIGGER_LEVELS[(fcr >>> 6) & 3]) {
        return IIR_RDA;
      }
      if (timeoutPending) {
        return IIR_TIMEOUT;
      }
    }
    if ((ier & IER_THRE) != 0 && threPending) {
      return IIR_THRE;
    }
    if ((ier & IER_MSI) != 0 && (msr & 0x0F) != 0) {
      return IIR_MSI;
    }
    return IIR_NONE;
  }

  private void updateIrq() {
    boolean level = interruptId() != IIR_NONE;
    if (level != irqLevel) {
      irqLevel = level;
      irq.set(level);
    }
  }

  /** Current level of the interrupt output (for tests and the monitor). */
  public boolean irqLevel() {
    return irqLevel;
  }

  /** Bytes in the receiver. */
  public int receiverCount() {
    return rxCount;
  }
}
