/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xl`, the toolstack CLI of the hosted port (docs/xl.md): shared state and
 * helpers of its verbs.
 *
 * Each verb is a function int xl_cmd_VERB(struct xl *xl, int argc, char
 * **argv) with argv[0] the verb; it returns the process's exit status (0,
 * or 1 after a message on stderr). The hypervisor interface and the store
 * connection are opened on first use (xl_xen(), xl_store()), so that usage
 * errors need neither.
 *
 * Store layout written for a domain (docs/xl.md): /local/domain/<id>,
 * /vm/<uuid> and /libxl/<id>, the latter with the toolstack's own
 * /libxl/<id>/hosted/{on_poweroff,on_reboot,on_crash,guest-pid,log}.
 */
#ifndef TOOLS_XL_H
#define TOOLS_XL_H

#include <stdbool.h>
#include <stdint.h>

#include "xenif.h"
#include "xs_client.h"

struct xl {
	struct xenif *xi;
	struct xsc *xsc;
};

/** Print "xl: ..." style errors on stderr. */
void xl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The hypervisor interface, opened on first use; NULL after a message. */
struct xenif *xl_xen(struct xl *xl);
/** The store connection, opened on first use; NULL after a message. */
struct xsc *xl_store(struct xl *xl);
/** Close what is open (also used by forked children on their copies). */
void xl_close(struct xl *xl);

/**
 * Every domain (xenif_domain_getinfo), in domid order: *out is a heap
 * array the caller frees. The count, or -errno after a message.
 */
int xl_list_domains(struct xl *xl, struct xenif_dominfo **out);
/**
 * The name of domain domid from the store (tx may be 0): a heap string,
 * "Domain-0" for domain 0 without a name node, NULL when none.
 */
char *xl_domain_name(struct xl *xl, uint32_t tx, uint32_t domid);
/**
 * A domain named by the user: a domid (it must exist) or a name. 0 with
 * *domid, or -ENOENT after "ARG is an invalid domain identifier".
 */
int xl_find_domain(struct xl *xl, const char *arg, uint32_t *domid);
/** A name to a domid without a message; -ENOENT when no domain has it. */
int xl_name_to_domid(struct xl *xl, const char *name, uint32_t *domid);

/** Read a store node (tx may be 0): heap string, or NULL. */
char *xl_xs_read(struct xl *xl, uint32_t tx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Remove the store nodes of domain domid: /local/domain/<id>, its /vm
 * path (vm_path, when it is one: "/vm/..."), /libxl/<id>. Missing nodes
 * are fine. 0 or -errno.
 */
int xl_remove_domain_nodes(struct xl *xl, uint32_t domid, const char *vm_path);
/**
 * Destroy domain domid (when handle is not NULL, only if it still has
 * that handle), tell the store (XS_RELEASE), remove its nodes, and end
 * the guest process xl started for it if it outlives the domain. A domain
 * already gone still gets its nodes removed. 0 or -errno after a message.
 */
int xl_destroy_domain(struct xl *xl, uint32_t domid, const uint8_t *handle);
/** XS_RELEASE of domid; 0, or -errno (-ENOENT: was not introduced). */
int xl_xs_release(struct xl *xl, uint32_t domid);
/** A wire error name for a negative errno ("ENOSYS"), or "E?". */
const char *xl_errno_name(int err);

/** The 32 hex digits of a domain handle, into out[33]. */
void xl_handle_hex(const uint8_t h[16], char out[33]);

int xl_cmd_create(struct xl *xl, int argc, char **argv);
int xl_cmd_list(struct xl *xl, int argc, char **argv);
int xl_cmd_destroy(struct xl *xl, int argc, char **argv);
int xl_cmd_shutdown(struct xl *xl, int argc, char **argv);
int xl_cmd_reboot(struct xl *xl, int argc, char **argv);
int xl_cmd_pause(struct xl *xl, int argc, char **argv);
int xl_cmd_unpause(struct xl *xl, int argc, char **argv);
int xl_cmd_domid(struct xl *xl, int argc, char **argv);
int xl_cmd_domname(struct xl *xl, int argc, char **argv);
int xl_cmd_info(struct xl *xl, int argc, char **argv);

#endif /* TOOLS_XL_H */
