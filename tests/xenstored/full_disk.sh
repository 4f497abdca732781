#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xenstored on a really full file system: the database lives on a 600 KiB
# tmpfs in a private mount namespace. Writes must fail with ENOSPC while
# reads keep working, and after a SIGKILL and a restart every acknowledged
# write is there and the refused one is not. Needs root (for the mount);
# skipped (77) otherwise. Uses Debian's xenstore-utils as the client.
set -u
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
command -v unshare >/dev/null && command -v xenstore-write >/dev/null || exit 77
tmp=$(mktemp -d /tmp/xs-full-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unshare -m sh -s "$tmp" "$XENSTORED_BIN" <<'INNER'
set -u
tmp=$1; bin=$2
mkdir -p "$tmp/fs"
mount -t tmpfs -o size=600k tmpfs "$tmp/fs" || exit 77
export XENSTORED_PATH="$tmp/sock"
fail() { echo "FAIL: $*"; cat "$tmp/log"; kill -9 "$pid" 2>/dev/null; exit 1; }
start() {
	"$bin" --socket "$tmp/sock" --database "$tmp/fs/db.sqlite" \
		--log-level warn >>"$tmp/log" 2>&1 &
	pid=$!
	i=0
	until xenstore-exists / 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 500 ] || fail "daemon did not start"
		sleep 0.02
	done
}
start
big=$(head -c 3000 /dev/zero | tr '\0' x)
n=0
while xenstore-write "/fill/n$n" "$big" 2>"$tmp/err"; do
	n=$((n + 1))
	[ $n -lt 1000 ] || fail "the file system never filled up"
done
# xenstore-write does not print the error's name; the daemon logs it.
grep -q 'commit failed: ENOSPC' "$tmp/log" ||
	fail "refused write was not an ENOSPC: $(cat "$tmp/err")"
[ $n -gt 0 ] || fail "no write was acknowledged"
[ "$(xenstore-read /fill/n0)" = "$big" ] || fail "read while full"
xenstore-exists "/fill/n$n" && fail "the refused write left a node"
kill -9 "$pid"; wait "$pid" 2>/dev/null
start
k=0
while [ $k -lt $n ]; do
	[ "$(xenstore-read "/fill/n$k")" = "$big" ] ||
		fail "acknowledged /fill/n$k lost after restart"
	k=$((k + 1))
done
xenstore-exists "/fill/n$n" && fail "refused write present after restart"
kill "$pid"; wait "$pid"
echo "ok: $n acknowledged writes kept, ENOSPC after, reads served"
INNER
