/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xen/common/dm.c (HYPERVISOR_dm_op) on the fake port: who
 * may issue DMOPs against whom, the audit trail of allowed and refused
 * calls, buffer checks, ioreq servers and their ranges, interrupt line
 * bounds, modified_memory extents and remote_shutdown.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fake.h"
#include "hvm/hvm_op.h"
#include "hvm/ioreq.h"
#include "sched.h"
#include "xen/dm.h"
#include "xen/event.h"
#include "xen/hypercall.h"

#define RAM_PAGES 64u
#define OP_HDR offsetof(struct xen_dm_op, u)

/*
 * dom0 (privileged), the HVM guest, its stub device model (target =
 * guest) and an unrelated unprivileged domain.
 */
static struct domain *dom0, *guest, *stub, *other;

static int dm_setup(void **state)
{
	fake_reset();
	printk_set_level(XENLOG_INFO);
	dom0 = fake_domain_create(0, 1, RAM_PAGES, true);
	guest = fake_domain_create(1, 2, RAM_PAGES, false);
	stub = fake_domain_create(2, 1, RAM_PAGES, false);
	other = fake_domain_create(3, 1, RAM_PAGES, false);
	if (dom0 == NULL || guest == NULL || stub == NULL || other == NULL) {
		return -1;
	}
	stub->target = guest->domain_id;
	return 0;
}

static int dm_teardown(void **state)
{
	long live = fake_teardown();

	printk_set_level(XENLOG_INFO);
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

/** A DMOP with bufs[0] = op (size0 bytes) and bufs[1] = b1 when nr = 2. */
static long dmop_bufs(struct domain *caller, domid_t target, unsigned int nr,
	void *op, size_t size0, void *b1, size_t size1)
{
	struct xen_dm_op_buf bufs[3];

	memset(bufs, 0, sizeof(bufs));
	bufs[0].h.p = op;
	bufs[0].size = size0;
	bufs[1].h.p = b1;
	bufs[1].size = size1;
	bufs[2].h.p = op;
	bufs[2].size = size0;
	return do_dm_op(caller->vcpu[0], target, nr, FAKE_PTR(bufs));
}

static long dmop(struct domain *caller, domid_t target, struct xen_dm_op *op)
{
	return dmop_bufs(caller, target, 1, op, sizeof(*op), NULL, 0);
}

static void op_init(struct xen_dm_op *op, uint32_t nr)
{
	memset(op, 0, sizeof(*op));
	op->op = nr;
}

static long create_server(
	struct domain *caller, domid_t target, uint8_t bufioreq, ioservid_t *id)
{
	struct xen_dm_op op;
	long rc;

	op_init(&op, XEN_DMOP_create_ioreq_server);
	op.u.create_ioreq_server.handle_bufioreq = bufioreq;
	op.u.create_ioreq_server.id = 0xbeef;
	rc = dmop(caller, target, &op);
	if (rc == 0 && id != NULL) {
		*id = op.u.create_ioreq_server.id;
	}
	return rc;
}

static long server_info(struct domain *caller, domid_t target, ioservid_t id,
	struct xen_dm_op_get_ioreq_server_info *out)
{
	struct xen_dm_op op;
	long rc;

	op_init(&op, XEN_DMOP_get_ioreq_server_info);
	op.u.get_ioreq_server_info.id = id;
	op.u.get_ioreq_server_info.ioreq_pfn = 0x1111;
	op.u.get_ioreq_server_info.bufioreq_pfn = 0x2222;
	op.u.get_ioreq_server_info.bufioreq_port = 0x3333;
	rc = dmop(caller, target, &op);
	if (out != NULL) {
		*out = op.u.get_ioreq_server_info;
	}
	return rc;
}

static long map_range(struct domain *caller, domid_t target, ioservid_t id,
	uint32_t type, uint64_t start, uint64_t end, bool map)
{
	struct xen_dm_op op;

	op_init(&op, map ? XEN_DMOP_map_io_range_to_ioreq_server
			 : XEN_DMOP_unmap_io_range_from_ioreq_server);
	op.u.map_io_range_to_ioreq_server.id = id;
	op.u.map_io_range_to_ioreq_server.type = type;
	op.u.map_io_range_to_ioreq_server.start = start;
	op.u.map_io_range_to_ioreq_server.end = end;
	return dmop(caller, target, &op);
}

static long set_state(
	struct domain *caller, domid_t target, ioservid_t id, uint8_t enabled)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_set_ioreq_server_state);
	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = enabled;
	return dmop(caller, target, &op);
}

static long destroy_server(struct domain *caller, domid_t target, ioservid_t id)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_destroy_ioreq_server);
	op.u.destroy_ioreq_server.id = id;
	return dmop(caller, target, &op);
}

static long isa_irq(struct domain *caller, uint8_t irq, uint8_t level)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_set_isa_irq_level);
	op.u.set_isa_irq_level.isa_irq = irq;
	op.u.set_isa_irq_level.level = level;
	return dmop(caller, guest->domain_id, &op);
}

static long pci_intx(struct domain *caller, uint16_t seg, uint8_t bus,
	uint8_t dev, uint8_t intx, uint8_t level)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_set_pci_intx_level);
	op.u.set_pci_intx_level.domain = seg;
	op.u.set_pci_intx_level.bus = bus;
	op.u.set_pci_intx_level.device = dev;
	op.u.set_pci_intx_level.intx = intx;
	op.u.set_pci_intx_level.level = level;
	return dmop(caller, guest->domain_id, &op);
}

static long link_route(struct domain *caller, uint8_t link, uint8_t irq)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_set_pci_link_route);
	op.u.set_pci_link_route.link = link;
	op.u.set_pci_link_route.isa_irq = irq;
	return dmop(caller, guest->domain_id, &op);
}

static long modified(struct domain *caller, uint32_t nr_extents,
	struct xen_dm_op_modified_memory_extent *ext, size_t ext_bytes)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_modified_memory);
	op.u.modified_memory.nr_extents = nr_extents;
	return dmop_bufs(
		caller, guest->domain_id, 2, &op, sizeof(op), ext, ext_bytes);
}

static struct dm_audit_record last_record(struct domain *d)
{
	struct dm_audit_record rec[DM_AUDIT_RING];
	unsigned int n;

	memset(rec, 0, sizeof(rec));
	n = dm_audit_read(d, rec, DM_AUDIT_RING);
	assert_true(n > 0);
	return rec[n - 1];
}

static struct dm_audit_counters counters(struct domain *d)
{
	struct dm_audit_counters c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(dm_audit_counters(d, &c), 0);
	return c;
}

/* ---- who may call -------------------------------------------------------- */

static void test_unprivileged_non_dm_is_refused(void **state)
{
	struct dm_audit_counters c;

	assert_int_equal(
		create_server(other, guest->domain_id, 0, NULL), -EPERM);
	assert_int_equal(isa_irq(other, 3, 1), -EPERM);
	assert_int_equal(dm_isa_irq_level(guest, 3), 0);
	/* The stub serves the guest only. */
	assert_int_equal(
		create_server(stub, other->domain_id, 0, NULL), -EPERM);
	assert_int_equal(create_server(stub, dom0->domain_id, 0, NULL), -EPERM);
	/* A guest cannot drive its own device model's state either. */
	assert_int_equal(
		create_server(guest, stub->domain_id, 0, NULL), -EPERM);
	c = counters(guest);
	assert_int_equal(c.refused, 2);
	assert_int_equal(c.allowed, 0);
	assert_int_equal(dm_ioreq_server_get(
				 guest, 0, &(struct dm_ioreq_server_info){0}),
		-ENOENT);
}

static void test_privileged_and_device_model_are_allowed(void **state)
{
	struct dm_ioreq_server_info info;
	ioservid_t id0 = 99, id1 = 99;

	assert_int_equal(create_server(dom0, guest->domain_id, 0, &id0), 0);
	assert_int_equal(create_server(stub, guest->domain_id, 0, &id1), 0);
	assert_int_equal(id0, 0);
	assert_int_equal(id1, 1);
	assert_int_equal(dm_ioreq_server_get(guest, id0, &info), 0);
	assert_int_equal(info.emulator, dom0->domain_id);
	assert_int_equal(dm_ioreq_server_get(guest, id1, &info), 0);
	assert_int_equal(info.emulator, stub->domain_id);
	assert_false(info.enabled);

	/* dom0 may drive any domain, including the stub itself. */
	assert_int_equal(isa_irq(dom0, 1, 1), 0);
	assert_int_equal(create_server(dom0, stub->domain_id, 0, NULL), 0);

	/* Through the hypercall table as well. */
	{
		struct xen_dm_op op;
		struct xen_dm_op_buf buf;

		op_init(&op, XEN_DMOP_set_isa_irq_level);
		op.u.set_isa_irq_level.isa_irq = 7;
		op.u.set_isa_irq_level.level = 1;
		buf.h.p = &op;
		buf.size = sizeof(op);
		assert_int_equal(
			fake_hypercall(stub, 0, __HYPERVISOR_dm_op,
				guest->domain_id, 1, FAKE_PTR(&buf), 0, 0),
			0);
		assert_int_equal(dm_isa_irq_level(guest, 7), 1);
	}
}

static void test_self_and_missing_targets_are_refused(void **state)
{
	struct dm_audit_counters before, after, c;
	struct dm_audit_record rec;

	dm_audit_global(&before);
	assert_int_equal(
		create_server(guest, guest->domain_id, 0, NULL), -EPERM);
	assert_int_equal(create_server(guest, DOMID_SELF, 0, NULL), -EPERM);
	/* Privilege does not allow a DMOP against oneself. */
	assert_int_equal(create_server(dom0, DOMID_SELF, 0, NULL), -EPERM);
	assert_int_equal(create_server(dom0, 0, 0, NULL), -EPERM);
	assert_int_equal(create_server(stub, stub->domain_id, 0, NULL), -EPERM);

	assert_int_equal(create_server(dom0, 77, 0, NULL), -ESRCH);
	assert_int_equal(create_server(stub, 77, 0, NULL), -ESRCH);
	assert_int_equal(create_server(dom0, DOMID_IO, 0, NULL), -ESRCH);
	assert_int_equal(create_server(dom0, DOMID_INVALID, 0, NULL), -ESRCH);

	/* A dying domain is gone as far as DMOPs go. */
	assert_int_equal(domain_kill(other), 0);
	assert_int_equal(create_server(dom0, 3, 0, NULL), -ESRCH);
	other = NULL;

	dm_audit_global(&after);
	assert_int_equal(after.refused - before.refused, 10);
	assert_int_equal(after.allowed - before.allowed, 0);

	c = counters(guest);
	assert_int_equal(c.refused, 2);
	rec = last_record(guest);
	assert_int_equal(rec.caller, guest->domain_id);
	assert_int_equal(rec.target, DOMID_SELF);
	assert_int_equal(rec.op, XEN_DMOP_create_ioreq_server);
	assert_int_equal(rec.result, -EPERM);
	assert_false(rec.allowed);
}

/* ---- the audit trail ----------------------------------------------------- */

static void test_audit_records_allowed_and_refused_calls(void **state)
{
	struct dm_audit_record rec[DM_AUDIT_RING];
	struct dm_audit_counters before, after, c;
	unsigned int n;

	dm_audit_global(&before);
	fake_advance(5000000000ull);
	fake_console_clear();

	assert_int_equal(isa_irq(stub, 4, 1), 0);        /* allowed */
	assert_int_equal(isa_irq(other, 4, 0), -EPERM);  /* refused */
	assert_int_equal(isa_irq(dom0, 16, 1), -EINVAL); /* allowed, fails */

	n = dm_audit_read(guest, rec, DM_AUDIT_RING);
	assert_int_equal(n, 3);
	assert_int_equal(rec[0].caller, stub->domain_id);
	assert_int_equal(rec[0].target, guest->domain_id);
	assert_int_equal(rec[0].op, XEN_DMOP_set_isa_irq_level);
	assert_int_equal(rec[0].result, 0);
	assert_true(rec[0].allowed);
	assert_int_equal(rec[1].caller, other->domain_id);
	assert_int_equal(rec[1].op, XEN_DMOP_set_isa_irq_level);
	assert_int_equal(rec[1].result, -EPERM);
	assert_false(rec[1].allowed);
	assert_int_equal(rec[2].caller, dom0->domain_id);
	assert_int_equal(rec[2].result, -EINVAL);
	assert_true(rec[2].allowed);
	assert_true(rec[0].seq < rec[1].seq && rec[1].seq < rec[2].seq);

	/* Fewer than kept: the newest ones. */
	assert_int_equal(dm_audit_read(guest, rec, 1), 1);
	assert_int_equal(rec[0].caller, dom0->domain_id);
	assert_int_equal(dm_audit_read(guest, rec, 0), 0);

	c = counters(guest);
	assert_int_equal(c.allowed, 2);
	assert_int_equal(c.refused, 1);
	assert_int_equal(c.failed, 1);
	dm_audit_global(&after);
	assert_int_equal(after.allowed - before.allowed, 2);
	assert_int_equal(after.refused - before.refused, 1);
	assert_int_equal(after.failed - before.failed, 1);

	/* Refused calls are logged at INFO, allowed ones only at DEBUG. */
	assert_non_null(
		strstr(fake_console(), "dm_op: d3 -> d1 op 9 refused: -1"));
	assert_null(strstr(fake_console(), "d2 -> d1"));
	printk_set_level(XENLOG_DEBUG);
	assert_int_equal(isa_irq(stub, 4, 0), 0);
	assert_non_null(strstr(fake_console(), "dm_op: d2 -> d1 op 9: 0"));

	/* A domain nobody targeted has no record. */
	assert_int_equal(dm_audit_read(other, rec, DM_AUDIT_RING), 0);
}

static void test_audit_ring_keeps_the_newest(void **state)
{
	struct dm_audit_record rec[DM_AUDIT_RING + 4];
	unsigned int i, n;

	for (i = 0; i < DM_AUDIT_RING + 5; i++) {
		assert_int_equal(isa_irq(stub, (uint8_t)(i % 16), 1), 0);
	}
	n = dm_audit_read(guest, rec, DM_AUDIT_RING + 4);
	assert_int_equal(n, DM_AUDIT_RING);
	for (i = 1; i < n; i++) {
		assert_int_equal(rec[i].seq, rec[i - 1].seq + 1);
	}
	assert_int_equal(counters(guest).allowed, DM_AUDIT_RING + 5);
	assert_int_equal(dm_audit_read(NULL, rec, 4), 0);
}

/* ---- buffers ------------------------------------------------------------- */

static void test_bad_nr_bufs(void **state)
{
	struct dm_audit_counters c;
	struct dm_audit_record rec;
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_set_isa_irq_level);
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 0, &op, sizeof(op), NULL, 0),
		-ENODATA);
	assert_int_equal(dmop_bufs(stub, guest->domain_id, 3, &op, sizeof(op),
				 &op, sizeof(op)),
		-E2BIG);
	assert_int_equal(
		do_dm_op(stub->vcpu[0], guest->domain_id, 1, FAKE_BAD_ADDR),
		-EFAULT);
	assert_int_equal(
		do_dm_op(stub->vcpu[0], guest->domain_id, 1, 0), -EFAULT);
	/* Buffer errors come before the access check, as in Xen. */
	assert_int_equal(
		dmop_bufs(other, guest->domain_id, 0, &op, sizeof(op), NULL, 0),
		-ENODATA);
	assert_int_equal(
		dmop_bufs(dom0, 77, 3, &op, sizeof(op), NULL, 0), -E2BIG);

	c = counters(guest);
	assert_int_equal(c.refused, 5);
	assert_int_equal(c.allowed, 0);
	rec = last_record(guest);
	assert_int_equal(rec.result, -ENODATA);
	assert_int_equal(rec.op, DM_AUDIT_OP_UNKNOWN);
	assert_int_equal(rec.caller, other->domain_id);
}

static void test_short_and_malformed_op_buffer(void **state)
{
	struct xen_dm_op op;
	ioservid_t id = 99;

	op_init(&op, XEN_DMOP_create_ioreq_server);
	/* Not even the header. */
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op, 4, NULL, 0), -EFAULT);
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op, 0, NULL, 0), -EFAULT);
	/* The header but not all of create_ioreq_server (6 bytes). */
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op, OP_HDR + 5, NULL, 0),
		-EFAULT);
	assert_int_equal(dm_ioreq_server_get(
				 guest, 0, &(struct dm_ioreq_server_info){0}),
		-ENOENT);
	/* Exactly what the op needs is enough; id comes back. */
	op.u.create_ioreq_server.id = 0xffff;
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op,
			OP_HDR + sizeof(op.u.create_ioreq_server), NULL, 0),
		0);
	assert_int_equal(op.u.create_ioreq_server.id, 0);
	/* A short isa_irq op: 2 bytes needed. */
	op_init(&op, XEN_DMOP_set_isa_irq_level);
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op, OP_HDR + 1, NULL, 0),
		-EFAULT);
	/* Buffer in bad guest memory. */
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1,
			(void *)(uintptr_t)FAKE_BAD_ADDR, sizeof(op), NULL, 0),
		-EFAULT);

	/* Header padding must be zero. */
	op_init(&op, XEN_DMOP_set_isa_irq_level);
	op.pad = 1;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);
	/* Unknown ops. */
	op_init(&op, 0);
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
	op_init(&op, 99);
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
	assert_int_equal(last_record(guest).op, 99);
	/* Op-specific padding. */
	op_init(&op, XEN_DMOP_create_ioreq_server);
	op.u.create_ioreq_server.pad[2] = 1;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);

	/* Copying the result back can fault too. */
	fake_fail_copies_after(4);
	assert_int_equal(
		create_server(stub, guest->domain_id, 0, &id), -EFAULT);
	fake_fail_copies_after(-1);
}

/* ---- ioreq servers ------------------------------------------------------- */

static void test_ioreq_server_create_info_destroy(void **state)
{
	evtchn_port_t info_port = 0, port;
	struct xen_dm_op_get_ioreq_server_info info;
	struct buffered_iopage *bp;
	struct ioreq *slot;
	ioservid_t id = 99, id2 = 99;
	uint8_t *page;

	assert_int_equal(create_server(stub, guest->domain_id,
				 HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id),
		0);
	assert_int_equal(id, 0);
	assert_int_equal(create_server(stub, guest->domain_id,
				 HVM_IOREQSRV_BUFIOREQ_OFF, &id2),
		0);
	assert_int_equal(id2, 1);

	/* Whatever was in the pages, the emulator sees them idle. */
	page = dm_ioreq_server_page(guest, id, false);
	assert_non_null(page);
	memset(page, 0xa5, 4096);
	bp = dm_ioreq_server_page(guest, id, true);
	assert_non_null(bp);
	memset(bp, 0x5a, 4096);
	assert_int_equal(server_info(stub, guest->domain_id, id, &info), 0);
	assert_int_equal(info.ioreq_pfn, arch_ioreq_page_gfn(guest, 0));
	assert_int_equal(info.bufioreq_pfn, arch_ioreq_page_gfn(guest, 1));
	/* The buffered ring's channel: unbound in the guest, for the stub. */
	assert_true(info.bufioreq_port > 0);
	{
		struct evtchn *chn =
			evtchn_from_port(guest, info.bufioreq_port);

		assert_non_null(chn);
		assert_int_equal(chn->state, ECS_UNBOUND);
		assert_int_equal(chn->u.unbound.remote_domid, stub->domain_id);
		info_port = info.bufioreq_port;
	}
	slot = (struct ioreq *)page;
	assert_int_equal(slot[0].state, STATE_IOREQ_NONE);
	assert_int_equal(slot[1].state, STATE_IOREQ_NONE);
	assert_int_equal(bp->read_pointer, 0);
	assert_int_equal(bp->write_pointer, 0);

	/* Without a buffered ring: no buffered page. */
	assert_int_equal(server_info(stub, guest->domain_id, id2, &info), 0);
	assert_int_equal(info.ioreq_pfn, arch_ioreq_page_gfn(guest, 2));
	assert_int_equal(info.bufioreq_pfn, 0);
	assert_null(dm_ioreq_server_page(guest, id2, true));

	/* Only the emulator that created a server may use it. */
	assert_int_equal(server_info(dom0, guest->domain_id, id, NULL), -EPERM);
	assert_int_equal(destroy_server(dom0, guest->domain_id, id), -EPERM);
	/* Bad ids. */
	assert_int_equal(server_info(stub, guest->domain_id, 5, NULL), -ENOENT);
	assert_int_equal(
		server_info(stub, guest->domain_id, 0xffff, NULL), -ENOENT);
	assert_int_equal(set_state(stub, guest->domain_id, 7, 1), -ENOENT);
	assert_int_equal(destroy_server(stub, guest->domain_id, 9), -ENOENT);

	/* Bad bufioreq handling. */
	assert_int_equal(
		create_server(stub, guest->domain_id, 3, NULL), -EINVAL);

	port = info_port;
	assert_int_equal(destroy_server(stub, guest->domain_id, id), 0);
	/* Destroying the server closed its channel. */
	assert_int_equal(evtchn_from_port(guest, port)->state, ECS_FREE);
	assert_int_equal(destroy_server(stub, guest->domain_id, id), -ENOENT);
	assert_int_equal(
		server_info(stub, guest->domain_id, id, NULL), -ENOENT);
	/* Its slot is reused. */
	assert_int_equal(create_server(stub, guest->domain_id, 0, &id), 0);
	assert_int_equal(id, 0);
}

static void test_ioreq_server_limit(void **state)
{
	ioservid_t id;
	unsigned int i;

	for (i = 0; i < MAX_IOREQ_SERVERS; i++) {
		assert_int_equal(
			create_server(stub, guest->domain_id, 1, &id), 0);
		assert_int_equal(id, i);
	}
	assert_int_equal(
		create_server(stub, guest->domain_id, 1, &id), -ENOSPC);
	/* Every server's pages are its own. */
	for (i = 0; i < MAX_IOREQ_SERVERS; i++) {
		struct xen_dm_op_get_ioreq_server_info info;

		assert_int_equal(server_info(stub, guest->domain_id,
					 (ioservid_t)i, &info),
			0);
		assert_int_equal(
			info.ioreq_pfn, arch_ioreq_page_gfn(guest, 2 * i));
		assert_int_equal(info.bufioreq_pfn,
			arch_ioreq_page_gfn(guest, 2 * i + 1));
	}
	/* The limit is per target. */
	assert_int_equal(create_server(dom0, stub->domain_id, 1, &id), 0);
}

static void test_ioreq_server_ranges(void **state)
{
	struct dm_ioreq_server_info si;
	ioservid_t id, id2;

	assert_int_equal(create_server(stub, guest->domain_id, 0, &id), 0);
	assert_int_equal(create_server(stub, guest->domain_id, 0, &id2), 0);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f8, 0x3ff, true),
		0);
	assert_int_equal(
		map_range(stub, guest->domain_id, id, XEN_DMOP_IO_RANGE_MEMORY,
			0xfe000000, 0xfe000fff, true),
		0);
	assert_int_equal(
		map_range(stub, guest->domain_id, id, XEN_DMOP_IO_RANGE_PCI,
			XEN_DMOP_PCI_SBDF(0, 0, 3, 0),
			XEN_DMOP_PCI_SBDF(0, 0, 3, 0), true),
		0);

	/* Disabled servers get nothing. */
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3f8),
		-ENOENT);
	assert_int_equal(set_state(stub, guest->domain_id, id, 1), 0);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3f8),
		id);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3ff),
		id);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x400),
		-ENOENT);
	assert_int_equal(dm_ioreq_server_for_io(
				 guest, XEN_DMOP_IO_RANGE_MEMORY, 0xfe000800),
		id);
	assert_int_equal(dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PCI,
				 XEN_DMOP_PCI_SBDF(0, 0, 3, 0)),
		id);
	assert_int_equal(dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PCI,
				 XEN_DMOP_PCI_SBDF(0, 0, 4, 0)),
		-ENOENT);
	/* Same port number, other type: nothing. */
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_MEMORY, 0x3f8),
		-ENOENT);
	assert_int_equal(dm_ioreq_server_for_range(
				 guest, XEN_DMOP_IO_RANGE_PORT, 0x3fe, 4),
		-ENOENT);
	assert_int_equal(dm_ioreq_server_for_range(
				 guest, XEN_DMOP_IO_RANGE_PORT, 0x3fc, 4),
		id);
	assert_int_equal(dm_ioreq_server_for_io(guest, 3, 0), -EINVAL);

	/* No overlapping duplicates in a server. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f8, 0x3ff, true),
		-EEXIST);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f0, 0x3f8, true),
		-EEXIST);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3fa, 0x3fb, true),
		-EEXIST);
	/* Another server may claim the same range. */
	assert_int_equal(map_range(stub, guest->domain_id, id2,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f8, 0x3ff, true),
		0);

	/* Bad arguments. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x10, 0xf, true),
		-EINVAL);
	assert_int_equal(
		map_range(stub, guest->domain_id, id, 3, 0, 1, true), -EINVAL);
	assert_int_equal(map_range(stub, guest->domain_id, 6,
				 XEN_DMOP_IO_RANGE_PORT, 0, 1, true),
		-ENOENT);
	assert_int_equal(map_range(dom0, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x60, 0x60, true),
		-EPERM);
	{
		struct xen_dm_op op;

		op_init(&op, XEN_DMOP_map_io_range_to_ioreq_server);
		op.u.map_io_range_to_ioreq_server.id = id;
		op.u.map_io_range_to_ioreq_server.pad = 1;
		op.u.map_io_range_to_ioreq_server.start = 0x60;
		op.u.map_io_range_to_ioreq_server.end = 0x60;
		assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);
	}

	/* Adjacent ranges merge; part of a range can be unmapped. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x400, 0x407, true),
		0);
	assert_int_equal(dm_ioreq_server_get(guest, id, &si), 0);
	assert_int_equal(si.nr_ranges[XEN_DMOP_IO_RANGE_PORT], 1);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3fc, 0x3fd, false),
		0);
	assert_int_equal(dm_ioreq_server_get(guest, id, &si), 0);
	assert_int_equal(si.nr_ranges[XEN_DMOP_IO_RANGE_PORT], 2);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3fc),
		-ENOENT);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3fe),
		id);
	/* Unmapping what is not (wholly) mapped. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3fc, 0x3fd, false),
		-ENOENT);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f8, 0x3ff, false),
		-ENOENT);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3f8, 0x3fb, false),
		0);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x3fe, 0x407, false),
		0);
	assert_int_equal(dm_ioreq_server_get(guest, id, &si), 0);
	assert_int_equal(si.nr_ranges[XEN_DMOP_IO_RANGE_PORT], 0);

	/* Disabling stops the routing; destroying drops the ranges. */
	assert_int_equal(set_state(stub, guest->domain_id, id, 0), 0);
	assert_int_equal(dm_ioreq_server_for_io(
				 guest, XEN_DMOP_IO_RANGE_MEMORY, 0xfe000000),
		-ENOENT);
	assert_int_equal(set_state(stub, guest->domain_id, id, 1), 0);
	assert_int_equal(dm_ioreq_server_for_io(
				 guest, XEN_DMOP_IO_RANGE_MEMORY, 0xfe000000),
		id);
	assert_int_equal(destroy_server(stub, guest->domain_id, id), 0);
	assert_int_equal(dm_ioreq_server_for_io(
				 guest, XEN_DMOP_IO_RANGE_MEMORY, 0xfe000000),
		-ENOENT);
	/* The second server is still disabled. */
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3f8),
		-ENOENT);
	assert_int_equal(set_state(stub, guest->domain_id, id2, 1), 0);
	assert_int_equal(
		dm_ioreq_server_for_io(guest, XEN_DMOP_IO_RANGE_PORT, 0x3f8),
		id2);
}

static void test_ioreq_server_range_limit(void **state)
{
	ioservid_t id;
	unsigned int i;

	assert_int_equal(create_server(stub, guest->domain_id, 0, &id), 0);
	for (i = 0; i < DM_MAX_IO_RANGES; i++) {
		assert_int_equal(
			map_range(stub, guest->domain_id, id,
				XEN_DMOP_IO_RANGE_MEMORY, 0x10000ull * i,
				0x10000ull * i + 0xff, true),
			0);
	}
	assert_int_equal(
		map_range(stub, guest->domain_id, id, XEN_DMOP_IO_RANGE_MEMORY,
			0x10000000, 0x100000ff, true),
		-ENOSPC);
	/* Growing a range takes no slot; splitting one does. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_MEMORY, 0x100, 0x1ff, true),
		0);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_MEMORY, 0x10, 0x1f, false),
		-ENOSPC);
	/* Other types have their own budget. */
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x60, 0x64, true),
		0);
}

/* ---- interrupt lines ----------------------------------------------------- */

static void test_isa_irq_level_bounds(void **state)
{
	assert_int_equal(isa_irq(stub, 16, 1), -EINVAL);
	assert_int_equal(isa_irq(stub, 255, 0), -EINVAL);
	assert_int_equal(isa_irq(stub, 3, 2), -EINVAL);
	assert_int_equal(dm_isa_irq_level(guest, 3), 0);
	assert_int_equal(isa_irq(stub, 15, 1), 0);
	assert_int_equal(isa_irq(stub, 0, 1), 0);
	assert_int_equal(dm_isa_irq_level(guest, 15), 1);
	assert_int_equal(dm_isa_irq_level(guest, 0), 1);
	assert_int_equal(isa_irq(stub, 15, 0), 0);
	assert_int_equal(dm_isa_irq_level(guest, 15), 0);
	assert_int_equal(dm_isa_irq_level(guest, 0), 1);
	assert_int_equal(dm_isa_irq_level(guest, 16), -EINVAL);
}

static void test_pci_intx_level_bounds(void **state)
{
	assert_int_equal(pci_intx(stub, 1, 0, 0, 0, 1), -EINVAL);
	assert_int_equal(pci_intx(stub, 0, 1, 0, 0, 1), -EINVAL);
	assert_int_equal(pci_intx(stub, 0, 0, 32, 0, 1), -EINVAL);
	assert_int_equal(pci_intx(stub, 0, 0, 0, 4, 1), -EINVAL);
	assert_int_equal(pci_intx(stub, 0, 0, 0, 0, 2), -EINVAL);
	assert_int_equal(pci_intx(stub, 0, 0, 31, 3, 1), 0);
	assert_int_equal(dm_pci_intx_level(guest, 31, 3), 1);
	assert_int_equal(dm_pci_intx_level(guest, 31, 2), 0);
	assert_int_equal(pci_intx(stub, 0, 0, 31, 3, 0), 0);
	assert_int_equal(dm_pci_intx_level(guest, 31, 3), 0);
	assert_int_equal(dm_pci_intx_level(guest, 32, 0), -EINVAL);
}

static void test_pci_link_route_bounds(void **state)
{
	assert_int_equal(link_route(stub, 4, 5), -EINVAL);
	assert_int_equal(link_route(stub, 0, 16), -EINVAL);
	assert_int_equal(link_route(stub, 3, 11), 0);
	assert_int_equal(dm_pci_link_route(guest, 3), 11);
	assert_int_equal(link_route(stub, 3, 0), 0);
	assert_int_equal(dm_pci_link_route(guest, 3), 0);
	assert_int_equal(dm_pci_link_route(guest, 4), -EINVAL);
}

/* ---- memory -------------------------------------------------------------- */

static void test_modified_memory_extents(void **state)
{
	struct xen_dm_op_modified_memory_extent ext[3];
	struct xen_dm_op op;

	memset(ext, 0, sizeof(ext));
	ext[0].first_pfn = 0;
	ext[0].nr = 4;
	ext[1].first_pfn = RAM_PAGES - 2;
	ext[1].nr = 2;
	assert_int_equal(modified(stub, 2, ext, sizeof(ext)), 0);
	assert_int_equal(dm_modified_pages(guest), 6);
	assert_int_equal(modified(stub, 0, ext, sizeof(ext)), 0);

	/* Past the end of RAM, empty, wrapping, padded. */
	ext[2].first_pfn = RAM_PAGES - 1;
	ext[2].nr = 2;
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), -EINVAL);
	ext[2].first_pfn = RAM_PAGES;
	ext[2].nr = 1;
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), -EINVAL);
	ext[2].first_pfn = 5;
	ext[2].nr = 0;
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), -EINVAL);
	ext[2].first_pfn = UINT64_MAX;
	ext[2].nr = 2;
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), -EINVAL);
	ext[2].first_pfn = 5;
	ext[2].nr = 1;
	ext[2].pad = 1;
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), -EINVAL);
	assert_int_equal(dm_modified_pages(guest), 6);

	/* The extents buffer must hold nr_extents extents. */
	ext[2].pad = 0;
	assert_int_equal(modified(stub, 3, ext, 2 * sizeof(ext[0])), -EINVAL);
	assert_int_equal(modified(stub, 3, ext, sizeof(ext) - 1), -EINVAL);
	assert_int_equal(modified(stub, 1, (void *)(uintptr_t)FAKE_BAD_ADDR,
				 sizeof(ext[0])),
		-EFAULT);
	/* Only with exactly two buffers, and opaque 0. */
	op_init(&op, XEN_DMOP_modified_memory);
	op.u.modified_memory.nr_extents = 1;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);
	op.u.modified_memory.opaque = 1;
	assert_int_equal(dmop_bufs(stub, guest->domain_id, 2, &op, sizeof(op),
				 ext, sizeof(ext)),
		-EINVAL);
	assert_int_equal(modified(stub, 3, ext, sizeof(ext)), 0);
	assert_int_equal(dm_modified_pages(guest), 13);
	/* The unrelated domain cannot. */
	assert_int_equal(modified(other, 1, ext, sizeof(ext)), -EPERM);
	assert_int_equal(dm_modified_pages(guest), 13);
}

/* ---- the rest ------------------------------------------------------------ */

static void test_remote_shutdown(void **state)
{
	struct xen_dm_op op;

	op_init(&op, XEN_DMOP_remote_shutdown);
	memcpy(&op.u, &(uint32_t){SHUTDOWN_reboot}, sizeof(uint32_t));
	assert_int_equal(dmop(other, guest->domain_id, &op), -EPERM);
	assert_false(guest->is_shutting_down);
	assert_int_equal(
		dmop_bufs(stub, guest->domain_id, 1, &op, OP_HDR + 3, NULL, 0),
		-EFAULT);
	assert_false(guest->is_shutting_down);
	assert_int_equal(dmop(stub, guest->domain_id, &op), 0);
	assert_true(guest->is_shutting_down);
	assert_int_equal(guest->shutdown_code, SHUTDOWN_reboot);
	assert_true(fake_dom(guest)->shut_down);
	assert_int_equal(fake_dom(guest)->shutdown_reason, SHUTDOWN_reboot);
	assert_false(stub->is_shutting_down);
}

static void test_unsupported_ops(void **state)
{
	struct xen_dm_op op;
	uint8_t bitmap[8];

	op_init(&op, XEN_DMOP_inject_msi);
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
	op.u.inject_msi.pad = 1;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);

	op_init(&op, XEN_DMOP_inject_event);
	op.u.inject_event.vcpuid = 1;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
	op.u.inject_event.vcpuid = 2;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);

	op_init(&op, XEN_DMOP_track_dirty_vram);
	op.u.track_dirty_vram.nr = 8;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);
	assert_int_equal(dmop_bufs(stub, guest->domain_id, 2, &op, sizeof(op),
				 bitmap, sizeof(bitmap)),
		-EOPNOTSUPP);

	op_init(&op, XEN_DMOP_set_mem_type);
	op.u.set_mem_type.nr = 1;
	op.u.set_mem_type.mem_type = HVMMEM_ram_ro;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
	op.u.set_mem_type.mem_type = HVMMEM_unused;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);
	op.u.set_mem_type.mem_type = HVMMEM_ram_ro;
	op.u.set_mem_type.first_pfn = RAM_PAGES;
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EINVAL);

	op_init(&op, XEN_DMOP_map_mem_type_to_ioreq_server);
	assert_int_equal(dmop(stub, guest->domain_id, &op), -EOPNOTSUPP);
}

static void test_state_is_freed_with_the_domain(void **state)
{
	ioservid_t id;

	assert_int_equal(create_server(stub, guest->domain_id, 1, &id), 0);
	assert_int_equal(map_range(stub, guest->domain_id, id,
				 XEN_DMOP_IO_RANGE_PORT, 0x60, 0x64, true),
		0);
	assert_int_equal(domain_kill(guest), 0);
	/* The teardown checks that nothing leaked. */
	guest = NULL;
	assert_int_equal(create_server(stub, 1, 0, NULL), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dm_setup, dm_teardown)
		T(test_unprivileged_non_dm_is_refused),
		T(test_privileged_and_device_model_are_allowed),
		T(test_self_and_missing_targets_are_refused),
		T(test_audit_records_allowed_and_refused_calls),
		T(test_audit_ring_keeps_the_newest),
		T(test_bad_nr_bufs),
		T(test_short_and_malformed_op_buffer),
		T(test_ioreq_server_create_info_destroy),
		T(test_ioreq_server_limit),
		T(test_ioreq_server_ranges),
		T(test_ioreq_server_range_limit),
		T(test_isa_irq_level_bounds),
		T(test_pci_intx_level_bounds),
		T(test_pci_link_route_bounds),
		T(test_modified_memory_extents),
		T(test_remote_shutdown),
		T(test_unsupported_ops),
		T(test_state_is_freed_with_the_domain),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
