package dev.emu.core.cpu;

/** Formats the register file like QEMU's "info registers" (x86-64 layout). */
final class RegisterDump {
  private RegisterDump() {}

  private static final String[] NAMES = {
    "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
    "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"};
  private static final int[] ORDER = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
  private static final String[] SEGS = {"ES", "CS", "SS", "DS", "FS", "GS"};

  static String format(Core c) {
    StringBuilder sb = new StringBuilder(1024);
    for (int i = 0; i < 16; i++) {
      sb.append(NAMES[i]).append('=').append(hex16(c.regs[ORDER[i]]));
      sb.append(i % 4 == 3 ? '\n' : ' ');
    }
    int fl = c.flags();
    sb.append("RIP=").append(hex16(c.rip)).append(" RFL=").append(String.format("%08x", fl))
        .append(" [")
        .append((fl & CpuState.DF) != 0 ? 'D' : '-')
        .append((fl & CpuState.OF) != 0 ? 'O' : '-')
        .append((fl & CpuState.SF) != 0 ? 'S' : '-')
        .append((fl & CpuState.ZF) != 0 ? 'Z' : '-')
        .append((fl & CpuState.AF) != 0 ? 'A' : '-')
        .append((fl & CpuState.PF) != 0 ? 'P' : '-')
        .append((fl & CpuState.CF) != 0 ? 'C' : '-')
        .append("] CPL=").append(c.cpl)
        .append(" II=").append(c.interruptShadow ? 1 : 0)
        .append(" A20=1 SMM=0 HLT=").append(c.halted ? 1 : 0).append('\n');
    for (int s = 0; s < 6; s++) {
      sb.append(String.format("%-3s=%04x %016x %08x %08x%n", SEGS[s], c.segSel[s], c.segBase[s],
          c.segLimit[s] & 0xffff_ffffL, (c.segAttr[s] & 0xf0ff) << 8));
    }
    sb.append(String.format("LDT=%04x %016x %08x %08x%n", c.ldtSel, c.ldtBase, c.ldtLimit, 0x8200));
    sb.append(String.format("TR =%04x %016x %08x %08x%n", c.trSel, c.trBase, c.trLimit,
        (c.trAttr & 0xf0ff) << 8));
    sb.append(String.format("GDT=     %016x %08x%n", c.gdtBase, c.gdtLimit));
    sb.append(String.format("IDT=     %016x %08x%n", c.idtBase, c.idtLimit));
    sb.append(String.format("CR0=%08x CR2=%016x CR3=%016x CR4=%08x%n", c.cr0, c.cr2, c.cr3, c.cr4));
    sb.append(String.format("DR0=%016x DR1=%016x DR2=%016x DR3=%016x%n",
        c.dr[0], c.dr[1], c.dr[2], c.dr[3]));
    sb.append(String.format("DR6=%016x DR7=%016x%n", c.dr[6], c.dr[7]));
    sb.append(String.format("EFER=%016x%n", c.efer));
    return sb.toString();
  }

  private static String hex16(long v) {
    return String.format("%016x", v);
  }
}
