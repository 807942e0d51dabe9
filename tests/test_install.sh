#!/usr/bin/env bash
# What a user gets from `meson install`, checked in two fresh builds of the
# source, each installed into a staging directory (prefix /usr/local):
#  - the default (static): libcuring.a, uring.h, curing.pc, the CMake
#    package, the man pages (man -M finds uring_openat2(3)), and no shared
#    library; consumers built with
#    `pkg-config --cflags --libs curing` (with and without --static), with
#    CMake's find_package(curing) and with pkg_check_modules(IMPORTED_TARGET)
#    run, and none needs libcuring.so; libcuring.a defines no global outside
#    uring_* / uring__*;
#  - -Ddefault_library=shared: libcuring.so.0.1.0 with SONAME libcuring.so.0,
#    exporting uring_* only, each versioned CURING_0.1; consumers by
#    pkg-config and CMake need libcuring.so.0 and bind to CURING_0.1.
# Every consumer checks at run time that the library is the header's version.
#
# usage: test_install.sh SOURCE_ROOT
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A staged install of a fresh build with these meson options; sets
# $stage (the DESTDIR), $prefix (stage + prefix) and $libdir.
install_build() {
	local name=$1; shift
	meson setup "$work/build-$name" "$src" --prefix=/usr/local -Dtests=false \
		-Dexamples=false -Dbenchmarks=false "$@" >/dev/null
	ninja -C "$work/build-$name" >/dev/null
	stage=$work/stage-$name
	meson install -C "$work/build-$name" --destdir "$stage" --no-rebuild --quiet
	prefix=$stage/usr/local
	local pc
	pc=$(find "$stage" -name curing.pc | head -n1)
	[ -n "$pc" ] || fail "$name: no curing.pc installed"
	libdir=$(dirname "$(dirname "$pc")")
	export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
	[ -f "$prefix/include/uring.h" ] || fail "$name: no uring.h"
	[ -f "$libdir/cmake/curing/curingConfig.cmake" ] || fail "$name: no CMake package beside the .pc"
	[ -f "$libdir/cmake/curing/curingConfigVersion.cmake" ] || fail "$name: no CMake version file"
	[ -f "$prefix/share/man/man7/curing.7" ] || fail "$name: no curing(7)"
	MANWIDTH=80 man -M "$prefix/share/man" 3 uring_openat2 2>/dev/null | grep -w openat2 >/dev/null ||
		fail "$name: man uring_openat2 finds nothing"
	local version
	version=$(pkg-config --modversion curing)
	local header
	header=$(awk '/#define URING_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", sep, $3; sep="."}' "$prefix/include/uring.h")
	[ "$version" = "$header" ] || fail "$name: curing.pc says $version, uring.h $header"
}

# cc with pkg-config's flags; $1 output, the rest extra pkg-config options.
pkgconfig_consumer() {
	local out=$1; shift
	cc -std=c11 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags curing) \
		"$src/tests/consumer/consumer.c" -o "$out" $(pkg-config "$@" --libs curing)
	LD_LIBRARY_PATH=$libdir "$out" >/dev/null
}

# The CMake consumer project, by find_package or by pkg-config.
cmake_consumer() {
	local out=$1 via=$2
	cmake -S "$src/tests/consumer" -B "$out" -DCMAKE_PREFIX_PATH="$prefix" -DCURING_VIA="$via" \
		>"$out.log" 2>&1 || { cat "$out.log"; fail "cmake ($via) did not configure"; }
	cmake --build "$out" >>"$out.log" 2>&1 || { cat "$out.log"; fail "cmake ($via) did not build"; }
	LD_LIBRARY_PATH=$libdir "$out/consumer" >/dev/null
}

needs_shared() { readelf -d "$1" | grep NEEDED | grep -q 'libcuring\.so\.0'; }

# ---- the default: static ----
install_build static
if find "$stage" -name 'libcuring.so*' | grep . >/dev/null; then
	fail "a default build installed a shared library"
fi
[ -f "$libdir/libcuring.a" ] || fail "no libcuring.a"
pkgconfig_consumer "$work/pc-static"
pkgconfig_consumer "$work/pc-static-flag" --static
cmake_consumer "$work/cmake-static" find_package
cmake_consumer "$work/cmake-pc-static" pkg-config
for exe in "$work/pc-static" "$work/pc-static-flag" "$work/cmake-static/consumer" "$work/cmake-pc-static/consumer"; do
	if needs_shared "$exe"; then fail "$exe needs libcuring.so"; fi
done
# (grep without -q: with pipefail, -q's early exit would fail nm with SIGPIPE)
# Besides uring_*: the USDT probes' own hidden symbols (sys/sdt.h's base
# marker, and one semaphore per probe, named by provider and probe).
bad=$(nm -g --defined-only "$libdir/libcuring.a" 2>/dev/null | awk 'NF==3 {print $3}' |
	grep -v -E '^(uring_|_\.stapsdt\.base$|curing_[a-z]+_semaphore$)' || true)
[ -z "$bad" ] || fail "libcuring.a defines globals outside uring_*/uring__*: $bad"

# ---- asked for: shared ----
install_build shared -Ddefault_library=shared
so=$libdir/libcuring.so.0.1.0
[ -f "$so" ] || fail "no $so"
[ "$(readlink "$libdir/libcuring.so.0")" = libcuring.so.0.1.0 ] || fail "libcuring.so.0 link"
readelf -d "$so" | grep -q 'SONAME.*\[libcuring\.so\.0\]' || fail "SONAME is not libcuring.so.0"
exports=$(nm -D --defined-only "$so" | awk '$2 != "A" {print $3}')
bad=$(grep -v -E '^uring_[a-z0-9_]+@@CURING_0\.1$' <<<"$exports" || true)
[ -z "$bad" ] || fail "libcuring.so exports more than uring_*@@CURING_0.1: $bad"
if grep '^uring__' <<<"$exports" >/dev/null; then fail "libcuring.so exports internals"; fi
pkgconfig_consumer "$work/pc-shared"
cmake_consumer "$work/cmake-shared" find_package
for exe in "$work/pc-shared" "$work/cmake-shared/consumer"; do
	needs_shared "$exe" || fail "$exe does not use libcuring.so.0"
	nm -D "$exe" | grep -q 'U uring_create@CURING_0\.1' || fail "$exe does not bind to CURING_0.1"
done

echo "install: static by default (pkg-config, pkg-config --static, find_package, pkg_check_modules consumers, none needing a .so);" \
	"shared on request: SONAME libcuring.so.0, $(wc -l <<<"$exports") uring_* symbols, all @@CURING_0.1"
