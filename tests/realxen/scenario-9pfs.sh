# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Scenario "9pfs" (sourced by dom0-init.sh as /etc/realxen/scenario.sh):
# our 9pfs backend daemon, p9backend, against real Xen and the stock Linux
# 6.1 9pfs frontend (9pnet_xen) of a guest. Xen 4.17's xl has no 9pfs
# backend of its own (its p9= wants QEMU), so this script is the toolstack:
#
#  1. Dom0 fills an export, /srv/share on a tmpfs (a text file, a 1.2 MB
#     random file and its sha256, a directory; symlinks to /etc, to /srv
#     and to ".."), puts markers where only Dom0 can see them
#     (/etc/realxen-dom0-only, /srv/outside-secret) and starts
#     /usr/lib/xenplat/p9backend --xen linux;
#  2. xl create -p (paused) the guest, then writes the device's nodes as
#     libxl's 9pfs code would: the backend directory
#     /local/domain/0/backend/9pfs/D/0 first (owner Dom0, the guest may
#     read: frontend, frontend-id, online, state 1, path, security_model),
#     then the frontend directory /local/domain/D/device/9pfs/0 (owner the
#     guest, Dom0 may read: backend, backend-id, tag "share", state 1);
#     xl unpause. The guest's kernel finds the device when 9pnet_xen loads;
#  3. the handshake: p9backend advertises versions, max-rings and
#     max-ring-page-order (InitWait), the frontend writes version,
#     num-rings, ring-ref<N>, event-channel-<N> (Initialised), p9backend
#     maps and binds them: both sides Connected;
#  4. the guest (guest-9pfs.sh) mounts the tag, works on the share and
#     reports; its console lines are shown here;
#  5. Dom0 checks with its own tools what the guest left: contents
#     (sha256sum -c of the guest's hashes), the guest's manifest of the
#     share against Dom0's, renames, removals, links, modes, sizes; and
#     that nothing outside the export changed;
#  6. the close: the guest unbinds the device from 9pnet_xen (its frontend
#     goes Closed), p9backend must disconnect and go Closed; xl destroy;
#     Dom0 removes the backend directory; p9backend still runs.
#
# One "p9fs: ok|FAIL ..." line per check (Dom0's own and the guest's), and
# "p9fs: PASSED: all N checks" or "p9fs: FAILED: ..." at the end. Dom0
# steps run once more when they fail (short-lived processes die of a
# segfault now and then while a guest runs): a pass on retry is a flake.

GUEST=rx-9pfs
CONSOLE_LOG=/var/log/xen/console/guest-$GUEST.log
EXPORT=/srv/share
P9_LOG=/run/p9backend.log
P9_OK=0
P9_FAIL=0
P9_PID=''
DOMID=''

ok() { P9_OK=$((P9_OK + 1)); echo "p9fs: ok   $*"; }
bad() { P9_FAIL=$((P9_FAIL + 1)); echo "p9fs: FAIL $*"; }
info() { echo "p9fs:      $*"; }

p9_alive() { [ -n "$P9_PID" ] && kill -0 "$P9_PID" 2>/dev/null; }

# check DESC CMD...: an ok or FAIL line. CMD runs once more if it fails,
# after a second's pause (the flake comes in bursts: processes started
# right after a crashed one often crash too), unless it is until_ok (a
# wait tolerates failed tries by itself). A pass on retry is a flake
# (FLAKES and the FLAKE line are dom0-init.sh's).
check() {
	_cdesc=$1
	shift
	if [ "$1" = until_ok ]; then
		"$@" && { ok "$_cdesc"; return 0; }
	elif "$@"; then
		ok "$_cdesc"
		return 0
	else
		_rc=$?
		say "step '$_cdesc' failed (status $_rc); retrying once in 1 s"
		sleep 1
		if "$@"; then
			FLAKES=$((FLAKES + 1))
			say "FLAKE step '$_cdesc' failed once (status $_rc), passed on retry"
			ok "$_cdesc"
			return 0
		fi
	fi
	bad "$_cdesc"
	return 1
}

now() { # whole seconds since boot
	read -r _up _idle </proc/uptime
	echo "${_up%.*}"
}

# until_ok SECONDS WATCH CMD...: until CMD succeeds (status 0), or says
# that waiting is pointless (status 3: given up). Between attempts it
# waits for a change under the store path WATCH (at most 2 s) rather than
# polling: fewer short-lived processes while the guest runs. Shows the
# output of the last attempt only, with shell builtins: a crashed cat
# must not turn a success into a failure.
until_ok() {
	_end=$(($(now) + $1))
	_wpath=$2
	shift 2
	until "$@" >/run/until.out 2>&1; do
		if [ $? -eq 3 ] || [ "$(now)" -ge "$_end" ]; then
			show /run/until.out
			return 1
		fi
		timeout 2 xenstore-watch -n 2 "$_wpath" >/dev/null 2>&1 ||
			usleep 100000
	done
	show /run/until.out
	return 0
}

show() { # FILE: print it (builtins only)
	while IFS= read -r _l; do
		echo "$_l"
	done <"$1"
}

read_is() { # PATH VALUE
	_got=$(xenstore-read "$1" 2>&1) || { info "xenstore-read $1: $_got"; return 1; }
	[ "$_got" = "$2" ] || { info "$1 = '$_got', not '$2'"; return 1; }
}

# file_is FILE VALUE: Dom0 reads FILE's one line (read: a shell builtin).
file_is() {
	_line=''
	read -r _line <"$1" || [ -n "$_line" ] || { info "cannot read $1"; return 1; }
	[ "$_line" = "$2" ] || { info "$1 holds '$_line', not '$2'"; return 1; }
}

stat_is() { # FORMAT PATH VALUE
	_got=$(stat -c "$1" "$2") || return 1
	[ "$_got" = "$3" ] || { info "stat -c $1 $2: '$_got', not '$3'"; return 1; }
}

absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

# ---- 1. the export and the daemon ------------------------------------------

make_export() {
	mkdir -p /srv || return 1
	grep -q ' /srv tmpfs ' /proc/mounts ||
		mount -t tmpfs -o size=64m,mode=0755 tmpfs /srv || return 1
	mkdir -p "$EXPORT/dom0-dir" || return 1
	echo "hello from Dom0" >"$EXPORT/hello.txt"
	echo nested >"$EXPORT/dom0-dir/nested.txt"
	head -c 1234567 /dev/urandom >"$EXPORT/dom0-blob" || return 1
	(cd "$EXPORT" && sha256sum dom0-blob >dom0-blob.sha256) || return 1
	ln -s /etc "$EXPORT/etc-link" && ln -s /srv "$EXPORT/srv-link" &&
		ln -s .. "$EXPORT/up" || return 1
	echo "Dom0 only" >/etc/realxen-dom0-only
	echo "outside the export" >/srv/outside-secret
	# What must not change, for the end.
	sha256sum /etc/realxen-dom0-only /srv/outside-secret "$EXPORT/hello.txt" \
		"$EXPORT/dom0-blob" "$EXPORT/dom0-dir/nested.txt" >/run/dom0-files.sha256
}

# p9backend in the background, its log (stderr) in $P9_LOG; up when it
# has looked at the store (its "serving the 9pfs devices" line).
start_p9backend() {
	/usr/lib/xenplat/p9backend --xen linux -l debug >"$P9_LOG" 2>&1 &
	P9_PID=$!
	_i=0
	while ! grep -q 'serving the 9pfs devices' "$P9_LOG"; do
		p9_alive || { cat "$P9_LOG"; return 1; }
		_i=$((_i + 1))
		[ $_i -le 50 ] || { cat "$P9_LOG"; return 1; }
		usleep 100000
	done
}

# ---- 2. the guest and its device ---------------------------------------------

# 160 MB, not the 96 MB of the other scenarios: with p9backend's default
# max-ring-page-order 9, 9pnet_xen allocates each of its two rings as 2 MiB
# of contiguous memory (order 9), which a 96 MB guest (about 48 MB of it
# usable once its kernel and initramfs are in) failed to find once in
# about 35 boots; the device then stays Initialising, and insmod
# 9pnet_xen waits up to 300 s for it (xenbus's wait_for_devices).
write_guest_cfg() {
	GUEST_TYPE=$(param guest pv)
	cat >/etc/realxen/$GUEST.cfg <<EOF
name = "$GUEST"
type = "$GUEST_TYPE"
kernel = "/guest/vmlinux"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=5 realxen.rerun=1 realxen.args=$WAIT,$(param stress 0)"
memory = 160
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOF
	# PVH under QEMU: RDTSCP comes as an RDTSC exit, Xen spins without this.
	[ "$GUEST_TYPE" != pvh ] || echo 'tsc_mode = "native"' >>/etc/realxen/$GUEST.cfg
}

create_paused() {
	xl destroy "$GUEST" >/dev/null 2>&1
	rm -f "$CONSOLE_LOG"
	xl create -q -p "/etc/realxen/$GUEST.cfg"
}

get_domid() { xl domid "$GUEST" >/run/guest.domid; }

# The device's nodes, as libxl's 9pfs code writes them: each directory made
# and given its permissions first (its children inherit them), then its
# keys in one transaction (xenstore-write with several pairs). The backend
# first: p9backend sees the device when it is complete (frontend and
# frontend-id), and the frontend looks for its backend when its own
# directory appears.
add_device() {
	xenstore-write "$be" "" &&
		xenstore-chmod "$be" n0 "r$DOMID" &&
		xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$DOMID" \
			"$be/online" 1 "$be/state" 1 "$be/path" "$EXPORT" \
			"$be/security_model" none &&
		xenstore-write "$fe" "" &&
		xenstore-chmod "$fe" "n$DOMID" r0 &&
		xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 \
			"$fe/tag" share "$fe/state" 1
}

# PATH OWNER READER: the node's permissions are "nOWNER rREADER".
perms_are() {
	_got=$(xenstore-ls -p "${1%/*}" 2>&1 | grep "^${1##*/} ") || return 1
	case $_got in
	*"(n$2,r$3)") return 0 ;;
	esac
	info "permissions of $1: $_got"
	return 1
}

# ---- 3. the handshake -------------------------------------------------------

# Once both sides are Connected, the two directories are read once each
# (xenstore-ls -f) and the keys checked in that snapshot with shell
# builtins: few processes while the guest boots, when the flake strikes
# most.
handshake_checks() {
	check "the backend is Connected (state 4)" \
		until_ok "$WAIT" "$be/state" read_is "$be/state" 4
	check "the guest's frontend is Connected (state 4)" \
		until_ok "$WAIT" "$fe/state" read_is "$fe/state" 4
	check "read the backend's directory" snapshot "$be" /run/be.ls
	check "read the frontend's directory" snapshot "$fe" /run/fe.ls
	info "backend:  $(tr -s ' \n' ' ' </run/be.ls)"
	info "frontend: $(tr -s ' \n' ' ' </run/fe.ls)"
	check "p9backend advertises versions = 1" key_is /run/be.ls "$be/versions" 1
	check "p9backend advertises max-rings = 4" key_is /run/be.ls "$be/max-rings" 4
	check "p9backend advertises max-ring-page-order = 9" \
		key_is /run/be.ls "$be/max-ring-page-order" 9
	check "the frontend wrote version = 1" key_is /run/fe.ls "$fe/version" 1
	if check "the frontend wrote num-rings (2..4)" \
		key_in /run/fe.ls "$fe/num-rings" 2 3 4; then
		_n=$KEY
		_r=0
		while [ "$_r" -lt "$_n" ]; do
			check "ring $_r: the frontend wrote ring-ref$_r and event-channel-$_r" \
				ring_keys "$_r"
			_r=$((_r + 1))
		done
	fi
	check "no error node on either side" no_errors
	check "p9backend logged the connection" \
		grep -q "9pfs/$DOMID/0: connected" "$P9_LOG"
	info "p9backend: $(grep "9pfs/$DOMID/0: connected" "$P9_LOG")"
}

snapshot() { xenstore-ls -f "$1" >"$2.tmp" 2>&1 && mv "$2.tmp" "$2"; } # DIR FILE

# key FILE PATH: KEY = the value of PATH in a snapshot (builtins only).
key() {
	KEY=''
	while IFS= read -r _l; do
		case $_l in
		"$2 = \""*)
			KEY=${_l#"$2 = \""}
			KEY=${KEY%\"}
			return 0
			;;
		esac
	done <"$1"
	info "no $2"
	return 1
}
key_is() { # FILE PATH VALUE
	key "$1" "$2" || return 1
	[ "$KEY" = "$3" ] || { info "$2 = '$KEY', not '$3'"; return 1; }
}
key_in() { # FILE PATH VALUE...: one of the values
	key "$1" "$2" || return 1
	_k=$2
	shift 2
	for _v in "$@"; do
		[ "$KEY" != "$_v" ] || return 0
	done
	info "$_k = '$KEY'"
	return 1
}
key_number() { # FILE PATH
	key "$1" "$2" || return 1
	case $KEY in
	'' | *[!0-9]*) info "$2 = '$KEY'"; return 1 ;;
	esac
}
ring_keys() { key_number /run/fe.ls "$fe/ring-ref$1" && key_number /run/fe.ls "$fe/event-channel-$1"; }
no_errors() {
	_err=''
	! key /run/be.ls "$be/error" >/dev/null || _err="backend: $KEY"
	! key /run/fe.ls "$fe/error" >/dev/null || _err="$_err frontend: $KEY"
	[ -z "$_err" ] || { info "error nodes: $_err"; return 1; }
}

# ---- 4. the guest's work ----------------------------------------------------

# 0 when the guest's result is "ok...", 3 (stop waiting) when it is
# something else or the guest is gone, 1 while there is none.
guest_result() {
	_res=/local/domain/$DOMID/data/realxen/result
	if _got=$(xenstore-read "$_res" 2>/dev/null); then
		case $_got in
		ok*) return 0 ;;
		esac
		info "the guest's result: $_got"
		return 3
	fi
	if ! xl domid "$GUEST" >/dev/null 2>&1 && ! xl domid "$GUEST" >/dev/null 2>&1; then
		info "the guest is gone (no result)"
		return 3
	fi
	info "no $_res yet"
	return 1
}

# The guest's check lines, shown and counted with Dom0's: its ok and FAIL
# lines. xenconsoled may write the log a little after the guest wrote its
# result to the store: first the log's own result line. Only the last run
# of the guest program counts (guest-init.sh runs it once more when the
# flake killed it: realxen.rerun=1); its flakes are counted with Dom0's.
guest_report() {
	check "xenconsoled logged the guest's report" \
		until_ok 10 "/local/domain/$DOMID/data" \
		grep -q '^guest_9pfs: result: ' "$CONSOLE_LOG"
	awk '{ sub(/\r$/, "") }
		/^guest_9pfs: start/ { n = 0 }
		/^guest_9pfs: / { line[n++] = $0 }
		END { for (i = 0; i < n; i++) print line[i] }' "$CONSOLE_LOG" >/run/guest.lines
	info "---- the guest's console"
	sed 's/^guest_9pfs: /p9fs:    guest | /' /run/guest.lines
	_gok=$(grep -c '^guest_9pfs: ok ' /run/guest.lines)
	_gfail=$(grep -c '^guest_9pfs: FAIL ' /run/guest.lines)
	P9_OK=$((P9_OK + _gok))
	P9_FAIL=$((P9_FAIL + _gfail))
	info "---- the guest: $_gok checks ok, $_gfail failed (counted below)"
	grep -E 'FLAKE' "$CONSOLE_LOG" | sed 's/\r$//' >/run/guest.flakes
	while IFS= read -r _l; do
		FLAKES=$((FLAKES + 1))
		say "FLAKE in the guest: $_l"
	done </run/guest.flakes
}

# ---- 5. what Dom0 sees ------------------------------------------------------

# manifest and count_lines: the listing both sides make (the guest's
# the same, through 9pfs).
. /etc/realxen/manifest-9pfs.sh

same_manifest() {
	manifest "$EXPORT" /run/dom0-manifest /run/mf || return 1
	cmp -s /run/dom0-manifest "$EXPORT/guest-manifest.txt" && return 0
	info "the guest's manifest and Dom0's differ:"
	diff "$EXPORT/guest-manifest.txt" /run/dom0-manifest | head -n 20 |
		sed 's/^/p9fs:        /'
	return 1
}
guest_sums() { # FILE: sha256sum -c FILE in the export
	(cd "$EXPORT" && sha256sum -c "$1" >/run/sums.out 2>&1) || { cat /run/sums.out; return 1; }
}
count_many() {
	_n=$(ls "$EXPORT/many" | wc -l)
	[ "$_n" -eq 100 ] || { info "many/ holds $_n entries"; return 1; }
}
hard_linked() {
	stat_is %h "$EXPORT/notes.txt" 2 &&
		[ "$(stat -c %i "$EXPORT/notes.txt")" = "$(stat -c %i "$EXPORT/notes-hard")" ]
}
old_names_gone() {
	absent "$EXPORT/guest-hello.txt" && absent "$EXPORT/renamed-hello.txt" &&
		absent "$EXPORT/d1/d2"
}
removed_gone() {
	absent "$EXPORT/doomed" && absent "$EXPORT/emptydir" && absent "$EXPORT/tree"
}
dom0_links_unchanged() {
	link_is "$EXPORT/etc-link" /etc && link_is "$EXPORT/srv-link" /srv &&
		link_is "$EXPORT/up" ..
}
link_is() { [ "$(readlink "$1")" = "$2" ] || { info "$1 -> '$(readlink "$1")'"; return 1; }; }
notes_are() {
	[ "$(cat "$EXPORT/notes.txt")" = "$(printf 'liXY 1\nline 2')" ] ||
		{ info "notes.txt: '$(cat "$EXPORT/notes.txt")'"; return 1; }
}
trunc_is() { [ "$(cat "$EXPORT/trunc")" = abc ] && stat_is %s "$EXPORT/trunc" 3; }
dom0_files_unchanged() { sha256sum -c -s /run/dom0-files.sha256; }

dom0_checks() {
	check "Dom0: guest.sha256 (4 files of 700 kB) matches its copies" guest_sums guest.sha256
	check "Dom0: big.sha256 (1.5 MB written in 512 KiB requests) matches" guest_sums big.sha256
	check "Dom0: the guest's manifest of the share (names, types, sizes, modes, links, owners, sha256) is Dom0's" \
		same_manifest
	info "the manifest: $(wc -l </run/dom0-manifest) lines"
	check "Dom0: the small file, renamed and moved: d1/d2-renamed/moved-hello.txt" \
		file_is "$EXPORT/d1/d2-renamed/moved-hello.txt" "hello from the guest"
	check "Dom0: its old names are gone" old_names_gone
	check "Dom0: d1/d2-renamed/d3/deep.txt" file_is "$EXPORT/d1/d2-renamed/d3/deep.txt" deep
	check "Dom0: notes.txt (write, append, overwrite in the middle)" notes_are
	check "Dom0: notes.txt has mode 640" stat_is %a "$EXPORT/notes.txt" 640
	check "Dom0: notes-hard is a hard link to it (2 links, one inode)" hard_linked
	check "Dom0: the renamed-over file holds the new content" file_is "$EXPORT/victim" new
	check "Dom0: the replacing name is gone" absent "$EXPORT/replacer"
	check "Dom0: the removed file, empty directory and tree are gone" removed_gone
	check "Dom0: sym is a symlink to d1/d2-renamed/moved-hello.txt" \
		link_is "$EXPORT/sym" d1/d2-renamed/moved-hello.txt
	check "Dom0: empty is empty" stat_is %s "$EXPORT/empty" 0
	check "Dom0: trunc holds abc" trunc_is
	check "Dom0: many/ holds 100 files" count_many
	check "Dom0: the guest's files are owned by root (security_model none)" \
		stat_is %u "$EXPORT/guest-blob" 0
	check "Dom0: its own files and the markers outside the export are unchanged" \
		dom0_files_unchanged
	check "Dom0: its symlinks are unchanged" dom0_links_unchanged
	check "Dom0: nothing new next to the export (/srv holds share and outside-secret)" \
		srv_is_clean
}
srv_is_clean() {
	_got=$(ls -A /srv | tr '\n' ' ')
	[ "$_got" = "outside-secret share " ] || { info "/srv holds '$_got'"; return 1; }
}

# ---- 6. the close -------------------------------------------------------------

backend_gone() { ! xenstore-exists "/local/domain/0/backend/9pfs/$DOMID" 2>/dev/null; }
remove_backend() { xenstore-rm "/local/domain/0/backend/9pfs/$DOMID"; backend_gone; }

# The guest's part needs a guest that finished its work (a dead or hung
# one would only make each wait run out); without it, a FAIL line says so.
close_checks() {
	if xenstore-exists "/local/domain/$DOMID/data/realxen/result" 2>/dev/null; then
		guest_close_checks
	else
		bad "the close (not run: the guest did not finish its work)"
	fi
	check "xl destroy $GUEST" destroy_guest
	check "the guest's home is gone" \
		until_ok "$WAIT" "/local/domain/$DOMID" gone "/local/domain/$DOMID"
	check "the toolstack removes the backend directory" remove_backend
	check "p9backend still runs" p9_alive
}
guest_close_checks() {
	check "Dom0 asks the guest to close (data/realxen/close)" \
		xenstore-write "/local/domain/$DOMID/data/realxen/close" 1
	check "the guest unbound its device from 9pnet_xen" \
		until_ok "$WAIT" "/local/domain/$DOMID/data/realxen/closed" \
		read_is "/local/domain/$DOMID/data/realxen/closed" ok
	check "the frontend is Closed (state 6)" \
		until_ok "$WAIT" "$fe/state" read_is "$fe/state" 6
	check "p9backend followed: the backend is Closed (state 6)" \
		until_ok "$WAIT" "$be/state" read_is "$be/state" 6
	check "p9backend logged the disconnection" \
		grep -q "9pfs/$DOMID/0: disconnected" "$P9_LOG"
}
gone() { ! xenstore-exists "$1" 2>/dev/null; }
# xl destroy (a try that died after destroying leaves nothing to destroy).
destroy_guest() { xl destroy "$GUEST" || ! xl domid "$GUEST" >/dev/null 2>&1; }

# Where p9backend is (when the guest did not finish): its state and kernel
# stack (blocked in a system call, or waiting in its event loop?).
p9backend_state() {
	info "p9backend (pid $P9_PID): $(grep -E '^State' "/proc/$P9_PID/status" 2>&1 | tr -s '\t' ' ')," \
		"wchan $(cat "/proc/$P9_PID/wchan" 2>&1)"
	sed 's/^/p9fs:        stack: /' "/proc/$P9_PID/stack" 2>&1
	info "xl list: $(xl list 2>&1 | tr -s ' \n' ' ')"
}

dump_state() {
	say "---- xl list"
	xl list
	say "---- xenstore-ls -fp (the device's directories)"
	xenstore-ls -fp /local/domain/0/backend 2>&1
	[ -z "$DOMID" ] || xenstore-ls -fp "/local/domain/$DOMID" 2>&1 | grep -v '/device-model'
	say "---- the guest's console"
	cat "$CONSOLE_LOG" 2>&1
	say "---- end of the state"
}

scenario() {
	WAIT=$(param timeout 60)
	t0=$(cut -d' ' -f1 /proc/uptime)
	say "9pfs scenario: p9backend ($(/usr/lib/xenplat/p9backend --version 2>&1))"

	check "Dom0 fills the export $EXPORT (a tmpfs)" make_export
	check "p9backend --xen linux runs" start_p9backend
	write_guest_cfg
	if retry "xl create -p $GUEST" create_paused && retry "xl domid" get_domid; then
		read -r DOMID </run/guest.domid
		be=/local/domain/0/backend/9pfs/$DOMID/0
		fe=/local/domain/$DOMID/device/9pfs/0
		ok "xl create -p $GUEST ($GUEST_TYPE, domain $DOMID, paused)"
	else
		bad "xl create -p $GUEST"
	fi

	if [ -n "$DOMID" ] && p9_alive; then
		check "the device's nodes: backend, then frontend" add_device
		check "backend directory: owner Dom0, the guest may read" \
			perms_are "$be" 0 "$DOMID"
		check "frontend directory: owner the guest, Dom0 may read" \
			perms_are "$fe" "$DOMID" 0
		check "xl unpause $GUEST" xl unpause "$GUEST"
		say "9pfs scenario: the handshake"
		handshake_checks
		say "9pfs scenario: the guest's work"
		if check "the guest reports ok" \
			until_ok $((WAIT * 2)) "/local/domain/$DOMID/data" guest_result; then
			info "the guest: $(xenstore-read "/local/domain/$DOMID/data/realxen/result")"
		else
			info "the guest: $(xenstore-read "/local/domain/$DOMID/data/realxen/result" 2>&1)"
			p9backend_state
		fi
		guest_report
		say "9pfs scenario: Dom0 looks at the share"
		dom0_checks
		say "9pfs scenario: the close"
		close_checks
	fi

	info "---- p9backend's log"
	sed 's/^/p9fs:    p9backend | /' "$P9_LOG"
	# Dom0 processes that crashed (the emulator's flake, shared/REALXEN.md).
	dmesg | grep -E 'segfault at|general protection' >/run/crashes.txt
	if [ -s /run/crashes.txt ]; then
		info "Dom0 processes that crashed (the emulator's flake?):"
		sed 's/^/p9fs:        /' /run/crashes.txt
	fi

	_t=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$P9_FAIL" -eq 0 ]; then
		echo "p9fs: PASSED: all $P9_OK checks (${_t} s)"
		return 0
	fi
	echo "p9fs: FAILED: $P9_FAIL of $((P9_OK + P9_FAIL)) checks (${_t} s)"
	dump_state
	return 1
}
