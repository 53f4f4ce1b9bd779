/* Minimal placeholder kernel: prints a banner on COM1 and halts. Replaced by the real kernel. */
#define COM1 0x3f8

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}

static void serial_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

void kmain(unsigned int start_info)
{
	(void)start_info;
	serial_puts("emu kernel 0.1.0: hello from the guest\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
