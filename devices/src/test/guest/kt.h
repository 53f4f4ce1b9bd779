/* emu board test kernel: shared definitions (see main.c for what the kernel does). */
#ifndef KT_H
#define KT_H
#include <stdarg.h>
#include <stdint.h>

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS 0x10
#define EXIT_FAIL 0x11

#define TRAMPOLINE 0x8000               /* below 1 MiB, page aligned: SIPI vector 0x08 */
#define MAX_CPUS 64
#define AP_STACK_SIZE 4096

#define VEC_NMI 2
#define VEC_LAPIC_TIMER 0x20
#define VEC_HPET 0x21
#define VEC_UART 0x22
#define VEC_SPURIOUS 0xff

#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_PMC 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

#define HPET_CAP 0x000
#define HPET_CONF 0x010
#define HPET_STATUS 0x020
#define HPET_COUNTER 0x0f0
#define HPET_TN_CONF(n) (0x100 + 0x20 * (n))
#define HPET_TN_CMP(n) (0x108 + 0x20 * (n))
#define TN_INT_ENB (1ull << 2)
#define TN_PERIODIC (1ull << 3)
#define TN_PER_CAP (1ull << 4)
#define TN_VAL_SET (1ull << 6)

struct frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

/* Firmware facts (firmware.c) */
extern uint64_t lapic_base, ioapic_base, hpet_base;
extern int cpu_count, lapic_nmi_count, iso_count;
extern uint32_t pm1a_cnt;
extern int s5_slp_typ;
extern uint8_t apic_ids[MAX_CPUS];
extern uint32_t irq_to_gsi[16];
extern int failures;
extern uint64_t phys_offset;

/* ---- port and MMIO access ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
static inline uint32_t lapic_read(uint32_t r) { return mmio_read32(lapic_base + r); }
static inline void lapic_write(uint32_t r, uint32_t v) { mmio_write32(lapic_base + r, v); }

/* console.c */
void *memcpy(void *d, const void *s, unsigned long n);
int memeq(const void *a, const char *b, int n);
uint8_t sum(const void *p, uint32_t len);
void serial_init(void);
void kprintf(const char *fmt, ...);
void check(int ok, const char *what);
void __attribute__((noreturn)) finish(void);

/* firmware.c */
void parse_acpi(uint64_t rsdp_paddr);
void parse_smbios(void);

#endif
