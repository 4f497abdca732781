/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Crash-safety test of xenstored: a writer streams pipelined WRITEs
 * (WRITE_WINDOW in flight), records every acknowledged one, and the daemon
 * is killed with SIGKILL in mid-stream; after a restart on the same
 * database every acknowledged write must read back (docs/xenstored.md,
 * --durability: "acknowledged writes survive a kill -9 of the daemon").
 *
 * Invariants checked after each restart, over all rounds so far:
 *   1. For each of the KEY_COUNT overwritten keys, the value is that of
 *      its last acknowledged write or of a later write that was sent (an
 *      unacknowledged write may or may not have landed), never older.
 *   2. Every acknowledged creation of a unique node is present with its
 *      value.
 * Replies already in the socket when the daemon died were sent by it, so
 * they count as acknowledged too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define WRITE_WINDOW 20
#define KEY_COUNT 50
#define ROUNDS 8
#define MAX_WRITES 4000
/* Every UNIQUE_EVERY-th write creates a new node instead. */
#define UNIQUE_EVERY 7

/** What the writer knows across rounds. */
struct crash_state {
	/* Per key: round and index of the last acknowledged write, or -1. */
	int acked_round[KEY_COUNT];
	int acked_index[KEY_COUNT];
	/* Per round: writes sent, and which unique creations were acked. */
	unsigned int sent[ROUNDS];
	bool unique_acked[ROUNDS][MAX_WRITES];
};

static bool is_unique(unsigned int i)
{
	return i % UNIQUE_EVERY == UNIQUE_EVERY - 1;
}

/** Path and value of write i of a round. */
static void write_of(unsigned int round, unsigned int i, char *path,
	size_t plen, char *value, size_t vlen)
{
	if (is_unique(i)) {
		snprintf(path, plen, "/crash/new/r%u-%u", round, i);
	} else {
		snprintf(path, plen, "/crash/k%02u", i % KEY_COUNT);
	}
	snprintf(value, vlen, "r%u-i%u", round, i);
}

static void send_write(struct xst_conn *c, unsigned int round, unsigned int i)
{
	char buf[128];
	char path[64];
	char value[32];
	size_t n;

	write_of(round, i, path, sizeof(path), value, sizeof(value));
	n = strlen(path) + 1;
	memcpy(buf, path, n);
	memcpy(buf + n, value, strlen(value));
	xst_send_msg(c, XS_WRITE, i + 1, 0, buf, (uint32_t)(n + strlen(value)));
}

static void record_ack(
	struct crash_state *s, unsigned int round, const struct xst_msg *m)
{
	unsigned int i = m->hdr.req_id - 1;

	if (m->hdr.type != XS_WRITE) {
		fail_msg("write %u of round %u: reply type %u \"%s\"", i, round,
			m->hdr.type, m->body);
	}
	assert_true(i < s->sent[round]);
	if (is_unique(i)) {
		s->unique_acked[round][i] = true;
		return;
	}
	/* Replies come in order; keep the latest in any case. */
	if (s->acked_round[i % KEY_COUNT] < (int)round ||
		s->acked_index[i % KEY_COUNT] < (int)i) {
		s->acked_round[i % KEY_COUNT] = (int)round;
		s->acked_index[i % KEY_COUNT] = (int)i;
	}
}

/**
 * Stream writes with WRITE_WINDOW in flight; SIGKILL the daemon right
 * after kill_after acknowledgements, then collect what was already sent.
 */
static void stream_and_kill(struct xst_daemon *d, struct crash_state *s,
	unsigned int round, unsigned int kill_after)
{
	struct xst_conn *c = xst_connect(d);
	unsigned int acked = 0;
	struct xst_msg m;

	while (acked < kill_after) {
		while (s->sent[round] - acked < WRITE_WINDOW &&
			s->sent[round] < MAX_WRITES) {
			send_write(c, round, s->sent[round]++);
		}
		assert_int_equal(xst_recv(c, &m, XST_TIMEOUT_MS), 0);
		record_ack(s, round, &m);
		xst_msg_fini(&m);
		acked++;
	}
	xst_daemon_kill(d);
	/* Replies the daemon sent before it died were acknowledgements. */
	while (xst_recv(c, &m, XST_TIMEOUT_MS) == 0) {
		record_ack(s, round, &m);
		xst_msg_fini(&m);
	}
	xst_close(c);
}

/** Check invariants 1 and 2 for rounds 0..last. */
static void verify(
	struct xst_daemon *d, const struct crash_state *s, unsigned int last)
{
	struct xst_conn *c = xst_connect(d);

	for (unsigned int k = 0; k < KEY_COUNT; k++) {
		char path[32];
		unsigned int r;
		unsigned int i;
		char *v;

		if (s->acked_round[k] < 0) {
			continue;
		}
		snprintf(path, sizeof(path), "/crash/k%02u", k);
		v = xst_read(c, 0, path, NULL);
		if (sscanf(v, "r%u-i%u", &r, &i) != 2 || r > last ||
			i % KEY_COUNT != k || i >= s->sent[r] || is_unique(i)) {
			fail_msg("%s holds \"%s\", never written there", path,
				v);
		}
		if ((int)r < s->acked_round[k] ||
			((int)r == s->acked_round[k] &&
				(int)i < s->acked_index[k])) {
			fail_msg("%s holds \"%s\", older than the acknowledged "
				 "r%d-i%d",
				path, v, s->acked_round[k], s->acked_index[k]);
		}
		free(v);
	}
	for (unsigned int r = 0; r <= last; r++) {
		for (unsigned int i = 0; i < s->sent[r]; i++) {
			char path[64];
			char value[32];

			if (!s->unique_acked[r][i]) {
				continue;
			}
			write_of(
				r, i, path, sizeof(path), value, sizeof(value));
			xst_assert_read(c, 0, path, value);
		}
	}
	xst_close(c);
}

static void run_rounds(struct xst_daemon *d, const char *const *args)
{
	struct crash_state *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	for (unsigned int k = 0; k < KEY_COUNT; k++) {
		s->acked_round[k] = -1;
		s->acked_index[k] = -1;
	}
	xst_daemon_start(d, args);
	for (unsigned int round = 0; round < ROUNDS; round++) {
		/* Kill at a different point of the window each round. */
		stream_and_kill(d, s, round, 150 + 397 * round);
		xst_daemon_start(d, args);
		verify(d, s, round);
	}
	free(s);
}

static void test_acknowledged_writes_survive_sigkill(void **state)
{
	run_rounds(*state, NULL);
}

static void test_acknowledged_writes_survive_sigkill_with_power_durability(
	void **state)
{
	static const char *const args[] = {"--durability", "power", NULL};

	run_rounds(*state, args);
}

#define S(f) cmocka_unit_test_setup_teardown(f, xst_setup_stopped, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		S(test_acknowledged_writes_survive_sigkill),
		S(test_acknowledged_writes_survive_sigkill_with_power_durability),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
