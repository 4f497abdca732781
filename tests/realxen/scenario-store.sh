# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Scenario "store" (sourced by dom0-init.sh as /etc/realxen/scenario.sh):
# the store daemon's acceptance test against real Xen. STORE=ours makes
# Dom0 start our xenstored (/usr/lib/xenplat/xenstored --xen linux) in
# place of the stock one, before xen-init-dom0; the stock Xen 4.17 tools
# must not be able to tell the difference:
#
#  1. Dom0: its kernel finds the store by itself (the daemon's first event
#     on Dom0's ring makes it probe xenbus and write its control/feature-*
#     nodes); xen-init-dom0's nodes; Dom0's kernel xenbus ring (the page of
#     /proc/xen/xsd_kva, reached through /dev/xen/xenbus); Xen's own store
#     tests (test-xenstore) over the socket and over that ring;
#  2. the stock xl creates a PVH and a PV guest (xs_introduce: our daemon
#     maps their rings); their guest-store.sh talks to the store with the
#     stock xenstore utilities through their kernel's xenbus ring; Dom0
#     reads their nodes, the guest kernels' own nodes and their console
#     logs (xenconsoled finds them through @introduceDomain), and trades a
#     ping through a guest's watch;
#  3. xl destroy (the PV guest) and xl shutdown -w (the PVH guest): the
#     daemon sees VIRQ_DOM_EXC and fires @releaseDomain (a stock
#     xenstore-watch in Dom0 sees it; xl's own waits rely on it), the
#     domains' nodes go, also a node the dead domain owned outside its home,
#     and xl list no longer shows them.
#
# One "store: ok|FAIL ..." line per check. Each check runs once more when
# it fails (short-lived Dom0 processes die of a segfault now and then while
# a guest runs): a pass on retry is a flake.

# realxen.store=stock (run.sh: REALXEN_STORE=stock) runs the same checks
# against the stock xenstored: the reference.
# shellcheck disable=SC2034 # read by dom0-init.sh
STORE=$(param store ours) # "ours" or "stock"
CONSOLE_DIR=/var/log/xen/console
ST_OK=0
ST_FAIL=0

ok() { ST_OK=$((ST_OK + 1)); echo "store: ok   $*"; }
bad() { ST_FAIL=$((ST_FAIL + 1)); echo "store: FAIL $*"; }
info() { echo "store:      $*"; }

store_alive() { kill -0 "$STORE_PID" 2>/dev/null; }

# check DESC CMD...: an ok or FAIL line. CMD runs once more if it fails,
# unless it is until_ok (a wait tolerates a failed try by itself).
check() {
	_cdesc=$1
	shift
	if ! store_alive; then
		bad "$_cdesc (not run: the store daemon is gone)"
		return 1
	fi
	if [ "$1" = until_ok ]; then
		"$@" && { ok "$_cdesc"; return 0; }
	elif retry "$_cdesc" "$@"; then
		ok "$_cdesc"
		return 0
	fi
	bad "$_cdesc"
	return 1
}

read_is() { # PATH VALUE
	_got=$(xenstore-read "$1" 2>&1) || { info "xenstore-read $1: $_got"; return 1; }
	[ "$_got" = "$2" ] || { info "$1 = '$_got', not '$2'"; return 1; }
}

ring_read_is() { # PATH VALUE, through Dom0's kernel xenbus (/dev/xen/xenbus)
	_got=$(XENSTORED_PATH=/dev/xen/xenbus xenstore-read "$1" 2>&1) ||
		{ info "xenstore-read $1 (ring): $_got"; return 1; }
	[ "$_got" = "$2" ] || { info "$1 = '$_got', not '$2' (ring)"; return 1; }
}

starts_with() { # PATH PREFIX
	_got=$(xenstore-read "$1" 2>&1) || { info "xenstore-read $1: $_got"; return 1; }
	case $_got in
	"$2"*) return 0 ;;
	esac
	info "$1 = '$_got'"
	return 1
}

gone() { ! xenstore-exists "$1" 2>/dev/null; }

# ping_pong DIR VALUE: DIR/pong holds VALUE; if not, (re)write DIR/ping.
ping_pong() {
	read_is "$1/pong" "$2" && return 0
	xenstore-write "$1/ping" "$2"
	return 1
}

now() { # seconds since boot
	read -r _up _idle </proc/uptime
	echo "${_up%.*}"
}

# until_ok SECONDS WATCH CMD...: until CMD succeeds (while our xenstored
# runs). Between attempts it waits for a change under the store path WATCH
# (a stock xenstore-watch, at most 2 s) rather than polling: fewer
# short-lived processes while the guests boot (see the flakes above).
# Shows the output of the last attempt only.
until_ok() {
	_end=$(($(now) + $1))
	_wpath=$2
	shift 2
	until "$@" >/run/until.out 2>&1; do
		if [ "$(now)" -ge "$_end" ] || ! store_alive; then
			cat /run/until.out
			return 1
		fi
		timeout 2 xenstore-watch -n 2 "$_wpath" >/dev/null 2>&1 ||
			usleep 100000
	done
	cat /run/until.out
}

test_xenstore() { # [ring]: Xen's test-xenstore, all its 12 tests
	if [ "${1:-}" = ring ]; then
		XENSTORED_PATH=/dev/xen/xenbus test-xenstore >/run/test-xenstore.out 2>&1
	else
		test-xenstore >/run/test-xenstore.out 2>&1
	fi
	_rc=$?
	_passed=$(grep -c ': [0-9]* ns$' /run/test-xenstore.out)
	if [ $_rc -eq 0 ] && [ "$_passed" -eq 12 ]; then
		return 0
	fi
	info "test-xenstore: status $_rc, $_passed of 12 tests passed:"
	sed 's/^/store:        /' /run/test-xenstore.out
	return 1
}

# xl list: NAME... shown, and NAME... after "-" not shown. The list must
# hold Domain-0 (so a crashed xl does not pass for a missing guest).
xl_list() {
	xl list >/run/xl-list.out 2>&1 || { cat /run/xl-list.out; return 1; }
	grep -q '^Domain-0 ' /run/xl-list.out || { cat /run/xl-list.out; return 1; }
	_want=yes
	for _name in "$@"; do
		if [ "$_name" = - ]; then
			_want=no
			continue
		fi
		if grep -q "^$_name " /run/xl-list.out; then
			[ $_want = yes ] || { info "xl list still shows $_name"; return 1; }
		else
			[ $_want = no ] || { info "xl list lacks $_name"; return 1; }
		fi
	done
}

release_events() { wc -l </run/release.events; }
release_after() { [ "$(release_events)" -gt "$1" ]; } # N: more events than N

write_guest_cfg() { # NAME TYPE
	cat >"/etc/realxen/$1.cfg" <<EOF
name = "$1"
type = "$2"
kernel = "/guest/vmlinux"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=3 realxen.args=$WAIT"
memory = 96
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOF
	# PVH under QEMU: RDTSCP comes as an RDTSC exit, Xen spins without this.
	[ "$2" != pvh ] || echo 'tsc_mode = "native"' >>"/etc/realxen/$1.cfg"
}

get_domid() { xl domid "$1" >"/run/$1.domid"; } # NAME

create_guest() { # NAME
	xl destroy "$1" >/dev/null 2>&1
	rm -f "$CONSOLE_DIR/guest-$1.log"
	xl create -q "/etc/realxen/$1.cfg"
}

owned_node() { # DOMID: a node outside the guest's home, owned by it
	xenstore-write "/realxen/owned-by-$1" "for domain $1" &&
		xenstore-chmod "/realxen/owned-by-$1" "n$1" &&
		[ "$(xenstore-ls -p /realxen | grep -c "owned-by-$1 .*(n$1)")" = 1 ]
}

# guest_checks NAME DOMID: the guest's own report, its nodes, the ping.
# On a failure, the guest's console log follows.
guest_checks() {
	_g=$1
	_id=$2
	_home=/local/domain/$_id
	_fails=$ST_FAIL
	check "$_g: the guest's kernel xenbus connected (it wrote $_home/control/feature-poweroff)" \
		until_ok "$WAIT" "$_home/control" \
			read_is "$_home/control/feature-poweroff" 1
	check "$_g: the guest wrote data/realxen/ready (over its ring, with the stock utilities)" \
		until_ok "$WAIT" "$_home/data" \
			read_is "$_home/data/realxen/ready" 1
	_ping="ping-$_id-$$"
	check "$_g: the guest's watch fired for the ping Dom0 wrote, and it answered" \
		until_ok "$WAIT" "$_home/data/realxen/pong" \
		ping_pong "$_home/data/realxen" "$_ping"
	check "$_g: the guest reports ok" \
		until_ok "$WAIT" "$_home/data" \
			starts_with "$_home/data/realxen/result" ok
	info "$_g: the guest's result: $(xenstore-read "$_home/data/realxen/result" 2>&1)"
	check "$_g: its data/realxen/hello as Dom0 reads it" \
		read_is "$_home/data/realxen/hello" "hello from $_g (domain $_id)"
	check "$_g: the refused write left nothing" \
		gone /local/domain/0/data/realxen-intruder
	check "$_g: xenconsoled logs the guest's console" \
		grep -q 'guest_store: result: ok' "$CONSOLE_DIR/guest-$_g.log"
	check "$_g: /realxen/owned-by-$_id, owned by the guest" owned_node "$_id"
	if [ "$ST_FAIL" != "$_fails" ]; then
		info "---- the console of $_g"
		sed 's/^/store:      | /' "$CONSOLE_DIR/guest-$_g.log"
	fi
}

# gone_checks NAME DOMID RELEASE_EVENTS_BEFORE
gone_checks() {
	check "$1: @releaseDomain fired (stock xenstore-watch in Dom0)" \
		until_ok "$WAIT" @releaseDomain release_after "$3"
	check "$1: xl list no longer shows it" until_ok "$WAIT" @releaseDomain xl_list - "$1"
	check "$1: /local/domain/$2 is gone" until_ok "$WAIT" "/local/domain/$2" gone "/local/domain/$2"
	check "$1: /realxen/owned-by-$2 (owned by the dead domain) is gone" \
		until_ok "$WAIT" "/realxen/owned-by-$2" \
		gone "/realxen/owned-by-$2"
}

dump_state() {
	say "---- xl list"
	xl list
	say "---- xenstore-ls -fp /local/domain /realxen"
	xenstore-ls -fp /local/domain 2>&1 | grep -v '/device-model'
	xenstore-ls -fp /realxen 2>&1
	for _g in rx-pvh rx-pv; do
		say "---- console of $_g"
		cat "$CONSOLE_DIR/guest-$_g.log" 2>&1
	done
	say "---- end of the state"
}

destroy_guest() { # NAME: xl destroy (it may be gone after a crashed try)
	xl destroy "$1" || ! xl domid "$1" >/dev/null 2>&1
}

# 1. Dom0, the store's first client.
dom0_checks() {
	check "the store daemon runs (xenstored: $STORE, pid $STORE_PID)" kill -0 "$STORE_PID"
	check "Dom0's kernel found the store by itself (it wrote /local/domain/0/control/feature-poweroff)" \
		until_ok 10 /local/domain/0/control \
		read_is /local/domain/0/control/feature-poweroff 1
	check "xen-init-dom0 wrote /local/domain/0/name = Domain-0" \
		read_is /local/domain/0/name Domain-0
	check "xen-init-dom0 wrote /local/domain/0/domid = 0" \
		read_is /local/domain/0/domid 0
	check "xen-init-dom0 wrote /local/pool/0/name = Pool-0" \
		read_is /local/pool/0/name Pool-0
	check "Dom0's kernel xenbus ring (xsd_kva, via /dev/xen/xenbus) reads it too" \
		ring_read_is /local/domain/0/name Domain-0
	check "test-xenstore (Xen's 12 store tests) over the socket" test_xenstore
	check "test-xenstore over Dom0's kernel xenbus ring" test_xenstore ring
}

# 2. Two guests through the stock xl, and what they did.
guests() {
	write_guest_cfg rx-pvh pvh
	write_guest_cfg rx-pv pv
	for _g in rx-pvh rx-pv; do
		if retry "xl create $_g" create_guest "$_g" &&
			retry "xl domid $_g" get_domid "$_g"; then
			ok "xl create $_g (domain $(cat "/run/$_g.domid"))"
		else
			bad "xl create $_g"
			echo >"/run/$_g.domid"
		fi
	done
	read -r pvh_id <"/run/rx-pvh.domid"
	read -r pv_id <"/run/rx-pv.domid"
	check "xl list shows both guests" xl_list rx-pvh rx-pv
	[ -z "$pvh_id" ] || guest_checks rx-pvh "$pvh_id"
	[ -z "$pv_id" ] || guest_checks rx-pv "$pv_id"
}

# 3. xl destroy the PV guest.
destroy_pv() {
	[ -n "$pv_id" ] || return 0
	_before=$(release_events)
	check "xl destroy rx-pv" destroy_guest rx-pv
	gone_checks rx-pv "$pv_id" "$_before"
	check "xl list still shows rx-pvh" xl_list rx-pvh
}

# 4. xl shutdown -w the PVH guest: control/shutdown, then xl's own wait for
# the domain's shutdown (@releaseDomain); xl create's monitor destroys it.
shutdown_pvh() {
	[ -n "$pvh_id" ] || return 0
	_before=$(release_events)
	if timeout "$WAIT" xl shutdown -w rx-pvh; then
		ok "xl shutdown -w rx-pvh"
	else
		bad "xl shutdown -w rx-pvh"
	fi
	gone_checks rx-pvh "$pvh_id" "$_before"
}

scenario() {
	WAIT=$(param timeout 60)
	t0=$(cut -d' ' -f1 /proc/uptime)
	pvh_id='' pv_id=''

	say "store scenario: Dom0 (xenstored: $STORE)"
	dom0_checks
	# A stock xenstore-watch on @releaseDomain, for the whole run.
	xenstore-watch @releaseDomain >/run/release.events 2>&1 &
	watcher=$!
	check "xenstore-watch @releaseDomain: the initial event" \
		until_ok 10 @releaseDomain release_after 0
	for _phase in guests destroy_pv shutdown_pvh; do
		store_alive || break
		say "store scenario: $_phase"
		$_phase
	done
	say "store scenario: the end"

	# The store is still there.
	if check "the store daemon still runs" kill -0 "$STORE_PID"; then
		check "and answers: /local/domain/0/name" \
			read_is /local/domain/0/name Domain-0
		info "xenstore-control check: $(xenstore-control check 2>&1 | tr '\n' ' ')"
	fi
	kill "$watcher" 2>/dev/null
	info "@releaseDomain events seen: $(release_events) (the first on registration)"

	# Dom0 processes that crashed (the emulator's flake, shared/REALXEN.md;
	# the checks above retried them).
	dmesg | grep -E 'segfault at|general protection' >/run/crashes.txt
	if [ -s /run/crashes.txt ]; then
		info "Dom0 processes that crashed (the emulator's flake?):"
		sed 's/^/store:        /' /run/crashes.txt
	fi

	_t=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$ST_FAIL" -eq 0 ]; then
		echo "store: PASSED: all $ST_OK checks (${_t} s)"
		return 0
	fi
	echo "store: FAILED: $ST_FAIL of $((ST_OK + ST_FAIL)) checks (${_t} s)"
	store_alive && dump_state
	return 1
}
