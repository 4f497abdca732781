/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements path rules of docs/misc/xenstore.txt: the
 * permitted characters (alphanumerics and -/_@), no doubled or trailing
 * slashes, the absolute (3072) and relative (2048) length limits, the
 * resolution of relative paths against /local/domain/<domid>, and the
 * "@" special paths used by watches and permissions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static bool xs_path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

/** True for an absolute, well-formed node path (not a special one). */
bool xs_path_is_valid(const char *path)
{
	size_t len = strlen(path);
	size_t i;

	if (len == 0 || path[0] != '/' || len > XENSTORE_ABS_PATH_MAX) {
		return false;
	}
	if (len > 1 && path[len - 1] == '/') {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!xs_path_char_ok(path[i])) {
			return false;
		}
		if (path[i] == '/' && path[i + 1] == '/') {
			return false;
		}
	}
	return true;
}

bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

/**
 * Length of the part of path below /local/domain/<domid>/, or the whole
 * length for other paths: the measure of the "path-max" quota.
 */
int xs_path_domain_relative_len(const char *path)
{
	static const char prefix[] = "/local/domain/";
	const char *p = path + sizeof(prefix) - 1;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0) {
		return (int)strlen(path);
	}
	while (*p >= '0' && *p <= '9') {
		p++;
	}
	if (p == path + sizeof(prefix) - 1 || *p != '/') {
		return (int)strlen(path);
	}
	return (int)strlen(p + 1);
}

/**
 * Turn a path from a request into an absolute one. Relative paths are
 * taken below /local/domain/<domid> of the connection's domain; special
 * paths ("@...") are accepted only if allow_special. Applies the
 * connection's "path-max" quota. On success *out is a new string the
 * caller frees. Errors: -EINVAL (malformed or too long), -ENOMEM.
 */
int xs_path_resolve(const struct xs_conn *conn, const char *in,
	bool allow_special, char **out)
{
	char *path;

	if (in[0] == '\0') {
		return -EINVAL;
	}
	if (xs_path_is_special(in)) {
		if (!allow_special || strlen(in) > XENSTORE_ABS_PATH_MAX) {
			return -EINVAL;
		}
		path = strdup(in);
		if (!path) {
			return -ENOMEM;
		}
		*out = path;
		return 0;
	}
	if (in[0] == '/') {
		path = strdup(in);
	} else {
		if (strlen(in) > XENSTORE_REL_PATH_MAX) {
			return -EINVAL;
		}
		if (asprintf(&path, "/local/domain/%u/%s", conn->domain->domid,
			    in) < 0) {
			path = NULL;
		}
	}
	if (!path) {
		return -ENOMEM;
	}
	if (!xs_path_is_valid(path) ||
		xs_domain_quota_exceeded(conn->xs, conn->domain, XS_Q_PATH_MAX,
			xs_path_domain_relative_len(path))) {
		free(path);
		return -EINVAL;
	}
	*out = path;
	return 0;
}

/** The parent of a valid absolute path other than "/". */
int xs_path_parent(const char *path, char **out)
{
	const char *slash = strrchr(path, '/');

	if (!slash || strcmp(path, "/") == 0) {
		return -EINVAL;
	}
	*out = slash == path ? strdup("/") : strndup(path, slash - path);
	return *out ? 0 : -ENOMEM;
}

const char *xs_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/** The spec's "child": equal, or parent is "/", or parent + "/" prefixes. */
bool xs_path_is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (strcmp(parent, "/") == 0) {
		return child[0] == '/';
	}
	if (strncmp(child, parent, len) != 0) {
		return false;
	}
	return child[len] == '\0' || child[len] == '/';
}

/** Levels of path below ancestor (0 when equal); ancestor is a child's. */
unsigned int xs_path_depth_below(const char *path, const char *ancestor)
{
	size_t skip = strcmp(ancestor, "/") == 0 ? 0 : strlen(ancestor);
	unsigned int depth = 0;
	const char *p;

	if (strcmp(path, ancestor) == 0) {
		return 0;
	}
	for (p = path + skip; *p; p++) {
		if (*p == '/') {
			depth++;
		}
	}
	return depth;
}
