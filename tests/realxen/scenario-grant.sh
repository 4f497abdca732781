# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Scenario "grant" (sourced by dom0-init.sh as /etc/realxen/scenario.sh):
# the hypervisor-interface library's acceptance test against real Xen.
# The stock `xl create` starts a guest (/guest/vmlinux, /guest/initrd)
# whose guest_grant grants Dom0 a page and offers an event channel; then
# dom0_xenif (libs/xenif + libs/xsclient) maps, checks and answers.
#
# Without /usr/bin/dom0_xenif (the library not built yet) it checks the
# harness only: the guest comes up and publishes its gref and port.

GUEST=realxen-guest
GUEST_CFG=/etc/realxen/guest.cfg

write_guest_cfg() {
	GUEST_TYPE=$(param guest pvh)
	cat >"$GUEST_CFG" <<EOF
name = "$GUEST"
type = "$GUEST_TYPE"
kernel = "/guest/vmlinux"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=3 realxen.args=$WAIT"
memory = 96
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOF
	# PVH under QEMU: RDTSCP comes as an RDTSC exit, Xen spins without this.
	[ "$GUEST_TYPE" != pvh ] || echo 'tsc_mode = "native"' >>"$GUEST_CFG"
	say "guest: $GUEST_TYPE, 96 MB, /guest/vmlinux"
}

create_guest() {
	xl destroy "$GUEST" >/dev/null 2>&1
	rm -f "/var/log/xen/console/guest-$GUEST.log"
	xl create -q "$GUEST_CFG"
}

# wait_node PATH: print the node's value once it exists ($WAIT seconds).
wait_node() {
	_n=0
	while ! xenstore-read "$1" 2>/dev/null; do
		_n=$((_n + 1))
		[ $_n -le $((WAIT * 5)) ] || return 1
		usleep 200000
	done
}

harness_only() { # DOMID
	_d=/local/domain/$1/data/realxen
	_gref=$(wait_node "$_d/gref") || { say "no $_d/gref after ${WAIT}s"; return 1; }
	_port=$(wait_node "$_d/port") || { say "no $_d/port after ${WAIT}s"; return 1; }
	say "harness only (no dom0_xenif): the guest published gref $_gref, port $_port"
}

dump_guest() { # DOMID
	say "---- xl list"
	xl list
	say "---- xenstore /local/domain/$1"
	xenstore-ls -f "/local/domain/$1" 2>&1 | grep -v '^/local/domain/[0-9]*/device-model'
	say "---- guest console log"
	cat "/var/log/xen/console/guest-$GUEST.log" 2>&1
	say "---- end of guest state"
}

grant_once() {
	retry "xl create" create_guest || return 1
	retry "xl domid" xl domid "$GUEST" >/run/guest-domid || return 1
	read -r _domid </run/guest-domid
	say "guest $GUEST is domain $_domid"
	if [ -x /usr/bin/dom0_xenif ]; then
		timeout $((WAIT * 3)) dom0_xenif "$_domid" "$WAIT" "$GUEST_TYPE"
	else
		harness_only "$_domid"
	fi
	_rc=$?
	[ $_rc -eq 0 ] || { say "the grant scenario failed (status $_rc)"; dump_guest "$_domid"; }
	xl destroy "$GUEST" >/dev/null 2>&1
	return $_rc
}

scenario() {
	WAIT=$(param timeout 60)
	write_guest_cfg
	grant_once && return 0
	say "running the grant scenario once more with a fresh guest"
	grant_once || return 1
	FLAKES=$((FLAKES + 1))
	say "FLAKE the grant scenario failed once, passed on retry"
}
