/* shell_complete.c - Tab completion for the line editor (owner: kuser): the first word completes
 * command names, later words complete paths in the RAM filesystem (directories get a '/', a unique
 * file a ' '). Several candidates: their common prefix is inserted, or they are listed. */
#include "shell_int.h"

struct cands {
	struct kbuf list;              /* "a  b  c" */
	char *common;                  /* longest common prefix so far (kmalloc'd) */
	int n;
	bool dir;                      /* the single candidate is a directory */
};

static void add_cand(struct cands *c, const char *name, bool dir)
{
	if (c->n++) {
		kbuf_put(&c->list, "  ", 2);
		size_t k = 0;
		while (c->common[k] && c->common[k] == name[k])
			k++;
		c->common[k] = 0;
	} else {
		c->common = kuser_strdup(name);
	}
	kbuf_put(&c->list, name, strlen(name));
	c->dir = dir;
}

void sh_complete(const char *line, size_t len, struct kbuf *insert, struct kbuf *list)
{
	size_t ws = len;
	while (ws > 0 && line[ws - 1] != ' ')
		ws--;
	const char *word = line + ws;
	size_t wl = len - ws;
	bool first = true;
	for (size_t i = 0; i < ws; i++)
		if (line[i] != ' ' && !strchr(";&|", line[i]))
			first = false;
		else if (strchr(";&|", line[i]))
			first = true;
	struct cands c = { 0 };
	size_t plen;                   /* length of the part of the word being completed */

	if (first && !memchr(word, '/', wl)) {
		const struct sh_command *tables[] = { sh_fs_commands, sh_text_commands, sh_sys_commands };
		plen = wl;
		for (unsigned int t = 0; t < ARRAY_SIZE(tables); t++)
			for (const struct sh_command *cmd = tables[t]; cmd->name; cmd++)
				if (!strncmp(cmd->name, word, wl))
					add_cand(&c, cmd->name, false);
	} else {
		const char *slash = NULL;
		for (size_t i = 0; i < wl; i++)
			if (word[i] == '/')
				slash = word + i;
		const char *base = slash ? slash + 1 : word;
		plen = word + wl - base;
		struct inode *dir = sh_cwd;
		if (slash) {
			char *d = kstrdup_n(word, slash == word ? 1 : (size_t)(slash - word));
			int err = d ? fs_lookup(sh_cwd, d, 0, &dir) : -ENOMEM;
			kfree(d);
			if (err || !S_ISDIR(dir->mode))
				return;
		}
		if (!dir)
			dir = fs_root();
		for (struct inode *ch = dir->children; ch; ch = ch->next) {
			if (strncmp(ch->name, base, plen) || (ch->name[0] == '.' && base[0] != '.'))
				continue;
			struct inode *target = ch;
			if (S_ISLNK(ch->mode) && fs_lookup(dir, ch->name, 0, &target))
				target = ch;
			add_cand(&c, ch->name, S_ISDIR(target->mode));
		}
	}
	if (c.n) {
		size_t cl = strlen(c.common);
		if (cl > plen)
			kbuf_put(insert, c.common + plen, cl - plen);
		if (c.n == 1)
			kbuf_putc(insert, c.dir ? '/' : ' ');
		else
			kbuf_put(list, c.list.data, c.list.len);
	}
	kfree(c.common);
	kbuf_free(&c.list);
}
