/* 16550 UART console on COM1 (0x3f8, IRQ 4): polled output, IRQ-driven input ring + wait queue. */
#include "kernel.h"
#include "console.h"
#include "io.h"
#include "irq.h"
#include "wait.h"
#include "spinlock.h"
#include "boot.h"

#define COM1 0x3f8
#define RX_RING 1024

static bool uart_present;
static DEFINE_SPINLOCK(tx_lock);
static char rx_ring[RX_RING];
static volatile unsigned int rx_head, rx_tail;
static DECLARE_WAIT_QUEUE_HEAD(rx_wait);
int (*console_rx_hook)(int c);

void serial_early_init(void)
{
	outb(0x00, COM1 + 1);      /* IER off */
	outb(0x80, COM1 + 3);      /* DLAB */
	outb(0x01, COM1 + 0);      /* 115200 */
	outb(0x00, COM1 + 1);
	outb(0x03, COM1 + 3);      /* 8N1 */
	outb(0xc7, COM1 + 2);      /* FIFO on, clear */
	outb(0x0b, COM1 + 4);      /* DTR RTS OUT2 */
	uart_present = inb(COM1 + 5) != 0xff;
}

static void serial_putc(char c)
{
	int spins = 100000;
	while (!(inb(COM1 + 5) & 0x20) && --spins)
		cpu_relax();
	outb(c, COM1);
}

/* raw output; printk serialises with its console lock, other users take tx_lock */
void console_write_raw(const char *s, size_t n)
{
	size_t i;
	if (!uart_present)
		return;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	console_write_locked(s, n);      /* printk.c: serialised with printk output */
}

void console_putc(char c)
{
	console_write_locked(&c, 1);
}

static void serial_interrupt(int irq, void *dev)
{
	while (inb(COM1 + 5) & 1) {
		int c = inb(COM1);
		if (console_rx_hook && console_rx_hook(c))
			continue;
		unsigned int next = (rx_head + 1) % RX_RING;
		if (next != rx_tail) {
			rx_ring[rx_head] = c;
			rx_head = next;
		}
	}
	wake_up_all(&rx_wait);
}

int console_trygetc(void)
{
	unsigned long f;
	int c = -1;
	spin_lock_irqsave(&tx_lock, f);
	if (rx_tail != rx_head) {
		c = (unsigned char)rx_ring[rx_tail];
		rx_tail = (rx_tail + 1) % RX_RING;
	}
	spin_unlock_irqrestore(&tx_lock, f);
	return c;
}

int console_getc(void)
{
	for (;;) {
		int c = console_trygetc();
		if (c >= 0)
			return c;
		if (wait_event_interruptible(rx_wait, rx_head != rx_tail))
			return -EINTR;
	}
}

void serial_init(void)
{
	if (!uart_present)
		return;
	request_irq(4, serial_interrupt, 0, "ttyS0", NULL);
	outb(0x01, COM1 + 1);      /* IER: received data available */
	while (inb(COM1 + 5) & 1)
		inb(COM1);
	printk(KERN_INFO "Serial: 8250/16550 driver, 1 ports, IRQ sharing disabled\n");
	printk(KERN_INFO "serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A\n");
}
