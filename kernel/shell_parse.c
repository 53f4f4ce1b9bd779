/* shell_parse.c - command line parsing for the in-kernel shell (owner: kuser).
 * POSIX-sh-like subset: words with '...' and "..." quoting and \ escapes, # comments, redirections
 * `> file`, `>> file`, `< file`, `2> file`, `2>&1`, `>&2`, the separators ; & && || |, and $? (the last status). A word remembers which of its
 * characters were quoted, so only unquoted * ? [ take part in glob expansion. */
#include "kuser.h"
#include "shell_int.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_glob_char(char c)
{
	return c == '*' || c == '?' || c == '[';
}

static void free_word(struct sh_word *w)
{
	kfree(w->text);
	kfree(w->pat);
}

void sh_line_free(struct sh_line *l)
{
	for (int i = 0; i < l->ncmds; i++) {
		struct sh_cmd *c = &l->cmds[i];
		for (int j = 0; j < c->nwords; j++)
			free_word(&c->words[j]);
		kfree(c->words);
		kfree(c->redir_out);
		kfree(c->redir_in);
		kfree(c->redir_err);
	}
	kfree(l->cmds);
	l->cmds = NULL;
	l->ncmds = 0;
}

/* Read one word starting at *pp. text gets the characters, pat the same with quoted glob
 * characters (and backslashes) escaped by '\'. Returns 0, or -1 on an unterminated quote. */
static int read_word(const char **pp, struct sh_word *w)
{
	const char *p = *pp;
	struct kbuf text = { 0 }, pat = { 0 };
	bool glob = false;

	while (*p && !is_blank(*p) && !strchr(";&|<>", *p)) {
		char q = *p;
		if (q == '\'' || q == '"') {
			p++;
			while (*p && *p != q) {
				char c = *p++;
				if (q == '"' && c == '$' && *p == '?') {
					p++;
					kbuf_putc(&text, SH_STATUS_MARK);
					kbuf_putc(&pat, SH_STATUS_MARK);
					continue;
				}
				if (q == '"' && c == '\\' && *p && strchr("$`\"\\", *p))
					c = *p++;
				kbuf_putc(&text, c);
				if (is_glob_char(c) || c == '\\')
					kbuf_putc(&pat, '\\');
				kbuf_putc(&pat, c);
			}
			if (!*p) {
				kbuf_free(&text);
				kbuf_free(&pat);
				return -1;
			}
			p++;
			continue;
		}
		if (q == '\\') {
			p++;
			if (!*p)
				break;
			char c = *p++;
			kbuf_putc(&text, c);
			if (is_glob_char(c) || c == '\\')
				kbuf_putc(&pat, '\\');
			kbuf_putc(&pat, c);
			continue;
		}
		p++;
		if (q == '$' && *p == '?') {
			p++;
			q = SH_STATUS_MARK;
		}
		if (is_glob_char(q))
			glob = true;
		kbuf_putc(&text, q);
		kbuf_putc(&pat, q);
	}
	kbuf_putc(&text, 0);
	kbuf_putc(&pat, 0);
	w->text = text.data;
	w->pat = pat.data;
	w->glob = glob;
	*pp = p;
	return 0;
}

static struct sh_cmd *new_cmd(struct sh_line *l)
{
	struct sh_cmd *cmds = kzalloc((l->ncmds + 1) * sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return NULL;
	if (l->ncmds)
		memcpy(cmds, l->cmds, l->ncmds * sizeof(*cmds));
	kfree(l->cmds);
	l->cmds = cmds;
	return &l->cmds[l->ncmds++];
}

static int add_word(struct sh_cmd *c, struct sh_word *w)
{
	struct sh_word *ws = kmalloc((c->nwords + 1) * sizeof(*ws), GFP_KERNEL);
	if (!ws)
		return -ENOMEM;
	if (c->nwords)
		memcpy(ws, c->words, c->nwords * sizeof(*ws));
	ws[c->nwords++] = *w;
	kfree(c->words);
	c->words = ws;
	return 0;
}

static const char *sep_token(int sep)
{
	switch (sep) {
	case SEP_SEMI: return ";";
	case SEP_BG: return "&";
	case SEP_AND: return "&&";
	case SEP_OR: return "||";
	case SEP_PIPE: return "|";
	default: return "newline";
	}
}

static void syntax_error(char *err, size_t errsz, const char *what)
{
	if (!strcmp(what, "newline"))
		snprintf(err, errsz, "syntax error: unexpected newline");
	else
		snprintf(err, errsz, "syntax error: unexpected \"%s\"", what);
}

int sh_parse(const char *line, struct sh_line *out, char *err, size_t errsz)
{
	const char *p = line;
	struct sh_cmd *cur = NULL;

	memset(out, 0, sizeof(*out));
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (!cur && !(cur = new_cmd(out)))
			goto nomem;
		if (*p == ';' || *p == '&' || *p == '|') {
			int sep;
			if (p[0] == '&' && p[1] == '&')
				sep = SEP_AND, p += 2;
			else if (p[0] == '|' && p[1] == '|')
				sep = SEP_OR, p += 2;
			else if (*p == ';')
				sep = SEP_SEMI, p++;
			else if (*p == '&')
				sep = SEP_BG, p++;
			else
				sep = SEP_PIPE, p++;
			if (!cur->nwords) {
				syntax_error(err, errsz, sep_token(sep));
				goto fail;
			}
			cur->sep = sep;
			cur = NULL;
			continue;
		}
		int fd = -1;                   /* "2>file", "1>>file", "2>&1", ">&2" */
		if ((p[0] == '1' || p[0] == '2') && p[1] == '>') {
			fd = p[0] - '0';
			p++;
		}
		if (*p == '>' && p[1] == '&' && (p[2] == '1' || p[2] == '2') &&
		    (!p[3] || is_blank(p[3]) || strchr(";&|<>", p[3]))) {
			int to = p[2] - '0';
			if (fd < 0)
				fd = 1;
			if (fd == 2 && to == 1)
				cur->err_to_out = true;
			else if (fd == 1 && to == 2)
				cur->out_to_err = true;
			p += 3;
			continue;
		}
		if (*p == '>' || *p == '<') {
			bool in = *p == '<', append = false;
			p++;
			if (!in && *p == '>') {
				append = true;
				p++;
			}
			while (is_blank(*p) && *p != '\n')
				p++;
			struct sh_word w;
			if (!*p || strchr(";&|<>", *p)) {
				syntax_error(err, errsz, !*p ? "newline" : (*p == '&' ? "&" : *p == ';' ? ";" :
						*p == '|' ? "|" : *p == '<' ? "<" : ">"));
				goto fail;
			}
			if (read_word(&p, &w))
				goto unterminated;
			kfree(w.pat);
			if (in) {
				kfree(cur->redir_in);
				cur->redir_in = w.text;
			} else if (fd == 2) {
				kfree(cur->redir_err);
				cur->redir_err = w.text;
				cur->err_append = append;
				cur->err_to_out = false;
			} else {
				kfree(cur->redir_out);
				cur->redir_out = w.text;
				cur->append = append;
			}
			continue;
		}
		struct sh_word w;
		if (read_word(&p, &w))
			goto unterminated;
		if (add_word(cur, &w)) {
			free_word(&w);
			goto nomem;
		}
	}
	/* a command with only redirections is allowed (">file" truncates); a dangling | && || is not */
	if (out->ncmds) {
		struct sh_cmd *last = &out->cmds[out->ncmds - 1];
		if (!cur && (last->sep == SEP_PIPE || last->sep == SEP_AND || last->sep == SEP_OR)) {
			syntax_error(err, errsz, "newline");
			goto fail;
		}
		if (cur && !cur->nwords && !cur->redir_out && !cur->redir_in && !cur->redir_err)
			out->ncmds--;
	}
	return 0;
unterminated:
	snprintf(err, errsz, "syntax error: unterminated quoted string");
	goto fail;
nomem:
	snprintf(err, errsz, "out of memory");
fail:
	sh_line_free(out);
	return -1;
}

/* Glob matching of one name: * ? [abc] [a-z] [!x] and \ escapes; a leading dot needs a literal dot. */
static bool match_here(const char *p, const char *n)
{
	for (; *p; p++, n++) {
		switch (*p) {
		case '*':
			while (p[1] == '*')
				p++;
			if (!p[1])
				return true;
			for (; *n; n++)
				if (match_here(p + 1, n))
					return true;
			return match_here(p + 1, n);
		case '?':
			if (!*n)
				return false;
			break;
		case '[': {
			const char *q = p + 1;
			bool neg = false, ok = false;
			if (*q == '!' || *q == '^')
				neg = true, q++;
			const char *start = q;
			while (*q && (*q != ']' || q == start)) {
				char lo = *q, hi = lo;
				if (q[1] == '-' && q[2] && q[2] != ']') {
					hi = q[2];
					q += 2;
				}
				if (*n >= lo && *n <= hi)
					ok = true;
				q++;
			}
			if (!*q) {             /* no closing ']': a literal '[' */
				if (*n != '[')
					return false;
				break;
			}
			if (!*n || ok == neg)
				return false;
			p = q;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*n != *p)
				return false;
		}
	}
	return !*n;
}

bool glob_match(const char *pat, const char *name)
{
	if (name[0] == '.' && pat[0] != '.')
		return false;
	return match_here(pat, name);
}

/* Remove backslash escapes from a glob pattern (for the no-match case). */
void glob_unescape(char *s)
{
	char *d = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		*d++ = *s;
	}
	*d = 0;
}
