/* SPDX-License-Identifier: MIT */
/*
 * The xenbus connection state machine: the value each end of a split
 * device writes to its "state" node in xenstore.
 *
 * Names and values follow Xen 4.9's public interface
 * (xen/include/public/io/xenbus.h) exactly; this header is our own text.
 * The states describe the frontend/backend handshake only, not the
 * state of the device inside either domain.
 */
#ifndef _XEN_PUBLIC_IO_XENBUS_H
#define _XEN_PUBLIC_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,    /* set up, waiting for the peer/hotplug */
	XenbusStateInitialised = 3, /* waiting for the peer to connect */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5, /* going away (error or unplug) */
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7, /* being reconfigured */
	XenbusStateReconfigured = 8,
};
typedef enum xenbus_state XenbusState;

#endif /* _XEN_PUBLIC_IO_XENBUS_H */
