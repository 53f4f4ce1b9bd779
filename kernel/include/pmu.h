/* Architectural PMU (CPUID leaf 0xA) facts + LVTPC for the perf NMI watchdog. Owner: kcore. */
#ifndef _PMU_H
#define _PMU_H
#include "types.h"
#define MSR_IA32_PERFCTR0 0x000000c1
#define MSR_IA32_PMC0 0x000004c1            /* full-width writes (if IA32_PERF_CAPABILITIES bit 13) */
#define MSR_P6_EVNTSEL0 0x00000186
#define MSR_CORE_PERF_FIXED_CTR0 0x00000309
#define MSR_CORE_PERF_FIXED_CTR_CTRL 0x0000038d
#define MSR_CORE_PERF_GLOBAL_STATUS 0x0000038e
#define MSR_CORE_PERF_GLOBAL_CTRL 0x0000038f
#define MSR_CORE_PERF_GLOBAL_OVF_CTRL 0x00000390
#define ARCH_PERFMON_EVENTSEL_USR (1u << 16)
#define ARCH_PERFMON_EVENTSEL_OS (1u << 17)
#define ARCH_PERFMON_EVENTSEL_INT (1u << 20)
#define ARCH_PERFMON_EVENTSEL_ENABLE (1u << 22)
#define ARCH_PERFMON_UNHALTED_CORE_CYCLES 0x003c   /* event 0x3c umask 0x00 */

struct x86_pmu_info {
	int version;           /* CPUID.0AH:EAX[7:0]; 0 = no architectural PMU (QEMU TCG) */
	int num_counters;      /* general-purpose counters */
	int counter_width;     /* bits */
	unsigned int events_mask;   /* CPUID.0AH:EBX (bit set = event NOT available) */
	int num_fixed;
};
extern struct x86_pmu_info x86_pmu;     /* filled by cpu setup before lockup_detector_init */

void apic_lvtpc_nmi(void);       /* LVTPC = NMI delivery, unmasked (call again from the PMI handler) */
void apic_lvtpc_mask(void);
#endif
