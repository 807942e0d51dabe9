#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the example programs in docs/examples and checks what they print and
# write.  Usage: test_examples.sh PART WALKTHROUGH URCAT URSTAT URCP
# PART: walkthrough | urcat | urstat | urcp | urcp-large
set -eu

# Absolute paths: some checks run from another directory.
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
part=$1
walkthrough=$(abs "$2") urcat=$(abs "$3") urstat=$(abs "$4") urcp=$(abs "$5")
scratch=$(mktemp -d /tmp/curing-examples-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# A file of exactly N pseudo-random bytes.
make_file() { head -c "$2" /dev/urandom > "$1"; [ "$(stat -c %s "$1")" -eq "$2" ] || fail "make_file $1"; }

check_walkthrough() {
	mkdir "$scratch/run"
	"$walkthrough" "$scratch/run" > "$scratch/out"
	cat "$scratch/out"
	[ "$(cat "$scratch/run/test.log")" = "INFO: A log message" ] || fail "test.log reads '$(cat "$scratch/run/test.log")'"
	[ "$(stat -c %s "$scratch/run/test.log")" -eq 19 ] || fail "test.log size"
	grep -qx 'openat2 "test.log": job queued' "$scratch/out" || fail "no openat2 step"
	grep -qx 'wait: result [0-9][0-9]*, data Open_log' "$scratch/out" || fail "open did not complete"
	grep -qx 'wait: result 19, data Write_all' "$scratch/out" || fail "writev did not write 19 bytes"
	grep -qx 'wait: result 0, data Close_log' "$scratch/out" || fail "close did not complete"
	grep -qx 'exit: 0' "$scratch/out" || fail "no clean exit"
	[ "$(grep -c '^submit: 1$' "$scratch/out")" -eq 3 ] || fail "expected three submits of one job"
	# Run again in the same directory: O_CREAT without O_TRUNC rewrites in place.
	"$walkthrough" "$scratch/run" > /dev/null
	[ "$(cat "$scratch/run/test.log")" = "INFO: A log message" ] || fail "second run"
	# Without an argument it runs in the current directory.
	mkdir "$scratch/cwd"
	(cd "$scratch/cwd" && "$walkthrough" > /dev/null)
	[ "$(cat "$scratch/cwd/test.log")" = "INFO: A log message" ] || fail "run in cwd"
	if "$walkthrough" "$scratch/missing" 2> /dev/null; then fail "a missing directory is not an error"; fi
}

check_urcat() {
	for n in 0 1 4095 131072 300007; do
		make_file "$scratch/f$n" "$n"
		"$urcat" "$scratch/f$n" > "$scratch/out"
		cmp "$scratch/f$n" "$scratch/out" || fail "urcat of $n bytes"
	done
	"$urcat" "$scratch/f1" "$scratch/f4095" "$scratch/f0" "$scratch/f300007" > "$scratch/out"
	cat "$scratch/f1" "$scratch/f4095" "$scratch/f300007" | cmp - "$scratch/out" || fail "urcat of several files"
	# Through a pipe, and from standard input.
	"$urcat" "$scratch/f300007" | cmp - "$scratch/f300007" || fail "urcat into a pipe"
	"$urcat" < "$scratch/f131072" | cmp - "$scratch/f131072" || fail "urcat of stdin"
	# A missing file: message, status 1, the other files still copied.
	if "$urcat" "$scratch/f1" "$scratch/nope" > "$scratch/out" 2> "$scratch/err"; then fail "missing file gave status 0"; fi
	grep -q "nope: No such file or directory" "$scratch/err" || fail "urcat error message: $(cat "$scratch/err")"
	cmp "$scratch/f1" "$scratch/out" || fail "urcat output around an error"
}

# One urstat field against stat(1)'s.
field() { sed -n "s/.*$1: *\([^[:space:]]*\).*/\1/p" "$scratch/out" | head -n 1; }

check_urstat() {
	make_file "$scratch/file" 12345
	chmod 0640 "$scratch/file"
	ln -s file "$scratch/link"
	mkdir "$scratch/dir"
	for f in file link dir; do
		p="$scratch/$f"
		TZ=UTC "$urstat" "$p" > "$scratch/out"
		cat "$scratch/out"
		[ "$(field Size)" = "$(stat -c %s "$p")" ] || fail "$f: Size"
		[ "$(field Blocks)" = "$(stat -c %b "$p")" ] || fail "$f: Blocks"
		[ "$(field 'IO Block')" = "$(stat -c %o "$p")" ] || fail "$f: IO Block"
		[ "$(field Inode)" = "$(stat -c %i "$p")" ] || fail "$f: Inode"
		[ "$(field Links)" = "$(stat -c %h "$p")" ] || fail "$f: Links"
		[ "$(field Device)" = "$(stat -c %Hd,%Ld "$p")" ] || fail "$f: Device"
		grep -q "^Access: ($(stat -c %04a/%A "$p"))" "$scratch/out" || fail "$f: mode"
		grep -q "Uid: ( *$(stat -c %u "$p")/" "$scratch/out" || fail "$f: Uid"
		grep -q "Gid: ( *$(stat -c %g "$p")/" "$scratch/out" || fail "$f: Gid"
		grep -q "$(stat -c %F "$p")\$" "$scratch/out" || fail "$f: file type"
		grep -qx "Modify: $(TZ=UTC stat -c %y "$p")" "$scratch/out" || fail "$f: Modify"
		grep -qx "Change: $(TZ=UTC stat -c %z "$p")" "$scratch/out" || fail "$f: Change"
	done
	# -L follows the link.
	"$urstat" -L "$scratch/link" > "$scratch/out"
	[ "$(field Inode)" = "$(stat -c %i "$scratch/file")" ] || fail "-L: Inode"
	if "$urstat" "$scratch/nope" 2> "$scratch/err"; then fail "missing file gave status 0"; fi
	grep -q "No such file or directory" "$scratch/err" || fail "urstat error message"
}

copy_and_compare() {
	src=$1; shift
	rm -f "$scratch/copy"
	"$urcp" "$@" "$src" "$scratch/copy" 2> "$scratch/err" || { cat "$scratch/err" >&2; fail "urcp $* $src"; }
	cmp "$src" "$scratch/copy" || fail "copy of $src differs ($*)"
	[ "$(stat -c %a "$src")" = "$(stat -c %a "$scratch/copy")" ] || fail "copy of $src: mode"
}

check_urcp() {
	for n in 0 1 12345 131072 131073 1048583; do   # 1048583 = 1 MiB + 7
		make_file "$scratch/f$n" "$n"
		copy_and_compare "$scratch/f$n"
		copy_and_compare "$scratch/f$n" --fixed
		copy_and_compare "$scratch/f$n" --fixed --depth 3 --block-size 4096
		copy_and_compare "$scratch/f$n" --depth 1 --block-size 1000
	done
	# Over an existing, longer destination: truncated first.
	make_file "$scratch/copy" 2000000
	"$urcp" "$scratch/f12345" "$scratch/copy"
	cmp "$scratch/f12345" "$scratch/copy" || fail "copy over a longer file"
	# --fixed where the kernel may not pin the buffer: a clear message and
	# a correct copy anyway (CAP_IPC_LOCK dropped so the limit applies; the
	# limit leaves room for the rings, which newer kernels charge to it too).
	if setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock true 2> /dev/null; then
		rm -f "$scratch/copy"
		setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock \
			prlimit --memlock=262144 "$urcp" --fixed "$scratch/f1048583" "$scratch/copy" 2> "$scratch/err"
		grep -q "RLIMIT_MEMLOCK too low" "$scratch/err" || fail "no fallback message: $(cat "$scratch/err")"
		cmp "$scratch/f1048583" "$scratch/copy" || fail "fallback copy differs"
	else
		echo "note: setpriv cannot drop CAP_IPC_LOCK here; the memlock fallback is not exercised"
	fi
	# Errors: a missing source, a directory, bad arguments.
	if "$urcp" "$scratch/nope" "$scratch/copy" 2> "$scratch/err"; then fail "missing source gave status 0"; fi
	grep -q "No such file or directory" "$scratch/err" || fail "urcp error message"
	if "$urcp" "$scratch" "$scratch/copy" 2> /dev/null; then fail "copying a directory gave status 0"; fi
	if "$urcp" --depth 0 "$scratch/f1" "$scratch/copy" 2> /dev/null; then fail "--depth 0 accepted"; fi
}

check_urcp_large() {
	make_file "$scratch/big" $((200 * 1024 * 1024))
	copy_and_compare "$scratch/big"
	copy_and_compare "$scratch/big" --fixed
}

case $part in
walkthrough) check_walkthrough ;;
urcat) check_urcat ;;
urstat) check_urstat ;;
urcp) check_urcp ;;
urcp-large) check_urcp_large ;;
*) fail "unknown part $part" ;;
esac
echo "ok: $part"
