/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-model operations (HYPERVISOR_dm_op, xen/common/dm.c): the ioreq
 * servers a device model registers for a domain, the interrupt lines it
 * drives, and the audit trail of every DMOP call.
 *
 * The hypercall itself is do_dm_op() in xen/hypercall.h; this header is
 * what the rest of the core (a future ioreq dispatch path, sysctl) and the
 * unit tests read back.
 */
#ifndef XEN_DM_H
#define XEN_DM_H

#include "hvm/dm_op.h"
#include "xen/domain.h"

/** ioreq servers per target domain; ids are 0 .. MAX_IOREQ_SERVERS - 1. */
#define MAX_IOREQ_SERVERS 8
/** ioreq pages per server: the synchronous page and the buffered page. */
#define DM_PAGES_PER_IOREQ_SERVER 2
/** Ranges per server and range type (XEN_DMOP_IO_RANGE_*). */
#define DM_MAX_IO_RANGES 256
/** Buffers one DMOP call may pass (bufs[0] op, bufs[1] op-specific). */
#define DM_MAX_BUFS 2
/** Audit records kept per target domain. */
#define DM_AUDIT_RING 16
/** The op of an audit record whose op could not be read. */
#define DM_AUDIT_OP_UNKNOWN 0xffffffffu

#define DM_NR_ISA_IRQS 16
#define DM_NR_PCI_DEVICES 32
#define DM_NR_PCI_INTX 4
#define DM_NR_PCI_LINKS 4

/*
 * XEN_DMOP_remote_shutdown came with Xen 4.10; the 4.9 public header does
 * not have it. Same number and layout as Xen's.
 */
#ifndef XEN_DMOP_remote_shutdown
#define XEN_DMOP_remote_shutdown 16
struct xen_dm_op_remote_shutdown {
	uint32_t reason; /* IN: SHUTDOWN_* */
};
#endif

/** One DMOP call, as the audit trail records it. */
struct dm_audit_record {
	uint64_t seq;   /* global call number, from 1 */
	domid_t caller; /* the calling domain */
	domid_t target; /* the domid it named (DOMID_SELF as given) */
	uint32_t op;    /* XEN_DMOP_*, or DM_AUDIT_OP_UNKNOWN */
	int32_t result; /* what the call returned: 0 or -errno */
	bool allowed;   /* passed the buffer and access checks */
};

/** Audit counters, per target domain and global. */
struct dm_audit_counters {
	uint64_t allowed; /* reached the op (whatever its result) */
	uint64_t refused; /* stopped by the buffer or access checks */
	uint64_t failed;  /* allowed, but the op returned an error */
};

/** What the core knows about one ioreq server. */
struct dm_ioreq_server_info {
	ioservid_t id;
	domid_t emulator; /* the domain that created it */
	bool enabled;
	uint8_t handle_bufioreq; /* HVM_IOREQSRV_BUFIOREQ_* */
	uint64_t ioreq_gfn;
	uint64_t bufioreq_gfn;     /* 0 without a buffered ring */
	unsigned int nr_ranges[3]; /* per XEN_DMOP_IO_RANGE_* */
};

/**
 * Copy the newest min(max, kept) audit records of target domain d to out,
 * oldest first; returns how many were copied.
 */
unsigned int dm_audit_read(
	struct domain *d, struct dm_audit_record *out, unsigned int max);
/** d's audit counters: 0, or -ENOENT when d has no DMOP state. */
int dm_audit_counters(struct domain *d, struct dm_audit_counters *out);
/** The counters over all DMOP calls since boot. */
void dm_audit_global(struct dm_audit_counters *out);

/** Server id's state: 0, or -ENOENT when d has no such server. */
int dm_ioreq_server_get(
	struct domain *d, unsigned int id, struct dm_ioreq_server_info *out);
/** The core's pointer to server id's shared_iopage or buffered_iopage. */
void *dm_ioreq_server_page(struct domain *d, unsigned int id, bool buffered);
/**
 * The enabled server a single access of type (XEN_DMOP_IO_RANGE_*) at
 * addr goes to: its id, or -ENOENT when none claims it. For
 * XEN_DMOP_IO_RANGE_PCI addr is the XEN_DMOP_PCI_SBDF() of the device.
 */
int dm_ioreq_server_for_io(struct domain *d, uint32_t type, uint64_t addr);
/** Like dm_ioreq_server_for_io for [addr, addr + size - 1] as a whole. */
int dm_ioreq_server_for_range(
	struct domain *d, uint32_t type, uint64_t addr, uint64_t size);

/** ISA IRQ irq's level as the device model last set it (0 or 1), or -EINVAL. */
int dm_isa_irq_level(struct domain *d, unsigned int irq);
/** PCI device/INTx pin level (bus 0, segment 0): 0 or 1, or -EINVAL. */
int dm_pci_intx_level(struct domain *d, unsigned int device, unsigned int intx);
/** The ISA IRQ PCI link is routed to (0: disconnected), or -EINVAL. */
int dm_pci_link_route(struct domain *d, unsigned int link);
/** Pages reported through XEN_DMOP_modified_memory so far. */
uint64_t dm_modified_pages(struct domain *d);

#endif
