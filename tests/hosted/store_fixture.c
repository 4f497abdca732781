/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture of the tests of xenstored serving hosted guests
 * (store_fixture.h).
 */
#include "store_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "hvm/params.h"
#include "xs_client.h"

void xsf_start_store(struct xsf *r)
{
	xst_daemon_start_args(
		r->xs, "--xen", "hosted", "--log-level", "info", NULL);
	assert_int_equal(xsc_open(r->xs->sock, &r->dom0), 0);
}

void xsf_kill_store(struct xsf *r)
{
	xsc_close(r->dom0);
	r->dom0 = NULL;
	xst_daemon_kill(r->xs);
}

int xsf_start(void **state, const char *const *hosted_args)
{
	struct xsf *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	xhf_start((void **)&r->f, hosted_args);
	r->xs = xst_daemon_new();
	r->xs->drop_privileges = false; /* it needs dom0's handle file */
	xsf_start_store(r);
	*state = r;
	return 0;
}

int xsf_setup(void **state)
{
	return xsf_start(state, NULL);
}

int xsf_teardown(void **state)
{
	struct xsf *r = *state;
	bool alive = xst_daemon_is_running(r->xs);
	char *log;

	xsc_close(r->dom0);
	if (!alive || getenv("XHT_VERBOSE")) {
		log = xst_daemon_log(r->xs);
		fprintf(stderr, "---- xenstored log ----\n%s\n", log);
		free(log);
	}
	xst_daemon_stop(r->xs);
	xst_daemon_free(r->xs);
	xhf_teardown((void **)&r->f);
	free(r);
	assert_true(alive);
	return 0;
}

uint32_t xsf_make_guest_pages(
	struct xsf *r, uint64_t max_pages, uint8_t handle[16])
{
	struct xenif_domain_config cfg = {
		.max_pages = max_pages ? max_pages : 64};
	char path[64], msg[64];
	uint32_t domid, rtype;
	const char *perms[2];
	char own[16], *reply;
	size_t rlen;
	int port;

	assert_int_equal(xenif_domain_create(r->f->xi, &cfg, &domid), 0);
	memcpy(handle, cfg.handle, 16);
	port = xenif_evtchn_alloc_unbound(r->f->xi, domid, 0);
	assert_true(port > 0);
	assert_int_equal(xenif_hvm_param_set(r->f->xi, domid,
				 HVM_PARAM_STORE_PFN, XSF_STORE_PFN),
		0);
	assert_int_equal(xenif_hvm_param_set(r->f->xi, domid,
				 HVM_PARAM_STORE_EVTCHN, (uint64_t)port),
		0);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	assert_int_equal(xsc_mkdir(r->dom0, 0, path), 0);
	snprintf(own, sizeof(own), "n%u", domid);
	perms[0] = own;
	assert_int_equal(xsc_set_perms(r->dom0, 0, path, perms, 1), 0);
	rlen = (size_t)snprintf(msg, sizeof(msg), "%u%c%d%c%d%c", domid, 0,
		XSF_STORE_PFN, 0, port, 0);
	assert_int_equal(xsc_request(r->dom0, XS_INTRODUCE, 0, msg, rlen,
				 &rtype, &reply, &rlen),
		0);
	if (rtype != XS_INTRODUCE) {
		fail_msg("INTRODUCE: %s", reply);
	}
	free(reply);
	return domid;
}

uint32_t xsf_make_guest(struct xsf *r, uint8_t handle[16])
{
	return xsf_make_guest_pages(r, 64, handle);
}

static void put_pairs(
	struct xsf *r, uint32_t tx, const char *dir, const char *const *kv)
{
	char p[256];

	for (; kv != NULL && kv[0] != NULL; kv += 2) {
		snprintf(p, sizeof(p), "%s/%s", dir, kv[0]);
		assert_int_equal(
			xsc_write(r->dom0, tx, p, kv[1], strlen(kv[1])), 0);
	}
}

void xsf_make_device(struct xsf *r, const char *type, uint32_t domid,
	unsigned int devid, const char *const *fe_kv, const char *const *be_kv)
{
	char fe[128], be[128], id[16], own[16], rd[16];
	const char *perms[2];
	const char *fe_std[] = {
		"backend", be, "backend-id", "0", "state", "1", NULL};
	const char *be_std[] = {"frontend", fe, "frontend-id", id, "online",
		"1", "state", "1", NULL};
	uint32_t tx;
	int ret;

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid, type,
		devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", type,
		domid, devid);
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(own, sizeof(own), "n%u", domid);
	snprintf(rd, sizeof(rd), "r%u", domid);
	do {
		assert_int_equal(xsc_transaction_start(r->dom0, &tx), 0);
		assert_int_equal(xsc_mkdir(r->dom0, tx, fe), 0);
		perms[0] = own;
		perms[1] = "r0";
		assert_int_equal(xsc_set_perms(r->dom0, tx, fe, perms, 2), 0);
		put_pairs(r, tx, fe, fe_std);
		put_pairs(r, tx, fe, fe_kv);
		assert_int_equal(xsc_mkdir(r->dom0, tx, be), 0);
		perms[0] = "n0";
		perms[1] = rd;
		assert_int_equal(xsc_set_perms(r->dom0, tx, be, perms, 2), 0);
		put_pairs(r, tx, be, be_std);
		put_pairs(r, tx, be, be_kv);
		ret = xsc_transaction_end(r->dom0, tx, true);
	} while (ret == -EAGAIN);
	assert_int_equal(ret, 0);
}

int xsf_expect_byte(int fd, char want)
{
	char c;

	return read(fd, &c, 1) == 1 && c == want ? 0 : -1;
}
