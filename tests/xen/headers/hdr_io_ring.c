/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * io/ring.h builds on its own, and its macros behave as Xen's: slot
 * count, request/response flow, notification hold-off and the final
 * checks, on a one-page ring shared by a front and a back end.
 */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "io/ring.h"

struct test_req {
	uint32_t id;
	uint32_t val;
};

struct test_rsp {
	uint32_t id;
	int32_t status;
};

DEFINE_RING_TYPES(test, struct test_req, struct test_rsp);

static unsigned char page[4096] __attribute__((aligned(4096)));

static void push_request(test_front_ring_t *f, uint32_t id, int *notify)
{
	struct test_req *req = RING_GET_REQUEST(f, f->req_prod_pvt);

	req->id = id;
	req->val = id * 10;
	f->req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, *notify);
}

int main(void)
{
	test_sring_t *s = (test_sring_t *)page;
	test_front_ring_t f;
	test_back_ring_t b;
	struct test_req copy;
	int notify, work;
	unsigned int i;

	memset(page, 0xff, sizeof(page));
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&f, s, sizeof(page));
	BACK_RING_INIT(&b, s, sizeof(page));

	/* (4096 - 64) / 8 = 504 slots fit; rounded down to 256. */
	CHECK_EQ(offsetof(test_sring_t, ring), 64);
	CHECK_EQ(RING_SIZE(&f), 256);
	CHECK_EQ(RING_SIZE(&b), 256);
	CHECK_EQ(__CONST_RING_SIZE(test, 4096), 256);
	CHECK_EQ(__RD32(504), 256);
	CHECK_EQ(__RD32(1), 1);
	CHECK_EQ(__RD32(0x80000001U), 0x80000000U);
	CHECK_EQ(s->req_event, 1);
	CHECK_EQ(s->rsp_event, 1);
	CHECK_EQ(s->pvt.pvt_pad[0], 0);
	CHECK_EQ(RING_FREE_REQUESTS(&f), 256);

	/* The first request crosses req_event: notify.  The second not. */
	push_request(&f, 1, &notify);
	CHECK(notify);
	push_request(&f, 2, &notify);
	CHECK(!notify);
	CHECK_EQ(RING_FREE_REQUESTS(&f), 254);

	/* The back end sees both, consumes them, answers, then goes idle. */
	CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 2);
	for (i = 0; i < 2; i++) {
		struct test_rsp *rsp;

		RING_COPY_REQUEST(&b, b.req_cons, &copy);
		CHECK_EQ(copy.id, i + 1);
		CHECK_EQ(copy.val, (i + 1) * 10);
		CHECK(!RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons));
		b.req_cons++;
		rsp = RING_GET_RESPONSE(&b, b.rsp_prod_pvt);
		rsp->id = copy.id;
		rsp->status = 0;
		b.rsp_prod_pvt++;
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
	CHECK(notify);
	RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
	CHECK(!work);
	CHECK_EQ(s->req_event, 3);
	CHECK(!RING_REQUEST_PROD_OVERFLOW(&b, s->req_prod));

	/* The front end collects the responses. */
	CHECK_EQ(RING_HAS_UNCONSUMED_RESPONSES(&f), 2);
	CHECK_EQ(RING_GET_RESPONSE(&f, f.rsp_cons)->id, 1);
	f.rsp_cons += 2;
	RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
	CHECK(!work);
	CHECK_EQ(s->rsp_event, 3);

	/* Now the back end asked for a kick on the next request. */
	push_request(&f, 3, &notify);
	CHECK(notify);
	RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
	CHECK(work);

	/* Fill the ring: it reports full, and the back end caps its count. */
	while (!RING_FULL(&f)) {
		push_request(&f, 99, &notify);
	}
	CHECK_EQ(f.req_prod_pvt - f.rsp_cons, 256);
	CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 256);
	CHECK(RING_REQUEST_PROD_OVERFLOW(&b, s->req_prod + 1));

	/* Flex ring sizes. */
	CHECK_EQ(XEN_PAGE_SHIFT, 12);
	CHECK_EQ(XEN_FLEX_RING_SIZE(0), 2048);
	CHECK_EQ(XEN_FLEX_RING_SIZE(1), 4096);
	return check_result();
}
