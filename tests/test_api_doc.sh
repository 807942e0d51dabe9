#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# docs/api.md names every public function of include/uring.h: each function
# declared with URING_API, and each static inline function.  Fails, listing
# the missing names, when one is not mentioned (as a whole word).
#
# usage: test_api_doc.sh SOURCE_ROOT
set -eu -o pipefail

root=${1:?usage: test_api_doc.sh SOURCE_ROOT}
header=$root/include/uring.h
doc=$root/docs/api.md

for f in "$header" "$doc"; do
	if [ ! -r "$f" ]; then
		echo "missing: $f" >&2
		exit 1
	fi
done

names=$(bash "$root/tests/public_functions.sh" "$root")

count=$(grep -c . <<<"$names" || true)
if [ "$count" -lt 10 ]; then
	echo "found only $count function names in $header: the extraction is broken" >&2
	exit 1
fi

missing=()
while IFS= read -r name; do
	if ! grep -wF -- "$name" "$doc" >/dev/null; then
		missing+=("$name")
	fi
done <<<"$names"

if [ "${#missing[@]}" -gt 0 ]; then
	echo "docs/api.md does not mention ${#missing[@]} of the $count public functions:" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
echo "docs/api.md mentions all $count public functions of include/uring.h"
