/* panic() as Linux 5.4, taint flags, reboot and power-off. */
#include "kernel.h"
#include "string.h"
#include "taint.h"
#include "smp.h"
#include "io.h"
#include "nmi.h"
#include "delay.h"
#include "cmdline.h"
#include "sched.h"
#include "boot.h"

int panic_timeout;
int panic_on_oops;
int oops_in_progress;
volatile int panic_cpu = -1;
unsigned long tainted_mask;
static bool pvpanic_present;

const struct taint_flag taint_flags[TAINT_FLAGS_COUNT] = {
	{ 'P', 'G', true }, { 'F', ' ', true }, { 'S', ' ', false }, { 'R', ' ', false },
	{ 'M', ' ', false }, { 'B', ' ', false }, { 'U', ' ', false }, { 'D', ' ', false },
	{ 'A', ' ', false }, { 'W', ' ', false }, { 'C', ' ', true }, { 'I', ' ', false },
	{ 'O', ' ', true }, { 'E', ' ', true }, { 'L', ' ', false }, { 'K', ' ', true },
	{ 'X', ' ', true }, { 'T', ' ', true },
};

void add_taint(unsigned int flag, int lockdep_ok)
{
	if (flag < TAINT_FLAGS_COUNT)
		set_bit(flag, &tainted_mask);
}

int test_taint(unsigned int flag) { return test_bit(flag, &tainted_mask); }
unsigned long get_taint(void) { return tainted_mask; }

const char *print_tainted(void)
{
	static char buf[TAINT_FLAGS_COUNT + sizeof("Tainted: ")];
	if (tainted_mask) {
		char *s = buf + sprintf(buf, "Tainted: ");
		int i;
		for (i = 0; i < TAINT_FLAGS_COUNT; i++)
			*s++ = test_bit(i, &tainted_mask) ? taint_flags[i].c_true : taint_flags[i].c_false;
		*s = 0;
	} else {
		strcpy(buf, "Not tainted");
	}
	return buf;
}

static int __init panic_setup(char *s)
{
	int v;
	if (s && !kstrtoint(s, 0, &v))
		panic_timeout = v;
	return 0;
}
early_param("panic", panic_setup);

static int __init oops_setup(char *s)
{
	if (s && !strcmp(s, "panic"))
		panic_on_oops = 1;
	return 0;
}
early_param("oops", oops_setup);

void pvpanic_probe(void)
{
	/* QEMU/emu pvpanic ISA device: reading port 0x505 returns the supported events (bit 0 PANICKED) */
	u8 v = inb(0x505);
	pvpanic_present = v != 0xff && (v & 1);
}

/* ---- reboot / power off ---- */
__noreturn void emergency_restart(void)
{
	local_irq_disable();
	if (acpi_reset_supported && acpi_reset_space == 1)
		outb(acpi_reset_value, acpi_reset_addr);
	outb(0x02, 0xcf9);
	udelay(50);
	outb(0x0e, 0xcf9);               /* full reset via the PCI reset control register */
	udelay(50);
	outb(0xfe, 0x64);                /* keyboard controller pulse */
	udelay(50);
	/* triple fault */
	struct { u16 l; u64 b; } __packed idtr = { 0, 0 };
	__asm__ volatile("lidt %0; int3" :: "m"(idtr));
	for (;;)
		halt();
}

__noreturn void machine_restart(void)
{
	smp_send_stop();
	emergency_restart();
}

__noreturn void machine_power_off(void)
{
	local_irq_disable();
	smp_send_stop();
	if (acpi_pm1a_cnt) {
		/* ACPI mode (SCI_EN) first, as Linux does at boot: ACPI_ENABLE written to SMI_CMD */
		if (!(inw(acpi_pm1a_cnt) & 1) && acpi_smi_cmd && acpi_enable_value) {
			int i;
			outb(acpi_enable_value, acpi_smi_cmd);
			for (i = 0; i < 1000 && !(inw(acpi_pm1a_cnt) & 1); i++)
				udelay(100);
		}
		outw((acpi_slp_typ_s5 << 10) | (1 << 13), acpi_pm1a_cnt);
		if (acpi_pm1b_cnt)
			outw((acpi_slp_typ_s5 << 10) | (1 << 13), acpi_pm1b_cnt);
		udelay(100);
	}
	outb(0x31, 0xf4);                /* isa-debug-exit (emu, QEMU -device isa-debug-exit) */
	for (;;)
		halt();
}

void kernel_restart(const char *cmd)
{
	printk(KERN_EMERG "reboot: Restarting system\n");
	machine_restart();
}

void kernel_power_off(void)
{
	printk(KERN_EMERG "reboot: Power down\n");
	machine_power_off();
}

/* ---- panic ---- */
static __noreturn void panic_smp_self_stop(void)
{
	local_irq_disable();
	for (;;)
		halt();
}

void __weak touch_nmi_watchdog(void) { }
void __weak touch_softlockup_watchdog(void) { }
void __weak touch_softlockup_watchdog_sched(void) { }
void __weak touch_all_softlockup_watchdogs(void) { }
void __weak lockup_detector_init(void) { }

__noreturn void panic(const char *fmt, ...)
{
	static char buf[1024];
	va_list args;
	long i;
	int this_cpu, old_cpu;

	local_irq_disable();
	this_cpu = raw_smp_processor_id();
	old_cpu = -1;
	if (!__atomic_compare_exchange_n(&panic_cpu, &old_cpu, this_cpu, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
	    old_cpu != this_cpu)
		panic_smp_self_stop();

	console_verbose();
	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = 0;
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	if (!test_taint(TAINT_DIE) && oops_in_progress <= 1)
		dump_stack();

	smp_send_stop();
	printk_flush_on_panic();
	/* panic notifiers: kernel offset dump, pvpanic */
	printk(KERN_EMERG "Kernel Offset: disabled\n");
	if (pvpanic_present)
		outb(1, 0x505);

	if (panic_timeout > 0) {
		printk(KERN_EMERG "Rebooting in %d seconds..\n", panic_timeout);
		for (i = 0; i < panic_timeout * 1000L; i += 100) {
			touch_nmi_watchdog();
			mdelay(100);
		}
	}
	if (panic_timeout != 0)
		emergency_restart();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	printk_suppress();
	local_irq_enable();
	for (i = 0;; i++) {
		touch_softlockup_watchdog();
		halt();
	}
}

void nmi_panic(struct pt_regs *regs, const char *msg)
{
	int old = -1, cpu = raw_smp_processor_id();
	if (__atomic_compare_exchange_n(&panic_cpu, &old, cpu, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) || old == cpu) {
		panic_cpu = -1;
		panic("%s", msg);
	}
	/* another CPU is panicking: it will stop us */
	stop_this_cpu();
}
