#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Boots one kernel under qemu (TCG: nested KVM is not available where this
# runs) with the matrix initramfs, its serial console written to LOG; the
# whole VM runs under `timeout`, so a hung kernel ends as a failure.
#
#   boot.sh ARCH VMLINUZ INITRAMFS LOG TIMEOUT_S [EXTRA KERNEL ARGS...]
set -euo pipefail

arch=$1 kernel=$2 initrd=$3 log=$4 limit=$5
shift 5
append="quiet loglevel=1 panic=-1 $*"
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -M q35 -cpu max)
	append="console=ttyS0 $append" ;;
aarch64)
	# pauth-impdef: QEMU's own pointer-authentication hash, much faster
	# under TCG than the architected QARMA one.
	qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on)
	append="console=ttyAMA0 $append" ;;
*) echo "boot.sh: unknown arch $arch" >&2; exit 2 ;;
esac
rm -f "$log"
timeout -s KILL "$limit" "${qemu[@]}" -accel tcg,thread=multi -smp 2 -m 2G \
	-display none -monitor none -serial "file:$log" -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" < /dev/null
