/* hostshim.c - host stand-ins for the kernel services the kuser code calls (kmalloc, console,
 * modules, tasks...), so tty/shell/fs/proc logic runs as a native program (make -f guest.mk hosttest). */
#include "kernel.h"
#include "string.h"
#include "mm.h"
#include "sched.h"
#include "module.h"
#include "taint.h"
#include "cpumask.h"
#include "hostshim.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>

/* memory */
void *kmalloc(size_t size, gfp_t flags) { return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t flags) { return calloc(1, size ? size : 1); }
void kfree(const void *p) { free((void *)p); }
unsigned long totalram_pages(void) { return 65536; }
unsigned long nr_free_pages(void) { return 60000; }

size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t l = strlen(s);
	if (n) {
		size_t c = l < n - 1 ? l : n - 1;
		memcpy(d, s, c);
		d[c] = 0;
	}
	return l;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	char *end;
	if (!*s)
		return -EINVAL;
	*res = strtoul(s, &end, base);
	return *end && !(*end == '\n' && !end[1]) ? -EINVAL : 0;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	char *end;
	if (!*s)
		return -EINVAL;
	*res = strtol(s, &end, base);
	return *end ? -EINVAL : 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	char *end;
	if (!*s)
		return -EINVAL;
	*res = (int)strtol(s, &end, base);
	return *end ? -EINVAL : 0;
}

/* console: everything written is captured */
struct kbuf_host console_out;
void console_write(const char *s, size_t n)
{
	if (console_out.len + n + 1 > console_out.cap) {
		console_out.cap = (console_out.len + n + 1) * 2;
		console_out.data = realloc(console_out.data, console_out.cap);
	}
	memcpy(console_out.data + console_out.len, s, n);
	console_out.len += n;
	console_out.data[console_out.len] = 0;
}

int printk(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const char *p = buf;
	if (p[0] == '\001' && p[1])
		p += 2;
	console_write("[printk] ", 9);
	console_write(p, strlen(p));
	return n;
}

/* kernel state used by /proc and sysctl */
int console_loglevel = 7;
int panic_timeout, panic_on_oops;
unsigned long tainted_mask;
const char linux_banner[] = "emu-kernel version 0.1.0-emu (host test) #1 SMP\n";
char saved_command_line[2048] = "console=ttyS0 sysctl.kernel.panic=7 sysctl.kernel.nosuch=1 sysctl.kernel.softlockup_all_cpu_backtrace=1";
struct cpumask __cpu_online_mask = { { 0xf } }, __cpu_possible_mask = { { 0xf } };
unsigned int nr_cpu_ids = 4;
unsigned int num_online_cpus(void) { return 4; }
unsigned long get_taint(void) { return tainted_mask; }
void add_taint(unsigned int flag, int lockdep_ok) { tainted_mask |= 1UL << flag; }
u64 ktime_get_boottime_ns(void) { return 3723500000000ULL; }     /* 1 h 2 min 3.5 s */
u64 cpu_idle_time_ns(int cpu) { return 1000000000ULL; }
int show_interrupts(char *buf, int size) { return snprintf(buf, size, "           CPU0\n  4:  1  IO-APIC   4-edge      ttyS0\n"); }
int dmesg_read(char *buf, int size) { return snprintf(buf, size, "[    0.000000] Linux version test\n"); }
void dmesg_clear(void) { }
unsigned long msleep_interruptible(unsigned int ms) { host_slept_ms += ms; return 0; }
unsigned long host_slept_ms;
void kernel_restart(const char *cmd) { }
void kernel_power_off(void) { }
void machine_restart(void) { exit(90); }
void machine_power_off(void) { exit(91); }

int cpulist_parse(const char *buf, struct cpumask *m)
{
	m->bits[0] = 0;
	while (*buf) {
		char *end;
		unsigned long a = strtoul(buf, &end, 10), b = a;
		if (end == buf)
			return -EINVAL;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (; a <= b; a++)
			m->bits[0] |= 1UL << a;
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		buf = end;
	}
	return 0;
}

/* tasks */
int for_each_task(int (*fn)(struct task_struct *t, void *arg), void *arg)
{
	static struct task_struct tasks[3];
	tasks[0].pid = 1; strcpy(tasks[0].comm, "init"); tasks[0].tty_private = (void *)1;
	tasks[1].pid = 12; strcpy(tasks[1].comm, "insmod"); tasks[1].tty_private = (void *)1;
	tasks[2].pid = 2; strcpy(tasks[2].comm, "migration/0");
	for (int i = 0; i < 3; i++)
		if (fn(&tasks[i], arg))
			return 1;
	return 0;
}
void send_sig_int(struct task_struct *t) { t->sigpending = 1; host_killed_pid = t->pid; }
int host_killed_pid;
char task_state_char(struct task_struct *t) { return t->pid == 12 ? 'R' : 'S'; }

/* modules: a "module image" is valid if it starts with \177ELF */
char host_last_params[256];
struct module host_mod = { .name = "softLockup" };
bool host_mod_loaded;
int load_module(const void *image, unsigned long len, const char *params, char *errbuf)
{
	snprintf(host_last_params, sizeof(host_last_params), "%s", params ? params : "");
	if (len < 4 || memcmp(image, "\177ELF", 4)) {
		if (errbuf)
			strcpy(errbuf, "Invalid module format");
		return -ENOEXEC;
	}
	host_mod_loaded = true;
	return 0;
}
struct module *find_module(const char *name)
{
	return host_mod_loaded && !strcmp(name, host_mod.name) ? &host_mod : NULL;
}
int delete_module(const char *name)
{
	host_mod_loaded = false;
	return 0;
}
const char *module_strerror(int err) { return err == ENOEXEC ? "Invalid module format" : "Unknown error"; }
int lsmod_show(char *buf, int size)
{
	return snprintf(buf, size, "Module                  Size  Used by\n%s", host_mod_loaded ?
			"softLockup             16384  0\n" : "");
}
int module_show_proc(char *buf, int size)
{
	return snprintf(buf, size, "%s", host_mod_loaded ? "softLockup 16384 0 - Live 0xffffffffc0315000\n" : "");
}
int modinfo_show_file(const void *image, unsigned long len, const char *filename, char *buf, int size)
{
	if (len < 4 || memcmp(image, "\177ELF", 4))
		return -ENOEXEC;
	return snprintf(buf, size, "filename:       %s\nlicense:        GPL\n", filename);
}

/* shell.c's task side: run commands synchronously in the test process */
bool sh_interrupted(void) { return false; }
struct inode *sh_task_cwd(bool in_task) { return sh_cwd; }
int host_bg_started;
int sh_start_background(struct sh_cmd *cmds, int n)
{
	host_bg_started++;
	return sh_run_segment(cmds, n, true);
}
int sh_run_argv(struct sh_ctx *c, int argc, char **argv, const struct cpumask *cpus, bool background)
{
	const struct sh_command *cmd = sh_find_command(argv[0]);
	if (!cmd) {
		sh_eprintf(c, "sh: %s: not found\n", argv[0]);
		return 127;
	}
	host_last_cpus = cpus ? cpus->bits[0] : 0;
	return cmd->fn(c, argc, argv);
}
unsigned long host_last_cpus;
