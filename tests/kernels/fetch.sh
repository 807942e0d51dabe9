#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Fetches one of Debian's cloud kernels with a private apt configuration
# (its own sources list, package lists and cache under CACHE), never the
# system's apt state; the mirror is the one this machine's apt already uses.
# A second run downloads nothing: what was extracted is kept.
#
#   fetch.sh CACHE SUITE ARCH          the cloud kernel; prints its directory
#                                      (vmlinuz, config, version, and
#                                      loop.ko when the driver is a module)
#   fetch.sh CACHE SUITE ARCH PKG...   those packages, extracted into one
#                                      root; prints its directory
set -euo pipefail

cache=$(realpath -m "$1") suite=$2 arch=$3
shift 3
if [ $# -gt 0 ]; then
	out="$cache/$suite-$arch-userland"
	[ -f "$out/.complete" ] && { echo "$out"; exit 0; }
else
	out="$cache/$suite-$arch"
	[ -f "$out/version" ] && { echo "$out"; exit 0; }
fi

# The machine's Debian mirror: the first URI of its deb822 sources, else of
# sources.list, that serves the main archive (not the security one).
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { print $i; break } }' "$f"
	done
}
uri=$(mirror_uri | grep -v -e security -e '^cdrom:' | head -n 1)
[ -n "$uri" ] || { echo "fetch.sh: no Debian mirror in the apt sources" >&2; exit 1; }

apt="$cache/apt/$suite-$arch"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/parts" "$apt/etc/prefs"
: > "$apt/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [arch=$arch signed-by=$keyring] $uri $suite main" > "$apt/etc/sources.list"
aptopts=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
	-o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
	-o "Dir::Cache=$apt/cache" -o "Dir::Etc::SourceList=$apt/etc/sources.list"
	-o "Dir::Etc::SourceParts=$apt/etc/parts" -o "Dir::Etc::PreferencesParts=$apt/etc/prefs"
	-o "Dir::Etc::Preferences=$apt/etc/prefs/none" -o "Acquire::Languages=none"
	-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
apt-get "${aptopts[@]}" -qq update
debs="$apt/debs"
rm -rf "$debs" "$out"
mkdir -p "$debs" "$out"

if [ $# -gt 0 ]; then
	(cd "$debs" && apt-get "${aptopts[@]}" -qq download "$@")
	for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$out"; done
	rm -rf "$debs"
	touch "$out/.complete"
	echo "$out"
	exit 0
fi

# The metapackage depends on the versioned image package; sid splits that
# again: vmlinuz in linux-binary-*, the config in linux-base-*, both under
# /usr/lib/modules/VERSION (older suites: /boot/vmlinuz-VERSION).
deps() {
	apt-cache "${aptopts[@]}" depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$1" |
		awk '$1 ~ /Depends:$/ { print $2 }' | grep -E '^linux-(image|binary|base)-[0-9]' | tr -d '<>' || true
}
pkgs="" todo="linux-image-cloud-$arch"
while [ -n "${todo// /}" ]; do
	read -r p todo <<< "$todo"
	case " $pkgs " in *" $p "*) continue ;; esac
	pkgs="$pkgs $p"
	todo="$todo $(deps "$p" | tr '\n' ' ')"
done
(cd "$debs" && apt-get "${aptopts[@]}" -qq download $pkgs)
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$out/root"; done
vmlinuz=$(ls "$out"/root/boot/vmlinuz-* "$out"/root/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] || { echo "fetch.sh: no vmlinuz in$pkgs ($suite $arch)" >&2; exit 1; }
case $vmlinuz in
*/boot/*) version=${vmlinuz##*/vmlinuz-} config="$out/root/boot/config-$version" ;;
*) version=$(basename "$(dirname "$vmlinuz")") config="$out/root/usr/lib/modules/$version/config" ;;
esac
cp "$vmlinuz" "$out/vmlinuz"
cp "$config" "$out/config"
# The loop driver, for the tests that need a block device (test_discard):
# Debian builds it as a module (xz, or zstd in newer suites), which the VM
# loads from a second archive of the initramfs (matrix.sh, init).
loop=$(find "$out/root" -path '*/drivers/block/loop.ko*' | head -n 1)
case $loop in
*.xz) xz -dc "$loop" > "$out/loop.ko" ;;
*.zst) zstd -qdc "$loop" > "$out/loop.ko" ;;
*.ko) cp "$loop" "$out/loop.ko" ;;
esac
# The Debian package version too: "6.1.0-28-cloud-amd64" alone does not say
# which upload it was.
pkgver=$(dpkg-deb -f "$(ls "$debs"/linux-image-"$version"*.deb | head -n 1)" Version)
echo "$version $pkgver" > "$out/version"
rm -rf "$out/root" "$debs"
echo "$out"
