/* SPDX-License-Identifier: MIT */
/*
 * The hosted port's socket protocol (prefix xh_): how processes reach the
 * hypervisor core when it runs as the Linux process xen-hosted.
 *
 * Transport: a Unix SOCK_SEQPACKET socket; one message per packet, each a
 * struct xh_msg followed by len payload bytes. A client first sends
 * XH_ATTACH and from then on acts as that domain (a guest connection may
 * attach more, see below):
 *
 *  - dom0 processes attach with dom0's handle (xen-hosted writes it to a
 *    file readable only by its owner); any number may attach. Like the
 *    Linux dom0 kernel's devices, each connection owns the event channels
 *    it binds (closed with it) and receives XH_EVENT(port) for them, the
 *    port then staying masked until it is unmasked.
 *  - a guest process attaches with its domain's id and handle (the 16-byte
 *    handle given at createdomain); one connection per guest domain, and
 *    its closing shuts the domain down (crash, unless the guest shut down
 *    first) and destroys it. It receives its memory as a memfd: guest frame
 *    n is at byte n * XH_PAGE_SIZE; shared_info and the grant-table frames
 *    follow the RAM (their frame numbers are in the attach reply). Events
 *    come as in Xen: pending bits in shared_info, and an XH_EVENT packet
 *    with port XH_PORT_UPCALL (args[1]: the domid) when the vCPU's upcall
 *    flag was set.
 *
 * Several guest domains on one connection (for simulations at scale: one
 * process, one descriptor, thousands of domains): after its XH_ATTACH a
 * guest connection may send XH_ATTACH_MORE for further domains, each with
 * its id and handle, checked as a first attach (-EINVAL, -ESRCH, -EPERM,
 * -EBUSY; a held reply while the domain is paused; dom0 cannot be
 * attached so: -EPERM). The reply is XH_ATTACH's, with that domain's
 * memfd. Each request then says which domain it acts for in ret:
 * 0 is the connection's first domain (what single-domain clients send),
 * otherwise the domid; a domain the connection did not attach (or no
 * longer has) gives -EPERM, and so does a non-zero ret from dom0. Each
 * domain keeps its own vCPU: a held SCHEDOP_block/poll reply is per domain.
 * Closing the connection ends every domain attached to it as for one.
 * When one of several domains is destroyed, only it leaves the connection:
 * a reply still held for it comes with -ESRCH, then XH_EVENT with port
 * XH_PORT_GONE and args[1] = its domid; when the last one goes, the
 * connection is closed as for one. A request for a domain that shut down
 * gets -ESHUTDOWN on such a connection (on a single-domain connection it
 * waits for ever, as the vCPU no longer runs), and pausing one of several
 * domains does not stop the process (it serves the others).
 *
 * Hypercalls: XH_HYPERCALL carries the hypercall number in op and its
 * arguments in args[]. An argument or a guest handle inside an argument
 * that points to memory holds XH_PTR(offset) of a byte in the payload; the
 * hypervisor copies from and to the payload only, and returns the whole
 * payload with the reply (XH_REPLY, same seq, result in ret). Replies may
 * carry file descriptors (SCM_RIGHTS): a grant map or foreign map hands the
 * mapper a memfd and, in the result structure, the byte offset to map.
 */
#ifndef XH_PROTO_H
#define XH_PROTO_H

#include <stdint.h>

#define XH_MAGIC 0x58484f53u /* "XHOS" */
#define XH_VERSION 1
#define XH_PAGE_SIZE 4096u
#define XH_MAX_PAYLOAD 65536u
#define XH_MAX_FDS 253 /* SCM_MAX_FD */

/* A pointer argument: offset off into the request's payload. */
#define XH_PTR_BASE 0x7e0000000000ull
#define XH_PTR(off) (XH_PTR_BASE + (uint64_t)(off))

/* XH_EVENT's port for "your vCPU's evtchn_upcall_pending was set". */
#define XH_PORT_UPCALL 0xffffffffu
/* XH_EVENT's port for "domain args[1] was destroyed and left you". */
#define XH_PORT_GONE 0xfffffffeu

enum xh_type {
	XH_ATTACH = 1,      /* args[0] domid; payload: 16-byte handle */
	XH_HYPERCALL = 2,   /* op, args[0..4], payload */
	XH_FOREIGN_MAP = 3, /* args[0] domid, args[1] prot: memfd back */
	XH_RESTRICT = 4,    /* args[0] domid: DMOPs to it only, for ever */
	XH_ATTACH_MORE = 5, /* args[0] domid; payload: 16-byte handle */
	XH_REPLY = 0x40,    /* ret, payload, maybe fds */
	XH_EVENT = 0x41,    /* args[0] port, args[1] domid; unsolicited */
};

struct xh_msg {
	uint32_t magic;
	uint16_t type;
	uint16_t nfds; /* descriptors attached to this packet */
	uint32_t seq;  /* echoed in the reply */
	uint32_t len;  /* payload bytes after this header */
	uint64_t op;
	int64_t ret; /* replies: >= 0 result or -errno; requests: the
		      * domain acted for, 0 for the first (see above) */
	uint64_t args[6];
};
_Static_assert(sizeof(struct xh_msg) == 80, "xh_msg layout");

/*
 * XH_ATTACH reply, in the payload. For dom0 connections only domid,
 * nr_pages = 0 and the flags are meaningful; no memfd is sent.
 */
struct xh_attach_reply {
	uint32_t domid;
	uint32_t flags;    /* XH_ATTACH_* */
	uint64_t nr_pages; /* RAM frames 0 .. nr_pages - 1 */
	uint64_t shared_info_gfn;
	uint64_t grant_gfn; /* first grant-table frame */
	uint32_t nr_grant_frames;
	uint32_t max_vcpus;
	uint64_t memfd_pages; /* size of the memfd, in pages */
};
_Static_assert(sizeof(struct xh_attach_reply) == 48, "attach reply layout");

#define XH_ATTACH_PRIVILEGED 1u
#define XH_ATTACH_CONTROL 2u

/* XH_FOREIGN_MAP reply payload; the memfd comes as the one descriptor. */
struct xh_foreign_reply {
	uint64_t nr_pages; /* frames the memfd holds: RAM, then the
			    * shared_info, grant and ioreq pages */
};

#endif
