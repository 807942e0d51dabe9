#!/usr/bin/env bash
# The USDT probes: listed in the built library's notes (readelf -n), and,
# where bpftrace can attach here (root, a kernel with uprobes), each one
# fires once per job of a program doing 100 nops.
#
#   tests/test_usdt.sh BUILD_ROOT yes|no     (yes: sys/sdt.h was found)
# Exit 77 is meson's "skipped".
set -euo pipefail
build=$1
if [ "$2" != yes ]; then
	echo "skip: built without sys/sdt.h (Debian's systemtap-sdt-dev): no probes"; exit 77
fi
command -v readelf >/dev/null || { echo "skip: no readelf"; exit 77; }

lib=$(ls "$build"/libcuring.so* 2>/dev/null | head -n 1 || true)
[ -n "$lib" ] || lib="$build/libcuring.a"
notes=$(readelf -n "$lib")
for probe in queue submit complete; do
	# grep -c, not -q: an early exit would fail the pipe (pipefail) by SIGPIPE.
	if ! grep -A2 'Provider: curing' <<<"$notes" | grep -c "Name: $probe\$" >/dev/null; then
		echo "FAIL: $lib has no curing:$probe probe"; exit 1
	fi
done
echo "probes in $lib: $(grep -c 'Provider: curing' <<<"$notes") sites of curing:queue, submit, complete"

prog="$build/tests/test_tools"
if ! command -v bpftrace >/dev/null; then
	echo "attach: skipped, bpftrace is not installed"; exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "attach: skipped, bpftrace needs root"; exit 0
fi
script="usdt:$prog:curing:queue { @q = count(); }
usdt:$prog:curing:submit { @s = count(); }
usdt:$prog:curing:complete /arg1 == 0/ { @c = count(); }"
if ! out=$(timeout 120 bpftrace -e "$script" -c "$prog nops 100" 2>&1); then
	echo "attach: skipped, bpftrace could not attach here:"; echo "$out" | tail -n 3; exit 0
fi
for counter in q s c; do
	if ! grep -c "^@$counter: 100\$" <<<"$out" >/dev/null; then
		echo "FAIL: expected 100 events at each probe, bpftrace printed:"; echo "$out"; exit 1
	fi
done
echo "attach: bpftrace saw 100 queue, 100 submit and 100 complete events"
