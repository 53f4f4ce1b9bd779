package dev.emu.cli;

import java.util.List;

/** Lets tests in other packages build and inspect a {@link FakeMachine}. */
public final class FakeMachineAccess {
  private FakeMachineAccess() {}

  public static FakeMachine idleTwoCpus() {
    return new FakeMachine().afterScript(dev.emu.devices.board.RunResult.Kind.IDLE);
  }

  public static List<Integer> nmis(FakeMachine m) {
    synchronized (m) {
      return List.copyOf(m.nmis);
    }
  }
}
