#!/usr/bin/env bash
# Runs the unit and integration suites under valgrind memcheck: any memory
# error, or a definitely lost block, fails the test (exit code 1).
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
	meson setup "$dir" -Dwerror=true -Dbenchmarks=false -Dexamples=false >/dev/null
fi
ninja -C "$dir" -j2 >/dev/null

# install and subproject run meson and compilers, not the library: they
# would only measure those under valgrind.  wait interrupts a blocking
# uring_wait with SIGALRM: valgrind delivers a signal to a thread only when
# its syscall returns, and an io_uring_enter waiting for a completion that
# only the signal would end never returns (the test then hangs, not fails).
SKIP="install subproject wait"

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
