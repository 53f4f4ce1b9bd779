/* shell_int.h - internals shared by shell*.c (owner: kuser). */
#ifndef KUSER_SHELL_INT_H
#define KUSER_SHELL_INT_H

#include "kuser.h"
#include "fs.h"

/* ---- parsing (shell_parse.c) ---- */
enum { SEP_END, SEP_SEMI, SEP_BG, SEP_AND, SEP_OR, SEP_PIPE };

/* "$?" in a word (unquoted or in "..."): replaced by the last exit status when expanded. The
 * line editor never passes control characters, so the marker cannot be typed. */
#define SH_STATUS_MARK '\001'

struct sh_word {
	char *text;                    /* the word with quotes removed */
	char *pat;                     /* the same as a glob pattern (quoted metacharacters escaped) */
	bool glob;                     /* has unquoted * ? [ */
};

struct sh_cmd {
	int nwords;
	struct sh_word *words;
	char *redir_out, *redir_in;    /* > / >> target, < source (NULL if none) */
	bool append;
	char *redir_err;               /* 2> / 2>> target */
	bool err_append;
	bool err_to_out, out_to_err;   /* 2>&1, >&2 */
	int sep;                       /* what follows: SEP_* */
};

struct sh_line {
	int ncmds;
	struct sh_cmd *cmds;
};

/* 0, or -1 with a message ("syntax error: unexpected \"&\"") in err. */
int sh_parse(const char *line, struct sh_line *out, char *err, size_t errsz);
void sh_line_free(struct sh_line *l);
void glob_unescape(char *s);

/* ---- expansion (shell_glob.c): words -> argv with globs expanded and sorted ---- */
struct sh_argv {
	int argc;
	char **argv;                   /* argv[argc] == NULL; each string kmalloc'd */
};
int sh_expand(struct inode *cwd, const struct sh_cmd *c, struct sh_argv *out);
extern int sh_last_status;
void sh_argv_free(struct sh_argv *a);

/* ---- execution context ---- */
struct sh_ctx {
	struct inode *cwd;             /* working directory (the shell's for builtins) */
	struct kbuf *out;              /* stdout captured (redirection/pipe), NULL: the console */
	const char *in;                /* stdin data (pipe or < file), valid if has_in */
	size_t in_len;
	bool has_in;
	bool subshell;                 /* running inside a background job: cd does not move the shell */
	struct kbuf *err;              /* stderr captured (2>file), NULL: the console */
	bool err_to_out;               /* 2>&1: stderr goes where stdout goes */
};

void sh_write(struct sh_ctx *c, const char *s, size_t n);
__printf(2, 3) void sh_printf(struct sh_ctx *c, const char *fmt, ...);
/* stderr of a command (honours 2> and 2>&1) */
__printf(2, 3) void sh_eprintf(struct sh_ctx *c, const char *fmt, ...);
/* the shell's own stderr: the console */
__printf(1, 2) void sh_err(const char *fmt, ...);
/* true if Ctrl-C was pressed for the running command (long loops poll this) */
bool sh_interrupted(void);

typedef int sh_fn(struct sh_ctx *c, int argc, char **argv);
#define CMD_BUILTIN 1                  /* runs in the shell task (cd, echo...); others get their own task */
struct sh_command {
	const char *name;
	sh_fn *fn;
	unsigned int flags;
	const char *help;
};
const struct sh_command *sh_find_command(const char *name);
extern const struct sh_command sh_fs_commands[], sh_text_commands[], sh_sys_commands[];

/* Tab completion (shell_complete.c), a tty_complete_fn */
void sh_complete(const char *line, size_t len, struct kbuf *insert, struct kbuf *list);

/* the shell's own working directory (cd changes it) */
extern struct inode *sh_cwd;

/* Reads a whole file for a command: prints "<cmd>: can't open 'x': <err>"-style errors itself? No:
 * returns -errno; callers print in their tool's style. */
int sh_read_file(struct sh_ctx *c, const char *path, char **data, unsigned long *len);

/* Run a command (argv[0]) with taskset-style affinity (cpus == NULL: any CPU but the shell's);
 * background: do not wait. Returns the exit status (or 0 for background). */
struct cpumask;
int sh_run_argv(struct sh_ctx *c, int argc, char **argv, const struct cpumask *cpus, bool background);

/* shell_exec.c / shell.c */
int sh_run_segment(struct sh_cmd *cmds, int n, bool in_task);
int sh_start_background(struct sh_cmd *cmds, int n);
struct inode *sh_task_cwd(bool in_task);

#endif
