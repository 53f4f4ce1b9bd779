/* shell_fs.c - file and shell commands: cd pwd ls mkdir rm touch clear exit true false (owner: kuser).
 * Messages follow busybox. */
#include "shell_int.h"
#include "shell.h"

static int cmd_cd(struct sh_ctx *c, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : SHELL_HOME;
	struct inode *n;
	int err = fs_lookup(c->cwd, dir, 0, &n);
	if (!err && !S_ISDIR(n->mode))
		err = -ENOTDIR;
	if (err) {
		sh_eprintf(c, "sh: cd: can't cd to %s: %s\n", dir, kuser_strerror(-err));
		return 2;
	}
	if (!c->subshell)          /* `cd x &` runs in a subshell: no effect, as in sh */
		sh_cwd = n;
	return 0;
}

static int cmd_pwd(struct sh_ctx *c, int argc, char **argv)
{
	char path[FS_PATH_MAX];
	fs_path(c->cwd, path, sizeof(path));
	sh_printf(c, "%s\n", path);
	return 0;
}

/* ---- ls ---- */

static void mode_string(unsigned int mode, char *s)
{
	static const char rwx[] = "rwxrwxrwx";
	s[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		s[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	s[10] = 0;
}

/* "Jan  1 00:00" from seconds since the epoch (the guest has no RTC: boot files show 1970). */
static void time_string(unsigned long t, char *s, size_t size)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
					   "Sep", "Oct", "Nov", "Dec" };
	unsigned long days = t / 86400, secs = t % 86400;
	/* civil_from_days (Howard Hinnant) */
	long z = days + 719468, era = z / 146097;
	unsigned long doe = z - era * 146097;
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned long m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(s, size, "%s %2lu %02lu:%02lu", mon[m - 1], d, secs / 3600, secs / 60 % 60);
}

struct ls_opts {
	bool all, longfmt, one, dir;
};

static void ls_long(struct sh_ctx *c, struct inode *n, const char *name)
{
	char mode[11], tm[32];
	mode_string(n->mode, mode);
	time_string(n->mtime, tm, sizeof(tm));
	unsigned long links = S_ISDIR(n->mode) ? 2 : 1;
	sh_printf(c, "%s %4lu %-8s %-8s %9lu %s %s", mode, links, "root", "root",
		  (unsigned long)fs_size(n), tm, name);
	if (S_ISLNK(n->mode))
		sh_printf(c, " -> %.*s", (int)n->size, n->data ? n->data : "");
	sh_write(c, "\n", 1);
}

/* names[] in columns, top to bottom then left to right, for an 80-column terminal */
static void ls_columns(struct sh_ctx *c, const char **names, int n, bool one)
{
	size_t w = 0;
	for (int i = 0; i < n; i++)
		w = max(w, strlen(names[i]));
	w += 2;
	int cols = one || c->out ? 1 : (int)(80 / w);
	if (cols < 1)
		cols = 1;
	int rows = (n + cols - 1) / cols;
	for (int r = 0; r < rows; r++) {
		for (int col = 0; col < cols; col++) {
			int i = col * rows + r;
			if (i >= n)
				break;
			bool last = col == cols - 1 || i + rows >= n;
			if (last)
				sh_printf(c, "%s", names[i]);
			else
				sh_printf(c, "%-*s", (int)w, names[i]);
		}
		sh_write(c, "\n", 1);
	}
}

static void ls_dir(struct sh_ctx *c, struct inode *dir, struct ls_opts *o)
{
	int n = 0, i = 0;
	for (struct inode *ch = dir->children; ch; ch = ch->next)
		n++;
	const char **names = kmalloc((n + 2) * sizeof(char *), GFP_KERNEL);
	struct inode **nodes = kmalloc((n + 2) * sizeof(*nodes), GFP_KERNEL);
	if (!names || !nodes)
		goto out;
	if (o->all) {
		names[i] = ".", nodes[i++] = dir;
		names[i] = "..", nodes[i++] = dir->parent ? dir->parent : dir;
	}
	for (struct inode *ch = dir->children; ch; ch = ch->next)
		if (o->all || ch->name[0] != '.')
			names[i] = ch->name, nodes[i++] = ch;
	if (o->longfmt) {
		sh_printf(c, "total %d\n", 0);
		for (int k = 0; k < i; k++)
			ls_long(c, nodes[k], names[k]);
	} else {
		ls_columns(c, names, i, o->one);
	}
out:
	kfree(names);
	kfree(nodes);
}

static int cmd_ls(struct sh_ctx *c, int argc, char **argv)
{
	struct ls_opts o = { 0 };
	int first = 1, status = 0;
	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		for (const char *p = argv[first] + 1; *p; p++) {
			switch (*p) {
			case 'a': o.all = true; break;
			case 'l': o.longfmt = true; break;
			case '1': o.one = true; break;
			case 'd': o.dir = true; break;
			case 'A': case 'h': case 'C': break;
			default:
				sh_eprintf(c, "ls: invalid option -- '%c'\nBusyBox-compatible ls: usage: ls [-1adl] [FILE]...\n", *p);
				return 2;
			}
		}
	}
	const char *dot = ".";
	char **paths = argc > first ? argv + first : (char **)&dot;
	int npaths = argc > first ? argc - first : 1;
	/* files first (in one listing), then directories with headers when there are several */
	const char **files = kmalloc(npaths * sizeof(char *), GFP_KERNEL);
	int nfiles = 0, ndirs = 0;
	if (!files)
		return 1;
	for (int i = 0; i < npaths; i++) {
		struct inode *n;
		int err = fs_lookup(c->cwd, paths[i], 0, &n);
		if (err) {
			sh_eprintf(c, "ls: %s: %s\n", paths[i], kuser_strerror(-err));
			status = 1;
			continue;
		}
		if (!S_ISDIR(n->mode) || o.dir) {
			if (o.longfmt)
				ls_long(c, n, paths[i]);
			else
				files[nfiles++] = paths[i];
		} else {
			ndirs++;
		}
	}
	if (nfiles)
		ls_columns(c, files, nfiles, o.one);
	kfree(files);
	bool headers = npaths > 1;
	int shown = nfiles;
	for (int i = 0; i < npaths && !o.dir; i++) {
		struct inode *n;
		if (fs_lookup(c->cwd, paths[i], 0, &n) || !S_ISDIR(n->mode))
			continue;
		if (headers)
			sh_printf(c, "%s%s:\n", shown++ ? "\n" : "", paths[i]);
		ls_dir(c, n, &o);
	}
	return status;
}

static int cmd_clear(struct sh_ctx *c, int argc, char **argv)
{
	sh_printf(c, "\033[H\033[J");
	return 0;
}

static int cmd_exit(struct sh_ctx *c, int argc, char **argv)
{
	sh_eprintf(c, "sh: exit: this shell is init and cannot exit (use poweroff or reboot)\n");
	return 1;
}

/* ---- mkdir / rm / touch ---- */

static int cmd_mkdir(struct sh_ctx *c, int argc, char **argv)
{
	bool parents = false;
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p")) {
			parents = true;
			continue;
		}
		int err = parents ? fs_mkdir_p(c->cwd, argv[i], 0755, NULL) : fs_mkdir(c->cwd, argv[i], 0755, NULL);
		if (err) {
			sh_eprintf(c, "mkdir: can't create directory '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_rm(struct sh_ctx *c, int argc, char **argv)
{
	bool force = false, dirs = false;
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			force |= strchr(argv[i], 'f') != NULL;
			dirs |= strchr(argv[i], 'r') != NULL || strchr(argv[i], 'd') != NULL;
			continue;
		}
		int err = fs_unlink(c->cwd, argv[i], dirs);
		if (err && !(force && err == -ENOENT)) {
			if (err == -EISDIR)
				sh_eprintf(c, "rm: '%s' is a directory\n", argv[i]);
			else
				sh_eprintf(c, "rm: can't remove '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_touch(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct inode *n;
		if (!fs_lookup(c->cwd, argv[i], 0, &n))
			continue;
		int err = fs_create(c->cwd, argv[i], 0644, NULL);
		if (err) {
			sh_eprintf(c, "touch: %s: %s\n", argv[i], kuser_strerror(-err));
			status = 1;
		}
	}
	return status;
}

static int cmd_true(struct sh_ctx *c, int argc, char **argv)
{
	return 0;
}

static int cmd_false(struct sh_ctx *c, int argc, char **argv)
{
	return 1;
}

const struct sh_command sh_fs_commands[] = {
	{ "cd", cmd_cd, CMD_BUILTIN, "cd [DIR]           change directory (default " SHELL_HOME ")" },
	{ "pwd", cmd_pwd, CMD_BUILTIN, "pwd                print the working directory" },
	{ "ls", cmd_ls, 0, "ls [-1adl] [FILE]  list files" },
	{ "mkdir", cmd_mkdir, 0, "mkdir [-p] DIR     make a directory" },
	{ "rm", cmd_rm, 0, "rm [-rf] FILE      remove files" },
	{ "touch", cmd_touch, 0, "touch FILE         create empty files" },
	{ "clear", cmd_clear, CMD_BUILTIN, "clear              clear the screen" },
	{ "exit", cmd_exit, CMD_BUILTIN, NULL },
	{ "true", cmd_true, CMD_BUILTIN, NULL },
	{ "false", cmd_false, CMD_BUILTIN, NULL },
	{ NULL, NULL, 0, NULL }
};
