#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the test programs of a manifest (tests/kernels/manifest.py) as
# `meson test` would: in the test's working directory, with its environment
# and a random MALLOC_PERTURB_, one at a time, each under its meson timeout
# times CURING_TIMEOUT_SCALE.  For each it prints its output and status:
#
#   @@curing log NAME: LINE                       (stdout and stderr)
#   @@curing result NAME SUITE EXIT_STATUS SECONDS TIME_LIMIT
#   @@curing host-only NAME SUITE REASON
#
# tests/kernels/table.py reads these and decides pass, skip or fail.
#
#   run-tests.sh MANIFEST [ONLY]     ONLY: run that program alone
manifest=$1 only=${2:-}
scale=${CURING_TIMEOUT_SCALE:-1}
log=${TMPDIR:-/tmp}/curing-test.log

uptime_s() { cut -d. -f1 /proc/uptime; }

host_only() {
	[ -z "$only" ] || [ "$only" = "$1" ] || return 0
	echo "@@curing host-only $*"
}

run_test() {
	name=$1 suite=$2 limit=$(($3 * scale)) wd=$4
	shift 4
	env=""
	while [ "$1" != "--" ]; do env="$env $1"; shift; done
	shift
	[ -z "$only" ] || [ "$only" = "$name" ] || return 0
	t0=$(uptime_s)
	# shellcheck disable=SC2086 # $env: NAME=VALUE words without spaces
	(cd "$wd" && exec env $env MALLOC_PERTURB_=$(($(od -An -N1 -tu1 /dev/urandom) % 255 + 1)) \
		timeout -s KILL "$limit" "$@") > "$log" 2>&1 < /dev/null
	rc=$?
	# The end of a runaway log is what tells.
	tail -n 3000 "$log" | sed "s/^/@@curing log $name: /"
	echo "@@curing result $name $suite $rc $(($(uptime_s) - t0)) $limit"
}

# shellcheck disable=SC1090
. "$manifest"
