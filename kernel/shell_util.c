/* shell_util.c - output and lookup helpers of the shell (no task dependencies: host-tested). */
#include "shell_int.h"
#include "console.h"

void sh_write(struct sh_ctx *c, const char *s, size_t n)
{
	if (c && c->out)
		kbuf_put(c->out, s, n);
	else
		console_write(s, n);
}

void sh_printf(struct sh_ctx *c, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		sh_write(c, small, n);
		return;
	}
	char *big = kmalloc(n + 1, GFP_KERNEL);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	sh_write(c, big, n);
	kfree(big);
}

void sh_eprintf(struct sh_ctx *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = min(n, (int)sizeof(buf) - 1);
	if (c && c->err_to_out)
		sh_write(c, buf, n);
	else if (c && c->err)
		kbuf_put(c->err, buf, n);
	else
		console_write(buf, n);
}

void sh_err(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, min(n, (int)sizeof(buf) - 1));
}

const struct sh_command *sh_find_command(const char *name)
{
	const struct sh_command *tables[] = { sh_fs_commands, sh_text_commands, sh_sys_commands };
	for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++)
		for (const struct sh_command *c = tables[i]; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

int sh_read_file(struct sh_ctx *c, const char *path, char **data, unsigned long *len)
{
	struct inode *n;
	int err = fs_lookup(c->cwd, path, 0, &n);
	if (err)
		return err;
	return fs_read_all(n, (void **)data, len);
}

