/* A bytecode interpreter with a dense switch (jump table) running a generated program. */
#include "rt.h"

enum op {
  OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHL, OP_SHR, OP_DUP, OP_SWAP, OP_DROP,
  OP_JNZ, OP_DEC, OP_ROT, OP_AND, OP_OR, OP_NOT, OP_HALT, OP_COUNT
};

static u32 code[4096];

static u64
run_vm(const u32 *pc0, int steps)
{
  u64 stack[64];
  int sp = 0;
  const u32 *pc = pc0;
  stack[sp++] = 7;
  stack[sp++] = 11;
  u64 acc = 0;
  while (steps-- > 0) {
    u32 ins = *pc++;
    switch (ins & 0xff) {
    case OP_PUSH: stack[sp++] = ins >> 8; break;
    case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case OP_MUL: sp--; stack[sp - 1] *= stack[sp] | 1; break;
    case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case OP_SHL: stack[sp - 1] <<= (ins >> 8) & 63; break;
    case OP_SHR: stack[sp - 1] >>= (ins >> 8) & 63; break;
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_SWAP: { u64 t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
    case OP_DROP: acc += stack[--sp]; break;
    case OP_JNZ: if (stack[sp - 1] & 1) { pc = code + ((ins >> 8) % 4000); } break;
    case OP_DEC: stack[sp - 1]--; break;
    case OP_ROT: stack[sp - 1] = (stack[sp - 1] << 13) | (stack[sp - 1] >> 51); break;
    case OP_AND: sp--; stack[sp - 1] &= stack[sp] | 0xff; break;
    case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
    case OP_NOT: stack[sp - 1] = ~stack[sp - 1]; break;
    case OP_HALT: return acc ^ stack[sp - 1];
    default: acc = acc * 31 + (ins & 0xff); break;
    }
    if (sp < 2) {
      stack[sp++] = acc;
    }
    if (sp > 60) {
      acc += stack[--sp];
    }
  }
  return acc ^ (u64)sp;
}

unsigned long
guest_main(unsigned long arg)
{
  u64 st = 0xabcdef + arg;
  for (int i = 0; i < 4096; i++) {
    u32 r = (u32)rt_next(&st);
    u32 op = (r & 0xff) % (OP_COUNT + 3);
    code[i] = (r & 0xffffff00u) | (op == OP_HALT ? OP_DEC : op); /* HALT only at the end */
  }
  code[4095] = OP_HALT;
  u64 h = RT_FNV_INIT;
  for (int k = 0; k < 20; k++) {
    h = rt_mix(h, run_vm(code + k * 50, 20000));
  }
  return h;
}
