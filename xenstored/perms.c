/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements node permissions (docs/misc/xenstore.txt,
 * GET_PERMS/SET_PERMS): the wire form "<n|r|w|b><domid>", one
 * NUL-terminated string per entry, and the access rule:
 *
 *   1. the privileged domain, the owner (entry 0) and a domain whose
 *      SET_TARGET names the owner have read and write access;
 *   2. otherwise the first later entry naming the domain (or the domain
 *      it targets) gives its access;
 *   3. otherwise entry 0's access applies to everyone else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static int xs_perm_parse_one(const char *s, struct xs_perm *p)
{
	uint64_t id;

	switch (s[0]) {
	case 'n':
		p->access = XS_PERM_NONE;
		break;
	case 'r':
		p->access = XS_PERM_READ;
		break;
	case 'w':
		p->access = XS_PERM_WRITE;
		break;
	case 'b':
		p->access = XS_PERM_BOTH;
		break;
	default:
		return -EINVAL;
	}
	if (xs_parse_uint(s + 1, 0xffff, &id) < 0) {
		return -EINVAL;
	}
	p->id = (uint16_t)id;
	return 0;
}

/**
 * Parse count NUL-terminated entries from data (len bytes). On success
 * *out is a new array the caller frees. -EINVAL for a malformed entry.
 */
int xs_perms_parse(
	const char *data, size_t len, unsigned int count, struct xs_perm **out)
{
	struct xs_perm *perms;
	unsigned int i;
	size_t off = 0;

	perms = calloc(count ? count : 1, sizeof(*perms));
	if (!perms) {
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		if (off >= len ||
			xs_perm_parse_one(data + off, &perms[i]) < 0) {
			free(perms);
			return -EINVAL;
		}
		off += strlen(data + off) + 1;
	}
	*out = perms;
	return 0;
}

/** Wire form of perms; *out (caller frees) holds *len bytes. */
int xs_perms_format(const struct xs_perm *perms, unsigned int count, char **out,
	size_t *len)
{
	static const char letter[] = {'n', 'r', 'w', 'b'};
	char *buf = malloc((size_t)count * 8 + 1);
	size_t off = 0;
	unsigned int i;

	if (!buf) {
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		off += (size_t)sprintf(buf + off, "%c%u",
			       letter[perms[i].access & 3], perms[i].id) +
		       1;
	}
	*out = buf;
	*len = off;
	return 0;
}

unsigned int xs_perms_access(const struct xs_conn *conn,
	const struct xs_perm *perms, unsigned int count)
{
	unsigned int domid = conn->domain->domid;
	int target = conn->domain->target;
	unsigned int i;

	if (xs_conn_is_privileged(conn) || perms[0].id == domid ||
		(target >= 0 && perms[0].id == (unsigned int)target)) {
		return XS_PERM_BOTH;
	}
	for (i = 1; i < count; i++) {
		if (perms[i].id == domid ||
			(target >= 0 && perms[i].id == (unsigned int)target)) {
			return perms[i].access;
		}
	}
	return perms[0].access;
}

bool xs_perms_allow(const struct xs_conn *conn, const struct xs_node *node,
	unsigned int want)
{
	return (xs_perms_access(conn, node->perms, node->perm_count) & want) ==
	       want;
}
