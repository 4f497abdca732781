#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The bare-metal port's benchmark (docs/baremetal.md, "Benchmark"): boots
# the hypervisor under QEMU (TCG, PVH -kernel) with two suite guests
# (tests/guests/suite/) inside one device tree (their kernels included
# with /incbin/), once per configuration, and prints one table:
#
#   (a) a bare VMRUN/#VMEXIT round trip: a guest CPUID of an empty Xen
#       leaf, whose handler does next to nothing
#   (b) a hypercall round trip: xen_version(XENVER_version)
#   (c) an interdomain event-channel round trip A -> B -> A, on one pCPU
#       and on two (-smp 2), under credit and null
#   (d) the scheduler's wake-up latency: from A's TSC just before
#       EVTCHNOP_send to B's TSC once its wait for the event returns, null
#       against credit, B waiting by SCHEDOP_block or by HLT (under null
#       with a CPU per vCPU the HLT is not intercepted)
#
# Each figure is the guests' TSC cycles (the host's TSC; the hypervisor's
# PIT calibration gives its rate), in microseconds, and as a multiple of
# (a). Every configuration boots `reps` times; the table shows the median
# of the boots' means.
#
# QEMU runs its vCPUs in one thread (-accel tcg,thread=single) except in
# the rows marked MTTCG: with a thread per vCPU, waking the other pCPU
# waits for the host to schedule that thread, which on a small, busy host
# costs milliseconds and dwarfs what the hypervisor does.
#
# Usage: bench_baremetal.sh [--quick] XEN-IMAGE SUITE-GUEST
# Exits 77 (skip) without qemu-system-x86_64 or dtc, 1 when a boot fails.
set -u

quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--quick] XEN-IMAGE SUITE-GUEST" >&2; exit 2; }
xen=$(realpath "$1") guest=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
run_qemu=$here/../baremetal/run-qemu.sh
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 77; }
command -v dtc >/dev/null || { echo "no dtc"; exit 77; }

if [ $quick = 1 ]; then
	rounds=50 loops=500 reps=1
else
	rounds=500 loops=5000 reps=3
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# make_dtb WAIT: the two guests of one run, waiting by WAIT (block|hlt).
make_dtb() {
	args="rounds=$rounds loops=$loops bench=1 wait=$1"
	cat >"$work/bench.dts" <<DTS
/dts-v1/;
/ {
	domains {
		ping {
			compatible = "xenplat,domain";
			domid = <1>;
			memory-mib = <8>;
			kernel-image = /incbin/("$guest");
			bootargs = "mode=ping peer=2 $args";
		};
		pong {
			compatible = "xenplat,domain";
			domid = <2>;
			memory-mib = <8>;
			kernel-image = /incbin/("$guest");
			bootargs = "mode=pong peer=1 $args";
		};
	};
};
DTS
	dtc -q -I dts -O dtb -o "$work/bench-$1.dtb" "$work/bench.dts" || exit 1
}
make_dtb block
make_dtb hlt

# run NAME CPUS SCHED WAIT [TCG-THREADS]: boot reps times, append
# "NAME key value" lines.
run() {
	name=$1 cpus=$2 sched=$3 wait=$4 threads=${5:-single} i=0
	while [ $i -lt "$reps" ]; do
		if ! RUN_QEMU_TCG_OPTS=",thread=$threads" "$run_qemu" pvh "$xen" 33 60 -a "-smp $cpus" \
			-c "sched=$sched" -m "$work/bench-$wait.dtb" \
			-e "BENCH wake_cycles=" -x "FAIL " >"$work/log" 2>&1; then
			cat "$work/log"
			echo "bench_baremetal: the $name boot failed" >&2
			exit 1
		fi
		tr -d '\r' <"$work/log" | sed -n \
			-e "s/^(XEN) time: TSC \([0-9.]*\) MHz.*/$name mhz \1/p" \
			-e "s/^(d[0-9]*) BENCH \([a-z_]*\)=\([0-9]*\)/$name \1 \2/p" \
			>>"$work/results"
		i=$((i + 1))
	done
}

start=$(date +%s)
: >"$work/results"
run credit1 1 credit block
run credit2 2 credit block
run credit2h 2 credit hlt
run null2 2 null block
run null2h 2 null hlt
run credit2m 2 credit block multi
run null2m 2 null block multi
end=$(date +%s)

awk -v rounds="$rounds" -v loops="$loops" -v reps="$reps" \
	-v secs="$((end - start))" '
function median(key,   n, i, j, t, v) {
	n = split(vals[key], v, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n == 0 ? -1 : v[int((n + 1) / 2)]
}
{ vals[$1 " " $2] = vals[$1 " " $2] " " $3; all[$2] = all[$2] " " $3 }
function row(label, cyc) {
	if (cyc < 0) {
		printf "%-52s %10s %9s %8s\n", label, "-", "-", "-"
		return
	}
	printf "%-52s %10d %9.2f %8.2f\n", label, cyc, cyc / mhz, cyc / a
}
END {
	n = split(all["mhz"], m, " ")
	vals["all mhz"] = all["mhz"]; mhz = median("all mhz")
	vals["all vm"] = all["vmexit_cycles"]; a = median("all vm")
	vals["all hc"] = all["hypercall_cycles"]; b = median("all hc")
	if (mhz <= 0 || a <= 0) { print "bench_baremetal: no figures"; exit 1 }
	printf "bare-metal x86 benchmark: QEMU TCG (one thread unless MTTCG), TSC %.1f MHz\n", mhz
	printf "%d round trips and %d exits per boot, median of %d boot(s) per row, %d s in all\n", rounds, loops, reps, secs
	printf "%-52s %10s %9s %8s\n", "measure", "cycles", "us", "x (a)"
	row("(a) VMRUN/#VMEXIT round trip (CPUID, empty leaf)", a)
	row("(b) hypercall round trip (xen_version)", b)
	row("(c) evtchn round trip, 1 pCPU, credit", median("credit1 evtchn_rtt_cycles"))
	row("(c) evtchn round trip, 2 pCPUs, credit", median("credit2 evtchn_rtt_cycles"))
	row("(c) evtchn round trip, 2 pCPUs, null", median("null2 evtchn_rtt_cycles"))
	row("(c) evtchn round trip, 2 pCPUs, null, HLT native", median("null2h evtchn_rtt_cycles"))
	row("(c) evtchn round trip, 2 pCPUs, credit, MTTCG", median("credit2m evtchn_rtt_cycles"))
	row("(c) evtchn round trip, 2 pCPUs, null, MTTCG", median("null2m evtchn_rtt_cycles"))
	row("(d) wake-up latency, 1 pCPU, credit, block", median("credit1 wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, credit, block", median("credit2 wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, credit, HLT (exits)", median("credit2h wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, null, block", median("null2 wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, null, HLT native", median("null2h wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, credit, MTTCG", median("credit2m wake_cycles"))
	row("(d) wake-up latency, 2 pCPUs, null, MTTCG", median("null2m wake_cycles"))
	row("(d) least wake-up, 2 pCPUs, credit, block", median("credit2 wake_min_cycles"))
	row("(d) least wake-up, 2 pCPUs, null, HLT native", median("null2h wake_min_cycles"))
}' "$work/results" || exit 1
exit 0
