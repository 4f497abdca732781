#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-9pfs.sh [TIMEOUT_SECONDS [STRESS_ROUNDS]]: the guest half of the realxen "9pfs"
# scenario (Dom0's half is scenario-9pfs.sh), run by guest-init.sh as
# /usr/bin/guest_prog. guest-init.sh has loaded 9pnet, 9pnet_xen and 9p:
# the kernel's stock Xen 9pfs frontend found device/9pfs/0 (written by
# Dom0 before the guest ran) and talks to Dom0's p9backend.
#
#  1. mounts the tag "share" on /mnt (trans=xen, 9p2000.L), retrying
#     until the frontend has set up its rings;
#  2. reads what Dom0 put in the export (a text file, a 1.2 MB file and
#     its sha256, a directory);
#  3. writes files (small, empty, 700 kB through cp and dd with fsync, two
#     at once), reads them back, appends, overwrites in the middle,
#     truncates, makes directories and 100 files, renames (a file, across
#     directories, a directory, over an existing file), removes (a file,
#     an empty directory, a tree), makes a symlink and a hard link, chmods,
#     asks statfs;
#  4. escape checks: Dom0's symlinks to /etc and /srv and ".." resolve in
#     the guest's own namespace (a marker only Dom0's /etc has is not
#     seen, the guest's own marker is);
#  5. writes guest.sha256 (what it wrote, hashed before the copy);
#     unmounts; mounts again with msize=524288 (a second 9P session on the
#     same rings, messages of half a ring), reads and writes in 512 KiB
#     requests (big.sha256); with STRESS_ROUNDS > 0, that many rounds of
#     four writers and four readers at once (more than the rings hold);
#     writes guest-manifest.txt (type, size, mode,
#     links, owner and sha256 of every entry, as the guest sees them) into
#     the export, for Dom0 to compare with its own view; unmounts;
#  6. writes data/realxen/result = "ok: N checks ..." or "fail: <what>";
#  7. waits for Dom0's data/realxen/close, unbinds the device from
#     9pnet_xen (the frontend goes Closed, the backend must follow) and
#     writes data/realxen/closed; then stays up until Dom0 destroys it.
#
# One "guest_9pfs: ok|FAIL ..." line per check on the console (Dom0's
# xenconsoled log). Short-lived processes may die of a segfault now and
# then under QEMU (shared/REALXEN.md): each step is written so that it can
# run twice, runs once more when it fails, and a pass on retry is a flake;
# the whole program can start over on what an earlier run left (when the
# flake kills it, guest-init.sh runs it once more: realxen.rerun=1).
export PATH=/usr/sbin:/usr/bin

WAIT=${1:-60}
STRESS=${2:-0}
M=/mnt
FAILS=''
OKS=0
FLAKES=0

say() { read -r _up _x </proc/uptime; echo "guest_9pfs: $* [$_up]"; }

# step DESC CMD...: run CMD, once more a second later if it fails.
# /tmp/step names the step running, for the watchdog.
step() {
	_desc=$1
	shift
	echo "$_desc" >/tmp/step
	if "$@"; then
		OKS=$((OKS + 1))
		say "ok   $_desc"
		return 0
	fi
	sleep 1 # the crashes come in bursts
	if "$@"; then
		OKS=$((OKS + 1))
		FLAKES=$((FLAKES + 1))
		say "ok   $_desc (FLAKE: passed on retry)"
		return 0
	fi
	say "FAIL $_desc"
	FAILS="$FAILS${FAILS:+; }$_desc"
	return 1
}

# is FILE VALUE: the file's one line is VALUE (read is a shell builtin).
is() {
	_line=''
	read -r _line <"$1" || [ -n "$_line" ] || { say "     cannot read $1"; return 1; }
	[ "$_line" = "$2" ] || { say "     $1 holds '$_line', not '$2'"; return 1; }
}

# stat_is FORMAT PATH VALUE: busybox stat -c FORMAT PATH prints VALUE.
stat_is() {
	_got=$(stat -c "$1" "$2") || return 1
	[ "$_got" = "$3" ] || { say "     stat -c $1 $2: '$_got', not '$3'"; return 1; }
}

# lists DIR NAME...: DIR holds exactly these names.
lists() {
	_dir=$1
	shift
	_got=$(ls -A "$_dir" | sort | tr '\n' ' ') || return 1
	_want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$_got" = "$_want" ] || { say "     $_dir holds '$_got', not '$_want'"; return 1; }
}

absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

# move A B: rename A to B (nothing to do when a first try did it).
move() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		mv "$1" "$2" || return 1
	fi
	absent "$1" && [ -e "$2" ]
}

# ---- 1. mount ---------------------------------------------------------

mount_share() {
	# An earlier run's mount (see guest-init.sh's rerun) goes first: the
	# frontend serves one 9P client per device.
	if grep -q " $M 9p " /proc/mounts; then
		umount "$M" || return 1
	fi
	_end=$(($(cut -d. -f1 /proc/uptime) + WAIT))
	_tries=1
	until mount -t 9p -o trans=xen,version=9p2000.L share "$M" 2>/tmp/mount.err; do
		if grep -q " $M 9p " /proc/mounts; then
			break # a first try that died after mounting
		fi
		if [ "$(cut -d. -f1 /proc/uptime)" -ge "$_end" ]; then
			say "     mount: $(cat /tmp/mount.err)"
			return 1
		fi
		_tries=$((_tries + 1))
		usleep 300000
	done
	say "     mounted after $_tries attempt(s)"
}

# What this program makes in the share, removed first: a run that starts
# over finds the share as Dom0 made it.
clean_share() {
	(cd "$M" && rm -rf guest-hello.txt renamed-hello.txt d1 empty guest-blob \
		guest-blob-dd par1 par2 guest.sha256 notes.txt notes-hard trunc many \
		victim replacer doomed emptydir tree sym big-blob big.sha256 \
		pbig1 pbig2 pbig3 pbig4 guest-manifest.txt) &&
		lists "$M" dom0-blob dom0-blob.sha256 dom0-dir etc-link hello.txt \
			srv-link up
}

mounted_xen() {
	grep " $M 9p " /proc/mounts | grep -q 'trans=xen' ||
		{ say "     /proc/mounts: $(grep " $M " /proc/mounts)"; return 1; }
}

# ---- 2. what Dom0 put there ----------------------------------------------

dom0_blob_ok() { (cd "$M" && sha256sum -c -s dom0-blob.sha256); }

# ---- 3. writes and the rest --------------------------------------------

# The guest's data, made in its own memory first: 700 kB (not a multiple
# of a page or of the msize) of random bytes.
make_blob() {
	if [ ! -s /tmp/guest-blob ]; then
		head -c 700001 /dev/urandom >/tmp/guest-blob.tmp &&
			mv /tmp/guest-blob.tmp /tmp/guest-blob || return 1
	fi
	stat_is %s /tmp/guest-blob 700001
}
copy_blob() { cp /tmp/guest-blob "$M/guest-blob" && cmp /tmp/guest-blob "$M/guest-blob"; }
dd_blob() {
	dd if=/tmp/guest-blob of="$M/guest-blob-dd" bs=256k conv=fsync 2>/dev/null &&
		cmp /tmp/guest-blob "$M/guest-blob-dd"
}
# Two writers at once: requests of both in flight on the rings.
parallel_blobs() {
	cp /tmp/guest-blob "$M/par1" &
	_p1=$!
	cp /tmp/guest-blob "$M/par2" &
	_p2=$!
	wait $_p1 && wait $_p2 &&
		cmp /tmp/guest-blob "$M/par1" && cmp /tmp/guest-blob "$M/par2"
}
# What Dom0 checks the copies against: the hash of the guest's own copy.
write_sums() {
	_h=$(sha256sum </tmp/guest-blob) || return 1
	_h=${_h%% *}
	printf '%s  %s\n' "$_h" guest-blob "$_h" guest-blob-dd "$_h" par1 \
		"$_h" par2 >"$M/guest.sha256" &&
		(cd "$M" && sha256sum -c -s guest.sha256)
}

write_small() {
	echo "hello from the guest" >"$M/guest-hello.txt" &&
		is "$M/guest-hello.txt" "hello from the guest"
}
write_empty() { : >"$M/empty" && stat_is %s "$M/empty" 0; }
append() {
	echo "line 1" >"$M/notes.txt" && echo "line 2" >>"$M/notes.txt" &&
		[ "$(wc -l <"$M/notes.txt")" -eq 2 ]
}
# Two bytes at offset 2, in place: "line 1" becomes "liXY 1".
overwrite_middle() {
	printf XY | dd of="$M/notes.txt" bs=1 seek=2 conv=notrunc 2>/dev/null &&
		is "$M/notes.txt" "liXY 1" && stat_is %s "$M/notes.txt" 14
}
truncate_file() {
	printf 'abcdefghijklmnopqrstuvwxyz' >"$M/trunc" &&
		truncate -s 3 "$M/trunc" && stat_is %s "$M/trunc" 3 &&
		is "$M/trunc" abc
}
make_dirs() {
	mkdir -p "$M/d1/d2/d3" && echo deep >"$M/d1/d2/d3/deep.txt" &&
		is "$M/d1/d2/d3/deep.txt" deep
}
# 100 files (": >" is a shell builtin: no process each; each is still a
# few 9P round trips), then listed: about 7 kB of directory entries.
many_files() {
	mkdir -p "$M/many" || return 1
	_i=0
	while [ $_i -lt 100 ]; do
		: >"$M/many/a-rather-long-file-name-to-fill-the-replies-$_i" || return 1
		_i=$((_i + 1))
	done
	[ "$(ls "$M/many" | wc -l)" -eq 100 ]
}
rename_over() {
	[ -e "$M/victim" ] && [ ! -e "$M/replacer" ] && is "$M/victim" new &&
		return 0 # a first try did it
	echo old >"$M/victim" && echo new >"$M/replacer" &&
		mv "$M/replacer" "$M/victim" && is "$M/victim" new &&
		absent "$M/replacer"
}
make_doomed() {
	echo doomed >"$M/doomed" && mkdir -p "$M/emptydir" "$M/tree/sub" &&
		echo leaf >"$M/tree/sub/leaf" && echo top >"$M/tree/top"
}
remove_file() { rm -f "$M/doomed" && absent "$M/doomed"; }
remove_dir() {
	if [ -d "$M/emptydir" ]; then
		rmdir "$M/emptydir" || return 1
	fi
	absent "$M/emptydir"
}
remove_tree() { rm -rf "$M/tree" && absent "$M/tree"; }
symlink() {
	ln -sfn d1/d2-renamed/moved-hello.txt "$M/sym" &&
		[ "$(readlink "$M/sym")" = d1/d2-renamed/moved-hello.txt ] &&
		is "$M/sym" "hello from the guest"
}
hardlink() {
	ln -f "$M/notes.txt" "$M/notes-hard" && stat_is %h "$M/notes.txt" 2 &&
		[ "$(stat -c %i "$M/notes.txt")" = "$(stat -c %i "$M/notes-hard")" ]
}
chmod_file() { chmod 640 "$M/notes.txt" && stat_is %a "$M/notes.txt" 640; }
statfs() {
	_b=$(stat -f -c %b "$M") || return 1
	[ "$_b" -gt 0 ] || { say "     statfs: $_b blocks"; return 1; }
}

# ---- the second session --------------------------------------------------

mount_big() {
	grep -q " $M 9p " /proc/mounts ||
		mount -t 9p -o trans=xen,version=9p2000.L,msize=524288 share "$M" ||
		{ say "     $(dmesg | tail -n 3 | tr '\n' ' ')"; return 1; }
}
# The hash Dom0 wrote in dom0-blob.sha256 (read: a shell builtin).
big_read() {
	read -r _want _name <"$M/dom0-blob.sha256" || return 1
	_got=$(dd if="$M/dom0-blob" bs=512k 2>/dev/null | sha256sum) || return 1
	[ "${_got%% *}" = "$_want" ] || { say "     read ${_got%% *}, not $_want"; return 1; }
}
big_write() {
	if [ ! -s /tmp/big-blob ]; then
		head -c 1572865 /dev/urandom >/tmp/big-blob.tmp &&
			mv /tmp/big-blob.tmp /tmp/big-blob || return 1
	fi
	dd if=/tmp/big-blob of="$M/big-blob" bs=512k conv=fsync 2>/dev/null || return 1
	_a=$(dd if="$M/big-blob" bs=512k 2>/dev/null | sha256sum) || return 1
	_b=$(sha256sum </tmp/big-blob) || return 1
	[ "$_a" = "$_b" ] || { say "     read back ${_a%% *}, not ${_b%% *}"; return 1; }
}
# The stress (STRESS_ROUNDS > 0; off by default, see README.md): four
# writers, then four readers, at once, in 512 KiB requests: more than the
# rings hold (two rings, 1 MiB each way), so the frontend waits for room
# in "out" and p9backend for room in "in" (a reply kept back until the
# frontend has consumed the one before).
parallel_big() {
	_pids=''
	for _i in 1 2 3 4; do
		dd if=/tmp/big-blob of="$M/pbig$_i" bs=512k 2>/dev/null &
		_pids="$_pids $!"
	done
	_bad=0
	for _p in $_pids; do
		wait "$_p" || _bad=1
	done
	[ $_bad = 0 ] || { say "     a writer failed"; return 1; }
	_pids=''
	for _i in 1 2 3 4; do
		(dd if="$M/pbig$_i" bs=512k 2>/dev/null | sha256sum >"/tmp/pbig$_i.sum") &
		_pids="$_pids $!"
	done
	for _p in $_pids; do
		wait "$_p" || _bad=1
	done
	[ $_bad = 0 ] || { say "     a reader failed"; return 1; }
	_b=$(sha256sum </tmp/big-blob) || return 1
	for _i in 1 2 3 4; do
		read -r _a _x <"/tmp/pbig$_i.sum" || return 1
		[ "$_a" = "${_b%% *}" ] || { say "     pbig$_i read back as $_a"; return 1; }
	done
	rm -f "$M/pbig1" "$M/pbig2" "$M/pbig3" "$M/pbig4"
}
big_sums() {
	_h=$(sha256sum </tmp/big-blob) || return 1
	printf '%s  big-blob\n' "${_h%% *}" >"$M/big.sha256"
}

# ---- 4. escapes ------------------------------------------------------------

# Dom0 made etc-link -> /etc, srv-link -> /srv (the export's parent, with
# outside-secret in it) and up -> .. in the export; Dom0's /etc has
# realxen-dom0-only. The client resolves links itself: in the guest.
link_is() { [ "$(readlink "$M/$1")" = "$2" ]; }

# ---- 5. the guest's view, for Dom0 ----------------------------------------

# manifest and count_lines: the listing both sides make.
. /etc/realxen/manifest-9pfs.sh

write_manifest() {
	manifest "$M" /tmp/manifest /tmp/mf && [ -s /tmp/manifest ] &&
		cp /tmp/manifest "$M/guest-manifest.txt" &&
		cmp /tmp/manifest "$M/guest-manifest.txt"
}

unmount() {
	if grep -q " $M 9p " /proc/mounts; then
		umount "$M" || return 1
	fi
	! grep -q " $M 9p " /proc/mounts
}

# ---- 7. the close -------------------------------------------------------------

# wait_node PATH: until the store node exists ($WAIT s). Between looks it
# waits for a change of the node (a watch, at most 5 s) rather than
# polling; a watch that died of the flake only shortens a wait.
wait_node() {
	_end=$(($(cut -d. -f1 /proc/uptime) + WAIT))
	until xenstore-exists "$1" 2>/dev/null; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$_end" ] || return 1
		timeout 5 xenstore-watch -n 2 "$1" >/dev/null 2>&1 || usleep 200000
	done
}
# The frontend's close: unbinding the device from its driver (xenbus holds
# a reference on 9pnet_xen while a device is bound, so rmmod cannot) runs
# its remove, and xenbus then writes Closed.
unbind_frontend() {
	if [ -e /sys/bus/xen/devices/9pfs-0/driver ]; then
		echo 9pfs-0 >/sys/bus/xen/drivers/9pfs/unbind || return 1
	fi
	[ ! -e /sys/bus/xen/devices/9pfs-0/driver ]
}

# The watchdog: when one step runs for 20 s (they take a second or two),
# the stacks of the blocked tasks (sysrq w) go to the console, once: the
# evidence when a 9P request never gets its reply.
watchdog() {
	_last='' _same=0
	while sleep 5; do
		read -r _now </tmp/step || continue
		if [ "$_now" != "$_last" ] || [ "$_now" = idle ]; then
			_last=$_now _same=0
			continue
		fi
		_same=$((_same + 5))
		if [ "$_same" -eq 20 ]; then
			say "STUCK: '$_now' has run for 20 s; the blocked tasks (sysrq w):"
			echo w >/proc/sysrq-trigger
		fi
	done
}

mkdir -p "$M"
echo "the guest's own /etc" >/etc/realxen-guest-only
echo start >/tmp/step
watchdog &
say "start: the guest's Xen devices: $(ls /sys/bus/xen/devices | tr '\n' ' ')"

if step "mount -t 9p -o trans=xen,version=9p2000.L share $M" mount_share; then
	step "/proc/mounts: 9p on $M with trans=xen" mounted_xen
	step "the share holds what Dom0 put there, and only that" clean_share
	step "read Dom0's hello.txt" is "$M/hello.txt" "hello from Dom0"
	step "Dom0's 1.2 MB dom0-blob matches its sha256" dom0_blob_ok
	step "list Dom0's dom0-dir" lists "$M/dom0-dir" nested.txt
	step "read dom0-dir/nested.txt" is "$M/dom0-dir/nested.txt" nested

	step "write a small file and read it back" write_small
	step "create an empty file" write_empty
	if step "700 kB of random bytes in guest memory" make_blob; then
		step "cp it to the share; cmp reads it back" copy_blob
		step "dd it (256 KiB writes, fsync); cmp" dd_blob
		step "two cp at once to the share; cmp both" parallel_blobs
		step "write guest.sha256 (the hashes Dom0 checks)" write_sums
	fi
	step "write, append" append
	step "overwrite two bytes in the middle" overwrite_middle
	step "truncate to 3 bytes" truncate_file
	step "mkdir -p d1/d2/d3, a file in it" make_dirs
	step "100 files in a directory, ls lists 100" many_files

	step "rename a file" move "$M/guest-hello.txt" "$M/renamed-hello.txt"
	step "move it to another directory" move "$M/renamed-hello.txt" "$M/d1/d2/moved-hello.txt"
	step "rename a directory" move "$M/d1/d2" "$M/d1/d2-renamed"
	step "the moved file through the renamed directory" \
		is "$M/d1/d2-renamed/moved-hello.txt" "hello from the guest"
	step "a file deeper in the renamed directory" is "$M/d1/d2-renamed/d3/deep.txt" deep
	step "rename over an existing file" rename_over
	step "make a file, an empty directory and a tree to remove" make_doomed
	step "remove a file" remove_file
	step "remove an empty directory" remove_dir
	step "remove a tree (rm -r)" remove_tree
	step "symlink (relative), readlink, read through it" symlink
	step "hard link: 2 links, one inode" hardlink
	step "chmod 640" chmod_file
	step "statfs" statfs
	step "list the top of the share" lists "$M" d1 dom0-blob dom0-blob.sha256 \
		dom0-dir empty etc-link guest-blob guest-blob-dd guest.sha256 \
		hello.txt many notes-hard notes.txt par1 par2 srv-link sym trunc \
		up victim

	step "escape: etc-link reads as /etc" link_is etc-link /etc
	step "escape: etc-link leads to the guest's /etc (its marker is there)" \
		test -e "$M/etc-link/realxen-guest-only"
	step "escape: not to Dom0's /etc (Dom0's marker is not seen)" \
		absent "$M/etc-link/realxen-dom0-only"
	step "escape: srv-link does not reach Dom0's /srv/outside-secret" \
		absent "$M/srv-link/outside-secret"
	step "escape: up (-> ..) does not reach it either" absent "$M/up/outside-secret"
	step "escape: $M/.. is the guest's root" test -e "$M/../etc/realxen-guest-only"

	step "umount $M" unmount

	# A second session on the same rings, with the largest messages the
	# frontend allows (its rings hold 1 MiB each way).
	if step "mount again with msize=524288 (a new 9P session, same rings)" mount_big; then
		say "     /proc/mounts: $(grep " $M 9p " /proc/mounts)"
		step "read dom0-blob in 512 KiB reads: its sha256" big_read
		step "write 1.5 MB in 512 KiB writes (fsync); cmp in 512 KiB reads" big_write
		_round=1
		while [ "$_round" -le "$STRESS" ]; do
			step "stress $_round/$STRESS: four dd writers, then four readers, at once (512 KiB requests)" \
				parallel_big
			_round=$((_round + 1))
		done
		step "write big.sha256" big_sums
		step "write guest-manifest.txt (the guest's view of the share)" write_manifest
		step "umount $M" unmount
	fi
fi
if [ -n "$FAILS" ]; then
	say "---- the guest's dmesg (tail)"
	dmesg | tail -n 30 | sed 's/^/guest_9pfs: | /'
fi

echo idle >/tmp/step # waiting for Dom0 from here on
if [ -z "$FAILS" ]; then
	result="ok: $OKS checks (flakes: $FLAKES)"
else
	result="fail: $FAILS"
fi
say "result: $result"
xenstore-write data/realxen/result "$result" ||
	xenstore-write data/realxen/result "$result"

# The close, once Dom0 has looked at the share.
if wait_node data/realxen/close; then
	if step "unbind 9pfs-0 from 9pnet_xen (the frontend closes)" unbind_frontend; then
		closed=ok
	else
		closed=fail
	fi
else
	say "FAIL no data/realxen/close from Dom0 after ${WAIT}s"
	closed="fail (no close from Dom0)"
fi
xenstore-write data/realxen/closed "$closed" ||
	xenstore-write data/realxen/closed "$closed"
echo idle >/tmp/step

# Up until Dom0 destroys the domain.
while :; do
	sleep 3600
done
