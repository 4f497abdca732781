/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the core's smaller hypercalls on the fake port, through
 * hypercall_dispatch() as guests reach them: the dispatch table itself,
 * console_io, xen_version, hvm_op parameters, memory_op reservations,
 * domctl and sysctl, each with unprivileged callers and hostile
 * arguments.
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
#include "domctl.h"
#include "grant_table.h"
#include "hvm/hvm_op.h"
#include "memory.h"
#include "sched.h"
#include "sysctl.h"
#include "version.h"
#include "xen/event.h"
#include "xen/hypercall.h"

#define NOWHERE 77u
#define RAM 16u

/* dom0 (privileged), A and B. */
static struct domain *dom0, *dom_a, *dom_b;

static int hc_setup(void **state)
{
	(void)state;
	fake_reset();
	console_init();
	dom0 = fake_domain_create(0, 1, RAM, true);
	dom_a = fake_domain_create(1, 2, RAM, false);
	dom_b = fake_domain_create(2, 1, RAM, false);
	if (dom0 == NULL || dom_a == NULL || dom_b == NULL) {
		return -1;
	}
	fake_console_clear();
	return 0;
}

static int hc_teardown(void **state)
{
	long live;

	(void)state;
	live = fake_teardown();
	fake_set_max_pages_busy(false);
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

static long hc(struct domain *d, unsigned int op, uint64_t a0, uint64_t a1,
	uint64_t a2)
{
	return fake_hypercall(d, 0, op, a0, a1, a2, 0, 0);
}

/* ---- dispatch ------------------------------------------------------------ */

static void test_each_hypercall_number_reaches_its_handler(void **state)
{
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 0};
	struct gnttab_query_size qs = {.dom = DOMID_SELF};
	struct xen_hvm_param hp = {.domid = DOMID_SELF, .index = 1};
	struct xen_domctl dc;
	struct xen_sysctl sc;
	domid_t self = DOMID_SELF;

	(void)state;
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(hc(dom_a, __HYPERVISOR_event_channel_op,
				 EVTCHNOP_alloc_unbound, FAKE_PTR(&au), 0),
		0);
	assert_int_equal(au.port, 1);
	qs.status = 0x7777;
	assert_int_equal(hc(dom_a, __HYPERVISOR_grant_table_op,
				 GNTTABOP_query_size, FAKE_PTR(&qs), 1),
		0);
	assert_int_equal(qs.status, GNTST_okay);
	assert_true(qs.nr_frames > 0);
	assert_int_equal(hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_write, 3,
				 FAKE_PTR("hi\n")),
		0);
	assert_string_equal(fake_console(), "(d1) hi\n");
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_xen_version, XENVER_version, 0, 0),
		0x40009);
	assert_int_equal(hc(dom_a, __HYPERVISOR_hvm_op, HVMOP_get_param,
				 FAKE_PTR(&hp), 0),
		0);
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_memory_op, XENMEM_maximum_reservation,
			FAKE_PTR(&self), 0),
		RAM);
	memset(&dc, 0, sizeof(dc));
	dc.cmd = XEN_DOMCTL_getdomaininfo;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	assert_int_equal(hc(dom0, __HYPERVISOR_domctl, FAKE_PTR(&dc), 0, 0), 0);
	memset(&sc, 0, sizeof(sc));
	sc.cmd = XEN_SYSCTL_physinfo;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	assert_int_equal(hc(dom0, __HYPERVISOR_sysctl, FAKE_PTR(&sc), 0, 0), 0);
	assert_int_equal(
		hc(dom0, __HYPERVISOR_dm_op, dom_a->domain_id, 0, 0), -ENODATA);
}

static void test_unknown_hypercall_numbers_are_enosys(void **state)
{
	static const unsigned int known[] = {
		__HYPERVISOR_sched_op,
		__HYPERVISOR_event_channel_op,
		__HYPERVISOR_grant_table_op,
		__HYPERVISOR_console_io,
		__HYPERVISOR_xen_version,
		__HYPERVISOR_hvm_op,
		__HYPERVISOR_memory_op,
		__HYPERVISOR_domctl,
		__HYPERVISOR_sysctl,
		__HYPERVISOR_dm_op,
	};
	static const unsigned int far[] = {
		64, 100, 1000, 0x7fffffffu, 0x80000000u, 0xffffffffu};
	unsigned int op, i;
	bool is_known;

	(void)state;
	for (op = 0; op < 64; op++) {
		is_known = false;
		for (i = 0; i < ARRAY_SIZE(known); i++) {
			is_known = is_known || known[i] == op;
		}
		if (is_known) {
			continue;
		}
		assert_int_equal(fake_hypercall(dom_a, 0, op, FAKE_BAD_ADDR,
					 FAKE_BAD_ADDR, FAKE_BAD_ADDR,
					 FAKE_BAD_ADDR, FAKE_BAD_ADDR),
			-ENOSYS);
		assert_int_equal(
			fake_hypercall(dom0, 0, op, 0, 0, 0, 0, 0), -ENOSYS);
	}
	for (i = 0; i < ARRAY_SIZE(far); i++) {
		assert_int_equal(fake_hypercall(dom0, 0, far[i], 0, 0, 0, 0, 0),
			-ENOSYS);
	}
}

/* ---- console_io ---------------------------------------------------------- */

static long con_write(struct domain *d, const char *s, size_t len)
{
	return hc(
		d, __HYPERVISOR_console_io, CONSOLEIO_write, len, FAKE_PTR(s));
}

static void test_console_write_prefixes_each_line_with_the_domain(void **state)
{
	(void)state;
	assert_int_equal(con_write(dom_a, "hello\nworld\n", 12), 0);
	assert_string_equal(fake_console(), "(d1) hello\n(d1) world\n");
	assert_int_equal(con_write(dom_a, "", 0), 0);
	assert_string_equal(fake_console(), "(d1) hello\n(d1) world\n");
	/* An empty line is still a line. */
	fake_console_clear();
	assert_int_equal(con_write(dom0, "\n", 1), 0);
	assert_string_equal(fake_console(), "(d0) \n");
}

static void test_console_write_buffers_a_partial_line_per_domain(void **state)
{
	(void)state;
	assert_int_equal(con_write(dom_a, "par", 3), 0);
	assert_int_equal(con_write(dom_b, "other", 5), 0);
	assert_string_equal(fake_console(), "");
	assert_int_equal(con_write(dom_a, "tial\n", 5), 0);
	assert_string_equal(fake_console(), "(d1) partial\n");
	assert_int_equal(con_write(dom_b, " line\n", 6), 0);
	assert_string_equal(fake_console(), "(d1) partial\n(d2) other line\n");
}

static void test_console_write_replaces_control_characters(void **state)
{
	static const char in[] = "a\x1b[31mb\tc\rd\x7f"
				 "e\xff"
				 "f\x01\x00g\n";

	(void)state;
	assert_int_equal(con_write(dom_a, in, sizeof(in) - 1), 0);
	assert_string_equal(fake_console(), "(d1) a?[31mb\tc?d?e?f??g\n");
}

static void test_console_write_splits_long_lines(void **state)
{
	char in[601], want[700];
	size_t n;

	(void)state;
	memset(in, 'x', 600);
	in[600] = '\n';
	assert_int_equal(con_write(dom_b, in, sizeof(in)), 0);
	n = 0;
	memcpy(want + n, "(d2) ", 5);
	n += 5;
	memset(want + n, 'x', 256);
	n += 256;
	want[n++] = '\n';
	memcpy(want + n, "(d2) ", 5);
	n += 5;
	memset(want + n, 'x', 256);
	n += 256;
	want[n++] = '\n';
	memcpy(want + n, "(d2) ", 5);
	n += 5;
	memset(want + n, 'x', 88);
	n += 88;
	want[n++] = '\n';
	want[n] = '\0';
	assert_string_equal(fake_console(), want);
}

static void test_console_write_refuses_too_much_and_bad_buffers(void **state)
{
	char *big = calloc(1, 65537);

	(void)state;
	assert_non_null(big);
	memset(big, 'y', 65537);
	assert_int_equal(con_write(dom_a, big, 65537), -E2BIG);
	assert_int_equal(hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_write,
				 0xffffffffu, FAKE_PTR(big)),
		-E2BIG);
	assert_string_equal(fake_console(), "");
	/* The limit itself is fine: 256 full lines. */
	assert_int_equal(con_write(dom_a, big, 65536), 0);
	assert_true(strlen(fake_console()) > 60000);
	assert_memory_equal(fake_console() + strlen(fake_console()) - 263,
		"\n(d1) yyyy", 10);
	free(big);

	fake_console_clear();
	assert_int_equal(hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_write, 10,
				 FAKE_BAD_ADDR),
		-EFAULT);
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_write, 10, 0),
		-EFAULT);
	assert_int_equal(hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_write, 10,
				 UINT64_MAX - 4),
		-EFAULT);
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_console_io, 7, 1, FAKE_PTR("x")),
		-ENOSYS);
	assert_string_equal(fake_console(), "");
}

static void test_console_read_is_for_the_control_domain_only(void **state)
{
	char buf[20000];
	long n;

	(void)state;
	assert_int_equal(con_write(dom_a, "read me back\n", 13), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(hc(dom_a, __HYPERVISOR_console_io, CONSOLEIO_read,
				 sizeof(buf) - 1, FAKE_PTR(buf)),
		-EPERM);
	assert_int_equal(buf[0], 0);
	n = hc(dom0, __HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf) - 1,
		FAKE_PTR(buf));
	assert_true(n > 0 && n < (long)sizeof(buf));
	assert_non_null(strstr(buf, "(d1) read me back\n"));
	/* A short buffer gets what fits. */
	assert_int_equal(hc(dom0, __HYPERVISOR_console_io, CONSOLEIO_read, 5,
				 FAKE_PTR(buf)),
		5);
	assert_int_equal(hc(dom0, __HYPERVISOR_console_io, CONSOLEIO_read, 0,
				 FAKE_PTR(buf)),
		0);
	assert_int_equal(hc(dom0, __HYPERVISOR_console_io, CONSOLEIO_read, 10,
				 FAKE_BAD_ADDR),
		-EFAULT);
}

/* ---- xen_version --------------------------------------------------------- */

static long xv(struct domain *d, unsigned int cmd, void *arg)
{
	return hc(d, __HYPERVISOR_xen_version, cmd, FAKE_PTR(arg), 0);
}

static uint32_t features(struct domain *d, unsigned int idx, long *rc)
{
	struct xen_feature_info fi = {.submap_idx = idx, .submap = 0xdead};

	*rc = xv(d, XENVER_get_features, &fi);
	return fi.submap;
}

static void test_xen_version_reports_4_9(void **state)
{
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;
	xen_changeset_info_t cs;
	struct xen_compile_info ci;
	struct xen_platform_parameters pp;

	(void)state;
	assert_int_equal(xv(dom_a, XENVER_version, NULL), 0x40009);
	assert_int_equal(xv(dom0, XENVER_version, NULL), 0x40009);
	memset(extra, 'z', sizeof(extra));
	assert_int_equal(xv(dom_a, XENVER_extraversion, extra), 0);
	assert_int_equal(extra[0], '.');
	assert_true(memchr(extra, '\0', sizeof(extra)) != NULL);
	memset(caps, 'z', sizeof(caps));
	assert_int_equal(xv(dom_a, XENVER_capabilities, caps), 0);
	assert_non_null(strstr(caps, "xen-3.0-x86_64"));
	memset(cs, 'z', sizeof(cs));
	assert_int_equal(xv(dom_a, XENVER_changeset, cs), 0);
	assert_true(memchr(cs, '\0', sizeof(cs)) != NULL);
	memset(&ci, 'z', sizeof(ci));
	assert_int_equal(xv(dom_a, XENVER_compile_info, &ci), 0);
	assert_true(memchr(ci.compiler, '\0', sizeof(ci.compiler)) != NULL);
	assert_int_equal(xv(dom_a, XENVER_platform_parameters, &pp), 0);
	assert_int_equal(xv(dom_a, XENVER_pagesize, NULL), 4096);
}

static void test_xen_version_features_include_dom0_only_for_dom0(void **state)
{
	uint32_t f;
	long rc;

	(void)state;
	f = features(dom0, 0, &rc);
	assert_int_equal(rc, 0);
	assert_true(f & (1u << XENFEAT_dom0));
	assert_true(f & (1u << XENFEAT_auto_translated_physmap));
	f = features(dom_a, 0, &rc);
	assert_int_equal(rc, 0);
	assert_false(f & (1u << XENFEAT_dom0));
	assert_true(f & (1u << XENFEAT_auto_translated_physmap));
	/* Xen knows one submap only. */
	features(dom_a, 1, &rc);
	assert_int_equal(rc, -EINVAL);
	features(dom0, 0xffffffffu, &rc);
	assert_int_equal(rc, -EINVAL);
}

static void test_xen_version_guest_handle_is_the_callers(void **state)
{
	uint8_t h[16];

	(void)state;
	memset(h, 0xee, sizeof(h));
	assert_int_equal(xv(dom_b, XENVER_guest_handle, h), 0);
	assert_memory_equal(h, dom_b->handle, sizeof(h));
	assert_int_equal(h[0], dom_b->domain_id);
}

static void test_xen_version_commandline_is_refused_to_guests(void **state)
{
	xen_commandline_t cmd;

	(void)state;
	xen_version_set_commandline("console=com1 sched=credit");
	memset(cmd, 'z', sizeof(cmd));
	assert_int_equal(xv(dom_a, XENVER_commandline, cmd), -EPERM);
	assert_int_equal(cmd[0], 'z');
	assert_int_equal(xv(dom0, XENVER_commandline, cmd), 0);
	assert_string_equal(cmd, "console=com1 sched=credit");
}

static void test_xen_version_faults_on_bad_buffers(void **state)
{
	static const unsigned int cmds[] = {XENVER_extraversion,
		XENVER_compile_info, XENVER_capabilities, XENVER_changeset,
		XENVER_platform_parameters, XENVER_get_features,
		XENVER_guest_handle};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		assert_int_equal(hc(dom_a, __HYPERVISOR_xen_version, cmds[i],
					 FAKE_BAD_ADDR, 0),
			-EFAULT);
		assert_int_equal(
			hc(dom_a, __HYPERVISOR_xen_version, cmds[i], 0, 0),
			-EFAULT);
	}
	assert_int_equal(hc(dom0, __HYPERVISOR_xen_version, XENVER_commandline,
				 FAKE_BAD_ADDR, 0),
		-EFAULT);
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_xen_version, 11, 0, 0), -ENOSYS);
	assert_int_equal(hc(dom_a, __HYPERVISOR_xen_version, 0xffffffffu, 0, 0),
		-ENOSYS);
}

/* ---- hvm_op -------------------------------------------------------------- */

static long hvm_param(struct domain *d, unsigned int cmd, domid_t dom,
	uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p;
	long rc;

	memset(&p, 0, sizeof(p));
	p.domid = dom;
	p.index = index;
	p.value = *value;
	rc = hc(d, __HYPERVISOR_hvm_op, cmd, FAKE_PTR(&p), 0);
	*value = p.value;
	return rc;
}

static void test_dom0_sets_a_guests_params_and_the_guest_reads_them(
	void **state)
{
	uint64_t v;

	(void)state;
	v = 0xfeed0;
	assert_int_equal(hvm_param(dom0, HVMOP_set_param, dom_a->domain_id,
				 HVM_PARAM_STORE_PFN, &v),
		0);
	v = 5;
	assert_int_equal(hvm_param(dom0, HVMOP_set_param, dom_a->domain_id,
				 HVM_PARAM_STORE_EVTCHN, &v),
		0);
	v = 0;
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, DOMID_SELF,
				 HVM_PARAM_STORE_PFN, &v),
		0);
	assert_int_equal(v, 0xfeed0);
	v = 0;
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, dom_a->domain_id,
				 HVM_PARAM_STORE_EVTCHN, &v),
		0);
	assert_int_equal(v, 5);
	/* dom0 reads them back; B's are untouched. */
	v = 0;
	assert_int_equal(hvm_param(dom0, HVMOP_get_param, dom_a->domain_id,
				 HVM_PARAM_STORE_PFN, &v),
		0);
	assert_int_equal(v, 0xfeed0);
	v = 1;
	assert_int_equal(hvm_param(dom0, HVMOP_get_param, dom_b->domain_id,
				 HVM_PARAM_STORE_PFN, &v),
		0);
	assert_int_equal(v, 0);
}

static void test_a_guest_may_not_set_its_store_pfn_but_may_set_its_callback(
	void **state)
{
	uint64_t v;

	(void)state;
	v = 0x1234;
	assert_int_equal(hvm_param(dom_a, HVMOP_set_param, DOMID_SELF,
				 HVM_PARAM_STORE_PFN, &v),
		-EPERM);
	assert_int_equal(dom_a->hvm_params[HVM_PARAM_STORE_PFN], 0);
	v = 0x1234;
	assert_int_equal(hvm_param(dom_a, HVMOP_set_param, DOMID_SELF,
				 HVM_PARAM_CONSOLE_PFN, &v),
		-EPERM);
	v = 0x0200000000000000ull | 0xf3;
	assert_int_equal(hvm_param(dom_a, HVMOP_set_param, DOMID_SELF,
				 HVM_PARAM_CALLBACK_IRQ, &v),
		0);
	assert_int_equal(dom_a->hvm_params[HVM_PARAM_CALLBACK_IRQ], v);
}

static void test_a_guest_may_not_touch_another_domains_params(void **state)
{
	uint64_t v;

	(void)state;
	dom_b->hvm_params[HVM_PARAM_STORE_PFN] = 77;
	v = 0;
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, dom_b->domain_id,
				 HVM_PARAM_STORE_PFN, &v),
		-EPERM);
	assert_int_equal(v, 0);
	v = 1;
	assert_int_equal(hvm_param(dom_a, HVMOP_set_param, dom_b->domain_id,
				 HVM_PARAM_CALLBACK_IRQ, &v),
		-EPERM);
	assert_int_equal(
		hvm_param(dom_a, HVMOP_get_param, 0, HVM_PARAM_STORE_PFN, &v),
		-EPERM);
	assert_int_equal(dom_b->hvm_params[HVM_PARAM_CALLBACK_IRQ], 0);
	/* A device model may, for its target. */
	dom_a->target = dom_b->domain_id;
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, dom_b->domain_id,
				 HVM_PARAM_STORE_PFN, &v),
		0);
	assert_int_equal(v, 77);
}

static void test_hvm_param_refuses_bad_indexes_domains_and_addresses(
	void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hvm_param(dom0, HVMOP_set_param, dom_a->domain_id,
				 HVM_NR_PARAMS, &v),
		-EINVAL);
	assert_int_equal(hvm_param(dom0, HVMOP_get_param, dom_a->domain_id,
				 0xffffffffu, &v),
		-EINVAL);
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, DOMID_SELF,
				 HVM_NR_PARAMS, &v),
		-EINVAL);
	assert_int_equal(hvm_param(dom0, HVMOP_get_param, NOWHERE,
				 HVM_PARAM_STORE_PFN, &v),
		-ESRCH);
	assert_int_equal(hvm_param(dom0, HVMOP_set_param, DOMID_INVALID,
				 HVM_PARAM_STORE_PFN, &v),
		-ESRCH);
	assert_int_equal(hc(dom_a, __HYPERVISOR_hvm_op, HVMOP_get_param,
				 FAKE_BAD_ADDR, 0),
		-EFAULT);
	assert_int_equal(
		hc(dom_a, __HYPERVISOR_hvm_op, HVMOP_set_param, 0, 0), -EFAULT);
	assert_int_equal(hc(dom_a, __HYPERVISOR_hvm_op, 0xffff, 0, 0), -ENOSYS);
	/* The result cannot be written back. */
	fake_fail_copies_after(1);
	assert_int_equal(hvm_param(dom_a, HVMOP_get_param, DOMID_SELF,
				 HVM_PARAM_STORE_PFN, &v),
		-EFAULT);
	fake_fail_copies_after(-1);
}

/* ---- memory_op ----------------------------------------------------------- */

static long mem_op(struct domain *d, unsigned int cmd, domid_t dom)
{
	return hc(d, __HYPERVISOR_memory_op, cmd, FAKE_PTR(&dom), 0);
}

static void test_reservations_report_the_domains_memory(void **state)
{
	(void)state;
	dom_a->tot_pages = 12;
	assert_int_equal(
		mem_op(dom_a, XENMEM_current_reservation, DOMID_SELF), 12);
	assert_int_equal(
		mem_op(dom_a, XENMEM_maximum_reservation, DOMID_SELF), RAM);
	assert_int_equal(
		mem_op(dom_a, XENMEM_maximum_gpfn, dom_a->domain_id), RAM - 1);
	/* dom0 may ask about anyone. */
	assert_int_equal(
		mem_op(dom0, XENMEM_current_reservation, dom_a->domain_id), 12);
	assert_int_equal(
		mem_op(dom0, XENMEM_maximum_reservation, dom_b->domain_id),
		RAM);
	assert_true(mem_op(dom0, XENMEM_maximum_ram_page, 0) > 0);
}

static void test_memory_op_refuses_other_domains_missing_ones_and_bad_addresses(
	void **state)
{
	(void)state;
	assert_int_equal(
		mem_op(dom_a, XENMEM_maximum_reservation, dom_b->domain_id),
		-EPERM);
	assert_int_equal(mem_op(dom_a, XENMEM_current_reservation, 0), -EPERM);
	assert_int_equal(mem_op(dom_a, XENMEM_maximum_ram_page, 0), -EPERM);
	assert_int_equal(
		mem_op(dom0, XENMEM_maximum_reservation, NOWHERE), -ESRCH);
	assert_int_equal(
		mem_op(dom_a, XENMEM_maximum_gpfn, DOMID_INVALID), -ESRCH);
	assert_int_equal(hc(dom_a, __HYPERVISOR_memory_op,
				 XENMEM_maximum_reservation, FAKE_BAD_ADDR, 0),
		-EFAULT);
	assert_int_equal(hc(dom_a, __HYPERVISOR_memory_op,
				 XENMEM_current_reservation, 0, 0),
		-EFAULT);
	assert_int_equal(mem_op(dom0, 0xffff, DOMID_SELF), -ENOSYS);
}

/* ---- domctl -------------------------------------------------------------- */

static void domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t dom)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = dom;
}

static long domctl(struct domain *caller, struct xen_domctl *op)
{
	return hc(caller, __HYPERVISOR_domctl, FAKE_PTR(op), 0, 0);
}

static long domctl_simple(struct domain *caller, uint32_t cmd, domid_t dom)
{
	struct xen_domctl op;

	domctl_init(&op, cmd, dom);
	return domctl(caller, &op);
}

static void test_domctl_checks_the_interface_version_first(void **state)
{
	struct xen_domctl op;

	(void)state;
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 0);
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	assert_int_equal(domctl(dom0, &op), -EACCES);
	assert_int_equal(domctl(dom_a, &op), -EACCES);
	op.interface_version = 0xffffffffu;
	assert_int_equal(domctl(dom0, &op), -EACCES);
}

static void test_domctl_is_refused_to_unprivileged_domains(void **state)
{
	static const uint32_t cmds[] = {XEN_DOMCTL_createdomain,
		XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain,
		XEN_DOMCTL_unpausedomain, XEN_DOMCTL_getdomaininfo,
		XEN_DOMCTL_max_mem, XEN_DOMCTL_setdomainhandle, 9999};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		assert_int_equal(
			domctl_simple(dom_a, cmds[i], dom_b->domain_id),
			-EPERM);
	}
	assert_int_equal(domain_count(), 3);
	assert_int_equal(dom_b->controller_pause_count, 1);
}

static void test_createdomain_picks_or_takes_an_id_and_leaves_it_paused(
	void **state)
{
	struct xen_domctl op;
	struct domain *d;

	(void)state;
	domctl_init(&op, XEN_DOMCTL_createdomain, 0);
	op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm_guest | XEN_DOMCTL_CDF_hap;
	memset(op.u.createdomain.handle, 0x5a, 16);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(op.domain, 3);
	d = domain_get(op.domain);
	assert_non_null(d);
	assert_int_equal(d->controller_pause_count, 1);
	assert_false(d->is_privileged);
	assert_int_equal(d->handle[15], 0x5a);
	assert_int_equal(d->cdf, XEN_DOMCTL_CDF_hvm_guest | XEN_DOMCTL_CDF_hap);
	domain_put(d);

	domctl_init(&op, XEN_DOMCTL_createdomain, DOMID_SELF);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(op.domain, 4);
	domctl_init(&op, XEN_DOMCTL_createdomain, 50);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(op.domain, 50);
	domctl_init(&op, XEN_DOMCTL_createdomain, 50);
	assert_int_equal(domctl(dom0, &op), -EEXIST);
	domctl_init(&op, XEN_DOMCTL_createdomain, 51);
	op.u.createdomain.flags = 1u << 31;
	assert_int_equal(domctl(dom0, &op), -EINVAL);
	assert_null(domain_get_any(51));
	assert_int_equal(domain_count(), 6);
}

static void test_getdomaininfo_returns_the_first_domain_at_or_after_the_id(
	void **state)
{
	struct xen_domctl op;
	struct xen_domctl_getdomaininfo *info = &op.u.getdomaininfo;

	(void)state;
	assert_non_null(fake_domain_create(9, 3, 32, false));
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 1);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(op.domain, 1);
	assert_int_equal(info->domain, 1);
	assert_int_equal(info->max_pages, RAM);
	assert_int_equal(info->nr_online_vcpus, 2);
	assert_int_equal(info->max_vcpu_id, 1);
	assert_true(info->flags & XEN_DOMINF_paused);
	assert_false(info->flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown));
	assert_int_equal(info->shared_info_frame, FAKE_SHARED_INFO_GFN);
	assert_memory_equal(info->handle, dom_a->handle, 16);

	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 3);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(op.domain, 9);
	assert_int_equal(info->domain, 9);
	assert_int_equal(info->max_pages, 32);
	assert_int_equal(info->nr_online_vcpus, 3);

	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 10);
	assert_int_equal(domctl(dom0, &op), -ESRCH);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, DOMID_SELF);
	assert_int_equal(domctl(dom0, &op), -ESRCH);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 0xffff);
	assert_int_equal(domctl(dom0, &op), -ESRCH);
}

static void test_getdomaininfo_reports_shutdown_with_its_code(void **state)
{
	struct xen_domctl op;
	uint32_t flags;

	(void)state;
	domain_shutdown(dom_b, SHUTDOWN_reboot);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, dom_b->domain_id);
	assert_int_equal(domctl(dom0, &op), 0);
	flags = op.u.getdomaininfo.flags;
	assert_true(flags & XEN_DOMINF_shutdown);
	assert_int_equal(
		(flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
		SHUTDOWN_reboot);
}

static void test_pause_and_unpause_by_domctl_count(void **state)
{
	struct xen_domctl op;

	(void)state;
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_unpausedomain, dom_a->domain_id),
		0);
	assert_int_equal(dom_a->controller_pause_count, 0);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, dom_a->domain_id);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_false(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_unpausedomain, dom_a->domain_id),
		-EINVAL);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_pausedomain, dom_a->domain_id),
		0);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_pausedomain, dom_a->domain_id),
		0);
	assert_int_equal(dom_a->controller_pause_count, 2);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_true(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
	/* Not itself, not a missing domain. */
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_pausedomain, 0), -EINVAL);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_pausedomain, DOMID_SELF),
		-ESRCH);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_unpausedomain, NOWHERE), -ESRCH);
}

static void test_max_mem_resizes_the_domain(void **state)
{
	struct xen_domctl op;

	(void)state;
	domctl_init(&op, XEN_DOMCTL_max_mem, dom_a->domain_id);
	op.u.max_mem.max_memkb = 512 * 4;
	assert_int_equal(domctl(dom0, &op), 0);
	assert_int_equal(dom_a->max_pages, 512);
	assert_int_equal(
		mem_op(dom_a, XENMEM_maximum_reservation, DOMID_SELF), 512);
	fake_set_max_pages_busy(true);
	op.u.max_mem.max_memkb = 64 * 4;
	assert_int_equal(domctl(dom0, &op), -EBUSY);
	assert_int_equal(dom_a->max_pages, 512);
	fake_set_max_pages_busy(false);
	domctl_init(&op, XEN_DOMCTL_max_mem, NOWHERE);
	assert_int_equal(domctl(dom0, &op), -ESRCH);
}

static void test_destroydomain_kills_and_refuses_self(void **state)
{
	domid_t b = dom_b->domain_id;
	struct xen_domctl op;

	(void)state;
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_destroydomain, 0), -EINVAL);
	assert_int_equal(dom0->is_dying, DOMDYING_alive);
	assert_int_equal(domctl_simple(dom0, XEN_DOMCTL_destroydomain, b), 0);
	dom_b = NULL;
	assert_null(domain_get_any(b));
	assert_int_equal(domain_count(), 2);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_destroydomain, b), -ESRCH);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, b);
	assert_int_equal(domctl(dom0, &op), -ESRCH);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_destroydomain, DOMID_INVALID),
		-ESRCH);
}

static void test_destroying_a_dying_domain_is_accepted(void **state)
{
	struct domain *ref = domain_get(dom_b->domain_id);
	struct xen_domctl op;

	(void)state;
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_destroydomain, ref->domain_id),
		0);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_destroydomain, ref->domain_id),
		0);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, ref->domain_id);
	assert_int_equal(domctl(dom0, &op), 0);
	assert_true(op.u.getdomaininfo.flags & XEN_DOMINF_dying);
	assert_int_equal(
		domctl_simple(dom0, XEN_DOMCTL_pausedomain, ref->domain_id),
		-ESRCH);
	domain_put(ref);
	dom_b = NULL;
}

static void test_domctl_refuses_unknown_commands_and_bad_addresses(void **state)
{
	struct xen_domctl op;

	(void)state;
	assert_int_equal(domctl_simple(dom0, XEN_DOMCTL_shadow_op, 1), -ENOSYS);
	assert_int_equal(domctl_simple(dom0, 0xffffffffu, 1), -ENOSYS);
	assert_int_equal(
		hc(dom0, __HYPERVISOR_domctl, FAKE_BAD_ADDR, 0, 0), -EFAULT);
	assert_int_equal(hc(dom0, __HYPERVISOR_domctl, 0, 0, 0), -EFAULT);
	domctl_init(&op, XEN_DOMCTL_getdomaininfo, 0);
	fake_fail_copies_after(1);
	assert_int_equal(domctl(dom0, &op), -EFAULT);
	fake_fail_copies_after(-1);
}

/* ---- sysctl -------------------------------------------------------------- */

static void sysctl_init(struct xen_sysctl *op, uint32_t cmd)
{
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}

static long sysctl(struct domain *caller, struct xen_sysctl *op)
{
	return hc(caller, __HYPERVISOR_sysctl, FAKE_PTR(op), 0, 0);
}

static long infolist(domid_t first, uint32_t max,
	struct xen_domctl_getdomaininfo *buf, uint32_t *num)
{
	struct xen_sysctl op;
	long rc;

	sysctl_init(&op, XEN_SYSCTL_getdomaininfolist);
	op.u.getdomaininfolist.first_domain = first;
	op.u.getdomaininfolist.max_domains = max;
	op.u.getdomaininfolist.num_domains = 0xdead;
	set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
	rc = sysctl(dom0, &op);
	*num = op.u.getdomaininfolist.num_domains;
	return rc;
}

static void test_getdomaininfolist_returns_domains_in_chunks(void **state)
{
	struct xen_domctl_getdomaininfo buf[8];
	uint32_t num;

	(void)state;
	assert_non_null(fake_domain_create(5, 1, 4, false));
	assert_non_null(fake_domain_create(7, 1, 4, false));
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(infolist(0, 2, buf, &num), 0);
	assert_int_equal(num, 2);
	assert_int_equal(buf[0].domain, 0);
	assert_int_equal(buf[1].domain, 1);
	assert_int_equal(buf[2].domain, 0xffff);
	assert_int_equal(infolist(buf[1].domain + 1, 2, buf, &num), 0);
	assert_int_equal(num, 2);
	assert_int_equal(buf[0].domain, 2);
	assert_int_equal(buf[1].domain, 5);
	assert_int_equal(infolist(buf[1].domain + 1, 2, buf, &num), 0);
	assert_int_equal(num, 1);
	assert_int_equal(buf[0].domain, 7);
	assert_int_equal(buf[0].max_pages, 4);
	assert_int_equal(infolist(8, 2, buf, &num), 0);
	assert_int_equal(num, 0);
	assert_int_equal(infolist(0, 0, buf, &num), 0);
	assert_int_equal(num, 0);
	assert_int_equal(infolist(0, 8, buf, &num), 0);
	assert_int_equal(num, 5);
	/* max_domains beyond what exists is fine. */
	assert_int_equal(infolist(0, 0xffffffffu, buf, &num), 0);
	assert_int_equal(num, 5);
	assert_int_equal(infolist(DOMID_FIRST_RESERVED, 8, buf, &num), 0);
	assert_int_equal(num, 0);
	assert_int_equal(infolist(0xffff, 8, buf, &num), 0);
	assert_int_equal(num, 0);
}

static void test_getdomaininfolist_faults_on_a_bad_buffer(void **state)
{
	struct xen_domctl_getdomaininfo one;
	uint32_t num;

	(void)state;
	assert_int_equal(infolist(0, 2,
				 (struct xen_domctl_getdomaininfo *)(uintptr_t)
					 FAKE_BAD_ADDR,
				 &num),
		-EFAULT);
	/* The first entry is written, the second faults. */
	fake_fail_copies_after(2);
	assert_int_equal(infolist(0, 2, &one, &num), -EFAULT);
	fake_fail_copies_after(-1);
	assert_int_equal(one.domain, 0);
	assert_int_equal(infolist(0, 1, NULL, &num), -EFAULT);
	/* Nothing to copy: no fault. */
	assert_int_equal(infolist(100, 1, NULL, &num), 0);
	assert_int_equal(num, 0);
}

static void test_physinfo_reports_the_fake_machine(void **state)
{
	struct xen_sysctl op;

	(void)state;
	sysctl_init(&op, XEN_SYSCTL_physinfo);
	memset(&op.u.physinfo, 0xff, sizeof(op.u.physinfo));
	assert_int_equal(sysctl(dom0, &op), 0);
	assert_int_equal(op.u.physinfo.nr_cpus, FAKE_NR_CPUS);
	assert_int_equal(op.u.physinfo.max_cpu_id, FAKE_NR_CPUS - 1);
	assert_int_equal(op.u.physinfo.threads_per_core, 1);
	assert_int_equal(op.u.physinfo.nr_nodes, 1);
	assert_int_equal(op.u.physinfo.max_node_id, 0);
}

static void test_readconsole_reads_the_ring_and_continues_incrementally(
	void **state)
{
	char buf[20000];
	struct xen_sysctl op;
	uint32_t index;

	(void)state;
	assert_int_equal(con_write(dom_a, "ring line one\n", 14), 0);
	sysctl_init(&op, XEN_SYSCTL_readconsole);
	set_xen_guest_handle(op.u.readconsole.buffer, buf);
	op.u.readconsole.count = sizeof(buf) - 1;
	assert_int_equal(sysctl(dom0, &op), 0);
	assert_true(op.u.readconsole.count > 0);
	assert_true(op.u.readconsole.count < sizeof(buf));
	buf[op.u.readconsole.count] = '\0';
	assert_non_null(strstr(buf, "(d1) ring line one\n"));
	index = op.u.readconsole.index;

	assert_int_equal(con_write(dom_b, "ring line two\n", 14), 0);
	sysctl_init(&op, XEN_SYSCTL_readconsole);
	set_xen_guest_handle(op.u.readconsole.buffer, buf);
	op.u.readconsole.count = sizeof(buf) - 1;
	op.u.readconsole.incremental = 1;
	op.u.readconsole.index = index;
	assert_int_equal(sysctl(dom0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 19);
	assert_memory_equal(buf, "(d2) ring line two\n", 19);
	assert_int_equal(op.u.readconsole.index, index + 19);

	/* Nothing new: nothing read. */
	op.u.readconsole.count = sizeof(buf) - 1;
	assert_int_equal(sysctl(dom0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 0);

	sysctl_init(&op, XEN_SYSCTL_readconsole);
	op.u.readconsole.count = 10;
	set_xen_guest_handle(
		op.u.readconsole.buffer, (char *)(uintptr_t)FAKE_BAD_ADDR);
	assert_int_equal(sysctl(dom0, &op), -EFAULT);
}

static void test_sysctl_checks_version_privilege_and_command(void **state)
{
	struct xen_sysctl op;

	(void)state;
	sysctl_init(&op, XEN_SYSCTL_physinfo);
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
	assert_int_equal(sysctl(dom0, &op), -EACCES);
	assert_int_equal(sysctl(dom_a, &op), -EACCES);
	sysctl_init(&op, XEN_SYSCTL_physinfo);
	assert_int_equal(sysctl(dom_a, &op), -EPERM);
	sysctl_init(&op, XEN_SYSCTL_readconsole);
	assert_int_equal(sysctl(dom_b, &op), -EPERM);
	sysctl_init(&op, XEN_SYSCTL_getdomaininfolist);
	assert_int_equal(sysctl(dom_b, &op), -EPERM);
	sysctl_init(&op, XEN_SYSCTL_debug_keys);
	assert_int_equal(sysctl(dom0, &op), -ENOSYS);
	sysctl_init(&op, 0xffffffffu);
	assert_int_equal(sysctl(dom0, &op), -ENOSYS);
	assert_int_equal(
		hc(dom0, __HYPERVISOR_sysctl, FAKE_BAD_ADDR, 0, 0), -EFAULT);
	sysctl_init(&op, XEN_SYSCTL_physinfo);
	fake_fail_copies_after(1);
	assert_int_equal(sysctl(dom0, &op), -EFAULT);
	fake_fail_copies_after(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, hc_setup, hc_teardown)
		T(test_each_hypercall_number_reaches_its_handler),
		T(test_unknown_hypercall_numbers_are_enosys),
		T(test_console_write_prefixes_each_line_with_the_domain),
		T(test_console_write_buffers_a_partial_line_per_domain),
		T(test_console_write_replaces_control_characters),
		T(test_console_write_splits_long_lines),
		T(test_console_write_refuses_too_much_and_bad_buffers),
		T(test_console_read_is_for_the_control_domain_only),
		T(test_xen_version_reports_4_9),
		T(test_xen_version_features_include_dom0_only_for_dom0),
		T(test_xen_version_guest_handle_is_the_callers),
		T(test_xen_version_commandline_is_refused_to_guests),
		T(test_xen_version_faults_on_bad_buffers),
		T(test_dom0_sets_a_guests_params_and_the_guest_reads_them),
		T(test_a_guest_may_not_set_its_store_pfn_but_may_set_its_callback),
		T(test_a_guest_may_not_touch_another_domains_params),
		T(test_hvm_param_refuses_bad_indexes_domains_and_addresses),
		T(test_reservations_report_the_domains_memory),
		T(test_memory_op_refuses_other_domains_missing_ones_and_bad_addresses),
		T(test_domctl_checks_the_interface_version_first),
		T(test_domctl_is_refused_to_unprivileged_domains),
		T(test_createdomain_picks_or_takes_an_id_and_leaves_it_paused),
		T(test_getdomaininfo_returns_the_first_domain_at_or_after_the_id),
		T(test_getdomaininfo_reports_shutdown_with_its_code),
		T(test_pause_and_unpause_by_domctl_count),
		T(test_max_mem_resizes_the_domain),
		T(test_destroydomain_kills_and_refuses_self),
		T(test_destroying_a_dying_domain_is_accepted),
		T(test_domctl_refuses_unknown_commands_and_bad_addresses),
		T(test_getdomaininfolist_returns_domains_in_chunks),
		T(test_getdomaininfolist_faults_on_a_bad_buffer),
		T(test_physinfo_reports_the_fake_machine),
		T(test_readconsole_reads_the_ring_and_continues_incrementally),
		T(test_sysctl_checks_version_privilege_and_command),
#undef T
	};

	return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
