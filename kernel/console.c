/* 16550 UART console on COM1 (0x3f8, IRQ 4): polled output, IRQ-driven input ring + wait queue.
 * Input is lossless: when the ring is full the interrupt handler stops draining the UART and masks
 * its receive interrupt (IER.ERBFI), so further bytes wait in the UART's FIFO (and the host or
 * emulator holds back the rest, as with hardware flow control); the reader unmasks it once it has
 * taken a byte out of the ring. Bytes pending at driver start-up are kept, not flushed. */
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

/* raw output; callers serialise (printk: its console lock; console_write: console_write_locked) */
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

static DEFINE_RAW_SPINLOCK(rx_lock);      /* ring indices, rx_throttled and IER */
static bool rx_throttled;

#define UART_IER_RDI 0x01

/* Move received bytes into the ring; with the ring full, mask the receive interrupt instead (the
 * bytes stay in the UART). Called with interrupts off. */
static void serial_rx(void)
{
	bool got = false;
	raw_spin_lock(&rx_lock);
	while (!rx_throttled && (inb(COM1 + 5) & 1)) {
		unsigned int next = (rx_head + 1) % RX_RING;
		if (next == rx_tail) {
			rx_throttled = true;
			outb(0x00, COM1 + 1);     /* IER: no receive interrupt until the reader catches up */
			break;
		}
		int c = inb(COM1);
		if (console_rx_hook && console_rx_hook(c))
			continue;
		rx_ring[rx_head] = c;
		WRITE_ONCE(rx_head, next);
		got = true;
	}
	raw_spin_unlock(&rx_lock);
	if (got)
		wake_up_all(&rx_wait);
}

static void serial_interrupt(int irq, void *dev)
{
	serial_rx();
}

int console_trygetc(void)
{
	unsigned long f;
	int c = -1;
	bool unthrottle = false;
	raw_spin_lock_irqsave(&rx_lock, f);
	if (rx_tail != rx_head) {
		c = (unsigned char)rx_ring[rx_tail];
		WRITE_ONCE(rx_tail, (rx_tail + 1) % RX_RING);
	}
	if (rx_throttled && (rx_head + 1) % RX_RING != rx_tail) {
		rx_throttled = false;
		outb(UART_IER_RDI, COM1 + 1);     /* unmask: the UART interrupts for what it holds */
		unthrottle = true;
	}
	raw_spin_unlock_irqrestore(&rx_lock, f);
	if (unthrottle) {
		local_irq_save(f);
		serial_rx();                      /* and take it now rather than at the next interrupt */
		local_irq_restore(f);
	}
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
	outb(UART_IER_RDI, COM1 + 1);      /* IER: received data available */
	unsigned long f;
	local_irq_save(f);
	serial_rx();               /* bytes that arrived before the driver started are input too */
	local_irq_restore(f);
	printk(KERN_INFO "Serial: 8250/16550 driver, 1 ports, IRQ sharing disabled\n");
	printk(KERN_INFO "serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A\n");
}
