package dev.emu.devices.uart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.core.time.Timeline;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 16550A registers, FIFOs, interrupt priorities and host-input pacing over a stepped timeline. */
class Uart16550Test {
  private static final long HZ = 1_152_000_000L; // 10,000 cycles per bit at 115200 baud
  private static final int RBR = 0;
  private static final int IER = 1;
  private static final int IIR = 2;
  private static final int FCR = 2;
  private static final int LCR = 3;
  private static final int MCR = 4;
  private static final int LSR = 5;
  private static final int MSR = 6;
  private static final int SCR = 7;

  private Timeline timeline;
  private HostInput input;
  private Uart16550 uart;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<String> irq = new ArrayList<>();

  @BeforeEach
  void setUp() {
    timeline = new Timeline();
    input = new HostInput();
    uart = new Uart16550(timeline, HZ, level -> irq.add(timeline.now() + (level ? "+" : "-")), out::write, input);
  }

  private void stepTo(long t) {
    while (timeline.nextDeadline() <= t) {
      timeline.advanceTo(timeline.nextDeadline());
    }
    timeline.advanceTo(t);
  }

  /** 115200 8N1 with FIFOs on (trigger 1 byte unless given). */
  private void init(int fcr) {
    uart.write(LCR, 0x80);
    uart.write(RBR, 1);
    uart.write(IER, 0);
    uart.write(LCR, 0x03);
    uart.write(FCR, fcr);
  }

  @Test
  void reset_registersHaveDatasheetValues() {
    assertThat(uart.read(IER)).isZero();
    assertThat(uart.read(IIR)).isEqualTo(0x01);        // no interrupt, FIFOs off
    assertThat(uart.read(LSR)).isEqualTo(0x60);        // THRE | TEMT
    assertThat(uart.read(MSR) & 0xF0).isEqualTo(0xB0); // DCD DSR CTS
    assertThat(irq).isEmpty();
  }

  @Test
  void dlab_switchesOffsets0And1ToDivisorLatches() {
    uart.write(LCR, 0x83);
    uart.write(RBR, 0x34);
    uart.write(IER, 0x12);
    assertThat(uart.read(RBR)).isEqualTo(0x34);
    assertThat(uart.read(IER)).isEqualTo(0x12);
    uart.write(LCR, 0x03);
    assertThat(uart.read(IER)).isZero();
    assertThat(out.size()).isZero();                   // divisor writes are not data
    uart.write(SCR, 0xA5);
    assertThat(uart.read(SCR)).isEqualTo(0xA5);
  }

  @Test
  void thr_goesToSinkAndRaisesThreInterrupt_clearedByIirRead() {
    init(0x07);
    uart.write(RBR, 'h');
    uart.write(RBR, 'i');
    assertThat(out.toString()).isEqualTo("hi");
    assertThat(irq).isEmpty();                         // IER off
    uart.write(IER, 0x02);
    assertThat(irq).containsExactly("0+");
    assertThat(uart.read(IIR)).isEqualTo(0xC2);        // THRE, FIFOs enabled
    assertThat(irq).containsExactly("0+", "0-");
    assertThat(uart.read(IIR)).isEqualTo(0xC1);
    uart.write(RBR, '!');                              // a new edge for the next THR empty
    assertThat(irq).containsExactly("0+", "0-", "0+");
  }

  @Test
  void hostInput_pacedOneBytePerCharacterTime_neverDropped() {
    init(0x07);
    assertThat(uart.characterCycles()).isEqualTo(100_000); // 10 bits * 10,000 cycles
    byte[] data = new byte[40];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ('A' + i);
    }
    input.add(data);
    uart.hostInputAvailable();
    stepTo(0);
    assertThat(uart.receiverCount()).isEqualTo(1);
    stepTo(99_999);
    assertThat(uart.receiverCount()).isEqualTo(1);
    stepTo(100_000);
    assertThat(uart.receiverCount()).isEqualTo(2);
    stepTo(10_000_000);                                // far later: the FIFO holds 16, the rest waits
    assertThat(uart.receiverCount()).isEqualTo(16);
    assertThat(input.size()).isEqualTo(24);
    StringBuilder got = new StringBuilder();
    long t = 10_000_000;
    while (got.length() < 40) {
      while ((uart.read(LSR) & 1) != 0) {
        got.append((char) uart.read(RBR));
      }
      t += 100_000;
      stepTo(t);
    }
    assertThat(got.toString()).isEqualTo(new String(data, java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(uart.read(LSR) & 0x02).isZero();        // no overrun
  }

  @Test
  void receivedData_triggerLevelThenTimeout() {
    init(0x47);                                        // trigger level 4
    uart.write(IER, 0x01);
    input.add(new byte[] {1, 2, 3, 4, 5, 6});
    uart.hostInputAvailable();
    stepTo(250_000);                                   // bytes at 0, 100k, 200k: below trigger
    assertThat(uart.read(IIR)).isEqualTo(0xC1);
    stepTo(300_000);                                   // the 4th byte reaches the trigger
    assertThat(uart.read(IIR)).isEqualTo(0xC4);
    assertThat(irq).containsExactly("300000+");
    for (int i = 0; i < 4; i++) {
      assertThat(uart.read(RBR)).isEqualTo(i + 1);
    }
    assertThat(irq).containsExactly("300000+", "300000-");
    stepTo(500_000);                                   // bytes 5, 6: below the trigger level
    assertThat(uart.receiverCount()).isEqualTo(2);
    stepTo(899_999);
    assertThat(uart.read(IIR)).isEqualTo(0xC1);
    stepTo(900_000);                                   // 4 character times after the last byte
    assertThat(uart.read(IIR)).isEqualTo(0xCC);
    uart.read(RBR);
    assertThat(uart.read(IIR)).isEqualTo(0xC1);        // reading RBR clears the timeout
  }

  @Test
  void priorities_lineStatusOverDataOverThre() {
    init(0x07);
    uart.write(MCR, 0x10);                             // loopback
    uart.write(IER, 0x07);
    for (int i = 0; i < 17; i++) {
      uart.write(RBR, 'a' + i);                        // 17th overruns the 16-byte FIFO
    }
    assertThat(out.size()).isZero();                   // loopback: nothing reaches the host
    assertThat(uart.read(IIR)).isEqualTo(0xC6);        // receiver line status first
    assertThat(uart.read(LSR) & 0x03).isEqualTo(0x03); // DR | OE, cleared by the read
    assertThat(uart.read(IIR)).isEqualTo(0xC4);        // then received data
    for (int i = 0; i < 16; i++) {
      assertThat(uart.read(RBR)).isEqualTo('a' + i);
    }
    assertThat(uart.read(IIR)).isEqualTo(0xC2);        // then THRE
  }

  @Test
  void loopback_modemLinesFollowMcr() {
    uart.write(MCR, 0x10);
    uart.read(MSR);                                    // clear deltas from entering loopback
    uart.write(MCR, 0x10 | 0x01 | 0x02 | 0x04 | 0x08);
    int msr = uart.read(MSR);
    assertThat(msr & 0xF0).isEqualTo(0xF0);            // CTS DSR RI DCD
    assertThat(msr & 0x0B).isEqualTo(0x0B);            // DCTS DDSR DDCD
    uart.write(MCR, 0x10);
    assertThat(uart.read(MSR) & 0x04).isEqualTo(0x04); // TERI on RI's trailing edge
    uart.write(IER, 0x08);
    uart.write(MCR, 0x10 | 0x02);
    assertThat(uart.read(IIR) & 0x0F).isEqualTo(0x00); // modem status interrupt
  }

  @Test
  void fifoClearBeforeRead_returnsHostBytesToTheQueue_loopbackBytesAreDiscarded() {
    input.add(new byte[] {'h', 'i'});
    uart.hostInputAvailable();
    stepTo(0);                                         // 'h' arrives before the guest set the UART up
    assertThat(uart.receiverCount()).isEqualTo(1);
    assertThat(input.size()).isEqualTo(1);
    init(0x07);                                        // the usual init: FIFOs on and cleared
    assertThat(uart.receiverCount()).isZero();
    assertThat(input.size()).isEqualTo(2);             // 'h' is back in front of 'i'
    stepTo(10_000_000);
    assertThat(uart.read(RBR)).isEqualTo('h');
    assertThat(uart.read(RBR)).isEqualTo('i');
    uart.write(MCR, 0x10);
    uart.write(RBR, 'x');                              // loopback byte
    uart.write(FCR, 0x07);
    assertThat(input.size()).isZero();                 // not host input: gone, as on hardware
    uart.reset();
    assertThat(uart.receiverCount()).isZero();
  }

  @Test
  void randomGuestTraffic_hostBytesNeverLostNorReordered() {
    java.util.Random rnd = new java.util.Random(42);
    byte[] data = new byte[300];
    rnd.nextBytes(data);
    input.add(data);
    uart.hostInputAvailable();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long t = 0;
    for (int i = 0; i < 20_000 && got.size() < data.length; i++) {
      int op = rnd.nextInt(10);
      int offset = rnd.nextInt(8);
      if (op < 3) {
        int v = rnd.nextInt(256);
        if (offset == MCR) {
          v &= ~0x10;                                  // no loopback: every RX byte is a host byte
        }
        uart.write(offset, v);
      } else if (op < 7) {
        int before = uart.receiverCount();
        boolean dlab = (uart.read(LCR) & 0x80) != 0;
        int v = uart.read(RBR);
        if (!dlab && before > 0) {
          got.write(v);
        }
      } else {
        uart.read(offset);
      }
      t += rnd.nextInt(50_000);
      stepTo(t);
      uart.hostInputAvailable();
    }
    uart.write(LCR, 0x03);
    while (uart.receiverCount() > 0) {
      got.write(uart.read(RBR));
    }
    byte[] rest = new byte[input.size()];
    for (int i = 0; i < rest.length; i++) {
      rest[i] = (byte) input.poll();
    }
    got.writeBytes(rest);
    assertThat(got.toByteArray()).isEqualTo(data);
  }

  @Test
  void fifoDisabled_receiverHoldsOneByte() {
    init(0x00);
    input.add(new byte[] {'x', 'y'});
    uart.hostInputAvailable();
    stepTo(1_000_000);
    assertThat(uart.receiverCount()).isEqualTo(1);
    assertThat(uart.read(IIR)).isEqualTo(0x01);
    assertThat(uart.read(RBR)).isEqualTo('x');
    stepTo(1_100_000);
    assertThat(uart.read(RBR)).isEqualTo('y');
  }
}
