/* Kernel command line and boot parameters. Owner: kcore.
 * __setup("name=", fn): fn(value) for "name=value"; __setup("flag", fn): fn("") for a bare "flag"
 * (prefix match as Linux). early_param("name", fn): fn(value or NULL) before most of boot.
 * fn returns 1 if handled (Linux convention for __setup), 0 for early_param success.
 * Unknown parameters are ignored. Usable from any kernel file including watchdog/. */
#ifndef _CMDLINE_H
#define _CMDLINE_H
#include "types.h"
#include "compiler.h"
#define COMMAND_LINE_SIZE 2048
struct obs_kernel_param { const char *str; int (*setup_func)(char *); int early; };
#define __setup_param(str, unique_id, fn, early) \
	static const char __setup_str_##unique_id[] = str; \
	static const struct obs_kernel_param __setup_##unique_id __used __section(".init.setup") __aligned(8) = \
		{ __setup_str_##unique_id, fn, early }
#define __setup(str, fn) __setup_param(str, fn, fn, 0)
#define early_param(str, fn) __setup_param(str, fn, fn, 1)

extern char boot_command_line[COMMAND_LINE_SIZE];   /* as given by the loader */
extern char saved_command_line[COMMAND_LINE_SIZE];  /* /proc/cmdline text (no newline) */
/* value of "name=value" (pointer into a static copy, NUL-terminated), "" for bare "name", NULL if absent */
const char *cmdline_get(const char *name);
bool cmdline_has(const char *name);
#endif
