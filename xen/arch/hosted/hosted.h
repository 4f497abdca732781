/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted port (xen-hosted): the hypervisor core as a Linux process.
 * Private header of xen/arch/hosted/.
 *
 * Domains are processes that connect over a Unix SOCK_SEQPACKET socket
 * (protocol: proto/xh_proto.h). A domain's memory is one memfd laid out as
 * [RAM frames][shared_info][grant-table frames][ioreq pages]; xen-hosted
 * maps it whole, the guest process maps it whole, a grant map hands the
 * mapper the memfd (read-only when the grant is) with the frame's offset.
 */
#ifndef XEN_ARCH_HOSTED_H
#define XEN_ARCH_HOSTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "xh_proto.h"

struct domain;
struct vcpu;
struct event_base;
struct hconn;

struct hosted_config {
	const char *socket_path;
	const char *handle_path; /* dom0's handle, mode 0600 */
	unsigned int max_domains;
	uint64_t dom0_pages;
	uint64_t default_pages;
	uint64_t max_pages; /* largest RAM a domain may be given */
	unsigned int grant_frames;
	unsigned int dom0_evtchns; /* dom0's port space (wide) */
	const char *sched;
	unsigned int nr_cpus;
	unsigned int max_conns;
	bool keep_dead; /* keep a dead guest's domain for dom0 */
};
extern struct hosted_config hosted_config;
extern struct event_base *hosted_base;

/* Per-domain state of the port (d->arch). */
struct hdom {
	int memfd;
	int memfd_ro; /* read-only reopen, made on demand */
	uint8_t *mem;
	uint64_t ram_pages;
	uint64_t shinfo_gfn;
	uint64_t grant_gfn;
	unsigned int nr_grant_frames;
	uint64_t ioreq_gfn;
	unsigned int nr_ioreq;
	uint64_t total_pages; /* size of the memfd in pages */
	struct hconn *guest;  /* the attached guest process, if any */
	bool attached_once;
	bool attach_held; /* its attach reply waits for the unpause */
	struct xh_msg attach_msg;
	unsigned int conn_slot; /* index in its connection's domains */
	pid_t pid;
	bool stopped; /* SIGSTOPped while paused */
};

/* Per-vCPU state of the port (v->arch). */
struct hvcpu {
	struct hconn *blocked_conn; /* holds the reply of a blocking call */
	struct xh_msg blocked_msg;
};

/* arch.c */
int hosted_memfd_ro(struct hdom *hd);
/** Make the current call's reply carry fd (dup'ed); -ENOSPC when full. */
int hosted_call_add_fd(int fd);
void hosted_call_begin(struct hconn *c, uint8_t *payload, size_t len);
void hosted_call_end(void);
void hosted_timer_init(void);

/* conn.c */
int hosted_listen(const char *path);
void hosted_conn_close_all(void);
/** Queue XH_EVENT(port) for domain domid on connection c. */
void hosted_conn_event(struct hconn *c, uint32_t port, uint32_t domid);
/** Whether pausing a domain of c may stop its process: c serves no other. */
bool hosted_conn_stoppable(const struct hconn *c);
/** Send a held reply (a blocked vCPU was woken). */
void hosted_conn_wake(struct vcpu *v);
void hosted_conn_kick(struct vcpu *v);
/** The guest's domain was killed: drop its connection. */
void hosted_conn_domain_killed(struct domain *d);
void hosted_conn_domain_unpaused(struct domain *d);
/** dom0 got an upcall: hand pending dom0 ports to their connections. */
void hosted_dom0_upcall(void);

#endif
