#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Builds the kernel-matrix initramfs (cpio newc, gzip): busybox, dash, the
# few coreutils/util-linux programs the example checks need beyond busybox
# (stat -c %Hd, setpriv, prlimit), the test programs and files a manifest
# names (tests/kernels/manifest.py) at their own absolute paths, the shared
# libraries all of them link (readelf's NEEDED, followed recursively) and
# the dynamic loader, and tests/kernels/init as /init.
#
#   initramfs.sh ARCH USERLAND MANIFEST_DIR OUT
#
# ARCH: x86_64 | aarch64.  USERLAND: a root holding busybox (static), dash,
# stat, setpriv and prlimit in {usr/,}{s,}bin with their libraries under
# {usr/,}lib/ARCH-linux-gnu ("/" for the host's own).  MANIFEST_DIR holds
# tests.sh and files.
set -euo pipefail

arch=$1 userland=$2 manifest=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
triplet=$arch-linux-gnu
libdirs=("$userland/lib/$triplet" "$userland/usr/lib/$triplet" "/lib/$triplet" "/usr/lib/$triplet")
root="$out.d"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/$triplet,proc,sys,dev,tmp,root,etc,curing}

declare -A copied=()

# Copies one ELF file's libraries (and theirs) and its loader into the root.
copy_libs() {
	local f=$1 lib dir interp
	interp=$(readelf -l "$f" 2> /dev/null | sed -n 's/.*program interpreter: \(.*\)\]/\1/p')
	if [ -n "$interp" ] && [ -z "${copied[$interp]:-}" ]; then
		copied[$interp]=1
		mkdir -p "$root$(dirname "$interp")"
		for dir in "${libdirs[@]}"; do
			if [ -e "$dir/$(basename "$interp")" ]; then
				cp -L "$dir/$(basename "$interp")" "$root$interp"
				break
			fi
		done
		[ -e "$root$interp" ] || { echo "initramfs.sh: no loader $interp" >&2; exit 1; }
	fi
	for lib in $(readelf -d "$f" 2> /dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		[ -z "${copied[$lib]:-}" ] || continue
		copied[$lib]=1
		for dir in "${libdirs[@]}"; do
			if [ -e "$dir/$lib" ]; then
				cp -L "$dir/$lib" "$root/lib/$triplet/$lib"
				copy_libs "$root/lib/$triplet/$lib"
				continue 2
			fi
		done
		echo "initramfs.sh: $f needs $lib, not found in ${libdirs[*]}" >&2
		exit 1
	done
}

# Copies a file (or a directory) to PATH inside the root, with its libraries.
install_file() {
	local src=$1 dst=$2 f
	mkdir -p "$root$(dirname "$dst")"
	cp -a "$src" "$root$dst"
	while IFS= read -r f; do
		if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then copy_libs "$f"; fi
	done < <(find "$root$dst" -type f)
}

# USERLAND's program NAME, wherever its package puts it.
program() {
	local d
	for d in usr/bin bin usr/sbin sbin; do
		[ ! -e "$userland/$d/$1" ] || { echo "$userland/$d/$1"; return; }
	done
	echo "initramfs.sh: no $1 in $userland" >&2
	exit 1
}

# /bin/sh is dash, as on Debian: Debian's static busybox sh runs its own
# applets before PATH ("standalone shell"), and its stat and setpriv lack
# what tests/test_examples.sh uses.
install_file "$(program busybox)" /bin/busybox
install_file "$(program dash)" /bin/sh
for p in stat setpriv prlimit; do install_file "$(program "$p")" "/usr/bin/$p"; done
while IFS= read -r f; do
	[ -n "$f" ] && install_file "$f" "$f"
done < "$manifest/files"
cp "$here/init" "$root/init"
cp "$here/run-tests.sh" "$root/curing/run-tests.sh"
cp "$manifest/tests.sh" "$root/curing/tests.sh"
chmod 755 "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
rm -rf "$root"
