package dev.emu.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.cli.FakeMachine;
import dev.emu.devices.board.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ScriptedRunTest {
  /**
   * A pipe whose writer has already written its bytes, read by a reader thread that is scheduled
   * only after the guest has run (the race `printf 'cmd\n' | emu boot` could lose).
   */
  private static final class LatePipe extends InputStream {
    private final byte[] data;
    private int pos;
    final CountDownLatch readerMayRun = new CountDownLatch(1);

    LatePipe(String s) {
      data = s.getBytes();
    }

    @Override
    public synchronized int available() {
      return data.length - pos;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (Thread.currentThread().getName().equals("emu-stdin")) {
        try {
          readerMayRun.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (this) {
        if (pos == data.length) {
          return -1;
        }
        int n = Math.min(len, data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }

  @Test
  void pipe_bytesAlreadyInIt_reachTheGuestBeforeItsFirstChunk() {
    // The guest (time running, as with its timers armed) powers off once it has the 9 bytes; without
    // them it runs on to the 1 s timeout.
    FakeMachine fake = new FakeMachine().afterScript(RunResult.Kind.TIME_REACHED).powerOffAfterInput(9);
    LatePipe pipe = new LatePipe("uname -a\n");
    ConsoleOutput console = new ConsoleOutput(new ByteArrayOutputStream(), true, null);
    Outcome o = ScriptedRun.run(fake, console, 1_000_000_000L, pipe, false,
        new PrintStream(new ByteArrayOutputStream()), -1);
    pipe.readerMayRun.countDown();
    assertThat(new String(fake.received())).isEqualTo("uname -a\n");
    assertThat(o.status()).as("powered off, not timed out").isZero();
  }
}
