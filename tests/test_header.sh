#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# uring.h compiles alone (its own includes suffice, nothing predefined)
# under -std=c11 -Wall -Wextra -Werror -pedantic with gcc and clang, and as
# C++17 with g++ and clang++; each example of docs/examples compiles as
# written, with nothing defined on the command line, and says in its first
# lines what it needs ("Needs:").  Compilers not installed are skipped.
#
# usage: test_header.sh SOURCE_ROOT
set -euo pipefail
root=${1:?usage: test_header.sh SOURCE_ROOT}
strict=(-Wall -Wextra -Werror -pedantic)
checked=0
fail() { echo "FAIL: $*" >&2; exit 1; }

for cc in gcc clang; do
	command -v "$cc" >/dev/null || continue
	echo '#include <uring.h>' | "$cc" -std=c11 "${strict[@]}" -I "$root/include" -x c -fsyntax-only - ||
		fail "uring.h alone, $cc -std=c11"
	# The macros and inline functions expand cleanly where they are used.
	printf '#include <uring.h>\nint f(const uring_completion *c);\nint f(const uring_completion *c) { return uring_completion_buffer_id(c) + (int)uring_job_is_message(c->job) + (int)uring_message_value(c->job) + URING_VERSION; }\n' |
		"$cc" -std=c11 "${strict[@]}" -Wconversion -I "$root/include" -x c -fsyntax-only - ||
		fail "uring.h inline functions, $cc -Wconversion"
	for ex in "$root"/docs/examples/*.c; do
		"$cc" -std=c11 "${strict[@]}" -I "$root/include" -fsyntax-only "$ex" ||
			fail "$(basename "$ex") does not compile as written with $cc -std=c11"
		checked=$((checked + 1))
	done
	checked=$((checked + 2))
done
for cxx in g++ clang++; do
	command -v "$cxx" >/dev/null || continue
	printf '#include <uring.h>\nint main() { uring_completion c{}; return uring_completion_buffer_id(&c) + 1 + (uring_version() == URING_VERSION ? 0 : 1); }\n' |
		"$cxx" -std=c++17 "${strict[@]}" -I "$root/include" -x c++ -fsyntax-only - ||
		fail "uring.h as C++17 with $cxx"
	checked=$((checked + 1))
done
for ex in "$root"/docs/examples/*.c; do
	head -n 8 "$ex" | grep -q 'Needs:' || fail "$(basename "$ex") does not say what it needs in its first lines"
done
[ "$checked" -gt 0 ] || fail "no compiler found"
echo "header and examples: $checked compilations passed"
