/* kcore-internal declarations shared by the boot, cpu, time and smp code (not a public API). */
#ifndef _KCORE_BOOT_H
#define _KCORE_BOOT_H
#include "types.h"
#include "percpu.h"

struct boot_mem { u64 addr, size; u32 type; };
struct boot_range { u64 addr, size; };
struct boot_info {
	struct boot_mem mem[64];
	unsigned int nr_mem;
	struct boot_range reserved[16];
	unsigned int nr_reserved;
	u64 rsdp;
	u64 initrd_phys, initrd_size;
};
extern struct boot_info boot_info;

/* acpi.c */
extern unsigned int acpi_nr_cpus;
extern u32 acpi_apic_ids[NR_CPUS];
extern u64 lapic_phys, ioapic_phys, hpet_phys;
extern u32 irq_to_gsi[16];
extern u16 irq_flags[16];
extern u32 acpi_pm1a_cnt, acpi_pm1b_cnt, acpi_smi_cmd;
extern u8 acpi_enable_value;
extern u16 acpi_slp_typ_s5;
extern bool acpi_reset_supported;
extern u64 acpi_reset_addr;
extern u8 acpi_reset_space, acpi_reset_value;
void acpi_init(u64 rsdp_phys);
void dmi_init(void);

/* mm.c */
void mm_init(struct boot_info *bi);
void memblock_reserve(unsigned long phys, unsigned long size);
void dump_pagetable(unsigned long va);
extern u64 tramp_pml4[512];

/* cpu.c */
void cpu_early_init(void);              /* per-CPU areas, BSP GDT/TSS/IDT, GS */
void cpu_init(int cpu);                 /* GDT/TSS/IDT/GS for a CPU (BSP and APs) */
void cpu_identify(void);
void setup_percpu_areas(void);
extern unsigned int nr_cpus_possible;
bool cpu_in_idle(unsigned long ip);
void set_intr_gate(int vec, void *handler);

/* apic.c */
void apic_init_bsp(void);
void apic_init_ap(void);
void ioapic_init(void);
int apic_cpu_of_id(u32 apicid);
void apic_timer_oneshot(u64 ns_from_now);
void apic_timer_stop(void);
void apic_send_init(u32 apicid);
void apic_send_sipi(u32 apicid, u8 vector);

/* time.c */
void time_init(void);                   /* HPET, TSC + LAPIC calibration */
void hrtimer_cpu_init(void);            /* starts the tick on this CPU */
void hrtimer_interrupt(void);
extern u32 lapic_timer_khz;             /* LAPIC timer input clock (divide by 1) */
extern bool use_tsc_deadline;

/* smp.c */
void smp_init(void);
void ap_start(int cpu);
void smp_prepare_boot_cpu(void);
void stop_this_cpu(void);
void flush_tlb_all(void);
extern volatile int stopping_cpus;

/* sched.c */
void sched_init(void);                  /* BSP: init task = swapper/0 */
void sched_init_ap(int cpu);
void scheduler_tick(void);
__noreturn void cpu_idle_loop(void);
void stop_machine_init(void);
void sched_start_stoppers(void);

/* printk.c */
void printk_nmi_flush(void);
void printk_flush_on_panic(void);
void printk_suppress(void);

/* console.c */
void serial_early_init(void);
void serial_init(void);
void console_write_raw(const char *s, size_t n);
void console_write_locked(const char *s, size_t n);

/* cmdline.c */
void parse_early_params(void);
void parse_setup_params(void);

/* traps.c */
void trap_init(void);
void nmi_init(void);

/* misc */
void preempt_setup(void);
extern void *initrd_virt;
extern unsigned long initrd_len;
#endif
