package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class EscapeDecoderTest {
  private final EscapeDecoder d = new EscapeDecoder(1);
  private final ByteArrayOutputStream guest = new ByteArrayOutputStream();
  private final int[] consumed = new int[1];

  private EscapeDecoder.Action feed(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    return d.feed(b, 0, b.length, guest, consumed);
  }

  @Test
  void plainBytes_passThrough_includingCtrlC() {
    assertThat(feed("ls\r\u0003")).isEqualTo(EscapeDecoder.Action.NONE);
    assertThat(guest.toByteArray()).containsExactly('l', 's', '\r', 3);
  }

  @Test
  void escapes() {
    assertThat(feed("a\u0001x rest")).isEqualTo(EscapeDecoder.Action.QUIT);
    assertThat(consumed[0]).isEqualTo(3);
    assertThat(guest.toString()).isEqualTo("a");
    assertThat(feed("\u0001c")).isEqualTo(EscapeDecoder.Action.MONITOR);
    assertThat(feed("\u0001h")).isEqualTo(EscapeDecoder.Action.HELP);
  }

  @Test
  void escapeTwice_sendsOneEscape_unknownEscapeSendsTheKey_splitAcrossReads() {
    assertThat(feed("\u0001")).isEqualTo(EscapeDecoder.Action.NONE);
    assertThat(feed("\u0001")).isEqualTo(EscapeDecoder.Action.NONE);
    assertThat(feed("\u0001q")).isEqualTo(EscapeDecoder.Action.NONE);
    assertThat(guest.toByteArray()).containsExactly(1, 'q');
    assertThat(feed("\u0001")).isEqualTo(EscapeDecoder.Action.NONE);
    assertThat(feed("x")).isEqualTo(EscapeDecoder.Action.QUIT);
  }
}
