/* hostshim.h - what the host tests can inspect in the shim (hostshim.c). */
#ifndef KUSER_HOSTSHIM_H
#define KUSER_HOSTSHIM_H
#include "../shell_int.h"
struct kbuf_host { char *data; size_t len, cap; };
extern struct kbuf_host console_out;
extern char host_last_params[256];
extern bool host_mod_loaded;
extern unsigned long host_slept_ms, host_last_cpus;
extern int host_bg_started, host_killed_pid;
extern int console_loglevel;
#endif
