package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleOutputTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private static void write(ConsoleOutput c, String s) {
    for (char ch : s.toCharArray()) {
      c.write(ch);
    }
  }

  @Test
  void interactive_flushesAtNewline_scriptedAtFlush() {
    ConsoleOutput c = new ConsoleOutput(out, true, null);
    write(c, "abc\ndef");
    assertThat(out.toString()).isEqualTo("abc\n");
    c.flush();
    assertThat(out.toString()).isEqualTo("abc\ndef");
  }

  @Test
  void heldWhileTheMonitorIsOn_thenWrittenInOrder_nothingLost() {
    ConsoleOutput c = new ConsoleOutput(out, true, null);
    write(c, "one\n");
    c.hold();
    write(c, "two\nthree\n");
    c.flush();
    assertThat(out.toString()).isEqualTo("one\n");
    c.release();
    write(c, "four\n");
    assertThat(out.toString()).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void until_searchesAllTextSoFar_allBytesAsChars() {
    ConsoleOutput c = new ConsoleOutput(out, false, Pattern.compile("(^|\\n)MARK\\xff"));
    write(c, "xMARK");
    assertThat(c.untilMatched()).isFalse();
    c.write(0xff);
    assertThat(c.untilMatched()).isFalse();
    write(c, "\nMARK");
    c.write(0xff);
    assertThat(c.untilMatched()).isTrue();
    assertThat(c.untilMatched()).isTrue();
  }
}
