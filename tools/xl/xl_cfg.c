/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xl.cfg syntax (xl_cfg.h): a hand-written scanner and parser over the
 * whole text, one statement at a time.
 *
 * Invariants:
 *  1. p->line is the number of the line p->pos is on; every consumed '\n'
 *     increments it, and nothing else does.
 *  2. A statement changes cfg only once it is complete (assign() runs
 *     after the end of the statement was seen), so an error leaves the
 *     settings of the statements before it.
 */
#include "xl_cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct xl_cfg *cfg;
	const char *source; /* the copy owned by cfg */
	const char *s;
	size_t len;
	size_t pos;
	unsigned int line;
	bool bare;
	char *err;
	size_t errlen;
};

/* A growing string. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

static int sbuf_add(struct sbuf *b, char c)
{
	char *n;

	if (b->len + 2 > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		n = realloc(b->p, b->cap);
		if (n == NULL) {
			return -ENOMEM;
		}
		b->p = n;
	}
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char peek(const struct parser *p)
{
	return p->pos < p->len ? p->s[p->pos] : '\0';
}

static char peek_at(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->len ? p->s[p->pos + ahead] : '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

/**
 * A syntax error at offset at (on line line): names the token there.
 * Always returns -EINVAL.
 */
static int syntax_error_at(
	struct parser *p, size_t at, unsigned int line, const char *what)
{
	char near[24];
	size_t n = 0;

	if (at >= p->len) {
		snprintf(near, sizeof(near), "end of file");
	} else if (p->s[at] == '\n') {
		snprintf(near, sizeof(near), "end of line");
	} else {
		/* The run of non-blank characters there, shortened. */
		while (at + n < p->len && n < 16 && !is_blank(p->s[at + n]) &&
			p->s[at + n] != '\n') {
			near[n] = p->s[at + n];
			n++;
		}
		if (n == 0) {
			near[n++] = p->s[at];
		}
		near[n] = '\0';
	}
	set_err(p->err, p->errlen, "%s:%u: config parsing error near `%s': %s",
		p->source, line, near, what);
	return -EINVAL;
}

static int syntax_error(struct parser *p, const char *what)
{
	return syntax_error_at(p, p->pos, p->line, what);
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos])) {
		p->pos++;
	}
}

static void skip_comment(struct parser *p)
{
	if (peek(p) == '#') {
		while (p->pos < p->len && p->s[p->pos] != '\n') {
			p->pos++;
		}
	}
}

/* Blanks, comments and newlines (inside a list). */
static void skip_space(struct parser *p)
{
	for (;;) {
		skip_blanks(p);
		skip_comment(p);
		if (peek(p) != '\n') {
			return;
		}
		p->pos++;
		p->line++;
	}
}

static void value_fini(struct xl_cfg_value *v)
{
	unsigned int i;

	free(v->text);
	for (i = 0; i < v->count; i++) {
		value_fini(&v->items[i]);
	}
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int hex_value(char c)
{
	if (is_digit(c)) {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* One escape after a backslash at p->pos; the character into *out. */
static int parse_escape(struct parser *p, char *out)
{
	size_t at = p->pos - 1;
	char c = peek(p);
	unsigned int v = 0, n = 0;
	int h;

	switch (c) {
	case 'n':
		*out = '\n';
		break;
	case 't':
		*out = '\t';
		break;
	case 'r':
		*out = '\r';
		break;
	case 'a':
		*out = '\a';
		break;
	case 'b':
		*out = '\b';
		break;
	case 'f':
		*out = '\f';
		break;
	case 'v':
		*out = '\v';
		break;
	case '\\':
	case '"':
	case '\'':
		*out = c;
		break;
	case 'x':
		while (n < 2 && (h = hex_value(peek_at(p, 1 + n))) >= 0) {
			v = v * 16 + (unsigned int)h;
			n++;
		}
		if (n == 0) {
			return syntax_error_at(
				p, at, p->line, "\\x needs hexadecimal digits");
		}
		p->pos += n;
		*out = (char)v;
		break;
	default:
		if (c < '0' || c > '7') {
			return syntax_error_at(
				p, at, p->line, "unknown escape in a string");
		}
		while (n < 3 && peek_at(p, n) >= '0' && peek_at(p, n) <= '7') {
			v = v * 8 + (unsigned int)(peek_at(p, n) - '0');
			n++;
		}
		if (v > 255) {
			return syntax_error_at(
				p, at, p->line, "octal escape out of range");
		}
		p->pos += n - 1;
		*out = (char)v;
		break;
	}
	p->pos++;
	if (*out == '\0') {
		return syntax_error_at(
			p, at, p->line, "a string cannot hold a NUL character");
	}
	return 0;
}

static int parse_string(struct parser *p, struct xl_cfg_value *v)
{
	struct sbuf b = {0};
	size_t start = p->pos;
	char quote = peek(p), c, e = 0;
	int rc;

	p->pos++;
	b.p = calloc(1, 1); /* an empty string is "" */
	if (b.p == NULL) {
		return -ENOMEM;
	}
	b.cap = 1;
	for (;;) {
		c = peek(p);
		if (p->pos >= p->len || c == '\n') {
			free(b.p);
			return syntax_error_at(
				p, start, p->line, "unterminated string");
		}
		p->pos++;
		if (c == quote) {
			break;
		}
		if (c == '\\') {
			rc = parse_escape(p, &e);
			if (rc < 0) {
				free(b.p);
				return rc;
			}
			c = e;
		}
		if (sbuf_add(&b, c) < 0) {
			free(b.p);
			return -ENOMEM;
		}
	}
	v->kind = XL_CFG_STRING;
	v->text = b.p;
	return 0;
}

static int parse_number(struct parser *p, struct xl_cfg_value *v)
{
	size_t start = p->pos;

	if (peek(p) == '-') {
		p->pos++;
	}
	while (p->pos < p->len &&
		(is_ident(p->s[p->pos]) || p->s[p->pos] == '.')) {
		p->pos++;
	}
	v->kind = XL_CFG_NUMBER;
	v->text = strndup(p->s + start, p->pos - start);
	return v->text ? 0 : -ENOMEM;
}

/* An unquoted word: the rest of the line, trailing blanks dropped. */
static int parse_bare(struct parser *p, struct xl_cfg_value *v)
{
	size_t start = p->pos, end;

	while (p->pos < p->len && p->s[p->pos] != '\n') {
		p->pos++;
	}
	end = p->pos;
	while (end > start && is_blank(p->s[end - 1])) {
		end--;
	}
	v->kind = XL_CFG_STRING;
	v->text = strndup(p->s + start, end - start);
	return v->text ? 0 : -ENOMEM;
}

static bool starts_number(const struct parser *p)
{
	return is_digit(peek(p)) || (peek(p) == '-' && is_digit(peek_at(p, 1)));
}

static int parse_scalar(struct parser *p, struct xl_cfg_value *v)
{
	char c = peek(p);

	if (c == '"' || c == '\'') {
		return parse_string(p, v);
	}
	if (starts_number(p)) {
		return parse_number(p, v);
	}
	if (c == '[') {
		return syntax_error(p, "lists cannot be nested");
	}
	return syntax_error(p, "expected a string or a number");
}

static int list_add(struct xl_cfg_value *list, struct xl_cfg_value *item)
{
	struct xl_cfg_value *n;

	n = realloc(list->items, sizeof(*n) * (list->count + 1));
	if (n == NULL) {
		return -ENOMEM;
	}
	list->items = n;
	list->items[list->count++] = *item;
	memset(item, 0, sizeof(*item));
	return 0;
}

static int parse_list(struct parser *p, struct xl_cfg_value *v)
{
	struct xl_cfg_value item;
	size_t start = p->pos;
	unsigned int start_line = p->line;
	int rc;

	p->pos++;
	v->kind = XL_CFG_LIST;
	for (;;) {
		skip_space(p);
		if (peek(p) == ']') {
			p->pos++;
			return 0;
		}
		if (p->pos >= p->len) {
			return syntax_error_at(
				p, start, start_line, "unterminated list");
		}
		memset(&item, 0, sizeof(item));
		rc = parse_scalar(p, &item);
		if (rc == 0) {
			rc = list_add(v, &item);
		}
		if (rc < 0) {
			value_fini(&item);
			return rc;
		}
		skip_space(p);
		if (peek(p) == ',') {
			p->pos++;
		} else if (peek(p) == ']') {
			p->pos++;
			return 0;
		} else if (p->pos >= p->len) {
			return syntax_error_at(
				p, start, start_line, "unterminated list");
		} else {
			return syntax_error(p, "expected `,' or `]' in a list");
		}
	}
}

static int parse_value(struct parser *p, struct xl_cfg_value *v)
{
	char c = peek(p);

	if (c == '[') {
		return parse_list(p, v);
	}
	if (c == '"' || c == '\'' || starts_number(p)) {
		return parse_scalar(p, v);
	}
	if (p->bare && p->pos < p->len && c != '\n' && c != ';' && c != '#') {
		return parse_bare(p, v);
	}
	return syntax_error(p, "expected a string, a number or a list");
}

static struct xl_cfg_setting *find(const struct xl_cfg *cfg, const char *key)
{
	unsigned int i;

	for (i = 0; i < cfg->count; i++) {
		if (strcmp(cfg->settings[i].key, key) == 0) {
			return &cfg->settings[i];
		}
	}
	return NULL;
}

/* key += v on an existing setting s. */
static int append(struct parser *p, struct xl_cfg_setting *s,
	struct xl_cfg_value *v, unsigned int line)
{
	struct xl_cfg_value *old = &s->value;
	unsigned int i;
	char *t;
	int rc;

	if (old->kind == XL_CFG_LIST && v->kind == XL_CFG_LIST) {
		for (i = 0; i < v->count; i++) {
			rc = list_add(old, &v->items[i]);
			if (rc < 0) {
				return rc;
			}
		}
		value_fini(v);
		return 0;
	}
	if (old->kind == XL_CFG_LIST) {
		return list_add(old, v);
	}
	if (old->kind == XL_CFG_STRING && v->kind == XL_CFG_STRING) {
		t = malloc(strlen(old->text) + strlen(v->text) + 1);
		if (t == NULL) {
			return -ENOMEM;
		}
		strcpy(t, old->text);
		strcat(t, v->text);
		free(old->text);
		old->text = t;
		value_fini(v);
		return 0;
	}
	set_err(p->err, p->errlen,
		"%s:%u: %s: cannot append %s to the %s set at %s:%u", p->source,
		line, s->key, v->kind == XL_CFG_LIST ? "a list" : "a scalar",
		old->kind == XL_CFG_NUMBER ? "number" : "value", s->source,
		s->line);
	return -EINVAL;
}

static int assign(struct parser *p, char *key, struct xl_cfg_value *v, bool add,
	unsigned int line)
{
	struct xl_cfg *cfg = p->cfg;
	struct xl_cfg_setting *s = find(cfg, key), *n;
	int rc;

	if (s != NULL) {
		free(key);
		if (add) {
			rc = append(p, s, v, line);
		} else {
			value_fini(&s->value);
			s->value = *v;
			memset(v, 0, sizeof(*v));
			rc = 0;
		}
		if (rc == 0) {
			s->source = p->source;
			s->line = line;
		}
		return rc;
	}
	if (cfg->count == cfg->cap) {
		cfg->cap = cfg->cap ? 2 * cfg->cap : 16;
		n = realloc(cfg->settings, sizeof(*n) * cfg->cap);
		if (n == NULL) {
			free(key);
			return -ENOMEM;
		}
		cfg->settings = n;
	}
	s = &cfg->settings[cfg->count++];
	s->key = key;
	s->value = *v;
	memset(v, 0, sizeof(*v));
	s->source = p->source;
	s->line = line;
	return 0;
}

/* One statement, or an empty one. 1: parsed, 0: end of text, or -errno. */
static int parse_statement(struct parser *p)
{
	struct xl_cfg_value v = {0};
	size_t kstart, kend;
	unsigned int line;
	bool add = false;
	char *key;
	int rc;

	skip_blanks(p);
	skip_comment(p);
	if (p->pos >= p->len) {
		return 0;
	}
	if (peek(p) == '\n') {
		p->pos++;
		p->line++;
		return 1;
	}
	if (peek(p) == ';') {
		p->pos++;
		return 1;
	}
	if (!is_alpha(peek(p)) && peek(p) != '_') {
		return syntax_error(p, "expected a setting name");
	}
	kstart = p->pos;
	line = p->line;
	while (p->pos < p->len && is_ident(p->s[p->pos])) {
		p->pos++;
	}
	kend = p->pos;
	skip_blanks(p);
	if (peek(p) == '+' && peek_at(p, 1) == '=') {
		add = true;
		p->pos += 2;
	} else if (peek(p) == '=') {
		p->pos++;
	} else {
		return syntax_error(p, "expected `=' after the setting name");
	}
	skip_blanks(p);
	rc = parse_value(p, &v);
	if (rc < 0) {
		value_fini(&v);
		return rc;
	}
	skip_blanks(p);
	skip_comment(p);
	if (peek(p) == ';') {
		p->pos++;
	} else if (peek(p) == '\n') {
		p->pos++;
		p->line++;
	} else if (p->pos < p->len) {
		value_fini(&v);
		return syntax_error(p, "expected the end of the statement");
	}
	key = strndup(p->s + kstart, kend - kstart);
	if (key == NULL) {
		value_fini(&v);
		return -ENOMEM;
	}
	rc = assign(p, key, &v, add, line);
	value_fini(&v);
	return rc < 0 ? rc : 1;
}

/* The copy of source kept by cfg. */
static const char *intern_source(struct xl_cfg *cfg, const char *source)
{
	unsigned int i;
	char **n;

	for (i = 0; i < cfg->nsources; i++) {
		if (strcmp(cfg->sources[i], source) == 0) {
			return cfg->sources[i];
		}
	}
	n = realloc(cfg->sources, sizeof(*n) * (cfg->nsources + 1));
	if (n == NULL) {
		return NULL;
	}
	cfg->sources = n;
	n[cfg->nsources] = strdup(source);
	if (n[cfg->nsources] == NULL) {
		return NULL;
	}
	return n[cfg->nsources++];
}

static int parse_from(struct xl_cfg *cfg, const char *source,
	unsigned int first_line, const char *text, size_t len, bool bare,
	char *err, size_t errlen)
{
	struct parser p = {
		.cfg = cfg,
		.s = text,
		.len = len,
		.line = first_line,
		.bare = bare,
		.err = err,
		.errlen = errlen,
	};
	int rc;

	p.source = intern_source(cfg, source);
	if (p.source == NULL) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (memchr(text, '\0', len) != NULL) {
		set_err(err, errlen, "%s: the configuration holds a NUL byte",
			source);
		return -EINVAL;
	}
	while ((rc = parse_statement(&p)) > 0) {
	}
	if (rc == -ENOMEM) {
		set_err(err, errlen, "out of memory");
	}
	return rc;
}

void xl_cfg_init(struct xl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

void xl_cfg_fini(struct xl_cfg *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->count; i++) {
		free(cfg->settings[i].key);
		value_fini(&cfg->settings[i].value);
	}
	free(cfg->settings);
	for (i = 0; i < cfg->nsources; i++) {
		free(cfg->sources[i]);
	}
	free(cfg->sources);
	memset(cfg, 0, sizeof(*cfg));
}

int xl_cfg_parse(struct xl_cfg *cfg, const char *source, const char *text,
	size_t len, bool bare_words, char *err, size_t errlen)
{
	return parse_from(cfg, source, 1, text, len, bare_words, err, errlen);
}

int xl_cfg_parse_file(
	struct xl_cfg *cfg, const char *path, char *err, size_t errlen)
{
	struct sbuf b = {0};
	char chunk[4096];
	size_t n, i;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		set_err(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		for (i = 0; i < n; i++) {
			if (sbuf_add(&b, chunk[i]) < 0) {
				fclose(f);
				free(b.p);
				set_err(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		set_err(err, errlen, "%s: read error", path);
		fclose(f);
		free(b.p);
		return rc;
	}
	fclose(f);
	rc = parse_from(
		cfg, path, 1, b.p ? b.p : "", b.len, false, err, errlen);
	free(b.p);
	return rc;
}

int xl_cfg_override(
	struct xl_cfg *cfg, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	cfg->overrides++;
	if (eq == NULL || eq == arg) {
		set_err(err, errlen, "command line:%u: `%s' is not KEY=VALUE",
			cfg->overrides, arg);
		return -EINVAL;
	}
	return parse_from(cfg, "command line", cfg->overrides, arg, strlen(arg),
		true, err, errlen);
}

const struct xl_cfg_setting *xl_cfg_lookup(
	const struct xl_cfg *cfg, const char *key)
{
	return find(cfg, key);
}

int xl_cfg_get_string(const struct xl_cfg *cfg, const char *key,
	const char **out, char *err, size_t errlen)
{
	const struct xl_cfg_setting *s = find(cfg, key);

	if (s == NULL) {
		return -ENOENT;
	}
	if (s->value.kind == XL_CFG_LIST) {
		set_err(err, errlen,
			"%s:%u: %s: a list where a single value "
			"is expected",
			s->source, s->line, key);
		return -EINVAL;
	}
	*out = s->value.text;
	return 0;
}

int xl_cfg_get_uint(const struct xl_cfg *cfg, const char *key, uint64_t max,
	uint64_t *out, char *err, size_t errlen)
{
	const struct xl_cfg_setting *s;
	const char *t, *d;
	uint64_t v = 0;
	unsigned int base = 10;
	int rc, h;

	rc = xl_cfg_get_string(cfg, key, &t, err, errlen);
	if (rc < 0) {
		return rc;
	}
	s = find(cfg, key);
	d = t;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		base = 16;
		d += 2;
	}
	if (*d == '\0') {
		goto bad;
	}
	for (; *d != '\0'; d++) {
		h = hex_value(*d);
		if (h < 0 || (unsigned int)h >= base) {
			goto bad;
		}
		if (v > (UINT64_MAX - (uint64_t)h) / base) {
			goto range;
		}
		v = v * base + (uint64_t)h;
	}
	if (v > max) {
		goto range;
	}
	*out = v;
	return 0;
bad:
	set_err(err, errlen, "%s:%u: %s: `%s' is not a valid number", s->source,
		s->line, key, t);
	return -EINVAL;
range:
	set_err(err, errlen, "%s:%u: %s: %s is out of range (at most %llu)",
		s->source, s->line, key, t, (unsigned long long)max);
	return -EINVAL;
}
