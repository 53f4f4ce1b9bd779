/* Delays: udelay/ndelay/mdelay busy-wait (no scheduling); msleep/ssleep sleep (the CPU is free). */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H
#include <linux/types.h>
#include <linux/kernel.h>
void ndelay(unsigned long ns);
void udelay(unsigned long us);
void mdelay(unsigned long ms);
void msleep(unsigned int ms);
unsigned long msleep_interruptible(unsigned int ms);
void ssleep(unsigned int s);
void usleep_range(unsigned long min, unsigned long max);
#endif
