/* proc.c - /proc: version, cmdline, uptime, modules, interrupts, meminfo, and the kernel.* sysctls
 * this file owns (panic, panic_on_oops, tainted, printk, ostype, osrelease, version, hostname).
 * The watchdog registers its own sysctls (watchdog.c) through sysctl.h. Owner: kuser. */
#include "kuser.h"
#include "fs.h"
#include "proc.h"
#include "sysctl.h"
#include "module.h"
#include "irq.h"
#include "time.h"
#include "cmdline.h"
#include "taint.h"
#include "cpumask.h"
#include "mm.h"

void sysctl_proc_ready(void);          /* proc_sysctl.c */

int proc_create(const char *path, unsigned int mode,
		int (*show)(char *buf, int size, void *data),
		long (*write)(const char *buf, size_t len, void *data), void *data)
{
	char full[FS_PATH_MAX];
	struct inode *dir, *n;
	snprintf(full, sizeof(full), "/proc/%s", path);
	char *slash = strrchr(full, '/');
	*slash = 0;
	int err = fs_mkdir_p(NULL, full, 0555, &dir);
	*slash = '/';
	if (err)
		return err;
	struct proc_entry *pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->show = show;
	pe->write = write;
	pe->data = data;
	err = fs_create(NULL, full, mode & 0777, &n);
	if (err) {
		kfree(pe);
		return err;
	}
	n->proc = pe;
	return 0;
}

static int show_version(char *buf, int size, void *data)
{
	return snprintf(buf, size, "%s", linux_banner);
}

static int show_cmdline(char *buf, int size, void *data)
{
	return snprintf(buf, size, "%s\n", saved_command_line);
}

static int show_uptime(char *buf, int size, void *data)
{
	u64 up = ktime_get_boottime_ns(), idle = 0;
	int cpu;
	for_each_online_cpu(cpu)
		idle += cpu_idle_time_ns(cpu);
	return snprintf(buf, size, "%lu.%02lu %lu.%02lu\n",
			(unsigned long)(up / NSEC_PER_SEC), (unsigned long)(up % NSEC_PER_SEC / 10000000),
			(unsigned long)(idle / NSEC_PER_SEC), (unsigned long)(idle % NSEC_PER_SEC / 10000000));
}

static int show_modules(char *buf, int size, void *data)
{
	return module_show_proc(buf, size);
}

static int show_interrupts_proc(char *buf, int size, void *data)
{
	return show_interrupts(buf, size);
}

static int show_meminfo(char *buf, int size, void *data)
{
	unsigned long kb = PAGE_SIZE / 1024;
	return snprintf(buf, size, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n",
			totalram_pages() * kb, nr_free_pages() * kb, nr_free_pages() * kb);
}

/* ---- kernel.* sysctls owned here ---- */

static int proc_taint(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned int tmp = get_taint();
	struct ctl_table t = *table;
	t.data = &tmp;
	t.maxlen = sizeof(tmp);
	int err = proc_douintvec(&t, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	/* as Linux: writing can only add taint bits */
	for (int bit = 0; bit < TAINT_FLAGS_COUNT; bit++)
		if (tmp & (1u << bit))
			add_taint(bit, LOCKDEP_STILL_OK);
	return 0;
}

/* kernel.printk: console_loglevel, default_message_loglevel, minimum_console_loglevel,
 * default_console_loglevel; only the first is live in this kernel. */
static int printk_vals[4] = { CONSOLE_LOGLEVEL_DEFAULT, LOGLEVEL_DEFAULT, 1, CONSOLE_LOGLEVEL_DEFAULT };

static int proc_printk(struct ctl_table *table, int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	printk_vals[0] = console_loglevel;
	int err = proc_dointvec(table, write, buffer, lenp, ppos);
	if (!err && write)
		console_loglevel = printk_vals[0];
	return err;
}

static char ostype[] = UTS_SYSNAME, osrelease[] = UTS_RELEASE, version[] = UTS_VERSION;
static char hostname[65] = "(none)";

static struct ctl_table kern_table[] = {
	{ .procname = "hostname", .data = hostname, .maxlen = sizeof(hostname), .mode = 0644,
	  .proc_handler = proc_dostring },
	{ .procname = "ostype", .data = ostype, .maxlen = sizeof(ostype), .mode = 0444,
	  .proc_handler = proc_dostring },
	{ .procname = "osrelease", .data = osrelease, .maxlen = sizeof(osrelease), .mode = 0444,
	  .proc_handler = proc_dostring },
	{ .procname = "panic", .data = &panic_timeout, .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec },
	{ .procname = "panic_on_oops", .data = &panic_on_oops, .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec },
	{ .procname = "printk", .data = printk_vals, .maxlen = sizeof(printk_vals), .mode = 0644,
	  .proc_handler = proc_printk },
	{ .procname = "tainted", .data = &tainted_mask, .maxlen = sizeof(unsigned int), .mode = 0644,
	  .proc_handler = proc_taint },
	{ .procname = "version", .data = version, .maxlen = sizeof(version), .mode = 0444,
	  .proc_handler = proc_dostring },
	{ }
};

/* /dev/null: reads nothing, swallows writes (for `cmd 2>/dev/null`) */
static int null_show(char *buf, int size, void *data)
{
	return 0;
}

static long null_write(const char *buf, size_t len, void *data)
{
	return len;
}

static void dev_init(void)
{
	struct inode *n;
	struct proc_entry *pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe || fs_mkdir_p(NULL, "/dev", 0755, NULL) || fs_create(NULL, "/dev/null", 0666, &n)) {
		kfree(pe);
		return;
	}
	pe->show = null_show;
	pe->write = null_write;
	n->proc = pe;
}

static bool proc_done;

void proc_init(void)
{
	if (proc_done)
		return;
	proc_done = true;
	fs_mkdir_p(NULL, "/proc/sys/kernel", 0555, NULL);
	dev_init();
	proc_create("version", 0444, show_version, NULL, NULL);
	proc_create("cmdline", 0444, show_cmdline, NULL, NULL);
	proc_create("uptime", 0444, show_uptime, NULL, NULL);
	proc_create("modules", 0444, show_modules, NULL, NULL);
	proc_create("interrupts", 0444, show_interrupts_proc, NULL, NULL);
	proc_create("meminfo", 0444, show_meminfo, NULL, NULL);
	register_sysctl("kernel", kern_table);
	sysctl_proc_ready();
	sysctl_apply_cmdline(saved_command_line);
}
