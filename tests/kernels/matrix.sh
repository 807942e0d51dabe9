#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The kernel matrix: the test suite on Debian's cloud kernels under qemu,
# x86_64 (bullseye 5.10, bookworm 6.1, trixie 6.12, sid) and arm64 (trixie),
# plus the host kernel natively; a table kernel x test program, printed and
# written to docs/kernels.md.  `./curing.sh kernels` sets up and runs it.
#
#   matrix.sh HOST_BUILD AARCH64_BUILD [--only NAME] [--append ARGS] [KERNEL...]
#
# KERNEL: bullseye bookworm trixie sid trixie-arm64 host (default: all).
# --only NAME runs that test program alone, --append ARGS adds kernel
# command-line arguments (e.g. sysctl.kernel.io_uring_disabled=2); either
# makes a partial run, printed but not written to docs/kernels.md.
# CURING_KERNELS_VM_TIMEOUT bounds each VM (seconds, default 1200).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
host_build=$(realpath "$1") cross_build=$(realpath "$2")
shift 2
only="" append="" kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--only) only=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) kernels+=("$1"); shift ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=(bullseye bookworm trixie sid trixie-arm64 host)
partial=""
[ -z "$only$append" ] && [ ${#kernels[@]} -eq 6 ] || partial=1

# The VM holds the programs at their build paths, under its own mounts.
for d in "$src" "$host_build" "$cross_build"; do
	case $d/ in /tmp/* | /proc/* | /sys/* | /dev/*)
		echo "matrix.sh: $d is under a directory the VM mounts over; build elsewhere" >&2
		exit 2 ;;
	esac
done

cache="$host_build/kernels"
mkdir -p "$cache"
vm_timeout=${CURING_KERNELS_VM_TIMEOUT:-1200}
# The arm64 programs beyond the test build come from the host's own suite, so
# that they and the cross-built tests share the host's arm64 libc.
host_suite=$(. /etc/os-release && echo "$VERSION_CODENAME")

# One initramfs per architecture, from that build's test list.
initramfs() {
	local arch=$1 build=$2 userland=$3
	mkdir -p "$cache/$arch"
	python3 "$here/manifest.py" "$build" "$cache/$arch/tests.sh" "$cache/$arch/files"
	"$here/initramfs.sh" "$arch" "$userland" "$cache/$arch" "$cache/$arch/initramfs.gz"
}

declare -A built=()
columns="$cache/columns"
: > "$columns"
manifest=""
for k in "${kernels[@]}"; do
	case $k in
	host)
		echo "== host kernel $(uname -r): meson test"
		start=$(date +%s)
		args=(--num-processes 2 --logbase kernels-host)
		[ -z "$only" ] || args+=("$only")
		meson test -C "$host_build" "${args[@]}" > "$cache/host.log" 2>&1 || true
		printf '%s\tmeson\t%s\t%s\n' "$(uname -r) (host)" \
			"$host_build/meson-logs/kernels-host.json" "$(($(date +%s) - start))" >> "$columns"
		[ -n "$manifest" ] || { initramfs x86_64 "$host_build" / > /dev/null; manifest="$cache/x86_64/tests.sh"; }
		continue ;;
	*-arm64) suite=${k%-arm64} debarch=arm64 arch=aarch64 build=$cross_build ;;
	*) suite=$k debarch=amd64 arch=x86_64 build=$host_build ;;
	esac
	kdir=$("$here/fetch.sh" "$cache" "$suite" "$debarch")
	if [ "${built[$arch]:-}" != 1 ]; then
		if [ $arch = x86_64 ]; then
			userland=/
		else
			userland=$("$here/fetch.sh" "$cache" "$host_suite" arm64 busybox-static dash \
				coreutils util-linux libselinux1 libpcre2-8-0 libcap-ng0 libsmartcols1)
		fi
		initramfs "$arch" "$build" "$userland"
		built[$arch]=1
	fi
	[ -n "$manifest" ] || manifest="$cache/$arch/tests.sh"
	pkgver=$(cut -d' ' -f2 "$kdir/version")
	echo "== $k: $(cat "$kdir/version") under qemu-system-$arch (TCG)"
	extra=()
	[ -z "$only" ] || extra+=("curing.only=$only")
	initrd="$cache/$arch/initramfs.gz"
	if [ -f "$kdir/loop.ko" ]; then
		# The kernel's own modules ride in a second cpio archive after
		# the shared one (the kernel unpacks concatenated archives).
		mkdir -p "$kdir/modules/lib/modules"
		cp "$kdir/loop.ko" "$kdir/modules/lib/modules/"
		(cd "$kdir/modules" && find . | cpio -o -H newc --quiet | gzip -1) > "$kdir/modules.gz"
		cat "$initrd" "$kdir/modules.gz" > "$kdir/initrd.gz"
		initrd="$kdir/initrd.gz"
	fi
	start=$(date +%s)
	for attempt in 1 2 3; do
		"$here/boot.sh" "$arch" "$kdir/vmlinuz" "$initrd" "$cache/$k.console" \
			"$vm_timeout" "${extra[@]}" $append || echo "   qemu ended with status $? (a timeout is 137)"
		# A kernel that panics before it reaches our init ran none of the
		# code under test (seen twice: 6.12 under TCG, an int3 in early
		# text patching); boot it again, up to three times, and say so.  A panic after
		# init started is a result, and stays one.
		grep -q '^@@curing boot' "$cache/$k.console" && break
		grep -q 'Kernel panic' "$cache/$k.console" || break
		[ $attempt = 3 ] || echo "   the kernel panicked before init: booting it again"
	done
	wall=$(($(date +%s) - start))
	echo "   $wall s"
	label="${pkgver%-*} ($suite)"
	[ $arch = x86_64 ] || label="${pkgver%-*} ($suite, $debarch)"
	printf '%s\tconsole\t%s\t%s\n' "$label" "$cache/$k.console" "$wall" >> "$columns"
done

echo
doc=()
[ -n "$partial" ] || doc=("$src/docs/kernels.md")
python3 "$here/table.py" "$columns" "$manifest" "${doc[@]}"
