/* SPDX-License-Identifier: MIT */
/*
 * Shared I/O rings between a frontend and a backend domain.
 *
 * Two families:
 *  - request/response rings (DEFINE_RING_TYPES): one shared page holding
 *    producer/event indexes and an array of request/response unions;
 *  - "flex" byte rings (DEFINE_XEN_FLEX_RING*): two unidirectional byte
 *    streams with an index page, used by 9pfs and PV Calls.
 *
 * The shared layouts and the macro names and semantics follow Xen's
 * public interface (xen/include/public/io/ring.h, 4.9) exactly; this
 * header and its macro bodies are our own text.
 *
 * Indexes are free-running RING_IDX values; slots are index & (size - 1).
 * None of the macros lock: a frontend must never have more than
 * RING_SIZE() requests outstanding.
 *
 * The includer may define xen_mb(), xen_rmb() and xen_wmb(); by default
 * they are compiler/CPU fences suitable for memory shared with another
 * domain on x86.
 */
#ifndef __XEN_PUBLIC_IO_RING_H__
#define __XEN_PUBLIC_IO_RING_H__

#include <stddef.h>
#include <stdint.h>

#include "../grant_table.h"

#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

typedef unsigned int RING_IDX;

/* Largest power of two <= x, for a 32-bit x (0 stays 0); constant-foldable. */
#define __RD2(x) ((0x2U & (x)) ? 0x2U : (0x1U & (x)))
#define __RD4(x) ((0xcU & (x)) ? (__RD2((x) >> 2) << 2) : __RD2(x))
#define __RD8(x) ((0xf0U & (x)) ? (__RD4((x) >> 4) << 4) : __RD4(x))
#define __RD16(x) ((0xff00U & (x)) ? (__RD8((x) >> 8) << 8) : __RD8(x))
#define __RD32(x) ((0xffff0000U & (x)) ? (__RD16((x) >> 16) << 16) : __RD16(x))

/* Entries that fit in _sz bytes, by ring name (a constant expression). */
/* clang-format off */
#define __CONST_RING_SIZE(_s, _sz)                                             \
	(__RD32(((_sz) - offsetof(struct _s##_sring, ring)) /                  \
		sizeof(((struct _s##_sring *)0)->ring[0])))
/* clang-format on */

/* The same, from a pointer to the shared ring. */
#define __RING_SIZE(_s, _sz)                                                   \
	(__RD32(((_sz) - (size_t)((const char *)&(_s)->ring[0] -               \
				  (const char *)(_s))) /                       \
		sizeof((_s)->ring[0])))

/*
 * DEFINE_RING_TYPES(name, req_t, rsp_t) declares:
 *   union name_sring_entry   one slot, a request or a response;
 *   struct name_sring        the shared page (name_sring_t);
 *   struct name_front_ring   the frontend's private state;
 *   struct name_back_ring    the backend's private state.
 * The frontend runs SHARED_RING_INIT then FRONT_RING_INIT; the backend
 * only BACK_RING_INIT.  The slots start 64 bytes into the page.
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                            \
	union __name##_sring_entry {                                           \
		__req_t req;                                                   \
		__rsp_t rsp;                                                   \
	};                                                                     \
                                                                               \
	struct __name##_sring {                                                \
		RING_IDX req_prod, req_event;                                  \
		RING_IDX rsp_prod, rsp_event;                                  \
		union {                                                        \
			struct {                                               \
				uint8_t smartpoll_active;                      \
			} netif;                                               \
			struct {                                               \
				uint8_t msg;                                   \
			} tapif_user;                                          \
			uint8_t pvt_pad[4];                                    \
		} pvt;                                                         \
		uint8_t __pad[44];                                             \
		union __name##_sring_entry ring[1]; /* really ring[size] */    \
	};                                                                     \
	__extension__ _Static_assert(                                          \
		offsetof(struct __name##_sring, ring) == 64,                   \
		"the slots of a " #__name " ring start at byte 64");           \
                                                                               \
	struct __name##_front_ring {                                           \
		RING_IDX req_prod_pvt;                                         \
		RING_IDX rsp_cons;                                             \
		unsigned int nr_ents;                                          \
		struct __name##_sring *sring;                                  \
	};                                                                     \
                                                                               \
	struct __name##_back_ring {                                            \
		RING_IDX rsp_prod_pvt;                                         \
		RING_IDX req_cons;                                             \
		unsigned int nr_ents;                                          \
		struct __name##_sring *sring;                                  \
	};                                                                     \
                                                                               \
	typedef struct __name##_sring __name##_sring_t;                        \
	typedef struct __name##_front_ring __name##_front_ring_t;              \
	typedef struct __name##_back_ring __name##_back_ring_t

/* Reset the shared page: no requests, no responses, notify on the first. */
#define SHARED_RING_INIT(_s)                                                   \
	do {                                                                   \
		(_s)->req_prod = 0;                                            \
		(_s)->rsp_prod = 0;                                            \
		(_s)->req_event = 1;                                           \
		(_s)->rsp_event = 1;                                           \
		__builtin_memset(                                              \
			(_s)->pvt.pvt_pad, 0, sizeof((_s)->pvt.pvt_pad));      \
		__builtin_memset((_s)->__pad, 0, sizeof((_s)->__pad));         \
	} while (0)

/* Attach to a ring whose indexes are all at _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size)                                  \
	do {                                                                   \
		(_r)->req_prod_pvt = (_i);                                     \
		(_r)->rsp_cons = (_i);                                         \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                       \
		(_r)->sring = (_s);                                            \
	} while (0)

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define BACK_RING_ATTACH(_r, _s, _i, __size)                                   \
	do {                                                                   \
		(_r)->rsp_prod_pvt = (_i);                                     \
		(_r)->req_cons = (_i);                                         \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                       \
		(_r)->sring = (_s);                                            \
	} while (0)

#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

/* Number of slots. */
#define RING_SIZE(_r) ((_r)->nr_ents)

/* Frontend: slots free for new requests. */
#define RING_FREE_REQUESTS(_r)                                                 \
	(RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))

/* Frontend: no slot free. */
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

/* Frontend: responses published but not consumed yet. */
#define RING_HAS_UNCONSUMED_RESPONSES(_r)                                      \
	((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Backend: requests published but not consumed yet, capped by the
 * slots not still holding unpublished responses.
 */
#ifdef __GNUC__
#define RING_HAS_UNCONSUMED_REQUESTS(_r)                                       \
	__extension__({                                                        \
		unsigned int __ring_req =                                      \
			(_r)->sring->req_prod - (_r)->req_cons;                \
		unsigned int __ring_room =                                     \
			RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt); \
		__ring_req < __ring_room ? __ring_req : __ring_room;           \
	})
#else
#define RING_HAS_UNCONSUMED_REQUESTS(_r)                                       \
	((((_r)->sring->req_prod - (_r)->req_cons) <                           \
		 (RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt)))      \
			? ((_r)->sring->req_prod - (_r)->req_cons)             \
			: (RING_SIZE(_r) -                                     \
				  ((_r)->req_cons - (_r)->rsp_prod_pvt)))
#endif

/* Pointers to the slot of index _idx. */
#define RING_GET_REQUEST(_r, _idx)                                             \
	(&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))

#define RING_GET_RESPONSE(_r, _idx)                                            \
	(&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Backend: copy a request into private memory (*_req) so the frontend
 * cannot change it while it is being checked and used.
 */
#define RING_COPY_REQUEST(_r, _idx, _req)                                      \
	do {                                                                   \
		*(_req) = *(volatile __typeof__(*(_req)) *)RING_GET_REQUEST(   \
			_r, _idx);                                             \
	} while (0)

/* Backend: would consuming index _cons overrun the ring? */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons)                                  \
	(((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))

/* Backend: is a producer index of _prod impossible (frontend misbehaving)? */
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod)                                  \
	(((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))

/* Publish private requests / responses (entries first, then the index). */
#define RING_PUSH_REQUESTS(_r)                                                 \
	do {                                                                   \
		xen_wmb();                                                     \
		(_r)->sring->req_prod = (_r)->req_prod_pvt;                    \
	} while (0)

#define RING_PUSH_RESPONSES(_r)                                                \
	do {                                                                   \
		xen_wmb();                                                     \
		(_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                    \
	} while (0)

/*
 * Publish, and set _notify when the peer asked to be woken for one of
 * the entries just published (its event index lies in (old, new]).
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify)                       \
	do {                                                                   \
		RING_IDX __ring_old = (_r)->sring->req_prod;                   \
		RING_IDX __ring_new = (_r)->req_prod_pvt;                      \
		xen_wmb();                                                     \
		(_r)->sring->req_prod = __ring_new;                            \
		xen_mb();                                                      \
		(_notify) = (RING_IDX)(__ring_new - (_r)->sring->req_event) <  \
			    (RING_IDX)(__ring_new - __ring_old);               \
	} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify)                      \
	do {                                                                   \
		RING_IDX __ring_old = (_r)->sring->rsp_prod;                   \
		RING_IDX __ring_new = (_r)->rsp_prod_pvt;                      \
		xen_wmb();                                                     \
		(_r)->sring->rsp_prod = __ring_new;                            \
		xen_mb();                                                      \
		(_notify) = (RING_IDX)(__ring_new - (_r)->sring->rsp_event) <  \
			    (RING_IDX)(__ring_new - __ring_old);               \
	} while (0)

/*
 * Before going idle: if nothing is left, ask to be notified for the next
 * entry and look once more, closing the race with the producer.
 * _work_to_do is non-zero when there is still something to consume.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do)                         \
	do {                                                                   \
		(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);              \
		if (!(_work_to_do)) {                                          \
			(_r)->sring->req_event = (_r)->req_cons + 1;           \
			xen_mb();                                              \
			(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);      \
		}                                                              \
	} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do)                        \
	do {                                                                   \
		(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);             \
		if (!(_work_to_do)) {                                          \
			(_r)->sring->rsp_event = (_r)->rsp_cons + 1;           \
			xen_mb();                                              \
			(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);     \
		}                                                              \
	} while (0)

/*
 * Flex rings.  A connection owns 2^ring_order pages of data: the first
 * half is the "in" stream, the second the "out" stream, each
 * XEN_FLEX_RING_SIZE(ring_order) bytes.
 *
 * DEFINE_XEN_FLEX_RING(name) declares static inline helpers:
 *   name_mask(idx, size)                  idx reduced to [0, size)
 *   name_get_ring_ptr(buf, idx, size)     buf + name_mask(idx, size)
 *   name_read_packet(dst, buf, len, masked_prod, &masked_cons, size)
 *   name_write_packet(buf, src, len, &masked_prod, masked_cons, size)
 *   name_queued(prod, cons, size)         bytes waiting to be read
 * and struct name_data { in, out } pointing at the two halves.
 * The packet helpers copy across the wrap point and advance the masked
 * index; the caller has checked that len bytes (or room) are there.
 *
 * DEFINE_XEN_FLEX_RING_AND_INTF(name) adds struct name_data_intf, the
 * shared index page: in/out indexes on separate cache lines, the order,
 * and the grant references of the data pages.
 */
#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT 12 /* rings always use 4KiB pages */
#endif

#define XEN_FLEX_RING_SIZE(order) (1UL << ((order) + XEN_PAGE_SHIFT - 1))

#define DEFINE_XEN_FLEX_RING(name)                                             \
	static inline RING_IDX name##_mask(RING_IDX idx, RING_IDX ring_size)   \
	{                                                                      \
		return idx & (ring_size - 1);                                  \
	}                                                                      \
                                                                               \
	static inline unsigned char *name##_get_ring_ptr(                      \
		unsigned char *buf, RING_IDX idx, RING_IDX ring_size)          \
	{                                                                      \
		return buf + name##_mask(idx, ring_size);                      \
	}                                                                      \
                                                                               \
	static inline void name##_read_packet(void *opaque,                    \
		const unsigned char *buf, size_t size, RING_IDX masked_prod,   \
		RING_IDX *masked_cons, RING_IDX ring_size)                     \
	{                                                                      \
		size_t tail = ring_size - *masked_cons;                        \
                                                                               \
		(void)masked_prod;                                             \
		if (size <= tail) {                                            \
			__builtin_memcpy(opaque, buf + *masked_cons, size);    \
		} else {                                                       \
			__builtin_memcpy(opaque, buf + *masked_cons, tail);    \
			__builtin_memcpy((unsigned char *)opaque + tail, buf,  \
				size - tail);                                  \
		}                                                              \
		*masked_cons =                                                 \
			name##_mask(*masked_cons + (RING_IDX)size, ring_size); \
	}                                                                      \
                                                                               \
	static inline void name##_write_packet(unsigned char *buf,             \
		const void *opaque, size_t size, RING_IDX *masked_prod,        \
		RING_IDX masked_cons, RING_IDX ring_size)                      \
	{                                                                      \
		size_t tail = ring_size - *masked_prod;                        \
                                                                               \
		(void)masked_cons;                                             \
		if (size <= tail) {                                            \
			__builtin_memcpy(buf + *masked_prod, opaque, size);    \
		} else {                                                       \
			__builtin_memcpy(buf + *masked_prod, opaque, tail);    \
			__builtin_memcpy(buf,                                  \
				(const unsigned char *)opaque + tail,          \
				size - tail);                                  \
		}                                                              \
		*masked_prod =                                                 \
			name##_mask(*masked_prod + (RING_IDX)size, ring_size); \
	}                                                                      \
                                                                               \
	static inline RING_IDX name##_queued(                                  \
		RING_IDX prod, RING_IDX cons, RING_IDX ring_size)              \
	{                                                                      \
		RING_IDX used;                                                 \
                                                                               \
		if (prod == cons)                                              \
			return 0;                                              \
		used = name##_mask(prod - cons, ring_size);                    \
		return used != 0 ? used : ring_size;                           \
	}                                                                      \
                                                                               \
	struct name##_data {                                                   \
		unsigned char *in;  /* first half of the data pages */         \
		unsigned char *out; /* second half */                          \
	}

#define DEFINE_XEN_FLEX_RING_AND_INTF(name)                                    \
	struct name##_data_intf {                                              \
		RING_IDX in_cons, in_prod;                                     \
                                                                               \
		uint8_t pad1[56];                                              \
                                                                               \
		RING_IDX out_cons, out_prod;                                   \
                                                                               \
		uint8_t pad2[56];                                              \
                                                                               \
		RING_IDX ring_order;                                           \
		grant_ref_t ref[];                                             \
	};                                                                     \
	DEFINE_XEN_FLEX_RING(name)

#endif /* __XEN_PUBLIC_IO_RING_H__ */
