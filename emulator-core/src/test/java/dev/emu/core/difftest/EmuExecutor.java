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

  EmuExecutor() {
    rig.unmapPage(DiffEnv.UNMAPPED_PAGE); // as on the host: only the scratch page itself is mapped
  }
  /** Description of the last Java exception, if any. */
  String lastException;

  DiffResult run(DiffCase c) {
    byte[] code = c.emuCode != null ? c.emuCode : c.code;
    byte[] image = new byte[code.length + 1];
    System.arraycopy(code, 0, image, 0, code.length);
    image[code.length] = (byte) 0xf4; // hlt
    try {
      memory.load(DiffEnv.TEST_ADDR, image);
      memory.load(DiffEnv.SCRATCH_BASE, c.initialScratch());
      if (c.mode32) {
        rig.startProtected32(cpu, DiffEnv.TEST_ADDR, c.regs[DiffEnv.RSP], c.regs, c.rflags | c.emuRflagsOr);
      } else {
        rig.start(cpu, DiffEnv.TEST_ADDR, c.regs[DiffEnv.RSP], c.regs, c.rflags | c.emuRflagsOr);
        if (!cpu.writeMsr(0xc000_0101, DiffEnv.GS_BASE)) { // IA32_GS_BASE, as the host helper's
          throw new IllegalStateException("IA32_GS_BASE not writable");
        }
      }
      if (!LongModeRig.runToHalt(cpu, 1_000_000)) {
        return DiffResult.fault(NO_HALT);
      }
      int vector = LongModeRig.faultVector(cpu);
      if (vector >= 0) {
        // the handler halted at once: RSP points at the exception frame (error code first if any)
        long rsp = cpu.reg(DiffEnv.RSP);
        boolean err = DiffResult.hasErrorCode(vector);
        int slot = c.mode32 ? 4 : 8; // 32-bit frame: [err] EIP CS EFLAGS; 64-bit: [err] RIP CS RFLAGS RSP SS
        long ripAt = rsp + (err ? slot : 0);
        if (ripAt >= 0 && ripAt + 3 * slot <= memory.size()) {
          long[] regs = new long[16];
          for (int r = 0; r < 16; r++) {
            regs[r] = cpu.reg(r);
          }
          long errCode = err ? (c.mode32 ? memory.read32(rsp) & 0xffff_ffffL : memory.read64(rsp)) : -1;
          long rip = c.mode32 ? memory.read32(ripAt) & 0xffff_ffffL : memory.read64(ripAt);
          long flags = c.mode32 ? memory.read32(ripAt + 8) & 0xffff_ffffL : memory.read64(ripAt + 16);
          byte[] scratch = new byte[DiffEnv.SCRATCH_SIZE];
          memory.copyOut(DiffEnv.SCRATCH_BASE, scratch, 0, scratch.length);
          return DiffResult.fault(vector, errCode, cpu.cr2(), rip, flags, regs)
              .withMemory(java.util.Arrays.copyOf(scratch, DiffEnv.WINDOW), DiffEnv.fnv(scratch));
        }
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
      byte[] scratch = new byte[DiffEnv.SCRATCH_SIZE];
      memory.copyOut(DiffEnv.SCRATCH_BASE, scratch, 0, scratch.length);
      DiffResult r = DiffResult.state(cpu.rflags(), regs, java.util.Arrays.copyOf(scratch, DiffEnv.WINDOW));
      r.scratchHash = DiffEnv.fnv(scratch);
      return r;
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
