/* shell.h - the in-kernel shell (owner: kuser). */
#ifndef EMU_SHELL_H
#define EMU_SHELL_H

/* Called by kcore's init task once boot is done (after proc_init()). Never returns.
 * Starts in SHELL_HOME (holds the bundled and configured .ko files from the initramfs). */
#define SHELL_HOME "/root"
void shell_start(void);

/* Run one command line as if typed at the prompt (used by tests and boot scripts). Returns the exit
 * status of the last command (0 ok, 1 error, 127 not found). */
int shell_run_line(const char *line);

#endif
