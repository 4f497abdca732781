/* SPDX-License-Identifier: GPL-2.0-only */
/* io/pvcalls.h builds on its own and carries the PV Calls ABI. */
#include <stddef.h>

#include "check.h"
#include "io/pvcalls.h"

static unsigned char page[4096] __attribute__((aligned(4096)));

int main(void)
{
	struct xen_pvcalls_sring *s = (struct xen_pvcalls_sring *)page;
	struct xen_pvcalls_front_ring f;
	struct xen_pvcalls_request *req;

	CHECK_EQ(PVCALLS_SOCKET, 0);
	CHECK_EQ(PVCALLS_CONNECT, 1);
	CHECK_EQ(PVCALLS_RELEASE, 2);
	CHECK_EQ(PVCALLS_BIND, 3);
	CHECK_EQ(PVCALLS_LISTEN, 4);
	CHECK_EQ(PVCALLS_ACCEPT, 5);
	CHECK_EQ(PVCALLS_POLL, 6);

	CHECK_EQ(sizeof(struct xen_pvcalls_request), 64);
	CHECK_EQ(offsetof(struct xen_pvcalls_request, u.connect.ref), 52);
	CHECK_EQ(offsetof(struct xen_pvcalls_request, u.connect.evtchn), 56);
	CHECK_EQ(offsetof(struct xen_pvcalls_request, u.accept.id_new), 16);
	CHECK_EQ(sizeof(struct xen_pvcalls_response), 24);
	CHECK_EQ(offsetof(struct xen_pvcalls_response, ret), 8);
	CHECK_EQ(offsetof(struct pvcalls_data_intf, out_cons), 64);
	CHECK_EQ(offsetof(struct pvcalls_data_intf, out_error), 72);
	CHECK_EQ(offsetof(struct pvcalls_data_intf, ref), 132);

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&f, s, sizeof(page));
	CHECK_EQ(RING_SIZE(&f), 32);
	req = RING_GET_REQUEST(&f, 33);
	CHECK((unsigned char *)req == page + 64 + 64);
	req->cmd = PVCALLS_POLL;
	CHECK_EQ(pvcalls_queued(5, 1, 4096), 4);
	return check_result();
}
