#!/bin/sh
# Install what libeeh needs to build and test on Debian 12 (run as root);
# clang and its runtimes (libFuzzer, sanitizers) are for 'make fuzz'.
set -e
export DEBIAN_FRONTEND=noninteractive
# --browser: only what 'make check-browser' needs (headless Chromium), for
# the CI step that renders the HTML reports.
if [ "${1:-}" = "--browser" ]; then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends chromium python3 >/dev/null
	exit 0
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libpci-dev libudev-dev libjson-c-dev libcunit1-dev \
	pciutils umockdev libumockdev-dev python3 python3-jsonschema \
	libfuse3-dev fuse3 linux-source-6.12 xz-utils \
	clang-14 libclang-rt-14-dev >/dev/null
# The kernel's EEH selftests (tests/test-facade.sh) come from
# /usr/src/linux-source-6.12.tar.xz at test time; the VM tier's kernel build
# uses the same tarball.
# The VM tier (make check-vm): the kernel's build tools, QEMU and a static
# busybox for the initramfs.
apt-get install -y -qq --no-install-recommends \
	flex bison bc libelf-dev libssl-dev cpio qemu-system-x86 busybox-static >/dev/null
