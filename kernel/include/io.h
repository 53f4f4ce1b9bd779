/* Port I/O, MMIO, MSRs, control registers, CPUID. */
#ifndef _IO_H
#define _IO_H
#include "types.h"
static inline void outb(u8 v, u16 port) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 v, u16 port) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u32 v, u16 port) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u8 readb(const volatile void *a) { return *(const volatile u8 *)a; }
static inline u16 readw(const volatile void *a) { return *(const volatile u16 *)a; }
static inline u32 readl(const volatile void *a) { return *(const volatile u32 *)a; }
static inline u64 readq(const volatile void *a) { return *(const volatile u64 *)a; }
static inline void writeb(u8 v, volatile void *a) { *(volatile u8 *)a = v; }
static inline void writew(u16 v, volatile void *a) { *(volatile u16 *)a = v; }
static inline void writel(u32 v, volatile void *a) { *(volatile u32 *)a = v; }
static inline void writeq(u64 v, volatile void *a) { *(volatile u64 *)a = v; }

static inline u64 rdmsrl(u32 msr)
{ u32 lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((u64)hi << 32) | lo; }
static inline void wrmsrl(u32 msr, u64 v)
{ __asm__ volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory"); }
#define rdmsr(msr, lo, hi) do { u64 __v = rdmsrl(msr); (lo) = (u32)__v; (hi) = (u32)(__v >> 32); } while (0)
#define wrmsr(msr, lo, hi) wrmsrl((msr), ((u64)(hi) << 32) | (u32)(lo))
static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{ __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub)); }
static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d) { cpuid_count(leaf, 0, a, b, c, d); }
static inline u32 cpuid_eax(u32 l) { u32 a, b, c, d; cpuid(l, &a, &b, &c, &d); return a; }
static inline u32 cpuid_ebx(u32 l) { u32 a, b, c, d; cpuid(l, &a, &b, &c, &d); return b; }
static inline u32 cpuid_ecx(u32 l) { u32 a, b, c, d; cpuid(l, &a, &b, &c, &d); return c; }
static inline u32 cpuid_edx(u32 l) { u32 a, b, c, d; cpuid(l, &a, &b, &c, &d); return d; }
#define DEF_CR(n) \
	static inline unsigned long read_cr##n(void) { unsigned long v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
	static inline void write_cr##n(unsigned long v) { __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEF_CR(0)
DEF_CR(2)
DEF_CR(3)
DEF_CR(4)
#undef DEF_CR
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#endif
