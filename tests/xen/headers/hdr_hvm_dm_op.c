/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm/dm_op.h builds on its own and carries Xen 4.9's dm_op ABI. */
#include <stddef.h>

#include "check.h"
#include "hvm/dm_op.h"

int main(void)
{
	struct xen_dm_op op = {.op = XEN_DMOP_set_isa_irq_level};
	struct xen_dm_op_buf buf;

	op.u.set_isa_irq_level.isa_irq = 4;
	op.u.set_isa_irq_level.level = 1;
	set_xen_guest_handle(buf.h, &op);
	buf.size = sizeof(op);
	CHECK(buf.h.p == &op);
	CHECK_EQ(buf.size, 32);

	CHECK_EQ(XEN_DMOP_create_ioreq_server, 1);
	CHECK_EQ(XEN_DMOP_get_ioreq_server_info, 2);
	CHECK_EQ(XEN_DMOP_map_io_range_to_ioreq_server, 3);
	CHECK_EQ(XEN_DMOP_unmap_io_range_from_ioreq_server, 4);
	CHECK_EQ(XEN_DMOP_set_ioreq_server_state, 5);
	CHECK_EQ(XEN_DMOP_destroy_ioreq_server, 6);
	CHECK_EQ(XEN_DMOP_track_dirty_vram, 7);
	CHECK_EQ(XEN_DMOP_set_pci_intx_level, 8);
	CHECK_EQ(XEN_DMOP_set_isa_irq_level, 9);
	CHECK_EQ(XEN_DMOP_set_pci_link_route, 10);
	CHECK_EQ(XEN_DMOP_modified_memory, 11);
	CHECK_EQ(XEN_DMOP_set_mem_type, 12);
	CHECK_EQ(XEN_DMOP_inject_event, 13);
	CHECK_EQ(XEN_DMOP_inject_msi, 14);
	CHECK_EQ(XEN_DMOP_map_mem_type_to_ioreq_server, 15);
	CHECK_EQ(XEN_DMOP_IO_RANGE_PCI, 2);
	CHECK_EQ(XEN_DMOP_PCI_SBDF(1, 2, 3, 4), 0x1021c);
	CHECK_EQ(XEN_DMOP_EVENT_hw_exc, 3);
	CHECK_EQ(XEN_DMOP_IOREQ_MEM_ACCESS_WRITE, 2);

	CHECK_EQ(sizeof(struct xen_dm_op_create_ioreq_server), 6);
	CHECK_EQ(sizeof(struct xen_dm_op_get_ioreq_server_info), 24);
	CHECK_EQ(sizeof(struct xen_dm_op_ioreq_server_range), 24);
	CHECK_EQ(sizeof(struct xen_dm_op_set_pci_intx_level), 6);
	CHECK_EQ(sizeof(struct xen_dm_op_inject_event), 24);
	CHECK_EQ(sizeof(struct xen_dm_op_modified_memory_extent), 16);
	CHECK_EQ(sizeof(op), 32);
	CHECK_EQ(offsetof(struct xen_dm_op, u), 8);
	CHECK_EQ(sizeof(buf), 16);
	return check_result();
}
