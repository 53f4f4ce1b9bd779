/* Host unit test of the module loader (kernel/module.c compiled with -DEMU_HOSTTEST).
 *
 *   test_module_host KODIR OOT_KO
 *
 * KODIR holds the bundled in-tree modules (softLockup.ko ... oops.ko), OOT_KO an out-of-tree module
 * built by scripts/emu-module-build without --intree. Checks:
 *  - every bundled module loads; relocated bytes equal what GNU ld produces when it links the same
 *    .ko at the addresses the loader chose (ld is the oracle, not the loader);
 *  - layout: init text at +0 of its own page-aligned area; [mod] symbolization "+off/size";
 *  - states/flags in print_modules, /proc/modules, lsmod while init runs and after; rmmod;
 *  - parameters (all types, quoting, unknown, invalid), modinfo text;
 *  - errors: every truncation, wrong class/machine/type, bad relocation type, relocation overflow,
 *    unknown symbol, vermagic mismatch, duplicate name, init failure; random corruption (run under
 *    ASan/UBSan by run.sh) never crashes and never leaves a module behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "module_hosttest.h"

/* ------------------------------------------------------------------------ test plumbing --- */

static int failures, checks;
#define CHECK(c, ...) do { checks++; if (!(c)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

static char logbuf[1 << 16];
static size_t loglen;

int printk(const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	const char *p = tmp;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (p[0] == '\001' && p[1])
		p += 2;
	n = strlen(p);
	if (loglen + n < sizeof(logbuf)) {
		memcpy(logbuf + loglen, p, n);
		loglen += n;
		logbuf[loglen] = 0;
	}
	return n;
}

static void log_clear(void) { loglen = 0; logbuf[0] = 0; }
static bool log_has(const char *s) { return strstr(logbuf, s) != NULL; }

void dump_stack(void) { printk("<dump_stack>\n"); }
void *kmalloc(size_t size, unsigned int flags) { (void)flags; return malloc(size ? size : 1); }
void *kzalloc(size_t size, unsigned int flags) { (void)flags; return calloc(1, size ? size : 1); }
void kfree(const void *p) { free((void *)p); }

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

static unsigned long taints;
void add_taint(unsigned int flag, int lockdep_ok) { (void)lockdep_ok; taints |= 1UL << flag; }
int test_taint(unsigned int flag) { return (taints >> flag) & 1; }

/* module area: a fixed mapping below 2 GiB so R_X86_64_32/32S relocations are representable on the
 * host; freed areas become PROT_NONE (use-after-free faults). One guard page after each area. */
#define AREA_BASE 0x40000000UL
#define AREA_SIZE 0x3ff00000UL          /* stays below 2 GiB */
static unsigned long area_next = AREA_BASE;
static int live_allocs;
static unsigned int alloc_pages[AREA_SIZE / 4096];

void *module_alloc(unsigned long size)
{
	unsigned long a = area_next, sz = (size + 4095) & ~4095UL;

	if (a + sz + 4096 > AREA_BASE + AREA_SIZE)
		return NULL;
	area_next += sz + 4096;
	if (mprotect((void *)a, sz, PROT_READ | PROT_WRITE))
		return NULL;
	live_allocs++;
	alloc_pages[(a - AREA_BASE) / 4096] = sz / 4096;
	return (void *)a;
}

void module_memfree(void *addr)
{
	unsigned long a = (unsigned long)addr, sz = (unsigned long)alloc_pages[(a - AREA_BASE) / 4096] * 4096;

	madvise(addr, sz, MADV_DONTNEED);
	mprotect(addr, sz, PROT_NONE);
	live_allocs--;
}

/* kernel export table used by the loader */
struct tsym { const char *name; unsigned long addr; };
static const char *sdk_syms[] = {
	"printk", "vprintk", "dump_stack", "snprintf", "vsnprintf", "scnprintf", "sprintf", "simple_strtoul",
	"simple_strtol", "kstrtoul", "kstrtol", "kstrtouint", "kstrtoint", "kstrtobool", "panic", "__warn",
	"preempt_count_add", "preempt_count_sub", "emu_preempt_count", "preempt_schedule",
	"_raw_spin_lock", "_raw_spin_trylock", "_raw_spin_unlock", "_raw_spin_lock_irq", "_raw_spin_unlock_irq",
	"_raw_spin_lock_irqsave", "_raw_spin_unlock_irqrestore", "ndelay", "udelay", "mdelay", "msleep",
	"msleep_interruptible", "ssleep", "usleep_range", "debug_smp_processor_id", "cpu_online",
	"num_online_cpus", "smp_call_function_single", "smp_call_function", "on_each_cpu",
	"touch_softlockup_watchdog", "touch_all_softlockup_watchdogs", "touch_nmi_watchdog", "emu_get_current",
	"emu_task_pid", "emu_task_comm", "emu_signal_pending", "schedule", "_cond_resched", "yield",
	"schedule_timeout", "schedule_timeout_interruptible", "schedule_timeout_uninterruptible",
	"wake_up_process", "kthread_create_on_cpu", "kthread_create", "kthread_stop", "kthread_should_stop",
	"kthread_bind", "jiffies", "ktime_get_ns", "local_clock", "kmalloc", "kzalloc", "kfree", "memcpy",
	"memmove", "memset", "memcmp", "strlen", "strcmp", "strncmp", "strcpy", "strlcpy", "strchr",
};
#define NSDK (sizeof(sdk_syms) / sizeof(sdk_syms[0]))
static unsigned long sym_base = 0x48000000UL;   /* kernel "text" for the test */
static const char *hidden_sym;                  /* pretend this one is not exported */

unsigned long find_exported_symbol(const char *name)
{
	unsigned int i;

	for (i = 0; i < NSDK; i++)
		if (!strcmp(sdk_syms[i], name))
			return hidden_sym && !strcmp(hidden_sym, name) ? 0 : sym_base + 0x40 * (i + 1);
	return 0;
}

/* init/exit interception */
static unsigned long init_sym_size, init_sym_off;
static char init_sym_name[64], init_sym_mod[64];
static int init_ret;
static int init_calls, exit_calls;
static unsigned long last_init_fn;
static char during_init_modules[512], during_init_proc[512];

static const char *compare_ko, *compare_tag;
static void check_against_ld(const char *ko, const char *tag);

int hosttest_initcall(int (*fn)(void))
{
	/* relocations are compared while the init area still exists (it is freed after init) */
	if (compare_ko)
		check_against_ld(compare_ko, compare_tag);
	init_calls++;
	last_init_fn = (unsigned long)fn;
	/* what the modules line and /proc/modules say while init runs */
	{
		size_t before = loglen;

		print_modules();
		snprintf(during_init_modules, sizeof(during_init_modules), "%.500s", logbuf + before);
		loglen = before;
		logbuf[loglen] = 0;
	}
	module_show_proc(during_init_proc, sizeof(during_init_proc));
	if (init_ret == 1000) {
		char *mn = NULL;
		const char *s = module_address_lookup((unsigned long)fn + 0x1e, &init_sym_size, &init_sym_off, &mn);

		snprintf(init_sym_name, sizeof(init_sym_name), "%s", s ? s : "");
		snprintf(init_sym_mod, sizeof(init_sym_mod), "%s", mn ? mn : "");
	}
	return init_ret;
}

void hosttest_exitcall(void (*fn)(void)) { (void)fn; exit_calls++; }

struct placed { char name[64]; unsigned long long addr, size; int nobits; };
static struct placed placed[64];
static int nplaced;

void hosttest_section_placed(const char *name, unsigned long long addr, unsigned long long size, int nobits)
{
	if (nplaced < 64) {
		snprintf(placed[nplaced].name, sizeof(placed[0].name), "%s", name);
		placed[nplaced].addr = addr;
		placed[nplaced].size = size;
		placed[nplaced].nobits = nobits;
		nplaced++;
	}
}

/* ---------------------------------------------------------------------------- helpers ------ */

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(n ? n : 1);
	if (fread(b, 1, n, f) != (size_t)n) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*len = n;
	return b;
}

static int load(const unsigned char *img, size_t len, const char *params, char *err)
{
	nplaced = 0;
	log_clear();
	return load_module(img, len, params, err);
}

static int count_modules_cb(struct module *m, void *arg) { (void)m; (*(int *)arg)++; return 0; }
static int nmodules(void) { int n = 0; for_each_module(count_modules_cb, &n); return n; }

/* ELF reading of ld's output for the oracle comparison */
typedef struct { unsigned char e_ident[16]; u16 e_type, e_machine; u32 e_version; u64 e_entry, e_phoff, e_shoff;
	u32 e_flags; u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx; } Ehdr;
typedef struct { u32 sh_name, sh_type; u64 sh_flags, sh_addr, sh_offset, sh_size; u32 sh_link, sh_info;
	u64 sh_addralign, sh_entsize; } Shdr;

/* Link the .ko with GNU ld at the addresses the loader chose and compare every loaded byte. */
static void check_against_ld(const char *ko, const char *tag)
{
	char script[] = "/tmp/kmodtest-XXXXXX", cmd[8192], out[600];
	int fd = mkstemp(script), i, compared = 0;
	FILE *f = fdopen(fd, "w");
	size_t len, l = 0;
	unsigned char *elf;
	Ehdr *h;
	Shdr *sh;

	fprintf(f, "SECTIONS {\n");
	for (i = 0; i < nplaced; i++)
		fprintf(f, "  %s 0x%llx : { *(%s) }\n", placed[i].name, placed[i].addr, placed[i].name);
	fprintf(f, "  /DISCARD/ : { *(.modinfo) *(.comment) *(.note.GNU-stack) *(.note.gnu.property) }\n}\n");
	fclose(f);
	snprintf(out, sizeof(out), "%s.elf", script);
	/* ld merges SHF_MERGE string sections (the loader copies them as they are): link a copy with the
	 * merge flag cleared so ld lays them out byte for byte too */
	{
		char demerged[700], oc[4096];
		size_t ol;

		snprintf(demerged, sizeof(demerged), "%s.o", script);
		ol = snprintf(oc, sizeof(oc), "objcopy");
		for (i = 0; i < nplaced; i++)
			if (!strncmp(placed[i].name, ".rodata.str", 11) || !strncmp(placed[i].name, ".rodata.cst", 11))
				ol += snprintf(oc + ol, sizeof(oc) - ol, " --set-section-flags %s=alloc,load,readonly,data,contents",
					       placed[i].name);
		snprintf(oc + ol, sizeof(oc) - ol, " %s %s", ko, demerged);
		CHECK(system(oc) == 0, "%s: objcopy failed", tag);
		ko = strdup(demerged);
	}
	l = snprintf(cmd, sizeof(cmd), "ld -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments -T %s -o %s",
		     script, out);
	for (i = 0; i < (int)NSDK; i++)
		l += snprintf(cmd + l, sizeof(cmd) - l, " --defsym=%s=0x%lx", sdk_syms[i], sym_base + 0x40 * (i + 1));
	snprintf(cmd + l, sizeof(cmd) - l, " %s 2>&1 | grep -v 'missing .note.GNU-stack\\|NOTE: This behaviour' >&2", ko);
	if (system(cmd) != 0) { /* grep's status: ignore */ }
	elf = read_file(out, &len);
	CHECK(elf != NULL, "%s: ld did not produce %s", tag, out);
	if (!elf)
		goto out;
	h = (Ehdr *)elf;
	sh = (Shdr *)(elf + h->e_shoff);
	for (i = 1; i < h->e_shnum; i++) {
		const char *name = (const char *)elf + sh[h->e_shstrndx].sh_offset + sh[i].sh_name;
		int j;

		if (!(sh[i].sh_flags & 2 /* ALLOC */) || sh[i].sh_size == 0)
			continue;
		for (j = 0; j < nplaced; j++)
			if (!strcmp(placed[j].name, name))
				break;
		CHECK(j < nplaced, "%s: ld output section %s was not loaded by the loader", tag, name);
		if (j == nplaced)
			continue;
		CHECK(sh[i].sh_addr == placed[j].addr, "%s: %s at 0x%llx in ld output, loader 0x%llx", tag, name,
		      (unsigned long long)sh[i].sh_addr, placed[j].addr);
		if (sh[i].sh_type == 8 /* NOBITS */) {
			unsigned long long k;

			for (k = 0; k < sh[i].sh_size; k++)
				CHECK(((unsigned char *)(unsigned long)placed[j].addr)[k] == 0, "%s: %s not zeroed", tag, name);
		} else {
			CHECK(memcmp(elf + sh[i].sh_offset, (void *)(unsigned long)placed[j].addr, sh[i].sh_size) == 0,
			      "%s: section %s bytes differ from ld's relocation result", tag, name);
			compared++;
		}
	}
	CHECK(compared > 0, "%s: nothing compared", tag);
	free(elf);
out:
	unlink(script);
	unlink(out);
	unlink(ko);
	free((void *)ko);
}

/* ------------------------------------------------------------------------------ tests ------ */

static char kodir[512];

static unsigned char *ko(const char *name, size_t *len)
{
	char p[700];
	unsigned char *b;

	snprintf(p, sizeof(p), "%s/%s.ko", kodir, name);
	b = read_file(p, len);
	if (!b) {
		printf("cannot read %s\n", p);
		exit(2);
	}
	return b;
}

static void test_bundled_load_and_relocs(void)
{
	static const char *mods[] = { "softLockup", "hardLockup", "spinlock_lockup", "test_lockup", "deadlock_abba", "oops" };
	unsigned int i;
	char err[64], path[700];

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		size_t len;
		unsigned char *img = ko(mods[i], &len);
		int r;

		init_ret = 0;
		snprintf(path, sizeof(path), "%s/%s.ko", kodir, mods[i]);
		compare_ko = path;
		compare_tag = mods[i];
		r = load(img, len, NULL, err);
		compare_ko = NULL;
		CHECK(r == 0, "%s: load_module returned %d (%s) log: %s", mods[i], r, r ? err : "", logbuf);
		if (r)
			continue;
		CHECK(find_module(mods[i]) != NULL, "%s: not in the module list", mods[i]);
		CHECK(!log_has("taints kernel"), "%s: in-tree module must not taint: %s", mods[i], logbuf);
		free(img);
	}
	CHECK(nmodules() == 6, "6 modules loaded, have %d", nmodules());
}

static void test_layout_and_symbols(void)
{
	struct module *m = find_module("softLockup");
	unsigned long size = 0, off = 0;
	char *modname = NULL;
	const char *s;

	CHECK(m != NULL, "softLockup loaded");
	if (!m)
		return;
	/* init area freed after init, symbol gone; the exit function is in core text */
	CHECK(m->init_layout.base == NULL, "init area freed after a successful init");
	CHECK(m->core.base && ((unsigned long)m->core.base & 4095) == 0, "core area page aligned");
	CHECK(m->core.text_size % 4096 == 0 && m->core.size % 4096 == 0, "page-aligned sizes");
	s = module_address_lookup((unsigned long)m->core.base + 3, &size, &off, &modname);
	CHECK(s && !strcmp(s, "softlockup_exit"), "core+3 symbolizes to softlockup_exit, got %s", s ? s : "(null)");
	CHECK(off == 3 && size == 4096 && modname && !strcmp(modname, "softLockup"),
	      "softlockup_exit+0x3/0x%lx [%s]", size, modname ? modname : "?");
	CHECK(is_module_text_address((unsigned long)m->core.base + 1), "core text is module text");
	CHECK(!is_module_address(0x1234), "random address is not a module address");
	CHECK(module_address_lookup(0x1234, NULL, NULL, NULL) == NULL, "no symbol for a non-module address");
}

/* __bug_table: oops.ko's BUG() (core text) and WARN_ON() (init text) sites, relocated in place,
 * found by module_find_bug() for the #UD handler's report_bug(). */
static void test_bug_table(void)
{
	struct module *m = find_module("oops");
	unsigned int i, bugs = 0, warns = 0, core_hits = 0;

	CHECK(m != NULL, "oops loaded");
	if (!m)
		return;
	CHECK(m->bug_table != NULL && m->num_bugs >= 2, "oops has a bug table (%u entries)", m->num_bugs);
	for (i = 0; m->bug_table && i < m->num_bugs; i++) {
		struct bug_entry *b = &m->bug_table[i];
		unsigned long addr = (unsigned long)b + b->bug_addr_disp;
		const char *file = (const char *)b + b->file_disp;
		unsigned long lo = (unsigned long)m->core.base;

		CHECK((unsigned long)b >= lo && (unsigned long)b < lo + m->core.size, "entry %u in the core area", i);
		CHECK(strstr(file, "oops.c") != NULL && b->line > 0, "entry %u: %s:%u", i, file, b->line);
		if (b->flags & BUGFLAG_WARNING)
			warns++;
		else
			bugs++;
		if (addr >= lo && addr < lo + m->core.text_size) {       /* init text is freed: core only */
			core_hits++;
			CHECK(((unsigned char *)addr)[0] == 0x0f && ((unsigned char *)addr)[1] == 0x0b,
			      "entry %u points at a ud2", i);
			CHECK(module_find_bug(addr) == b, "module_find_bug finds entry %u", i);
			CHECK(module_find_bug(addr + 1) == NULL, "no entry one byte after a ud2");
		}
	}
	CHECK(bugs >= 1 && warns >= 1, "BUG and WARN entries: %u %u", bugs, warns);
	CHECK(core_hits >= 1, "a BUG site in core text");
	CHECK(module_find_bug(0x1234) == NULL, "no entry for a non-module address");
}

/* While init runs: state COMING, "+" flag, init symbol at +0 of the init area with size 0x1000. */
static void test_init_state_and_init_symbol(void)
{
	size_t len;
	unsigned char *img = ko("softLockup", &len);
	char err[64];
	int r;
	struct module *m;

	delete_module("softLockup");
	init_ret = 0;
	init_calls = 0;
	r = load(img, len, NULL, err);
	CHECK(r == 0 && init_calls == 1, "softLockup reload: %d, init calls %d", r, init_calls);
	CHECK(strstr(during_init_modules, "Modules linked in: softLockup(+) oops deadlock_abba test_lockup spinlock_lockup hardLockup [last unloaded: softLockup]\n") != NULL,
	      "modules line during init: '%s'", during_init_modules);
	CHECK(strncmp(during_init_proc, "softLockup ", 11) == 0 && strstr(during_init_proc, " 0 - Loading 0x") != NULL,
	      "/proc/modules during init: '%s'", during_init_proc);
	/* the init function: +0 of a page-aligned area separate from core */
	CHECK((last_init_fn & 4095) == 0, "init function at +0 of its area: 0x%lx", last_init_fn);
	m = find_module("softLockup");
	CHECK(m && (last_init_fn < (unsigned long)m->core.base || last_init_fn >= (unsigned long)m->core.base + m->core.size),
	      "init not inside the core area");
	free(img);
}

/* Symbolize an address inside init while init "runs" (in the intercepted init call). */

static void test_init_symbolization(void)
{
	/* Load hardLockup again under another name is not possible (name from .modinfo): unload it and
	 * reload, symbolizing from inside the (intercepted) init call. */
	size_t len;
	unsigned char *img = ko("hardLockup", &len);
	char err[64];
	int r;

	CHECK(delete_module("hardLockup") == 0, "rmmod hardLockup");
	init_sym_name[0] = 0;
	init_ret = 1000;   /* marker: symbolize in the hook (see hosttest_initcall wrapper below) */
	r = load(img, len, NULL, err);
	init_ret = 0;
	CHECK(r == 0, "hardLockup reload %d", r);
	CHECK(!strcmp(init_sym_name, "hardlockup_test_init") && init_sym_off == 0x1e && init_sym_size == 0x1000 &&
	      !strcmp(init_sym_mod, "hardLockup"),
	      "init symbol: %s+0x%lx/0x%lx [%s]", init_sym_name, init_sym_off, init_sym_size, init_sym_mod);
	CHECK(log_has("suspiciously returned 1000"), "positive init return warns (Linux)");
	free(img);
}

static void test_proc_lsmod_rmmod(void)
{
	char buf[2048];
	int n;

	n = module_show_proc(buf, sizeof(buf));
	CHECK(n > 0 && (size_t)n == strlen(buf), "proc length %d", n);
	CHECK(strstr(buf, "deadlock_abba ") && strstr(buf, " 0 [permanent], Live 0x"), "permanent module in /proc/modules: %s", buf);
	CHECK(strstr(buf, "softLockup 8192 0 - Live 0x") != NULL, "softLockup line (core 2 pages): %s", buf);
	n = lsmod_show(buf, sizeof(buf));
	CHECK(strncmp(buf, "Module                  Size  Used by\n", 38) == 0, "lsmod header");
	CHECK(strstr(buf, "\nsoftLockup              8192  0\n") != NULL, "lsmod line: %s", buf);
	CHECK(strstr(buf, "\ndeadlock_abba") && strstr(buf, "  0 [permanent]\n"), "lsmod permanent: %s", buf);
	/* snprintf semantics: small buffer gets the full length back */
	CHECK(lsmod_show(buf, 10) == n && strlen(buf) == 9, "lsmod truncation");

	exit_calls = 0;
	CHECK(delete_module("nonexistent") == -ENOENT, "rmmod unknown -> -ENOENT");
	CHECK(delete_module("deadlock_abba") == -EBUSY, "rmmod without exit -> -EBUSY");
	CHECK(delete_module("oops") == 0 && exit_calls == 1, "rmmod oops runs exit");
	CHECK(delete_module("oops") == -ENOENT, "second rmmod -> -ENOENT");
	log_clear();
	print_modules();
	CHECK(log_has("[last unloaded: oops]\n"), "last unloaded: %s", logbuf);
	CHECK(!strcmp(module_strerror(EBUSY), "Device or resource busy") &&
	      !strcmp(module_strerror(ENOEXEC), "Invalid module format"), "strerror");
}

static void test_params(void)
{
	size_t len;
	unsigned char *img = ko("test_lockup", &len);
	char err[64];
	int r;
	unsigned long a;

	CHECK(delete_module("test_lockup") == 0, "rmmod test_lockup");
	r = load(img, len, "time_secs=5 iterations=0x10 all_cpus disable_irq=y lock_wait_threshold=010 bogus=1 touch_softlockup=N", err);
	CHECK(r == 0, "params load %d %s", r, logbuf);
	CHECK(log_has("test_lockup: unknown parameter 'bogus' ignored\n"), "unknown param warning: %s", logbuf);
	a = module_kallsyms_lookup_name("time_secs");
	CHECK(a && *(unsigned int *)a == 5, "time_secs=5");
	a = module_kallsyms_lookup_name("iterations");
	CHECK(a && *(unsigned int *)a == 16, "iterations=0x10");
	a = module_kallsyms_lookup_name("lock_wait_threshold");
	CHECK(a && *(unsigned int *)a == 8, "octal 010");
	a = module_kallsyms_lookup_name("all_cpus");
	CHECK(a && *(bool *)a == true, "bare bool = true");
	a = module_kallsyms_lookup_name("test_disable_irq");
	CHECK(a && *(bool *)a == true, "module_param_named disable_irq");
	CHECK(delete_module("test_lockup") == 0, "rmmod");

	r = load(img, len, "time_secs=abc", err);
	CHECK(r == -EINVAL && !strcmp(err, "Invalid parameters"), "bad value -> -EINVAL (%d)", r);
	CHECK(log_has("test_lockup: `abc' invalid for parameter `time_secs'\n"), "invalid message: %s", logbuf);
	r = load(img, len, "time_secs=4294967296", err);
	CHECK(r == -EINVAL, "uint overflow -> -EINVAL");
	r = load(img, len, "iterations", err);
	CHECK(r == -EINVAL, "uint without value -> -EINVAL");
	CHECK(find_module("test_lockup") == NULL, "failed loads leave nothing behind");
	free(img);

	img = ko("oops", &len);
	r = load(img, len, "type=\"div zero\" divisor=-7", err);
	CHECK(r == 0, "oops load with quoted charp %d %s", r, logbuf);
	a = module_kallsyms_lookup_name("type");
	CHECK(a && *(char **)a && !strcmp(*(char **)a, "div zero"), "charp quoted value '%s'", a && *(char **)a ? *(char **)a : "");
	a = module_kallsyms_lookup_name("divisor");
	CHECK(a && *(int *)a == -7, "negative int");
	CHECK(delete_module("oops") == 0, "rmmod oops");
	free(img);
}

static void test_init_failure(void)
{
	size_t len;
	unsigned char *img = ko("oops", &len);
	char err[64];
	int r, before = live_allocs;

	init_ret = -EAGAIN;
	r = load(img, len, NULL, err);
	init_ret = 0;
	CHECK(r == -EAGAIN && !strcmp(err, "Resource temporarily unavailable"), "init -EAGAIN -> %d %s", r, err);
	CHECK(find_module("oops") == NULL && live_allocs == before, "failed init frees everything");
	free(img);
}

static void test_errors(void)
{
	size_t len, i;
	unsigned char *img = ko("softLockup", &len), *b = malloc(len);
	char err[64];
	int r, n0 = nmodules(), before = live_allocs;

	CHECK(delete_module("softLockup") == 0, "rmmod softLockup");
	n0 = nmodules();
	before = live_allocs;
	/* every truncation */
	for (i = 0; i < len; i++) {
		r = load(img, i, NULL, err);
		if (r != -ENOEXEC) {
			CHECK(0, "truncated to %zu bytes: %d", i, r);
			break;
		}
	}
	CHECK(!strcmp(err, "Invalid module format"), "errbuf text");
	CHECK(nmodules() == n0 && live_allocs == before, "truncations leave nothing");

#define MUTATE(off, type, val) do { memcpy(b, img, len); *(type *)(b + (off)) = (val); } while (0)
	MUTATE(4, unsigned char, 1);                         /* ELFCLASS32 */
	CHECK(load(b, len, NULL, err) == -ENOEXEC, "ELF32 rejected");
	MUTATE(18, u16, 3);                                  /* EM_386 */
	CHECK(load(b, len, NULL, err) == -ENOEXEC, "wrong machine rejected");
	MUTATE(16, u16, 2);                                  /* ET_EXEC */
	CHECK(load(b, len, NULL, err) == -ENOEXEC, "ET_EXEC rejected");
	MUTATE(0, unsigned char, 'X');
	CHECK(load(b, len, NULL, err) == -ENOEXEC, "bad magic rejected");
	CHECK(load(NULL, 0, NULL, err) == -ENOEXEC, "NULL image");

	/* relocation tampering: find the first RELA section of an ALLOC target */
	{
		Ehdr *h = (Ehdr *)img;
		Shdr *sh = (Shdr *)(img + h->e_shoff);
		int k, rel = -1;

		for (k = 1; k < h->e_shnum; k++)
			if (sh[k].sh_type == 4 && (sh[sh[k].sh_info].sh_flags & 2)) {
				rel = k;
				break;
			}
		CHECK(rel > 0, "found a rela section");
		if (rel > 0) {
			u64 off = sh[rel].sh_offset;
			u64 info;

			memcpy(b, img, len);
			memcpy(&info, b + off + 8, 8);
			info = (info & ~0xffffffffULL) | 9;          /* R_X86_64_GOTPCREL */
			memcpy(b + off + 8, &info, 8);
			CHECK(load(b, len, NULL, err) == -ENOEXEC && log_has("softLockup: Unknown rela relocation: 9\n"),
			      "unknown relocation type: %s", logbuf);
			memcpy(b, img, len);
			memcpy(&info, b + off + 8, 8);
			info = (info & 0xffffffffULL) | (0xffffULL << 32);   /* symbol index out of range */
			memcpy(b + off + 8, &info, 8);
			CHECK(load(b, len, NULL, err) == -ENOEXEC, "bad symbol index rejected");
			memcpy(b, img, len);
			{
				u64 big = 0x7fffffff0ULL;
				memcpy(b + off, &big, 8);            /* r_offset outside the section */
			}
			CHECK(load(b, len, NULL, err) == -ENOEXEC, "relocation offset out of range rejected");
		}
	}

	/* relocation overflow: kernel symbols 4 GiB away from the module area */
	sym_base = 0x7f0000000000UL;
	r = load(img, len, NULL, err);
	CHECK(r == -ENOEXEC && log_has("overflow in relocation type") && log_has("`softLockup' likely not compiled with -mcmodel=kernel"),
	      "overflow: %d %s", r, logbuf);
	sym_base = 0x48000000UL;

	/* unknown symbol */
	hidden_sym = "printk";
	r = load(img, len, NULL, err);
	hidden_sym = NULL;
	CHECK(r == -ENOENT && !strcmp(err, "Unknown symbol in module") && log_has("softLockup: Unknown symbol printk (err -2)\n"),
	      "unknown symbol: %d %s / %s", r, err, logbuf);

	/* vermagic mismatch */
	memcpy(b, img, len);
	{
		unsigned char *p = memmem(b, len, "vermagic=", 9);

		CHECK(p != NULL, "vermagic present");
		if (p)
			p[9] = 'X';
		r = load(b, len, NULL, err);
		CHECK(r == -ENOEXEC && log_has("softLockup: version magic 'X"), "vermagic mismatch: %d %s", r, logbuf);
	}
	/* no name */
	memcpy(b, img, len);
	{
		unsigned char *p = memmem(b, len, "name=softLockup", 15);

		if (p)
			p[0] = 'N';
		r = load(b, len, NULL, err);
		CHECK(r == -ENOEXEC && log_has("No module found in object"), "no name: %d", r);
	}
	CHECK(nmodules() == n0 && live_allocs == before, "errors leave nothing behind (%d modules, %d allocs)", nmodules(), live_allocs - before);

	/* duplicate */
	CHECK(load(img, len, NULL, err) == 0, "reload");
	CHECK(load(img, len, NULL, err) == -EEXIST && !strcmp(err, "File exists"), "duplicate -> -EEXIST");
	free(b);
	free(img);
}

/* Many modules: the modules line continues over several printk calls but stays one line. */
static void test_long_modules_line(void)
{
	size_t len;
	unsigned char *img = ko("oops", &len), *b = malloc(len), *p;
	char err[64], name[8];
	int i, ok = 1;

	for (i = 0; i < 80; i++) {
		memcpy(b, img, len);
		p = memmem(b, len, "name=oops", 9);
		if (!p) {
			ok = 0;
			break;
		}
		p[7] = 'A' + i % 26;
		p[8] = 'a' + i / 26;
		ok &= load(b, len, NULL, err) == 0;
	}
	CHECK(ok, "80 renamed copies of oops.ko load");
	log_clear();
	print_modules();
	CHECK(strchr(logbuf, '\n') == logbuf + strlen(logbuf) - 1 && !strncmp(logbuf, "Modules linked in: ooBd ooAd ooZc", 33) &&
	      strstr(logbuf, " ooAa hardLockup softLockup") && strlen(logbuf) > 400,
	      "long modules line: %s", logbuf);
	for (i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "oo%c%c", 'A' + i % 26, 'a' + i / 26);
		ok &= delete_module(name) == 0;
	}
	CHECK(ok, "rmmod all copies");
	free(b);
	free(img);
}

static int newest_cb(struct module *m, void *arg) { *(struct module **)arg = m; return 1; }

static int sf_results[600];
static long sf_name_at = -1;    /* offset of the module name's last 3 chars in the image */
static unsigned int sf_ctr;

static int structured_load(unsigned char *b, size_t len, int *loaded)
{
	char err[64];
	int r;

	if (sf_name_at >= 0) {  /* unique name per run: a mutation may make a module permanent */
		static const char d[] = "0123456789abcdefghijklmnopqrstuvwxyz";
		unsigned int c = sf_ctr++;

		b[sf_name_at] = d[c % 36];
		b[sf_name_at + 1] = d[c / 36 % 36];
		b[sf_name_at + 2] = d[c / 1296 % 36];
	}
	r = load(b, len, "time_secs=1", err);

	if (r > -600 && r <= 0)
		sf_results[-r]++;
	if (r == 0) {
		struct module *first = NULL;

		(*loaded)++;
		for_each_module(newest_cb, &first);
		if (first)
			delete_module(first->name);
	}
	return r;
}

/* Boundary values in every ELF header, section header, symbol and relocation field. */
static void test_structured_fuzz(void)
{
	static const char *mods[] = { "softLockup", "test_lockup" };
	static const u64 vals[] = { 0, 1, 7, 0x40, 0xfff0, 0x7fffffff, 0x80000000ULL, 0xffffffffULL, ~0ULL, 0x8000000000000000ULL };
	unsigned int m, v;
	int loaded = 0, runs = 0, base = nmodules(), allocs = live_allocs;

	for (m = 0; m < 2; m++) {
		size_t len;
		unsigned char *img = ko(mods[m], &len), *b = malloc(len);
		Ehdr *h = (Ehdr *)img;
		Shdr *sh = (Shdr *)(img + h->e_shoff);
		unsigned int i, f;

		/* a fresh name: the random fuzz may have left a permanent copy of the module behind */
		{
			char tag[64];
			unsigned char *p;

			snprintf(tag, sizeof(tag), "name=%s", mods[m]);
			p = memmem(img, len, tag, strlen(tag));
			CHECK(p != NULL, "name in %s", mods[m]);
			sf_name_at = p ? (long)(p - img) + (long)strlen(tag) - 3 : -1;
			memcpy(b, img, len);
			CHECK(structured_load(b, len, &loaded) == 0, "renamed %s loads", mods[m]);
		}
		/* ELF header: every 2/4/8-byte field */
		for (f = 16; f < 64; f += 2)
			for (v = 0; v < 10; v++) {
				memcpy(b, img, len);
				memcpy(b + f, &vals[v], f >= 24 && f < 48 && (f - 24) % 8 == 0 ? 8 : 2);
				structured_load(b, len, &loaded);
				runs++;
			}
		/* section headers: each field of each section */
		for (i = 0; i < h->e_shnum; i++) {
			static const unsigned char off[] = { 0, 4, 8, 16, 24, 32, 40, 44, 48, 56 };
			static const unsigned char sz[] = { 4, 4, 8, 8, 8, 8, 4, 4, 8, 8 };

			for (f = 0; f < sizeof(off); f++)
				for (v = 0; v < 10; v++) {
					memcpy(b, img, len);
					memcpy(b + h->e_shoff + i * sizeof(Shdr) + off[f], &vals[v], sz[f]);
					structured_load(b, len, &loaded);
					runs++;
				}
		}
		/* symbols and relocations: every field of every entry */
		for (i = 1; i < h->e_shnum; i++) {
			u64 e, n;

			if (sh[i].sh_type != 2 && sh[i].sh_type != 4)
				continue;
			n = sh[i].sh_size / sh[i].sh_entsize;
			for (e = 0; e < n; e++) {
				unsigned int nf = sh[i].sh_type == 2 ? 6 : 4;
				static const unsigned char soff[] = { 0, 4, 5, 6, 8, 16 }, ssz[] = { 4, 1, 1, 2, 8, 8 };
				static const unsigned char roff[] = { 0, 8, 12, 16 }, rsz[] = { 8, 4, 4, 8 };

				for (f = 0; f < nf; f++)
					for (v = 0; v < 10; v++) {
						u64 at = sh[i].sh_offset + e * sh[i].sh_entsize;

						memcpy(b, img, len);
						if (sh[i].sh_type == 2)
							memcpy(b + at + soff[f], &vals[v], ssz[f]);
						else
							memcpy(b + at + roff[f], &vals[v], rsz[f]);
						structured_load(b, len, &loaded);
						runs++;
					}
			}
		}
		free(b);
		free(img);
	}
	printf("structured fuzz: %d runs, %d loaded (harmless); results:", runs, loaded);
	for (v = 0; v < 600; v++)
		if (sf_results[v])
			printf(" -%u:%d", v, sf_results[v]);
	printf("\n");
	sf_name_at = -1;
	CHECK(loaded > runs / 20, "a fair share of harmless mutations loaded (%d of %d)", loaded, runs);
	(void)base;
	(void)allocs;
}

static void test_fuzz(void)
{
	static const char *mods[] = { "softLockup", "test_lockup", "oops" };
	unsigned int seed = 12345, it, m;
	char err[64];
	int base = nmodules(), loaded = 0;

	for (m = 0; m < 3; m++) {
		size_t len;
		unsigned char *img = ko(mods[m], &len), *b = malloc(len);

		delete_module(mods[m]);
		for (it = 0; it < 3000; it++) {
			int flips = 1 + it % 4, k, r;

			memcpy(b, img, len);
			for (k = 0; k < flips; k++) {
				seed = seed * 1103515245 + 12345;
				b[(seed >> 8) % len] ^= (unsigned char)(1 + (seed >> 20) % 255);
			}
			r = load(b, len, it % 2 ? "time_secs=1 type=x" : NULL, err);
			if (r == 0) {
				/* a harmless mutation loaded (its name may have mutated too): remove the newest */
				struct module *first = NULL;

				loaded++;
				for_each_module(newest_cb, &first);
				if (first)
					delete_module(first->name);   /* may refuse (e.g. exit symbol renamed): fine */
			}
		}
		free(b);
		free(img);
	}
	printf("fuzz: %d mutated images loaded (harmless mutations), list now %d (was %d)\n", loaded, nmodules(), base);
}

int main(int argc, char **argv)
{
	size_t len;
	unsigned char *oot;
	char err[64];
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s KODIR OOT_KO\n", argv[0]);
		return 2;
	}
	snprintf(kodir, sizeof(kodir), "%s", argv[1]);
	if (mmap((void *)AREA_BASE, AREA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
	    (void *)AREA_BASE) {
		perror("mmap module area");
		return 2;
	}
	test_bundled_load_and_relocs();
	test_layout_and_symbols();
	test_bug_table();
	test_init_state_and_init_symbol();
	test_init_symbolization();
	test_proc_lsmod_rmmod();
	test_params();
	test_init_failure();
	test_long_modules_line();
	test_errors();

	/* out-of-tree: taints O once, flags (O) */
	oot = read_file(argv[2], &len);
	CHECK(oot != NULL, "read %s", argv[2]);
	if (oot) {
		char line[2048];

		taints = 0;
		r = load(oot, len, NULL, err);
		CHECK(r == 0 && log_has("oot_hello: loading out-of-tree module taints kernel.\n") && test_taint(TAINT_OOT_MODULE),
		      "OOT taint: %d %s", r, logbuf);
		CHECK(strstr(during_init_modules, "Modules linked in: oot_hello(O+) ") != NULL, "OOT modules line '%s'", during_init_modules);
		module_show_proc(line, sizeof(line));
		CHECK(strstr(line, " Live 0x") && strstr(line, " (O)\n"), "OOT /proc/modules: %s", line);
		CHECK(delete_module("oot_hello") == 0, "rmmod oot");
		r = load(oot, len, NULL, err);
		CHECK(r == 0 && !log_has("taints kernel"), "second OOT load: no repeated message");
		/* modinfo */
		r = modinfo_show_file(oot, len, "/root/oot_hello.ko", line, sizeof(line));
		CHECK(r > 0 && (size_t)r == strlen(line), "modinfo length");
		CHECK(strncmp(line, "filename:       /root/oot_hello.ko\n", 35) == 0, "modinfo filename: %s", line);
		CHECK(strstr(line, "\nlicense:        GPL\n") && strstr(line, "\ndescription:    Out-of-tree test module\n") &&
		      strstr(line, "\nname:           oot_hello\n") && strstr(line, "\nvermagic:       0.1.0-emu SMP mod_unload \n") &&
		      !strstr(line, "intree"),
		      "modinfo fields:\n%s", line);
		CHECK(strstr(line, "\nparm:           count:how many times (int)\nparm:           who:whom to greet (charp)\n") != NULL,
		      "modinfo parm lines in source order:\n%s", line);
		CHECK(modinfo_show(oot, 10, line, sizeof(line)) == -ENOEXEC, "modinfo of a truncated file");
		free(oot);
	}
	/* module-to-module exports: the user pins the exporter */
	{
		char dir[600], p1[700], p2[700], line[2048];
		unsigned char *e, *u;
		size_t el, ul;
		struct module *em;
		unsigned long ptr;

		snprintf(dir, sizeof(dir), "%s", argv[2]);
		*strrchr(dir, '/') = 0;
		snprintf(p1, sizeof(p1), "%s/kmod_exporter.ko", dir);
		snprintf(p2, sizeof(p2), "%s/kmod_user.ko", dir);
		e = read_file(p1, &el);
		u = read_file(p2, &ul);
		CHECK(e && u, "read exporter/user");
		if (e && u) {
			CHECK(load(u, ul, NULL, err) == -ENOENT && log_has("kmod_user: Unknown symbol kmod_test_fn (err -2)"),
			      "user before exporter: unknown symbol");
			CHECK(load(e, el, NULL, err) == 0, "exporter loads");
			taints = 0;
			CHECK(load(u, ul, NULL, err) == 0, "user loads: %s", logbuf);
			CHECK(log_has("kmod_user: module license 'Proprietary' taints kernel.") && test_taint(TAINT_PROPRIETARY_MODULE),
			      "proprietary license taints P: %s", logbuf);
			em = find_module("kmod_exporter");
			ptr = module_kallsyms_lookup_name("kmod_user_ptr");
			CHECK(ptr && *(unsigned long *)ptr == module_kallsyms_lookup_name("kmod_test_fn"),
			      "user's pointer relocated to the exporter's function");
			CHECK(em && em->refcnt == 1, "exporter pinned (refcnt %d)", em ? em->refcnt : -1);
			module_show_proc(line, sizeof(line));
			CHECK(strstr(line, "kmod_user ") && strstr(line, " (P)\n") && strstr(line, "kmod_exporter ") &&
			      strstr(line, " 1 kmod_user, Live "), "/proc/modules users: %s", line);
			lsmod_show(line, sizeof(line));
			CHECK(strstr(line, "  1 kmod_user\n") != NULL, "lsmod used by: %s", line);
			CHECK(delete_module("kmod_exporter") == -EAGAIN, "exporter in use");
			CHECK(delete_module("kmod_user") == 0 && em->refcnt == 0, "user removed, exporter unpinned");
			CHECK(delete_module("kmod_exporter") == 0, "exporter removed");
		}
		free(e);
		free(u);
	}
	test_fuzz();
	test_structured_fuzz();

	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
