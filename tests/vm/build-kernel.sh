#!/bin/sh
# Build (or reuse) the VM tier's kernel: Debian's linux-source-6.12 with
# tests/vm/kernel.config (then any overlay fragments named as arguments,
# e.g. kernel-compat.config) merged onto tinyconfig. The bzImage is cached
# outside the tree in $EEH_VM_CACHE (default /var/cache/libeeh-vm), keyed by
# the sha256 of the fragments and the package version, so a
# machine that runs CI again rebuilds only when the key changes.
# Prints the bzImage's path on stdout; everything else goes to stderr.
# Exit 1 when the kernel cannot be built (a failure, never a skip).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/kernel.config
overlays=
for o in "$@"; do overlays="$overlays $here/$o"; done
cache=${EEH_VM_CACHE:-/var/cache/libeeh-vm}
tarball=/usr/src/linux-source-6.12.tar.xz
pkg=linux-source-6.12

die() { echo "build-kernel: $*" >&2; exit 1; }

version=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (apt-get install $pkg)"
[ -r "$tarball" ] || die "$tarball missing"
# shellcheck disable=SC2086
key=$( { cat "$fragment" $overlays; echo "$pkg $version"; } | sha256sum | cut -c1-16)
dir=$cache/$key
mkdir -p "$dir" || die "cannot create $dir"

# One builder per key: a second make check-vm waits for the first.
exec 9>"$dir/lock"
flock 9

if [ -s "$dir/bzImage" ]; then
	echo "build-kernel: reusing $dir/bzImage ($pkg $version)" >&2
	echo "$dir/bzImage"
	exit 0
fi

for t in flex bison bc gcc make; do
	command -v $t >/dev/null || die "$t missing (apt-get install flex bison bc libelf-dev)"
done

src=$dir/src
rm -rf "$src"
mkdir -p "$src"
echo "build-kernel: unpacking $tarball" >&2
tar -xJf "$tarball" -C "$src" --strip-components=1 || die "cannot unpack $tarball"

start=$(date +%s)
jobs=${EEH_VM_JOBS:-$(nproc)}
(
	cd "$src"
	make -s ARCH=x86_64 tinyconfig
	# shellcheck disable=SC2086
	scripts/kconfig/merge_config.sh -m .config "$fragment" $overlays >/dev/null
	make -s ARCH=x86_64 olddefconfig
	# An option the fragments set that olddefconfig dropped (an unmet
	# dependency) is a build failure: the tests would miss what they
	# test. The last fragment to name an option decides it.
	# shellcheck disable=SC2086
	cat "$fragment" $overlays |
		sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1 y/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1 n/p' |
		awk '{ v[$1] = $2 } END { for (o in v) if (v[o] == "y") print o "=y" }' |
		while read -r opt; do
			grep -qx "$opt" .config || { echo "build-kernel: $opt dropped" >&2; exit 1; }
		done
	nice make -s ARCH=x86_64 -j"$jobs" bzImage
) >&2 || die "kernel build failed (source in $src)"
cp "$src/arch/x86/boot/bzImage" "$dir/bzImage.tmp"
cp "$src/.config" "$dir/config"
mv "$dir/bzImage.tmp" "$dir/bzImage"
end=$(date +%s)
echo "build-kernel: built in $((end - start)) s" >&2
echo "$(date -u +%FT%TZ) built in $((end - start)) s" >"$dir/build-time"
rm -rf "$src"
echo "$dir/bzImage"
