/* kmain: the boot sequence (BSP), then the init task (pid 1) that starts the shell. */
#include "kernel.h"
#include "string.h"
#include "mm.h"
#include "smp.h"
#include "sched.h"
#include "cmdline.h"
#include "nmi.h"
#include "apic.h"
#include "console.h"
#include "boot.h"

struct boot_info boot_info;
void *initrd_virt;
unsigned long initrd_len;
const char linux_banner[] = UTS_SYSNAME " version " UTS_RELEASE " (gcc version " __VERSION__ ") " UTS_VERSION "\n";

/* other owners' entry points: weak so the kernel boots before they exist */
int initramfs_unpack(const void *data, unsigned long len) __attribute__((weak));
void proc_init(void) __attribute__((weak));
void shell_start(void) __attribute__((weak));
void pvpanic_probe(void);
struct task_struct *sched_create_init(int (*fn)(void *), void *data);
void kcore_selftest(const char *what);

#define HVM_START_MAGIC 0x336ec578

static void add_reserved(u64 addr, u64 size)
{
	if (boot_info.nr_reserved < ARRAY_SIZE(boot_info.reserved) && size) {
		boot_info.reserved[boot_info.nr_reserved].addr = addr;
		boot_info.reserved[boot_info.nr_reserved++].size = size;
	}
}

static void parse_start_info(u32 phys)
{
	const u8 *si = __va(phys);
	unsigned int i;
	if (*(const u32 *)si != HVM_START_MAGIC)
		return;
	add_reserved(phys, 0x38);
	u32 nr_mod = *(const u32 *)(si + 0x0c);
	u64 modlist = *(const u64 *)(si + 0x10);
	u64 cmdline = *(const u64 *)(si + 0x18);
	boot_info.rsdp = *(const u64 *)(si + 0x20);
	u64 memmap = *(const u64 *)(si + 0x28);
	u32 nr_mem = *(const u32 *)(si + 0x30);
	if (cmdline) {
		strlcpy(boot_command_line, __va(cmdline), COMMAND_LINE_SIZE);
		add_reserved(cmdline, strlen(boot_command_line) + 1);
	}
	if (nr_mod && modlist) {
		const u64 *m = __va(modlist);
		boot_info.initrd_phys = m[0];
		boot_info.initrd_size = m[1];
		add_reserved(modlist, nr_mod * 32);
		add_reserved(m[0], m[1]);
	}
	if (memmap) {
		add_reserved(memmap, nr_mem * 24);
		for (i = 0; i < nr_mem && i < ARRAY_SIZE(boot_info.mem); i++) {
			const u8 *e = (const u8 *)__va(memmap) + i * 24;
			boot_info.mem[i].addr = *(const u64 *)e;
			boot_info.mem[i].size = *(const u64 *)(e + 8);
			boot_info.mem[i].type = *(const u32 *)(e + 16);
		}
		boot_info.nr_mem = i;
	}
}

static void print_memmap(void)
{
	static const char *types[] = { "unknown", "usable", "reserved", "ACPI data", "ACPI NVS", "unusable" };
	unsigned int i;
	printk(KERN_INFO "BIOS-provided physical RAM map:\n");
	for (i = 0; i < boot_info.nr_mem; i++) {
		struct boot_mem *m = &boot_info.mem[i];
		printk(KERN_INFO "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)m->addr,
		       (unsigned long long)(m->addr + m->size - 1), m->type < 6 ? types[m->type] : "type");
	}
}

static int kernel_init(void *unused)
{
	const char *t;
	if (boot_info.initrd_size) {
		initrd_virt = __va(boot_info.initrd_phys);
		initrd_len = boot_info.initrd_size;
		printk(KERN_INFO "Trying to unpack rootfs image as initramfs...\n");
		if (initramfs_unpack) {
			int r = initramfs_unpack(initrd_virt, initrd_len);
			if (r < 0)
				printk(KERN_ERR "Initramfs unpacking failed: %d\n", r);
		}
	}
	if (proc_init)
		proc_init();
	if ((t = cmdline_get("kcore_test")))
		kcore_selftest(t);
	printk(KERN_INFO "Run /init as init process\n");
	if (shell_start)
		shell_start();
	printk(KERN_INFO "init: no shell in this build; idling\n");
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return 0;
}

void kmain(u32 start_info_phys)
{
	serial_early_init();
	cpu_early_init();
	parse_start_info(start_info_phys);
	strlcpy(saved_command_line, boot_command_line, COMMAND_LINE_SIZE);
	parse_early_params();
	printk(KERN_NOTICE "%s", linux_banner);
	printk(KERN_INFO "Command line: %s\n", boot_command_line);
	print_memmap();
	dmi_init();
	acpi_init(boot_info.rsdp);
	mm_init(&boot_info);
	sched_init();
	smp_prepare_boot_cpu();
	printk(KERN_NOTICE "Kernel command line: %s\n", boot_command_line);
	parse_setup_params();
	apic_init_bsp();
	nmi_init();
	cpu_identify();
	time_init();
	ioapic_init();
	hrtimer_cpu_init();
	local_irq_enable();
	printk(KERN_INFO "smpboot: CPU0: %s (family: 0x%x, model: 0x%x, stepping: 0x%x)\n",
	       boot_cpu_data.model_id, boot_cpu_data.family, boot_cpu_data.model, boot_cpu_data.stepping);
	struct task_struct *init = sched_create_init(kernel_init, NULL);   /* pid 1 */
	smp_init();
	sched_start_stoppers();
	serial_init();
	pvpanic_probe();
	lockup_detector_init();
	wake_up_process(init);
	cpu_idle_loop();
}
