/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1.
 *
 * A domain's table is an array of 8-byte grant_entry_v1 in grant-table
 * frames the port gives it (arch_gnttab_frame); the guest writes them and
 * the core reads them, so every entry is treated as hostile and may change
 * under us at any time. The core's own state per entry (the "active"
 * entry) counts the pins other domains hold: read-only and read-write
 * mappings and copies in progress, the grantee holding them and the frame
 * they pin. While any pin exists GTF_reading is set in the shared entry,
 * and GTF_writing while a read-write pin exists; both are set with a
 * compare-and-swap on the entry's flags+domid word, re-validating the grant
 * on every attempt, so a guest revoking a grant concurrently either wins
 * (the pin fails) or sees the flags and must wait.
 *
 * Each domain also has a maptrack table: the mappings it holds of other
 * domains' grants, named by the handles map_grant_ref returns. Every
 * mapping holds a reference on the granting domain, so a granter that is
 * killed stays (dying, its memory alive) until the last mapping of its
 * pages is gone.
 *
 * Mapping needs GNTMAP_host_map: device (bus) and PTE-based mappings have
 * no meaning here. The core runs hypercalls from one thread at a time:
 * only the shared entries need atomic access.
 */
#include "grant_table.h"

#include "xen/arch/arch.h"
#include "xen/gnttab.h"
#include "xen/guest_access.h"

/* Frames a new table starts with (Xen 4.9's INITIAL_NR_GRANT_FRAMES). */
#define GT_INITIAL_FRAMES 4u
#define GT_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
/* Handles per maptrack frame: as many as Xen's 8-byte entries in a page. */
#define MT_PER_FRAME (PAGE_SIZE / 8u)
#define MT_NONE UINT32_MAX
/* A pin counter saturates where Xen's 8-bit GNTPIN_* counters do. */
#define PIN_MAX 0xffu
/* Compare-and-swap attempts on a shared entry a racing guest may spoil. */
#define GT_CAS_TRIES 5
/* The low bits of cmd name the operation; the rest must be zero. */
#define GT_CMD_MASK 0xfffu

/** The core's state of one grant entry. */
struct active_grant {
	uint32_t rd_pins; /* read-only mappings and copies in progress */
	uint32_t wr_pins; /* read-write mappings and copies in progress */
	domid_t domid;    /* the grantee holding the pins */
	uint64_t gfn;     /* the granter's frame they pin */
};

/** One mapping this domain holds of another domain's grant. */
struct maptrack {
	struct domain *rd; /* the granter, referenced while in use */
	uint32_t flags;    /* GNTMAP_* it was mapped with; 0: free */
	grant_ref_t ref;
	domid_t domid;      /* rd's id, for dumps */
	uint32_t next_free; /* free: the next free handle, or MT_NONE */
};

struct grant_table {
	unsigned int nr_frames; /* frames set up */
	unsigned int max_frames;
	struct active_grant **active; /* a block of entries per frame set up */
	unsigned int max_mt_frames;
	struct maptrack **maptrack; /* blocks of MT_PER_FRAME handles */
	uint32_t mt_limit;          /* handles allocated so far */
	uint32_t mt_free;           /* first free handle, or MT_NONE */
	uint32_t mt_in_use;
};

/* The flags and domid of a shared entry, as one 32-bit word. */
union grant_word {
	uint32_t raw;
	struct {
		uint16_t flags;
		domid_t domid;
	} f;
};

_Static_assert(offsetof(struct grant_entry_v1, flags) == 0 &&
		       offsetof(struct grant_entry_v1, domid) == 2,
	"flags and domid form the entry's first word");

/* Write one field of the op at index off of a guest array. */
#define copy_field_to_guest_offset(v, hnd, off, src, field)                    \
	arch_copy_to_guest((v),                                                \
		guest_addr(hnd) + (uint64_t)(off) * sizeof(*(hnd).p) +         \
			offsetof(__typeof__(*(hnd).p), field),                 \
		&(src)->field, sizeof((src)->field))

/* ---- tables ---------------------------------------------------------- */

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * (unsigned int)GT_ENTRIES_PER_FRAME;
}

/*
 * Active state is allocated per frame on the first pin, so a domain that
 * never has its grants mapped costs no more than its table's pointers.
 */
static const struct active_grant no_pins;

/** ref's active state for reading: all zero when never pinned. */
static const struct active_grant *active_peek(
	struct grant_table *gt, grant_ref_t ref)
{
	struct active_grant *blk = gt->active[ref / GT_ENTRIES_PER_FRAME];

	return blk == NULL ? &no_pins : &blk[ref % GT_ENTRIES_PER_FRAME];
}

/** ref's active state for pinning, allocated on demand; NULL: no memory. */
static struct active_grant *active_entry(
	struct grant_table *gt, grant_ref_t ref)
{
	struct active_grant **blk = &gt->active[ref / GT_ENTRIES_PER_FRAME];

	if (*blk == NULL) {
		*blk = xzalloc_array(struct active_grant, GT_ENTRIES_PER_FRAME);
		if (*blk == NULL) {
			return NULL;
		}
	}
	return &(*blk)[ref % GT_ENTRIES_PER_FRAME];
}

/** Shared entry ref of d (ref checked by the caller), NULL if no frame. */
static struct grant_entry_v1 *shared_entry(struct domain *d, grant_ref_t ref)
{
	struct grant_entry_v1 *frame;

	frame = arch_gnttab_frame(
		d, (unsigned int)(ref / GT_ENTRIES_PER_FRAME));
	if (frame == NULL) {
		return NULL;
	}
	return &frame[ref % GT_ENTRIES_PER_FRAME];
}

static struct maptrack *maptrack_entry(struct grant_table *gt, uint32_t h)
{
	return &gt->maptrack[h / MT_PER_FRAME][h % MT_PER_FRAME];
}

/** A free maptrack handle, allocating a new frame of them if needed. */
static uint32_t maptrack_get(struct grant_table *gt)
{
	struct maptrack *blk, *mt;
	uint32_t h, i;

	if (gt->mt_free == MT_NONE) {
		if (gt->maptrack == NULL ||
			gt->mt_limit / MT_PER_FRAME >= gt->max_mt_frames ||
			gt->mt_limit >= MT_NONE - MT_PER_FRAME) {
			return MT_NONE;
		}
		blk = xzalloc_array(struct maptrack, MT_PER_FRAME);
		if (blk == NULL) {
			return MT_NONE;
		}
		gt->maptrack[gt->mt_limit / MT_PER_FRAME] = blk;
		for (i = MT_PER_FRAME; i-- > 0;) {
			blk[i].next_free = gt->mt_free;
			gt->mt_free = gt->mt_limit + i;
		}
		gt->mt_limit += MT_PER_FRAME;
	}
	h = gt->mt_free;
	mt = maptrack_entry(gt, h);
	gt->mt_free = mt->next_free;
	mt->next_free = MT_NONE;
	gt->mt_in_use++;
	return h;
}

static void maptrack_put(struct grant_table *gt, uint32_t h)
{
	struct maptrack *mt = maptrack_entry(gt, h);

	mt->flags = 0;
	mt->rd = NULL;
	mt->next_free = gt->mt_free;
	gt->mt_free = h;
	gt->mt_in_use--;
}

/** Set up frames gt->nr_frames .. nr - 1 of d's table, fresh and empty. */
static int grant_table_grow(
	struct domain *d, struct grant_table *gt, unsigned int nr, bool zero)
{
	unsigned int i;
	void *frame;

	if (nr > gt->max_frames) {
		return -EINVAL;
	}
	for (i = gt->nr_frames; i < nr; i++) {
		if (arch_gnttab_frame(d, i) == NULL) {
			return -ENOMEM;
		}
	}
	for (i = gt->nr_frames; zero && i < nr; i++) {
		frame = arch_gnttab_frame(d, i);
		memset(frame, 0, PAGE_SIZE);
	}
	if (nr > gt->nr_frames) {
		printk(XENLOG_DEBUG, "d%u: grant table: %u -> %u frames\n",
			d->domain_id, gt->nr_frames, nr);
		gt->nr_frames = nr;
	}
	return 0;
}

int grant_table_init(struct domain *d)
{
	struct grant_table *gt;
	int rc;

	if (domain_limits.max_grant_frames == 0) {
		return -EINVAL;
	}
	gt = xzalloc(struct grant_table);
	if (gt == NULL) {
		return -ENOMEM;
	}
	d->grant_table = gt;
	gt->max_frames = domain_limits.max_grant_frames;
	gt->max_mt_frames = domain_limits.max_maptrack_frames;
	gt->mt_free = MT_NONE;
	gt->active =
		xzalloc_array(struct active_grant *, (size_t)gt->max_frames);
	if (gt->active == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (gt->max_mt_frames > 0) {
		gt->maptrack = xzalloc_array(
			struct maptrack *, (size_t)gt->max_mt_frames);
		if (gt->maptrack == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	/* A new domain's frames come zeroed from the port (arch.h). */
	rc = grant_table_grow(
		d, gt, MIN(GT_INITIAL_FRAMES, gt->max_frames), false);
	if (rc < 0) {
		goto fail;
	}
	return 0;

fail:
	grant_table_destroy(d);
	return rc;
}

/* ---- pins ------------------------------------------------------------ */

/**
 * Set GTF_reading, and GTF_writing unless readonly, in shared entry e for
 * grantee ldom. Unless the entry is already pinned (then the grant was
 * checked when it was first pinned), it must permit access to ldom; a
 * read-write pin needs a grant without GTF_readonly. The guest may change
 * the entry meanwhile: the checks are made on the very word swapped in.
 */
static int16_t pin_shared(struct grant_entry_v1 *e, bool pinned, bool readonly,
	bool mapping, domid_t ldom)
{
	uint32_t *word = (uint32_t *)(void *)e;
	uint16_t type_mask = GTF_type_mask;
	union grant_word cur, next;
	unsigned int tries;

	/* A mapping takes a whole page: no sub-page grant. */
	if (mapping) {
		type_mask |= GTF_sub_page;
	}
	cur.raw = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	for (tries = 0;; tries++) {
		if (!pinned &&
			((cur.f.flags & type_mask) != GTF_permit_access ||
				cur.f.domid != ldom)) {
			printk(XENLOG_DEBUG,
				"grant: bad flags %x or domid %u (want d%u)\n",
				cur.f.flags, cur.f.domid, ldom);
			return GNTST_general_error;
		}
		next = cur;
		next.f.flags |= GTF_reading;
		if (!readonly) {
			if (cur.f.flags & GTF_readonly) {
				printk(XENLOG_DEBUG,
					"grant: write pin of r/o grant\n");
				return GNTST_general_error;
			}
			next.f.flags |= GTF_writing;
		}
		if (__atomic_compare_exchange_n(word, &cur.raw, next.raw, false,
			    __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE)) {
			return GNTST_okay;
		}
		if (tries + 1 >= GT_CAS_TRIES) {
			printk(XENLOG_DEBUG, "grant: shared entry unstable\n");
			return GNTST_general_error;
		}
	}
}

/**
 * After a pin of act was dropped (or never taken): clear GTF_writing when
 * no read-write pin remains (only if the pin was a read-write one) and
 * GTF_reading when no pin at all remains.
 */
static void unpin_shared(
	struct grant_entry_v1 *e, const struct active_grant *act, bool readonly)
{
	uint16_t clear = 0;

	if (e == NULL) {
		return;
	}
	if (act->rd_pins == 0 && act->wr_pins == 0) {
		clear |= GTF_reading;
	}
	if (!readonly && act->wr_pins == 0) {
		clear |= GTF_writing;
	}
	if (clear != 0) {
		__atomic_fetch_and(
			&e->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
	}
}

/**
 * Take one pin of grant ref of rd for grantee ldom and give the frame it
 * pins in *gfn. A mapping additionally refuses sub-page grants; a copy
 * fails when a read-write pin would pin another frame than the pins held.
 */
static int16_t grant_acquire(struct domain *rd, grant_ref_t ref, domid_t ldom,
	bool readonly, bool mapping, uint64_t *gfn)
{
	struct grant_table *rgt = rd->grant_table;
	struct active_grant *act;
	struct grant_entry_v1 *e;
	uint64_t frame;
	bool pinned;
	int16_t rc;

	if (rgt == NULL) {
		return GNTST_general_error;
	}
	if (ref >= nr_entries(rgt)) {
		printk(XENLOG_DEBUG, "grant: bad ref 0x%x of d%u\n", ref,
			rd->domain_id);
		return GNTST_bad_gntref;
	}
	e = shared_entry(rd, ref);
	if (e == NULL) {
		return GNTST_general_error;
	}
	act = active_entry(rgt, ref);
	if (act == NULL) {
		return GNTST_general_error;
	}
	pinned = act->rd_pins != 0 || act->wr_pins != 0;
	if (pinned && act->domid != ldom) {
		printk(XENLOG_DEBUG, "grant: ref 0x%x of d%u pinned by d%u\n",
			ref, rd->domain_id, act->domid);
		return GNTST_general_error;
	}
	if ((readonly ? act->rd_pins : act->wr_pins) >= PIN_MAX) {
		return GNTST_general_error;
	}
	if (!pinned || (!readonly && act->wr_pins == 0)) {
		rc = pin_shared(e, pinned, readonly, mapping, ldom);
		if (rc != GNTST_okay) {
			return rc;
		}
		frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
		if (!pinned) {
			if (arch_domain_ram_page(rd, frame) == NULL) {
				printk(XENLOG_DEBUG,
					"grant: ref 0x%x of d%u: frame 0x%lx\n",
					ref, rd->domain_id,
					(unsigned long)frame);
				unpin_shared(e, act, readonly);
				return GNTST_bad_page;
			}
			act->domid = ldom;
			act->gfn = frame;
		} else if (!mapping && frame != act->gfn) {
			unpin_shared(e, act, readonly);
			return GNTST_general_error;
		}
	}
	if (readonly) {
		act->rd_pins++;
	} else {
		act->wr_pins++;
	}
	*gfn = act->gfn;
	return GNTST_okay;
}

/** Drop one pin grant_acquire() took. */
static void grant_release(struct domain *rd, grant_ref_t ref, bool readonly)
{
	struct grant_table *rgt = rd->grant_table;
	struct active_grant *act;

	if (rgt == NULL || ref >= nr_entries(rgt)) {
		return;
	}
	if (rgt->active[ref / GT_ENTRIES_PER_FRAME] == NULL) {
		return; /* never pinned */
	}
	act = active_entry(rgt, ref);
	if (readonly && act->rd_pins > 0) {
		act->rd_pins--;
	} else if (!readonly && act->wr_pins > 0) {
		act->wr_pins--;
	}
	unpin_shared(shared_entry(rd, ref), act, readonly);
}

/* ---- map and unmap --------------------------------------------------- */

static void map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *ld = v->domain;
	struct grant_table *lgt = ld->grant_table;
	bool readonly = (op->flags & GNTMAP_readonly) != 0;
	struct maptrack *mt;
	struct domain *rd;
	uint64_t gfn, bus = 0;
	uint32_t handle;
	int16_t rc;

	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		op->status = GNTST_bad_gntref;
		return;
	}
	if (op->flags & (GNTMAP_device_map | GNTMAP_contains_pte)) {
		op->status = GNTST_general_error;
		return;
	}
	if (lgt == NULL || ld->is_dying != DOMDYING_alive) {
		op->status = GNTST_general_error;
		return;
	}
	rd = domain_get(op->dom);
	if (rd == NULL) {
		op->status = GNTST_bad_domain;
		return;
	}
	handle = maptrack_get(lgt);
	if (handle == MT_NONE) {
		rc = GNTST_no_device_space;
		goto out_put;
	}
	rc = grant_acquire(rd, op->ref, ld->domain_id, readonly, true, &gfn);
	if (rc != GNTST_okay) {
		goto out_handle;
	}
	if (arch_grant_map(v, rd, gfn, readonly, &bus) < 0) {
		grant_release(rd, op->ref, readonly);
		rc = GNTST_general_error;
		goto out_handle;
	}
	/* The mapping keeps the reference on rd. */
	mt = maptrack_entry(lgt, handle);
	mt->rd = rd;
	mt->ref = op->ref;
	mt->domid = rd->domain_id;
	mt->flags = op->flags;
	op->handle = handle;
	op->dev_bus_addr = bus;
	op->status = GNTST_okay;
	return;

out_handle:
	maptrack_put(lgt, handle);
out_put:
	domain_put(rd);
	op->status = rc;
}

int16_t gnttab_unmap_handle(struct domain *mapper, uint32_t handle)
{
	struct grant_table *lgt = mapper->grant_table;
	struct maptrack *mt;
	struct domain *rd;
	grant_ref_t ref;
	bool readonly;

	if (lgt == NULL || handle >= lgt->mt_limit) {
		return GNTST_bad_handle;
	}
	mt = maptrack_entry(lgt, handle);
	if (mt->flags == 0) {
		return GNTST_bad_handle;
	}
	rd = mt->rd;
	ref = mt->ref;
	readonly = (mt->flags & GNTMAP_readonly) != 0;
	maptrack_put(lgt, handle);
	grant_release(rd, ref, readonly);
	/* May free rd when it was killed meanwhile. */
	domain_put(rd);
	return GNTST_okay;
}

static long gnttab_map_grant_ref(
	struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_map_grant_ref_t) uop;
	struct gnttab_map_grant_ref op;
	unsigned int i;

	uop.p = (gnttab_map_grant_ref_t *)(uintptr_t)arg;
	for (i = 0; i < count; i++) {
		if (copy_from_guest_offset(v, &op, uop, i, 1) != 0) {
			return -EFAULT;
		}
		map_one(v, &op);
		/* As in Xen, a mapping made stays even when the guest cannot
		 * be told its handle: the port may have handed it out. */
		if (copy_to_guest_offset(v, uop, i, &op, 1) != 0) {
			return -EFAULT;
		}
	}
	return 0;
}

static long gnttab_unmap_grant_ref(
	struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t) uop;
	struct gnttab_unmap_grant_ref op;
	unsigned int i;

	uop.p = (gnttab_unmap_grant_ref_t *)(uintptr_t)arg;
	for (i = 0; i < count; i++) {
		if (copy_from_guest_offset(v, &op, uop, i, 1) != 0) {
			return -EFAULT;
		}
		op.status = gnttab_unmap_handle(v->domain, op.handle);
		if (copy_field_to_guest_offset(v, uop, i, &op, status) != 0) {
			return -EFAULT;
		}
	}
	return 0;
}

void grant_table_release_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	uint32_t h;

	if (gt == NULL) {
		return;
	}
	for (h = 0; h < gt->mt_limit && gt->mt_in_use > 0; h++) {
		if (maptrack_entry(gt, h)->flags != 0) {
			printk(XENLOG_DEBUG, "d%u: release grant mapping %u\n",
				d->domain_id, h);
			gnttab_unmap_handle(d, h);
		}
	}
}

void grant_table_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	unsigned int i;

	if (gt == NULL) {
		return;
	}
	/* Normally released at kill already. */
	grant_table_release_mappings(d);
	d->grant_table = NULL;
	if (gt->active != NULL) {
		for (i = 0; i < gt->nr_frames; i++) {
			xfree(gt->active[i]);
		}
		xfree(gt->active);
	}
	if (gt->maptrack != NULL) {
		for (i = 0; i < gt->mt_limit / MT_PER_FRAME; i++) {
			xfree(gt->maptrack[i]);
		}
		xfree(gt->maptrack);
	}
	xfree(gt);
}

/* ---- copy ------------------------------------------------------------ */

/** One side of a copy: a page of a referenced domain, maybe pinned. */
struct copy_buf {
	struct domain *d;
	bool have_grant;
	bool readonly;
	grant_ref_t ref;
	uint8_t *page;
};

/** The domain one side of a copy names, referenced, or a GNTST_* error. */
static int16_t copy_domain(struct vcpu *v, const struct gnttab_copy_ptr *ptr,
	bool is_gref, struct copy_buf *b)
{
	struct domain *ld = v->domain;

	/* Frames by number: the caller's own, others' only when privileged. */
	if (!is_gref && ptr->domid != DOMID_SELF &&
		ptr->domid != ld->domain_id && !domain_is_control(ld)) {
		return GNTST_permission_denied;
	}
	b->d = domain_get_target(ld, ptr->domid);
	if (b->d == NULL) {
		return GNTST_bad_domain;
	}
	return GNTST_okay;
}

static int16_t copy_claim(struct vcpu *v, const struct gnttab_copy_ptr *ptr,
	bool is_gref, bool readonly, struct copy_buf *b)
{
	uint64_t gfn;
	int16_t rc;

	b->readonly = readonly;
	if (is_gref) {
		rc = grant_acquire(b->d, ptr->u.ref, v->domain->domain_id,
			readonly, false, &gfn);
		if (rc != GNTST_okay) {
			return rc;
		}
		b->have_grant = true;
		b->ref = ptr->u.ref;
	} else {
		gfn = ptr->u.gmfn;
	}
	b->page = arch_domain_ram_page(b->d, gfn);
	if (b->page == NULL) {
		return GNTST_bad_page;
	}
	return GNTST_okay;
}

static void copy_release(struct copy_buf *b)
{
	if (b->have_grant) {
		grant_release(b->d, b->ref, b->readonly);
	}
	if (b->d != NULL) {
		domain_put(b->d);
	}
	memset(b, 0, sizeof(*b));
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
	bool src_gref = (op->flags & GNTCOPY_source_gref) != 0;
	bool dst_gref = (op->flags & GNTCOPY_dest_gref) != 0;
	struct copy_buf src = {0}, dst = {0};
	int16_t rc;

	if (op->len == 0) {
		return GNTST_okay;
	}
	rc = copy_domain(v, &op->source, src_gref, &src);
	if (rc == GNTST_okay) {
		rc = copy_domain(v, &op->dest, dst_gref, &dst);
	}
	if (rc == GNTST_okay) {
		rc = copy_claim(v, &op->source, src_gref, true, &src);
	}
	if (rc == GNTST_okay) {
		rc = copy_claim(v, &op->dest, dst_gref, false, &dst);
	}
	if (rc == GNTST_okay &&
		((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
			(unsigned int)op->dest.offset + op->len > PAGE_SIZE)) {
		rc = GNTST_bad_copy_arg;
	}
	if (rc == GNTST_okay) {
		memmove(dst.page + op->dest.offset,
			src.page + op->source.offset, op->len);
	}
	copy_release(&dst);
	copy_release(&src);
	return rc;
}

static long gnttab_copy(struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_copy_t) uop;
	struct gnttab_copy op;
	unsigned int i;

	uop.p = (gnttab_copy_t *)(uintptr_t)arg;
	for (i = 0; i < count; i++) {
		if (copy_from_guest_offset(v, &op, uop, i, 1) != 0) {
			return -EFAULT;
		}
		op.status = copy_one(v, &op);
		if (copy_field_to_guest_offset(v, uop, i, &op, status) != 0) {
			return -EFAULT;
		}
	}
	return 0;
}

/* ---- table set-up and queries ---------------------------------------- */

/**
 * The domain domid names for an operation on its table by v's domain,
 * referenced: v's own (DOMID_SELF or its id), or, for a privileged caller
 * or the target's device model, another (dying ones too). NULL with
 * *status GNTST_bad_domain or GNTST_permission_denied.
 */
static struct domain *table_domain(
	struct vcpu *v, domid_t domid, int16_t *status)
{
	struct domain *ld = v->domain;
	struct domain *d;

	if (domid == DOMID_SELF || domid == ld->domain_id) {
		return domain_get_target(ld, DOMID_SELF);
	}
	d = domain_get_any(domid);
	if (d == NULL) {
		*status = GNTST_bad_domain;
		return NULL;
	}
	if (!domain_is_control(ld) && ld->target != d->domain_id) {
		domain_put(d);
		*status = GNTST_permission_denied;
		return NULL;
	}
	return d;
}

static long gnttab_setup_table(struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_setup_table_t) uop;
	struct gnttab_setup_table op;
	struct grant_table *gt;
	struct domain *d;
	xen_pfn_t gfn;
	unsigned int i;

	if (count != 1) {
		return -EINVAL;
	}
	uop.p = (gnttab_setup_table_t *)(uintptr_t)arg;
	if (copy_from_guest(v, &op, uop, 1) != 0) {
		return -EFAULT;
	}
	d = table_domain(v, op.dom, &op.status);
	if (d == NULL) {
		goto out;
	}
	gt = d->grant_table;
	if (gt == NULL || op.nr_frames > gt->max_frames) {
		printk(XENLOG_DEBUG, "d%u: setup_table of %u frames refused\n",
			d->domain_id, op.nr_frames);
		op.status = GNTST_general_error;
		goto out_put;
	}
	if (op.nr_frames > gt->nr_frames &&
		grant_table_grow(d, gt, op.nr_frames, true) < 0) {
		op.status = GNTST_general_error;
		goto out_put;
	}
	op.status = GNTST_okay;
	for (i = 0; i < op.nr_frames; i++) {
		gfn = (xen_pfn_t)arch_gnttab_frame_gfn(d, i);
		if (copy_to_guest_offset(v, op.frame_list, i, &gfn, 1) != 0) {
			op.status = GNTST_bad_virt_addr;
			break;
		}
	}
out_put:
	domain_put(d);
out:
	if (copy_field_to_guest_offset(v, uop, 0, &op, status) != 0) {
		return -EFAULT;
	}
	return 0;
}

static long gnttab_query_size(struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_query_size_t) uop;
	struct gnttab_query_size op;
	struct domain *d;

	if (count != 1) {
		return -EINVAL;
	}
	uop.p = (gnttab_query_size_t *)(uintptr_t)arg;
	if (copy_from_guest(v, &op, uop, 1) != 0) {
		return -EFAULT;
	}
	d = table_domain(v, op.dom, &op.status);
	if (d != NULL) {
		if (d->grant_table != NULL) {
			op.nr_frames = d->grant_table->nr_frames;
			op.max_nr_frames = d->grant_table->max_frames;
			op.status = GNTST_okay;
		} else {
			op.status = GNTST_general_error;
		}
		domain_put(d);
	}
	if (copy_to_guest(v, uop, &op, 1) != 0) {
		return -EFAULT;
	}
	return 0;
}

static void dump_grants(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	struct grant_entry_v1 *e;
	const struct active_grant *act;
	struct grant_entry_v1 ent;
	unsigned int ref;

	if (gt == NULL) {
		return;
	}
	printk(XENLOG_INFO,
		"d%u grant table: v1, %u of %u frames, %u mappings held\n",
		d->domain_id, gt->nr_frames, gt->max_frames, gt->mt_in_use);
	for (ref = 0; ref < nr_entries(gt); ref++) {
		e = shared_entry(d, ref);
		act = active_peek(gt, ref);
		if (e == NULL) {
			break;
		}
		memcpy(&ent, e, sizeof(ent));
		if (ent.flags == 0 && act->rd_pins == 0 && act->wr_pins == 0) {
			continue;
		}
		printk(XENLOG_INFO,
			"  [%5u] flags %04x domid %5u frame %x pins r%u w%u\n",
			ref, ent.flags, ent.domid, ent.frame, act->rd_pins,
			act->wr_pins);
	}
}

static long gnttab_dump_table(struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_dump_table_t) uop;
	struct gnttab_dump_table op;
	struct domain *d;

	if (count != 1) {
		return -EINVAL;
	}
	uop.p = (gnttab_dump_table_t *)(uintptr_t)arg;
	if (copy_from_guest(v, &op, uop, 1) != 0) {
		return -EFAULT;
	}
	d = table_domain(v, op.dom, &op.status);
	if (d != NULL) {
		dump_grants(d);
		op.status = GNTST_okay;
		domain_put(d);
	}
	if (copy_to_guest(v, uop, &op, 1) != 0) {
		return -EFAULT;
	}
	return 0;
}

/*
 * Only version 1 exists here. As Xen does when limited to version 1, a
 * request for 2 fails with -ENOSYS, anything but 1 or 2 with -EINVAL, and
 * the version in force is written back either way.
 */
static long gnttab_set_version(struct vcpu *v, uint64_t arg)
{
	XEN_GUEST_HANDLE(gnttab_set_version_t) uop;
	struct gnttab_set_version op;
	long rc;

	uop.p = (gnttab_set_version_t *)(uintptr_t)arg;
	if (copy_from_guest(v, &op, uop, 1) != 0) {
		return -EFAULT;
	}
	if (op.version == 1) {
		rc = 0;
	} else if (op.version == 2) {
		rc = -ENOSYS;
	} else {
		rc = -EINVAL;
	}
	op.version = 1;
	if (copy_to_guest(v, uop, &op, 1) != 0) {
		return -EFAULT;
	}
	return rc;
}

static long gnttab_get_version(struct vcpu *v, uint64_t arg)
{
	XEN_GUEST_HANDLE(gnttab_get_version_t) uop;
	struct gnttab_get_version op;
	int16_t status = GNTST_okay;
	struct domain *d;

	uop.p = (gnttab_get_version_t *)(uintptr_t)arg;
	if (copy_from_guest(v, &op, uop, 1) != 0) {
		return -EFAULT;
	}
	d = table_domain(v, op.dom, &status);
	if (d == NULL) {
		return status == GNTST_bad_domain ? -ESRCH : -EPERM;
	}
	domain_put(d);
	op.version = 1;
	if (copy_field_to_guest_offset(v, uop, 0, &op, version) != 0) {
		return -EFAULT;
	}
	return 0;
}

static int16_t swap_one(struct domain *d, grant_ref_t a, grant_ref_t b)
{
	struct grant_table *gt = d->grant_table;
	struct grant_entry_v1 *ea, *eb;
	struct grant_entry_v1 tmp;
	const struct active_grant *act;

	if (gt == NULL) {
		return GNTST_general_error;
	}
	if (a >= nr_entries(gt) || b >= nr_entries(gt)) {
		return GNTST_bad_gntref;
	}
	act = active_peek(gt, a);
	if (act->rd_pins != 0 || act->wr_pins != 0) {
		return GNTST_eagain;
	}
	act = active_peek(gt, b);
	if (act->rd_pins != 0 || act->wr_pins != 0) {
		return GNTST_eagain;
	}
	ea = shared_entry(d, a);
	eb = shared_entry(d, b);
	if (ea == NULL || eb == NULL) {
		return GNTST_general_error;
	}
	if (a != b) {
		memcpy(&tmp, ea, sizeof(tmp));
		memcpy(ea, eb, sizeof(tmp));
		memcpy(eb, &tmp, sizeof(tmp));
	}
	return GNTST_okay;
}

static long gnttab_swap_grant_ref(
	struct vcpu *v, uint64_t arg, unsigned int count)
{
	XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t) uop;
	struct gnttab_swap_grant_ref op;
	unsigned int i;

	uop.p = (gnttab_swap_grant_ref_t *)(uintptr_t)arg;
	for (i = 0; i < count; i++) {
		if (copy_from_guest_offset(v, &op, uop, i, 1) != 0) {
			return -EFAULT;
		}
		op.status = swap_one(v->domain, op.ref_a, op.ref_b);
		if (copy_field_to_guest_offset(v, uop, i, &op, status) != 0) {
			return -EFAULT;
		}
	}
	return 0;
}

long do_grant_table_op(
	struct vcpu *v, unsigned int cmd, uint64_t arg, unsigned int count)
{
	if (count > (unsigned int)INT32_MAX || (cmd & ~GT_CMD_MASK) != 0) {
		return -EINVAL;
	}
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return gnttab_map_grant_ref(v, arg, count);
	case GNTTABOP_unmap_grant_ref:
		return gnttab_unmap_grant_ref(v, arg, count);
	case GNTTABOP_setup_table:
		return gnttab_setup_table(v, arg, count);
	case GNTTABOP_dump_table:
		return gnttab_dump_table(v, arg, count);
	case GNTTABOP_copy:
		return gnttab_copy(v, arg, count);
	case GNTTABOP_query_size:
		return gnttab_query_size(v, arg, count);
	case GNTTABOP_set_version:
		return gnttab_set_version(v, arg);
	case GNTTABOP_get_version:
		return gnttab_get_version(v, arg);
	case GNTTABOP_swap_grant_ref:
		return gnttab_swap_grant_ref(v, arg, count);
	default:
		/* transfer, unmap_and_replace, get_status_frames (v2 only),
		 * cache_flush (Arm only). */
		return -ENOSYS;
	}
}
