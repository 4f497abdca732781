/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hguest (prefix hg_): the guest side of the hosted port, for test guests.
 *
 * A test guest is a Linux process that attaches to xen-hosted as one guest
 * domain (xen/arch/hosted/proto/xh_proto.h): it maps the domain's memory
 * (RAM, shared_info, grant-table frames) from the memfd it receives, makes
 * hypercalls over the socket, and sees events exactly as a PV/PVH guest
 * does: pending bits in shared_info, and an XH_EVENT(XH_PORT_UPCALL) packet
 * whenever Xen sets the vCPU's evtchn_upcall_pending.
 *
 * One struct hg is one domain's single vCPU; it holds all the library's
 * state (no globals) and is not thread-safe. Several domains may share
 * one connection (hg_attach_more). Everything read from the
 * socket is checked (sizes, magic, types, descriptor counts); a peer that
 * breaks the protocol gives -EPROTO and the connection is not used again.
 *
 * The parts that touch shared memory only (the 2-level event demultiplexer
 * hg_evt_*, grant entries hg_gnt_*) work on any memory, so that they can
 * be tested on plain buffers.
 *
 * Errors: functions returning int or long give a negative errno on failure.
 */
#ifndef LIBS_HGUEST_H
#define LIBS_HGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event_channel.h"
#include "grant_table.h"
#include "xen.h"

struct hg;

/* ---- attaching ----------------------------------------------------------- */

/**
 * Attach as the domain the toolstack started us for: $XEN_HOSTED_SOCKET,
 * $XEN_HOSTED_DOMID (decimal) and $XEN_HOSTED_HANDLE (32 hex digits,
 * dashes allowed). NULL with errno set on failure. The call returns when
 * the domain is unpaused (xen-hosted holds the reply until then).
 */
struct hg *hg_attach(void);
/** Attach to the socket at path as domain domid with its 16-byte handle. */
struct hg *hg_attach_to(
	const char *path, unsigned int domid, const uint8_t handle[16]);
/**
 * Attach one more guest domain over first's connection (XH_ATTACH_MORE), so
 * that one process and one descriptor serve many domains (simulations at
 * scale). The new struct hg shares first's socket: its hypercalls name its
 * domain, and events are routed to the domain they are for (an event for
 * one domain that arrives while another waits for a reply is remembered).
 * Use the structs of one connection from one thread. NULL with errno on
 * failure (the attach errors, EBUSY when domid is attached here already).
 * Returns when the domain is unpaused.
 */
struct hg *hg_attach_more(
	struct hg *first, unsigned int domid, const uint8_t handle[16]);
/**
 * Free hg's state; accepts NULL. The connection closes when the last
 * struct hg using it is closed, and then every domain attached over it
 * dies (until then a closed domain stays attached, its events ignored).
 */
void hg_close(struct hg *hg);
/**
 * The domain was destroyed while its connection serves others
 * (XH_PORT_GONE): its calls and waits give -ESRCH.
 */
bool hg_gone(const struct hg *hg);

unsigned int hg_domid(const struct hg *hg);
/** RAM frames: gfn 0 .. hg_nr_pages() - 1. */
uint64_t hg_nr_pages(const struct hg *hg);
/** The RAM frame gfn in our mapping; NULL when gfn is not RAM. */
void *hg_gfn_to_ptr(struct hg *hg, uint64_t gfn);
struct shared_info *hg_shared_info(struct hg *hg);
/** The grant table: hg_nr_grant_entries() version 1 entries. */
struct grant_entry_v1 *hg_grant_table(struct hg *hg);
unsigned int hg_nr_grant_entries(const struct hg *hg);
/** The attach reply's grant frame numbers and vCPU count. */
uint64_t hg_grant_gfn(const struct hg *hg);
unsigned int hg_nr_grant_frames(const struct hg *hg);

/* ---- hypercalls ---------------------------------------------------------- */

/*
 * Memory arguments travel in the request's payload: a pointer argument, or
 * a guest handle inside an argument structure, holds XH_PTR(offset) of its
 * bytes in the payload, and the reply returns the whole payload.
 *
 * Low level: hg_payload_reset(), then hg_payload_put() each buffer (its
 * XH_PTR value is returned; put the value in args[] or in a handle of an
 * earlier buffer with hg_payload_set_handle()), hg_call(), and
 * hg_payload_get() the results.
 *
 * High level: hg_hypercall() with struct hg_buf descriptions does all that.
 */

/** Empty the payload being built. */
void hg_payload_reset(struct hg *hg);
/**
 * Append len bytes (zeros when data is NULL), 8-byte aligned; returns their
 * XH_PTR value, or 0 when the payload is full (hg_call then fails with
 * -E2BIG).
 */
uint64_t hg_payload_put(struct hg *hg, const void *data, size_t len);
/** Store the pointer value ptr (8 bytes) at XH_PTR address at. */
int hg_payload_set_handle(struct hg *hg, uint64_t at, uint64_t ptr);
/**
 * After hg_call(): copy len bytes at XH_PTR address ptr of the reply's
 * payload to out. -EFAULT when outside the reply (a held SCHEDOP reply and
 * some error replies carry no payload).
 */
int hg_payload_get(struct hg *hg, uint64_t ptr, void *out, size_t len);
/**
 * Send hypercall op with args[0 .. nargs - 1] (nargs <= 5) and the payload
 * built so far; wait for the reply. Returns the hypercall's result (>= 0,
 * or -errno), or -EPROTO/-ECONNRESET/-EIO when the connection fails.
 */
long hg_call(struct hg *hg, unsigned int op, unsigned int nargs,
	const uint64_t *args);

#define HG_BUF_IN 1u     /* copy data into the payload before the call */
#define HG_BUF_OUT 2u    /* copy the payload back to data after the call */
#define HG_BUF_ARG 4u    /* args[arg] becomes the buffer's XH_PTR */
#define HG_BUF_HANDLE 8u /* a handle in an earlier buffer points to it */

/** A caller buffer passed through the payload (see hg_hypercall). */
struct hg_buf {
	void *data;
	size_t len;
	unsigned int flags;  /* HG_BUF_* */
	unsigned int arg;    /* HG_BUF_ARG: the argument to point at it */
	unsigned int parent; /* HG_BUF_HANDLE: index of the earlier buffer */
	size_t handle_off;   /*   holding the handle, and its byte offset */
};

/**
 * Generic hypercall: lays out bufs[] in the payload in order, points the
 * arguments and handles they name at them, calls, and copies the
 * HG_BUF_OUT buffers back (also on failure, when the reply has a payload).
 * A handle patched into a parent buffer that is also HG_BUF_OUT comes back
 * holding the XH_PTR value.
 */
long hg_hypercall(struct hg *hg, unsigned int op, unsigned int nargs,
	const uint64_t *args, const struct hg_buf *bufs, unsigned int nbufs);
/** Descriptors the last reply carried (a grant map's memfd). */
unsigned int hg_reply_nfds(const struct hg *hg);
/** Take descriptor i of the last reply (the caller closes it); -1 if none. */
int hg_reply_take_fd(struct hg *hg, unsigned int i);

/* Typed wrappers. Ports and results >= 0, or -errno. */
int hg_evtchn_alloc_unbound(struct hg *hg, domid_t remote_dom);
int hg_evtchn_bind_interdomain(
	struct hg *hg, domid_t remote_dom, evtchn_port_t remote_port);
int hg_evtchn_send(struct hg *hg, evtchn_port_t port);
int hg_evtchn_close(struct hg *hg, evtchn_port_t port);
/** Set the port's mask bit in shared_info. */
int hg_evtchn_mask(struct hg *hg, evtchn_port_t port);
/**
 * Clear the port's mask bit; when the port is pending, as Linux does for
 * HVM guests, leave it masked and let EVTCHNOP_unmask clear it so that Xen
 * raises the upcall.
 */
int hg_evtchn_unmask(struct hg *hg, evtchn_port_t port);
/** SCHEDOP_block: returns when an event is pending (upcall enabled). */
int hg_sched_block(struct hg *hg);
/**
 * SCHEDOP_poll on ports[0 .. n - 1] until one is pending or the system
 * time reaches deadline_ns: an ABSOLUTE time as in Xen's struct sched_poll
 * (hg_now_ns() + delay), 0 for none.
 */
int hg_sched_poll(struct hg *hg, const evtchn_port_t *ports, unsigned int n,
	uint64_t deadline_ns);
int hg_sched_yield(struct hg *hg);
/** SCHEDOP_shutdown with SHUTDOWN_* reason. */
int hg_shutdown(struct hg *hg, unsigned int reason);
/** CONSOLEIO_write of the string. */
int hg_console_write(struct hg *hg, const char *str);
/** xen_version(cmd) with a result buffer of len bytes (NULL, 0: none). */
long hg_xen_version(struct hg *hg, unsigned int cmd, void *buf, size_t len);
/** HVMOP_get_param for our own domain. */
int hg_hvm_get_param(struct hg *hg, uint32_t index, uint64_t *value);
/**
 * GNTTABOP_setup_table for nr_frames; frames (may be NULL) receives the
 * frame numbers, which must be our grant frames. -EIO when the status is
 * not GNTST_okay.
 */
int hg_gnttab_setup_table(
	struct hg *hg, unsigned int nr_frames, uint64_t *frames);
/** GNTTABOP_query_size; either pointer may be NULL. */
int hg_gnttab_query_size(
	struct hg *hg, uint32_t *nr_frames, uint32_t *max_nr_frames);
/** The system time of the hosted port (CLOCK_MONOTONIC), in ns. */
uint64_t hg_now_ns(void);

/* ---- events -------------------------------------------------------------- */

/** The 2-level demultiplexer over one vCPU's bits, on any memory. */
struct hg_evt {
	struct shared_info *s;
	unsigned int vcpu;
	xen_ulong_t sel;   /* selector words not scanned yet */
	unsigned int word; /* the word being scanned */
	xen_ulong_t bits;  /* its pending unmasked bits not returned yet */
};

#define HG_NR_EVTCHNS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)

void hg_evt_init(struct hg_evt *e, struct shared_info *s, unsigned int vcpu);
/**
 * The next pending unmasked port, as a Linux guest finds it: when the
 * previous scan is exhausted, clear evtchn_upcall_pending, exchange
 * evtchn_pending_sel with 0, and for each selected word take pending &
 * ~mask; each port's pending bit is atomically tested and cleared before
 * it is returned. 0 when none is pending (port 0 is never returned).
 */
evtchn_port_t hg_evt_next(struct hg_evt *e);
/** True when a previous scan still has selector words or bits left. */
bool hg_evt_busy(const struct hg_evt *e);
void hg_evt_mask(struct shared_info *s, evtchn_port_t port);
/**
 * Clear the mask bit. Returns true when the port is pending: it is then
 * masked again and EVTCHNOP_unmask must unmask it (Xen raises the upcall).
 */
bool hg_evt_unmask(struct shared_info *s, evtchn_port_t port);

/** The socket: readable when a kick or a held reply arrives. */
int hg_event_fd(const struct hg *hg);
/**
 * Wait up to timeout_ms (-1: forever) for an event: 1 when one may be
 * pending (a kick came, the upcall flag is set, or ports are queued; may be
 * spurious), 0 on timeout, or -errno.
 */
int hg_wait_event(struct hg *hg, int timeout_ms);
/**
 * Wait up to timeout_ms (-1: forever) for an event for any domain of hg's
 * connection: 1 with *which the domain that got a kick (taken, as
 * hg_wait_event would; it may also be one that is hg_gone()), 0 on
 * timeout, or -errno. Kicks are handed out in arrival order.
 */
int hg_wait_any(struct hg *hg, int timeout_ms, struct hg **which);
/** The next pending port (hg_evt_next, after ports set aside); 0: none. */
evtchn_port_t hg_next_pending(struct hg *hg);
/**
 * Wait up to timeout_ms (-1: forever) for port to be pending, and consume
 * it; other ports found meanwhile are set aside for hg_next_pending().
 * 1 when it fired, 0 on timeout, or -errno.
 */
int hg_wait_port(struct hg *hg, evtchn_port_t port, int timeout_ms);
/**
 * Forget a pending event of port: take it out of the ports set aside and
 * clear its pending bit (the xenbus client does so for the store's port
 * before it looks at the ring, so that hg_next_pending() does not return
 * notifications it has already acted on).
 */
void hg_evtchn_clear(struct hg *hg, evtchn_port_t port);

/* ---- grants -------------------------------------------------------------- */

/** Grant domid access to frame: frame and domid, write barrier, flags. */
void hg_gnt_set(
	struct grant_entry_v1 *e, domid_t domid, uint32_t frame, bool readonly);
/**
 * Revoke: atomically clear flags unless GTF_reading or GTF_writing is set
 * (-EBUSY then), as Linux's gnttab_end_foreign_access_ref does.
 */
int hg_gnt_end(struct grant_entry_v1 *e);

int hg_grant_access(struct hg *hg, grant_ref_t ref, domid_t domid, uint64_t gfn,
	bool readonly);
int hg_end_access(struct hg *hg, grant_ref_t ref);
/**
 * A free grant reference (8 and up; 0-7 are reserved as in Linux), growing
 * the table with GNTTABOP_setup_table when the frames set up are used up.
 */
int hg_gref_alloc(struct hg *hg);
void hg_gref_free(struct hg *hg, grant_ref_t ref);

/**
 * A zeroed RAM frame for test data, from a bump allocator that starts at
 * gfn 0 (or hg_page_alloc_from()) and skips the store and console frames
 * (HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN). The gfn, or -ENOMEM.
 */
int64_t hg_page_alloc(struct hg *hg);
void hg_page_alloc_from(struct hg *hg, uint64_t gfn);

#endif /* LIBS_HGUEST_H */
