#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and unpack Debian's real Xen 4.17 and Linux 6.1 (and the userland
# Dom0 needs) into a cache directory, for the realxen suite (README.md).
#
#   setup.sh [--print]
#
# Cache: $REALXEN_CACHE, else $XDG_CACHE_HOME/xenplat-realxen, else
# /var/cache/xenplat-realxen (root) or ~/.cache/xenplat-realxen. A complete
# cache is reused as it is (REALXEN_REFRESH=1 fetches again). On success it
# holds realxen.env (shell assignments, sourced by run.sh) and prints its path.
#
# Exit status: 0 ready, 77 when the packages cannot be fetched (no network,
# no apt), 1 on any other error.
set -euo pipefail

SKIP=77
log() { printf 'realxen-setup: %s\n' "$*" >&2; }
skip() { log "SKIP: $*"; exit "$SKIP"; }
die() { log "ERROR: $*"; exit 1; }

cache_dir() {
	if [ -n "${REALXEN_CACHE:-}" ]; then
		printf '%s\n' "$REALXEN_CACHE"
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then
		printf '%s\n' "$XDG_CACHE_HOME/xenplat-realxen"
	elif [ "$(id -u)" -eq 0 ] || [ -w /var/cache ]; then
		printf '%s\n' /var/cache/xenplat-realxen
	else
		printf '%s\n' "${HOME:-/tmp}/.cache/xenplat-realxen"
	fi
}

t0=$(date +%s)
CACHE=$(cache_dir)
ENVFILE=$CACHE/realxen.env
mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE"

# One setup at a time per cache (two build directories may share it).
exec 9>"$CACHE/.lock"
flock 9

if [ -f "$ENVFILE" ] && [ "${REALXEN_REFRESH:-0}" != 1 ]; then
	# shellcheck disable=SC1090
	. "$ENVFILE"
	if [ -f "$REALXEN_XEN" ] && [ -f "${REALXEN_VMLINUX:-}" ] &&
		[ -x "$REALXEN_ROOT$REALXEN_XENSTORED" ]; then
		log "reusing $CACHE (Xen $REALXEN_XEN_VERSION, Linux $REALXEN_KVER)"
		printf '%s\n' "$ENVFILE"
		exit 0
	fi
fi
rm -f "$ENVFILE"

for tool in apt-get apt-cache dpkg dpkg-deb python3; do
	command -v "$tool" >/dev/null || skip "no $tool here"
done

# The package lists: without them apt-cache knows nothing (a fresh
# machine); root may refresh them once.
if ! apt-cache show xen-hypervisor-4.17-amd64 >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then
		log "package lists lack Xen 4.17; running apt-get update"
		apt-get update -q >&2 || skip "apt-get update failed (no network?)"
	fi
	apt-cache show xen-hypervisor-4.17-amd64 >/dev/null 2>&1 ||
		skip "no xen-hypervisor-4.17-amd64 in the package lists"
fi

# The concrete kernel behind the linux-image-amd64 metapackage.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || skip "cannot resolve linux-image-amd64 to a kernel package"
KVER=${kpkg#linux-image-}

# The Xen userland and the libxen*/libyajl libraries it needs, closed
# over their dependencies (host libraries such as libuuid come from the
# host, which is Debian 12 like the packages).
pkgs=(xen-hypervisor-4.17-amd64 "$kpkg" xen-utils-4.17 xen-utils-common
	xenstore-utils busybox-static)
declare -A seen=()
queue=(xen-utils-4.17 xenstore-utils)
while [ ${#queue[@]} -gt 0 ]; do
	# One apt-cache call per level of the dependency tree (each is slow).
	mapfile -t deps < <(apt-cache depends "${queue[@]}" 2>/dev/null |
		sed -n 's/^ *Depends: \(libxen[^ <>]*\|libyajl[^ <>]*\)$/\1/p' |
		sort -u)
	queue=()
	for dep in "${deps[@]}"; do
		[ -z "${seen[$dep]:-}" ] || continue
		seen[$dep]=1
		pkgs+=("$dep")
		queue+=("$dep")
	done
done

debs=$CACHE/debs
rm -rf "$debs.tmp"
mkdir -p "$debs.tmp"
log "downloading ${#pkgs[@]} packages: ${pkgs[*]}"
apt_opts=(-q)
# Root's apt drops to _apt for downloads, which cannot write here.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
if ! (cd "$debs.tmp" && apt-get "${apt_opts[@]}" download "${pkgs[@]}") \
	>"$CACHE/download.log" 2>&1; then
	tail -n 3 "$CACHE/download.log" >&2
	rm -rf "$debs.tmp"
	skip "apt-get download failed (no network?); see $CACHE/download.log"
fi
rm -rf "$debs"
mv "$debs.tmp" "$debs"

root=$CACHE/root
rm -rf "$root"
mkdir -p "$root"
for d in "$debs"/*.deb; do
	dpkg -x "$d" "$root"
done

xen_gz=$root/boot/xen-4.17-amd64.gz
[ -f "$xen_gz" ] || die "no boot/xen-4.17-amd64.gz in xen-hypervisor-4.17-amd64"
gunzip -c "$xen_gz" >"$CACHE/xen.elf"
vmlinuz=$root/boot/vmlinuz-$KVER
[ -f "$vmlinuz" ] || die "no boot/vmlinuz-$KVER in $kpkg"

# The kernel as a plain ELF (vmlinux): Xen and libxenguest load it without
# decompressing 65 MB of xz under TCG first (that cost 3-8 s per boot).
vmlinux=$CACHE/vmlinux-$KVER
python3 - "$vmlinuz" "$vmlinux.tmp" <<'PY' || die "cannot extract vmlinux from $vmlinuz"
import gzip, lzma, sys, zlib
data = open(sys.argv[1], 'rb').read()
for magic, unpack in (
        (b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor().decompress(b)),
        (b'\x1f\x8b\x08', lambda b: zlib.decompressobj(31).decompress(b))):
    off = data.find(magic)
    while off >= 0:
        try:
            elf = unpack(data[off:])
        except (lzma.LZMAError, zlib.error):
            elf = b''
        if elf[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(elf)
            sys.exit(0)
        off = data.find(magic, off + 1)
sys.exit('no xz or gzip payload holding an ELF image')
PY
mv "$vmlinux.tmp" "$vmlinux"

# The stock store daemon: xen-utils-4.17 ships the C xenstored (and
# oxenstored) in /usr/lib/xen-4.17/bin; it listens on
# /var/run/xenstored/socket.
xenstored=
for c in /usr/lib/xen-4.17/bin/xenstored /usr/lib/xen-4.17/bin/oxenstored; do
	if [ -x "$root$c" ]; then
		xenstored=$c
		break
	fi
done
[ -n "$xenstored" ] || die "no xenstored in the Xen 4.17 packages"

xen_version=$(dpkg-deb -f "$debs"/xen-hypervisor-4.17-amd64_*.deb Version)

cat >"$ENVFILE.tmp" <<EOF
# Written by tests/realxen/setup.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)
REALXEN_CACHE='$CACHE'
REALXEN_ROOT='$root'
REALXEN_XEN='$CACHE/xen.elf'
REALXEN_XEN_VERSION='$xen_version'
REALXEN_KVER='$KVER'
REALXEN_VMLINUZ='$vmlinuz'
REALXEN_VMLINUX='$vmlinux'
REALXEN_MODULES='$root/lib/modules/$KVER'
REALXEN_XENBIN='/usr/lib/xen-4.17/bin'
REALXEN_XENSTORED='$xenstored'
REALXEN_PACKAGES='${pkgs[*]}'
EOF
mv "$ENVFILE.tmp" "$ENVFILE"
log "ready in $(($(date +%s) - t0)) s: $CACHE (Xen $xen_version, Linux $KVER)"
printf '%s\n' "$ENVFILE"
