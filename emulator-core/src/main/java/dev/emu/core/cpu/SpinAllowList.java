package dev.emu.core.cpu;

/**
 * Which instructions may appear in a loop that {@link SpinDetector} fast-forwards.
 *
 * <p>Overview: an independent, deliberately small decoder of the instruction bytes (prefixes,
 * opcode, ModRM mod/reg) that answers one question: can this instruction change anything but
 * registers, RFLAGS and RIP? Allowed are register ALU/mov/lea/shift/bit/cmov/setcc forms, loads
 * through a ModRM memory operand (cmp/test/mov/movzx/... from memory, jmp through memory), jcc
 * and jmp, nop and {@code pause}. Everything else is refused: any store (a memory destination,
 * push/call, string instructions, xchg/cmpxchg/xadd with memory), any LOCK or REPNE prefix,
 * REP except {@code pause}/endbr, port I/O, system and serialising instructions
 * (cli/sti/hlt/iret/int/cpuid/wrmsr/mov cr...), rdtsc/rdtscp/rdpmc/rdmsr, segment loads, x87/SSE.
 * Whether a load touched RAM (and not MMIO) is checked by the detector afterwards.
 */
final class SpinAllowList {
  /** The instruction is not allowed in a fast-forwarded loop. */
  static final int REJECT = -1;
  /** Allowed; it touches no memory. */
  static final int PLAIN = 0;
  /** Allowed; it reads its ModRM memory operand (the detector checks that it is RAM). */
  static final int LOAD = 1;

  private SpinAllowList() {}

  /**
   * Classifies the instruction whose first byte is at linear address {@code lin}.
   *
   * @param mode64 64-bit code segment (REX prefixes exist)
   */
  static int classify(SpinDetector code, long lin, boolean mode64) {
    int n = 0;
    int rex = 0;
    boolean repe = false;
    int b;
    while (true) {
      if (n >= 15) {
        return REJECT;
      }
      b = code.codeByte(lin + n++);
      if (b < 0) {
        return REJECT;
      }
      switch (b) {
        case 0x66: case 0x67: case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
          if (rex != 0) {
            return REJECT; // REX before a legacy prefix: odd encoding, not worth modelling
          }
          continue;
        case 0xf3:
          if (rex != 0) {
            return REJECT;
          }
          repe = true;
          continue;
        case 0xf0: // lock
        case 0xf2: // repne / bnd
          return REJECT;
        default:
          break;
      }
      if (mode64 && (b & 0xf0) == 0x40) {
        rex = b;
        continue;
      }
      break;
    }
    if (b == 0x0f) {
      int b2 = code.codeByte(lin + n++);
      if (b2 < 0) {
        return REJECT;
      }
      if (repe && b2 != 0x1e) {
        return REJECT;
      }
      return twoByte(b2, needsModrm0F(b2) ? code.codeByte(lin + n) : 0);
    }
    if (repe && b != 0x90) {
      return REJECT;
    }
    int m = needsModrm(b) ? code.codeByte(lin + n) : 0;
    if (m < 0) {
      return REJECT;
    }
    return oneByte(b, m, mode64);
  }

  private static boolean needsModrm(int b) {
    if (b < 0x40) {
      return (b & 7) < 4;
    }
    switch (b) {
      case 0x63: case 0x69: case 0x6b:
      case 0x80: case 0x81: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
      case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8d:
      case 0xc0: case 0xc1: case 0xc6: case 0xc7: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
      case 0xf6: case 0xf7: case 0xfe: case 0xff:
        return true;
      default:
        return false;
    }
  }

  private static boolean needsModrm0F(int b) {
    return (b >= 0x40 && b <= 0x4f) || (b >= 0x90 && b <= 0x9f) || b == 0xa3 || b == 0xab
        || b == 0xb3 || b == 0xbb || b == 0xba || b == 0xaf || b == 0xb6 || b == 0xb7
        || b == 0xbe || b == 0xbf || b == 0xbc || b == 0xbd;
  }

  private static boolean isMem(int m) {
    return (m >>> 6) != 3;
  }

  private static int load(int m) {
    return isMem(m) ? LOAD : PLAIN;
  }

  private static int registerOnly(int m) {
    return isMem(m) ? REJECT : PLAIN;
  }

  private static int oneByte(int b, int m, boolean mode64) {
    int reg = (m >>> 3) & 7;
    if (b < 0x40) {
      switch (b & 7) {
        case 0:
        case 1: // op Eb/Ev, Gb/Gv: a memory destination is a store unless the op is cmp
          return isMem(m) ? (((b >>> 3) & 7) == 7 ? LOAD : REJECT) : PLAIN;
        case 2:
        case 3: // op Gb/Gv, Eb/Ev
          return load(m);
        case 4:
        case 5: // op al/eAX, imm
          return PLAIN;
        default: // push/pop seg, daa/das/aaa/aas (prefixes were consumed above)
          return REJECT;
      }
    }
    if (b < 0x50) {
      return mode64 ? REJECT : PLAIN; // inc/dec r32 outside 64-bit mode
    }
    switch (b) {
      case 0x63: // movsxd
        return mode64 ? load(m) : REJECT;
      case 0x69: case 0x6b: // imul Gv, Ev, imm
      case 0x84: case 0x85: // test
      case 0x8a: case 0x8b: // mov G, E
        return load(m);
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f:
        return PLAIN; // jcc rel8
      case 0x80: case 0x81: case 0x83: // grp1: only cmp may have a memory destination
        return isMem(m) ? (reg == 7 ? LOAD : REJECT) : PLAIN;
      case 0x86: case 0x87: // xchg (with memory: an implicitly locked store)
      case 0x88: case 0x89: // mov E, G
      case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: // shifts/rotates
        return registerOnly(m);
      case 0x8d: // lea: no memory access
        return PLAIN;
      case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
      case 0x98: case 0x99: case 0x9e: case 0x9f: case 0xa8: case 0xa9:
      case 0xb0: case 0xb1: case 0xb2: case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7:
      case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
      case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe9: case 0xeb:
      case 0xf5: case 0xf8: case 0xf9: case 0xfc: case 0xfd:
        return PLAIN; // nop/pause/xchg r, cbw/cwd, sahf/lahf, test acc, mov r imm, loop, jmp, flags
      case 0xc6: case 0xc7: // mov E, imm
        return isMem(m) || reg != 0 ? REJECT : PLAIN;
      case 0xf6: case 0xf7: // grp3
        return reg == 2 || reg == 3 ? registerOnly(m) : load(m);
      case 0xfe: // inc/dec Eb
        return reg < 2 ? registerOnly(m) : REJECT;
      case 0xff: // grp5: inc/dec register, jmp Ev
        if (reg < 2) {
          return registerOnly(m);
        }
        return reg == 4 ? load(m) : REJECT;
      default:
        return REJECT;
    }
  }

  private static int twoByte(int b, int m) {
    if (m < 0) {
      return REJECT;
    }
    if (b >= 0x40 && b <= 0x4f) {
      return load(m); // cmov
    }
    if (b >= 0x80 && b <= 0x8f) {
      return PLAIN; // jcc rel32
    }
    if (b >= 0x90 && b <= 0x9f) {
      return registerOnly(m); // setcc
    }
    switch (b) {
      case 0x0d: case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e:
      case 0x1f: // prefetch hints, endbr, nop Ev: no access
        return PLAIN;
      case 0xaf: case 0xb6: case 0xb7: case 0xbe: case 0xbf: case 0xbc: case 0xbd:
        return load(m); // imul, movzx, movsx, bsf, bsr
      case 0xa3: // bt Ev, Gv: with memory the bit offset reaches outside the operand
      case 0xab: case 0xb3: case 0xbb: // bts/btr/btc
        return registerOnly(m);
      case 0xba: { // grp8
        int reg = (m >>> 3) & 7;
        if (reg == 4) {
          return load(m);
        }
        return reg > 4 ? registerOnly(m) : REJECT;
      }
      case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
        return PLAIN; // bswap
      default:
        return REJECT;
    }
  }
}
