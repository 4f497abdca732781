/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's guest-physical memory on the machine: its RAM and the
 * hypervisor pages it sees (shared_info, grant-table frames, ioreq pages),
 * the nested page tables (NPT) that map them for SVM, and access to guest
 * memory by guest-virtual address for hypercall arguments.
 *
 * Guest-physical layout (as the hosted port's):
 *   gfn 0 .. ram_pages - 1          RAM
 *   gfn ram_pages                   shared_info
 *   gfn ram_pages + 1 ..            grant-table frames, then ioreq pages
 *
 * Invariants:
 *  1. Every gfn above is mapped read-write-execute in the NPT to exactly one
 *     host frame owned by the domain; nothing else is mapped.
 *  2. Host frames are below 4 GiB, so a host physical address is also the
 *     hypervisor's pointer to it (head.S's identity map).
 */
#ifndef X86_P2M_H
#define X86_P2M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct vcpu;

struct p2m {
	uint8_t *ram; /* ram_pages contiguous host pages */
	uint64_t ram_pages;
	uint8_t *xen_pages; /* shared_info, grant frames, ioreq pages */
	unsigned int xen_page_count;
	unsigned int grant_frames;
	unsigned int ioreq_pages;
	uint64_t *npt_pml4; /* host pointer and physical address */
	unsigned int npt_table_count;
};

/** Allocate and map everything; -ENOMEM leaves p empty. */
int p2m_init(struct p2m *p, uint64_t ram_pages, unsigned int grant_frames,
	unsigned int ioreq_pages);
void p2m_fini(struct p2m *p);
/** The host pointer to guest frame gfn (any kind), or NULL. */
void *p2m_gfn_to_ptr(const struct p2m *p, uint64_t gfn);
uint64_t p2m_shared_info_gfn(const struct p2m *p);

/** The guest's paging state a walk needs (from its VMCB). */
struct p2m_walk_ctx {
	uint64_t cr0, cr3, cr4, efer;
};

/**
 * Copy between hypervisor memory and guest-virtual [va, va + len), walking
 * the guest's own page tables (long mode 4-level with 2 MiB and 1 GiB
 * pages; paging off means va is guest-physical). -EFAULT for anything not
 * mapped, a write to a read-only guest page, or a paging mode this port
 * does not walk (legacy 32-bit and PAE paging).
 */
int p2m_copy(const struct p2m *p, const struct p2m_walk_ctx *w, uint64_t va,
	void *buf, size_t len, bool to_guest);

#endif
