#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The man pages generated from docs/api.md: every function of uring.h (each
# URING_API declaration and static inline function) has a page in section 3
# (its own, or a .so link to the page it shares), curing(7) exists, and
# groff renders each page (links followed) without a warning (-ww).
#
# usage: test_man.sh SOURCE_ROOT MAN_BUILD_DIR
set -euo pipefail
root=$1 built=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v groff >/dev/null || fail "groff is not installed (curing.sh installs groff-base)"

names=$(bash "$root/tests/public_functions.sh" "$root")
[ "$(grep -c . <<<"$names")" -ge 10 ] || fail "found too few functions in uring.h: the extraction is broken"

# A man tree, as installed, so that .so links resolve.
mkdir -p "$work/man3" "$work/man7"
cp "$built"/*.3 "$work/man3/"
cp "$built"/curing.7 "$work/man7/" || fail "no curing(7)"
missing=""
for n in $names; do
	[ -f "$work/man3/$n.3" ] || missing="$missing $n"
done
[ -z "$missing" ] || fail "functions without a man page:$missing"

pages=0
cd "$work"
for page in man3/*.3 man7/*.7; do
	warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
	[ -z "$warnings" ] || fail "$page: $warnings"
	# The rendered page is about its function: its name is in NAME.
	name=$(basename "$page"); name=${name%.*}
	groff -man -Tutf8 -P-c -P-b -P-u "$page" 2>/dev/null | sed -n '/^NAME/,/^[A-Z]/p' | grep -w "$name" >/dev/null ||
		fail "$page does not name $name"
	pages=$((pages + 1))
done
echo "man: $(grep -c . <<<"$names") functions of uring.h, each with a page; $pages pages rendered by groff -ww without a warning"
