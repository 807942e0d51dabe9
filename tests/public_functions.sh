#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Prints the public functions of include/uring.h, one a line: each function
# declared with URING_API, and each static inline function.  The compiler's
# preprocessor removes the comments (a comment may hold ';' or '*/' after a
# macro continuation line, which defeats text-based stripping).
#
# usage: public_functions.sh SOURCE_ROOT
set -euo pipefail
root=${1:?usage: public_functions.sh SOURCE_ROOT}
cc=${CC:-cc}
printf '#include <uring.h>\n' |
	"$cc" -E -P -std=c11 -I "$root/include" -x c - |
	tr '\n' ' ' | tr ';{}' '\n\n\n' |
	grep -E '^[[:space:]]*(__attribute__\(\(visibility\("default"\)\)\)|static[[:space:]]+inline)' |
	grep -oE '\buring_[a-z0-9_]+[[:space:]]*\(' | sed -E 's/[[:space:]]*\($//' |
	sort -u
