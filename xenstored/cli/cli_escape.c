/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value escaping for the CLI: the visible form in which the 4.17
 * xenstore-utils print values (without -R) and the escapes they accept on
 * input; plus base64 for JSON output of binary values.
 *
 * The escape rules were taken from the behaviour of the Debian tools, byte
 * by byte (tests/cli/data/escape.in covers them):
 *   output: 0x20..0x7e as is except '\' which becomes "\\"; \t \n \r;
 *           0x00..0x07 as "\ooo"; everything else as "\xNN" (lower case).
 *   input:  "\t" "\n" "\r" "\\"; "\x" with one or two hex digits (none:
 *           a literal 'x'); "\" with one to three octal digits, modulo
 *           256; a trailing "\" stands for a NUL byte; any other escaped
 *           character stands for itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

char *cli_escape(const char *val, size_t len)
{
	unsigned char c;
	char *out, *p;
	size_t i;

	/* The longest form, "\xNN", is four characters per byte. */
	out = malloc(len * 4 + 1);
	if (out == NULL) {
		return NULL;
	}
	p = out;
	for (i = 0; i < len; i++) {
		c = (unsigned char)val[i];
		if (c >= ' ' && c <= '~' && c != '\\') {
			*p++ = (char)c;
		} else if (c == '\\') {
			p += sprintf(p, "\\\\");
		} else if (c == '\t') {
			p += sprintf(p, "\\t");
		} else if (c == '\n') {
			p += sprintf(p, "\\n");
		} else if (c == '\r') {
			p += sprintf(p, "\\r");
		} else if (c < 8) {
			p += sprintf(p, "\\%03o", c);
		} else {
			p += sprintf(p, "\\x%02x", c);
		}
	}
	*p = '\0';
	return out;
}

/** Value of a hex digit, or -1. */
static int cli_hex_value(char c)
{
	if (c >= '0' && c <= '9') {
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

/**
 * Decode the escape whose backslash precedes *s; advance *s past it and
 * return the byte it stands for.
 */
static unsigned char cli_unescape_one(const char **s)
{
	const char *p = *s;
	unsigned int v = 0;
	int i, d;

	switch (*p) {
	case 't':
		*s = p + 1;
		return '\t';
	case 'n':
		*s = p + 1;
		return '\n';
	case 'r':
		*s = p + 1;
		return '\r';
	case 'x':
		for (i = 0; i < 2 && (d = cli_hex_value(p[1 + i])) >= 0; i++) {
			v = v * 16 + (unsigned int)d;
		}
		*s = p + 1 + i;
		return i == 0 ? 'x' : (unsigned char)v;
	case '\0':
		/* A trailing backslash: the NUL ends the input. */
		*s = p;
		return '\0';
	default:
		break;
	}
	if (*p >= '0' && *p <= '7') {
		for (i = 0; i < 3 && p[i] >= '0' && p[i] <= '7'; i++) {
			v = v * 8 + (unsigned int)(p[i] - '0');
		}
		*s = p + i;
		return (unsigned char)v;
	}
	*s = p + 1;
	return (unsigned char)*p;
}

char *cli_unescape(const char *str, size_t *len)
{
	const char *s = str;
	char *out;
	size_t n = 0;
	bool end = false;

	out = malloc(strlen(str) + 2);
	if (out == NULL) {
		return NULL;
	}
	while (*s != '\0' && !end) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		end = *s == '\0';
		out[n++] = (char)cli_unescape_one(&s);
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static const char cli_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *cli_base64_encode(const unsigned char *buf, size_t len)
{
	uint32_t v;
	size_t i, o = 0;
	char *out;

	out = malloc((len + 2) / 3 * 4 + 1);
	if (out == NULL) {
		return NULL;
	}
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)buf[i] << 16;
		if (i + 1 < len) {
			v |= (uint32_t)buf[i + 1] << 8;
		}
		if (i + 2 < len) {
			v |= buf[i + 2];
		}
		out[o++] = cli_b64[(v >> 18) & 63];
		out[o++] = cli_b64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? cli_b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? cli_b64[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/** Index of c in the base64 alphabet, or -1. */
static int cli_b64_value(char c)
{
	const char *p;

	if (c == '\0') {
		return -1;
	}
	p = strchr(cli_b64, c);
	return p == NULL ? -1 : (int)(p - cli_b64);
}

int cli_base64_decode(const char *str, unsigned char **out, size_t *len)
{
	size_t slen = strlen(str), i, o = 0;
	unsigned char *buf;
	int v[4], k, pad;
	int rc = -EINVAL;

	if (slen % 4 != 0) {
		return -EINVAL;
	}
	buf = malloc(slen / 4 * 3 + 1);
	if (buf == NULL) {
		return -ENOMEM;
	}
	for (i = 0; i < slen; i += 4) {
		pad = 0;
		for (k = 0; k < 4; k++) {
			if (str[i + k] == '=' && k >= 2 && i + 4 == slen) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 ||
				   (v[k] = cli_b64_value(str[i + k])) < 0) {
				goto fail;
			}
		}
		buf[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2) {
			buf[o++] =
				(unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		}
		if (pad < 1) {
			buf[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
		}
	}
	buf[o] = '\0';
	*out = buf;
	*len = o;
	return 0;

fail:
	free(buf);
	return rc;
}
