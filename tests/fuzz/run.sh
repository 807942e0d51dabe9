#!/usr/bin/env bash
# Builds the libFuzzer harness (tests/fuzz/fuzz_ring.c) with clang, ASan and
# UBSan in its own build directory and runs it for a bounded time, then
# prints libFuzzer's final figures: executions, coverage (cov: edges,
# ft: features), corpus size.
#
#   tests/fuzz/run.sh [SECONDS=60] [extra libFuzzer flags...]
#
# BUILD_DIR (default build-fuzz) and CC (default clang) may be set.  New
# inputs go to $BUILD_DIR/fuzz-corpus; the committed seeds in
# tests/fuzz/corpus are only read.  A crash leaves crash-* in $BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
BUILD_DIR=${BUILD_DIR:-build-fuzz}
export CC=${CC:-clang}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
	meson setup "$BUILD_DIR" -Dwerror=true -Dbenchmarks=false -Dexamples=false >/dev/null
fi
ninja -C "$BUILD_DIR" -j2 tests/fuzz_ring >/dev/null
fuzzer="$BUILD_DIR/tests/fuzz_ring"
[ -x "$fuzzer" ] || { echo "fuzz/run.sh: $CC cannot build libFuzzer targets" >&2; exit 1; }

work="$BUILD_DIR/fuzz-corpus"
mkdir -p "$work"
log="$BUILD_DIR/fuzz.log"
echo "== fuzz_ring: ${secs}s, log in $log =="
set +e
(cd "$BUILD_DIR" && "./tests/fuzz_ring" -max_total_time="$secs" -print_final_stats=1 \
	-timeout=30 -rss_limit_mb=2048 -max_len=1024 "$@" \
	"fuzz-corpus" "../tests/fuzz/corpus") >"$log" 2>&1
rc=$?
set -e
# The last status line (#N ... cov: ... ft: ... corp: ... exec/s ...) and
# the final stats block.
grep -E '^#[0-9]+' "$log" | tail -n 1
grep -E '^stat::' "$log" || true
if [ $rc -ne 0 ]; then
	echo "fuzz_ring failed (exit $rc); the end of the log:" >&2
	tail -n 40 "$log" >&2
	exit $rc
fi
