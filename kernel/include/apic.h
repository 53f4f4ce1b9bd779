/* Local APIC (xAPIC MMIO or x2APIC MSRs), CPU feature facts. Owner: kcore. */
#ifndef _APIC_H
#define _APIC_H
#include "types.h"
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_SPIV 0xf0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define APIC_LVT_MASKED (1u << 16)
#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_TSCDEADLINE (2u << 17)

extern int x2apic_mode;
extern bool boot_cpu_tsc_deadline, boot_cpu_invariant_tsc;
extern int apic_id_of_cpu[];      /* logical CPU -> APIC id */
u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
void apic_eoi(void);
void apic_send_ipi(int cpu, int vector);        /* fixed delivery */
void apic_send_ipi_allbutself(int vector);

struct cpuinfo_x86 {
	char vendor[16];
	char model_id[64];
	int family, model, stepping;
	u32 max_leaf;
};
extern struct cpuinfo_x86 boot_cpu_data;
#endif
