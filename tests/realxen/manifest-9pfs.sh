# SPDX-License-Identifier: GPL-2.0-only
# The 9pfs scenario's listing of the share, sourced by the guest
# (guest-9pfs.sh, over 9pfs) and by Dom0 (scenario-9pfs.sh, on disk) so
# that both sides list it the same way; each compares the other's.
# Plain POSIX sh for busybox.

# manifest DIR OUT TMP: every entry under DIR but the manifest itself, with
# what stat sees, and the sha256 of every file under 64 KiB but the 100
# empty ones in many/ (the big files have their own .sha256 files; time),
# sorted, in OUT (the same in Dom0). The size of "." is left out: the
# manifest itself changes it. No pipelines, and the lines
# counted against the names: a process the flake killed halfway must not
# leave a short manifest behind as the reference.
manifest() { # DIR OUT TMP
	(cd "$1" && find . ! -name guest-manifest.txt >"$3.names" &&
		find . ! -name guest-manifest.txt \
			-exec stat -c '%n %F %s %a %h %u' {} + >"$3.stat" &&
		find . -type f ! -name guest-manifest.txt ! -path './many/*' \
			-size -64k >"$3.files" &&
		find . -type f ! -name guest-manifest.txt ! -path './many/*' \
			-size -64k -exec sha256sum {} + >"$3.sums") || return 1
	count_lines "$3.names"
	_names=$LINES
	count_lines "$3.stat"
	_stats=$LINES
	count_lines "$3.files"
	_files=$LINES
	count_lines "$3.sums"
	if [ "$_names" != "$_stats" ] || [ "$_files" != "$LINES" ]; then
		echo "manifest: $_stats stat lines for $_names names," \
			"$LINES sums for $_files files (a process died?)" >&2
		return 1
	fi
	sed 's/^\(\. directory\) [0-9]* /\1 - /' "$3.stat" >"$3.stat2" &&
		sort "$3.stat2" "$3.sums" >"$2"
}
# count_lines FILE: LINES = its number of lines (builtins only).
count_lines() {
	LINES=0
	while IFS= read -r _l; do
		LINES=$((LINES + 1))
	done <"$1"
}
