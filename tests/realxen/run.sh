#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot Debian's real Xen 4.17 with a Linux 6.1 Dom0 under QEMU (TCG) and
# run a scenario in it (README.md; shared/REALXEN.md has the facts).
#
#   run.sh --build-dir DIR --outb PROG [--guest-prog PROG] [--dom0-prog PROG]
#          [--xenstored PROG] [--p9backend PROG]
#          [--scenario grant|store|9pfs] [--guest pvh|pv]
#          [--timeout SECONDS] [--wait SECONDS]
#
# Scenario "grant" (the default) needs --guest-prog (guest_grant); its
# --dom0-prog is installed as /usr/bin/dom0_xenif, and without it the
# scenario checks the harness only. Scenario "store" needs --xenstored (our
# store daemon, which Dom0 starts instead of the stock one); its guests (a
# PVH and a PV one, whatever --guest says) run guest-store.sh with the stock
# xenstore utilities; a failed boot of it is booted once more (a flake can
# kill the daemon, which cannot be retried inside), the first log kept as
# serial-1.log. Scenario "9pfs" needs --p9backend (our 9pfs backend, in
# Dom0 as /usr/lib/xenplat/p9backend); its guest (--guest, PV unless told)
# runs guest-9pfs.sh with the 9p modules and the stock xenstore utilities,
# and a failed boot is booted once more too. The serial log (Xen, Dom0) goes to
# DIR/realxen-SCENARIO-GUEST/serial.log (DIR/realxen-store/serial.log) as it
# is written.
#
# Exit status: 0 pass, 1 fail, 77 skip (no QEMU, or the packages cannot be
# fetched: setup.sh). Environment: REALXEN_CACHE (setup.sh),
# REALXEN_GUEST (the default of --guest: pvh),
# REALXEN_STORE=stock (the store scenario against the stock xenstored),
# REALXEN_9PFS_STRESS=N (the 9pfs scenario's guest runs N rounds of four
# writers and four readers at once; one boot only),
# REALXEN_TIMEOUT (QEMU's limit, default 300 s), REALXEN_VERBOSE=1 (echo
# the serial log while it runs), REALXEN_SHELL=1 (a Dom0 shell at the end;
# interactive use only).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SKIP=77
say() { printf 'realxen: %s\n' "$*"; }
die() { say "ERROR: $*"; exit 1; }

builddir='' outb='' guest_prog='' dom0_prog='' xenstored='' p9backend=''
scenario=grant guest=''
timeout=${REALXEN_TIMEOUT:-300} wait=60
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) builddir=$2; shift 2 ;;
	--outb) outb=$2; shift 2 ;;
	--guest-prog) guest_prog=$2; shift 2 ;;
	--dom0-prog) dom0_prog=$2; shift 2 ;;
	--xenstored) xenstored=$2; shift 2 ;;
	--p9backend) p9backend=$2; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--wait) wait=$2; shift 2 ;;
	*) die "unknown argument $1" ;;
	esac
done
[ -n "$builddir" ] || die "--build-dir is required"
[ -x "$outb" ] || die "--outb: no program '$outb'"
[ -f "$here/scenario-$scenario.sh" ] || die "no scenario $scenario"
# The 9pfs scenario's guest is PV unless --guest says otherwise (faster).
if [ -z "$guest" ]; then
	guest=${REALXEN_GUEST:-pvh}
	[ "$scenario" != 9pfs ] || guest=pv
fi
case $guest in pvh|pv) ;; *) die "--guest must be pvh or pv" ;; esac
case $scenario in
store)
	[ -x "$xenstored" ] || die "--xenstored: no program '$xenstored'"
	guest_prog=$here/guest-store.sh
	guest=pvh+pv
	;;
9pfs)
	[ -x "$p9backend" ] || die "--p9backend: no program '$p9backend'"
	guest_prog=$here/guest-9pfs.sh
	;;
*)
	[ -x "$guest_prog" ] || die "--guest-prog: no program '$guest_prog'"
	;;
esac
[ -z "$dom0_prog" ] || [ -x "$dom0_prog" ] || die "--dom0-prog: no program '$dom0_prog'"

qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	say "SKIP: no qemu-system-x86_64 (Debian package qemu-system-x86)"
	exit $SKIP
fi

t_start=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# 1. The packages (cached), 2. the two initramfs images.
set +e
envfile=$("$here/setup.sh")
rc=$?
set -e
[ $rc -eq 0 ] || { [ $rc -eq $SKIP ] && exit $SKIP; die "setup.sh failed (status $rc)"; }
# shellcheck disable=SC1090
. "$envfile"
t_setup=$(elapsed "$t_start")

work=$builddir/realxen-$scenario-$guest
[ "$scenario" != store ] || work=$builddir/realxen-store
mkdir -p "$work"
log=$work/serial.log
rm -f "$log" "$work/serial-1.log" "$work/qemu.stderr"

t0=$(date +%s.%N)
guest_args=(--env "$envfile" --kind guest --compress none
	--init "$here/guest-init.sh" --out "$work/guest-initrd"
	--module xen-evtchn --module xen-gntalloc --module xen-gntdev
	--bin "$guest_prog:/usr/bin/guest_prog")
# The store and 9pfs scenarios' guests use the stock xenstore utilities
# (over /dev/xen/xenbus, the kernel's xenbus ring).
case $scenario in store|9pfs)
	guest_args+=(--bin "$REALXEN_ROOT/usr/bin/xenstore:/usr/bin/xenstore") ;;
esac
# The 9pfs scenario's guest mounts the share with the stock frontend.
[ "$scenario" != 9pfs ] ||
	guest_args+=(--module 9pnet --module 9pnet_xen --module 9p
		--file "$here/manifest-9pfs.sh:/etc/realxen/manifest-9pfs.sh")
"$here/mkinitramfs.sh" "${guest_args[@]}"
dom0_args=(--env "$envfile" --kind dom0 --init "$here/dom0-init.sh"
	--out "$work/dom0-initrd" --compress none
	--bin "$outb:/usr/bin/outb"
	--file "$here/scenario-$scenario.sh:/etc/realxen/scenario.sh"
	--file "$REALXEN_VMLINUX:/guest/vmlinux"
	--file "$work/guest-initrd:/guest/initrd")
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs \
	9pnet 9pnet_xen 9p netfs fscache; do
	dom0_args+=(--module "$m")
done
[ -z "$dom0_prog" ] || dom0_args+=(--bin "$dom0_prog:/usr/bin/dom0_xenif")
if [ "$scenario" = store ]; then
	# Our store daemon; Xen's own store test program and xenstore-control.
	dom0_args+=(--bin "$xenstored:/usr/lib/xenplat/xenstored")
	for p in test-xenstore xenstore-control; do
		dom0_args+=(--bin "$REALXEN_ROOT$REALXEN_XENBIN/$p:/usr/bin/$p")
	done
fi
[ "$scenario" != 9pfs ] ||
	dom0_args+=(--bin "$p9backend:/usr/lib/xenplat/p9backend"
		--file "$here/manifest-9pfs.sh:/etc/realxen/manifest-9pfs.sh")
"$here/mkinitramfs.sh" "${dom0_args[@]}"
t_initrd=$(elapsed "$t0")

# 3. Boot: Xen (multiboot1 ELF) with two modules, Dom0's kernel and its
# initramfs (a module's command line follows its path; commas separate).
# Nothing is compressed: decompressing under TCG costs seconds a boot.
xen_opts="console=com1 com1=115200,8n1 dom0_mem=384M,max:384M loglvl=all"
xen_opts+=" guest_loglvl=all noreboot smap=0 bootscrub=false"
# Eager FPU switching: with Xen's default (lazy, on this emulated AMD CPU)
# vector state comes back wrong after a switch under QEMU's emulation, and
# long copies in Dom0 processes leave stray bytes (tests/realxen/README.md).
xen_opts+=" spec-ctrl=eager-fpu"
dom0_opts="console=hvc0 earlyprintk=xen realxen.guest=$guest"
dom0_opts+=" realxen.timeout=$wait"
[ -z "${REALXEN_STORE:-}" ] || dom0_opts+=" realxen.store=$REALXEN_STORE"
[ -z "${REALXEN_9PFS_STRESS:-}" ] || dom0_opts+=" realxen.stress=$REALXEN_9PFS_STRESS"
[ "${REALXEN_SHELL:-0}" != 1 ] || dom0_opts+=" realxen.shell=1"
serial=(-monitor none -serial "file:$log")
[ "${REALXEN_SHELL:-0}" != 1 ] || serial=(-serial mon:stdio)
# shellcheck disable=SC2054 # commas inside QEMU options
qemu_args=(-M pc -accel tcg,tb-size=256 -cpu max -m 900 -smp 1
	-display none "${serial[@]}" -no-reboot -net none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$REALXEN_XEN" -append "$xen_opts"
	-initrd "$REALXEN_VMLINUX $dom0_opts,$work/dom0-initrd")
[ "${REALXEN_SHELL:-0}" != 1 ] || exec "$qemu" "${qemu_args[@]}"

# One boot: QEMU until it powers off (or the limit), then the verdict (the
# result byte, checked against the log's RESULT line) and the log's summary.
boot() {
	local qrc result tailpid='' t0
	say "booting Xen $REALXEN_XEN_VERSION + Linux $REALXEN_KVER ($scenario, $guest guest; limit ${timeout}s)"
	: >"$log"
	if [ "${REALXEN_VERBOSE:-0}" = 1 ]; then
		tail -n +1 -f "$log" &
		tailpid=$!
	fi
	t0=$(date +%s.%N)
	set +e
	timeout -k 10 "$timeout" "$qemu" "${qemu_args[@]}" </dev/null 2>"$work/qemu.stderr"
	qrc=$?
	set -e
	t_boot=$(elapsed "$t0")
	[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true

	result=$(sed -n 's/^.*realxen: \[[^]]*\] RESULT \([a-z]*\).*$/\1/p' "$log" | tail -n1)
	flakes=$(grep -c 'realxen: \[[^]]*\] FLAKE' "$log" || true)
	case $qrc in
	33) verdict=pass ;;
	35) verdict="fail (the scenario failed)" ;;
	37) verdict="fail (Dom0 could not bring up the Xen userland)" ;;
	124|137) verdict="fail (timed out after ${timeout}s)" ;;
	0) verdict="fail (the machine stopped without a result byte)" ;;
	*) verdict="fail (QEMU exited with status $qrc)" ;;
	esac
	if [ "$verdict" = pass ] && [ "$result" != pass ]; then
		verdict="fail (result byte pass, but the log says '${result:-nothing}')"
	fi
	grep -a -E '^(realxen: \[|dom0_xenif: |store: |p9fs: |<[0-7]>xenstored: )' "$log" |
		sed 's/\r$//' || true
}

boot
# The store and 9pfs scenarios boot once more after a failure: a daemon of
# ours that the emulator's flake (shared/REALXEN.md) killed cannot be
# retried inside.
if [ "$verdict" != pass ] && { [ "$scenario" = store ] ||
	{ [ "$scenario" = 9pfs ] && [ -z "${REALXEN_9PFS_STRESS:-}" ]; }; }; then
	mv "$log" "$work/serial-1.log"
	say "the first boot failed: $verdict (log: $work/serial-1.log); its FAIL lines and segfaults:"
	grep -a -E 'store: FAIL|p9fs: FAIL|segfault at|general protection' "$work/serial-1.log" |
		sed 's/\r$//' | head -n 20 || true
	t_boot1=$t_boot
	boot
	t_boot="$t_boot1 + $t_boot"
	if [ "$verdict" = pass ]; then
		flakes=$((flakes + 1))
		say "FLAKE the first boot failed, the second passed"
	fi
fi

say "timings: setup ${t_setup}s, initramfs ${t_initrd}s, QEMU ${t_boot}s, total $(elapsed "$t_start")s"
say "log: $log"
if [ "$flakes" -gt 0 ]; then
	say "FLAKES: $flakes step(s) failed once and passed on retry (see the log)"
fi
say "$scenario ($guest guest): $verdict"
if [ "$verdict" = pass ]; then
	# 80 MB of initramfs: kept only when there is something to look at.
	rm -f "$work/dom0-initrd" "$work/guest-initrd"
else
	say "---- last 60 lines of $log"
	tail -n 60 "$log" | sed 's/\r$//'
	if [ -s "$work/qemu.stderr" ]; then
		say "---- QEMU's stderr"
		cat "$work/qemu.stderr"
	fi
	exit 1
fi
exit 0
