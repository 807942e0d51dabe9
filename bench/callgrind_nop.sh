#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
#
# User instructions per nop, curing against liburing, counted by callgrind.
#
#   bench/callgrind_nop.sh            (builds $BUILD_DIR-callgrind, default build-callgrind)
#
# Instruction counts are exact and do not depend on the machine's load, so
# this comparison holds on a shared machine where times do not.  It counts
# user space only: the io_uring_enter syscall (the kernel's ~65 ns per nop)
# is outside it.  Each implementation runs OPS nops at each batch size in
# bench/nop's counted_run, after a warm-up that is not counted.
#
# The build is a release build without the memcheck client requests
# (-UURING_HAVE_MEMCHECK): under any valgrind tool they would switch on the
# library's memcheck marking, which an ordinary process never runs.  USDT
# probes are left out as well (-Dusdt=disabled); each adds one nop
# instruction per op and per completion where a build has them.
set -eu -o pipefail

BUILD=${BUILD_DIR:-build}-callgrind
OPS=${OPS:-128000}
BATCHES=${BATCHES:-"1 8 32 128"}

command -v valgrind > /dev/null || { echo "callgrind_nop: valgrind is not installed" >&2; exit 1; }
if [ ! -d "$BUILD" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=false -Dexamples=false -Dusdt=disabled \
		-Dc_args=-UURING_HAVE_MEMCHECK > /dev/null
fi
ninja -C "$BUILD" bench/nop > /dev/null
NOP=$BUILD/bench/nop

impls="curing"
if grep -q HAVE_LIBURING "$BUILD/compile_commands.json"; then
	impls="curing liburing liburing+regfd"
	liburing_version=$(pkg-config --modversion liburing 2> /dev/null || echo unknown)
else
	echo "callgrind_nop: built without liburing (install liburing-dev): curing alone" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Instructions inside counted_run: the summary line of callgrind's output.
count() {
	valgrind --tool=callgrind --toggle-collect=counted_run --callgrind-out-file="$tmp/out" \
		"$NOP" --count "$1" "$2" "$OPS" > /dev/null 2> "$tmp/log"
	awk '/^summary:/ { print $2 }' "$tmp/out"
}

printf '| batch |'
for i in $impls; do printf ' %s |' "$i"; done
[ "$impls" = curing ] || printf ' curing/liburing | curing/liburing+regfd |'
printf '\n|---|'
for i in $impls; do printf -- '---|'; done
[ "$impls" = curing ] || printf -- '---|---|'
printf '\n'
for b in $BATCHES; do
	ops=$((OPS - OPS % b))
	printf '| %s |' "$b"
	declare -A per=()
	for i in $impls; do
		ir=$(count "$i" "$b")
		per[$i]=$(awk -v ir="$ir" -v n="$ops" 'BEGIN { printf "%.1f", ir / n }')
		printf ' %s |' "${per[$i]}"
	done
	if [ "$impls" != curing ]; then
		awk -v c="${per[curing]}" -v l="${per[liburing]}" -v r="${per[liburing+regfd]}" \
			'BEGIN { printf " %.2f | %.2f |", c / l, c / r }'
	fi
	printf '\n'
	unset per
done
echo
echo "User instructions per nop (callgrind, $OPS nops per point; release build, no USDT, no memcheck requests)."
[ "$impls" = curing ] || echo "liburing $liburing_version as Debian ships it; ratio < 1: curing runs fewer."
