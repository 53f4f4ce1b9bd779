/*
 * difftest_host: runs x86-64 instruction byte sequences natively on the host CPU, for emu's
 * differential instruction tests (dev.emu.core.difftest). Built by the JUnit test with gcc into
 * the Maven target directory; never committed as a binary.
 *
 * Environment given to every case (the emu side reproduces exactly the same one):
 *   - code page at CODE_BASE (RWX); the test bytes start at TEST_ADDR = CODE_BASE + TEST_OFF, so
 *     RIP-relative operands resolve to the same addresses on the host and in emu;
 *   - scratch region of SCRATCH_SIZE bytes at SCRATCH_BASE, all filled from a splitmix64 stream
 *     (seed given per case); its first WINDOW bytes are then patched with the case's explicit
 *     bytes and compared byte by byte, the whole region by an FNV-1a hash; the page after it is
 *     unmapped; the region is executable (page-crossing instruction fetch cases) and patches may
 *     address all of it;
 *   - GS base = SCRATCH_BASE + 0x100 (arch_prctl), for GS-relative operands;
 *   - all 16 GPRs from the case, RSP included (it normally points into the scratch window so that
 *     PUSH/POP/CALL/RET are comparable; the epilogue touches no stack before saving it); RFLAGS
 *     from the case (only CF PF AF ZF SF DF OF may be set: TF/AC/IF cannot be set safely from
 *     user mode). Faults are caught on an alternate signal stack.
 *
 * Protocol (text, one case per line on stdin, one result per line on stdout, in order):
 *   in : <code hex> <rflags hex> <r0 hex> ... <r15 hex> <mem seed hex> <patches> [32]
 *        a trailing "32" runs the bytes in 32-bit compatibility mode (CS = __USER32_CS); then
 *        only EAX..EDI and the flags are meaningful
 *        patches: "-" or comma-separated "<offset hex>=<bytes hex>"
 *   out: "OK <rflags> <r0> ... <r15> <changes> <hash>"   changes: "-" or comma-separated
 *        "<off>=<byte>" (bytes of the window that differ from their initial value, offsets
 *        ascending, hex); hash: FNV-1a 64 of the whole scratch region
 *        "FAULT <vector> <signal> <trapno> <error code> <cr2> <rip> <rflags> <r0>..<r15> <changes>
 *        <hash>"
 *        (state at the fault, from the kernel's sigcontext)   vector from the signal:
 *        0 #DE (SIGFPE), 6 #UD (SIGILL), 13 #GP (SIGSEGV with SI_KERNEL), 14 #PF (other
 *        SIGSEGV), 12 #SS (SIGBUS), 3 #BP (SIGTRAP); the rest from the kernel's sigcontext
 *        (trapno is the exact vector, err the pushed error code, cr2 the #PF address)
 *   An unparsable line gets "ERR <reason>". A case runs in 32-bit mode only if the kernel
 *   provides a present __USER32_CS (IA32 emulation): the Java side first sends a NOP case with
 *   "32" and skips 32-bit cases if that faults.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#define CODE_BASE 0x100000UL
#define CODE_SIZE 0x1000UL
#define TEST_OFF 0x800UL
#define SCRATCH_BASE 0x200000UL
#define SCRATCH_SIZE 0x3000UL /* the page after it (0x203000) is left unmapped: #PF tests */
#define WINDOW 512
#define GS_BASE (SCRATCH_BASE + 0x100) /* GS-relative cases: emu sets the same IA32_GS_BASE */
#define CTX_BASE 0x300000UL /* in: regs[16], rflags; out at +0x100; saved rsp at +0x200 */
#define MAX_CODE 64
/* Linux x86-64 GDT: __USER32_CS, __USER_DS, __USER_CS */
#define USER32_CS 0x23
#define USER_DS 0x2b
#define USER64_CS 0x33
#define LINE_MAX_LEN 8192

/* Prologue/epilogue copied around the test bytes. Position independent: absolute addresses only. */
__asm__(
    ".text\n"
    ".globl dt_prologue_start, dt_prologue_end, dt_epilogue_start, dt_epilogue_end\n"
    "dt_prologue_start:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  movabs $0x300200, %rax\n  mov %rsp, (%rax)\n"
    "  movabs $0x300000, %rax\n"
    "  pushq 128(%rax)\n  popfq\n"
    "  mov 8(%rax), %rcx\n  mov 16(%rax), %rdx\n  mov 24(%rax), %rbx\n"
    "  mov 40(%rax), %rbp\n  mov 48(%rax), %rsi\n  mov 56(%rax), %rdi\n"
    "  mov 64(%rax), %r8\n  mov 72(%rax), %r9\n  mov 80(%rax), %r10\n  mov 88(%rax), %r11\n"
    "  mov 96(%rax), %r12\n  mov 104(%rax), %r13\n  mov 112(%rax), %r14\n  mov 120(%rax), %r15\n"
    "  mov 32(%rax), %rsp\n"
    "  mov (%rax), %rax\n"
    "dt_prologue_end:\n"
    "dt_epilogue_start:\n"
    /* no stack use until RSP is saved: the test's RSP points into the scratch window */
    "  movabs %rax, 0x300100\n"
    "  movabs $0x300100, %rax\n"
    "  mov %rsp, 32(%rax)\n"
    "  movabs $0x300ff0, %rsp\n"
    "  mov %rcx, 8(%rax)\n  mov %rdx, 16(%rax)\n  mov %rbx, 24(%rax)\n"
    "  mov %rbp, 40(%rax)\n  mov %rsi, 48(%rax)\n  mov %rdi, 56(%rax)\n"
    "  mov %r8, 64(%rax)\n  mov %r9, 72(%rax)\n  mov %r10, 80(%rax)\n  mov %r11, 88(%rax)\n"
    "  mov %r12, 96(%rax)\n  mov %r13, 104(%rax)\n  mov %r14, 112(%rax)\n  mov %r15, 120(%rax)\n"
    "  pushfq\n  pop %rcx\n  mov %rcx, 128(%rax)\n"
    "  movabs $0x300200, %rax\n  mov (%rax), %rsp\n"
    "  cld\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n"
    "dt_epilogue_end:\n");

extern const unsigned char dt_prologue_start[], dt_prologue_end[];
extern const unsigned char dt_epilogue_start[], dt_epilogue_end[];

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_signal;
static volatile sig_atomic_t fault_code;
/* From the kernel's signal frame: exact vector, error code, CR2 and faulting RIP. */
static volatile uint64_t fault_trapno, fault_err, fault_cr2, fault_rip, fault_flags;
static volatile uint64_t fault_regs[16];

static const uint64_t USER_FLAGS = 0x0cd5; /* CF PF AF ZF SF DF OF */

static void
on_fault(int sig, siginfo_t *info, void *uctx)
{
  ucontext_t *uc = uctx;
  fault_signal = sig;
  fault_code = info->si_code;
  fault_trapno = (uint64_t)uc->uc_mcontext.gregs[REG_TRAPNO];
  fault_err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
  fault_cr2 = (uint64_t)uc->uc_mcontext.gregs[REG_CR2];
  fault_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
  fault_flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
  static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  for (int r = 0; r < 16; r++) {
    fault_regs[r] = (uint64_t)uc->uc_mcontext.gregs[order[r]];
  }
  siglongjmp(fault_env, 1);
}

static uint64_t
splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void
fill_window(unsigned char *win, uint64_t seed)
{
  uint64_t st = seed;
  for (unsigned long i = 0; i < SCRATCH_SIZE; i += 8) {
    uint64_t v = splitmix64(&st);
    memcpy(win + i, &v, 8);
  }
}

static int
hexval(int c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/* Parses hex bytes into out (max cap); returns count or -1. */
static int
parse_bytes(const char *s, unsigned char *out, int cap)
{
  int n = 0;
  while (s[0] && s[1]) {
    int hi = hexval(s[0]);
    int lo = hexval(s[1]);
    if (hi < 0 || lo < 0 || n >= cap) {
      return -1;
    }
    out[n++] = (unsigned char)(hi << 4 | lo);
    s += 2;
  }
  return s[0] ? -1 : n;
}

static int
apply_patches(char *s, unsigned char *win)
{
  if (strcmp(s, "-") == 0) {
    return 0;
  }
  for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      return -1;
    }
    *eq = 0;
    unsigned long off = strtoul(tok, NULL, 16);
    unsigned char buf[WINDOW];
    int n = parse_bytes(eq + 1, buf, WINDOW);
    if (n < 0 || off + (unsigned long)n > SCRATCH_SIZE) {
      return -1;
    }
    memcpy(win + off, buf, (size_t)n);
  }
  return 0;
}

/* Linux: #GP raises SIGSEGV with si_code SI_KERNEL, #PF SIGSEGV with SEGV_MAPERR/ACCERR, #SS SIGBUS. */
static int
signal_vector(int sig, int code)
{
  switch (sig) {
  case SIGFPE:
    return 0;
  case SIGILL:
    return 6;
  case SIGTRAP:
    return 3;
  case SIGBUS:
    return 12;
  case SIGSEGV:
    return code == SI_KERNEL ? 13 : 14;
  default:
    return 255;
  }
}

static void print_memory(const unsigned char *win, const unsigned char *init);

static void
run_case(char *line)
{
  char *fields[24];
  int nf = 0;
  for (char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save); tok && nf < 24;
       tok = strtok_r(NULL, " \t\r\n", &save)) {
    fields[nf++] = tok;
  }
  if (nf != 20 && nf != 21) {
    printf("ERR expected 20 or 21 fields, got %d\n", nf);
    return;
  }
  int compat = nf == 21 && strcmp(fields[20], "32") == 0;
  unsigned char code[MAX_CODE];
  int ncode = parse_bytes(fields[0], code, MAX_CODE);
  if (ncode <= 0) {
    printf("ERR bad code\n");
    return;
  }
  uint64_t *in = (uint64_t *)CTX_BASE;
  uint64_t *out = (uint64_t *)(CTX_BASE + 0x100);
  in[16] = (strtoull(fields[1], NULL, 16) & USER_FLAGS) | 0x2;
  for (int r = 0; r < 16; r++) {
    in[r] = strtoull(fields[2 + r], NULL, 16);
  }
  unsigned char *win = (unsigned char *)SCRATCH_BASE;
  unsigned char init[WINDOW];
  fill_window(win, strtoull(fields[18], NULL, 16));
  if (apply_patches(fields[19], win) < 0) {
    printf("ERR bad patches\n");
    return;
  }
  memcpy(init, win, WINDOW);

  size_t plen = (size_t)(dt_prologue_end - dt_prologue_start);
  size_t elen = (size_t)(dt_epilogue_end - dt_epilogue_start);
  unsigned char *page = (unsigned char *)CODE_BASE;
  unsigned char *p = page + TEST_OFF;
  if (compat) {
    /*
     * 32-bit case: the prologue ends with "jmp far [FARPTR]" to USER32_CS:TEST_ADDR (compatibility
     * mode); the test bytes are followed by "jmp far USER_CS:epilogue" back to 64-bit mode.
     * DS/ES must hold a usable data selector in compatibility mode.
     */
    static const unsigned char farjmp[] = {0xff, 0x2c, 0x25, 0x00, 0x03, 0x30, 0x00}; /* jmp far [0x300300] */
    memcpy(p - sizeof farjmp - plen, dt_prologue_start, plen);
    memcpy(p - sizeof farjmp, farjmp, sizeof farjmp);
    memcpy(p, code, (size_t)ncode);
    uint32_t back = (uint32_t)(CODE_BASE + TEST_OFF + ncode + 7);
    unsigned char *q = p + ncode;
    q[0] = 0xea;
    memcpy(q + 1, &back, 4);
    q[5] = USER64_CS;
    q[6] = 0;
    memcpy(q + 7, dt_epilogue_start, elen);
    uint32_t *fp = (uint32_t *)(CTX_BASE + 0x300);
    fp[0] = (uint32_t)(CODE_BASE + TEST_OFF);
    fp[1] = USER32_CS;
    __asm__ volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r"(USER_DS));
  } else {
    memcpy(p - plen, dt_prologue_start, plen);
    memcpy(p, code, (size_t)ncode);
    memcpy(p + ncode, dt_epilogue_start, elen);
  }
  void (*fn)(void) = (void (*)(void))(compat ? p - 7 - plen : p - plen);

  fault_signal = 0;
  if (sigsetjmp(fault_env, 1) == 0) {
    fn();
  } else {
    printf("FAULT %d %d %llx %llx %llx %llx %llx", signal_vector(fault_signal, fault_code), (int)fault_signal,
           (unsigned long long)fault_trapno, (unsigned long long)fault_err, (unsigned long long)fault_cr2,
           (unsigned long long)fault_rip, (unsigned long long)fault_flags);
    for (int r = 0; r < 16; r++) {
      printf(" %llx", (unsigned long long)fault_regs[r]);
    }
    print_memory(win, init);
    return;
  }
  printf("OK %llx", (unsigned long long)out[16]);
  for (int r = 0; r < 16; r++) {
    printf(" %llx", (unsigned long long)out[r]);
  }
  print_memory(win, init);
}

/* " <window changes or -> <hash of the whole scratch region>\n" */
static void
print_memory(const unsigned char *win, const unsigned char *init)
{
  int any = 0;
  for (int i = 0; i < WINDOW; i++) {
    if (win[i] != init[i]) {
      printf("%c%x=%02x", any ? ',' : ' ', i, win[i]);
      any = 1;
    }
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned long i = 0; i < SCRATCH_SIZE; i++) {
    h = (h ^ win[i]) * 0x100000001b3ULL;
  }
  printf("%s %llx\n", any ? "" : " -", (unsigned long long)h);
}

static void
map_fixed(unsigned long addr, unsigned long size, int prot)
{
  void *p = mmap((void *)addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)addr) {
    fprintf(stderr, "difftest_host: cannot map %#lx\n", addr);
    exit(2);
  }
}

int
main(void)
{
  map_fixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
  /* executable too: page-crossing fetch cases run code placed in the scratch region */
  map_fixed(SCRATCH_BASE, SCRATCH_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
  map_fixed(CTX_BASE, 0x1000, PROT_READ | PROT_WRITE);
  if (syscall(SYS_arch_prctl, ARCH_SET_GS, GS_BASE) != 0) {
    fprintf(stderr, "difftest_host: cannot set the GS base\n");
    exit(2);
  }
  /* make sure the page after the scratch page is free (then leave it unmapped) */
  map_fixed(SCRATCH_BASE + SCRATCH_SIZE, 0x1000, PROT_NONE);
  munmap((void *)(SCRATCH_BASE + SCRATCH_SIZE), 0x1000);

  static char altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    sigaction(sigs[i], &sa, NULL);
  }

  static char line[LINE_MAX_LEN];
  while (fgets(line, sizeof line, stdin)) {
    if (line[0] == '\n' || line[0] == '#') {
      continue;
    }
    run_case(line);
    fflush(stdout);
  }
  return 0;
}
