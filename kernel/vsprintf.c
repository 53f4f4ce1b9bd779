/* vsnprintf with the Linux kernel extensions used by dumps: %pS %ps %pB %px %*ph %*pbl; number parsing. */
#include "kernel.h"
#include "string.h"
#include "kallsyms.h"

struct out { char *buf; size_t size, pos; };

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void puts_pad(struct out *o, const char *s, int len, int width, bool left)
{
	int i;
	if (!left)
		for (i = len; i < width; i++)
			put(o, ' ');
	for (i = 0; i < len; i++)
		put(o, s[i]);
	if (left)
		for (i = len; i < width; i++)
			put(o, ' ');
}

static void number(struct out *o, unsigned long long v, int base, bool neg, int width, int prec,
		   bool zero, bool left, bool upper, bool plus, bool space, bool alt)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, i, sign = 0, pfx = 0;
	if (v == 0)
		tmp[n++] = '0';
	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (prec >= 0 && prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	int digits_n = n < prec ? prec : n;
	if (neg || plus || space)
		sign = 1;
	if (alt && base == 16)
		pfx = 2;
	else if (alt && base == 8 && tmp[n - 1] != '0')
		pfx = 1;
	int total = digits_n + sign + pfx;
	if (!left && !(zero && prec < 0))
		for (i = total; i < width; i++)
			put(o, ' ');
	if (sign)
		put(o, neg ? '-' : plus ? '+' : ' ');
	if (pfx) {
		put(o, '0');
		if (pfx == 2)
			put(o, upper ? 'X' : 'x');
	}
	if (!left && zero && prec < 0)
		for (i = total; i < width; i++)
			put(o, '0');
	for (i = n; i < digits_n; i++)
		put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (i = total; i < width; i++)
			put(o, ' ');
}

static void bitmap_list(struct out *o, const unsigned long *bits, int nbits)
{
	int i = 0;
	bool first = true;
	while (i < nbits) {
		if (!(bits[i / 64] >> (i % 64) & 1)) {
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < nbits && (bits[(j + 1) / 64] >> ((j + 1) % 64) & 1))
			j++;
		if (!first)
			put(o, ',');
		first = false;
		number(o, i, 10, false, 0, -1, false, false, false, false, false, false);
		if (j > i) {
			put(o, '-');
			number(o, j, 10, false, 0, -1, false, false, false, false, false, false);
		}
		i = j + 1;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		bool left = false, zero = false, plus = false, space = false, alt = false;
		for (;; fmt++) {
			if (*fmt == '-') left = true;
			else if (*fmt == '0') zero = true;
			else if (*fmt == '+') plus = true;
			else if (*fmt == ' ') space = true;
			else if (*fmt == '#') alt = true;
			else break;
		}
		int width = -1, prec = -1;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		bool width_given = width > 0 || fmt[-1] == '*';
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (*fmt - '0');
			}
		}
		int lng = 0;
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h' || *fmt == 't' || *fmt == 'j') {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lng++;
			else
				lng = lng > 0 ? lng : -1;
			fmt++;
		}
		unsigned long long uv;
		long long sv;
		switch (*fmt) {
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
			puts_pad(&o, s, len, width, left);
			break;
		}
		case 'd':
		case 'i':
			sv = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng < 0)
				sv = (short)sv;
			number(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv, 10, sv < 0, width, prec,
			       zero, left, false, plus, space, false);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			uv = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng < 0)
				uv = (unsigned short)uv;
			number(&o, uv, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, false, width, prec, zero, left,
			       *fmt == 'X', false, false, alt);
			break;
		case 'p': {
			void *p = va_arg(ap, void *);
			char sym[KSYM_SYMBOL_LEN];
			if (fmt[1] == 'S' || fmt[1] == 's' || fmt[1] == 'B') {
				if (fmt[1] == 'S')
					sprint_symbol(sym, (unsigned long)p);
				else if (fmt[1] == 'B')
					sprint_backtrace(sym, (unsigned long)p);
				else
					sprint_symbol_no_offset(sym, (unsigned long)p);
				puts_pad(&o, sym, strlen(sym), width, left);
				fmt++;
			} else if (fmt[1] == 'h') {
				const unsigned char *b = p;
				int n = width_given ? width : 1, i;
				for (i = 0; i < n && i < 64; i++) {
					if (i)
						put(&o, ' ');
					number(&o, b[i], 16, false, 2, -1, true, false, false, false, false, false);
				}
				fmt++;
			} else if (fmt[1] == 'b' && fmt[2] == 'l') {
				bitmap_list(&o, p, width_given ? width : 64);
				fmt += 2;
			} else {
				if (fmt[1] == 'x' || fmt[1] == 'K')
					fmt++;
				number(&o, (unsigned long)p, 16, false, 16, -1, true, false, false, false, false, false);
			}
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = 0;
	return o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	if (!size)
		return 0;
	return n < (int)size ? n : (int)size - 1;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, 1 << 20, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- number parsing ---- */
static int digit(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'z') return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
	return 99;
}

static const char *base_prefix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit(s[2]) < 16) {
			*base = 16;
			return s + 2;
		}
		*base = s[0] == '0' ? 8 : 10;
	} else if (*base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		return s + 2;
	}
	return s;
}

unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long v = 0;
	cp = base_prefix(cp, &base);
	while (digit(*cp) < (int)base)
		v = v * base + digit(*cp++);
	if (endp)
		*endp = (char *)cp;
	return v;
}

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	return simple_strtoull(cp, endp, base);
}

long simple_strtol(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long)simple_strtoull(cp + 1, endp, base);
	return simple_strtoull(cp, endp, base);
}

/* Linux kstrtoull: whole string (one trailing newline allowed), overflow -> -ERANGE */
static int _kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;
	if (*s == '+')
		s++;
	s = base_prefix(s, &base);
	if (digit(*s) >= (int)base)
		return -EINVAL;
	while (digit(*s) < (int)base) {
		unsigned long long nv = v * base + digit(*s);
		if (v > (~0ULL) / base || nv < v * base)
			return -ERANGE;
		v = nv;
		s++;
	}
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int r = _kstrtoull(s, base, &v);
	if (!r)
		*res = v;
	return r;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	unsigned long long v;
	int r;
	if (*s == '-') {
		r = _kstrtoull(s + 1, base, &v);
		if (r)
			return r;
		if (v > (unsigned long long)LONG_MAX + 1)
			return -ERANGE;
		*res = (long)(0ULL - v);       /* unsigned negation: no overflow for LONG_MIN */
		return 0;
	}
	r = _kstrtoull(s, base, &v);
	if (r)
		return r;
	if (v > LONG_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long v;
	int r = kstrtoul(s, base, &v);
	if (r)
		return r;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long v;
	int r = kstrtol(s, base, &v);
	if (r)
		return r;
	if (v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') { *res = true; return 0; }
		if (s[1] == 'f' || s[1] == 'F') { *res = false; return 0; }
	}
	return -EINVAL;
}
