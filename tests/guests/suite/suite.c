/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall suite guest. Its command line picks the part it plays:
 *
 *   mode=solo [reason=N]   xen_version, sched_op (yield, poll with and
 *                          without a timeout, block with an event pending),
 *                          the guest-visible CPUID leaf 7, then shutdown
 *                          with reason N (default SHUTDOWN_poweroff)
 *   mode=exit reason=N     shut down at once with reason N
 *   mode=ping peer=D       side A of a two-guest test with domain D
 *   mode=pong peer=D       side B
 *   rounds=N wait=hlt|block bench=1 loops=N   (ping and pong)
 *
 * Two guests (docs/baremetal.md): A grants two pages to B in its grant
 * table (ref 8 read-write, ref 9 read-only; ref 10 stays invalid; ref 11
 * read-only holds A's send timestamps), then allocates an unbound event
 * channel for B (port 1 in a fresh domain). B binds to it, retrying every
 * millisecond (SCHEDOP_poll without ports) until A has made it, and sends.
 * Then N round trips A -> B -> A, each side waiting for the other by
 * SCHEDOP_block (or HLT). Then B copies A's granted page into its own
 * memory, its own pattern into A's page, and checks the copies the grants
 * must refuse; it signals A, which checks its page.
 *
 * Events coalesce (one pending bit): B's last reply and its final signal
 * may reach A as one, so A looks at its page before waiting.
 *
 * Every check prints "PASS ..." or "FAIL ..." (and crashes). bench=1 adds
 * "BENCH name=value" lines in TSC cycles (the guest's TSC is the host's):
 * A's mean cost of a CPUID exit and of xen_version over `loops` calls, A's
 * mean round trip, and B's mean and least wake-up latency (from A's TSC
 * just before its send, which B reads from A's ref 11 by grant copy, to
 * B's TSC once its wait returns).
 */
#include "grant_table.h"
#include "guest.h"
#include "version.h"

/* Xen's errno values (xen/include/public/errno.h of Xen). */
#define GUEST_EINVAL 22
#define GUEST_ENOSYS 38
#define REF_RW 8
#define REF_RO 9
#define REF_UNGRANTED 10
#define REF_STAMPS 11
#define MAX_ROUNDS 512
#define POLL_TIMEOUT_NS 5000000ull /* 5 ms */

static uint8_t page_rw[4096] __attribute__((aligned(4096)));
static uint8_t page_ro[4096] __attribute__((aligned(4096)));
static uint64_t stamps[MAX_ROUNDS] __attribute__((aligned(4096)));
static uint8_t buf[4096] __attribute__((aligned(4096)));
static uint64_t peer_stamps[MAX_ROUNDS] __attribute__((aligned(4096)));
static uint64_t wake_stamps[MAX_ROUNDS];

static long xen_version(unsigned int cmd, void *arg)
{
	return guest_hypercall3(__HYPERVISOR_xen_version, cmd,
		(unsigned long)(uintptr_t)arg, 0);
}

static long sched_op(unsigned int cmd, void *arg)
{
	return guest_hypercall3(
		__HYPERVISOR_sched_op, cmd, (unsigned long)(uintptr_t)arg, 0);
}

static long gnttab_op(unsigned int cmd, void *arg, unsigned int count)
{
	return guest_hypercall3(__HYPERVISOR_grant_table_op, cmd,
		(unsigned long)(uintptr_t)arg, count);
}

static uint64_t gfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p >> 12; /* 1:1 mapped */
}

/* ---- xen_version ----------------------------------------------------- */

static void check_xen_version(void)
{
	static char s[1024];
	struct xen_compile_info ci;
	struct xen_feature_info fi = {.submap_idx = 0};
	long v = xen_version(XENVER_version, NULL);

	if (v != ((4 << 16) | 9)) {
		guest_fail("xen_version: version 0x%lx", (unsigned long)v);
	}
	guest_pass("xen_version: XENVER_version %ld.%ld", v >> 16, v & 0xffff);
	if (xen_version(XENVER_extraversion, s) != 0 ||
		memcmp(s, ".0-xenplat", 11) != 0) {
		guest_fail("xen_version: extraversion");
	}
	guest_pass("xen_version: XENVER_extraversion \"%s\"", s);
	if (xen_version(XENVER_compile_info, &ci) != 0 ||
		memcmp(ci.compiler, "gcc", 4) != 0 || ci.compile_date[0] == 0) {
		guest_fail("xen_version: compile_info");
	}
	guest_pass("xen_version: XENVER_compile_info compiler \"%s\" date "
		   "\"%s\"",
		ci.compiler, ci.compile_date);
	if (xen_version(XENVER_capabilities, s) != 0 ||
		memcmp(s, "xen-3.0-x86_64 hvm-3.0-x86_64", 30) != 0) {
		guest_fail("xen_version: capabilities");
	}
	guest_pass("xen_version: XENVER_capabilities \"%s\"", s);
	if (xen_version(XENVER_get_features, &fi) != 0 ||
		(fi.submap & (1u << XENFEAT_auto_translated_physmap)) == 0 ||
		(fi.submap & (1u << XENFEAT_hvm_callback_vector)) == 0) {
		guest_fail("xen_version: get_features 0x%x", fi.submap);
	}
	guest_pass(
		"xen_version: XENVER_get_features submap 0: 0x%08x", fi.submap);
	fi.submap_idx = 1000;
	if (xen_version(XENVER_get_features, &fi) != -GUEST_EINVAL) {
		guest_fail("xen_version: get_features submap 1000");
	}
	guest_pass("xen_version: XENVER_get_features submap 1000: -EINVAL");
	if (xen_version(XENVER_pagesize, NULL) != 4096 ||
		xen_version(XENVER_changeset, s) != 0 ||
		xen_version(999, NULL) != -GUEST_ENOSYS) {
		guest_fail("xen_version: pagesize, changeset or unknown");
	}
	guest_pass("xen_version: XENVER_pagesize 4096, changeset \"%s\", "
		   "unknown -ENOSYS",
		s);
}

/* ---- sched_op -------------------------------------------------------- */

static void check_sched_op(void)
{
	struct evtchn_bind_ipi ipi = {.vcpu = 0};
	evtchn_port_t ports[1];
	struct sched_poll poll;
	uint64_t t0, t1;

	if (sched_op(SCHEDOP_yield, NULL) != 0) {
		guest_fail("sched_op: yield");
	}
	guest_pass("sched_op: SCHEDOP_yield returns 0");
	if (guest_evtchn_op(EVTCHNOP_bind_ipi, &ipi) != 0) {
		guest_fail("sched_op: bind_ipi");
	}
	ports[0] = ipi.port;
	poll.ports.p = ports;
	poll.nr_ports = 1;
	__asm__ volatile("cli");
	t0 = guest_now_ns();
	poll.timeout = t0 + POLL_TIMEOUT_NS;
	if (sched_op(SCHEDOP_poll, &poll) != 0) {
		guest_fail("sched_op: poll with a timeout");
	}
	t1 = guest_now_ns();
	if (t0 == 0 || t1 < poll.timeout) {
		guest_fail("sched_op: poll returned %lu ns early",
			(unsigned long)(poll.timeout - t1));
	}
	guest_pass("sched_op: SCHEDOP_poll timeout 5 ms: returned after %lu us",
		(unsigned long)((t1 - t0) / 1000));
	if (guest_evtchn_send(ipi.port) != 0) {
		guest_fail("sched_op: send");
	}
	t0 = guest_now_ns();
	poll.timeout = t0 + 1000000000ull;
	if (sched_op(SCHEDOP_poll, &poll) != 0 ||
		guest_now_ns() - t0 > 500000000ull) {
		guest_fail("sched_op: poll on a pending port");
	}
	guest_pass("sched_op: SCHEDOP_poll on a pending port returns at once");
	/* Interrupts off: the upcall stays pending, block must not sleep. */
	if (sched_op(SCHEDOP_block, NULL) != 0 ||
		!guest_shinfo->vcpu_info[0].evtchn_upcall_pending) {
		guest_fail("sched_op: block with an event pending");
	}
	__asm__ volatile("sti; nop" ::: "memory");
	if (guest_upcall_count == 0) {
		guest_fail("sched_op: no upcall after block");
	}
	guest_pass("sched_op: SCHEDOP_block returns at once with an event "
		   "pending, the upcall follows");
	guest_evtchn_test_and_clear(ipi.port);
}

static void print_cpuid(void)
{
	uint32_t r[4];

	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(7), "c"(0));
	guest_printf("cpuid: leaf 7.0 ebx 0x%08x ecx 0x%08x edx 0x%08x\n", r[1],
		r[2], r[3]);
	if ((r[1] & (1u << 16)) == 0) {
		if ((r[3] & 0xc) != 0) {
			guest_fail("cpuid: 4VNNIW/4FMAPS without AVX512F");
		}
		guest_pass("cpuid: leaf 7.0 without AVX512F: AVX512_4VNNIW and "
			   "AVX512_4FMAPS clear");
	}
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(1), "c"(0));
	if ((r[2] & (1u << 31)) == 0 || (r[2] & (1u << 5)) != 0) {
		guest_fail("cpuid: leaf 1 ecx 0x%08x", r[2]);
	}
	guest_pass("cpuid: leaf 1: hypervisor bit set, VMX clear");
}

static void shutdown_with(unsigned int reason)
{
	guest_printf("suite: shutting down with reason %u\n", reason);
	guest_shutdown(reason);
	guest_fail("suite: still running after shutdown");
}

/* ---- two guests ------------------------------------------------------- */

struct pair {
	domid_t peer;
	evtchn_port_t port;
	unsigned int rounds;
	bool use_hlt;
	bool bench;
};

static void grant(struct grant_entry_v1 *gt, grant_ref_t ref, const void *p,
	domid_t to, uint16_t flags)
{
	gt[ref].frame = (uint32_t)gfn_of(p);
	gt[ref].domid = to;
	__atomic_store_n(&gt[ref].flags, flags, __ATOMIC_RELEASE);
}

static struct grant_entry_v1 *grant_table(void)
{
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
	xen_pfn_t frame = 0;

	st.frame_list.p = &frame;
	if (gnttab_op(GNTTABOP_setup_table, &st, 1) != 0 ||
		st.status != GNTST_okay || frame == 0) {
		guest_fail("gnttab: setup_table status %d", st.status);
	}
	guest_pass("gnttab: setup_table: frame 0 at gfn 0x%lx",
		(unsigned long)frame);
	return (struct grant_entry_v1 *)(uintptr_t)(frame << 12);
}

static void bench_exits(void)
{
	unsigned int loops = (unsigned int)guest_arg_num("loops", 2000);
	uint64_t t0, t1, t2;
	uint32_t r[4];
	unsigned int i;

	t0 = guest_rdtsc();
	for (i = 0; i < loops; i++) {
		__asm__ volatile(
			"cpuid"
			: "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			: "a"(0x40000100), "c"(0));
	}
	t1 = guest_rdtsc();
	for (i = 0; i < loops; i++) {
		xen_version(XENVER_version, NULL);
	}
	t2 = guest_rdtsc();
	guest_printf("BENCH vmexit_cycles=%lu\n",
		(unsigned long)((t1 - t0) / loops));
	guest_printf("BENCH hypercall_cycles=%lu\n",
		(unsigned long)((t2 - t1) / loops));
}

/*
 * As on Xen, the callback vector is raised while evtchn_upcall_pending is
 * set: every wait that slept ends with an upcall once interrupts are on,
 * also after the vCPU was blocked (HLT exits, SCHEDOP_block).
 */
static void check_upcalls(unsigned int sleeps)
{
	uint32_t n = guest_upcall_count;

	if (n < sleeps) {
		guest_fail("evtchn: %u upcalls for %u waits", n, sleeps);
	}
	guest_pass("evtchn: every wait ended with an upcall (%u upcalls)", n);
}

static bool page_has_peer_pattern(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(page_rw); i++) {
		if (page_rw[i] != (uint8_t)(0x3c ^ i)) {
			return false;
		}
	}
	return true;
}

static void run_ping(struct pair *pr)
{
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF};
	struct grant_entry_v1 *gt = grant_table();
	uint64_t rtt = 0, t;
	unsigned int i, sleeps = 0;

	for (i = 0; i < sizeof(page_rw); i++) {
		page_rw[i] = (uint8_t)(0xa5 + i);
		page_ro[i] = 0x5a;
	}
	grant(gt, REF_RW, page_rw, pr->peer, GTF_permit_access);
	grant(gt, REF_RO, page_ro, pr->peer, GTF_permit_access | GTF_readonly);
	grant(gt, REF_STAMPS, stamps, pr->peer,
		GTF_permit_access | GTF_readonly);
	guest_pass(
		"gnttab: granted refs 8 (rw), 9 and 11 (ro) to d%u", pr->peer);
	au.remote_dom = pr->peer;
	if (guest_evtchn_op(EVTCHNOP_alloc_unbound, &au) != 0) {
		guest_fail("evtchn: alloc_unbound");
	}
	pr->port = au.port;
	guest_pass("evtchn: alloc_unbound for d%u: port %u", pr->peer, au.port);
	guest_evtchn_wait(pr->port, pr->use_hlt);
	guest_pass("evtchn: d%u bound and signalled", pr->peer);
	for (i = 0; i < pr->rounds; i++) {
		t = guest_rdtsc();
		stamps[i] = t;
		if (guest_evtchn_send(pr->port) != 0) {
			guest_fail("evtchn: send in round %u", i);
		}
		sleeps += guest_evtchn_wait(pr->port, pr->use_hlt);
		rtt += guest_rdtsc() - t;
	}
	guest_pass("evtchn: %u round trips with d%u (%u waits by %s)",
		pr->rounds, pr->peer, sleeps, pr->use_hlt ? "hlt" : "block");
	check_upcalls(sleeps);
	if (pr->bench && pr->rounds > 0) {
		guest_printf("BENCH evtchn_rtt_cycles=%lu\n",
			(unsigned long)(rtt / pr->rounds));
	}
	/* The peer's last reply and its "copies done" may have come as one
	 * event: look at the page first, wait only while it is not there. */
	while (!page_has_peer_pattern()) {
		guest_evtchn_wait(pr->port, pr->use_hlt);
	}
	guest_pass(
		"gnttab: d%u wrote my granted page by GNTTABOP_copy", pr->peer);
}

static int16_t copy(grant_ref_t sref, const void *sp, grant_ref_t dref,
	void *dp, domid_t peer, uint16_t len)
{
	struct gnttab_copy op;

	memset(&op, 0, sizeof(op));
	if (sp == NULL) {
		op.source.u.ref = sref;
		op.source.domid = peer;
		op.flags |= GNTCOPY_source_gref;
	} else {
		op.source.u.gmfn = gfn_of(sp);
		op.source.domid = DOMID_SELF;
	}
	if (dp == NULL) {
		op.dest.u.ref = dref;
		op.dest.domid = peer;
		op.flags |= GNTCOPY_dest_gref;
	} else {
		op.dest.u.gmfn = gfn_of(dp);
		op.dest.domid = DOMID_SELF;
	}
	op.len = len;
	if (gnttab_op(GNTTABOP_copy, &op, 1) != 0) {
		guest_fail("gnttab: GNTTABOP_copy hypercall failed");
	}
	return op.status;
}

static void check_copies(struct pair *pr)
{
	unsigned int i;
	int16_t st;

	st = copy(REF_RW, NULL, 0, buf, pr->peer, 4096);
	for (i = 0; st == GNTST_okay && i < sizeof(buf); i++) {
		if (buf[i] != (uint8_t)(0xa5 + i)) {
			guest_fail("gnttab: byte %u copied from d%u: 0x%x", i,
				pr->peer, buf[i]);
		}
	}
	if (st != GNTST_okay) {
		guest_fail("gnttab: copy from ref 8: status %d", st);
	}
	guest_pass("gnttab: GNTTABOP_copy from d%u's ref 8 into my page",
		pr->peer);
	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(0x3c ^ i);
	}
	st = copy(0, buf, REF_RW, NULL, pr->peer, 4096);
	if (st != GNTST_okay) {
		guest_fail("gnttab: copy into ref 8: status %d", st);
	}
	guest_pass("gnttab: GNTTABOP_copy from my page into d%u's ref 8",
		pr->peer);
	st = copy(REF_UNGRANTED, NULL, 0, buf, pr->peer, 16);
	if (st != GNTST_general_error) {
		guest_fail("gnttab: ungranted ref 10: status %d", st);
	}
	guest_pass("gnttab: copy from ungranted ref 10: GNTST_general_error");
	st = copy(0, buf, REF_RO, NULL, pr->peer, 16);
	if (st != GNTST_general_error) {
		guest_fail("gnttab: write to read-only ref 9: status %d", st);
	}
	guest_pass("gnttab: copy into read-only ref 9: GNTST_general_error");
	st = copy(REF_RO, NULL, 0, buf, pr->peer, 16);
	if (st != GNTST_okay || buf[0] != 0x5a) {
		guest_fail("gnttab: read of read-only ref 9: status %d", st);
	}
	guest_pass("gnttab: copy from read-only ref 9 is allowed");
	st = copy(100000, NULL, 0, buf, pr->peer, 16);
	if (st != GNTST_bad_gntref) {
		guest_fail("gnttab: ref 100000: status %d", st);
	}
	guest_pass("gnttab: copy from ref 100000: GNTST_bad_gntref");
}

static void bench_wake(struct pair *pr)
{
	uint64_t sum = 0, min = ~0ull;
	unsigned int i;
	int16_t st;

	st = copy(REF_STAMPS, NULL, 0, peer_stamps, pr->peer, 4096);
	if (st != GNTST_okay) {
		guest_fail("bench: copy of d%u's stamps: %d", pr->peer, st);
	}
	for (i = 0; i < pr->rounds; i++) {
		uint64_t d = wake_stamps[i] - peer_stamps[i];

		sum += d;
		min = d < min ? d : min;
	}
	guest_printf(
		"BENCH wake_cycles=%lu\n", (unsigned long)(sum / pr->rounds));
	guest_printf("BENCH wake_min_cycles=%lu\n", (unsigned long)min);
}

/* SCHEDOP_poll of no port: sleep for ns. */
static void sleep_ns(uint64_t ns)
{
	struct sched_poll poll = {.nr_ports = 0};

	poll.timeout = guest_now_ns() + ns;
	sched_op(SCHEDOP_poll, &poll);
}

static void run_pong(struct pair *pr)
{
	struct evtchn_bind_interdomain bi = {.remote_dom = pr->peer};
	unsigned int i, tries, sleeps = 0;

	bi.remote_port = (evtchn_port_t)guest_arg_num("port", 1);
	for (tries = 0; guest_evtchn_op(EVTCHNOP_bind_interdomain, &bi) != 0;
		tries++) {
		if (tries > 10000) {
			guest_fail("evtchn: d%u port %u never became unbound",
				pr->peer, bi.remote_port);
		}
		sleep_ns(1000000); /* not a busy loop: A may be measuring */
	}
	pr->port = bi.local_port;
	guest_pass("evtchn: bind_interdomain to d%u port %u: local port %u",
		pr->peer, bi.remote_port, bi.local_port);
	/* As on Xen, binding marks the new port pending (an event sent
	 * before the bind is not lost): take that one away. */
	if (!guest_evtchn_test_and_clear(pr->port)) {
		guest_fail(
			"evtchn: the new port is not pending after the bind");
	}
	guest_pass("evtchn: the new port is pending after bind_interdomain");
	if (guest_evtchn_send(pr->port) != 0) {
		guest_fail("evtchn: first send");
	}
	for (i = 0; i < pr->rounds; i++) {
		sleeps += guest_evtchn_wait(pr->port, pr->use_hlt);
		wake_stamps[i] = guest_rdtsc();
		if (guest_evtchn_send(pr->port) != 0) {
			guest_fail("evtchn: send in round %u", i);
		}
	}
	guest_pass("evtchn: %u round trips with d%u (%u waits by %s)",
		pr->rounds, pr->peer, sleeps, pr->use_hlt ? "hlt" : "block");
	check_upcalls(sleeps);
	if (sleeps > 0) {
		guest_pass("sched_op: %s woken by d%u's events %u times",
			pr->use_hlt ? "HLT" : "SCHEDOP_block", pr->peer,
			sleeps);
	}
	check_copies(pr);
	if (pr->bench && pr->rounds > 0) {
		bench_wake(pr);
	}
	if (guest_evtchn_send(pr->port) != 0) {
		guest_fail("evtchn: last send");
	}
}

void guest_main(const struct hvm_start_info *si)
{
	struct pair pr;

	guest_setup(si);
	if (guest_arg_is("mode", "exit")) {
		shutdown_with((unsigned int)guest_arg_num("reason", 0));
		return;
	}
	if (guest_arg_is("mode", "ping") || guest_arg_is("mode", "pong")) {
		pr.peer = (domid_t)guest_arg_num("peer", 0);
		pr.rounds = (unsigned int)guest_arg_num("rounds", 100);
		pr.rounds = pr.rounds > MAX_ROUNDS ? MAX_ROUNDS : pr.rounds;
		pr.use_hlt = guest_arg_is("wait", "hlt");
		pr.bench = guest_arg_is("bench", "1");
		if (guest_arg_is("mode", "ping")) {
			if (pr.bench) {
				bench_exits();
			}
			run_ping(&pr);
		} else {
			run_pong(&pr);
		}
		shutdown_with(SHUTDOWN_poweroff);
		return;
	}
	check_xen_version();
	check_sched_op();
	print_cpuid();
	shutdown_with((unsigned int)guest_arg_num("reason", SHUTDOWN_poweroff));
}
