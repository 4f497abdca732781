/* SPDX-License-Identifier: MIT */
/*
 * The xenstore wire protocol: message header, message types, error names,
 * and the shared ring page used by guest domains.
 *
 * Layouts, names and values follow Xen's public interface
 * (xen/include/public/io/xs_wire.h, docs/misc/xenstore.txt and
 * docs/misc/xenstore-ring.txt) exactly; this header is our own text.
 */
#ifndef __XEN_PUBLIC_IO_XS_WIRE_H__
#define __XEN_PUBLIC_IO_XS_WIRE_H__

#include <stdint.h>

/* Message types; the numeric values are part of the ABI. */
enum xsd_sockmsg_type {
	XS_CONTROL = 0,
#define XS_DEBUG XS_CONTROL
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT; it is no longer valid. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,

	XS_TYPE_COUNT, /* number of valid types */

	XS_INVALID = 0xffff /* never a valid type */
};

/* Errors travel as their names ("ENOENT"), never as numbers. */
struct xsd_errors {
	int errnum;
	const char *errstring;
};

#ifdef EINVAL
#define XSD_ERROR(x)                                                           \
	{                                                                      \
		x, #x                                                          \
	}
/* The order is fixed: new names may only be appended. */
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
	XSD_ERROR(EINVAL),
	XSD_ERROR(EACCES),
	XSD_ERROR(EEXIST),
	XSD_ERROR(EISDIR),
	XSD_ERROR(ENOENT),
	XSD_ERROR(ENOMEM),
	XSD_ERROR(ENOSPC),
	XSD_ERROR(EIO),
	XSD_ERROR(ENOTEMPTY),
	XSD_ERROR(ENOSYS),
	XSD_ERROR(EROFS),
	XSD_ERROR(EBUSY),
	XSD_ERROR(EAGAIN),
	XSD_ERROR(EISCONN),
	XSD_ERROR(E2BIG),
	XSD_ERROR(EPERM),
};
#endif

/* Every message in either direction starts with this header. */
struct xsd_sockmsg {
	uint32_t type;   /* XS_* */
	uint32_t req_id; /* echoed in the reply */
	uint32_t tx_id;  /* transaction, or 0 */
	uint32_t len;    /* payload bytes that follow */
};

/* Field order of a WATCH_EVENT payload. */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN };

/* The store ring page shared with a guest domain. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* guest to store */
	char rsp[XENSTORE_RING_SIZE]; /* store to guest: replies, events */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;      /* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;           /* XENSTORE_ERROR_* */
	uint32_t evtchn_port;
};

/* A payload longer than this gets the connection dropped. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths get an error reply. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO 3

#ifdef __cplusplus
#define XS_WIRE_STATIC_ASSERT static_assert
#else
#define XS_WIRE_STATIC_ASSERT _Static_assert
#endif
XS_WIRE_STATIC_ASSERT(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");
XS_WIRE_STATIC_ASSERT(sizeof(struct xenstore_domain_interface) == 2080,
	"xenstore_domain_interface size");
XS_WIRE_STATIC_ASSERT(__builtin_offsetof(struct xenstore_domain_interface,
			      server_features) == 2064,
	"server_features offset");

#endif /* __XEN_PUBLIC_IO_XS_WIRE_H__ */
