#!/usr/bin/env bash
# curing's one setup+run script.
#
#   ./curing.sh demo    set up, build, run the walkthrough example and a short
#                       benchmark summary (the main job)
#   ./curing.sh test    set up, build, run every test suite
#   ./curing.sh bench   set up, build, run the full benchmarks (bench/run.sh full)
#   ./curing.sh asan    set up, build with ASan+UBSan, run every test suite
#   ./curing.sh kernels set up, build (also for arm64), run every test suite
#                       on Debian's kernels under qemu and on this one, and
#                       write the table to docs/kernels.md; arguments after
#                       "kernels" go to tests/kernels/matrix.sh
#
# Setting up means: install the Debian packages that are missing (when run as
# root; otherwise say which are missing and stop), then configure and build
# in ./build (or $BUILD_DIR).
set -euo pipefail

cd "$(dirname "$0")"
BUILD_DIR=${BUILD_DIR:-build}
CORE_PKGS="gcc meson ninja-build pkg-config libcmocka-dev groff-base man-db cmake"
BENCH_PKGS="liburing-dev fio wrk gnuplot-nox"
KERNEL_PKGS="qemu-system-x86 qemu-system-arm busybox-static cpio xz-utils zstd gcc-aarch64-linux-gnu
	libc6-dev-arm64-cross libcmocka-dev:arm64 debian-archive-keyring python3"
# Optional: memcheck client requests and USDT probes are compiled in when
# their headers are there (the build works without them).
TOOL_PKGS="valgrind systemtap-sdt-dev"

missing_packages() {
	local missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	echo "$missing"
}

install_packages() {
	local missing
	missing=$(missing_packages "$@")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "curing: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
		exit 1
	fi
	echo "curing: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

configure_and_build() {
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@"
	fi
	ninja -C "$dir"
}

cmd=${1:-demo}
case "$cmd" in
demo)
	install_packages $CORE_PKGS liburing-dev
	configure_and_build "$BUILD_DIR"
	echo
	echo "== walkthrough (the OCaml README's example, in C) =="
	scratch=$(mktemp -d)
	if ! "$BUILD_DIR/docs/examples/walkthrough" "$scratch"; then
		rm -rf "$scratch"
		echo "curing: the walkthrough failed: the reason is printed above" >&2
		exit 1
	fi
	echo "\$ cat test.log"
	cat "$scratch/test.log"; echo
	rm -rf "$scratch"
	echo
	echo "== nop throughput, curing against liburing (quick) =="
	"$BUILD_DIR/bench/nop" --quick | sed -n '/^mem /p;/^|/,$p'
	;;
test)
	install_packages $CORE_PKGS $TOOL_PKGS
	configure_and_build "$BUILD_DIR"
	meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2
	;;
asan)
	install_packages $CORE_PKGS $TOOL_PKGS
	# b_lundef=false: clang links no sanitizer runtime into shared libraries,
	# so libcuring.so has undefined __asan_* symbols until a program loads it.
	configure_and_build "${BUILD_DIR}-asan" -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "${BUILD_DIR}-asan" --print-errorlogs --num-processes 2
	;;
bench)
	install_packages $CORE_PKGS $BENCH_PKGS
	# A release build of its own (bench/run.sh configures it): the default
	# build is debug-optimised, with assertions.
	BUILD_DIR="${BUILD_DIR}-bench" bash bench/run.sh "${2:-full}"
	;;
kernels)
	# The arm64 cmocka comes from Debian's multiarch.
	if [ "$(id -u)" -eq 0 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt-get update -qq
	fi
	install_packages $CORE_PKGS $KERNEL_PKGS
	configure_and_build "$BUILD_DIR"
	configure_and_build "${BUILD_DIR}-aarch64" --cross-file tests/kernels/aarch64-linux-gnu.ini \
		-Dbenchmarks=false
	shift
	tests/kernels/matrix.sh "$BUILD_DIR" "${BUILD_DIR}-aarch64" "$@"
	;;
*)
	echo "usage: $0 demo|test|bench|asan|kernels" >&2
	exit 2
	;;
esac
