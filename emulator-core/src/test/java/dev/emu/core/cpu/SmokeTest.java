package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void movAddHlt_runsAndHalts() {
    // mov $5,%eax; add %eax,%eax; hlt
    CpuRig r = new CpuRig().run("b80500000001c0f4");
    assertThat(r.reg(0)).isEqualTo(10);
    assertThat(r.cpu.rip()).isEqualTo(CpuRig.CODE + 8);
    assertThat(r.cpu.instructionsRetired()).isEqualTo(3);
    assertThat(r.haltedInVector()).isEqualTo(-1);
  }
}
