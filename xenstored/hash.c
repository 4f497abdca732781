/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements a string-keyed hash table with separate chaining
 * (FNV-1a hashes), grown by doubling when it holds more entries than it
 * has buckets. Keys are copied; values are borrowed.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_hash_entry {
	char *key;
	void *value;
	uint32_t hash;
	struct xs_hash_entry *next;
};

struct xs_hash {
	struct xs_hash_entry **buckets;
	size_t bucket_count;
	size_t count;
};

static uint32_t xs_hash_fn(const char *key)
{
	uint32_t h = 2166136261u;

	while (*key) {
		h ^= (unsigned char)*key++;
		h *= 16777619u;
	}
	return h;
}

struct xs_hash *xs_hash_new(void)
{
	struct xs_hash *h = calloc(1, sizeof(*h));

	if (!h) {
		return NULL;
	}
	h->bucket_count = 64;
	h->buckets = calloc(h->bucket_count, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	return h;
}

void xs_hash_free(struct xs_hash *h)
{
	struct xs_hash_entry *e, *next;
	size_t i;

	if (!h) {
		return;
	}
	for (i = 0; i < h->bucket_count; i++) {
		for (e = h->buckets[i]; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	free(h->buckets);
	free(h);
}

static struct xs_hash_entry **xs_hash_slot(
	const struct xs_hash *h, const char *key, uint32_t hash)
{
	struct xs_hash_entry **slot = &h->buckets[hash % h->bucket_count];

	while (*slot && ((*slot)->hash != hash || strcmp((*slot)->key, key))) {
		slot = &(*slot)->next;
	}
	return slot;
}

void *xs_hash_get(const struct xs_hash *h, const char *key)
{
	struct xs_hash_entry *e = *xs_hash_slot(h, key, xs_hash_fn(key));

	return e ? e->value : NULL;
}

static void xs_hash_grow(struct xs_hash *h)
{
	size_t count = h->bucket_count * 2;
	struct xs_hash_entry **buckets = calloc(count, sizeof(*buckets));
	struct xs_hash_entry *e, *next;
	size_t i;

	if (!buckets) {
		return; /* keep working with longer chains */
	}
	for (i = 0; i < h->bucket_count; i++) {
		for (e = h->buckets[i]; e; e = next) {
			next = e->next;
			e->next = buckets[e->hash % count];
			buckets[e->hash % count] = e;
		}
	}
	free(h->buckets);
	h->buckets = buckets;
	h->bucket_count = count;
}

/** Insert or replace key's value. -ENOMEM leaves the table unchanged. */
int xs_hash_put(struct xs_hash *h, const char *key, void *value)
{
	uint32_t hash = xs_hash_fn(key);
	struct xs_hash_entry **slot = xs_hash_slot(h, key, hash);
	struct xs_hash_entry *e;

	if (*slot) {
		(*slot)->value = value;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		return -ENOMEM;
	}
	e->hash = hash;
	e->value = value;
	*slot = e;
	if (++h->count > h->bucket_count) {
		xs_hash_grow(h);
	}
	return 0;
}

/** Remove key; returns its value, or NULL if it was absent. */
void *xs_hash_remove(struct xs_hash *h, const char *key)
{
	struct xs_hash_entry **slot = xs_hash_slot(h, key, xs_hash_fn(key));
	struct xs_hash_entry *e = *slot;
	void *value;

	if (!e) {
		return NULL;
	}
	*slot = e->next;
	value = e->value;
	free(e->key);
	free(e);
	h->count--;
	return value;
}

size_t xs_hash_count(const struct xs_hash *h)
{
	return h->count;
}

/** Call fn for every entry; fn must not change the table. */
void xs_hash_foreach(struct xs_hash *h,
	void (*fn)(const char *key, void *value, void *arg), void *arg)
{
	struct xs_hash_entry *e;
	size_t i;

	for (i = 0; i < h->bucket_count; i++) {
		for (e = h->buckets[i]; e; e = e->next) {
			fn(e->key, e->value, arg);
		}
	}
}
