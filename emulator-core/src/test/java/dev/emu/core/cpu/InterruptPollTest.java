package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An interrupt that becomes pending during a host call (here an {@code out} to a device) is
 * taken at the very next instruction boundary where IF=1 and no STI shadow is active (SDM vol. 3
 * 6.8.3 / STI), even though the run loop only polls the host after host calls (docs/cpu.md).
 */
class InterruptPollTest {
  private static CpuRig rig() {
    CpuRig r = new CpuRig();
    r.host.raiseOnOutPort = 0x80;
    r.host.raiseVector = 0x60;
    return r;
  }

  @Test
  void interruptRaisedByOut_withIfSet_isTakenRightAfterTheOut() {
    // sti; nop; out 0x80,al; inc ebx; inc ebx; hlt
    CpuRig r = rig().run("fb" + "90" + "e680" + "ffc3" + "ffc3" + "f4");
    assertThat(r.haltedInVector()).isEqualTo(0x60);
    assertThat(r.reg(3)).isEqualTo(0);
  }

  @Test
  void interruptRaisedByOut_whileIfClear_isTakenAfterTheInstructionFollowingSti() {
    // cli; out 0x80,al; inc ebx; sti; inc ebx (STI shadow); inc ebx; hlt
    CpuRig r = rig().run("fa" + "e680" + "ffc3" + "fb" + "ffc3" + "ffc3" + "f4");
    assertThat(r.haltedInVector()).isEqualTo(0x60);
    assertThat(r.reg(3)).isEqualTo(2);
  }

  @Test
  void interruptPendingBeforeTheRun_isTakenAtTheFirstBoundary() {
    CpuRig r = rig();
    r.host.pendingVector = 0x61;
    r.cpu.setRflags(0x202);
    r.run("ffc3" + "f4"); // inc ebx; hlt
    assertThat(r.haltedInVector()).isEqualTo(0x61);
    assertThat(r.reg(3)).isEqualTo(0);
  }
}
