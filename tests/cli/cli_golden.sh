#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Golden-file tests of the xenstore CLI against a real daemon.
#
#   cli_golden.sh CASE...
#
# For each CASE, data/CASE.in lists shell command lines (blank lines and
# lines starting with "#" are skipped). Each line runs with our CLI first
# on PATH (under both its xenstore-<verb> names and `xenstore`), in a
# scratch directory, against a fresh daemon. The transcript, "$ line",
# the combined stdout and stderr, then "[exit status]", must equal
# data/CASE.out. XS_GOLDEN_UPDATE=1 rewrites the .out files instead.

. "$(dirname "$0")/lib.sh"

data=$(cd "$(dirname "$0")/data" && pwd)
status=0

for case in "$@"; do
	start_daemon "$case"
	mkdir -p "$tmp/work.$case"
	(
		cd "$tmp/work.$case" || exit 1
		export XENSTORED_PATH="$tmp/$case.sock"
		export PATH="$tmp/bin:$PATH"
		while IFS= read -r line; do
			case "$line" in
			'' | '#'*) continue ;;
			esac
			printf '$ %s\n' "$line"
			sh -c "$line" 2>&1 </dev/null
			printf '[%d]\n' "$?"
		done <"$data/$case.in"
	) >"$tmp/$case.actual"
	if [ "${XS_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$tmp/$case.actual" "$data/$case.out"
	elif ! diff -u "$data/$case.out" "$tmp/$case.actual"; then
		echo "FAIL: $case" >&2
		status=1
	else
		echo "ok: $case"
	fi
done
exit $status
