/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements struct xs_node, the in-memory copy of one stored
 * node while a request works on it. Nodes are heap objects owned by
 * whoever called xs_node_new() or received one from xs_store_get().
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/** A new node (caller frees with xs_node_free()), or NULL without memory. */
struct xs_node *xs_node_new(const char *path, const void *value, size_t len,
	const struct xs_perm *perms, unsigned int perm_count)
{
	struct xs_node *node = calloc(1, sizeof(*node));

	if (!node) {
		return NULL;
	}
	node->path = strdup(path);
	if (!node->path || xs_node_set_value(node, value, len) < 0 ||
		xs_node_set_perms(node, perms, perm_count) < 0) {
		xs_node_free(node);
		return NULL;
	}
	return node;
}

void xs_node_free(struct xs_node *node)
{
	if (!node) {
		return;
	}
	free(node->path);
	free(node->value);
	free(node->perms);
	free(node);
}

int xs_node_set_value(struct xs_node *node, const void *value, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		return -ENOMEM;
	}
	if (len) {
		memcpy(copy, value, len);
	}
	copy[len] = '\0';
	free(node->value);
	node->value = copy;
	node->value_len = len;
	return 0;
}

int xs_node_set_perms(
	struct xs_node *node, const struct xs_perm *perms, unsigned int count)
{
	struct xs_perm *copy = calloc(count ? count : 1, sizeof(*copy));

	if (!copy) {
		return -ENOMEM;
	}
	memcpy(copy, perms, count * sizeof(*copy));
	free(node->perms);
	node->perms = copy;
	node->perm_count = count;
	return 0;
}

/** The measure of the "node-size" quota: value plus permission bytes. */
size_t xs_node_size(const struct xs_node *node)
{
	return node->value_len + node->perm_count * sizeof(struct xs_perm);
}
