package dev.emu.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** "info registers": every register's value appears under its own name, in QEMU's order. */
class RegisterDumpTest {
  @Test
  void eachRegisterPrintedUnderItsName() {
    CpuRig r = new CpuRig();
    String[] names = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
      "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"};
    for (int i = 0; i < 16; i++) {
      r.cpu.setReg(i, 0xa0 + i);
    }
    String dump = r.cpu.describeRegisters();
    for (int i = 0; i < 16; i++) {
      assertThat(dump).contains(names[i] + "=" + String.format("%016x", 0xa0 + i));
    }
    assertThat(dump).startsWith("RAX=").contains(" RBX=").contains(" RCX=").contains(" RDX=");
    assertThat(dump.indexOf("RBX=")).isLessThan(dump.indexOf("RCX="));
  }
}
