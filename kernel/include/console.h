/* Serial console (16550 at 0x3f8): polled output, IRQ-driven input ring. Owner: kcore. */
#ifndef _CONSOLE_H
#define _CONSOLE_H
#include "types.h"
int console_getc(void);                     /* blocks (interruptible sleep) until a byte arrives;
                                               returns -EINTR if signal_pending(current) */
int console_trygetc(void);                  /* -1 when the input ring is empty */
void console_write(const char *s, size_t n);   /* '\n' -> "\r\n"; serialised with printk output */
void console_putc(char c);
/* called from the serial IRQ for each received byte before it is queued; return 1 to swallow it
 * (kuser: Ctrl-C handling for a running foreground command). */
extern int (*console_rx_hook)(int c);
#endif
