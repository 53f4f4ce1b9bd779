/* Interrupt vectors, device IRQs (IOAPIC), per-CPU interrupt statistics. Owner: kcore. */
#ifndef _IRQ_H
#define _IRQ_H
#include "types.h"
#include "percpu.h"
#define FIRST_EXTERNAL_VECTOR 0x20
#define ISA_IRQ_VECTOR(irq) (0x30 + (irq))      /* legacy IRQ n (via IOAPIC) */
#define LOCAL_TIMER_VECTOR 0xec
#define REBOOT_VECTOR 0xf8
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define CALL_FUNCTION_VECTOR 0xfc
#define RESCHEDULE_VECTOR 0xfd
#define ERROR_APIC_VECTOR 0xfe
#define SPURIOUS_APIC_VECTOR 0xff
#define NR_IRQS 24

typedef struct {
	unsigned int __nmi_count;        /* NMI */
	unsigned int apic_timer_irqs;    /* LOC */
	unsigned int irq_spurious_count; /* SPU */
	unsigned int apic_perf_irqs;     /* PMI (the perf NMI handler increments it) */
	unsigned int irq_resched_count;  /* RES */
	unsigned int irq_call_count;     /* CAL */
	unsigned int irq_err_count;
	unsigned int irq_count[NR_IRQS]; /* device IRQs */
} irq_cpustat_t;
DECLARE_PER_CPU(irq_cpustat_t, irq_stat);
#define inc_irq_stat(member) __this_cpu_inc(irq_stat.member)

typedef void (*irq_handler_t)(int irq, void *dev_id);
/* legacy/GSI irq: routed through the IOAPIC to CPU 0, edge, active high (ISA). */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name, void *dev);
int show_interrupts(char *buf, int size);       /* /proc/interrupts text as Linux; snprintf-style length */
#endif
