#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the bare-metal hypervisor under QEMU (TCG) and turn its serial log
# into pass/fail: the QEMU exit status must be the expected one (the
# hypervisor writes to isa-debug-exit; 33 = success, 35 = failure, 124 =
# timeout) and every expected line must appear in the serial output.
#
# Usage: run-qemu.sh MODE IMAGE STATUS TIMEOUT [-a QEMU-ARG]... \
#            [-c CMDLINE] [-m MODULE]... [-e EXPECTED-TEXT]... \
#            [-x ABSENT-TEXT]... [-s TEXT-1 TEXT-2]...
#   MODE  pvh:  IMAGE is the ELF, booted with -kernel (one MODULE: -initrd)
#         efi:  IMAGE is xen.efi, booted by OVMF from a FAT ESP image, the
#               command line and the MODULEs (/module0, ...) in xen.cfg
#         grub: IMAGE is the ELF, booted by GRUB2 (multiboot2) from an ISO
#               that grub-mkrescue builds here, under SeaBIOS
#         grub-efi: the same ISO under OVMF (GRUB2's x86_64-efi platform)
# -s: the rest of the first line holding TEXT-1 must equal the rest of the
# first line holding TEXT-2 (a value the guest sees against the one the
# hypervisor computed).
# Module i gets the command line "module-arg" (i = 0) or "module-arg-i".
# Exits 77 (skip) when QEMU, or what the mode needs (OVMF and mtools;
# grub-mkrescue, xorriso and GRUB's i386-pc modules), is missing.
set -u

mode=$1 image=$2 want_status=$3 limit=$4
shift 4
cmdline="" extra="" module="" modules="" ovmf="" expect_file=$(mktemp) absent_file=$(mktemp)
same_file=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$work" "$expect_file" "$absent_file" "$same_file"' EXIT INT TERM
while [ $# -gt 0 ]; do
	case $1 in
	-a) extra="$extra $2"; shift 2 ;;
	-c) cmdline=$2; shift 2 ;;
	-m)
		[ -z "$module" ] && module=$2
		modules="$modules$2
"
		shift 2
		;;
	-e) printf '%s\n' "$2" >>"$expect_file"; shift 2 ;;
	-x) printf '%s\n' "$2" >>"$absent_file"; shift 2 ;;
	-s) printf '%s\n%s\n' "$2" "$3" >>"$same_file"; shift 3 ;;
	*) echo "run-qemu.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

module_arg() {
	if [ "$1" = 0 ]; then echo module-arg; else echo "module-arg-$1"; fi
}

qemu=$(command -v qemu-system-x86_64) || { echo "no qemu-system-x86_64"; exit 77; }
set -- -machine q35 -accel "tcg${RUN_QEMU_TCG_OPTS:-}" -cpu max -m 512 -nodefaults -nographic \
	-serial stdio -monitor none -no-reboot -net none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

ovmf_drives() {
	code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -r "$code" ] && [ -r "$vars" ] || { echo "no OVMF"; exit 77; }
	cp "$vars" "$work/vars.fd"
	ovmf="-drive if=pflash,format=raw,unit=0,readonly=on,file=$code"
	ovmf="$ovmf -drive if=pflash,format=raw,unit=1,file=$work/vars.fd"
}

case $mode in
pvh)
	set -- "$@" -kernel "$image" -append "$cmdline"
	if [ -n "$module" ]; then
		set -- "$@" -initrd "$module"
	fi
	;;
efi)
	ovmf_drives
	command -v mformat >/dev/null || { echo "no mtools"; exit 77; }
	# A 32 MiB FAT ESP: the default removable-media path, and the
	# command line in xen.cfg beside it (efi/efi_stub.c).
	mformat -i "$work/esp.img" -C -T 65536 -h 64 -s 32 :: || exit 2
	mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT || exit 2
	mcopy -i "$work/esp.img" "$image" ::/EFI/BOOT/BOOTX64.EFI || exit 2
	printf '%s\n' "$cmdline" >"$work/xen.cfg"
	i=0
	printf '%s' "$modules" | while IFS= read -r m; do
		mcopy -i "$work/esp.img" "$m" ::/module$i || exit 2
		echo "/module$i $(module_arg $i)" >>"$work/xen.cfg"
		i=$((i + 1))
	done || exit 2
	mcopy -i "$work/esp.img" "$work/xen.cfg" ::/EFI/BOOT/xen.cfg || exit 2
	# shellcheck disable=SC2086 # ovmf holds separate words on purpose
	set -- "$@" $ovmf \
		-drive if=none,id=esp,format=raw,file="$work/esp.img" \
		-device virtio-blk-pci,drive=esp
	;;
grub | grub-efi)
	platform=i386-pc
	if [ "$mode" = grub-efi ]; then
		platform=x86_64-efi
		ovmf_drives
		command -v mformat >/dev/null || { echo "no mtools"; exit 77; }
	fi
	command -v grub-mkrescue >/dev/null && command -v xorriso >/dev/null &&
		[ -d /usr/lib/grub/$platform ] || { echo "no GRUB2 $platform"; exit 77; }
	mkdir -p "$work/iso/boot/grub"
	cp "$image" "$work/iso/boot/xen"
	{
		echo "set timeout=0"
		echo "menuentry xen {"
		echo "	multiboot2 /boot/xen $cmdline"
		i=0
		printf '%s' "$modules" | while IFS= read -r m; do
			cp "$m" "$work/iso/boot/module$i"
			echo "	module2 /boot/module$i $(module_arg $i)"
			i=$((i + 1))
		done
		echo "	boot"
		echo "}"
	} >"$work/iso/boot/grub/grub.cfg"
	grub-mkrescue -o "$work/xen.iso" "$work/iso" --locales= --fonts= \
		--themes= >"$work/mkrescue.log" 2>&1 ||
		{ cat "$work/mkrescue.log"; exit 2; }
	# shellcheck disable=SC2086 # ovmf holds separate words on purpose
	set -- "$@" ${ovmf:-} -cdrom "$work/xen.iso" -boot d
	;;
*)
	echo "run-qemu.sh: unknown mode $mode" >&2
	exit 2
	;;
esac

start=$(date +%s.%N)
# shellcheck disable=SC2086 # extra holds separate words on purpose
timeout "$limit" "$qemu" "$@" $extra </dev/null >"$work/serial.log" 2>&1
status=$?
end=$(date +%s.%N)
tr -d '\r' <"$work/serial.log"
echo "--- qemu exit status $status (want $want_status), $(echo "$end - $start" | bc 2>/dev/null || echo "?") s"

fail=0
if [ "$status" != "$want_status" ]; then
	echo "FAIL: exit status $status, expected $want_status"
	fail=1
fi
while IFS= read -r line; do
	if ! tr -d '\r' <"$work/serial.log" | grep -qF -- "$line"; then
		echo "FAIL: missing serial output: $line"
		fail=1
	fi
done <"$expect_file"
while IFS= read -r line; do
	if tr -d '\r' <"$work/serial.log" | grep -qF -- "$line"; then
		echo "FAIL: unexpected serial output: $line"
		fail=1
	fi
done <"$absent_file"
# The rest of the first line that holds $1.
rest_of_line() {
	tr -d '\r' <"$work/serial.log" | awk -v k="$1" \
		'index($0, k) { print substr($0, index($0, k) + length(k)); exit }'
}
while IFS= read -r a && IFS= read -r b; do
	va=$(rest_of_line "$a") vb=$(rest_of_line "$b")
	if [ -z "$va" ] || [ "$va" != "$vb" ]; then
		echo "FAIL: '$a$va' does not match '$b$vb'"
		fail=1
	fi
done <"$same_file"
exit $fail
