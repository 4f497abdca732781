#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the realxen guest (busybox sh, PID 1): loads the Xen modules,
# runs the guest program /usr/bin/guest_prog with the arguments given as
# realxen.args=A,B,... on the kernel command line, then powers off. Its
# console (hvc0) goes to Dom0's xenconsoled log. With realxen.rerun=1 a
# guest program killed by a signal (the emulator's flake: processes die of
# a segfault now and then, shared/REALXEN.md) runs once more; the program
# must then be able to start over.
export PATH=/usr/sbin:/usr/bin

say() {
	read -r _up _idle </proc/uptime 2>/dev/null || _up='?'
	echo "realxen-guest: [$_up] $*"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say "guest /init running"
while read -r m; do
	insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done </etc/realxen/modules

args=
rerun=0
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case $w in
	realxen.args=*) args=$(echo "${w#*=}" | tr , ' ') ;;
	realxen.rerun=1) rerun=1 ;;
	esac
done
# shellcheck disable=SC2086
/usr/bin/guest_prog $args
rc=$?
say "guest_prog exited with status $rc"
if [ $rc -gt 128 ] && [ $rerun = 1 ]; then
	say "FLAKE guest_prog was killed by signal $((rc - 128)); running it once more"
	# shellcheck disable=SC2086
	/usr/bin/guest_prog $args
	say "guest_prog exited with status $?"
fi
sync
poweroff -f
sleep 30
