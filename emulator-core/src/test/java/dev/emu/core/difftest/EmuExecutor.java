package dev.emu.core.difftest;

import dev.emu.core.bench.LongModeRig;
import dev.emu.core.bench.StandaloneHost;
import dev.emu.core.cpu.Cpu;
import dev.emu.core.cpu.CpuModel;
import dev.emu.core.mem.PhysicalMemory;

/**
 * Runs a case on emu's interpreter through the public Cpu API: long mode via {@link LongModeRig},
 * test bytes + HLT at {@link DiffEnv#TEST_ADDR}, the scratch window at {@link DiffEnv#SCRATCH_BASE}.
 */
final class EmuExecutor {
  /** Pseudo-vectors for outcomes that are not architectural faults. */
  static final int NO_HALT = -2;
  static final int WRONG_STOP = -3;
  static final int JAVA_EXCEPTION = -4;

  final PhysicalMemory memory = new PhysicalMemory(4 << 20);
  final StandaloneHost host = new StandaloneHost();
  final Cpu cpu = new Cpu(0, memory, host, CpuModel.defaults());
  final LongModeRig rig = new LongModeRig(memory);
  /** Description of the last Java exception, if any. */
  String lastException;

  DiffResult run(DiffCase c) {
    byte[] code = c.emuCode != null ? c.emuCode : c.code;
    byte[] image = new byte[code.length + 1];
    System.arraycopy(code, 0, image, 0, code.length);
    image[code.length] = (byte) 0xf4; // hlt
    try {
      memory.load(DiffEnv.TEST_ADDR, image);
      memory.load(DiffEnv.SCRATCH_BASE, c.initialWindow());
      rig.start(cpu, DiffEnv.TEST_ADDR, c.regs[DiffEnv.RSP], c.regs, c.rflags | c.emuRflagsOr);
      if (!LongModeRig.runToHalt(cpu, 1_000_000)) {
        return DiffResult.fault(NO_HALT);
      }
      int vector = LongModeRig.faultVector(cpu);
      if (vector >= 0) {
        return DiffResult.fault(vector);
      }
      if (cpu.rip() != DiffEnv.TEST_ADDR + image.length) {
        lastException = "stopped at rip=" + Long.toHexString(cpu.rip());
        return DiffResult.fault(WRONG_STOP);
      }
      long[] regs = new long[16];
      for (int r = 0; r < 16; r++) {
        regs[r] = cpu.reg(r);
      }
      byte[] window = new byte[DiffEnv.WINDOW];
      memory.copyOut(DiffEnv.SCRATCH_BASE, window, 0, window.length);
      return DiffResult.state(cpu.rflags(), regs, window);
    } catch (RuntimeException e) {
      lastException = e.toString();
      return DiffResult.fault(JAVA_EXCEPTION);
    }
  }

  /** CPUID as the guest sees it: runs the instruction in long mode. Returns {eax, ebx, ecx, edx}. */
  long[] cpuid(int leaf, int sub) {
    long[] regs = new long[16];
    regs[0] = leaf;
    regs[1] = sub;
    DiffCase c = new DiffCase("cpuid", new byte[] {0x0f, (byte) 0xa2}, 0, regs, 0);
    DiffResult r = run(c);
    if (r.fault) {
      throw new IllegalStateException("cpuid faulted: #" + r.vector + " " + lastException);
    }
    return new long[] {r.regs[0], r.regs[3], r.regs[1], r.regs[2]};
  }
}
