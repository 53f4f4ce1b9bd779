/* Test kernel console (COM1, polled) and small helpers. With -DHOST_TEST the output goes to the
 * host harness (host.c) instead of port 0x3f8. */
#include "kt.h"

static volatile int print_lock;
int failures;

#ifndef HOST_TEST
void *
memcpy(void *d, const void *s, unsigned long n)
{
	char *dp = d;
	const char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}
#endif

int
memeq(const void *a, const char *b, int n)
{
	const char *p = a;
	for (int i = 0; i < n; i++)
		if (p[i] != b[i])
			return 0;
	return 1;
}

uint8_t
sum(const void *p, uint32_t len)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s;
}

void
serial_init(void)
{
	outb(COM1 + 1, 0x00);   /* IER: no interrupts */
	outb(COM1 + 3, 0x80);   /* DLAB */
	outb(COM1 + 0, 0x01);   /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0x07);   /* FIFOs on, cleared */
	outb(COM1 + 4, 0x0b);   /* DTR RTS OUT2 */
}

#ifdef HOST_TEST
void host_putc(char c);
static void serial_putc(char c)
{
	host_putc(c);
}
#else
static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}
#endif

static void put_num(uint64_t v, int base, int width)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		serial_putc(buf[--n]);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
		;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (*fmt == '\n')
				serial_putc('\r');
			serial_putc(*fmt);
			continue;
		}
		fmt++;
		int width = 0, lng = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s)
				serial_putc(*s++);
			break;
		}
		case 'c':
			serial_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (v < 0) {
				serial_putc('-');
				v = -v;
			}
			put_num((uint64_t)v, 10, width);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width);
			break;
		default:
			serial_putc(*fmt);
		}
	}
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
	va_end(ap);
}

void __attribute__((noreturn))
finish(void)
{
	if (failures)
		kprintf("FAIL: %d check(s) failed\n", failures);
	else
		kprintf("PASS\n");
	outb(DEBUG_EXIT_PORT, failures ? EXIT_FAIL : EXIT_PASS);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void
check(int ok, const char *what)
{
	if (!ok) {
		kprintf("check failed: %s\n", what);
		failures++;
	}
}