/* Host unit test of kcore's formatting code (kernel/vsprintf.c): the exact strings oops, panic and
 * lockup reports are built from. Expected values are Linux 5.4's formats (printf semantics plus the
 * kernel extensions %pS/%pB/%ps/%px/%*ph/%*pbl) and kstrto*() error rules.
 * Run: make -f guest.mk OUT=... kcore-hosttest */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdbool.h>

int vsnprintf_k(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf_k(char *buf, size_t size, const char *fmt, ...);
int kstrtoint_k(const char *s, unsigned int base, int *res);
int kstrtouint_k(const char *s, unsigned int base, unsigned int *res);
int kstrtol_k(const char *s, unsigned int base, long *res);
int kstrtobool_k(const char *s, bool *res);

/* kallsyms stubs: one symbol "softlockup_init" at 0xffffffffc0315000 size 0x1000 in [softLockup] */
int sprint_symbol(char *buf, unsigned long a)
{
	if (a >= 0xffffffffc0315000UL && a < 0xffffffffc0316000UL)
		return snprintf_k(buf, 128, "softlockup_init+%#lx/%#lx [softLockup]", a - 0xffffffffc0315000UL, 0x1000UL);
	return snprintf_k(buf, 128, "0x%lx", a);
}
int sprint_backtrace(char *buf, unsigned long a) { return sprint_symbol(buf, a - 1 + 1); }
int sprint_symbol_no_offset(char *buf, unsigned long a) { return sprintf(buf, "softlockup_init [softLockup]"); }

static int failures, checks;
#define EXPECT(got, want) do { checks++; if (strcmp((got), (want))) { failures++; \
	printf("FAIL %s:%d\n  got:  '%s'\n  want: '%s'\n", __FILE__, __LINE__, (got), (want)); } } while (0)
#define EXPECT_INT(got, want) do { checks++; long __g = (got), __w = (want); if (__g != __w) { failures++; \
	printf("FAIL %s:%d: got %ld want %ld\n", __FILE__, __LINE__, __g, __w); } } while (0)

static char b[512];
#define F(...) (snprintf_k(b, sizeof(b), __VA_ARGS__), b)

int main(void)
{
	/* printk timestamp prefix */
	EXPECT(F("[%5lu.%06lu] ", 80UL, 977020UL), "[   80.977020] ");
	EXPECT(F("[%5lu.%06lu] ", 0UL, 0UL), "[    0.000000] ");
	EXPECT(F("[%5lu.%06lu] ", 1299142UL, 682506UL), "[1299142.682506] ");
	/* register dump lines (__show_regs) */
	EXPECT(F("RSP: %04x:%016lx EFLAGS: %08lx", 0x18, 0xffffbddb4024bcb8UL, 0x286UL),
	       "RSP: 0018:ffffbddb4024bcb8 EFLAGS: 00000286");
	EXPECT(F(" ORIG_RAX: %016lx", ~0xecUL), " ORIG_RAX: ffffffffffffff13");
	EXPECT(F("FS:  %016lx(%04x) GS:%016lx(%04x) knlGS:%016lx", 0x7f2510f89740UL, 0, 0xffff9ff207800000UL, 0, 0UL),
	       "FS:  00007f2510f89740(0000) GS:ffff9ff207800000(0000) knlGS:0000000000000000");
	EXPECT(F("CS:  %04lx DS: %04x ES: %04x CR0: %016lx", 0x10UL, 0, 0, 0x80050033UL),
	       "CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033");
	/* symbols */
	EXPECT(F("RIP: %04x:%pS", 0x10, (void *)0xffffffffc0315013UL), "RIP: 0010:softlockup_init+0x13/0x1000 [softLockup]");
	EXPECT(F("%s %s%pB", "", "? ", (void *)0xffffffffc0315000UL), " ? softlockup_init+0x0/0x1000 [softLockup]");
	EXPECT(F("%pS", (void *)0x1234UL), "0x1234");
	EXPECT(F("+%#lx/%#lx", 0UL, 0x40UL), "+0x0/0x40");      /* Linux's SPECIAL: 0x even for zero */
	EXPECT(F("%px", (void *)0UL), "0000000000000000");
	/* Code: line */
	unsigned char code[64];
	for (int i = 0; i < 64; i++)
		code[i] = i;
	F("Code: %42ph <%02x> %21ph", code, code[42], code + 43);
	EXPECT_INT((long)strlen(b), 6 + 42 * 3 - 1 + 6 + 21 * 3 - 1);
	EXPECT_INT(strncmp(b, "Code: 00 01 02", 14), 0);
	EXPECT_INT(strstr(b, " 28 29 <2a> 2b 2c ") != NULL, 1);
	EXPECT_INT(strcmp(b + strlen(b) - 5, "3e 3f"), 0);
	/* cpu lists */
	unsigned long m = 0xdUL;                 /* 0,2-3 */
	EXPECT(F("Sending NMI from CPU %d to CPUs %*pbl:", 1, 4, &m), "Sending NMI from CPU 1 to CPUs 0,2-3:");
	m = 0xfUL;
	EXPECT(F("%*pbl", 4, &m), "0-3");
	m = 0;
	EXPECT(F("%*pbl", 4, &m), "");
	/* misc printf semantics used by /proc and the shell */
	EXPECT(F("%*s: ", 3, "NMI"), "NMI: ");
	EXPECT(F("%10u ", 42U), "        42 ");
	EXPECT(F("CPU%-8d", 3), "CPU3       ");
	EXPECT(F("%-8s|", "edge"), "edge    |");
	EXPECT(F("%.20s", "abcdefghijklmnopqrstuvwxyz"), "abcdefghijklmnopqrst");
	EXPECT(F("%.*s", 2, "#6 SMP"), "#6");
	EXPECT(F("%s", (char *)NULL), "(null)");
	EXPECT(F("%d %i %ld", -5, 7, -9000000000L), "-5 7 -9000000000");
	EXPECT(F("%#lx %#x %x %X", 0x1000UL, 0x13, 255, 255), "0x1000 0x13 ff FF");
	EXPECT(F("%lu.%03lu MHz", 2593UL, 7UL), "2593.007 MHz");
	EXPECT(F("%c%%", 'x'), "x%");
	EXPECT(F("%5d|%-5d|%05d", 42, 42, 42), "   42|42   |00042");
	EXPECT(F("%llu", 18446744073709551615ULL), "18446744073709551615");
	/* truncation: returns the full length */
	char small[8];
	EXPECT_INT(snprintf_k(small, sizeof(small), "%s", "0123456789"), 10);
	EXPECT(small, "0123456");
	/* kstrto*: Linux rules */
	int v;
	unsigned int u;
	long l;
	bool bo;
	EXPECT_INT(kstrtoint_k("10\n", 0, &v), 0);
	EXPECT_INT(v, 10);
	EXPECT_INT(kstrtoint_k("0x1f", 0, &v), 0);
	EXPECT_INT(v, 31);
	EXPECT_INT(kstrtoint_k("017", 0, &v), 0);
	EXPECT_INT(v, 15);
	EXPECT_INT(kstrtoint_k("-3", 10, &v), 0);
	EXPECT_INT(v, -3);
	EXPECT_INT(kstrtoint_k("abc", 0, &v), -22);
	EXPECT_INT(kstrtoint_k("", 0, &v), -22);
	EXPECT_INT(kstrtoint_k("12x", 0, &v), -22);
	EXPECT_INT(kstrtoint_k("99999999999", 0, &v), -34);
	EXPECT_INT(kstrtouint_k("-1", 0, &u), -22);
	EXPECT_INT(kstrtol_k("-9223372036854775808", 10, &l), 0);
	EXPECT_INT(kstrtol_k("9223372036854775808", 10, &l), -34);
	EXPECT_INT(kstrtobool_k("on", &bo), 0);
	EXPECT_INT(bo, 1);
	EXPECT_INT(kstrtobool_k("N", &bo), 0);
	EXPECT_INT(bo, 0);
	EXPECT_INT(kstrtobool_k("maybe", &bo), -22);
	printf("kcore host test: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
