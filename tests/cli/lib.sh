# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by the CLI integration tests: a private temporary directory, one
# or more real xenstored daemons on sockets inside it, and the CLI's verb
# names as symlinks to $XENSTORE_CLI. Everything started here is stopped,
# and the directory removed, on every exit path (trap EXIT).
#
# Needs XENSTORED_BIN (the daemon) and XENSTORE_CLI (our binary).

set -u

: "${XENSTORED_BIN:?XENSTORED_BIN must name the xenstored binary}"
: "${XENSTORE_CLI:?XENSTORE_CLI must name the xenstore CLI binary}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xs-cli.$$.XXXXXX")
daemon_pids=""

cleanup() {
	for pid in $daemon_pids; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Our verbs under their classic names, in $tmp/bin.
mkdir -p "$tmp/bin"
ln -s "$XENSTORE_CLI" "$tmp/bin/xenstore"
for verb in read write ls rm list exists chmod watch control; do
	ln -s "$XENSTORE_CLI" "$tmp/bin/xenstore-$verb"
done

# start_daemon NAME: run a daemon on $tmp/NAME.sock, wait until the socket
# accepts (10 s at most) and until it answers CONTROL stats.
start_daemon() {
	sock="$tmp/$1.sock"
	"$XENSTORED_BIN" --socket "$sock" --database "$tmp/$1.sqlite" \
		--log-level warn 2>>"$tmp/$1.log" &
	daemon_pids="$daemon_pids $!"
	tries=0
	while ! XENSTORED_PATH="$sock" "$tmp/bin/xenstore" stats \
		>/dev/null 2>&1; do
		tries=$((tries + 1))
		if [ "$tries" -ge 100 ]; then
			echo "xenstored did not start on $sock:" >&2
			cat "$tmp/$1.log" >&2
			exit 1
		fi
		sleep 0.1
	done
}
