/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What guest_grant (in the guest) and dom0_xenif (in Dom0) agree on: the
 * store nodes under the guest's /local/domain/<domid>/data/realxen/ and
 * the byte patterns each side writes into the granted page.
 */
#ifndef TESTS_REALXEN_H
#define TESTS_REALXEN_H

#include <stddef.h>
#include <stdint.h>

#define REALXEN_PAGE 4096u

/* Relative to the guest's home /local/domain/<domid>/. */
#define REALXEN_DIR "data/realxen"
#define REALXEN_GREF REALXEN_DIR "/gref"     /* guest: the grant, decimal */
#define REALXEN_PORT REALXEN_DIR "/port"     /* guest: unbound port for dom0 */
#define REALXEN_RESULT REALXEN_DIR "/result" /* guest: "ok" or "fail: why" */
#define REALXEN_DONE REALXEN_DIR "/done"     /* dom0: finished, unmapped */

/* The guest fills the page with this before it publishes the grant. */
static inline uint8_t realxen_guest_byte(size_t i)
{
	return (uint8_t)(i * 31u + 0x47u);
}

/* Dom0 answers with this, then notifies the guest. */
static inline uint8_t realxen_dom0_byte(size_t i)
{
	return (uint8_t)(i * 17u + 0xd0u) ^ (uint8_t)(i >> 8);
}

#endif
