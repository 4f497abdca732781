/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io: guests write lines to the hypervisor console, prefixed with
 * their domain ("(d3) hello"); the control domain reads the console ring.
 * Guest output is buffered per line and bounded so a guest cannot flood
 * the log with one endless line.
 */
#include "xen/arch/arch.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"

#define CONSOLE_LINE 256
#define CONSOLE_WRITE_MAX (1u << 16)

struct console_line {
	domid_t domid;
	unsigned int len;
	char buf[CONSOLE_LINE];
};

/* Lines in progress, one per recent writer, reused round robin. */
static struct console_line lines[8];
static unsigned int next_line;

void console_init(void)
{
	memset(lines, 0, sizeof(lines));
	next_line = 0;
}

static struct console_line *line_for(domid_t domid)
{
	struct console_line *l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		if (lines[i].len > 0 && lines[i].domid == domid) {
			return &lines[i];
		}
	}
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		if (lines[i].len == 0) {
			lines[i].domid = domid;
			return &lines[i];
		}
	}
	l = &lines[next_line++ % ARRAY_SIZE(lines)];
	l->domid = domid;
	l->len = 0;
	return l;
}

static void line_flush(struct console_line *l)
{
	char out[CONSOLE_LINE + 16];
	int n;

	n = snprintk(out, sizeof(out), "(d%u) ", l->domid);
	memcpy(out + n, l->buf, l->len);
	n += (int)l->len;
	out[n++] = '\n';
	console_ring_write(out, (size_t)n);
	arch_console_write(out, (size_t)n);
	l->len = 0;
}

static void console_put(domid_t domid, const char *s, size_t len)
{
	struct console_line *l = line_for(domid);
	size_t i;
	char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '\n') {
			line_flush(l);
			continue;
		}
		if ((unsigned char)c < 0x20 && c != '\t') {
			c = '?'; /* no escape sequences from guests */
		} else if ((unsigned char)c >= 0x7f) {
			c = '?';
		}
		l->buf[l->len++] = c;
		if (l->len == CONSOLE_LINE) {
			line_flush(l);
		}
	}
}

long do_console_io(
	struct vcpu *v, unsigned int cmd, unsigned int count, uint64_t buffer)
{
	char chunk[128];
	unsigned int done = 0, n;
	uint64_t idx;
	size_t got;

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > CONSOLE_WRITE_MAX) {
			return -E2BIG;
		}
		while (done < count) {
			n = MIN(count - done, (unsigned int)sizeof(chunk));
			if (arch_copy_from_guest(v, chunk, buffer + done, n) !=
				0) {
				return -EFAULT;
			}
			console_put(v->domain->domain_id, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		if (!domain_is_control(v->domain)) {
			return -EPERM;
		}
		/* Reads from the oldest byte still in the ring. */
		idx = 0;
		while (done < count) {
			n = MIN(count - done, (unsigned int)sizeof(chunk));
			got = console_ring_read(chunk, n, &idx);
			if (got == 0) {
				break;
			}
			if (arch_copy_to_guest(v, buffer + done, chunk, got) !=
				0) {
				return -EFAULT;
			}
			done += (unsigned int)got;
		}
		return done;
	default:
		return -ENOSYS;
	}
}
