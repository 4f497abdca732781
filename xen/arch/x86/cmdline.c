/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing the hypervisor command line (cmdline.h).
 */
#include "cmdline.h"

#include "xen/lib.h"

struct cmdline_word {
	const char *name;
	size_t name_len;
	const char *value; /* NULL: no '=' */
	size_t value_len;
};

static bool word_is(const struct cmdline_word *w, const char *name)
{
	return strlen(name) == w->name_len &&
	       memcmp(w->name, name, w->name_len) == 0;
}

static bool value_is(const struct cmdline_word *w, const char *v)
{
	return w->value != NULL && strlen(v) == w->value_len &&
	       memcmp(w->value, v, w->value_len) == 0;
}

static void note_error(struct cmdline_opts *o, const struct cmdline_word *w)
{
	size_t n;

	if (o->error_count < CMDLINE_MAX_ERRORS) {
		n = MIN(w->name_len, (size_t)CMDLINE_VALUE_LEN - 1);
		memcpy(o->errors[o->error_count], w->name, n);
		o->errors[o->error_count][n] = '\0';
	}
	o->error_count++;
}

/* Copy a value into a fixed buffer; false when it does not fit. */
static bool copy_value(char *dst, const struct cmdline_word *w)
{
	if (w->value == NULL || w->value_len == 0 ||
		w->value_len >= CMDLINE_VALUE_LEN) {
		return false;
	}
	memcpy(dst, w->value, w->value_len);
	dst[w->value_len] = '\0';
	return true;
}

int cmdline_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	const char *p = s;

	if (*p < '0' || *p > '9') {
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k':
	case 'K':
		shift = 10;
		p++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		p++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		p++;
		break;
	default:
		break;
	}
	if (*p != '\0' || (shift != 0 && v > (UINT64_MAX >> shift))) {
		return -EINVAL;
	}
	*out = v << shift;
	return 0;
}

static bool parse_loglvl(struct cmdline_opts *o, const struct cmdline_word *w)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{"err", XENLOG_ERR},
		{"warning", XENLOG_WARNING},
		{"info", XENLOG_INFO},
		{"debug", XENLOG_DEBUG},
		{"all", XENLOG_DEBUG},
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (value_is(w, levels[i].name)) {
			o->loglvl = levels[i].level;
			return true;
		}
	}
	return false;
}

static bool parse_number_value(const struct cmdline_word *w, uint64_t *out)
{
	char buf[CMDLINE_VALUE_LEN];

	return copy_value(buf, w) && cmdline_parse_size(buf, out) == 0;
}

/* One option; false when its name or value is not accepted. */
static bool parse_word(struct cmdline_opts *o, const struct cmdline_word *w)
{
	uint64_t v;

	if (word_is(w, "console")) {
		if (value_is(w, "com1")) {
			o->console = CMDLINE_CONSOLE_COM1;
		} else if (value_is(w, "none")) {
			o->console = CMDLINE_CONSOLE_NONE;
		} else {
			return false;
		}
		return true;
	}
	if (word_is(w, "loglvl")) {
		return parse_loglvl(o, w);
	}
	if (word_is(w, "sched")) {
		if (!value_is(w, "null") && !value_is(w, "credit")) {
			return false;
		}
		return copy_value(o->sched, w);
	}
	if (word_is(w, "dom0_mem")) {
		if (!parse_number_value(w, &v)) {
			return false;
		}
		o->dom0_mem = v;
		return true;
	}
	if (word_is(w, "smp")) {
		if (!parse_number_value(w, &v) || v == 0 || v > 4096) {
			return false;
		}
		o->max_cpus = (unsigned int)v;
		return true;
	}
	if (word_is(w, "test")) {
		return copy_value(o->test, w);
	}
	return false;
}

void cmdline_parse(struct cmdline_opts *o, const char *s)
{
	struct cmdline_word w;
	const char *p = s;

	memset(o, 0, sizeof(*o));
	o->console = CMDLINE_CONSOLE_COM1;
	o->loglvl = XENLOG_INFO;
	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		memset(&w, 0, sizeof(w));
		w.name = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '=') {
			p++;
		}
		w.name_len = (size_t)(p - w.name);
		if (*p == '=') {
			w.value = ++p;
			while (*p != '\0' && *p != ' ' && *p != '\t') {
				p++;
			}
			w.value_len = (size_t)(p - w.value);
		}
		if (!parse_word(o, &w)) {
			note_error(o, &w);
		}
	}
}
