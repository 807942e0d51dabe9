#!/usr/bin/env bash
# Embedding as a meson subproject: a consumer project whose subprojects/curing
# is this source tree finds it through dependency('curing'), which the
# library provides with meson.override_dependency.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/tests/consumer/consumer.c" "$work/"
cp "$src/tests/consumer/meson.build.in" "$work/meson.build"
mkdir "$work/subprojects"
ln -s "$(cd "$src" && pwd)" "$work/subprojects/curing"
meson setup "$work/build" "$work" >/dev/null
ninja -C "$work/build" >/dev/null
"$work/build/consumer"
# A subproject build compiles no tests, benchmarks or examples of curing.
if find "$work/build/subprojects" -name 'test_*' -type f | grep . >/dev/null; then
	echo "FAIL: the subproject built curing's tests"; exit 1
fi
echo "subproject: consumer built and ran"
