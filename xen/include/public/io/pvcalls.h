/* SPDX-License-Identifier: MIT */
/*
 * PV Calls: socket calls forwarded from a frontend to a backend domain.
 * Commands travel on a one-page request/response ring (DEFINE_RING_TYPES
 * below); each connected or accepted socket then gets a data ring, a
 * flex ring whose index page is struct pvcalls_data_intf.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/io/pvcalls.h, docs/misc/pvcalls.markdown) exactly;
 * this header is our own text.  The explicit pad fields fill holes the
 * compiler leaves anyway on x86_64.
 *
 * Xenstore (device type "pvcalls"): the backend writes "versions" ("1"),
 * "max-page-order" and "function-calls" ("1": all of the commands below);
 * the frontend writes "version", "port" and "ring-ref".  Addresses use
 * the Linux sockaddr layout (AF_INET 2, SOCK_STREAM 1) and ret values
 * are negative Linux errno numbers.
 */
#ifndef __XEN_PUBLIC_IO_PVCALLS_H__
#define __XEN_PUBLIC_IO_PVCALLS_H__

#include <stddef.h>
#include <stdint.h>

#include "../grant_table.h"
#include "ring.h"

/*
 * Index page of a data ring: "in" (backend to frontend) and "out"
 * (frontend to backend) on their own cache lines, each with an error
 * word, then the order and the grants of the data pages.
 */
struct pvcalls_data_intf {
	RING_IDX in_cons, in_prod, in_error;

	uint8_t pad1[52];

	RING_IDX out_cons, out_prod, out_error;

	uint8_t pad2[52];

	RING_IDX ring_order;
	grant_ref_t ref[];
};
DEFINE_XEN_FLEX_RING(pvcalls);

/* Commands. */
#define PVCALLS_SOCKET 0
#define PVCALLS_CONNECT 1
#define PVCALLS_RELEASE 2
#define PVCALLS_BIND 3
#define PVCALLS_LISTEN 4
#define PVCALLS_ACCEPT 5
#define PVCALLS_POLL 6

struct xen_pvcalls_request {
	uint32_t req_id; /* chosen by the frontend, echoed back */
	uint32_t cmd;    /* PVCALLS_* */
	union {
		/* Create socket <id> (frontend-chosen). */
		struct xen_pvcalls_socket {
			uint64_t id;
			uint32_t domain;
			uint32_t type;
			uint32_t protocol;
			uint8_t pad[4];
		} socket;
		/* Connect <id>; ref/evtchn: the new data ring. */
		struct xen_pvcalls_connect {
			uint64_t id;
			uint8_t addr[28];
			uint32_t len;
			uint32_t flags;
			grant_ref_t ref;
			uint32_t evtchn;
			uint8_t pad[4];
		} connect;
		/* Close <id>; reuse: keep the data ring for a new socket. */
		struct xen_pvcalls_release {
			uint64_t id;
			uint8_t reuse;
			uint8_t pad[7];
		} release;
		struct xen_pvcalls_bind {
			uint64_t id;
			uint8_t addr[28];
			uint32_t len;
		} bind;
		struct xen_pvcalls_listen {
			uint64_t id;
			uint32_t backlog;
			uint8_t pad[4];
		} listen;
		/* Accept on <id> into new socket <id_new>. */
		struct xen_pvcalls_accept {
			uint64_t id;
			uint64_t id_new;
			grant_ref_t ref;
			uint32_t evtchn;
		} accept;
		/* Answer once listening socket <id> has a connection. */
		struct xen_pvcalls_poll {
			uint64_t id;
		} poll;
		/* Fixes the size of the union on every architecture. */
		struct xen_pvcalls_dummy {
			uint8_t dummy[56];
		} dummy;
	} u;
};

struct xen_pvcalls_response {
	uint32_t req_id; /* as in the request */
	uint32_t cmd;    /* as in the request */
	int32_t ret;     /* 0 or a negative errno */
	uint32_t pad;
	union {
		struct _xen_pvcalls_socket {
			uint64_t id;
		} socket;
		struct _xen_pvcalls_connect {
			uint64_t id;
		} connect;
		struct _xen_pvcalls_release {
			uint64_t id;
		} release;
		struct _xen_pvcalls_bind {
			uint64_t id;
		} bind;
		struct _xen_pvcalls_listen {
			uint64_t id;
		} listen;
		struct _xen_pvcalls_accept {
			uint64_t id;
		} accept;
		struct _xen_pvcalls_poll {
			uint64_t id;
		} poll;
		struct _xen_pvcalls_dummy {
			uint8_t dummy[8];
		} dummy;
	} u;
};

DEFINE_RING_TYPES(
	xen_pvcalls, struct xen_pvcalls_request, struct xen_pvcalls_response);

__extension__ _Static_assert(offsetof(struct pvcalls_data_intf, in_error) == 8,
	"pvcalls_data_intf.in_error offset");
__extension__ _Static_assert(offsetof(struct pvcalls_data_intf, out_cons) == 64,
	"pvcalls_data_intf.out_cons offset");
__extension__ _Static_assert(
	offsetof(struct pvcalls_data_intf, out_error) == 72,
	"pvcalls_data_intf.out_error offset");
__extension__ _Static_assert(
	offsetof(struct pvcalls_data_intf, ring_order) == 128,
	"pvcalls_data_intf.ring_order offset");
__extension__ _Static_assert(offsetof(struct pvcalls_data_intf, ref) == 132,
	"pvcalls_data_intf.ref offset");
__extension__ _Static_assert(sizeof(struct pvcalls_data_intf) == 132,
	"pvcalls_data_intf is 132 bytes plus refs");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_socket) == 24,
	"xen_pvcalls_socket is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_connect) == 56,
	"xen_pvcalls_connect is 56 bytes");
__extension__ _Static_assert(offsetof(struct xen_pvcalls_connect, ref) == 44,
	"xen_pvcalls_connect.ref offset");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_release) == 16,
	"xen_pvcalls_release is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_pvcalls_bind) == 40, "xen_pvcalls_bind is 40 bytes");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_listen) == 16,
	"xen_pvcalls_listen is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_accept) == 24,
	"xen_pvcalls_accept is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_request) == 64,
	"xen_pvcalls_request is 64 bytes");
__extension__ _Static_assert(offsetof(struct xen_pvcalls_request, u) == 8,
	"xen_pvcalls_request.u offset");
__extension__ _Static_assert(sizeof(struct xen_pvcalls_response) == 24,
	"xen_pvcalls_response is 24 bytes");
__extension__ _Static_assert(offsetof(struct xen_pvcalls_response, u) == 16,
	"xen_pvcalls_response.u offset");
__extension__ _Static_assert(sizeof(union xen_pvcalls_sring_entry) == 64,
	"a pvcalls command slot is 64 bytes");
__extension__ _Static_assert(__CONST_RING_SIZE(xen_pvcalls, 4096) == 32,
	"a one-page pvcalls command ring has 32 slots");

#endif /* __XEN_PUBLIC_IO_PVCALLS_H__ */
