#!/usr/bin/env bash
# Embedding: `meson install` into a staging directory, then a consumer built
# with `pkg-config --cflags --libs curing` against it (shared and static),
# and the library's exported symbols checked: only uring_* in the shared
# library, only uring_* / uring__* globals in the static one, so it links
# beside liburing.
set -euo pipefail
src=$1 build=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet
pc=$(find "$stage" -name curing.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: no curing.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$stage
libdir=$(dirname "$(dirname "$pc")")
incdir=$(pkg-config --cflags-only-I curing | sed 's/^-I//; s/ *$//')
[ -f "$incdir/uring.h" ] || { echo "FAIL: uring.h not installed where pkg-config says ($incdir)"; exit 1; }

# A sanitizer build of the library needs the same runtime in its consumer.
san=""
# (grep without -q: with pipefail, -q's early exit would fail nm with SIGPIPE)
if nm "$libdir/libcuring.a" 2>/dev/null | grep __asan_ >/dev/null; then san="-fsanitize=address,undefined"; fi
cc -std=c11 -Wall -Wextra -Werror $san $(pkg-config --cflags curing) "$src/tests/consumer/consumer.c" \
	-o "$stage/consumer-shared" $(pkg-config --libs curing)
LD_LIBRARY_PATH=$libdir "$stage/consumer-shared"

cc -std=c11 -Wall -Wextra -Werror $san $(pkg-config --cflags curing) "$src/tests/consumer/consumer.c" \
	-o "$stage/consumer-static" "$libdir/libcuring.a"
"$stage/consumer-static"
if readelf -d "$stage/consumer-static" | grep NEEDED | grep libcuring >/dev/null; then
	echo "FAIL: static consumer depends on libcuring.so"; exit 1
fi

bad=$(nm -D --defined-only "$libdir/libcuring.so" | awk '{print $3}' | grep -v '^uring_' | grep -v '^uring__' || true)
internal=$(nm -D --defined-only "$libdir/libcuring.so" | awk '{print $3}' | grep '^uring__' || true)
if [ -n "$bad$internal" ]; then
	echo "FAIL: libcuring.so exports more than uring_*:"; echo "$bad$internal"; exit 1
fi
# Besides uring_*: the USDT probes' own hidden symbols (sys/sdt.h's base
# marker, and one semaphore per probe, named by provider and probe).
bad=$(nm -g --defined-only "$libdir/libcuring.a" 2>/dev/null | awk 'NF==3 {print $3}' |
	grep -v -E '^(uring_|_\.stapsdt\.base$|curing_[a-z]+_semaphore$)' || true)
if [ -n "$bad" ]; then
	echo "FAIL: libcuring.a defines globals outside uring_*/uring__*:"; echo "$bad"; exit 1
fi
echo "install: pkg-config consumers (shared, static) ok; $(nm -D --defined-only "$libdir/libcuring.so" | grep -c ' uring_') exported uring_* symbols, nothing else"
