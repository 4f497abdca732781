#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a Dom0 or guest initramfs (cpio newc; gzip unless --compress none)
# for the realxen suite from the packages setup.sh unpacked. run.sh builds
# both uncompressed: under TCG, unpacking gzip costs the kernel seconds.
#
#   mkinitramfs.sh --env REALXEN_ENV --kind dom0|guest --init SCRIPT \
#       --out FILE [--module NAME]... [--bin SRC[:DEST]]... \
#       [--file SRC:DEST]... [--compress gzip|none]
#
# Both kinds hold busybox-static with its applets, /init (SCRIPT), the
# kernel modules named (with their dependencies, loaded in order by the
# init scripts from /etc/realxen/modules) and the --bin programs with the
# shared libraries ldd lists (plus libgcc_s.so.1). The dom0 kind adds the
# stock Xen 4.17 userland: xl, xen-init-dom0, xenstored, xenconsoled, the
# xenstore-* utilities and /etc/xen. A --bin installed as /usr/bin/xenstore
# gets the xenstore-* links too (either kind). DEST defaults to
# /usr/bin/NAME.
set -euo pipefail

die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }

envfile='' kind='' init='' out='' compress=gzip
modules=() bins=() files=()
while [ $# -gt 0 ]; do
	case $1 in
	--env) envfile=$2; shift 2 ;;
	--kind) kind=$2; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--bin) bins+=("$2"); shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--compress) compress=$2; shift 2 ;;
	*) die "unknown argument $1" ;;
	esac
done
[ -f "$envfile" ] || die "--env: no file '$envfile' (run setup.sh)"
[ -f "$init" ] || die "--init: no file '$init'"
[ -n "$out" ] || die "--out is required"
case $kind in dom0|guest) ;; *) die "--kind must be dom0 or guest" ;; esac
# shellcheck disable=SC1090
. "$envfile"

ROOT=$REALXEN_ROOT
MULTIARCH=x86_64-linux-gnu
stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# Merged /usr, as on Debian 12.
mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib/$MULTIARCH,usr/lib64,proc,sys,dev,run,tmp,etc/realxen,var,lib/modules}
mv "$stage/lib/modules" "$stage/usr/lib/modules"
rmdir "$stage/lib"
ln -s usr/bin "$stage/bin"
ln -s usr/sbin "$stage/sbin"
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"
ln -s ../run "$stage/var/run"
chmod 1777 "$stage/tmp"

# busybox and its applets (never over a real program).
install -m 0755 "$ROOT/bin/busybox" "$stage/usr/bin/busybox"
while read -r applet; do
	case $applet in
	bin/*|sbin/*) applet=usr/$applet ;;
	esac
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] ||
		ln -s /usr/bin/busybox "$stage/$applet"
done < <("$ROOT/bin/busybox" --list-full)

libpath=$ROOT/usr/lib/$MULTIARCH:$ROOT/lib/$MULTIARCH
declare -A have_lib=()
add_libs() { # the shared libraries a program needs
	local bin=$1 line lib out_ldd
	# Static programs: ldd says "not a dynamic executable", status 1.
	if ! out_ldd=$(LD_LIBRARY_PATH=$libpath ldd "$bin" 2>&1); then
		return 0
	fi
	while read -r line; do
		case $line in
		*"not found"*) die "$bin: a library is missing: $line" ;;
		*"=> "/*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;;
		esac
		[ -z "${have_lib[$lib]:-}" ] || continue
		have_lib[$lib]=1
		case $lib in
		*/ld-linux-x86-64.so.2) cp -L "$lib" "$stage/usr/lib64/ld-linux-x86-64.so.2" ;;
		*) cp -L "$lib" "$stage/usr/lib/$MULTIARCH/${lib##*/}" ;;
		esac
	done <<<"$out_ldd"
}

add_bin() { # SRC [DEST]
	local src=$1 dest=${2:-/usr/bin/${1##*/}}
	[ -f "$src" ] || die "no program $src"
	mkdir -p "$stage$(dirname "$dest")"
	rm -f "$stage$dest"
	install -m 0755 "$src" "$stage$dest"
	add_libs "$src"
}

# Kernel modules: flat in /lib/modules, their load order in a list.
declare -A mod_path=() mod_done=()
while read -r ko; do
	n=${ko##*/}
	n=${n%.ko}
	mod_path[$n]=$ko
done < <(find "$REALXEN_MODULES/kernel" -name '*.ko')
modorder=()
add_module() {
	local n=$1 dep deps
	[ -z "${mod_done[$n]:-}" ] || return 0
	[ -n "${mod_path[$n]:-}" ] || die "no kernel module $n in $REALXEN_MODULES"
	mod_done[$n]=1
	deps=$(strings "${mod_path[$n]}" | sed -n 's/^depends=//p' | head -n1)
	for dep in ${deps//,/ }; do
		add_module "$dep"
	done
	cp "${mod_path[$n]}" "$stage/usr/lib/modules/$n.ko"
	modorder+=("$n")
}
for m in "${modules[@]}"; do
	add_module "$m"
done
printf '%s\n' "${modorder[@]}" >"$stage/etc/realxen/modules"

if [ "$kind" = dom0 ]; then
	xb=$REALXEN_XENBIN
	for p in xl xen-init-dom0 xenconsoled xenconsole; do
		add_bin "$ROOT$xb/$p" "$xb/$p"
		ln -sf "$xb/$p" "$stage/usr/sbin/$p"
	done
	add_bin "$ROOT$REALXEN_XENSTORED" "$REALXEN_XENSTORED"
	ln -sf "$REALXEN_XENSTORED" "$stage/usr/sbin/xenstored"
	add_bin "$ROOT/usr/bin/xenstore" /usr/bin/xenstore
	cp -a "$ROOT/etc/xen" "$stage/etc/xen"
	mkdir -p "$stage"/var/{lib/xen,lib/xenstored,log/xen/console}
fi

libgcc=$(gcc -print-file-name=libgcc_s.so.1 2>/dev/null || true)
[ -f "$libgcc" ] || libgcc=/lib/$MULTIARCH/libgcc_s.so.1
cp -L "$libgcc" "$stage/usr/lib/$MULTIARCH/libgcc_s.so.1"

for b in "${bins[@]}"; do
	case $b in
	*:*) add_bin "${b%%:*}" "${b#*:}" ;;
	*) add_bin "$b" ;;
	esac
done
# xenstore-read and friends are one program that reads argv[0] (the dom0
# kind has it; a guest gets it with --bin .../xenstore:/usr/bin/xenstore).
if [ -f "$stage/usr/bin/xenstore" ]; then
	for t in read write ls list rm exists watch chmod; do
		rm -f "$stage/usr/bin/xenstore-$t"
		ln -s xenstore "$stage/usr/bin/xenstore-$t"
	done
fi
for f in "${files[@]}"; do
	[[ $f == *:* ]] || die "--file wants SRC:DEST, not $f"
	src=${f%%:*} dest=${f#*:}
	[ -f "$src" ] || die "no file $src"
	mkdir -p "$stage$(dirname "$dest")"
	cp -L "$src" "$stage$dest"
done

install -m 0755 "$init" "$stage/init"
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
echo 'root:x:0:' >"$stage/etc/group"

# cpio newc in sorted order, owned by root (mkcpio.py: no cpio needed).
python3 "$(dirname "$0")/mkcpio.py" "$stage" "$out.cpio"
case $compress in
gzip) gzip -1 -n -c "$out.cpio" >"$out.tmp"; rm -f "$out.cpio" ;;
none) mv "$out.cpio" "$out.tmp" ;;
*) die "--compress must be gzip or none" ;;
esac
mv "$out.tmp" "$out"
