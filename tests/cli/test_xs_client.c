/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of libs/xsclient/xs_client.c against a scripted fake store:
 * a thread accepts one connection on a temporary Unix socket and runs the
 * test's script (expect a request, answer with chosen bytes). Covers the
 * wire framing of docs/misc/xenstore.txt: req_id echo, ERROR names, watch
 * events interleaved with replies, the payload limit, DIRECTORY_PART with
 * a generation change, partial transfers and EINTR.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "io/xs_wire.h"
#include "xs_client.h"

/** One fake store: its socket, thread and script. */
struct fake {
	char dir[64];
	char path[96];
	int listen_fd;
	int fd;
	pthread_t thread;
	void (*script)(struct fake *f);
	int failures; /* checks that failed inside the server thread */
};

/** A check inside the server thread (cmocka asserts are not thread-safe). */
#define FAKE_CHECK(f, cond)                                                    \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fake: %s:%d: %s\n", __FILE__,         \
				__LINE__, #cond);                              \
			(f)->failures++;                                       \
		}                                                              \
	} while (0)

static void fake_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n <= 0) {
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/** Read one request; payload NUL-terminated in buf. false at EOF. */
static bool fake_recv(struct fake *f, struct xsd_sockmsg *hdr, char *buf)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*hdr)) {
		n = read(f->fd, (char *)hdr + got, sizeof(*hdr) - got);
		if (n <= 0) {
			return false;
		}
		got += (size_t)n;
	}
	FAKE_CHECK(f, hdr->len <= XENSTORE_PAYLOAD_MAX);
	for (got = 0; got < hdr->len; got += (size_t)n) {
		n = read(f->fd, buf + got, hdr->len - got);
		if (n <= 0) {
			return false;
		}
	}
	buf[hdr->len] = '\0';
	return true;
}

static void fake_send(struct fake *f, uint32_t type, uint32_t req_id,
	const void *payload, size_t len)
{
	struct xsd_sockmsg hdr = {type, req_id, 0, (uint32_t)len};

	fake_write(f->fd, &hdr, sizeof(hdr));
	fake_write(f->fd, payload, len);
}

/** Wait until the client closes its end (requests meanwhile fail). */
static void fake_wait_close(struct fake *f)
{
	struct xsd_sockmsg hdr;
	char buf[XENSTORE_PAYLOAD_MAX + 1];

	while (fake_recv(f, &hdr, buf)) {
		f->failures++;
	}
}

/** Expect a request of type with exactly this payload; return its req_id. */
static uint32_t fake_expect(
	struct fake *f, uint32_t type, const void *payload, size_t len)
{
	struct xsd_sockmsg hdr;
	char buf[XENSTORE_PAYLOAD_MAX + 1];

	if (!fake_recv(f, &hdr, buf)) {
		f->failures++;
		return 0;
	}
	FAKE_CHECK(f, hdr.type == type);
	FAKE_CHECK(f, hdr.len == len && memcmp(buf, payload, len) == 0);
	return hdr.req_id;
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;

	f->fd = accept(f->listen_fd, NULL, NULL);
	if (f->fd < 0) {
		f->failures++;
		return NULL;
	}
	f->script(f);
	close(f->fd);
	return NULL;
}

/** Start a fake store running script; connect *xsc to it. */
static void fake_start(
	struct fake *f, void (*script)(struct fake *f), struct xsc **xsc)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/xsc-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	strcpy(addr.sun_path, f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->listen_fd >= 0);
	assert_int_equal(
		bind(f->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(f->listen_fd, 1), 0);
	f->script = script;
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
	assert_int_equal(xsc_open(f->path, xsc), 0);
}

/** Close the client, join the server and check its verdict. */
static void fake_finish(struct fake *f, struct xsc *xsc)
{
	xsc_close(xsc);
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	unlink(f->path);
	rmdir(f->dir);
	assert_int_equal(f->failures, 0);
}

/* --- req_id echo --- */

static void script_req_id(struct fake *f)
{
	uint32_t id1, id2;

	id1 = fake_expect(f, XS_READ, "/a\0", 3);
	fake_send(f, XS_READ, id1, "val", 3);
	id2 = fake_expect(f, XS_WRITE, "/b\0xy", 5);
	FAKE_CHECK(f, id2 != id1);
	fake_send(f, XS_WRITE, id2, "OK", 3);
}

static void test_reply_with_matching_req_id_is_returned(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *val;
	size_t len;

	fake_start(&f, script_req_id, &xsc);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), 0);
	assert_int_equal(len, 3);
	assert_string_equal(val, "val");
	free(val);
	assert_int_equal(xsc_write(xsc, 0, "/b", "xy", 2), 0);
	fake_finish(&f, xsc);
}

static void script_wrong_req_id(struct fake *f)
{
	uint32_t id = fake_expect(f, XS_READ, "/a\0", 3);

	fake_send(f, XS_READ, id + 7, "val", 3);
}

static void test_reply_with_other_req_id_breaks_connection(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *val;
	size_t len;

	fake_start(&f, script_wrong_req_id, &xsc);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -EIO);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -EIO);
	fake_finish(&f, xsc);
}

/* --- error names --- */

static void script_errors(struct fake *f)
{
	fake_send(f, XS_ERROR, fake_expect(f, XS_READ, "/a\0", 3), "ENOENT", 7);
	fake_send(f, XS_ERROR, fake_expect(f, XS_RM, "/b\0", 3), "EACCES", 7);
	fake_send(f, XS_ERROR, fake_expect(f, XS_MKDIR, "/c\0", 3), "EWHAT", 6);
	fake_send(f, XS_ERROR, fake_expect(f, XS_TRANSACTION_END, "T\0", 2),
		"EAGAIN", 7);
}

static void test_error_reply_becomes_its_negative_errno(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *val;
	size_t len;

	fake_start(&f, script_errors, &xsc);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -ENOENT);
	assert_int_equal(xsc_rm(xsc, 0, "/b"), -EACCES);
	assert_int_equal(xsc_mkdir(xsc, 0, "/c"), -EIO);
	assert_int_equal(xsc_transaction_end(xsc, 5, true), -EAGAIN);
	fake_finish(&f, xsc);
}

static void test_every_wire_error_name_maps_to_its_errno(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		assert_int_equal(xsc_error_from_name(xsd_errors[i].errstring),
			-xsd_errors[i].errnum);
	}
	assert_int_equal(xsc_error_from_name("ENOTANERROR"), -EIO);
	assert_int_equal(xsc_error_from_name(""), -EIO);
}

/* --- watch events --- */

static void script_watch(struct fake *f)
{
	uint32_t id = fake_expect(f, XS_WATCH, "/w\0tok\0", 7);

	/* An event before the reply, then one after it. */
	fake_send(f, XS_WATCH_EVENT, 0, "/w\0tok\0", 7);
	fake_send(f, XS_WATCH, id, "OK", 3);
	id = fake_expect(f, XS_READ, "/x\0", 3);
	fake_send(f, XS_WATCH_EVENT, 0, "/w/1\0tok\0", 9);
	fake_send(f, XS_READ, id, "", 0);
	fake_send(f, XS_WATCH_EVENT, 0, "/w/2\0tok\0", 9);
	fake_wait_close(f);
}

static void test_watch_events_arriving_before_replies_are_queued(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *path, *token, *val;
	size_t len;

	fake_start(&f, script_watch, &xsc);
	assert_int_equal(xsc_watch(xsc, "/w", "tok"), 0);
	assert_int_equal(xsc_read(xsc, 0, "/x", &val, &len), 0);
	assert_int_equal(len, 0);
	free(val);
	/* Queued: returned at once even with a zero timeout. */
	assert_int_equal(xsc_read_watch(xsc, 0, &path, &token), 0);
	assert_string_equal(path, "/w");
	assert_string_equal(token, "tok");
	free(path);
	free(token);
	assert_int_equal(xsc_read_watch(xsc, 0, &path, &token), 0);
	assert_string_equal(path, "/w/1");
	free(path);
	free(token);
	/* Arriving later: read from the socket. */
	assert_int_equal(xsc_read_watch(xsc, 2000, &path, &token), 0);
	assert_string_equal(path, "/w/2");
	free(path);
	free(token);
	assert_int_equal(xsc_read_watch(xsc, 50, &path, &token), -ETIMEDOUT);
	fake_finish(&f, xsc);
}

static void script_bad_event(struct fake *f)
{
	fake_expect(f, XS_WATCH, "/w\0t\0", 5);
	fake_send(f, XS_WATCH_EVENT, 0, "/w-no-nul", 9);
}

static void test_malformed_watch_event_breaks_connection(void **state)
{
	struct fake f;
	struct xsc *xsc;

	fake_start(&f, script_bad_event, &xsc);
	assert_int_equal(xsc_watch(xsc, "/w", "t"), -EIO);
	assert_int_equal(xsc_watch(xsc, "/w", "t"), -EIO);
	fake_finish(&f, xsc);
}

/* --- payload limit --- */

static void script_oversize(struct fake *f)
{
	struct xsd_sockmsg hdr = {XS_READ, 0, 0, XENSTORE_PAYLOAD_MAX + 1};

	hdr.req_id = fake_expect(f, XS_READ, "/a\0", 3);
	fake_write(f->fd, &hdr, sizeof(hdr));
}

static void test_reply_longer_than_payload_max_is_rejected(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *val;
	size_t len;

	fake_start(&f, script_oversize, &xsc);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -EIO);
	/* Broken: nothing more is sent or read. */
	assert_int_equal(xsc_write(xsc, 0, "/a", "x", 1), -EIO);
	fake_finish(&f, xsc);
}

static void script_none(struct fake *f)
{
}

static void test_request_longer_than_payload_max_is_refused(void **state)
{
	static char big[XENSTORE_PAYLOAD_MAX + 1];
	struct fake f;
	struct xsc *xsc;

	fake_start(&f, script_none, &xsc);
	assert_int_equal(xsc_write(xsc, 0, "/a", big, sizeof(big)), -E2BIG);
	fake_finish(&f, xsc);
}

/* --- DIRECTORY and DIRECTORY_PART --- */

static void script_directory(struct fake *f)
{
	uint32_t id;

	id = fake_expect(f, XS_DIRECTORY, "/d\0", 3);
	fake_send(f, XS_DIRECTORY, id, "a\0bb\0", 5);
	id = fake_expect(f, XS_DIRECTORY, "/e\0", 3);
	fake_send(f, XS_DIRECTORY, id, "", 0);
}

static void test_directory_splits_names(void **state)
{
	struct fake f;
	struct xsc *xsc;
	unsigned int count;
	char **names;

	fake_start(&f, script_directory, &xsc);
	assert_int_equal(xsc_directory(xsc, 0, "/d", &names, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "bb");
	free(names);
	assert_int_equal(xsc_directory(xsc, 0, "/e", &names, &count), 0);
	assert_int_equal(count, 0);
	free(names);
	fake_finish(&f, xsc);
}

static void script_directory_part(struct fake *f)
{
	uint32_t id;

	id = fake_expect(f, XS_DIRECTORY, "/big\0", 5);
	fake_send(f, XS_ERROR, id, "E2BIG", 6);
	/* First pass: the node changes between chunks (gencnt 7 -> 8). */
	id = fake_expect(f, XS_DIRECTORY_PART,
		"/big\0"
		"0\0",
		7);
	fake_send(f, XS_DIRECTORY_PART, id, "7\0a\0b\0", 6);
	id = fake_expect(f, XS_DIRECTORY_PART,
		"/big\0"
		"4\0",
		7);
	fake_send(f, XS_DIRECTORY_PART, id, "8\0c\0\0", 5);
	/* Restart from offset 0 under the new generation. */
	id = fake_expect(f, XS_DIRECTORY_PART,
		"/big\0"
		"0\0",
		7);
	fake_send(f, XS_DIRECTORY_PART, id, "8\0a\0b\0", 6);
	id = fake_expect(f, XS_DIRECTORY_PART,
		"/big\0"
		"4\0",
		7);
	fake_send(f, XS_DIRECTORY_PART, id, "8\0c\0d\0", 6);
	id = fake_expect(f, XS_DIRECTORY_PART,
		"/big\0"
		"8\0",
		7);
	fake_send(f, XS_DIRECTORY_PART, id, "8\0\0", 3);
}

static void test_directory_falls_back_to_parts_and_restarts_on_change(
	void **state)
{
	struct fake f;
	struct xsc *xsc;
	unsigned int count;
	char **names;

	fake_start(&f, script_directory_part, &xsc);
	assert_int_equal(xsc_directory(xsc, 0, "/big", &names, &count), 0);
	assert_int_equal(count, 4);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	assert_string_equal(names[2], "c");
	assert_string_equal(names[3], "d");
	assert_null(names[4]);
	free(names);
	fake_finish(&f, xsc);
}

/* --- framing: partial transfers, EINTR, payload encodings --- */

static void script_byte_by_byte(struct fake *f)
{
	struct xsd_sockmsg hdr = {XS_GET_PERMS, 0, 0, 6};
	char msg[sizeof(hdr) + 6];
	size_t i;

	hdr.req_id = fake_expect(f, XS_GET_PERMS, "/p\0", 3);
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), "b0\0r3\0", 6);
	for (i = 0; i < sizeof(msg); i++) {
		fake_write(f->fd, msg + i, 1);
		usleep(1000);
	}
}

static void test_reply_split_into_single_bytes_is_reassembled(void **state)
{
	struct fake f;
	struct xsc *xsc;
	unsigned int count;
	char **perms;

	fake_start(&f, script_byte_by_byte, &xsc);
	assert_int_equal(xsc_get_perms(xsc, 0, "/p", &perms, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(perms[0], "b0");
	assert_string_equal(perms[1], "r3");
	free(perms);
	fake_finish(&f, xsc);
}

static void test_alarm_handler(int sig)
{
}

static void script_slow(struct fake *f)
{
	uint32_t id = fake_expect(f, XS_TRANSACTION_START, "\0", 1);

	usleep(300 * 1000);
	fake_send(f, XS_TRANSACTION_START, id, "42", 3);
}

static void test_signal_while_waiting_does_not_break_the_call(void **state)
{
	struct sigaction sa = {.sa_handler = test_alarm_handler};
	struct itimerval it = {{0, 20000}, {0, 20000}};
	struct itimerval off = {{0, 0}, {0, 0}};
	struct fake f;
	struct xsc *xsc;
	uint32_t tx_id = 0;

	/* No SA_RESTART: blocking reads return EINTR every 20 ms. */
	sigaction(SIGALRM, &sa, NULL);
	fake_start(&f, script_slow, &xsc);
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(xsc_transaction_start(xsc, &tx_id), 0);
	setitimer(ITIMER_REAL, &off, NULL);
	assert_int_equal(tx_id, 42);
	fake_finish(&f, xsc);
}

static void script_payloads(struct fake *f)
{
	uint32_t id;

	id = fake_expect(f, XS_SET_PERMS, "/p\0b1\0r2\0", 9);
	fake_send(f, XS_SET_PERMS, id, "OK", 3);
	id = fake_expect(f, XS_WATCH,
		"/w\0t\0"
		"1\0",
		7);
	fake_send(f, XS_WATCH, id, "OK", 3);
	id = fake_expect(f, XS_UNWATCH, "/w\0t\0", 5);
	fake_send(f, XS_UNWATCH, id, "OK", 3);
	id = fake_expect(f, XS_TRANSACTION_END, "F\0", 2);
	fake_send(f, XS_TRANSACTION_END, id, "OK", 3);
	id = fake_expect(f, XS_CONTROL, "stats\0", 6);
	fake_send(f, XS_CONTROL, id, "nodes: 3\n", 10);
	id = fake_expect(f, XS_WRITE, "/v\0", 3);
	fake_send(f, XS_WRITE, id, "OK", 3);
	id = fake_expect(f, XS_READ, "/v\0", 3);
	fake_send(f, XS_WRITE, id, "OK", 3);
}

static void test_requests_carry_the_payloads_of_the_spec(void **state)
{
	const char *perms[] = {"b1", "r2"};
	const char *args[] = {"stats"};
	uint32_t type;
	struct fake f;
	struct xsc *xsc;
	char *out;
	size_t len;

	fake_start(&f, script_payloads, &xsc);
	assert_int_equal(xsc_set_perms(xsc, 0, "/p", perms, 2), 0);
	assert_int_equal(xsc_watch_depth(xsc, "/w", "t", 1), 0);
	assert_int_equal(xsc_unwatch(xsc, "/w", "t"), 0);
	assert_int_equal(xsc_transaction_end(xsc, 3, false), 0);
	assert_int_equal(xsc_control(xsc, args, 1, &out, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(out, "nodes: 3\n");
	free(out);
	/* An empty value: the payload is the path and its NUL only. */
	assert_int_equal(xsc_write(xsc, 0, "/v", "", 0), 0);
	/* A reply of another type than the request's is refused. */
	assert_int_equal(xsc_read(xsc, 0, "/v", &out, &len), -EIO);
	assert_int_equal(
		xsc_request(xsc, XS_READ, 0, "/v", 3, &type, &out, &len), -EIO);
	fake_finish(&f, xsc);
}

static void script_eof(struct fake *f)
{
	fake_expect(f, XS_READ, "/a\0", 3);
}

static void test_store_closing_the_socket_gives_an_error(void **state)
{
	struct fake f;
	struct xsc *xsc;
	char *val;
	size_t len;

	fake_start(&f, script_eof, &xsc);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -ECONNRESET);
	assert_int_equal(xsc_read(xsc, 0, "/a", &val, &len), -EIO);
	fake_finish(&f, xsc);
}

static void test_open_without_a_store_fails(void **state)
{
	struct xsc *xsc = NULL;

	assert_int_equal(xsc_open("/nonexistent/xsc-test/sock", &xsc), -ENOENT);
	assert_null(xsc);
	xsc_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_with_matching_req_id_is_returned),
		cmocka_unit_test(
			test_reply_with_other_req_id_breaks_connection),
		cmocka_unit_test(test_error_reply_becomes_its_negative_errno),
		cmocka_unit_test(test_every_wire_error_name_maps_to_its_errno),
		cmocka_unit_test(
			test_watch_events_arriving_before_replies_are_queued),
		cmocka_unit_test(test_malformed_watch_event_breaks_connection),
		cmocka_unit_test(
			test_reply_longer_than_payload_max_is_rejected),
		cmocka_unit_test(
			test_request_longer_than_payload_max_is_refused),
		cmocka_unit_test(test_directory_splits_names),
		cmocka_unit_test(
			test_directory_falls_back_to_parts_and_restarts_on_change),
		cmocka_unit_test(
			test_reply_split_into_single_bytes_is_reassembled),
		cmocka_unit_test(
			test_signal_while_waiting_does_not_break_the_call),
		cmocka_unit_test(test_requests_carry_the_payloads_of_the_spec),
		cmocka_unit_test(test_store_closing_the_socket_gives_an_error),
		cmocka_unit_test(test_open_without_a_store_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
