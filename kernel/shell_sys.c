/* shell_sys.c - system commands: insmod rmmod lsmod modinfo dmesg ps taskset sleep uptime free
 * sysctl uname nproc help reboot poweroff (owner: kuser). Messages follow kmod (insmod/rmmod/
 * modinfo), busybox (ps, uptime, sleep) and procps (sysctl). */
#include "shell_int.h"
#include "shell.h"
#include "sysctl.h"
#include "module.h"
#include "sched.h"
#include "smp.h"
#include "time.h"
#include "delay.h"
#include "mm.h"

/* Run an snprintf-style producer with a growing buffer and write the result. */
static int show_grow(struct sh_ctx *c, int (*show)(char *buf, int size))
{
	for (int size = 8192; size <= (1 << 22); size *= 4) {
		char *buf = kmalloc(size, GFP_KERNEL);
		if (!buf)
			return 1;
		int n = show(buf, size);
		if (n >= 0 && n < size) {
			sh_write(c, buf, n);
			kfree(buf);
			return 0;
		}
		kfree(buf);
		if (n < 0)
			return 1;
	}
	return 1;
}

/* ---- modules ---- */

static const char *const module_dirs[] = { SHELL_HOME, "/lib/modules" };

static int cmd_insmod(struct sh_ctx *c, int argc, char **argv)
{
	if (argc < 2) {
		sh_eprintf(c, "insmod: ERROR: missing filename.\n");
		return 1;
	}
	char *image;
	unsigned long len;
	int err = sh_read_file(c, argv[1], &image, &len);
	/* not Linux: a bare file name not in the working directory is also looked for in the module
	 * directories, so the seed's `cd /proc/sys/kernel; ...; insmod softLockup.ko &` works verbatim */
	for (unsigned int d = 0; err == -ENOENT && !strchr(argv[1], '/') && d < ARRAY_SIZE(module_dirs); d++) {
		char path[FS_PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", module_dirs[d], argv[1]);
		err = sh_read_file(c, path, &image, &len);
	}
	if (err) {
		sh_eprintf(c, "insmod: ERROR: could not load module %s: %s\n", argv[1], kuser_strerror(-err));
		return 1;
	}
	struct kbuf params = { 0 };
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			kbuf_putc(&params, ' ');
		kbuf_put(&params, argv[i], strlen(argv[i]));
	}
	char errbuf[128] = "";
	err = load_module(image, len, params.data ? params.data : "", errbuf);
	kbuf_free(&params);
	kfree(image);
	if (err) {
		sh_eprintf(c, "insmod: ERROR: could not insert module %s: %s\n", argv[1],
		       errbuf[0] ? errbuf : module_strerror(-err));
		return 1;
	}
	return 0;
}

static void module_name_of(const char *arg, char *name, size_t size)
{
	const char *base = strrchr(arg, '/');
	base = base ? base + 1 : arg;
	strlcpy(name, base, size);
	size_t n = strlen(name);
	if (n > 3 && !strcmp(name + n - 3, ".ko"))
		name[n - 3] = 0;
}

static int cmd_rmmod(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0, i = 1;
	while (i < argc && argv[i][0] == '-')
		i++;                       /* -f, -v: accepted and ignored */
	if (i >= argc) {
		sh_eprintf(c, "rmmod: ERROR: missing module name.\n");
		return 1;
	}
	for (; i < argc; i++) {
		char name[64];
		module_name_of(argv[i], name, sizeof(name));
		struct module *m = find_module(name);
		if (!m) {
			sh_eprintf(c, "rmmod: ERROR: Module %s is not currently loaded\n", name);
			status = 1;
			continue;
		}
		if (m->refcnt > 0) {
			sh_eprintf(c, "rmmod: ERROR: Module %s is in use\n", name);
			status = 1;
			continue;
		}
		int err = delete_module(name);
		if (err) {
			sh_eprintf(c, "rmmod: ERROR: could not remove '%s': %s\n", name, kuser_strerror(-err));
			sh_eprintf(c, "rmmod: ERROR: could not remove module %s: %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_lsmod(struct sh_ctx *c, int argc, char **argv)
{
	return show_grow(c, lsmod_show);
}

static int cmd_modinfo(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		sh_eprintf(c, "modinfo: ERROR: missing module or filename.\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct inode *n = NULL;
		char path[FS_PATH_MAX];
		int err = fs_lookup(c->cwd, argv[i], 0, &n);
		if (err && !strchr(argv[i], '/')) {       /* a module name: look for NAME.ko */
			snprintf(path, sizeof(path), "%s.ko", argv[i]);
			err = fs_lookup(c->cwd, path, 0, &n);
			for (unsigned int d = 0; d < ARRAY_SIZE(module_dirs) && err; d++) {
				snprintf(path, sizeof(path), "%s/%s.ko", module_dirs[d], argv[i]);
				err = fs_lookup(c->cwd, path, 0, &n);
			}
		}
		if (err || !S_ISREG(n->mode)) {
			sh_eprintf(c, "modinfo: ERROR: Module %s not found.\n", argv[i]);
			status = 1;
			continue;
		}
		char *image;
		unsigned long len;
		fs_path(n, path, sizeof(path));
		if (fs_read_all(n, (void **)&image, &len)) {
			status = 1;
			continue;
		}
		int size = 4096, r;
		char *buf = NULL;
		for (;;) {
			buf = kmalloc(size, GFP_KERNEL);
			if (!buf)
				break;
			r = modinfo_show_file(image, len, path, buf, size);
			if (r < size)
				break;
			kfree(buf);
			size = r + 1;
		}
		if (buf && r >= 0)
			sh_write(c, buf, r);
		else if (buf) {
			sh_eprintf(c, "modinfo: ERROR: could not get modinfo from '%s': %s\n", argv[i],
			       kuser_strerror(-r));
			status = 1;
		}
		kfree(buf);
		kfree(image);
	}
	return status;
}

/* ---- dmesg / ps ---- */

static int cmd_dmesg(struct sh_ctx *c, int argc, char **argv)
{
	bool clear = false, read = true;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c")) {
			clear = true;
		} else if (!strcmp(argv[i], "-C")) {
			clear = true;
			read = false;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			int lvl;
			if (kstrtoint(argv[++i], 10, &lvl) || lvl < 1 || lvl > 8) {
				sh_eprintf(c, "dmesg: bad level '%s'\n", argv[i]);
				return 1;
			}
			console_loglevel = lvl;
			read = false;
		} else {
			sh_eprintf(c, "Usage: dmesg [-cC] [-n LEVEL]\n");
			return 1;
		}
	}
	if (read) {
		int size = 1 << 20;
		char *buf = kmalloc(size, GFP_KERNEL);
		if (!buf)
			return 1;
		int n = dmesg_read(buf, size);
		if (n > 0)
			sh_write(c, buf, min(n, size));
		kfree(buf);
	}
	if (clear)
		dmesg_clear();
	return 0;
}

struct ps_row {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	char state[5];
	bool kthread;
};

struct ps_list {
	struct ps_row *rows;
	int n, cap;
};

static int ps_collect(struct task_struct *t, void *arg)
{
	struct ps_list *l = arg;
	if (t->pid == 0 || l->n >= l->cap)
		return 0;
	struct ps_row *r = &l->rows[l->n++];
	r->pid = t->pid;
	memcpy(r->comm, t->comm, TASK_COMM_LEN);
	r->comm[TASK_COMM_LEN - 1] = 0;
	r->kthread = !t->tty_private;
	r->state[0] = task_state_char(t);
	r->state[1] = r->kthread ? 'W' : 0;
	r->state[2] = 0;
	return 0;
}

static int cmd_ps(struct sh_ctx *c, int argc, char **argv)
{
	struct ps_list l = { .cap = 1024 };
	l.rows = kmalloc(l.cap * sizeof(*l.rows), GFP_KERNEL);
	if (!l.rows)
		return 1;
	for_each_task(ps_collect, &l);
	/* sort by pid (insertion sort: a few dozen tasks) */
	for (int i = 1; i < l.n; i++)
		for (int j = i; j > 0 && l.rows[j - 1].pid > l.rows[j].pid; j--) {
			struct ps_row t = l.rows[j];
			l.rows[j] = l.rows[j - 1];
			l.rows[j - 1] = t;
		}
	sh_printf(c, "  PID USER       VSZ STAT COMMAND\n");
	for (int i = 0; i < l.n; i++) {
		struct ps_row *r = &l.rows[i];
		sh_printf(c, "%5d %-8.8s %5d %-4.4s %s%s%s\n", r->pid, "root", 0, r->state,
			  r->kthread ? "[" : "", r->comm, r->kthread ? "]" : "");
	}
	kfree(l.rows);
	return 0;
}

struct kill_req {
	pid_t pid;
	int err;
};

static int kill_one(struct task_struct *t, void *arg)
{
	struct kill_req *k = arg;
	if (t->pid != k->pid)
		return 0;
	if (!t->tty_private) {
		k->err = -EPERM;       /* kernel threads ignore signals */
	} else {
		send_sig_int(t);
		k->err = 0;
	}
	return 1;
}

/* kill [-SIG] PID...: any signal interrupts a shell command's sleeps (sleep, sysctl writes...);
 * code looping inside a module never sees it, as on Linux. */
static int cmd_kill(struct sh_ctx *c, int argc, char **argv)
{
	int i = 1, status = 0;
	if (i < argc && argv[i][0] == '-' && argv[i][1])
		i++;                       /* -9, -INT, -TERM: all deliver the interrupt */
	if (i >= argc) {
		sh_eprintf(c, "Usage: kill [-SIG] PID...\n");
		return 1;
	}
	for (; i < argc; i++) {
		int pid;
		if (kstrtoint(argv[i], 10, &pid) || pid <= 0) {
			sh_eprintf(c, "kill: bad pid '%s'\n", argv[i]);
			status = 1;
			continue;
		}
		struct kill_req k = { pid, -ESRCH };
		for_each_task(kill_one, &k);
		if (k.err) {
			sh_eprintf(c, "kill: can't kill pid %d: %s\n", pid, kuser_strerror(-k.err));
			status = 1;
		}
	}
	return status;
}

/* ---- taskset / sleep / uptime / free ---- */

static int cmd_taskset(struct sh_ctx *c, int argc, char **argv)
{
	struct cpumask m;
	int i = 1;
	bool list = false;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cpu-list")) {
			list = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pid")) {
			sh_eprintf(c, "taskset: -p is not supported\n");
			return 1;
		} else {
			sh_eprintf(c, "taskset: invalid option -- '%s'\n", argv[i] + 1);
			return 1;
		}
	}
	if (i + 1 >= argc) {
		sh_eprintf(c, "Usage: taskset [-c] MASK|CPULIST PROG [ARGS]...\n");
		return 1;
	}
	cpumask_clear(&m);
	if (list) {
		if (cpulist_parse(argv[i], &m)) {
			sh_eprintf(c, "taskset: failed to parse CPU list: %s\n", argv[i]);
			return 1;
		}
	} else {
		unsigned long bits;
		if (kstrtoul(argv[i], 16, &bits)) {
			sh_eprintf(c, "taskset: failed to parse CPU mask: %s\n", argv[i]);
			return 1;
		}
		m.bits[0] = bits;
	}
	cpumask_and(&m, &m, cpu_online_mask);
	if (cpumask_empty(&m)) {
		sh_eprintf(c, "taskset: failed to set pid 0's affinity: %s\n", kuser_strerror(EINVAL));
		return 1;
	}
	return sh_run_argv(c, argc - i - 1, argv + i + 1, &m, false);
}

static int cmd_sleep(struct sh_ctx *c, int argc, char **argv)
{
	unsigned long ms = 0;
	if (argc < 2) {
		sh_eprintf(c, "Usage: sleep N[.N]\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *p = argv[i];
		unsigned long sec = 0, frac = 0, scale = 1000;
		if (!*p)
			goto bad;
		while (*p >= '0' && *p <= '9')
			sec = sec * 10 + (*p++ - '0');
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				if (scale > 1)
					scale /= 10, frac += (*p - '0') * scale;
		unsigned long mult = 1000;
		if (*p == 's')
			p++;
		else if (*p == 'm')
			mult = 60000, p++;
		else if (*p == 'h')
			mult = 3600000, p++;
		if (*p)
			goto bad;
		ms += sec * mult + frac * mult / 1000;
		continue;
bad:
		sh_eprintf(c, "sleep: invalid number '%s'\n", argv[i]);
		return 1;
	}
	while (ms) {
		unsigned int chunk = ms > 1000000 ? 1000000 : ms;
		if (msleep_interruptible(chunk))
			return 130;
		ms -= chunk;
	}
	return 0;
}

static int cmd_uptime(struct sh_ctx *c, int argc, char **argv)
{
	unsigned long s = ktime_get_boottime_ns() / NSEC_PER_SEC;
	unsigned long days = s / 86400, hours = s / 3600 % 24, mins = s / 60 % 60;
	/* no RTC: the time of day is the time since boot */
	sh_printf(c, " %02lu:%02lu:%02lu up ", s / 3600 % 24, s / 60 % 60, s % 60);
	if (days)
		sh_printf(c, "%lu day%s, ", days, days == 1 ? "" : "s");
	if (hours)
		sh_printf(c, "%2lu:%02lu", hours, mins);
	else
		sh_printf(c, "%lu min", mins);
	sh_printf(c, ",  load average: 0.00, 0.00, 0.00\n");
	return 0;
}

static int cmd_free(struct sh_ctx *c, int argc, char **argv)
{
	unsigned long total = totalram_pages() * (PAGE_SIZE / 1024);
	unsigned long freek = nr_free_pages() * (PAGE_SIZE / 1024);
	sh_printf(c, "              total        used        free      shared  buff/cache   available\n");
	sh_printf(c, "Mem:   %12lu%12lu%12lu%12lu%12lu%12lu\n", total, total - freek, freek, 0UL, 0UL, freek);
	sh_printf(c, "Swap:  %12lu%12lu%12lu\n", 0UL, 0UL, 0UL);
	return 0;
}

/* ---- sysctl (procps-ng style) ---- */

struct sysctl_show {
	struct sh_ctx *c;
	const char *prefix;
	bool values_only;
	int shown;
};

static void sysctl_print(struct sh_ctx *c, const char *name, struct ctl_table *t, bool values_only)
{
	const int size = 4096;            /* a page, as Linux hands handlers */
	char *buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return;
	int n = sysctl_read(t, buf, size - 1);
	if (n < 0) {
		if (n != -EACCES)
			sh_eprintf(c, "sysctl: reading key \"%s\": %s\n", name, kuser_strerror(-n));
		kfree(buf);
		return;
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	if (values_only)
		sh_printf(c, "%s\n", buf);
	else
		sh_printf(c, "%s = %s\n", name, buf);
	kfree(buf);
}

static void sysctl_show_one(const char *name, struct ctl_table *t, void *arg)
{
	struct sysctl_show *s = arg;
	size_t pl = s->prefix ? strlen(s->prefix) : 0;
	if (pl && (strncmp(name, s->prefix, pl) || name[pl] != '.'))
		return;
	sysctl_print(s->c, name, t, s->values_only);
	s->shown++;
}

static void dotted(char *name)
{
	for (; *name; name++)
		if (*name == '/')
			*name = '.';
}

static int cmd_sysctl(struct sh_ctx *c, int argc, char **argv)
{
	bool all = false, write = false, values_only = false, quiet = false, ignore = false;
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *p = argv[i] + 1; *p; p++) {
			switch (*p) {
			case 'a': case 'A': case 'X': all = true; break;
			case 'w': write = true; break;
			case 'n': values_only = true; break;
			case 'q': quiet = true; break;
			case 'e': ignore = true; break;
			default:
				sh_eprintf(c, "sysctl: invalid option -- '%c'\nUsage: sysctl [-n] [-e] [-q] [-w] VARIABLE[=VALUE]... | -a\n", *p);
				return 2;
			}
		}
	}
	if (all) {
		struct sysctl_show s = { c, NULL, values_only, 0 };
		sysctl_for_each(sysctl_show_one, &s);
		return 0;
	}
	if (i >= argc) {
		sh_eprintf(c, "Usage: sysctl [-n] [-e] [-q] [-w] VARIABLE[=VALUE]... | -a\n");
		return 2;
	}
	for (; i < argc; i++) {
		char name[256];
		strlcpy(name, argv[i], sizeof(name));
		char *eq = strchr(name, '=');
		if (eq)
			*eq = 0;
		else if (write) {
			sh_eprintf(c, "sysctl: \"%s\" must be of the form name=value\n", argv[i]);
			status = 1;
			continue;
		}
		dotted(name);
		struct ctl_table *t = sysctl_find(name);
		if (!t) {
			struct sysctl_show s = { c, name, values_only, 0 };
			if (!eq)
				sysctl_for_each(sysctl_show_one, &s);   /* a directory: "sysctl kernel" */
			if (!s.shown && !ignore) {
				char path[300];
				snprintf(path, sizeof(path), "/proc/sys/%s", name);
				for (char *p = path + 10; *p; p++)
					if (*p == '.')
						*p = '/';
				sh_eprintf(c, "sysctl: cannot stat %s: %s\n", path, kuser_strerror(ENOENT));
				status = 1;
			}
			continue;
		}
		if (eq) {
			struct kbuf v = { 0 };
			const char *val = eq + 1;
			kbuf_put(&v, val, strlen(val));
			kbuf_putc(&v, '\n');
			int err = sysctl_write(t, v.data, v.len);
			kbuf_free(&v);
			if (err) {
				sh_eprintf(c, "sysctl: setting key \"%s\": %s\n", name, kuser_strerror(-err));
				status = 1;
				continue;
			}
			if (!quiet) {
				if (values_only)
					sh_printf(c, "%s\n", val);
				else
					sh_printf(c, "%s = %s\n", name, val);
			}
		} else {
			sysctl_print(c, name, t, values_only);
		}
	}
	return status;
}

/* ---- misc ---- */

static int cmd_uname(struct sh_ctx *c, int argc, char **argv)
{
	const char *f[] = { UTS_SYSNAME, "(none)", UTS_RELEASE, UTS_VERSION, "x86_64" };
	bool want[5] = { false };
	bool any = false;
	for (int i = 1; i < argc; i++) {
		for (const char *p = argv[i] + (argv[i][0] == '-'); *p; p++) {
			const char *opts = "snrvm";
			if (*p == 'a') {
				for (int k = 0; k < 5; k++)
					want[k] = true;
			} else if (strchr(opts, *p)) {
				want[strchr(opts, *p) - opts] = true;
			} else {
				sh_eprintf(c, "uname: invalid option -- '%c'\n", *p);
				return 1;
			}
			any = true;
		}
	}
	if (!any)
		want[0] = true;
	bool first = true;
	for (int k = 0; k < 5; k++)
		if (want[k]) {
			sh_printf(c, "%s%s", first ? "" : " ", f[k]);
			first = false;
		}
	sh_write(c, "\n", 1);
	return 0;
}

static int cmd_nproc(struct sh_ctx *c, int argc, char **argv)
{
	sh_printf(c, "%u\n", num_online_cpus());
	return 0;
}

static int cmd_help(struct sh_ctx *c, int argc, char **argv)
{
	const struct sh_command *tables[] = { sh_fs_commands, sh_text_commands, sh_sys_commands };
	sh_printf(c, "Built-in commands (a trailing & runs a command in the background; > >> < | ; && || work):\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++)
		for (const struct sh_command *cmd = tables[i]; cmd->name; cmd++)
			if (cmd->help)
				sh_printf(c, "  %s\n", cmd->help);
	return 0;
}

static int cmd_reboot(struct sh_ctx *c, int argc, char **argv)
{
	kernel_restart(NULL);
	machine_restart();
}

static int cmd_poweroff(struct sh_ctx *c, int argc, char **argv)
{
	kernel_power_off();
	machine_power_off();
}

const struct sh_command sh_sys_commands[] = {
	{ "insmod", cmd_insmod, 0, "insmod FILE [PARAM=VALUE]... load a module" },
	{ "rmmod", cmd_rmmod, 0, "rmmod MODULE       unload a module" },
	{ "lsmod", cmd_lsmod, 0, "lsmod              list loaded modules" },
	{ "modinfo", cmd_modinfo, 0, "modinfo FILE|NAME  show a module's description and parameters" },
	{ "dmesg", cmd_dmesg, 0, "dmesg [-cC] [-n L] print (or clear) the kernel log" },
	{ "ps", cmd_ps, 0, "ps                 list tasks" },
	{ "kill", cmd_kill, CMD_BUILTIN, "kill [-SIG] PID... interrupt a command started from the shell" },
	{ "taskset", cmd_taskset, CMD_BUILTIN, "taskset -c CPUS CMD [ARG]... run a command on the given CPUs" },
	{ "sleep", cmd_sleep, 0, "sleep N[.N]        sleep N seconds (Ctrl-C interrupts)" },
	{ "uptime", cmd_uptime, 0, "uptime             time since boot" },
	{ "free", cmd_free, 0, "free               memory usage in KiB" },
	{ "sysctl", cmd_sysctl, 0, "sysctl [-n] [-w] NAME[=VALUE]... | -a   read or set kernel parameters" },
	{ "uname", cmd_uname, 0, "uname [-asnrvm]    kernel name and version" },
	{ "nproc", cmd_nproc, 0, "nproc              number of online CPUs" },
	{ "help", cmd_help, CMD_BUILTIN, "help               this list" },
	{ "reboot", cmd_reboot, 0, "reboot             restart the machine" },
	{ "poweroff", cmd_poweroff, 0, "poweroff           power the machine off" },
	{ NULL, NULL, 0, NULL }
};
