#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Interop: the same command sequence run by Debian's xenstore-utils 4.17
# (/usr/bin/xenstore-*) against one daemon and by our CLI against a second
# daemon started the same way. Each command's stdout, stderr and exit
# status must match, and so must the two stores at the end (listed with
# the Debian tool). Exit 77 (skipped) when the Debian tools are missing.

. "$(dirname "$0")/lib.sh"

debian=${XENSTORE_DEBIAN_BIN:-/usr/bin}
if [ ! -x "$debian/xenstore-read" ]; then
	echo "Debian xenstore-utils not installed; skipping" >&2
	exit 77
fi

start_daemon theirs
start_daemon ours

failures=0
count=0

# run VERB ARGS...: xenstore-VERB ARGS under both implementations;
# runm VERB ARGS...: the multi-call form `xenstore VERB ARGS`.
runm() {
	multi=1
	run "$@"
	multi=
}
multi=

# run ARGS...: the command under both implementations; compare.
run() {
	verb=$1
	shift
	count=$((count + 1))
	if [ -n "$multi" ]; then
		set -- "$verb" "$@"
		verb=
	else
		verb=-$verb
	fi
	XENSTORED_PATH="$tmp/theirs.sock" "$debian/xenstore$verb" "$@" \
		>"$tmp/t.out" 2>"$tmp/t.err" </dev/null
	echo "rc=$?" >>"$tmp/t.out"
	XENSTORED_PATH="$tmp/ours.sock" "$tmp/bin/xenstore$verb" "$@" \
		>"$tmp/o.out" 2>"$tmp/o.err" </dev/null
	echo "rc=$?" >>"$tmp/o.out"
	# Usage lines name argv[0]: compare them without the directory.
	sed -i "s|$debian/||g" "$tmp/t.err"
	sed -i "s|$tmp/bin/||g" "$tmp/o.err"
	if ! cmp -s "$tmp/t.out" "$tmp/o.out" ||
		! cmp -s "$tmp/t.err" "$tmp/o.err"; then
		failures=$((failures + 1))
		echo "DIFFERS: xenstore$verb $*"
		diff -u "$tmp/t.out" "$tmp/o.out" | sed 's/^/  /'
		diff -u "$tmp/t.err" "$tmp/o.err" | sed 's/^/  /'
	fi
}

# Writes and escapes.
run write /a/b hello /a/c 'x\ty\\z\001\377' /a/d/e/f deep
run write -R /raw 'a\tb\x41'
run write /esc 'a\x41b\101\18b\q\xg\777\400'
run write /trail 'a\'
run write /long "$(printf 'v%.0s' $(seq 100))"
run write /edge71 "$(printf 'q%.0s' $(seq 71))" /edge72 "$(printf 'q%.0s' $(seq 72))"
run write /a/b
run write
run write /bad//path x
run write /a/g one /bad//path two
# Reads.
run read /a/b /a/c /esc /trail /raw
run read -R /a/c
run read -p /a/b /a/c
run read -p -R /a/b
run read /a/b -p
run read /nope
run read /a/b /nope /a/c
run read ''
run read
run read -h
run read -x /a/b
run read /
# Listings.
run ls
run ls /
run ls /a
run ls -f /a
run ls -p /a
run ls -fp /
run ls /a/b
run ls /a/d /p /a
run ls -f /a/d /nope /a
run ls /nope
run ls -h
run list /
run list -p / /a
run list /a/b
run list /nope
run list /a/
run list
# Existence.
run exists /a
run exists /a /a/b
run exists /nope
run exists /a /nope
run exists -p /a
run exists
# Permissions.
run chmod /a/b b1
run chmod /a/c r1 w2 n3 b4
run chmod /a/b x1
run chmod /a/b r
run chmod /a/b r1x
run chmod /nope r1
run chmod -r /a n5 r1
run chmod -u /a/d/e w7
run chmod /a/b r-1
run chmod /a
run chmod
run ls -fp /
# Removal.
run rm /a/d/e/f
run rm /a/zz
run rm /nope/x
run rm /
run write /r/s/t/u v
run rm -t /r/s/t/u
run write /p/q val /p/q/r x
run rm -t /p/q/r
run rm /a/c /a/b
run rm
run ls -fp /
# Watches: -n bounds the events (the first is fired on registration).
run watch -n 1 /a
run watch -n 0 /a
run watch
# The multi-call form.
runm read /a/g /p/q
runm read -h
runm read -x /p/q
runm ls -f /
runm list -p /p
runm exists /p/q
runm write /m 1
runm rm /m
runm chmod /p/q r0

# The final stores, as the Debian tool sees them.
XENSTORED_PATH="$tmp/theirs.sock" "$debian/xenstore-ls" -fp / >"$tmp/t.ls"
XENSTORED_PATH="$tmp/ours.sock" "$debian/xenstore-ls" -fp / >"$tmp/o.ls"
if ! cmp -s "$tmp/t.ls" "$tmp/o.ls"; then
	failures=$((failures + 1))
	echo "DIFFERS: final store contents"
	diff -u "$tmp/t.ls" "$tmp/o.ls" | sed 's/^/  /'
fi

echo "$count commands compared, $failures differences"
[ "$failures" -eq 0 ]
