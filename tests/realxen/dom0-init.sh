#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the realxen Dom0 (busybox sh, PID 1, Xen PV Dom0 of Linux 6.1).
# Brings up the Xen userland (the stock xenstored, or ours when the scenario
# sets STORE=ours; xen-init-dom0, xenconsoled), runs the scenario
# /etc/realxen/scenario.sh, then reports
# through the serial console and QEMU's isa-debug-exit port:
#
#   "realxen: RESULT pass|fail|error" and result byte 0x10 (pass), 0x11
#   (the scenario failed) or 0x12 (Dom0 could not be brought up); QEMU
#   exits with (byte << 1) | 1: 33, 35, 37.
#   "realxen: FLAKE ..." for each step that failed once and passed on retry.
#
# Kernel command line: realxen.guest=pvh|pv (guest type, default pvh),
# realxen.timeout=SECONDS (per wait in the scenario, default 60),
# realxen.shell=1 (a shell on the console before powering off).
export PATH=/usr/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export HOME=/root

say() {
	read -r _up _idle </proc/uptime 2>/dev/null || _up='?'
	echo "realxen: [$_up] $*"
}

FLAKES=0
# retry DESC CMD...: run CMD; when it fails, once more. Short-lived
# processes die of a segfault now and then while a guest runs under QEMU
# (see shared/REALXEN.md): a step that passes on retry is a flake.
retry() {
	_desc=$1
	shift
	"$@" && return 0
	_rc=$?
	say "step '$_desc' failed (status $_rc); retrying once"
	"$@"
	_rc2=$?
	if [ $_rc2 -eq 0 ]; then
		FLAKES=$((FLAKES + 1))
		say "FLAKE step '$_desc' failed once (status $_rc), passed on retry"
		return 0
	fi
	say "step '$_desc' failed again (status $_rc2)"
	return $_rc2
}

param() { # NAME DEFAULT: realxen.NAME=VALUE from the kernel command line
	read -r _cmdline </proc/cmdline
	for _w in $_cmdline; do
		case $_w in
		realxen.$1=*) echo "${_w#*=}"; return ;;
		esac
	done
	echo "$2"
}

finish() { # BYTE WORD
	say "RESULT $2 (flakes: $FLAKES)"
	if [ "$(param shell 0)" = 1 ]; then
		say "realxen.shell=1: a shell; exit it to power off"
		setsid cttyhack sh
	fi
	sync
	outb "$1" || say "outb $1 failed: powering off without a result byte"
	poweroff -f
	sleep 30
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs tmpfs /dev/shm
say "Dom0 /init running on $(uname -r)"

while read -r m; do
	insmod "/lib/modules/$m.ko" || { say "insmod $m failed"; finish 0x12 error; }
done </etc/realxen/modules
mount -t xenfs xenfs /proc/xen || { say "mounting xenfs failed"; finish 0x12 error; }

mkdir -p /run/xenstored /run/xen /var/lib/xenstored /var/log/xen/console /var/lib/xen

# The scenario defines scenario() and may set STORE=ours: then Dom0 runs our
# store daemon (/usr/lib/xenplat/xenstored) in place of the stock one.
STORE=stock
# shellcheck source=scenario-grant.sh
. /etc/realxen/scenario.sh

wait_socket() { # 10 s for /run/xenstored/socket (= /var/run/xenstored/socket)
	_i=0
	while [ ! -S /run/xenstored/socket ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || return 1
		usleep 100000
	done
}
start_store() {
	xenstored --pid-file /run/xenstored.pid || return 1
	wait_socket
}
# Ours stays in the foreground: started in the background, its log (stderr,
# "<N>xenstored: ...") goes to the console. Its tree lives on the tmpfs.
start_our_store() {
	rm -f /run/xenstored/socket /run/xenstored/xenstore.db*
	/usr/lib/xenplat/xenstored --xen linux --socket /run/xenstored/socket \
		--database /run/xenstored/xenstore.db --log-level info &
	STORE_PID=$!
	echo "$STORE_PID" >/run/xenstored.pid
	if wait_socket && kill -0 "$STORE_PID" 2>/dev/null; then
		return 0
	fi
	kill "$STORE_PID" 2>/dev/null
	wait "$STORE_PID" 2>/dev/null
	return 1
}
if [ "$STORE" = ours ]; then
	say "starting our xenstored ($(/usr/lib/xenplat/xenstored --version 2>&1))"
	retry "start our xenstored" start_our_store ||
		{ say "our xenstored did not come up"; finish 0x12 error; }
else
	retry "start xenstored" start_store ||
		{ say "xenstored did not come up"; finish 0x12 error; }
	read -r STORE_PID </run/xenstored.pid
fi
retry "xen-init-dom0" xen-init-dom0 || finish 0x12 error
retry "start xenconsoled" xenconsoled --pid-file=/run/xenconsoled.pid \
	--log=guest --log-dir=/var/log/xen/console ||
	say "xenconsoled did not start: no guest console logs"
say "store, xen-init-dom0 and xenconsoled up"

if scenario; then
	finish 0x10 pass
else
	finish 0x11 fail
fi
