/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1, as the rest of the core uses them.
 */
#ifndef XEN_GNTTAB_H
#define XEN_GNTTAB_H

#include "xen/domain.h"

int grant_table_init(struct domain *d);
/** Release every mapping d holds of other domains' grants (at kill). */
void grant_table_release_mappings(struct domain *d);
void grant_table_destroy(struct domain *d);
long do_grant_table_op(
	struct vcpu *v, unsigned int cmd, uint64_t arg, unsigned int count);
/** Unmap one mapping by handle, as GNTTABOP_unmap_grant_ref does. */
int16_t gnttab_unmap_handle(struct domain *mapper, uint32_t handle);

#endif
