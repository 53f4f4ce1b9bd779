/* test_kuser.c - host unit tests for the kuser code: cpio unpacking, path lookup, globs, the shell
 * parser and commands, sysctl handlers (Linux 5.4 semantics), the line editor. Expected values come
 * from Linux/busybox/GNU behaviour (see docs/shell.md), not from running this code. */
#include "hostshim.h"
#include "fs.h"
#include "proc.h"
#include "sysctl.h"
#include "taint.h"
#include "shell.h"
#include "../tty_int.h"
#include <stdio.h>
#include <stdlib.h>

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *_g = (got), *_w = (want); checks++; \
	if (strcmp(_g ? _g : "(null)", _w)) { failures++; \
	fprintf(stderr, "%s:%d: got  \"%s\"\n%*swant \"%s\"\n", __FILE__, __LINE__, _g ? _g : "(null)", \
		(int)strlen(__FILE__) + 6, "", _w); } } while (0)

/* ---- cpio writer for the tests ---- */
static struct kbuf_host cpio;
static void put(const void *p, size_t n)
{
	if (cpio.len + n > cpio.cap) {
		cpio.cap = (cpio.len + n) * 2 + 256;
		cpio.data = realloc(cpio.data, cpio.cap);
	}
	memcpy(cpio.data + cpio.len, p, n);
	cpio.len += n;
}
static void pad4(void)
{
	while (cpio.len % 4)
		put("", 1);
}
static void entry(const char *name, unsigned int mode, const char *data, size_t size)
{
	char h[111];
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 1, mode, 0, 0, 1, 86400 * 365, (unsigned int)size, 0, 0, 0, 0, (unsigned int)strlen(name) + 1, 0);
	put(h, 110);
	put(name, strlen(name) + 1);
	pad4();
	put(data, size);
	pad4();
}

static const char *run(const char *line)
{
	console_out.len = 0;
	if (console_out.data)
		console_out.data[0] = 0;
	shell_run_line(line);
	return console_out.data ? console_out.data : "";
}

static void test_cpio_and_lookup(void)
{
	entry(".", S_IFDIR | 0755, "", 0);
	entry("root", S_IFDIR | 0700, "", 0);
	entry("root/softLockup.ko", S_IFREG | 0644, "\177ELFsoft", 8);
	entry("root/hardLockup.ko", S_IFREG | 0644, "\177ELFhard", 8);
	entry("root/bad.ko", S_IFREG | 0644, "garbage", 7);
	entry("./lib/modules/extra/mine.ko", S_IFREG | 0644, "\177ELFmine", 8);  /* parents implied */
	entry("root/link.ko", S_IFLNK | 0777, "softLockup.ko", 13);
	entry("loop", S_IFLNK | 0777, "loop", 4);
	entry("TRAILER!!!", 0, "", 0);
	put("\0\0\0\0", 4);                            /* padding, then a second archive */
	entry("etc/motd", S_IFREG | 0644, "hello\n", 6);
	entry("TRAILER!!!", 0, "", 0);
	CHECK(initramfs_unpack(cpio.data, cpio.len) == 9);      /* entries, "." included */

	struct inode *n, *root;
	CHECK(fs_lookup(NULL, "/root", 0, &root) == 0 && S_ISDIR(root->mode));
	CHECK((root->mode & 0777) == 0700);
	CHECK(fs_lookup(root, "softLockup.ko", 0, &n) == 0 && n->size == 8 && !memcmp(n->data, "\177ELFsoft", 8));
	CHECK(n->mtime == 86400 * 365);
	CHECK(fs_lookup(root, "./../root/./hardLockup.ko", 0, &n) == 0 && !memcmp(n->data, "\177ELFhard", 8));
	CHECK(fs_lookup(NULL, "/../../root//hardLockup.ko", 0, &n) == 0);
	CHECK(fs_lookup(root, "link.ko", 0, &n) == 0 && !memcmp(n->data, "\177ELFsoft", 8));
	CHECK(fs_lookup(root, "link.ko", FS_NOFOLLOW, &n) == 0 && S_ISLNK(n->mode));
	CHECK(fs_lookup(NULL, "/loop", 0, &n) == -ELOOP);
	CHECK(fs_lookup(root, "nosuch", 0, &n) == -ENOENT);
	CHECK(fs_lookup(root, "softLockup.ko/", 0, &n) == -ENOTDIR);
	CHECK(fs_lookup(root, "softLockup.ko/x", 0, &n) == -ENOTDIR);
	CHECK(fs_lookup(NULL, "/lib/modules/extra/mine.ko", 0, &n) == 0);
	CHECK(fs_lookup(NULL, "", 0, &n) == -ENOENT);

	char path[256];
	CHECK(fs_path(n, path, sizeof(path)) == 0);
	CHECK_STR(path, "/lib/modules/extra/mine.ko");
	CHECK(fs_path(fs_root(), path, sizeof(path)) == 0);
	CHECK_STR(path, "/");

	void *data;
	unsigned long len;
	CHECK(vfs_read_all("/etc/motd", &data, &len) == 0 && len == 6 && !strcmp(data, "hello\n"));
	free(data);
	CHECK(vfs_read_all("/etc", &data, &len) == -EISDIR);

	/* malformed archives are refused */
	CHECK(initramfs_unpack("070701zz", 8) == -EINVAL);
	CHECK(initramfs_unpack(cpio.data, 50) == -EINVAL);
	char bad[200];
	memcpy(bad, cpio.data, 200);
	memcpy(bad, "123456", 6);
	CHECK(initramfs_unpack(bad, 200) == -EINVAL);
	/* a file size running past the end */
	struct kbuf_host save = cpio;
	cpio = (struct kbuf_host){ 0 };
	entry("x", S_IFREG | 0644, "abcdefgh", 8);
	CHECK(initramfs_unpack(cpio.data, cpio.len - 6) == -EINVAL);
	free(cpio.data);
	cpio = save;
}

static void test_glob_and_parse(void)
{
	CHECK(glob_match("soft*", "soft_watchdog"));
	CHECK(glob_match("soft*", "soft"));
	CHECK(!glob_match("soft*", "hardlockup_panic"));
	CHECK(glob_match("*lockup*", "softlockup_panic"));
	CHECK(glob_match("?ard*", "hardLockup.ko"));
	CHECK(glob_match("[hs]*.ko", "softLockup.ko"));
	CHECK(!glob_match("[!hs]*.ko", "softLockup.ko"));
	CHECK(glob_match("[a-z]oo", "foo"));
	CHECK(!glob_match("*", ".hidden"));
	CHECK(glob_match(".*", ".hidden"));
	CHECK(glob_match("a\\*b", "a*b"));
	CHECK(!glob_match("a\\*b", "axb"));

	struct sh_line l;
	char err[96];
	CHECK(sh_parse("insmod softLockup.ko &", &l, err, sizeof(err)) == 0);
	CHECK(l.ncmds == 1 && l.cmds[0].nwords == 2 && l.cmds[0].sep == SEP_BG);
	CHECK_STR(l.cmds[0].words[1].text, "softLockup.ko");
	sh_line_free(&l);

	CHECK(sh_parse("echo 'a  b' \"c\\\"d\" e\\ f >>out; grep . soft* | x", &l, err, sizeof(err)) == 0);
	CHECK(l.ncmds == 3);
	CHECK(l.cmds[0].nwords == 4);
	CHECK_STR(l.cmds[0].words[1].text, "a  b");
	CHECK_STR(l.cmds[0].words[2].text, "c\"d");
	CHECK_STR(l.cmds[0].words[3].text, "e f");
	CHECK_STR(l.cmds[0].redir_out, "out");
	CHECK(l.cmds[0].append && l.cmds[0].sep == SEP_SEMI);
	CHECK(l.cmds[1].words[2].glob && l.cmds[1].sep == SEP_PIPE);
	sh_line_free(&l);

	CHECK(sh_parse("echo '*' \\* \"*\"", &l, err, sizeof(err)) == 0);
	CHECK(!l.cmds[0].words[1].glob && !l.cmds[0].words[2].glob && !l.cmds[0].words[3].glob);
	sh_line_free(&l);

	CHECK(sh_parse("echo x>f # comment", &l, err, sizeof(err)) == 0);
	CHECK(l.cmds[0].nwords == 2 && !strcmp(l.cmds[0].redir_out, "f"));
	sh_line_free(&l);

	CHECK(sh_parse("   ", &l, err, sizeof(err)) == 0 && l.ncmds == 0);
	CHECK(sh_parse("echo 'abc", &l, err, sizeof(err)) == -1);
	CHECK_STR(err, "syntax error: unterminated quoted string");
	CHECK(sh_parse("& ls", &l, err, sizeof(err)) == -1);
	CHECK_STR(err, "syntax error: unexpected \"&\"");
	CHECK(sh_parse("echo >", &l, err, sizeof(err)) == -1);
	CHECK_STR(err, "syntax error: unexpected newline");
	CHECK(sh_parse("ls |", &l, err, sizeof(err)) == -1);
	CHECK(sh_parse("ls && ls || ls", &l, err, sizeof(err)) == 0 && l.ncmds == 3);
	sh_line_free(&l);
}

/* the watchdog's table, as watchdog/ will register it */
static int soft_watchdog = 1, softlockup_all_cpu_backtrace, softlockup_panic = 1, watchdog_thresh = 10;
static int sixty = 60;
static unsigned long cpumask_bits_[1] = { 0xf };
static unsigned long *cpumask_ptr = cpumask_bits_;
static struct ctl_table wd_table[] = {
	{ .procname = "soft_watchdog", .data = &soft_watchdog, .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "softlockup_all_cpu_backtrace", .data = &softlockup_all_cpu_backtrace,
	  .maxlen = sizeof(int), .mode = 0644, .proc_handler = proc_dointvec_minmax,
	  .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "softlockup_panic", .data = &softlockup_panic, .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "watchdog_thresh", .data = &watchdog_thresh, .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = &sixty },
	{ .procname = "watchdog_cpumask", .data = &cpumask_ptr, .maxlen = 4, .mode = 0644,
	  .proc_handler = proc_do_large_bitmap },
	{ }
};

static int wr(const char *name, const char *text)
{
	return sysctl_write(sysctl_find(name), text, strlen(text));
}

static const char *rd(const char *name)
{
	static char buf[256];
	int n = sysctl_read(sysctl_find(name), buf, sizeof(buf) - 1);
	if (n < 0)
		return "ERR";
	buf[n] = 0;
	return buf;
}

static void test_sysctl(void)
{
	CHECK(panic_timeout == 7);          /* sysctl.kernel.panic=7 on the command line */
	CHECK(register_sysctl("kernel", wd_table) != NULL);   /* after proc_init: files appear at once */
	CHECK(softlockup_all_cpu_backtrace == 1);             /* sysctl.kernel.... applied on registration */
	softlockup_all_cpu_backtrace = 0;
	CHECK_STR(rd("kernel.watchdog_thresh"), "10\n");
	CHECK(wr("kernel.watchdog_thresh", "5\n") == 0 && watchdog_thresh == 5);
	CHECK(wr("kernel.watchdog_thresh", "  7 \n") == 0 && watchdog_thresh == 7);
	CHECK(wr("kernel.watchdog_thresh", "61") == -EINVAL && watchdog_thresh == 7);
	CHECK(wr("kernel.watchdog_thresh", "-1\n") == -EINVAL && watchdog_thresh == 7);
	CHECK(wr("kernel.watchdog_thresh", "abc\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_thresh", "1abc\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_thresh", "\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_thresh", "") == 0 && watchdog_thresh == 7);   /* write(fd, "", 0) */
	CHECK(wr("kernel.watchdog_thresh", "99999999999999999999999\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_thresh", "0x10\n") == 0 && watchdog_thresh == 16);
	CHECK(wr("kernel.watchdog_thresh", "010\n") == 0 && watchdog_thresh == 8);   /* octal, as Linux */
	CHECK(wr("kernel.watchdog_thresh", "08\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_thresh", "3 4\n") == 0 && watchdog_thresh == 3);  /* extra ignored */
	CHECK(wr("kernel.watchdog_thresh", "0") == 0 && watchdog_thresh == 0);
	CHECK(wr("kernel.watchdog_thresh", "60") == 0 && watchdog_thresh == 60);
	CHECK_STR(rd("kernel.watchdog_thresh"), "60\n");
	watchdog_thresh = 10;

	/* plain proc_dointvec: negative numbers and INT_MIN, overflow refused */
	CHECK(wr("kernel.panic", "-1\n") == 0 && panic_timeout == -1);
	CHECK_STR(rd("kernel.panic"), "-1\n");
	CHECK(wr("kernel.panic", "-2147483648") == 0 && panic_timeout == -2147483647 - 1);
	CHECK(wr("kernel.panic", "2147483648") == -EINVAL);
	CHECK(wr("kernel.panic", "-") == -EINVAL);
	panic_timeout = 0;

	/* cpulist bitmap */
	CHECK_STR(rd("kernel.watchdog_cpumask"), "0-3\n");
	CHECK(wr("kernel.watchdog_cpumask", "0,2-3\n") == 0 && cpumask_bits_[0] == 0xd);
	CHECK_STR(rd("kernel.watchdog_cpumask"), "0,2-3\n");
	CHECK(wr("kernel.watchdog_cpumask", "1\n") == 0 && cpumask_bits_[0] == 0x2);
	CHECK(wr("kernel.watchdog_cpumask", "4\n") == -EINVAL && cpumask_bits_[0] == 0x2);
	CHECK(wr("kernel.watchdog_cpumask", "3-1\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_cpumask", "x\n") == -EINVAL);
	CHECK(wr("kernel.watchdog_cpumask", "\n") == 0 && cpumask_bits_[0] == 0);
	CHECK_STR(rd("kernel.watchdog_cpumask"), "\n");
	CHECK(wr("kernel.watchdog_cpumask", "0-3") == 0 && cpumask_bits_[0] == 0xf);

	/* strings, read-only entries, taint */
	CHECK_STR(rd("kernel.ostype"), UTS_SYSNAME "\n");
	CHECK(wr("kernel.ostype", "x") == -EACCES);
	CHECK(wr("kernel.hostname", "guest\nmore") == 0);
	CHECK_STR(rd("kernel.hostname"), "guest\n");
	CHECK(wr("kernel.tainted", "4096\n") == 0 && tainted_mask == 4096);
	CHECK(wr("kernel.tainted", "1\n") == 0 && tainted_mask == 4097);   /* bits only added */
	CHECK_STR(rd("kernel.tainted"), "4097\n");
	tainted_mask = 0;
	CHECK(sysctl_find("kernel/soft_watchdog") == &wd_table[0]);
	CHECK(sysctl_find("kernel.nosuch") == NULL);
}

static void test_shell(void)
{
	/* the first seed */
	CHECK_STR(run("cd /proc/sys/kernel/"), "");
	CHECK_STR(run("grep . soft*"), "soft_watchdog:1\nsoftlockup_all_cpu_backtrace:0\nsoftlockup_panic:1\n");
	CHECK_STR(run("grep . watchdog_thresh"), "10\n");
	CHECK_STR(run("grep -c . soft*"), "soft_watchdog:1\nsoftlockup_all_cpu_backtrace:1\nsoftlockup_panic:1\n");
	CHECK_STR(run("grep -h 1 soft* nosuch"), "1\n1\ngrep: nosuch: No such file or directory\n");
	CHECK_STR(run("grep . hard*"), "grep: hard*: No such file or directory\n");
	CHECK_STR(run("echo 1 > hardlockup_panic"), "sh: can't create hardlockup_panic: Permission denied\n");
	CHECK_STR(run("echo 70 > watchdog_thresh"), "sh: write error: Invalid argument\n");
	CHECK(watchdog_thresh == 10);
	CHECK_STR(run("echo 20 > /proc/sys/kernel/watchdog_thresh; cat watchdog_thresh"), "20\n");
	CHECK_STR(run("echo 0,2 > watchdog_cpumask && cat watchdog_cpumask"), "0,2\n");
	CHECK_STR(run("echo > watchdog_thresh"), "sh: write error: Invalid argument\n");
	CHECK_STR(run("echo 1 > ostype"), "sh: can't create ostype: Permission denied\n");
	CHECK_STR(run("cat /proc/sys/kernel/panic"), "0\n");
	CHECK_STR(run("sysctl kernel.watchdog_thresh"), "kernel.watchdog_thresh = 20\n");
	CHECK_STR(run("sysctl -w kernel.watchdog_thresh=5"), "kernel.watchdog_thresh = 5\n");
	CHECK(watchdog_thresh == 5);
	CHECK_STR(run("sysctl -w kernel.watchdog_thresh=99"),
		  "sysctl: setting key \"kernel.watchdog_thresh\": Invalid argument\n");
	CHECK_STR(run("sysctl -n kernel/soft_watchdog"), "1\n");
	CHECK_STR(run("sysctl kernel.nosuch"), "sysctl: cannot stat /proc/sys/kernel/nosuch: No such file or directory\n");
	CHECK_STR(run("sysctl -a"), "kernel.hostname = guest\nkernel.osrelease = " UTS_RELEASE "\n"
		  "kernel.ostype = " UTS_SYSNAME "\nkernel.panic = 0\nkernel.panic_on_oops = 0\n"
		  "kernel.printk = 7\t4\t1\t7\nkernel.soft_watchdog = 1\n"
		  "kernel.softlockup_all_cpu_backtrace = 0\nkernel.softlockup_panic = 1\nkernel.tainted = 0\n"
		  "kernel.version = " UTS_VERSION "\nkernel.watchdog_cpumask = 0,2\nkernel.watchdog_thresh = 5\n");
	CHECK(strstr(run("sysctl kernel"), "kernel.panic = 0\n") != NULL);
	CHECK_STR(run("ls -1 /proc"), "cmdline\ninterrupts\nmeminfo\nmodules\nsys\nuptime\nversion\n");
	CHECK_STR(run("cat /proc/uptime"), "3723.50 4.00\n");
	CHECK_STR(run("cat /proc/version"), "emu-kernel version 0.1.0-emu (host test) #1 SMP\n");
	CHECK_STR(run("cat /proc/cmdline"), "console=ttyS0 sysctl.kernel.panic=7 sysctl.kernel.nosuch=1 sysctl.kernel.softlockup_all_cpu_backtrace=1\n");

	/* the seed verbatim: insmod finds the module from /proc/sys/kernel too */
	CHECK_STR(run("insmod softLockup.ko x=1"), "");
	CHECK(host_mod_loaded && !strcmp(host_last_params, "x=1"));
	CHECK_STR(run("rmmod softLockup"), "");

	/* modules from the start directory */
	CHECK_STR(run("cd"), "");
	CHECK_STR(run("pwd"), "/root\n");
	CHECK_STR(run("ls"), "bad.ko         hardLockup.ko  link.ko        softLockup.ko\n");
	CHECK_STR(run("ls *Lockup.ko"), "hardLockup.ko  softLockup.ko\n");
	CHECK_STR(run("insmod softLockup.ko a=1 b=x"), "");
	CHECK_STR(host_last_params, "a=1 b=x");
	CHECK(host_mod_loaded);
	CHECK_STR(run("lsmod"), "Module                  Size  Used by\nsoftLockup             16384  0\n");
	CHECK_STR(run("cat /proc/modules"), "softLockup 16384 0 - Live 0xffffffffc0315000\n");
	CHECK_STR(run("rmmod softLockup.ko"), "");
	CHECK(!host_mod_loaded);
	CHECK_STR(run("rmmod softLockup"), "rmmod: ERROR: Module softLockup is not currently loaded\n");
	CHECK_STR(run("insmod bad.ko"), "insmod: ERROR: could not insert module bad.ko: Invalid module format\n");
	CHECK_STR(run("insmod nosuch.ko"),
		  "insmod: ERROR: could not load module nosuch.ko: No such file or directory\n");
	CHECK_STR(run("insmod"), "insmod: ERROR: missing filename.\n");
	CHECK_STR(run("modinfo softLockup"), "filename:       /root/softLockup.ko\nlicense:        GPL\n");
	CHECK_STR(run("modinfo nosuch"), "modinfo: ERROR: Module nosuch not found.\n");
	int bg = host_bg_started;
	CHECK_STR(run("insmod softLockup.ko &"), "");
	CHECK(host_bg_started == bg + 1 && host_mod_loaded);
	CHECK_STR(run("cd /proc & pwd"), "/root\n");
	CHECK_STR(run("taskset -c 1,3 rmmod softLockup"), "");
	CHECK(host_last_cpus == 0xa && !host_mod_loaded);
	CHECK_STR(run("taskset -c 9 ls"), "taskset: failed to set pid 0's affinity: Invalid argument\n");
	CHECK_STR(run("taskset 2 nosuchcmd"), "sh: nosuchcmd: not found\n");

	/* files, redirection, pipes, errors */
	CHECK_STR(run("foo"), "sh: foo: not found\n");
	CHECK_STR(run("echo a > f; echo  b   c >> f; cat f"), "a\nb c\n");
	CHECK_STR(run("echo -n x > f; cat f f"), "xx");
	CHECK_STR(run("echo 'soft*' \"$x\" a\\ b"), "soft* $x a b\n");
	CHECK_STR(run("echo -e 'a\\tb'"), "a\tb\n");
	CHECK_STR(run("cat f | grep -c x"), "1\n");
	CHECK_STR(run("dmesg | grep Linux"), "[    0.000000] Linux version test\n");
	CHECK_STR(run("grep -n motd < /etc/motd; grep -v zz /etc/motd"), "hello\n");
	CHECK_STR(run("grep hel /etc/motd && echo yes || echo no"), "hello\nyes\n");
	CHECK_STR(run("grep zzz /etc/motd && echo yes || echo no"), "no\n");
	CHECK_STR(run("grep '^h.*o$' /etc/motd"), "hello\n");
	CHECK_STR(run("grep -i HELLO /etc/motd"), "hello\n");
	CHECK_STR(run("grep '[a-g]l' /etc/motd"), "hello\n");
	struct inode *bin;
	CHECK(fs_create(NULL, "/bin.dat", 0644, &bin) == 0 && fs_write(bin, "ab\0cd\nELF x\n", 13, false) == 13);
	CHECK_STR(run("grep ELF /bin.dat; grep -c ELF /bin.dat; grep zz /bin.dat"), "Binary file /bin.dat matches\n1\n");
	CHECK_STR(run("echo x > /nodir/f"), "sh: can't create /nodir/f: nonexistent directory\n");
	CHECK_STR(run("cat nosuch"), "cat: can't open 'nosuch': No such file or directory\n");
	CHECK_STR(run("cat /etc"), "cat: read error: Is a directory\n");
	CHECK_STR(run("cd nosuch"), "sh: cd: can't cd to nosuch: No such file or directory\n");
	CHECK_STR(run("cd f"), "sh: cd: can't cd to f: Not a directory\n");
	CHECK_STR(run("ls nosuch"), "ls: nosuch: No such file or directory\n");
	CHECK_STR(run("echo 'x"), "sh: syntax error: unterminated quoted string\n");
	CHECK_STR(run("mkdir -p a/b && touch a/b/c && ls a/b && rm a/b/c && ls a/b"), "c\n");
	CHECK_STR(run("rm nosuch"), "rm: can't remove 'nosuch': No such file or directory\n");
	CHECK_STR(run("ls -l /etc"), "total 0\n-rw-r--r--    1 root     root             6 Jan  1 00:00 motd\n");
	CHECK_STR(run("uptime"), " 01:02:03 up  1:02,  load average: 0.00, 0.00, 0.00\n");
	CHECK_STR(run("ps"), "  PID USER       VSZ STAT COMMAND\n    1 root         0 S    init\n"
		  "    2 root         0 SW   [migration/0]\n   12 root         0 R    insmod\n");
	CHECK_STR(run("cat nosuch 2>/dev/null; echo $?"), "1\n");
	CHECK_STR(run("cat nosuch 2>err; cat err"), "cat: can't open 'nosuch': No such file or directory\n");
	CHECK_STR(run("cat nosuch /etc/motd 2>&1 | grep -c ."), "2\n");
	CHECK_STR(run("cat nosuch /etc/motd >out 2>&1; wc -l out"), "      2 out\n");
	CHECK_STR(run("echo to-stderr >&2 2>/dev/null; echo x 1>/dev/null; cat /dev/null"), "");
	CHECK_STR(run("nosuchcmd 2>/dev/null"), "");
	CHECK_STR(run("echo 2>x; cat x; echo a 2 > y; cat y"), "\na 2\n");
	CHECK_STR(run("kill 12"), "");
	CHECK(host_killed_pid == 12);
	CHECK_STR(run("kill -9 2 77 x"), "kill: can't kill pid 2: Operation not permitted\n"
		  "kill: can't kill pid 77: No such process\nkill: bad pid 'x'\n");
	CHECK_STR(run("sleep 1.5"), "");
	CHECK(host_slept_ms == 1500);
	CHECK_STR(run("sleep x"), "sleep: invalid number 'x'\n");
	CHECK_STR(run("uname -r"), UTS_RELEASE "\n");
	CHECK_STR(run("false; echo $? \"$?\" '$?'; true; echo $?"), "1 1 $?\n0\n");
	CHECK_STR(run("nosuch; echo x$?y"), "sh: nosuch: not found\nx127y\n");
	CHECK_STR(run("echo 1 > n; echo 2 >> n; echo 3 >> n; head -n 2 n; tail -1 n; tail -n 5 n"), "1\n2\n3\n1\n2\n3\n");
	CHECK_STR(run("head -n 0 n; tail -n 0 n; head nosuch"), "head: nosuch: No such file or directory\n");
	CHECK_STR(run("cat n | tail -n 2"), "2\n3\n");
	CHECK_STR(run("wc -l n; cat n | wc; wc -c /etc/motd"), "      3 n\n      3       3       6\n      6 /etc/motd\n");
	CHECK_STR(run("head -2 n n"), "==> n <==\n1\n2\n\n==> n <==\n1\n2\n");
	CHECK_STR(run("dmesg -n 1"), "");
	CHECK(console_loglevel == 1);
	CHECK_STR(run("cat /proc/sys/kernel/printk"), "1\t4\t1\t7\n");
	CHECK_STR(run("echo 7 > /proc/sys/kernel/printk"), "");
	CHECK(console_loglevel == 7);
}

static const char *feed(struct tty_ed *ed, const char *in, size_t n, int *result)
{
	static struct kbuf echo;
	echo.len = 0;
	kbuf_put(&echo, "", 0);
	*result = TTY_MORE;
	for (size_t i = 0; i < n && *result == TTY_MORE; i++)
		*result = tty_feed(ed, (unsigned char)in[i], &echo);
	return echo.data;
}

static void test_tty(void)
{
	struct tty_ed ed = { 0 };
	int r;
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "ab\x7f" "c\r", 5, &r), "ab\b \bc\n");
	CHECK(r == TTY_LINE);
	CHECK_STR(ed.line.data, "ac");
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "\nls\n", 4, &r), "ls\n");           /* LF of the CRLF above: no empty line */
	CHECK_STR(ed.line.data, "ls");
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "\n", 1, &r), "\n");                 /* a lone LF is an (empty) line */
	CHECK(r == TTY_LINE && ed.line.len == 0);
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "abc\x03", 4, &r), "abc^C\n");
	CHECK(r == TTY_CANCEL && ed.line.len == 0);
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "abc\x15x\x08\x08y\r", 9, &r), "abc\b \b\b \b\b \bx\b \by\n");
	CHECK_STR(ed.line.data, "y");
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "ls\x1bOP\x1b[1;5Cx\tz\x01\r", 16, &r), "lsx z\n");
	CHECK_STR(ed.line.data, "lsx z");
	tty_ed_init(&ed);
	CHECK_STR(feed(&ed, "echo a b\x17\x17" "c\r", 12, &r), "echo a b\b \b\b \b\b \bc\n");
	CHECK_STR(ed.line.data, "echo c");

	/* history: Up/Down arrows recall earlier lines */
	struct tty_ed h = { 0 };
	tty_ed_init(&h);
	feed(&h, "ls\r", 3, &r);
	tty_ed_init(&h);
	feed(&h, "pwd\r", 4, &r);
	tty_ed_init(&h);
	feed(&h, "pwd\r", 4, &r);                            /* duplicates are kept once */
	tty_ed_init(&h);
	CHECK_STR(feed(&h, "\x1b[A", 3, &r), "pwd");
	CHECK_STR(feed(&h, "\x1b[A", 3, &r), "\b \b\b \b\b \bls");
	CHECK_STR(feed(&h, "\x1b[A", 3, &r), "");               /* oldest: stays */
	CHECK_STR(feed(&h, "\x1b[B\x1b[B", 6, &r), "\b \b\b \bpwd\b \b\b \b\b \b");
	CHECK_STR(feed(&h, "\x1b[Ax\r", 5, &r), "pwdx\n");
	CHECK_STR(h.line.data, "pwdx");
	CHECK(h.nhist == 3);

	/* Tab completion through the shell's completer (cwd /root) */
	struct tty_ed t = { 0 };
	tty_ed_init(&t);
	t.complete = sh_complete;
	t.prompt = "~ # ";
	CHECK_STR(feed(&t, "ins\t", 4, &r), "insmod ");
	CHECK_STR(feed(&t, "so\t", 3, &r), "softLockup.ko ");
	CHECK_STR(t.line.data, "insmod softLockup.ko ");
	tty_ed_init(&t);
	CHECK_STR(feed(&t, "cat /proc/sys/kernel/soft\t", 26, &r), "cat /proc/sys/kernel/soft"
		  "\nsoft_watchdog  softlockup_all_cpu_backtrace  softlockup_panic\n~ # cat /proc/sys/kernel/soft");
	CHECK_STR(feed(&t, "l\t", 2, &r), "lockup_");
	tty_ed_init(&t);
	CHECK_STR(feed(&t, "cd /pr\t", 7, &r), "cd /proc/");
	CHECK_STR(feed(&t, "sy\tke\t", 6, &r), "sys/kernel/");
	tty_ed_init(&t);
	CHECK_STR(feed(&t, "ls ; rmm\t", 9, &r), "ls ; rmmod ");
	tty_ed_init(&t);
	CHECK_STR(feed(&t, "cat zz\t/nosuch/x\t", 18, &r), "cat zz/nosuch/x");
	tty_ed_init(&t);
	CHECK_STR(feed(&t, "ls -l\tx", 7, &r), "ls -lx");
	tty_ed_init(&t);

	/* a 64 KiB paste: every byte arrives, line by line */
	size_t n = 65536;
	char *paste = malloc(n);
	for (size_t i = 0; i < n; i++)
		paste[i] = (i % 100 == 99) ? '\n' : 'a' + i % 26;
	size_t pos = 0, lines = 0, total = 0;
	struct kbuf echo = { 0 };
	tty_ed_init(&ed);
	while (pos < n) {
		r = tty_feed(&ed, paste[pos++], &echo);
		if (r == TTY_LINE) {
			lines++;
			total += ed.line.len + 1;
			CHECK(ed.line.len == 99);
			tty_ed_init(&ed);
		}
	}
	total += ed.line.len;
	CHECK(lines == n / 100 && total == n && echo.len == n);
	/* one 64 KiB line */
	tty_ed_init(&ed);
	for (size_t i = 0; i < n; i++)
		paste[i] = 'x';
	for (pos = 0; pos < n; pos++)
		tty_feed(&ed, paste[pos], &echo);
	CHECK(tty_feed(&ed, '\r', &echo) == TTY_LINE && ed.line.len == n);
	free(paste);
	kbuf_free(&echo);
}

/* Robustness: random input never crashes (ASan/UBSan watch) and errors stay errors. */
static unsigned long rng = 12345;
static unsigned int rnd(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return rng >> 33;
}

static void test_fuzz(void)
{
	char buf[512];
	/* cpio: mutate a valid archive */
	for (int i = 0; i < 300; i++) {
		size_t n = cpio.len < sizeof(buf) ? cpio.len : sizeof(buf);
		memcpy(buf, cpio.data, n);
		for (int k = 0; k < 4; k++)
			buf[rnd() % n] = rnd();
		int r = initramfs_unpack(buf, rnd() % (n + 1));
		CHECK(r >= 0 || r == -EINVAL || r == -ENOTDIR || r == -EEXIST || r == -ENAMETOOLONG);
	}
	/* shell lines and sysctl writes from a small alphabet */
	static const char alpha[] = "ab.*?[]!-'\"\\ ;&|<>#$x019\n\t/";
	struct sh_line l;
	char err[96];
	for (int i = 0; i < 3000; i++) {
		size_t n = rnd() % 40;
		for (size_t k = 0; k < n; k++)
			buf[k] = alpha[rnd() % (sizeof(alpha) - 1)];
		buf[n] = 0;
		if (sh_parse(buf, &l, err, sizeof(err)) == 0) {
			for (int c = 0; c < l.ncmds; c++) {
				struct sh_argv a;
				if (sh_expand(NULL, &l.cmds[c], &a) == 0)
					sh_argv_free(&a);
			}
			sh_line_free(&l);
		}
		int before = watchdog_thresh;
		int r = wr("kernel.watchdog_thresh", buf);
		CHECK(r == 0 || (r == -EINVAL && watchdog_thresh == before));
		CHECK(watchdog_thresh >= 0 && watchdog_thresh <= 60);
		r = wr("kernel.watchdog_cpumask", buf);
		CHECK(r == 0 || r == -EINVAL);
		CHECK((cpumask_bits_[0] & ~0xfUL) == 0);
	}
	/* the line editor with any byte */
	struct tty_ed ed = { 0 };
	struct kbuf echo = { 0 };
	tty_ed_init(&ed);
	for (int i = 0; i < 100000; i++) {
		int r = tty_feed(&ed, rnd() & 0xff, &echo);
		if (r != TTY_MORE)
			tty_ed_init(&ed);
		if (echo.len > 4096)
			echo.len = 0;
		CHECK(ed.line.len == (ed.line.data ? strlen(ed.line.data) : 0) || memchr(ed.line.data, 0, ed.line.len));
	}
	kbuf_free(&echo);
	watchdog_thresh = 10;
	cpumask_bits_[0] = 0xf;
}

int main(void)
{
	test_cpio_and_lookup();
	test_glob_and_parse();
	proc_init();
	struct inode *home;
	fs_lookup(NULL, "/root", 0, &home);
	sh_cwd = home;
	test_sysctl();
	test_shell();
	test_tty();
	test_fuzz();
	printf("kuser host tests: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
