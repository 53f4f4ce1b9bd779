/* Lockup detector hooks (kernel/watchdog): tell the detectors this CPU is legitimately busy. */
#ifndef _LINUX_NMI_H
#define _LINUX_NMI_H
void touch_softlockup_watchdog(void);
void touch_all_softlockup_watchdogs(void);
void touch_nmi_watchdog(void);       /* also touches the softlockup watchdog, as Linux */
#endif
