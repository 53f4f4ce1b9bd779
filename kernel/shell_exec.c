/* shell_exec.c - running a parsed command line: pipelines, redirections, ; && || and & (owner: kuser).
 * Task creation lives in shell.c (sh_run_argv, sh_start_background); this file is host-tested. */
#include "shell_int.h"
#include "shell.h"

struct inode *sh_cwd;
int sh_last_status;

/* ---- one command of a pipeline ---- */

static int open_out(struct sh_ctx *c, const char *path, struct inode **out)
{
	int err = fs_lookup(c->cwd, path, 0, out);
	if (err == -ENOENT) {
		struct inode *dir;
		const char *last;
		err = fs_lookup_parent(c->cwd, path, &dir, &last);
		if (err == -ENOENT) {
			sh_err("sh: can't create %s: nonexistent directory\n", path);
			return -1;
		}
		if (!err && (!(dir->mode & 0222) || !strncmp(path, "/proc/", 6)))
			err = -EACCES;
		if (!err)
			err = fs_create(c->cwd, path, 0644, out);
	}
	if (!err && S_ISDIR((*out)->mode))
		err = -EISDIR;
	if (!err && !((*out)->mode & 0222))
		err = -EACCES;
	if (err) {
		sh_err("sh: can't create %s: %s\n", path, kuser_strerror(-err));
		return -1;
	}
	return 0;
}

static int exec_cmd(struct sh_ctx *c, struct sh_argv *a, bool in_task)
{
	const struct sh_command *cmd = sh_find_command(a->argv[0]);
	if (!cmd) {
		sh_eprintf(c, "sh: %s: not found\n", a->argv[0]);
		return 127;
	}
	if ((cmd->flags & CMD_BUILTIN) || in_task)
		return cmd->fn(c, a->argc, a->argv);
	return sh_run_argv(c, a->argc, a->argv, NULL, false);
}

int sh_run_segment(struct sh_cmd *cmds, int n, bool in_task)
{
	struct kbuf pipe = { 0 };
	bool have_pipe = false;
	int status = 0;

	for (int i = 0; i < n; i++) {
		struct sh_cmd *cmd = &cmds[i];
		struct sh_ctx c = { .cwd = sh_task_cwd(in_task), .subshell = in_task };
		struct kbuf out = { 0 }, inbuf = { 0 }, errb = { 0 };
		struct inode *target = NULL, *etarget = NULL;
		struct sh_argv a;

		if (have_pipe) {
			c.in = pipe.data ? pipe.data : "";
			c.in_len = pipe.len;
			c.has_in = true;
		}
		if (cmd->redir_in) {
			char *data;
			unsigned long len;
			int err = sh_read_file(&c, cmd->redir_in, &data, &len);
			if (err) {
				sh_err("sh: can't open '%s': %s\n", cmd->redir_in, kuser_strerror(-err));
				status = 1;
				goto next;
			}
			inbuf.data = data;
			inbuf.len = len;
			c.in = data;
			c.in_len = len;
			c.has_in = true;
		}
		if (cmd->redir_out) {
			if (open_out(&c, cmd->redir_out, &target)) {
				status = 1;
				goto next;
			}
			if (!cmd->append && !target->proc)
				fs_write(target, "", 0, false);     /* O_TRUNC at open */
		}
		if (cmd->redir_err) {
			if (open_out(&c, cmd->redir_err, &etarget)) {
				status = 1;
				goto next;
			}
			if (!cmd->err_append && !etarget->proc)
				fs_write(etarget, "", 0, false);
			c.err = &errb;
		}
		if (i < n - 1 || target)
			c.out = &out;
		/* 2>&1: stderr follows stdout (as `>f 2>&1` and `2>&1 |`); >&2: stdout goes to stderr */
		c.err_to_out = cmd->err_to_out;
		if (cmd->out_to_err && !target && i == n - 1)
			c.out = etarget ? &errb : NULL;
		if (!cmd->nwords) {
			status = 0;
		} else if (sh_expand(c.cwd, cmd, &a)) {
			sh_err("sh: out of memory\n");
			status = 1;
		} else {
			status = exec_cmd(&c, &a, in_task);
			sh_argv_free(&a);
		}
		if (target && (out.len || !target->proc)) {
			long w = fs_write(target, out.data ? out.data : "", out.len, cmd->append);
			if (w < 0) {
				sh_err("sh: write error: %s\n", kuser_strerror(-w));
				status = 1;
			}
		}
		if (etarget && (errb.len || !etarget->proc)) {
			long w = fs_write(etarget, errb.data ? errb.data : "", errb.len, cmd->err_append);
			if (w < 0) {
				sh_err("sh: write error: %s\n", kuser_strerror(-w));
				status = 1;
			}
		}
next:
		kbuf_free(&errb);
		kbuf_free(&inbuf);
		kbuf_free(&pipe);
		pipe = out;
		have_pipe = true;
		if (target) {             /* output went to a file: the next stage reads nothing */
			kbuf_free(&pipe);
		}
	}
	kbuf_free(&pipe);
	return status;
}

int shell_run_line(const char *line)
{
	struct sh_line l;
	char err[96];

	if (sh_parse(line, &l, err, sizeof(err))) {
		sh_err("sh: %s\n", err);
		return sh_last_status = 2;
	}
	int status = sh_last_status, prev = SEP_SEMI;
	for (int i = 0; i < l.ncmds; ) {
		int j = i;
		while (j < l.ncmds - 1 && l.cmds[j].sep == SEP_PIPE)
			j++;
		int n = j - i + 1, sep = l.cmds[j].sep;
		bool skip = (prev == SEP_AND && status) || (prev == SEP_OR && !status);
		if (skip)
			;
		else if (sep == SEP_BG)
			status = sh_start_background(&l.cmds[i], n);
		else
			status = sh_run_segment(&l.cmds[i], n, false);
		sh_last_status = status;
		prev = sep;
		i = j + 1;
	}
	sh_line_free(&l);
	return sh_last_status = status;
}

