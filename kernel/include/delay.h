/* Delays: udelay/mdelay busy-wait on the TSC; msleep sleeps (schedule_timeout). */
#ifndef _DELAY_H
#define _DELAY_H
#include "types.h"
void ndelay(unsigned long ns);
void udelay(unsigned long us);
void mdelay(unsigned long ms);
void msleep(unsigned int ms);
unsigned long msleep_interruptible(unsigned int ms);   /* returns ms left if a signal (Ctrl-C) woke it */
void ssleep(unsigned int s);
void usleep_range(unsigned long min, unsigned long max);
#endif
