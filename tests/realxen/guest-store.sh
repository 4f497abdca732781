#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-store.sh [TIMEOUT_SECONDS]: the guest half of the realxen "store"
# scenario (Dom0's half is scenario-store.sh), run by guest-init.sh as
# /usr/bin/guest_prog. The stock Xen 4.17 xenstore utilities talk to the
# store through /dev/xen/xenbus: the guest kernel's xenbus ring, which
# Dom0's store daemon (ours) mapped when xl introduced the domain.
#
#  1. reads its domid and name (relative paths: its home
#     /local/domain/<domid>);
#  2. writes data/realxen/hello = "hello from <name> (domain <domid>)" and
#     reads it back; writes and reads two nodes at once (the utilities
#     wrap those in a transaction); lists, tests for and removes nodes;
#  3. is refused a write outside its home and a read of Dom0's nodes;
#  4. writes data/realxen/ready, watches data/realxen/ping (a relative
#     watch: its events must name the relative path) and answers Dom0's
#     ping with data/realxen/pong = the same value;
#  5. writes data/realxen/result = "ok" or "fail: <what>" and stays up
#     until Dom0 destroys it or shuts it down (xl shutdown: the kernel's
#     control/shutdown watch runs poweroff_cmd, set here to "poweroff -f").
#
# Messages go to the guest console (Dom0's xenconsoled log). Short-lived
# processes may die of a segfault now and then under QEMU: each step runs
# once more when it fails, and a step that passes on retry is a flake.
export PATH=/usr/sbin:/usr/bin

WAIT=${1:-60}
FAILS=''
FLAKES=0

say() { echo "guest_store: $*"; }

# step DESC CMD...: run CMD, once more if it fails.
step() {
	_desc=$1
	shift
	if "$@"; then
		say "ok   $_desc"
		return 0
	fi
	if "$@"; then
		FLAKES=$((FLAKES + 1))
		say "ok   $_desc (FLAKE: passed on retry)"
		return 0
	fi
	say "FAIL $_desc"
	FAILS="$FAILS${FAILS:+; }$_desc"
	return 1
}

read_is() { # PATH VALUE
	_got=$(xenstore-read "$1") || return 1
	[ "$_got" = "$2" ] || { say "     $1 = '$_got', not '$2'"; return 1; }
}

reads_are() { # VALUE1 VALUE2 PATH1 PATH2: one xenstore-read, one transaction
	_got=$(xenstore-read "$3" "$4") || return 1
	_want=$(printf '%s\n%s' "$1" "$2")
	[ "$_got" = "$_want" ] || { say "     read '$_got'"; return 1; }
}

list_is() { # DIR NAME...: the directory holds exactly these (sorted)
	_dir=$1
	shift
	_got=$(xenstore-list "$_dir" | sort | tr '\n' ' ') || return 1
	_want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$_got" = "$_want" ] || { say "     $_dir holds '$_got'"; return 1; }
}

gone() { ! xenstore-exists "$1"; }
refused_write() { ! xenstore-write "$1" intruder 2>/dev/null; }
refused_read() { ! xenstore-read "$1" >/dev/null 2>&1; }

# lines FILE: how many lines FILE has (0 if none).
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# xl shutdown: the kernel runs poweroff_cmd; nobody here handles init's
# poweroff signal, so the command powers off at once.
echo "/sbin/poweroff -f" >/proc/sys/kernel/poweroff_cmd

domid=$(xenstore-read domid) || domid=$(xenstore-read domid)
name=$(xenstore-read name) || name=$(xenstore-read name)
say "domain ${domid:-?} (${name:-?}): the store through /dev/xen/xenbus"
[ -n "$domid" ] && [ -n "$name" ] || FAILS="cannot read domid and name"
hello="hello from $name (domain $domid)"

step "write data/realxen/hello" xenstore-write data/realxen/hello "$hello"
step "read it back" read_is data/realxen/hello "$hello"
step "write two nodes in one transaction" \
	xenstore-write data/realxen/a 1 data/realxen/b 2
step "read both in one transaction" reads_are 1 2 data/realxen/a data/realxen/b
step "list data/realxen" list_is data/realxen a b hello
step "xenstore-exists data/realxen/a" xenstore-exists data/realxen/a
step "remove data/realxen/b" xenstore-rm data/realxen/b
step "data/realxen/b is gone" gone data/realxen/b
step "read /local/domain/$domid/data/realxen/a by its absolute path" \
	read_is "/local/domain/$domid/data/realxen/a" 1
step "a write outside its home is refused" \
	refused_write /local/domain/0/data/realxen-intruder
step "a read of Dom0's nodes is refused" refused_read /local/domain/0/name

# The ping: "ready" for Dom0, which then writes data/realxen/ping every
# 2 s until the pong comes. A watch on it fires at once (on registration),
# then at Dom0's next write: two events, and xenstore-watch -n 2 exits.
watch_ping() {
	timeout "$WAIT" xenstore-watch -n 2 data/realxen/ping \
		>/tmp/ping.events 2>/tmp/ping.err &&
		[ "$(lines /tmp/ping.events)" -eq 2 ]
}
step "write data/realxen/ready" xenstore-write data/realxen/ready 1
if step "xenstore-watch data/realxen/ping: two events" watch_ping; then
	step "both events name the relative path" \
		[ "$(sort -u /tmp/ping.events)" = data/realxen/ping ]
	ping=$(xenstore-read data/realxen/ping) ||
		ping=$(xenstore-read data/realxen/ping)
	step "answer the ping ($ping)" xenstore-write data/realxen/pong "$ping"
fi
say "     the watch's events: $(tr '\n' ' ' </tmp/ping.events)"
[ ! -s /tmp/ping.err ] || say "     xenstore-watch said: $(cat /tmp/ping.err)"

if [ -z "$FAILS" ]; then
	result="ok (flakes: $FLAKES)"
else
	result="fail: $FAILS"
fi
say "result: $result"
step "write data/realxen/result" xenstore-write data/realxen/result "$result"

# Up until Dom0 destroys or shuts down the domain.
while :; do
	sleep 3600
done
