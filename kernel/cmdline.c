/* Command line: early_param/__setup tables (section .init.setup), lookup helpers. */
#include "kernel.h"
#include "string.h"
#include "cmdline.h"
#include "boot.h"

char boot_command_line[COMMAND_LINE_SIZE];
char saved_command_line[COMMAND_LINE_SIZE];
extern const struct obs_kernel_param __setup_start[], __setup_end[];

/* iterate "key[=value]" tokens (double quotes group spaces) */
static const char *next_token(const char *p, char *tok, int size)
{
	int n = 0;
	bool q = false;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	for (; *p && (q || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
		if (*p == '"') {
			q = !q;
			continue;
		}
		if (n < size - 1)
			tok[n++] = *p;
	}
	tok[n] = 0;
	return p;
}

static void run_params(int early)
{
	char tok[256];
	const char *p = boot_command_line;
	while ((p = next_token(p, tok, sizeof(tok)))) {
		const struct obs_kernel_param *s;
		char *eq = strchr(tok, '=');
		for (s = __setup_start; s < __setup_end; s++) {
			size_t n = strlen(s->str);
			if (s->early != early)
				continue;
			if (early) {
				size_t kl = eq ? (size_t)(eq - tok) : strlen(tok);
				if (kl == n && !strncmp(tok, s->str, n))
					s->setup_func(eq ? eq + 1 : NULL);
			} else if (!strncmp(tok, s->str, n)) {
				if (s->setup_func(tok + n))
					break;
			}
		}
	}
}

void parse_early_params(void) { run_params(1); }
void parse_setup_params(void) { run_params(0); }

const char *cmdline_get(const char *name)
{
	static char val[256];
	char tok[256];
	const char *p = boot_command_line;
	size_t n = strlen(name);
	while ((p = next_token(p, tok, sizeof(tok)))) {
		if (strncmp(tok, name, n))
			continue;
		if (tok[n] == '=') {
			strlcpy(val, tok + n + 1, sizeof(val));
			return val;
		}
		if (!tok[n])
			return "";
	}
	return NULL;
}

bool cmdline_has(const char *name)
{
	return cmdline_get(name) != NULL;
}
