/* Taint flags (Linux 5.4 bit numbers and letters). Owner: kcore. */
#ifndef _TAINT_H
#define _TAINT_H
#include "types.h"
#define TAINT_PROPRIETARY_MODULE 0
#define TAINT_FORCED_MODULE 1
#define TAINT_CPU_OUT_OF_SPEC 2
#define TAINT_FORCED_RMMOD 3
#define TAINT_MACHINE_CHECK 4
#define TAINT_BAD_PAGE 5
#define TAINT_USER 6
#define TAINT_DIE 7
#define TAINT_OVERRIDDEN_ACPI_TABLE 8
#define TAINT_WARN 9
#define TAINT_CRAP 10
#define TAINT_FIRMWARE_WORKAROUND 11
#define TAINT_OOT_MODULE 12
#define TAINT_UNSIGNED_MODULE 13
#define TAINT_SOFTLOCKUP 14
#define TAINT_LIVEPATCH 15
#define TAINT_AUX 16
#define TAINT_RANDSTRUCT 17
#define TAINT_FLAGS_COUNT 18
#define LOCKDEP_STILL_OK 0
#define LOCKDEP_NOW_UNRELIABLE 1

struct taint_flag { char c_true; char c_false; bool module; };
extern const struct taint_flag taint_flags[TAINT_FLAGS_COUNT];
extern unsigned long tainted_mask;
void add_taint(unsigned int flag, int lockdep_ok);
int test_taint(unsigned int flag);
unsigned long get_taint(void);
const char *print_tainted(void);     /* "Not tainted" or "Tainted: G           O      " (static buffer) */
#endif
