/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of xenstored against malformed, fragmented and
 * pipelined input on its socket (io/xs_wire.h: struct xsd_sockmsg,
 * XENSTORE_PAYLOAD_MAX; docs/misc/xenstore.txt: the introduction on the
 * payload limit, "Xenstore protocol details - introduction").
 *
 * Every bad input goes on a connection of its own, while a second,
 * well-behaved connection opened beforehand must keep getting correct
 * answers afterwards; the teardown fails any test after which the daemon
 * is no longer alive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "harness.h"

/* Connections opened at once by test_many_connections_are_served. */
#define MANY_CONNS 100

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

/** A well-behaved round trip on good: write, read back, a fresh value. */
static void assert_serves(struct xst_conn *good)
{
	static unsigned int round;
	char value[32];

	snprintf(value, sizeof(value), "round %u", ++round);
	xst_write(good, 0, "/good", value);
	xst_assert_read(good, 0, "/good", value);
}

static void put_header(
	char *buf, uint32_t type, uint32_t req_id, uint32_t tx_id, uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type,
		.req_id = req_id,
		.tx_id = tx_id,
		.len = len,
	};

	memcpy(buf, &hdr, sizeof(hdr));
}

static void test_short_header_then_close_leaves_daemon_serving(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *bad = conn(state);
	char hdr[16];

	put_header(hdr, XS_READ, 1, 0, 3);
	assert_int_equal(xst_send_raw(bad, hdr, 8), 0);
	xst_close(bad);
	assert_serves(good);
}

static void test_payload_over_4096_bytes_closes_the_connection(void **state)
{
	static const uint32_t lens[] = {
		XENSTORE_PAYLOAD_MAX + 1, 65536, 0x80000000u, 0xffffffffu};
	struct xst_conn *good = conn(state);

	for (unsigned int i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct xst_conn *bad = conn(state);
		char hdr[16];

		put_header(hdr, XS_WRITE, 1, 0, lens[i]);
		assert_int_equal(xst_send_raw(bad, hdr, sizeof(hdr)), 0);
		if (!xst_wait_closed(bad, XST_TIMEOUT_MS)) {
			fail_msg("len %u: connection not closed", lens[i]);
		}
		xst_close(bad);
		assert_serves(good);
	}
}

static void test_payload_of_exactly_4096_bytes_is_accepted(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *c = conn(state);
	char buf[XENSTORE_PAYLOAD_MAX];
	uint32_t plen = xst_join(buf, sizeof(buf), "/max", NULL);
	uint32_t len;
	char *v;

	memset(buf + plen, 'm', sizeof(buf) - plen);
	xst_call_ok(c, XS_WRITE, 0, buf, sizeof(buf));
	v = xst_read(c, 0, "/max", &len);
	assert_int_equal(len, XENSTORE_PAYLOAD_MAX - plen);
	free(v);
	assert_serves(good);
}

static void test_len_larger_than_data_then_close_leaves_daemon_serving(
	void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *bad = conn(state);
	char buf[16 + 10];

	put_header(buf, XS_WRITE, 1, 0, 100);
	memcpy(buf + 16, "/partial\0v", 10);
	assert_int_equal(xst_send_raw(bad, buf, sizeof(buf)), 0);
	xst_barrier(good);
	xst_close(bad);
	assert_serves(good);
	xst_assert_path_err(good, XS_READ, 0, "/partial", "ENOENT");
}

static void test_partial_message_is_completed_by_later_bytes(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *slow = conn(state);
	char buf[16 + 12];
	struct xst_msg m;

	put_header(buf, XS_WRITE, 77, 0, 12);
	memcpy(buf + 16, "/later\0value", 12);
	assert_int_equal(xst_send_raw(slow, buf, 20), 0);
	/* Others are served while one connection holds half a message. */
	assert_serves(good);
	assert_int_equal(xst_send_raw(slow, buf + 20, sizeof(buf) - 20), 0);
	xst_reply(slow, 77, 0, &m);
	assert_int_equal(m.hdr.type, XS_WRITE);
	xst_msg_fini(&m);
	xst_assert_read(good, 0, "/later", "value");
}

static void test_garbage_bytes_leave_daemon_serving(void **state)
{
	struct xst_conn *good = conn(state);
	unsigned int seed = 12345;

	for (unsigned int round = 0; round < 8; round++) {
		struct xst_conn *bad = conn(state);
		char junk[512];

		for (size_t i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245u + 12345u;
			junk[i] = (char)(seed >> 16);
		}
		/* The daemon may close the connection at any point. */
		(void)xst_send_raw(bad, junk, sizeof(junk));
		(void)xst_wait_closed(bad, 100);
		xst_close(bad);
		assert_serves(good);
	}
}

static void test_nonsense_payloads_of_every_type_leave_daemon_serving(
	void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *bad = conn(state);
	char buf[16 + 8];

	/* Valid header shape, nonsense payloads of several types. */
	for (uint32_t type = 0; type < XS_TYPE_COUNT + 2; type++) {
		put_header(buf, type, 500 + type, 0, 8);
		memcpy(buf + 16, "\x01\x02/\xff@@\0\0", 8);
		if (xst_send_raw(bad, buf, sizeof(buf)) != 0) {
			break;
		}
	}
	(void)xst_wait_closed(bad, 200);
	xst_close(bad);
	assert_serves(good);
}

static void test_missing_nul_terminators_are_einval(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/a", "v");
	xst_call_err(c, XS_WRITE, 0, XST_RAW("/a"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_RAW("/a\0tok"), "EINVAL");
	xst_call_err(c, XS_UNWATCH, 0, XST_RAW("/a\0tok"), "EINVAL");
	xst_call_err(c, XS_SET_PERMS, 0, XST_RAW("/a\0b0"), "EINVAL");
	xst_call_err(c, XS_DIRECTORY_PART, 0, XST_RAW("/a\0000"), "EINVAL");
	xst_call_err(c, XS_GET_DOMAIN_PATH, 0, XST_RAW("5"), "EINVAL");
	xst_call_err(c, XS_IS_DOMAIN_INTRODUCED, 0, XST_RAW("5"), "EINVAL");
	tx = xst_txn_start(c);
	xst_call_err(c, XS_TRANSACTION_END, tx, XST_RAW("F"), "EINVAL");
	xst_expect_no_event(c);
	xst_assert_read(c, 0, "/a", "v");
	assert_serves(good);
}

static void test_zero_length_payload_of_every_type_gets_a_reply(void **state)
{
	struct xst_conn *good = conn(state);

	for (uint32_t type = 0; type <= XS_TYPE_COUNT + 1; type++) {
		struct xst_conn *c = conn(state);
		struct xst_msg m;

		xst_send_msg(c, type, 4000 + type, 0, "", 0);
		xst_reply(c, 4000 + type, 0, &m);
		if (m.hdr.type != type && m.hdr.type != XS_ERROR) {
			fail_msg("type %u with no payload: reply type %u", type,
				m.hdr.type);
		}
		if (type == XS_WATCH_EVENT || type == XS_ERROR || type == 20 ||
			type >= XS_TYPE_COUNT) {
			assert_int_equal(m.hdr.type, XS_ERROR);
		}
		xst_msg_fini(&m);
		xst_close(c);
		assert_serves(good);
	}
}

static void test_message_sent_one_byte_at_a_time_is_answered(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *c = conn(state);
	char buf[16 + 14];
	struct xst_msg m;

	put_header(buf, XS_WRITE, 31, 0, 14);
	memcpy(buf + 16, "/bytewise\0abcd", 14);
	for (size_t i = 0; i < sizeof(buf); i++) {
		assert_int_equal(xst_send_raw(c, buf + i, 1), 0);
		/* A round trip elsewhere lets the daemon see each byte alone.
		 */
		xst_barrier(good);
	}
	xst_reply(c, 31, 0, &m);
	assert_int_equal(m.hdr.type, XS_WRITE);
	assert_int_equal(m.hdr.len, 3);
	assert_string_equal(m.body, "OK");
	xst_msg_fini(&m);
	xst_assert_read(good, 0, "/bytewise", "abcd");
}

static void test_two_messages_in_one_send_are_both_answered(void **state)
{
	struct xst_conn *c = conn(state);
	char buf[2 * 16 + 8 + 5];
	struct xst_msg m;

	put_header(buf, XS_WRITE, 1, 0, 8);
	memcpy(buf + 16, "/two\0abc", 8);
	put_header(buf + 24, XS_READ, 2, 0, 5);
	memcpy(buf + 40, "/two", 5);
	assert_int_equal(xst_send_raw(c, buf, 45), 0);
	xst_reply(c, 1, 0, &m);
	assert_int_equal(m.hdr.type, XS_WRITE);
	xst_msg_fini(&m);
	xst_reply(c, 2, 0, &m);
	assert_int_equal(m.hdr.type, XS_READ);
	assert_int_equal(m.hdr.len, 3);
	assert_memory_equal(m.body, "abc", 3);
	xst_msg_fini(&m);
}

static void test_100_pipelined_requests_get_replies_with_matching_req_ids(
	void **state)
{
	struct xst_conn *c = conn(state);
	bool seen[100] = {false};
	char *buf = malloc((size_t)100 * 64);
	size_t off = 0;

	assert_non_null(buf);
	for (unsigned int i = 0; i < 100; i++) {
		char path[32];
		int n = snprintf(path, sizeof(path), "/pipe/%u", i);

		put_header(buf + off, XS_WRITE, 0x1000 + i, 0, (uint32_t)n + 1);
		memcpy(buf + off + 16, path, (size_t)n + 1);
		off += 16 + (size_t)n + 1;
	}
	/* All at once: the daemon sees many requests in one read. */
	assert_int_equal(xst_send_raw(c, buf, off), 0);
	free(buf);
	for (unsigned int i = 0; i < 100; i++) {
		struct xst_msg m;
		uint32_t k;

		assert_int_equal(xst_recv(c, &m, XST_TIMEOUT_MS), 0);
		assert_int_equal(m.hdr.type, XS_WRITE);
		k = m.hdr.req_id - 0x1000;
		assert_true(k < 100);
		assert_false(seen[k]);
		seen[k] = true;
		xst_msg_fini(&m);
	}
	xst_assert_dir(c, 0, "/pipe/99", "");
}

static void test_client_that_never_reads_does_not_block_others(void **state)
{
	struct xst_conn *good = conn(state);
	struct xst_conn *hog = conn(state);
	char big[3000];
	char req[16 + 6];

	memset(big, 'h', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	xst_write(good, 0, "/hog", big);
	put_header(req, XS_READ, 9, 0, 5);
	memcpy(req + 16, "/hog", 5);
	fcntl(hog->fd, F_SETFL, fcntl(hog->fd, F_GETFL) | O_NONBLOCK);
	/* Ask for megabytes of replies and never read them. */
	for (unsigned int i = 0; i < 5000; i++) {
		if (send(hog->fd, req, 21, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			break;
		}
	}
	assert_serves(good);
	xst_close(hog);
	assert_serves(good);
}

static void test_closing_with_unread_replies_leaves_daemon_serving(void **state)
{
	struct xst_conn *good = conn(state);

	for (unsigned int round = 0; round < 10; round++) {
		struct xst_conn *c = conn(state);

		for (unsigned int i = 0; i < 50; i++) {
			xst_send(c, XS_WRITE, 0, XST_RAW("/unread\0v"));
		}
		xst_send(c, XS_WATCH, 0, XST_STR("/unread\0w"));
		xst_close(c);
	}
	assert_serves(good);
	xst_assert_read(good, 0, "/unread", "v");
}

static void test_many_connections_are_served(void **state)
{
	struct xst_conn *c[MANY_CONNS];

	for (unsigned int i = 0; i < MANY_CONNS; i++) {
		c[i] = conn(state);
	}
	for (unsigned int i = 0; i < MANY_CONNS; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/many/%u", i);
		xst_write(c[i], 0, path, path);
	}
	for (unsigned int i = 0; i < MANY_CONNS; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/many/%u", MANY_CONNS - 1 - i);
		xst_assert_read(c[i], 0, path, path);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_short_header_then_close_leaves_daemon_serving),
		T(test_payload_over_4096_bytes_closes_the_connection),
		T(test_payload_of_exactly_4096_bytes_is_accepted),
		T(test_len_larger_than_data_then_close_leaves_daemon_serving),
		T(test_partial_message_is_completed_by_later_bytes),
		T(test_garbage_bytes_leave_daemon_serving),
		T(test_nonsense_payloads_of_every_type_leave_daemon_serving),
		T(test_missing_nul_terminators_are_einval),
		T(test_zero_length_payload_of_every_type_gets_a_reply),
		T(test_message_sent_one_byte_at_a_time_is_answered),
		T(test_two_messages_in_one_send_are_both_answered),
		T(test_100_pipelined_requests_get_replies_with_matching_req_ids),
		T(test_client_that_never_reads_does_not_block_others),
		T(test_closing_with_unread_replies_leaves_daemon_serving),
		T(test_many_connections_are_served),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
