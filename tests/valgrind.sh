#!/usr/bin/env bash
# Runs the unit and integration suites under valgrind memcheck: any memory
# error, or a definitely lost block, fails the test (exit code 1).  Then
# the examples (docs/examples), each run through its own checks with every
# example process under memcheck: their errors are counted and must be 0.
#
#   tests/valgrind.sh [BUILD_DIR=build-valgrind]
#
# The build directory is configured (gcc, no sanitizers) if it does not
# exist.  valgrind 3.19 knows io_uring_setup/enter/register, and the
# library's memory shared with the kernel (the rings, the SQE array, buffer
# rings) is mmap'ed, which memcheck treats as defined.  Tests that cannot run
# meaningfully under valgrind are listed in SKIP with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" -Dwerror=true -Dbenchmarks=false >/dev/null
fi
meson configure "$dir" -Dexamples=true >/dev/null
ninja -C "$dir" -j2 >/dev/null

# install and subproject run meson and compilers, not the library: they
# would only measure those under valgrind.  wait interrupts a blocking
# uring_wait with SIGALRM: valgrind delivers a signal to a thread only when
# its syscall returns, and an io_uring_enter waiting for a completion that
# only the signal would end never returns (the test then hangs, not fails).
# tools_asan is built with ASan, whose runtime cannot run under valgrind;
# usdt runs readelf and bpftrace, not the library.
SKIP="install subproject wait tools_asan usdt"

tests=$(meson test -C "$dir" --list --suite unit --suite integration 2>/dev/null |
	grep ' / ' | awk '{print $NF}')
run=()
for t in $tests; do
	case " $SKIP " in *" $t "*) echo "skip under valgrind: $t"; continue ;; esac
	run+=("$t")
done
meson test -C "$dir" --print-errorlogs --timeout-multiplier 10 --num-processes "${JOBS:-2}" \
	--wrapper 'valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --track-fds=no --quiet' \
	"${run[@]}"

# The examples: each binary replaced by a script that runs it under
# memcheck with a log per process (the checks also expect some runs to
# fail, so errors are counted from the logs, not from exit codes).
ex=$(mktemp -d /tmp/curing-valgrind-XXXXXX)
trap 'rm -rf "$ex"' EXIT
for name in walkthrough urcat urstat urcp echo-server; do
	printf '#!/bin/sh\nexec valgrind --leak-check=full --errors-for-leak-kinds=definite --track-fds=no --log-file=%s/%s.%%p.log %s "$@"\n' \
		"$ex" "$name" "$PWD/$dir/docs/examples/$name" > "$ex/$name"
	chmod +x "$ex/$name"
done
for part in walkthrough urcat urstat urcp; do
	tests/test_examples.sh "$part" "$ex/walkthrough" "$ex/urcat" "$ex/urstat" "$ex/urcp" >/dev/null
done
"$dir/docs/examples/test_echo_server" "$ex/echo-server" >/dev/null
runs=$(ls "$ex"/*.log | wc -l)
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$ex"/*.log | awk '{n += $1} END {print n + 0}')
echo "examples under memcheck: $runs processes, $errors errors"
if [ "$errors" -ne 0 ]; then
	grep -l 'ERROR SUMMARY: [1-9]' "$ex"/*.log | head -n 3 | xargs cat
	exit 1
fi
