/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's small library: formatted output into a bounded buffer, the
 * hypervisor log (printk into the console ring, then to the port's
 * console) and allocation through the port.
 */
#include "xen/lib.h"

#include "xen/arch/arch.h"

#define CONRING_SIZE 16384u

static char conring[CONRING_SIZE];
static uint64_t conring_prod;
static enum printk_level printk_level = XENLOG_INFO;

void *xzalloc_bytes(size_t size)
{
	return arch_alloc(size == 0 ? 1 : size);
}

void xfree(void *p)
{
	if (p != NULL) {
		arch_free(p);
	}
}

struct outbuf {
	char *buf;
	size_t size;
	size_t len; /* what would have been written */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_number(struct outbuf *o, unsigned long long v,
	unsigned int base, bool neg, unsigned int width, bool zero, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0 && n < sizeof(tmp));
	if (neg) {
		if (zero) {
			/* The sign goes before the zeros and counts in width.
			 */
			out_char(o, '-');
			if (width > 0) {
				width--;
			}
		} else {
			tmp[n++] = '-'; /* counted in n */
		}
	}
	while (width > n) {
		out_char(o, zero ? '0' : ' ');
		width--;
	}
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {buf, size, 0};
	const char *s;

	for (; *fmt != '\0'; fmt++) {
		unsigned int width = 0, lng = 0;
		bool zero = false, sz = false;
		unsigned long long uv;
		long long sv;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			zero = true;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (unsigned int)(*fmt - '0');
			fmt++;
		}
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		if (*fmt == 'z') {
			sz = true;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (sz) {
				sv = (long long)va_arg(ap, long);
			} else if (lng >= 2) {
				sv = va_arg(ap, long long);
			} else if (lng == 1) {
				sv = va_arg(ap, long);
			} else {
				sv = va_arg(ap, int);
			}
			out_number(&o,
				sv < 0 ? 0ull - (unsigned long long)sv
				       : (unsigned long long)sv,
				10, sv < 0, width, zero, false);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (sz) {
				uv = va_arg(ap, size_t);
			} else if (lng >= 2) {
				uv = va_arg(ap, unsigned long long);
			} else if (lng == 1) {
				uv = va_arg(ap, unsigned long);
			} else {
				uv = va_arg(ap, unsigned int);
			}
			out_number(&o, uv, *fmt == 'u' ? 10 : 16, false, width,
				zero, *fmt == 'X');
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (uintptr_t)va_arg(ap, void *), 16, false,
				width, zero, false);
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL) {
				s = "(null)";
			}
			while (*s != '\0') {
				out_char(&o, *s++);
			}
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return o.len > (size_t)INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void conring_put(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		conring[conring_prod % CONRING_SIZE] = s[i];
		conring_prod++;
	}
}

void printk_set_level(enum printk_level level)
{
	printk_level = level;
}

void printk(enum printk_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (level > printk_level) {
		return;
	}
	memcpy(line, "(XEN) ", 6);
	va_start(ap, fmt);
	n = vsnprintk(line + 6, sizeof(line) - 6, fmt, ap);
	va_end(ap);
	n += 6;
	if (n >= (int)sizeof(line)) {
		n = sizeof(line) - 1;
	}
	conring_put(line, (size_t)n);
	arch_console_write(line, (size_t)n);
}

void console_ring_write(const char *s, size_t len)
{
	conring_put(s, len);
}

size_t console_ring_read(char *buf, size_t size, uint64_t *idx)
{
	uint64_t start = *idx;
	size_t n = 0;

	if (conring_prod > CONRING_SIZE &&
		start < conring_prod - CONRING_SIZE) {
		start = conring_prod - CONRING_SIZE;
	}
	while (start < conring_prod && n < size) {
		buf[n++] = conring[start % CONRING_SIZE];
		start++;
	}
	*idx = start;
	return n;
}
