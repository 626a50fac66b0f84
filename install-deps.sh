#!/bin/sh
# Install what libeeh needs to build and test on Debian 12 (run as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libpci-dev libudev-dev libjson-c-dev libcunit1-dev \
	pciutils umockdev libumockdev-dev python3 >/dev/null
# The VM tier (make check-vm): Debian's kernel source, its build tools,
# QEMU and a static busybox for the initramfs.
apt-get install -y -qq --no-install-recommends \
	linux-source-6.12 flex bison bc libelf-dev libssl-dev cpio xz-utils \
	qemu-system-x86 busybox-static >/dev/null
