#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Integration test of xl on the hosted port: the real xen-hosted and
# xenstored (with the hosted hypervisor interface) in a private directory,
# the demo guest run by `xl create`, checked with `xl list` and Debian's
# xenstore-utils (xenstore-ls, xenstore-read), shut down with
# `xl shutdown`, and a second domain removed with `xl destroy`.
#
# Needs XL_BIN, XL_DEMO_GUEST, XEN_HOSTED_BIN and XENSTORED_BIN. Exits 77
# (skipped) only when xenstored answers INTRODUCE with ENOSYS, i.e. it was
# built without guest-ring support. Everything started here (daemons,
# guests, xl's monitors) is stopped and the directory removed on every exit
# path (trap EXIT; INT and TERM exit through it).

set -u

: "${XL_BIN:?XL_BIN must name the xl binary}"
: "${XL_DEMO_GUEST:?XL_DEMO_GUEST must name xen-demo-guest}"
: "${XEN_HOSTED_BIN:?XEN_HOSTED_BIN must name xen-hosted}"
: "${XENSTORED_BIN:?XENSTORED_BIN must name xenstored}"

for tool in xenstore-ls xenstore-read; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool (Debian's xenstore-utils) is not installed"
		exit 77
	fi
done

# Unix socket paths are short: keep the directory under /tmp.
tmp=$(mktemp -d /tmp/xl-it.XXXXXX) || exit 1
xh_pid=""
xs_pid=""

# Processes that carry our directory in their environment: guests and xl
# monitors (they inherit XEN_HOSTED_SOCKET).
our_processes() {
	for env in /proc/[0-9]*/environ; do
		if grep -qsF "XEN_HOSTED_SOCKET=$tmp/" "$env" 2>/dev/null; then
			pid=${env#/proc/}
			echo "${pid%/environ}"
		fi
	done
}

cleanup() {
	for pid in $xs_pid $xh_pid; do
		kill "$pid" 2>/dev/null
	done
	for pid in $xs_pid $xh_pid; do
		wait "$pid" 2>/dev/null
	done
	# Guests end when xen-hosted goes (ECONNRESET), monitors after them;
	# whatever is left after a second is killed.
	tries=0
	while [ -n "$(our_processes)" ] && [ "$tries" -lt 10 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	for pid in $(our_processes); do
		kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

show_logs() {
	for f in "$tmp"/xh.log "$tmp"/xs.log "$tmp"/log/*.log "$tmp"/*.err; do
		if [ -f "$f" ]; then
			echo "---- $f ----" >&2
			cat "$f" >&2
		fi
	done
}

fail() {
	echo "FAIL: $*" >&2
	show_logs
	exit 1
}

ok() {
	echo "ok: $*"
}

# wait_for SECONDS COMMAND...: until the command succeeds.
wait_for() {
	limit=$(($1 * 10))
	shift
	n=0
	while ! "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		if [ "$n" -ge "$limit" ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

export XEN_HOSTED_SOCKET="$tmp/xh.sock"
export XENSTORED_PATH="$tmp/xs.sock"
export XL_LOG_DIR="$tmp/log"

# ---- the daemons ----------------------------------------------------------

"$XEN_HOSTED_BIN" --socket "$XEN_HOSTED_SOCKET" >"$tmp/xh.log" 2>&1 &
xh_pid=$!
wait_for 10 test -S "$XEN_HOSTED_SOCKET" -a -f "$XEN_HOSTED_SOCKET.dom0" ||
	fail "xen-hosted did not start"

# --xen appears with xenstored's guest-ring support; "auto" (the default)
# picks the hosted port from XEN_HOSTED_SOCKET.
xen_opt=""
if "$XENSTORED_BIN" --help 2>&1 | grep -q -- '--xen'; then
	xen_opt="--xen hosted"
fi
# shellcheck disable=SC2086 # xen_opt is two words or none
"$XENSTORED_BIN" --socket "$XENSTORED_PATH" --database "$tmp/xs.db" \
	$xen_opt >"$tmp/xs.log" 2>&1 &
xs_pid=$!
wait_for 10 xenstore-ls / || fail "xenstored did not start"

# ---- xl create ------------------------------------------------------------

cat >"$tmp/demo.cfg" <<EOF
# The demo guest of tools/xl.
name = "it-demo"
type = "pvh"
memory = 2
kernel = "$XL_DEMO_GUEST"
extra = "from the integration test"
EOF

if ! "$XL_BIN" create "$tmp/demo.cfg" >"$tmp/create.out" 2>"$tmp/create.err"; then
	if grep -q 'refused INTRODUCE of domain [0-9]*: ENOSYS' "$tmp/create.err"; then
		cat "$tmp/create.err"
		echo "SKIP: xenstored answers INTRODUCE with ENOSYS (no guest-ring support)"
		exit 77
	fi
	fail "xl create failed"
fi
grep -q "^Parsing config from $tmp/demo.cfg\$" "$tmp/create.err" ||
	fail "xl create did not report the config it parsed"
ok "xl create"

id=$("$XL_BIN" domid it-demo) || fail "xl domid it-demo"
[ "$("$XL_BIN" domname "$id")" = it-demo ] || fail "xl domname $id"
ok "xl domid/domname: it-demo is domain $id"

# The guest writes over its store ring once it runs, then watches
# control/shutdown and says so in its log.
guest_log="$tmp/log/guest-it-demo.log"
wait_for 10 grep -q "d$id: wrote .*; waiting for control/shutdown" "$guest_log" ||
	fail "the guest did not get ready"
hello="/local/domain/$id/data/demo/hello"
[ "$(xenstore-read "$hello")" = "hello from d$id" ] ||
	fail "the guest did not write $hello"
ok "the guest wrote $hello over its ring"

# ---- xl list --------------------------------------------------------------

"$XL_BIN" list >"$tmp/list.out" 2>"$tmp/list.err" || fail "xl list"
head -n 1 "$tmp/list.out" | grep -q '^Name  *ID   Mem VCPUs	State	Time(s)$' ||
	fail "xl list header: $(head -n 1 "$tmp/list.out")"
sed -n 2p "$tmp/list.out" | grep -q '^Domain-0  *0 ' ||
	fail "Domain-0 is not listed first"
grep -Eq "^it-demo +$id +2 +1 +[r-][b-]-[-]{3} +0\.0\$" "$tmp/list.out" ||
	fail "xl list does not show it-demo: $(cat "$tmp/list.out")"
"$XL_BIN" list it-demo | grep -q "^it-demo " || fail "xl list it-demo"
"$XL_BIN" list -l it-demo >"$tmp/list.json" || fail "xl list -l"
grep -q '"name": "it-demo"' "$tmp/list.json" &&
	grep -q "\"domid\": $id" "$tmp/list.json" &&
	grep -q '"type": "pvh"' "$tmp/list.json" ||
	fail "xl list -l: $(cat "$tmp/list.json")"
if "$XL_BIN" list no-such-domain 2>"$tmp/nosuch.err"; then
	fail "xl list of an unknown domain succeeded"
fi
grep -q "no-such-domain is an invalid domain identifier" "$tmp/nosuch.err" ||
	fail "xl list: wrong message for an unknown domain"
ok "xl list"

# ---- the store nodes ------------------------------------------------------

xenstore-ls -p "/local/domain/$id" >"$tmp/ls.out" 2>&1 || fail "xenstore-ls"
for node in 'name = "it-demo"' "domid = \"$id\"" 'target = "2048"' \
	'static-max = "2048"' 'availability = "online"' 'shutdown = ""' \
	'ring-ref = ' 'port = ' 'limit = "1048576"' \
	"hello = \"hello from d$id\"" 'started = '; do
	grep -qF "$node" "$tmp/ls.out" || fail "no $node under /local/domain/$id"
done
check_perms() {
	line=$(xenstore-ls -p "$(dirname "$1")" | grep "^$(basename "$1") = ")
	case "$line" in
	*"($2)") ;;
	*) fail "permissions of $1: $line (expected $2)" ;;
	esac
}
check_perms "/local/domain/$id" "n0,r$id"
check_perms "/local/domain/$id/data" "n$id"
check_perms "/local/domain/$id/control/shutdown" "n$id"
check_perms "/local/domain/$id/name" "n0,r$id"
vm=$(xenstore-read "/local/domain/$id/vm") || fail "no vm node"
uuid=${vm#/vm/}
[ "$(xenstore-read "$vm/name")" = it-demo ] || fail "$vm/name"
[ "$(xenstore-read "$vm/uuid")" = "$uuid" ] || fail "$vm/uuid"
[ "$(xenstore-read "/libxl/$id/type")" = pvh ] || fail "/libxl/$id/type"
store_pfn=$(xenstore-read "/local/domain/$id/store/ring-ref")
[ "$store_pfn" = 511 ] || fail "store ring-ref $store_pfn (2 MiB: 511)"
guest_pid=$(xenstore-read "/libxl/$id/hosted/guest-pid") || fail "no guest pid"
kill -0 "$guest_pid" 2>/dev/null || fail "the guest process $guest_pid is not running"
ok "the domain's store nodes and permissions"

# A second domain of the same name is refused.
if "$XL_BIN" create "$tmp/demo.cfg" 2>"$tmp/dup.err"; then
	fail "a second it-demo was created"
fi
grep -q 'Domain with name "it-demo" already exists.' "$tmp/dup.err" ||
	fail "wrong message for a duplicate name"
ok "names are unique"

# ---- xl shutdown ----------------------------------------------------------

gone() {
	! "$XL_BIN" list "$1" >/dev/null 2>&1
}
not_running() { # $1 pid: gone, or a zombie
	! kill -0 "$1" 2>/dev/null ||
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

"$XL_BIN" shutdown -w it-demo >"$tmp/shutdown.out" 2>"$tmp/shutdown.err" ||
	fail "xl shutdown"
grep -q "Shutting down domain $id" "$tmp/shutdown.err" ||
	fail "xl shutdown did not report"
wait_for 10 gone it-demo || fail "it-demo still listed after shutdown"
wait_for 10 not_running "$guest_pid" || fail "the guest process did not end"
grep -q "d$id: shutting down (poweroff)" "$guest_log" ||
	fail "the guest did not see control/shutdown"
wait_for 10 sh -c "! xenstore-read /local/domain/$id/name" ||
	fail "/local/domain/$id is left after shutdown"
wait_for 10 sh -c "! xenstore-read $vm/name" ||
	fail "$vm is left after shutdown"
ok "xl shutdown: the guest powered off and its nodes are gone"

# ---- a paused domain, then xl destroy ---------------------------------------

"$XL_BIN" create -p "$tmp/demo.cfg" 'name="it-destroy"' memory=4 \
	2>"$tmp/create2.err" || fail "xl create -p"
id2=$("$XL_BIN" domid it-destroy) || fail "xl domid it-destroy"
"$XL_BIN" list it-destroy | grep -Eq "^it-destroy +$id2 +4 +1 +--p--- " ||
	fail "it-destroy is not paused: $("$XL_BIN" list)"
"$XL_BIN" unpause it-destroy || fail "xl unpause"
wait_for 10 grep -q "d$id2: wrote .*; waiting for control/shutdown" \
	"$tmp/log/guest-it-destroy.log" || fail "the second guest did not start"
[ "$(xenstore-read "/local/domain/$id2/data/demo/hello")" = "hello from d$id2" ] ||
	fail "the second guest did not write its hello"
vm2=$(xenstore-read "/local/domain/$id2/vm")
pid2=$(xenstore-read "/libxl/$id2/hosted/guest-pid")
"$XL_BIN" destroy it-destroy || fail "xl destroy"
gone it-destroy || fail "it-destroy still listed after xl destroy"
for path in "/local/domain/$id2" "$vm2" "/libxl/$id2"; do
	if xenstore-read "$path" >/dev/null 2>&1 ||
		xenstore-ls "$path" >/dev/null 2>&1; then
		fail "$path is left after xl destroy"
	fi
done
wait_for 5 not_running "$pid2" || fail "the second guest process did not end"
if "$XL_BIN" destroy it-destroy 2>/dev/null; then
	fail "destroying a destroyed domain succeeded"
fi
if "$XL_BIN" destroy 0 2>/dev/null; then
	fail "xl destroy 0 succeeded"
fi
ok "xl destroy: domain, nodes and guest process are gone"

[ "$("$XL_BIN" list | wc -l)" -eq 2 ] || fail "domains left: $("$XL_BIN" list)"
kill -0 "$xh_pid" 2>/dev/null || fail "xen-hosted died"
kill -0 "$xs_pid" 2>/dev/null || fail "xenstored died"
ok "both daemons are still running"
exit 0
