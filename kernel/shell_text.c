/* shell_text.c - commands that print or filter text: cat echo grep head tail wc (owner: kuser).
 * Messages follow busybox (cat, head, tail, wc) and GNU grep (grep . soft* prints "name:line");
 * without a file argument the filters read stdin (a pipe or < file). */
#include "shell_int.h"

/* ---- cat / echo ---- */

static int cmd_cat(struct sh_ctx *c, int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		if (c->has_in)
			sh_write(c, c->in, c->in_len);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			if (c->has_in)
				sh_write(c, c->in, c->in_len);
			continue;
		}
		struct inode *n;
		char *data;
		unsigned long len;
		int err = fs_lookup(c->cwd, argv[i], 0, &n);
		if (err) {
			sh_eprintf(c, "cat: can't open '%s': %s\n", argv[i], kuser_strerror(-err));
			status = 1;
			continue;
		}
		err = fs_read_all(n, (void **)&data, &len);
		if (err) {
			sh_eprintf(c, "cat: read error: %s\n", kuser_strerror(-err));
			status = 1;
			continue;
		}
		sh_write(c, data, len);
		kfree(data);
		if (sh_interrupted())
			return 130;
	}
	return status;
}

static bool only_chars(const char *s, const char *set)
{
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static int cmd_echo(struct sh_ctx *c, int argc, char **argv)
{
	bool newline = true, escapes = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *p = argv[i] + 1;
		if (!only_chars(p, "neE"))
			break;
		for (; *p; p++)
			if (*p == 'n')
				newline = false;
			else if (*p == 'e')
				escapes = true;
			else
				escapes = false;
	}
	struct kbuf b = { 0 };
	for (int first = i; i < argc; i++) {
		if (i > first)
			kbuf_putc(&b, ' ');
		for (const char *p = argv[i]; *p; p++) {
			if (!escapes || *p != '\\' || !p[1]) {
				kbuf_putc(&b, *p);
				continue;
			}
			switch (*++p) {
			case 'n': kbuf_putc(&b, '\n'); break;
			case 't': kbuf_putc(&b, '\t'); break;
			case 'r': kbuf_putc(&b, '\r'); break;
			case '\\': kbuf_putc(&b, '\\'); break;
			case 'c': newline = false; i = argc; goto done;
			default: kbuf_putc(&b, '\\'); kbuf_putc(&b, *p);
			}
		}
	}
done:
	if (newline)
		kbuf_putc(&b, '\n');
	if (b.len)
		sh_write(c, b.data, b.len);
	kbuf_free(&b);
	return 0;
}

/* ---- grep: a basic-regex subset (. * ^ $ [...] \x), or fixed strings with -F ---- */

struct grep_opts {
	bool icase, invert, count, number, names, quiet, fixed, list, nomsg;
	const char *pattern;
};

static char fold(char ch, bool icase)
{
	return icase && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* one pattern atom at p against character ch; *len = atom length */
static bool atom_match(const char *p, char ch, size_t *len, bool icase)
{
	if (*p == '.') {
		*len = 1;
		return true;
	}
	if (*p == '\\' && p[1]) {
		*len = 2;
		return fold(p[1], icase) == fold(ch, icase);
	}
	if (*p == '[') {
		const char *q = p + 1;
		bool neg = false, ok = false;
		if (*q == '^')
			neg = true, q++;
		const char *start = q;
		while (*q && (*q != ']' || q == start)) {
			char lo = *q, hi = lo;
			if (q[1] == '-' && q[2] && q[2] != ']')
				hi = q[2], q += 2;
			if ((fold(ch, icase) >= fold(lo, icase) && fold(ch, icase) <= fold(hi, icase)) ||
			    (ch >= lo && ch <= hi))
				ok = true;
			q++;
		}
		if (*q == ']') {
			*len = q - p + 1;
			return ok != neg;
		}
	}
	*len = 1;
	return fold(*p, icase) == fold(ch, icase);
}

static bool match_at(const char *re, const char *s, const char *end, bool icase)
{
	while (*re) {
		if (re[0] == '$' && !re[1])
			return s == end;
		size_t alen;
		atom_match(re, 0, &alen, icase);
		if (re[alen] == '*') {
			const char *t = s;
			while (t < end && atom_match(re, *t, &alen, icase))
				t++;
			for (; t >= s; t--)
				if (match_at(re + alen + 1, t, end, icase))
					return true;
			return false;
		}
		if (s >= end || !atom_match(re, *s, &alen, icase))
			return false;
		re += alen;
		s++;
	}
	return true;
}

static bool grep_line_matches(const char *re, const char *s, size_t n, bool icase, bool fixed)
{
	const char *end = s + n;
	if (fixed) {
		size_t pl = strlen(re);
		for (const char *p = s; p + pl <= end; p++) {
			size_t k = 0;
			while (k < pl && fold(p[k], icase) == fold(re[k], icase))
				k++;
			if (k == pl)
				return true;
		}
		return false;
	}
	if (*re == '^')
		return match_at(re + 1, s, end, icase);
	for (const char *p = s; p <= end; p++)
		if (match_at(re, p, end, icase))
			return true;
	return false;
}

static int grep_buf(struct sh_ctx *c, struct grep_opts *o, const char *name, const char *data, size_t len)
{
	int matches = 0;
	unsigned long lineno = 0;
	bool binary = memchr(data, 0, len) != NULL;     /* GNU grep 3.4: one line for a binary file */
	for (size_t pos = 0; pos < len; ) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		lineno++;
		bool m = grep_line_matches(o->pattern, data + pos, end - pos, o->icase, o->fixed) != o->invert;
		if (m) {
			matches++;
			if (o->quiet || o->list)
				break;
			if (binary && !o->count) {
				sh_printf(c, "Binary file %s matches\n", name);
				break;
			}
			if (!o->count) {
				struct kbuf b = { 0 };
				if (o->names)
					kbuf_printf(&b, "%s:", name);
				if (o->number)
					kbuf_printf(&b, "%lu:", lineno);
				kbuf_put(&b, data + pos, end - pos);
				kbuf_putc(&b, '\n');
				sh_write(c, b.data, b.len);
				kbuf_free(&b);
			}
		}
		pos = end + 1;
	}
	if (o->count) {
		if (o->names)
			sh_printf(c, "%s:%d\n", name, matches);
		else
			sh_printf(c, "%d\n", matches);
	}
	if (o->list && matches)
		sh_printf(c, "%s\n", name);
	return matches;
}

static int cmd_grep(struct sh_ctx *c, int argc, char **argv)
{
	struct grep_opts o = { 0 };
	int i = 1, force_names = -1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *p = argv[i] + 1; *p; p++) {
			switch (*p) {
			case 'i': o.icase = true; break;
			case 'v': o.invert = true; break;
			case 'c': o.count = true; break;
			case 'n': o.number = true; break;
			case 'q': o.quiet = true; break;
			case 'F': o.fixed = true; break;
			case 'l': o.list = true; break;
			case 's': o.nomsg = true; break;
			case 'H': force_names = 1; break;
			case 'h': force_names = 0; break;
			case 'G': break;
			case 'e':
				if (p[1]) {
					o.pattern = p + 1;
				} else if (i + 1 < argc) {
					o.pattern = argv[++i];
				} else {
					sh_eprintf(c, "grep: option requires an argument -- 'e'\n");
					return 2;
				}
				goto next_arg;
			default:
				sh_eprintf(c, "grep: invalid option -- '%c'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
				       "Try 'grep --help' for more information.\n", *p);
				return 2;
			}
		}
next_arg:;
	}
	if (!o.pattern) {
		if (i >= argc) {
			sh_eprintf(c, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
			return 2;
		}
		o.pattern = argv[i++];
	}
	int nfiles = argc - i, matched = 0, errors = 0;
	o.names = force_names >= 0 ? force_names : nfiles > 1;
	if (!nfiles) {
		matched = grep_buf(c, &o, "(standard input)", c->has_in ? c->in : "", c->has_in ? c->in_len : 0);
		return matched ? 0 : 1;
	}
	for (; i < argc; i++) {
		struct inode *n;
		char *data;
		unsigned long len;
		int err = fs_lookup(c->cwd, argv[i], 0, &n);
		if (!err && S_ISDIR(n->mode))
			err = -EISDIR;
		if (!err)
			err = fs_read_all(n, (void **)&data, &len);
		if (err) {
			if (!o.nomsg)
				sh_eprintf(c, "grep: %s: %s\n", argv[i], kuser_strerror(-err));
			errors++;
			continue;
		}
		matched += grep_buf(c, &o, argv[i], data, len) > 0;
		kfree(data);
		if (o.quiet && matched)
			return 0;
	}
	return errors && !(o.quiet && matched) ? 2 : matched ? 0 : 1;
}

/* ---- head / tail / wc (on files or stdin) ---- */

/* Input of a filter: the named file, or stdin. Returns 0 or prints "<tool>: <file>: <err>". */
static int filter_input(struct sh_ctx *c, const char *tool, const char *file, char **data,
			unsigned long *len, bool *owned)
{
	*owned = false;
	if (!file || !strcmp(file, "-")) {
		*data = (char *)(c->has_in ? c->in : "");
		*len = c->has_in ? c->in_len : 0;
		return 0;
	}
	int err = sh_read_file(c, file, data, len);
	if (err) {
		sh_eprintf(c, "%s: %s: %s\n", tool, file, kuser_strerror(-err));
		return 1;
	}
	*owned = true;
	return 0;
}

static int parse_count(struct sh_ctx *c, const char *tool, int *i, int argc, char **argv, long *n)
{
	const char *v = NULL;
	if (!strcmp(argv[*i], "-n") && *i + 1 < argc)
		v = argv[++*i];
	else if (!strncmp(argv[*i], "-n", 2))
		v = argv[*i] + 2;
	else if (argv[*i][0] == '-' && argv[*i][1] >= '0' && argv[*i][1] <= '9')
		v = argv[*i] + 1;
	if (!v || kstrtol(v, 10, n) || *n < 0) {
		sh_eprintf(c, "%s: invalid number '%s'\n", tool, v ? v : argv[*i]);
		return 1;
	}
	return 0;
}

static int head_tail(struct sh_ctx *c, int argc, char **argv, bool tail)
{
	const char *tool = tail ? "tail" : "head";
	long n = 10;
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		if (parse_count(c, tool, &i, argc, argv, &n))
			return 1;
	int nfiles = argc - i;
	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		const char *file = nfiles ? argv[i + f] : NULL;
		char *data;
		unsigned long len;
		bool owned;
		if (filter_input(c, tool, file, &data, &len, &owned)) {
			status = 1;
			continue;
		}
		if (nfiles > 1)
			sh_printf(c, "%s==> %s <==\n", f ? "\n" : "", file);
		size_t start = 0, end = len;
		if (tail) {               /* the last n lines: walk back over n newlines */
			long lines = 0;
			size_t p = len;
			if (p && data[p - 1] == '\n')
				p--;
			while (p > 0 && lines < n)
				if (data[--p] == '\n')
					lines++;
			start = (lines == n && data[p] == '\n') ? p + 1 : p;
			if (n == 0)
				start = len;
		} else {
			long lines = 0;
			for (end = 0; end < len && lines < n; end++)
				if (data[end] == '\n')
					lines++;
		}
		sh_write(c, data + start, end - start);
		if (owned)
			kfree(data);
	}
	return status;
}

static int cmd_head(struct sh_ctx *c, int argc, char **argv)
{
	return head_tail(c, argc, argv, false);
}

static int cmd_tail(struct sh_ctx *c, int argc, char **argv)
{
	return head_tail(c, argc, argv, true);
}

static int cmd_wc(struct sh_ctx *c, int argc, char **argv)
{
	bool l = false, w = false, b = false;
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *p = argv[i] + 1; *p; p++) {
			if (*p == 'l')
				l = true;
			else if (*p == 'w')
				w = true;
			else if (*p == 'c')
				b = true;
			else {
				sh_eprintf(c, "wc: invalid option -- '%c'\n", *p);
				return 1;
			}
		}
	if (!l && !w && !b)
		l = w = b = true;
	int nfiles = argc - i;
	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		const char *file = nfiles ? argv[i + f] : NULL;
		char *data;
		unsigned long len, lines = 0, words = 0;
		bool owned, inword = false;
		if (filter_input(c, "wc", file, &data, &len, &owned)) {
			status = 1;
			continue;
		}
		for (unsigned long k = 0; k < len; k++) {
			char ch = data[k];
			bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
			lines += ch == '\n';
			words += !space && !inword;
			inword = !space;
		}
		/* busybox: columns of width 7 with a space before each but the first; no name for stdin */
		bool first = true;
		if (l)
			sh_printf(c, first ? "%7lu" : " %7lu", lines), first = false;
		if (w)
			sh_printf(c, first ? "%7lu" : " %7lu", words), first = false;
		if (b)
			sh_printf(c, first ? "%7lu" : " %7lu", len), first = false;
		if (file)
			sh_printf(c, " %s", file);
		sh_write(c, "\n", 1);
		if (owned)
			kfree(data);
	}
	return status;
}

const struct sh_command sh_text_commands[] = {
	{ "cat", cmd_cat, 0, "cat [FILE]...      print files (/proc files too)" },
	{ "echo", cmd_echo, CMD_BUILTIN, "echo [-ne] [ARG]   print arguments (echo 5 > /proc/sys/kernel/x)" },
	{ "grep", cmd_grep, 0, "grep [-cFHhilnqsv] PATTERN [FILE]... (. * ^ $ [..])" },
	{ "head", cmd_head, 0, "head [-n N] [FILE]... first lines (10)" },
	{ "tail", cmd_tail, 0, "tail [-n N] [FILE]... last lines (10)" },
	{ "wc", cmd_wc, 0, "wc [-lwc] [FILE]... count lines, words, bytes" },
	{ NULL, NULL, 0, NULL }
};
