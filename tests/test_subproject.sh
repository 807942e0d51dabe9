#!/usr/bin/env bash
# Embedding as a meson subproject: a consumer project whose subprojects/curing
# is this source tree finds it through dependency('curing'), which the
# library provides with meson.override_dependency.  The embedder gets the
# static library linked in and nothing else: curing defines no test, bench,
# example or fault-injection target there, and the embedder's install tree
# holds its own program only (no libcuring, uring.h, curing.pc, CMake
# package or man page), and curing is static even when asked to be shared.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp "$src/tests/consumer/consumer.c" "$work/"
cp "$src/tests/consumer/meson.build.in" "$work/meson.build"
mkdir "$work/subprojects"
ln -s "$(cd "$src" && pwd)" "$work/subprojects/curing"
meson setup "$work/build" "$work" --prefix=/usr/local >/dev/null
ninja -C "$work/build" >/dev/null
"$work/build/consumer"
if readelf -d "$work/build/consumer" | grep NEEDED | grep libcuring >/dev/null; then
	fail "the embedder's program needs libcuring.so"
fi

targets=$(meson introspect --targets "$work/build" |
	python3 -c 'import json, sys; print("\n".join(t["name"] for t in json.load(sys.stdin)))')
extra=$(grep -v -x -e consumer -e curing <<<"$targets" || true)
[ -z "$extra" ] || fail "the subproject defines targets beyond the library: $(echo $extra)"

meson install -C "$work/build" --destdir "$work/stage" --no-rebuild --quiet
installed=$(cd "$work/stage" && find . -type f -o -type l | sort)
[ "$installed" = "./usr/local/bin/consumer" ] || fail "the embedder's install tree holds more than its program: $(echo $installed)"

# Even asked for a shared curing, the embedder gets it linked in
# statically: a subproject installs nothing, so a libcuring.so would be
# missing wherever the embedder's program is installed.
meson setup "$work/build-shared" "$work" -Ddefault_library=shared -Dcuring:default_library=shared >/dev/null
ninja -C "$work/build-shared" >/dev/null
if readelf -d "$work/build-shared/consumer" | grep NEEDED | grep libcuring >/dev/null; then
	fail "with curing:default_library=shared, the embedder's program needs libcuring.so"
fi
echo "subproject: consumer built and ran; curing defines only its library and installs nothing"
