/* SPDX-License-Identifier: GPL-2.0-only */
/* event_channel.h builds on its own and carries Xen's evtchn ABI. */
#include <stddef.h>

#include "check.h"
#include "event_channel.h"

int main(void)
{
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 0};
	struct evtchn_op op;

	CHECK_EQ(EVTCHNOP_bind_interdomain, 0);
	CHECK_EQ(EVTCHNOP_bind_virq, 1);
	CHECK_EQ(EVTCHNOP_close, 3);
	CHECK_EQ(EVTCHNOP_send, 4);
	CHECK_EQ(EVTCHNOP_status, 5);
	CHECK_EQ(EVTCHNOP_alloc_unbound, 6);
	CHECK_EQ(EVTCHNOP_unmask, 9);
	CHECK_EQ(EVTCHNOP_set_priority, 13);
	CHECK_EQ(EVTCHNSTAT_interdomain, 2);
	CHECK_EQ(EVTCHNSTAT_ipi, 5);
	CHECK_EQ(EVTCHN_2L_NR_CHANNELS, 4096);
	CHECK_EQ(EVTCHN_FIFO_NR_CHANNELS, 1 << 17);
	CHECK_EQ(EVTCHN_FIFO_PRIORITY_DEFAULT, 7);

	CHECK_EQ(sizeof(au), 8);
	CHECK_EQ(au.dom, 0x7FF0);
	CHECK_EQ(sizeof(struct evtchn_bind_interdomain), 12);
	CHECK_EQ(sizeof(struct evtchn_bind_virq), 12);
	CHECK_EQ(sizeof(struct evtchn_status), 24);
	CHECK_EQ(sizeof(struct evtchn_init_control), 24);
	CHECK_EQ(sizeof(op), 28);
	CHECK_EQ(offsetof(struct evtchn_op, u), 4);
	CHECK_EQ(sizeof(struct evtchn_fifo_control_block), 72);
	return check_result();
}
