/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-model operations: HYPERVISOR_dm_op(domid, nr_bufs, bufs).
 *
 * A device model (QEMU in dom0 or in a stub domain) drives the emulated
 * platform of one target domain through these calls: it registers ioreq
 * servers and the port, MMIO and PCI config ranges they emulate, drives
 * ISA and PCI interrupt lines and reports pages it wrote.
 *
 * Who may call: a privileged domain, or the domain whose d->target is the
 * target (a stub device model); never the target itself. The per-handle
 * restriction of privcmd (one fd bound to one domid) is the layer above.
 * Every call, allowed or not, leaves an audit record: global counters,
 * per-target counters and a ring of the target's last DM_AUDIT_RING calls.
 *
 * The state lives in struct dm_state, hung off the target as d->dm. Each
 * ioreq server owns two of the ioreq pages the port reserved for the
 * domain (DM_IOREQ_PAGES): page 2 * id is its shared_iopage, page
 * 2 * id + 1 its buffered_iopage.
 */
#include "xen/dm.h"

#include "hvm/hvm_op.h"
#include "hvm/ioreq.h"
#include "xen/arch/arch.h"
#include "xen/event.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"

_Static_assert(MAX_IOREQ_SERVERS *DM_PAGES_PER_IOREQ_SERVER == DM_IOREQ_PAGES,
	"DM_IOREQ_PAGES covers every server's pages");
_Static_assert(sizeof(struct xen_dm_op_remote_shutdown) <=
		       sizeof(((struct xen_dm_op *)NULL)->u),
	"remote_shutdown fits xen_dm_op.u");
_Static_assert(sizeof(struct ioreq) * MAX_VCPUS_PER_DOMAIN <= PAGE_SIZE,
	"one ioreq slot per vCPU fits the shared_iopage");

#define DM_NR_RANGE_TYPES 3 /* XEN_DMOP_IO_RANGE_PORT, _MEMORY, _PCI */
/* Xen's track_dirty_vram limit: 1 GiB of frames. */
#define DM_MAX_VRAM_FRAMES ((1u << 30) >> PAGE_SHIFT)

/* Refused calls are logged at most DM_LOG_BURST times per window. */
#define DM_LOG_BURST 20
#define DM_LOG_WINDOW_NS 1000000000ull

/** An inclusive range. */
struct dm_io_range {
	uint64_t start;
	uint64_t end;
};

/** Sorted, disjoint, non-adjacent ranges (adjacent ones are merged). */
struct dm_rangeset {
	unsigned int nr;
	struct dm_io_range r[DM_MAX_IO_RANGES];
};

struct dm_ioreq_server {
	ioservid_t id;
	domid_t emulator;
	bool enabled;
	bool pages_ready;            /* pages cleared for the emulator */
	uint8_t handle_bufioreq;     /* HVM_IOREQSRV_BUFIOREQ_* */
	evtchn_port_t bufioreq_port; /* in the target, for the emulator */
	struct dm_rangeset range[DM_NR_RANGE_TYPES];
};

struct dm_state {
	struct dm_ioreq_server *server[MAX_IOREQ_SERVERS];
	uint16_t isa_irq_level;                    /* bit n: IRQ n high */
	uint8_t pci_intx_level[DM_NR_PCI_DEVICES]; /* bit n: INTx n high */
	uint8_t pci_link_route[DM_NR_PCI_LINKS];   /* ISA IRQ, 0 = none */
	uint64_t modified_pages;
	struct dm_audit_counters audit;
	struct dm_audit_record ring[DM_AUDIT_RING];
	unsigned int ring_next;  /* next slot to fill */
	unsigned int ring_count; /* records kept */
};

static struct dm_audit_counters dm_audit_total;
static uint64_t dm_audit_seq;
static uint64_t dm_log_window_start;
static unsigned int dm_log_in_window;
static unsigned int dm_log_suppressed;

/* Bytes of xen_dm_op.u each op reads (0: no such op). */
static const uint8_t dm_op_size[] = {
	[XEN_DMOP_create_ioreq_server] =
		sizeof(struct xen_dm_op_create_ioreq_server),
	[XEN_DMOP_get_ioreq_server_info] =
		sizeof(struct xen_dm_op_get_ioreq_server_info),
	[XEN_DMOP_map_io_range_to_ioreq_server] =
		sizeof(struct xen_dm_op_ioreq_server_range),
	[XEN_DMOP_unmap_io_range_from_ioreq_server] =
		sizeof(struct xen_dm_op_ioreq_server_range),
	[XEN_DMOP_set_ioreq_server_state] =
		sizeof(struct xen_dm_op_set_ioreq_server_state),
	[XEN_DMOP_destroy_ioreq_server] =
		sizeof(struct xen_dm_op_destroy_ioreq_server),
	[XEN_DMOP_track_dirty_vram] = sizeof(struct xen_dm_op_track_dirty_vram),
	[XEN_DMOP_set_pci_intx_level] =
		sizeof(struct xen_dm_op_set_pci_intx_level),
	[XEN_DMOP_set_isa_irq_level] =
		sizeof(struct xen_dm_op_set_isa_irq_level),
	[XEN_DMOP_set_pci_link_route] =
		sizeof(struct xen_dm_op_set_pci_link_route),
	[XEN_DMOP_modified_memory] = sizeof(struct xen_dm_op_modified_memory),
	[XEN_DMOP_set_mem_type] = sizeof(struct xen_dm_op_set_mem_type),
	[XEN_DMOP_inject_event] = sizeof(struct xen_dm_op_inject_event),
	[XEN_DMOP_inject_msi] = sizeof(struct xen_dm_op_inject_msi),
	[XEN_DMOP_map_mem_type_to_ioreq_server] =
		sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server),
	[XEN_DMOP_remote_shutdown] = sizeof(struct xen_dm_op_remote_shutdown),
};

/* ---- per-domain state ------------------------------------------------ */

int dm_init(struct domain *d)
{
	if (d->dm != NULL) {
		return 0;
	}
	d->dm = xzalloc(struct dm_state);
	return d->dm != NULL ? 0 : -ENOMEM;
}

void dm_destroy(struct domain *d)
{
	struct dm_state *dm = d->dm;
	unsigned int i;

	if (dm == NULL) {
		return;
	}
	for (i = 0; i < MAX_IOREQ_SERVERS; i++) {
		xfree(dm->server[i]);
	}
	xfree(dm);
	d->dm = NULL;
}

/** d's state, allocated on first use; NULL when out of memory. */
static struct dm_state *dm_state_get(struct domain *d)
{
	if (d->dm == NULL && dm_init(d) < 0) {
		return NULL;
	}
	return d->dm;
}

/* ---- range sets ------------------------------------------------------ */

static bool rangeset_overlaps(
	const struct dm_rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i;

	for (i = 0; i < rs->nr; i++) {
		if (rs->r[i].start <= e && rs->r[i].end >= s) {
			return true;
		}
	}
	return false;
}

/** Index of the range holding all of [s, e], or -1. */
static int rangeset_find(const struct dm_rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i;

	for (i = 0; i < rs->nr; i++) {
		if (rs->r[i].start <= s && e <= rs->r[i].end) {
			return (int)i;
		}
	}
	return -1;
}

/** Add [s, e], which overlaps nothing in rs; merges with neighbours. */
static int rangeset_add(struct dm_rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int pos = 0;
	bool left, right;

	while (pos < rs->nr && rs->r[pos].start < s) {
		pos++;
	}
	/* No overlap: r[pos - 1].end < s and e < r[pos].start. */
	left = pos > 0 && rs->r[pos - 1].end + 1 == s;
	right = pos < rs->nr && e + 1 == rs->r[pos].start;
	if (left && right) {
		rs->r[pos - 1].end = rs->r[pos].end;
		memmove(&rs->r[pos], &rs->r[pos + 1],
			(rs->nr - pos - 1) * sizeof(rs->r[0]));
		rs->nr--;
		return 0;
	}
	if (left) {
		rs->r[pos - 1].end = e;
		return 0;
	}
	if (right) {
		rs->r[pos].start = s;
		return 0;
	}
	if (rs->nr >= DM_MAX_IO_RANGES) {
		return -ENOSPC;
	}
	memmove(&rs->r[pos + 1], &rs->r[pos],
		(rs->nr - pos) * sizeof(rs->r[0]));
	rs->r[pos].start = s;
	rs->r[pos].end = e;
	rs->nr++;
	return 0;
}

/** Remove [s, e], which lies wholly in range i; may split it. */
static int rangeset_remove(
	struct dm_rangeset *rs, unsigned int i, uint64_t s, uint64_t e)
{
	struct dm_io_range *r = &rs->r[i];

	if (r->start == s && r->end == e) {
		memmove(&rs->r[i], &rs->r[i + 1],
			(rs->nr - i - 1) * sizeof(rs->r[0]));
		rs->nr--;
		return 0;
	}
	if (r->start == s) {
		r->start = e + 1;
		return 0;
	}
	if (r->end == e) {
		r->end = s - 1;
		return 0;
	}
	if (rs->nr >= DM_MAX_IO_RANGES) {
		return -ENOSPC;
	}
	memmove(&rs->r[i + 2], &rs->r[i + 1],
		(rs->nr - i - 1) * sizeof(rs->r[0]));
	rs->r[i + 1].start = e + 1;
	rs->r[i + 1].end = r->end;
	r->end = s - 1;
	rs->nr++;
	return 0;
}

/* ---- guest buffers --------------------------------------------------- */

/** Copy len bytes at offset of buffer buf; -EFAULT if outside it. */
static int dm_buf_read(struct vcpu *v, const struct xen_dm_op_buf *buf,
	size_t offset, void *dst, size_t len)
{
	uint64_t addr = guest_addr(buf->h);

	if (offset + len < offset || offset + len > buf->size ||
		addr + offset < addr) {
		return -EFAULT;
	}
	return arch_copy_from_guest(v, dst, addr + offset, len) < 0 ? -EFAULT
								    : 0;
}

static int dm_buf_write(struct vcpu *v, const struct xen_dm_op_buf *buf,
	size_t offset, const void *src, size_t len)
{
	uint64_t addr = guest_addr(buf->h);

	if (offset + len < offset || offset + len > buf->size ||
		addr + offset < addr) {
		return -EFAULT;
	}
	return arch_copy_to_guest(v, addr + offset, src, len) < 0 ? -EFAULT : 0;
}

/* ---- ioreq servers --------------------------------------------------- */

static void *dm_server_page(struct domain *d, unsigned int id, bool buffered)
{
	return arch_ioreq_page(
		d, id * DM_PAGES_PER_IOREQ_SERVER + (buffered ? 1 : 0));
}

static uint64_t dm_server_gfn(struct domain *d, unsigned int id, bool buffered)
{
	return arch_ioreq_page_gfn(
		d, id * DM_PAGES_PER_IOREQ_SERVER + (buffered ? 1 : 0));
}

static bool dm_server_has_bufioreq(const struct dm_ioreq_server *s)
{
	return s->handle_bufioreq != HVM_IOREQSRV_BUFIOREQ_OFF;
}

/**
 * Make s's pages what an emulator expects on first sight: every vCPU's
 * slot idle (STATE_IOREQ_NONE) and the buffered ring empty.
 */
static int dm_server_pages_init(struct domain *d, struct dm_ioreq_server *s)
{
	struct buffered_iopage *bp = NULL;
	struct ioreq *slot;
	void *page;
	unsigned int i;

	page = dm_server_page(d, s->id, false);
	if (page == NULL) {
		return -ENOMEM;
	}
	if (dm_server_has_bufioreq(s)) {
		bp = dm_server_page(d, s->id, true);
		if (bp == NULL) {
			return -ENOMEM;
		}
	}
	memset(page, 0, PAGE_SIZE);
	slot = page;
	for (i = 0; i < d->max_vcpus; i++) {
		slot[i].state = STATE_IOREQ_NONE;
	}
	if (bp != NULL) {
		memset(bp, 0, PAGE_SIZE);
		bp->read_pointer = 0;
		bp->write_pointer = 0;
	}
	s->pages_ready = true;
	return 0;
}

/** Leave no request of a destroyed server behind for its successor. */
static void dm_server_pages_clear(
	struct domain *d, const struct dm_ioreq_server *s)
{
	void *page;

	if (!s->pages_ready) {
		return;
	}
	page = dm_server_page(d, s->id, false);
	if (page != NULL) {
		memset(page, 0, PAGE_SIZE);
	}
	page = dm_server_page(d, s->id, true);
	if (page != NULL && dm_server_has_bufioreq(s)) {
		memset(page, 0, PAGE_SIZE);
	}
}

/** Server id of dm, for the calling domain: -ENOENT or -EPERM. */
static int dm_server_lookup(struct dm_state *dm, const struct vcpu *v,
	unsigned int id, struct dm_ioreq_server **out)
{
	struct dm_ioreq_server *s;

	if (id >= MAX_IOREQ_SERVERS || dm->server[id] == NULL) {
		return -ENOENT;
	}
	s = dm->server[id];
	if (s->emulator != v->domain->domain_id) {
		return -EPERM;
	}
	*out = s;
	return 0;
}

static int dm_create_server(struct vcpu *v, struct domain *d,
	struct dm_state *dm, struct xen_dm_op_create_ioreq_server *data)
{
	struct dm_ioreq_server *s;
	unsigned int i;
	int port;

	if (data->pad[0] != 0 || data->pad[1] != 0 || data->pad[2] != 0) {
		return -EINVAL;
	}
	if (data->handle_bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC) {
		return -EINVAL;
	}
	for (i = 0; i < MAX_IOREQ_SERVERS; i++) {
		if (dm->server[i] == NULL) {
			break;
		}
	}
	if (i == MAX_IOREQ_SERVERS) {
		return -ENOSPC;
	}
	s = xzalloc(struct dm_ioreq_server);
	if (s == NULL) {
		return -ENOMEM;
	}
	s->id = (ioservid_t)i;
	s->emulator = v->domain->domain_id;
	s->handle_bufioreq = data->handle_bufioreq;
	if (dm_server_has_bufioreq(s)) {
		/* The target notifies the emulator of buffered ioreqs here. */
		port = evtchn_alloc_unbound_in(d, s->emulator);
		if (port < 0) {
			xfree(s);
			return port;
		}
		s->bufioreq_port = (evtchn_port_t)port;
	}
	dm->server[i] = s;
	data->id = s->id;
	return 0;
}

static int dm_get_server_info(struct vcpu *v, struct domain *d,
	struct dm_state *dm, struct xen_dm_op_get_ioreq_server_info *data)
{
	struct dm_ioreq_server *s;
	int rc;

	if (data->pad != 0) {
		return -EINVAL;
	}
	rc = dm_server_lookup(dm, v, data->id, &s);
	if (rc < 0) {
		return rc;
	}
	if (!s->pages_ready) {
		rc = dm_server_pages_init(d, s);
		if (rc < 0) {
			return rc;
		}
	}
	data->ioreq_pfn = dm_server_gfn(d, s->id, false);
	data->bufioreq_pfn = 0;
	data->bufioreq_port = s->bufioreq_port;
	if (dm_server_has_bufioreq(s)) {
		data->bufioreq_pfn = dm_server_gfn(d, s->id, true);
	}
	return 0;
}

static int dm_map_range(struct vcpu *v, struct dm_state *dm,
	const struct xen_dm_op_ioreq_server_range *data, bool map)
{
	struct dm_ioreq_server *s;
	struct dm_rangeset *rs;
	int rc, i;

	if (data->pad != 0 || data->start > data->end) {
		return -EINVAL;
	}
	rc = dm_server_lookup(dm, v, data->id, &s);
	if (rc < 0) {
		return rc;
	}
	if (data->type >= DM_NR_RANGE_TYPES) {
		return -EINVAL;
	}
	rs = &s->range[data->type];
	if (map) {
		if (rangeset_overlaps(rs, data->start, data->end)) {
			return -EEXIST;
		}
		return rangeset_add(rs, data->start, data->end);
	}
	i = rangeset_find(rs, data->start, data->end);
	if (i < 0) {
		return -ENOENT;
	}
	return rangeset_remove(rs, (unsigned int)i, data->start, data->end);
}

static int dm_set_server_state(struct vcpu *v, struct dm_state *dm,
	const struct xen_dm_op_set_ioreq_server_state *data)
{
	struct dm_ioreq_server *s;
	int rc;

	if (data->pad != 0) {
		return -EINVAL;
	}
	rc = dm_server_lookup(dm, v, data->id, &s);
	if (rc < 0) {
		return rc;
	}
	s->enabled = data->enabled != 0;
	return 0;
}

static int dm_destroy_server(struct vcpu *v, struct domain *d,
	struct dm_state *dm, const struct xen_dm_op_destroy_ioreq_server *data)
{
	struct dm_ioreq_server *s;
	int rc;

	if (data->pad != 0) {
		return -EINVAL;
	}
	rc = dm_server_lookup(dm, v, data->id, &s);
	if (rc < 0) {
		return rc;
	}
	dm_server_pages_clear(d, s);
	if (s->bufioreq_port != 0) {
		evtchn_close(d, s->bufioreq_port);
	}
	dm->server[s->id] = NULL;
	xfree(s);
	return 0;
}

/* ---- interrupt lines ------------------------------------------------- */

static int dm_set_isa_irq_level(
	struct dm_state *dm, const struct xen_dm_op_set_isa_irq_level *data)
{
	if (data->isa_irq >= DM_NR_ISA_IRQS || data->level > 1) {
		return -EINVAL;
	}
	if (data->level != 0) {
		dm->isa_irq_level |= (uint16_t)(1u << data->isa_irq);
	} else {
		dm->isa_irq_level &= (uint16_t) ~(1u << data->isa_irq);
	}
	return 0;
}

static int dm_set_pci_intx_level(
	struct dm_state *dm, const struct xen_dm_op_set_pci_intx_level *data)
{
	uint8_t bit;

	if (data->domain != 0 || data->bus != 0 ||
		data->device >= DM_NR_PCI_DEVICES ||
		data->intx >= DM_NR_PCI_INTX || data->level > 1) {
		return -EINVAL;
	}
	bit = (uint8_t)(1u << data->intx);
	if (data->level != 0) {
		dm->pci_intx_level[data->device] |= bit;
	} else {
		dm->pci_intx_level[data->device] &= (uint8_t)~bit;
	}
	return 0;
}

static int dm_set_pci_link_route(
	struct dm_state *dm, const struct xen_dm_op_set_pci_link_route *data)
{
	if (data->link >= DM_NR_PCI_LINKS || data->isa_irq >= DM_NR_ISA_IRQS) {
		return -EINVAL;
	}
	dm->pci_link_route[data->link] = data->isa_irq;
	return 0;
}

/* ---- memory ---------------------------------------------------------- */

/*
 * Extents are taken from the last to the first, as Xen does; those before
 * a bad one stay counted. There is no log-dirty mode to feed yet, so the
 * pages are only counted.
 */
static int dm_modified_memory(struct vcpu *v, struct domain *d,
	struct dm_state *dm, const struct xen_dm_op_buf *buf,
	unsigned int nr_bufs, const struct xen_dm_op_modified_memory *data)
{
	struct xen_dm_op_modified_memory_extent ext;
	uint64_t end;
	unsigned int i;

	if (nr_bufs != 2 || data->opaque != 0) {
		return -EINVAL;
	}
	if (buf[1].size / sizeof(ext) < data->nr_extents) {
		return -EINVAL;
	}
	for (i = data->nr_extents; i-- > 0;) {
		if (dm_buf_read(v, &buf[1], (size_t)i * sizeof(ext), &ext,
			    sizeof(ext)) < 0) {
			return -EFAULT;
		}
		if (ext.pad != 0) {
			return -EINVAL;
		}
		end = ext.first_pfn + ext.nr;
		if (end <= ext.first_pfn || end > d->max_pages) {
			return -EINVAL;
		}
		dm->modified_pages += ext.nr;
	}
	return 0;
}

static int dm_set_mem_type(
	struct domain *d, const struct xen_dm_op_set_mem_type *data)
{
	uint64_t last = data->first_pfn + data->nr - 1;

	if (data->pad != 0) {
		return -EINVAL;
	}
	if (data->first_pfn > last || last >= d->max_pages) {
		return -EINVAL;
	}
	if (data->mem_type > HVMMEM_ioreq_server ||
		data->mem_type == HVMMEM_unused) {
		return -EINVAL;
	}
	/* No p2m types to change here. */
	return -EOPNOTSUPP;
}

/* ---- the hypercall --------------------------------------------------- */

/** Run the op in buf[0] against d (access already checked). */
static long dm_op(struct vcpu *v, struct domain *d,
	const struct xen_dm_op_buf *buf, unsigned int nr_bufs, uint32_t *op_nr)
{
	const size_t offset = offsetof(struct xen_dm_op, u);
	struct xen_dm_op_remote_shutdown shutdown;
	struct xen_dm_op op;
	struct dm_state *dm;
	bool const_op = true;
	size_t size;
	long rc;

	dm = dm_state_get(d);
	if (dm == NULL) {
		return -ENOMEM;
	}
	memset(&op, 0, sizeof(op));
	if (dm_buf_read(v, &buf[0], 0, &op, offset) < 0) {
		return -EFAULT;
	}
	*op_nr = op.op;
	if (op.op >= ARRAY_SIZE(dm_op_size) || dm_op_size[op.op] == 0) {
		return -EOPNOTSUPP;
	}
	size = dm_op_size[op.op];
	if (dm_buf_read(v, &buf[0], offset, &op.u, size) < 0) {
		return -EFAULT;
	}
	if (op.pad != 0) {
		return -EINVAL;
	}

	switch (op.op) {
	case XEN_DMOP_create_ioreq_server:
		const_op = false;
		rc = dm_create_server(v, d, dm, &op.u.create_ioreq_server);
		break;
	case XEN_DMOP_get_ioreq_server_info:
		const_op = false;
		rc = dm_get_server_info(v, d, dm, &op.u.get_ioreq_server_info);
		break;
	case XEN_DMOP_map_io_range_to_ioreq_server:
		rc = dm_map_range(
			v, dm, &op.u.map_io_range_to_ioreq_server, true);
		break;
	case XEN_DMOP_unmap_io_range_from_ioreq_server:
		rc = dm_map_range(
			v, dm, &op.u.unmap_io_range_from_ioreq_server, false);
		break;
	case XEN_DMOP_set_ioreq_server_state:
		rc = dm_set_server_state(v, dm, &op.u.set_ioreq_server_state);
		break;
	case XEN_DMOP_destroy_ioreq_server:
		rc = dm_destroy_server(v, d, dm, &op.u.destroy_ioreq_server);
		break;
	case XEN_DMOP_track_dirty_vram:
		if (op.u.track_dirty_vram.pad != 0 || nr_bufs < 2 ||
			op.u.track_dirty_vram.nr > DM_MAX_VRAM_FRAMES) {
			rc = -EINVAL;
		} else {
			rc = -EOPNOTSUPP; /* no dirty-page tracking */
		}
		break;
	case XEN_DMOP_set_pci_intx_level:
		rc = dm_set_pci_intx_level(dm, &op.u.set_pci_intx_level);
		break;
	case XEN_DMOP_set_isa_irq_level:
		rc = dm_set_isa_irq_level(dm, &op.u.set_isa_irq_level);
		break;
	case XEN_DMOP_set_pci_link_route:
		rc = dm_set_pci_link_route(dm, &op.u.set_pci_link_route);
		break;
	case XEN_DMOP_modified_memory:
		rc = dm_modified_memory(
			v, d, dm, buf, nr_bufs, &op.u.modified_memory);
		break;
	case XEN_DMOP_set_mem_type:
		const_op = false;
		rc = dm_set_mem_type(d, &op.u.set_mem_type);
		break;
	case XEN_DMOP_inject_event:
		if (op.u.inject_event.pad0 != 0 ||
			op.u.inject_event.pad1 != 0 ||
			op.u.inject_event.vcpuid >= d->max_vcpus ||
			d->vcpu[op.u.inject_event.vcpuid] == NULL) {
			rc = -EINVAL;
		} else {
			rc = -EOPNOTSUPP; /* no event injection */
		}
		break;
	case XEN_DMOP_inject_msi:
		rc = op.u.inject_msi.pad != 0 ? -EINVAL : -EOPNOTSUPP;
		break;
	case XEN_DMOP_remote_shutdown:
		memcpy(&shutdown, &op.u, sizeof(shutdown));
		domain_shutdown(d, shutdown.reason);
		rc = 0;
		break;
	default:
		/* map_mem_type_to_ioreq_server: needs HAP p2m types. */
		rc = -EOPNOTSUPP;
		break;
	}

	if (rc == 0 && !const_op &&
		dm_buf_write(v, &buf[0], offset, &op.u, size) < 0) {
		rc = -EFAULT;
	}
	return rc;
}

/** The op number in buf for the audit trail, before access is checked. */
static uint32_t dm_peek_op(struct vcpu *v, const struct xen_dm_op_buf *buf)
{
	uint32_t op;

	if (dm_buf_read(v, buf, 0, &op, sizeof(op)) < 0) {
		return DM_AUDIT_OP_UNKNOWN;
	}
	return op;
}

static long dm_check_access(const struct domain *caller, const struct domain *d)
{
	if (d == NULL) {
		return -ESRCH;
	}
	if (d == caller) {
		return -EPERM;
	}
	if (caller->is_privileged || caller->target == d->domain_id) {
		return 0;
	}
	return -EPERM;
}

static void dm_count(struct dm_audit_counters *c, long rc, bool allowed)
{
	if (!allowed) {
		c->refused++;
		return;
	}
	c->allowed++;
	if (rc != 0) {
		c->failed++;
	}
}

/** Whether one more refused call may be logged now. */
static bool dm_log_refused_ok(void)
{
	uint64_t now = arch_now_ns();

	if (now - dm_log_window_start >= DM_LOG_WINDOW_NS ||
		now < dm_log_window_start) {
		if (dm_log_suppressed != 0) {
			printk(XENLOG_INFO,
				"dm_op: %u refused calls not logged\n",
				dm_log_suppressed);
		}
		dm_log_window_start = now;
		dm_log_in_window = 0;
		dm_log_suppressed = 0;
	}
	if (dm_log_in_window >= DM_LOG_BURST) {
		dm_log_suppressed++;
		return false;
	}
	dm_log_in_window++;
	return true;
}

static void dm_audit(const struct domain *caller, domid_t domid,
	struct domain *d, uint32_t op, long rc, bool allowed)
{
	struct dm_audit_record rec;
	struct dm_state *dm;

	memset(&rec, 0, sizeof(rec));
	rec.seq = ++dm_audit_seq;
	rec.caller = caller->domain_id;
	rec.target = domid;
	rec.op = op;
	rec.result = (int32_t)rc;
	rec.allowed = allowed;

	dm_count(&dm_audit_total, rc, allowed);
	dm = d != NULL ? dm_state_get(d) : NULL;
	if (dm != NULL) {
		dm_count(&dm->audit, rc, allowed);
		dm->ring[dm->ring_next] = rec;
		dm->ring_next = (dm->ring_next + 1) % DM_AUDIT_RING;
		if (dm->ring_count < DM_AUDIT_RING) {
			dm->ring_count++;
		}
	}

	if (allowed) {
		printk(XENLOG_DEBUG, "dm_op: d%u -> d%u op %d: %ld\n",
			rec.caller, domid, (int32_t)op, rc);
	} else if (dm_log_refused_ok()) {
		printk(XENLOG_INFO, "dm_op: d%u -> d%u op %d refused: %ld\n",
			rec.caller, domid, (int32_t)op, rc);
	}
}

long do_dm_op(
	struct vcpu *v, domid_t domid, unsigned int nr_bufs, uint64_t bufs)
{
	struct domain *caller = v->domain;
	struct xen_dm_op_buf buf[DM_MAX_BUFS];
	uint32_t op = DM_AUDIT_OP_UNKNOWN;
	bool allowed = false;
	struct domain *d;
	long rc = 0;

	if (nr_bufs == 0) {
		rc = -ENODATA;
	} else if (nr_bufs > DM_MAX_BUFS) {
		rc = -E2BIG;
	} else if (arch_copy_from_guest(
			   v, buf, bufs, nr_bufs * sizeof(buf[0])) < 0) {
		rc = -EFAULT;
	} else {
		op = dm_peek_op(v, &buf[0]);
	}

	/* Looked up even for a bad call, for the target's audit trail. */
	d = domain_get_target(caller, domid);
	if (rc == 0) {
		rc = dm_check_access(caller, d);
	}
	if (rc == 0) {
		allowed = true;
		rc = dm_op(v, d, buf, nr_bufs, &op);
	}
	dm_audit(caller, domid, d, op, rc, allowed);
	domain_put(d);
	return rc;
}

/* ---- queries for the core and the tests ------------------------------ */

unsigned int dm_audit_read(
	struct domain *d, struct dm_audit_record *out, unsigned int max)
{
	const struct dm_state *dm = d != NULL ? d->dm : NULL;
	unsigned int n, first, i;

	if (dm == NULL || out == NULL) {
		return 0;
	}
	n = MIN(max, dm->ring_count);
	/* The newest n records end just before ring_next. */
	first = (dm->ring_next + DM_AUDIT_RING - n) % DM_AUDIT_RING;
	for (i = 0; i < n; i++) {
		out[i] = dm->ring[(first + i) % DM_AUDIT_RING];
	}
	return n;
}

int dm_audit_counters(struct domain *d, struct dm_audit_counters *out)
{
	if (d == NULL || d->dm == NULL) {
		return -ENOENT;
	}
	*out = d->dm->audit;
	return 0;
}

void dm_audit_global(struct dm_audit_counters *out)
{
	*out = dm_audit_total;
}

int dm_ioreq_server_get(
	struct domain *d, unsigned int id, struct dm_ioreq_server_info *out)
{
	const struct dm_ioreq_server *s;
	unsigned int t;

	if (d->dm == NULL || id >= MAX_IOREQ_SERVERS ||
		d->dm->server[id] == NULL) {
		return -ENOENT;
	}
	s = d->dm->server[id];
	memset(out, 0, sizeof(*out));
	out->id = s->id;
	out->emulator = s->emulator;
	out->enabled = s->enabled;
	out->handle_bufioreq = s->handle_bufioreq;
	out->ioreq_gfn = dm_server_gfn(d, id, false);
	if (dm_server_has_bufioreq(s)) {
		out->bufioreq_gfn = dm_server_gfn(d, id, true);
	}
	for (t = 0; t < DM_NR_RANGE_TYPES; t++) {
		out->nr_ranges[t] = s->range[t].nr;
	}
	return 0;
}

void *dm_ioreq_server_page(struct domain *d, unsigned int id, bool buffered)
{
	const struct dm_ioreq_server *s;

	if (d->dm == NULL || id >= MAX_IOREQ_SERVERS ||
		d->dm->server[id] == NULL) {
		return NULL;
	}
	s = d->dm->server[id];
	if (buffered && !dm_server_has_bufioreq(s)) {
		return NULL;
	}
	return dm_server_page(d, id, buffered);
}

int dm_ioreq_server_for_range(
	struct domain *d, uint32_t type, uint64_t addr, uint64_t size)
{
	const struct dm_ioreq_server *s;
	unsigned int i;
	uint64_t end;

	if (type >= DM_NR_RANGE_TYPES || size == 0) {
		return -EINVAL;
	}
	end = addr + size - 1;
	if (end < addr || d->dm == NULL) {
		return -ENOENT;
	}
	/* Lowest id first when enabled servers claim the same range. */
	for (i = 0; i < MAX_IOREQ_SERVERS; i++) {
		s = d->dm->server[i];
		if (s != NULL && s->enabled &&
			rangeset_find(&s->range[type], addr, end) >= 0) {
			return (int)i;
		}
	}
	return -ENOENT;
}

int dm_ioreq_server_for_io(struct domain *d, uint32_t type, uint64_t addr)
{
	return dm_ioreq_server_for_range(d, type, addr, 1);
}

int dm_isa_irq_level(struct domain *d, unsigned int irq)
{
	if (irq >= DM_NR_ISA_IRQS) {
		return -EINVAL;
	}
	if (d->dm == NULL) {
		return 0;
	}
	return (d->dm->isa_irq_level >> irq) & 1;
}

int dm_pci_intx_level(struct domain *d, unsigned int device, unsigned int intx)
{
	if (device >= DM_NR_PCI_DEVICES || intx >= DM_NR_PCI_INTX) {
		return -EINVAL;
	}
	if (d->dm == NULL) {
		return 0;
	}
	return (d->dm->pci_intx_level[device] >> intx) & 1;
}

int dm_pci_link_route(struct domain *d, unsigned int link)
{
	if (link >= DM_NR_PCI_LINKS) {
		return -EINVAL;
	}
	if (d->dm == NULL) {
		return 0;
	}
	return d->dm->pci_link_route[link];
}

uint64_t dm_modified_pages(struct domain *d)
{
	return d->dm != NULL ? d->dm->modified_pages : 0;
}
