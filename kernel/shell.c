/* shell.c - the in-kernel shell: prompt, command lines, redirections, pipes, jobs (owner: kuser).
 * A busybox-ash-like shell. Builtins (cd, echo, ...) run in the shell's task; every other command
 * runs in a task of its own whose comm is the command name (so a lockup in `insmod x.ko` reports
 * [insmod:PID]). A trailing & runs the command as a background task and returns to the prompt.
 * Commands not pinned with taskset start on an idle CPU other than the shell's when there is one,
 * so a command that never schedules leaves the prompt usable; a foreground command falls back to
 * the shell's CPU (pick_cpus()). Output of a command is written to the console, or
 * collected for `> file`, `>> file` and `|` (commands run one after another; a pipe passes the
 * whole output as the next command's stdin). A write to a /proc/sys file is one write() of the
 * collected text, so `echo 5 > watchdog_thresh` behaves as on Linux. */
#include "shell_int.h"
#include "shell.h"
#include "tty.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "console.h"
#include "wait.h"

static struct task_struct *fg_task;     /* foreground command task (Ctrl-C target) */
static int shell_cpu;
static struct task_struct *shell_task;
static DECLARE_WAIT_QUEUE_HEAD(job_done_wq);     /* a foreground command returned */

bool sh_interrupted(void)
{
	return signal_pending(current);
}

/* ---- tasks ---- */

struct job {
	sh_fn *fn;
	struct sh_ctx ctx;
	struct sh_argv args;
	/* background jobs: the commands of the segment (moved out of the parsed line) */
	struct sh_cmd *cmds;
	int ncmds;
	/* foreground commands: the waiter frees the job; done tells a return from an oops kill */
	bool fg;
	volatile bool done;
};

static int job_thread(void *data)
{
	struct job *j = data;
	int status;
	current->fs_private = j->ctx.cwd;
	current->tty_private = (void *)1;        /* a "user" task: ps shows no brackets */
	if (j->cmds) {
		status = sh_run_segment(j->cmds, j->ncmds, true);
		struct sh_line l = { j->ncmds, j->cmds };
		sh_line_free(&l);
	} else {
		status = j->fn(&j->ctx, j->args.argc, j->args.argv);
		if (j->fg) {
			WRITE_ONCE(j->done, true);
			wake_up_all(&job_done_wq);
			return status;
		}
		sh_argv_free(&j->args);
	}
	kfree(j);
	return status;
}

/* CPU placement of a command task. taskset's mask is used as given. Otherwise the task may run
 * on every online CPU and starts on an idle CPU other than the shell's when there is one, so a
 * command that never schedules (insmod softLockup.ko &) leaves the prompt usable. When every other
 * CPU is busy (a hog on CPU 1 with -smp 2), a foreground command starts on the CPU of the task that
 * waits for it (the shell's, or a background job's), as Linux runs it beside its sleeping parent;
 * a background command then goes where the fork placement puts it (the least loaded CPU).
 * Returns the CPU to start on, or -1 for the scheduler's fork placement. */
static int pick_cpus(struct cpumask *m, const struct cpumask *cpus, bool fg)
{
	int cpu;
	if (cpus) {
		cpumask_copy(m, cpus);
		return -1;
	}
	cpumask_copy(m, cpu_online_mask);
	if (cpumask_weight(m) == 1)
		return -1;
	for_each_online_cpu(cpu)
		if (cpu != shell_cpu && idle_cpu(cpu))
			return cpu;
	if (fg)
		return current == shell_task ? shell_cpu : smp_processor_id();
	return -1;
}

static struct task_struct *start_task(struct job *j, const char *comm, const struct cpumask *cpus,
				      int *start_cpu)
{
	struct cpumask m;
	struct task_struct *t = kthread_create(job_thread, j, "%s", comm);
	if (!t)
		return NULL;
	*start_cpu = pick_cpus(&m, cpus, j->fg);
	set_cpus_allowed_ptr(t, &m);
	return t;
}

static int rx_hook(int c)
{
	struct task_struct *t = READ_ONCE(fg_task);
	if (c != 0x03 || !t)
		return 0;
	console_write("^C", 2);
	send_sig_int(t);
	return 1;
}

/* Wait for a command task. Only the shell's own foreground command receives Ctrl-C; a command
 * started inside a background job (taskset ... &) is waited for without it. */
static int wait_fg(struct task_struct *t, struct job *j, int start_cpu)
{
	bool shell = current == shell_task;
	get_task_struct(t);                       /* t stays valid after it exits */
	if (shell)
		WRITE_ONCE(fg_task, t);
	wake_up_new_task_on(t, start_cpu);
	/* sleep interruptibly (ps shows the shell as S, as a shell in wait4()); a task killed by an
	 * oops never sets done, so look at its state once a second */
	while (!READ_ONCE(j->done) && READ_ONCE(t->state) != TASK_DEAD)
		wait_event_interruptible_timeout(job_done_wq, READ_ONCE(j->done), HZ);
	int status = kthread_wait(t);
	if (shell)
		WRITE_ONCE(fg_task, NULL);
	if (!READ_ONCE(j->done)) {
		/* killed by an oops (die() -> do_exit(SIGSEGV)), as the shell reports a signal death */
		sh_err("%s\n", status == 9 ? "Killed" : "Segmentation fault");
		status = 128 + status;
	} else if (t->sigpending) {
		console_write("\n", 1);
		status = 130;
	}
	put_task_struct(t);
	sh_argv_free(&j->args);
	kfree(j);
	return status;
}

int sh_run_argv(struct sh_ctx *c, int argc, char **argv, const struct cpumask *cpus, bool background)
{
	const struct sh_command *cmd = sh_find_command(argv[0]);
	if (!cmd) {
		sh_eprintf(c, "sh: %s: not found\n", argv[0]);
		return 127;
	}
	struct job *j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j)
		return 1;
	j->fn = cmd->fn;
	j->ctx = *c;
	j->fg = !background;
	for (int i = 0; i < argc; i++) {
		char **v = kmalloc((i + 2) * sizeof(char *), GFP_KERNEL);
		if (!v)
			break;
		if (i)
			memcpy(v, j->args.argv, i * sizeof(char *));
		v[i] = kuser_strdup(argv[i]);
		v[i + 1] = NULL;
		kfree(j->args.argv);
		j->args.argv = v;
		j->args.argc = i + 1;
	}
	int start_cpu;
	struct task_struct *t = start_task(j, argv[0], cpus, &start_cpu);
	if (!t) {
		sh_err("sh: can't fork: %s\n", kuser_strerror(ENOMEM));
		sh_argv_free(&j->args);
		kfree(j);
		return 1;
	}
	if (background) {
		wake_up_new_task_on(t, start_cpu);
		return 0;
	}
	return wait_fg(t, j, start_cpu);
}

struct inode *sh_task_cwd(bool in_task)
{
	if (in_task && current->fs_private)
		return current->fs_private;
	return sh_cwd;
}

/* Move the commands of a pipeline out of the parsed line into a background task named after the
 * first command. */
int sh_start_background(struct sh_cmd *cmds, int n)
{
	struct job *job = kzalloc(sizeof(*job), GFP_KERNEL);
	struct sh_cmd *moved = job ? kmalloc(n * sizeof(*moved), GFP_KERNEL) : NULL;
	if (!moved) {
		kfree(job);
		sh_err("sh: can't fork: %s\n", kuser_strerror(ENOMEM));
		return 1;
	}
	memcpy(moved, cmds, n * sizeof(*moved));
	memset(cmds, 0, n * sizeof(*moved));
	job->cmds = moved;
	job->ncmds = n;
	job->ctx.cwd = sh_cwd;
	const char *comm = moved[0].nwords ? moved[0].words[0].text : "sh";
	int start_cpu;
	struct task_struct *t = start_task(job, comm, NULL, &start_cpu);
	if (!t) {
		struct sh_line tmp = { n, moved };
		sh_line_free(&tmp);
		kfree(job);
		sh_err("sh: can't fork: %s\n", kuser_strerror(ENOMEM));
		return 1;
	}
	wake_up_new_task_on(t, start_cpu);
	return 0;
}

/* busybox's default PS1 '\w \$ ' as root: "~ # " in the home directory, "/proc/sys # " elsewhere. */
static void make_prompt(char *buf, size_t size)
{
	char path[FS_PATH_MAX];
	size_t hl = strlen(SHELL_HOME);
	if (fs_path(sh_cwd, path, sizeof(path)))
		strcpy(path, "?");
	if (!strncmp(path, SHELL_HOME, hl) && (path[hl] == 0 || path[hl] == '/'))
		snprintf(buf, size, "~%s # ", path + hl);
	else
		snprintf(buf, size, "%s # ", path);
}

void shell_start(void)
{
	proc_init();
	shell_cpu = smp_processor_id();
	struct cpumask self;
	cpumask_clear(&self);
	cpumask_set_cpu(shell_cpu, &self);
	set_cpus_allowed_ptr(current, &self);     /* background commands prefer other CPUs: pick_cpus() */
	current->tty_private = (void *)1;
	strlcpy(current->comm, "sh", sizeof(current->comm));   /* as with rdinit=/bin/sh */
	shell_task = current;

	if (fs_mkdir_p(NULL, SHELL_HOME, 0700, &sh_cwd))
		sh_cwd = fs_root();
	current->fs_private = sh_cwd;
	console_rx_hook = rx_hook;
	tty_start_reader(&self);

	static const char banner[] = "\nemu shell: 'help' lists the commands; the modules are in " SHELL_HOME "\n";
	console_write(banner, sizeof(banner) - 1);
	for (;;) {
		static char prompt[FS_PATH_MAX + 8];
		char *line;
		make_prompt(prompt, sizeof(prompt));
		long n = tty_readline(prompt, sh_complete, &line);
		if (n < 0)
			continue;          /* Ctrl-C: a fresh prompt */
		shell_run_line(line);
		kfree(line);
	}
}
