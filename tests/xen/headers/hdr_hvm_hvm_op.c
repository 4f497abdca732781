/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm/hvm_op.h builds on its own and carries Xen's hvm_op ABI. */
#include <stddef.h>

#include "check.h"
#include "hvm/hvm_op.h"

int main(void)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = 1};

	CHECK_EQ(HVMOP_set_param, 0);
	CHECK_EQ(HVMOP_get_param, 1);
	CHECK_EQ(HVMOP_flush_tlbs, 5);
	CHECK_EQ(HVMOP_pagetable_dying, 9);
	CHECK_EQ(HVMOP_get_time, 10);
	CHECK_EQ(HVMOP_get_mem_type, 15);
	CHECK_EQ(HVMOP_set_evtchn_upcall_vector, 23);
	CHECK_EQ(HVMOP_altp2m, 25);
	CHECK_EQ(HVMMEM_ram_rw, 0);
	CHECK_EQ(HVMMEM_mmio_dm, 2);
	CHECK_EQ(HVMMEM_ioreq_server, 4);
	CHECK_EQ(HVM_IOREQSRV_BUFIOREQ_ATOMIC, 2);

	CHECK_EQ(sizeof(p), 16);
	CHECK_EQ(offsetof(struct xen_hvm_param, value), 8);
	CHECK_EQ(sizeof(struct xen_hvm_get_mem_type), 16);
	CHECK_EQ(sizeof(struct xen_hvm_xentrace), 32);
	CHECK_EQ(sizeof(struct xen_hvm_altp2m_op), 80);
	return check_result();
}
