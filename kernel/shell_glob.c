/* shell_glob.c - word expansion: unquoted * ? [...] match names in the RAM filesystem, component by
 * component ("/proc/sys/kernel/soft*", "m?d/x"). Matches come out sorted (directories keep their
 * children sorted); a pattern that matches nothing stays as typed, as in sh. Owner: kuser. */
#include "shell_int.h"

static bool has_meta(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\') {
			i++;
			continue;
		}
		if (p[i] == '*' || p[i] == '?' || p[i] == '[')
			return true;
	}
	return false;
}

static int push(struct sh_argv *a, char *s)
{
	char **v = kmalloc((a->argc + 2) * sizeof(char *), GFP_KERNEL);
	if (!v) {
		kfree(s);
		return -ENOMEM;
	}
	if (a->argc)
		memcpy(v, a->argv, a->argc * sizeof(char *));
	v[a->argc++] = s;
	v[a->argc] = NULL;
	kfree(a->argv);
	a->argv = v;
	return 0;
}

/* Expand pattern rest (no leading '/') inside dir; prefix is the text matched so far. */
static int expand_in(struct inode *dir, struct kbuf *prefix, const char *rest, struct sh_argv *out)
{
	while (*rest == '/') {
		kbuf_putc(prefix, '/');
		rest++;
	}
	if (!*rest)
		return push(out, kstrdup_n(prefix->data, prefix->len));
	const char *end = rest;
	while (*end && *end != '/')
		end++;
	size_t n = end - rest;
	char *comp = kstrdup_n(rest, n);
	size_t mark = prefix->len;
	int err = 0;
	if (!comp)
		return -ENOMEM;
	if (!has_meta(rest, n)) {
		glob_unescape(comp);
		struct inode *next;
		if (!fs_lookup(dir, comp, *end ? 0 : FS_NOFOLLOW, &next) && (!*end || S_ISDIR(next->mode))) {
			kbuf_put(prefix, comp, strlen(comp));
			err = expand_in(next, prefix, end, out);
		}
	} else if (S_ISDIR(dir->mode)) {
		for (struct inode *ch = dir->children; ch && !err; ch = ch->next) {
			if (!glob_match(comp, ch->name))
				continue;
			struct inode *target = ch;
			if (*end && (S_ISLNK(ch->mode) ? fs_lookup(dir, ch->name, 0, &target) : 0))
				continue;
			if (*end && !S_ISDIR(target->mode))
				continue;
			prefix->len = mark;
			kbuf_put(prefix, ch->name, strlen(ch->name));
			err = expand_in(target, prefix, end, out);
		}
	}
	prefix->len = mark;
	kfree(comp);
	return err;
}

/* Replace the $? markers of s (kmalloc'd) by the status; returns a new string, s is freed. */
static char *subst_status(char *s)
{
	if (!s || !strchr(s, SH_STATUS_MARK))
		return s;
	struct kbuf b = { 0 };
	for (const char *p = s; *p; p++)
		if (*p == SH_STATUS_MARK)
			kbuf_printf(&b, "%d", sh_last_status);
		else
			kbuf_putc(&b, *p);
	kbuf_putc(&b, 0);
	kfree(s);
	return b.data;
}

int sh_expand(struct inode *cwd, const struct sh_cmd *c, struct sh_argv *out)
{
	int err = 0;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < c->nwords && !err; i++) {
		const struct sh_word *w = &c->words[i];
		if (strchr(w->text, SH_STATUS_MARK)) {
			err = push(out, subst_status(kuser_strdup(w->text)));
			continue;
		}
		if (w->glob) {
			int before = out->argc;
			struct kbuf prefix = { 0 };
			const char *pat = w->pat;
			struct inode *start = cwd ? cwd : fs_root();
			if (*pat == '/') {
				start = fs_root();
			}
			kbuf_put(&prefix, "", 0);
			err = expand_in(start, &prefix, pat, out);
			kbuf_free(&prefix);
			if (err || out->argc > before)
				continue;
		}
		err = push(out, kuser_strdup(w->text));
	}
	if (err)
		sh_argv_free(out);
	return err;
}

void sh_argv_free(struct sh_argv *a)
{
	for (int i = 0; i < a->argc; i++)
		kfree(a->argv[i]);
	kfree(a->argv);
	a->argv = NULL;
	a->argc = 0;
}
