#!/bin/sh
# make check-vm: build (or reuse) the kernels, pack an initramfs with
# busybox-static, the guest test program and the libraries it links, boot
# it under qemu-system-x86_64 (TCG) with an emulated intel-iommu and e1000e
# functions (see tests/vm/vm-test.c for the layout), and check what came
# back: the guest's TAP lines, and its differential scenario transcript
# against the fake kernel's (tests/test-differential --print) and against
# tests/vm/scenario.expected. A kernel that cannot be built or booted, or
# a missing tool, is a failure, never a skip.
#
# Usage: run-vm.sh VM_TEST_BINARY DIFFERENTIAL_BINARY
set -u

here=$(cd "$(dirname "$0")" && pwd)
vmtest=$1
diffprog=$2
timeout=${EEH_VM_TIMEOUT:-600}
work=$(mktemp -d /tmp/eeh-vm-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() { echo "check-vm: FAIL: $*"; echo "check-vm: 0 passed, 1 failed"; exit 1; }

for t in qemu-system-x86_64 cpio gzip ldd; do
	command -v $t >/dev/null || fail "$t missing (apt-get install qemu-system-x86 cpio)"
done
busybox=/bin/busybox
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
	fail "no static /bin/busybox (apt-get install busybox-static)"

kstart=$(date +%s)
bzimage=$("$here/build-kernel.sh") || fail "the kernel could not be built"
echo "check-vm: kernel $bzimage ($(( $(date +%s) - kstart )) s)"
# The second kernel: /dev/vfio/vfio is iommufd's compat container.
kstart=$(date +%s)
bzcompat=$("$here/build-kernel.sh" kernel-compat.config) ||
	fail "the compat kernel could not be built"
echo "check-vm: compat kernel $bzcompat ($(( $(date +%s) - kstart )) s)"

# The initramfs: busybox, the test program, and every library ldd names,
# at the same paths (the program's RUNPATH points into the build tree).
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$vmtest" "$root/vm-test"
ldd "$vmtest" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
echo "guest: $(uname -r) up"
case "$(cat /proc/cmdline)" in
*eehvm=mock*) /vm-test mock ;;
*eehvm=compat*) /vm-test compat ;;
*) /vm-test ;;
esac
echo "guest: vm-test exit $?"
dmesg | grep -iE 'reset|link|vfio|not ready|iommufd' | sed 's/^/dmesg: /' | tail -40
# A reset ends QEMU (-no-reboot).
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz" ||
	fail "cannot pack the initramfs"

dev() { echo "-device $1"; }
# The second boot: no intel-iommu and no functions, the selftest's mock
# IOMMU alone, for the IOMMU_TEST mock domains.
timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 \
	-machine q35 -nographic -no-reboot -vga none -nic none \
	-kernel "$bzimage" -initrd "$work/initramfs.gz" \
	-append "rdinit=/init console=ttyS0 intel_iommu=off panic=-1 quiet eehvm=mock" \
	</dev/null >"$work/console2" 2>&1
# The third boot: the compat kernel, one function behind a root port.
timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 \
	-machine q35,kernel-irqchip=split -nographic -no-reboot -vga none -nic none \
	-device intel-iommu,intremap=on,caching-mode=on \
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x10,chassis=1,slot=1,x-speed=5 \
	-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x11,chassis=2,slot=2,x-speed=5 \
	-device e1000e,bus=rp2,addr=0.0 \
	-kernel "$bzcompat" -initrd "$work/initramfs.gz" \
	-append "rdinit=/init console=ttyS0 intel_iommu=on panic=-1 quiet eehvm=compat" \
	</dev/null >"$work/console3" 2>&1
# shellcheck disable=SC2046
timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 \
	-machine q35,kernel-irqchip=split -nographic -no-reboot -vga none -nic none \
	-device intel-iommu,intremap=on,caching-mode=on \
	$(dev pcie-root-port,id=rp1,bus=pcie.0,addr=0x10,chassis=1,slot=1,x-speed=5) \
	$(dev pcie-root-port,id=rp2,bus=pcie.0,addr=0x11,chassis=2,slot=2,x-speed=5) \
	$(dev pcie-root-port,id=rp3,bus=pcie.0,addr=0x12,chassis=3,slot=3,x-speed=5) \
	$(dev pcie-root-port,id=rp4,bus=pcie.0,addr=0x13,chassis=4,slot=4,x-speed=5) \
	$(dev e1000e,bus=rp1,addr=0.0) \
	$(dev e1000e,bus=rp2,addr=0.0) \
	$(dev e1000e,bus=rp3,addr=0.0,multifunction=on) \
	$(dev e1000e,bus=rp3,addr=0.1) \
	$(dev e1000e,bus=rp4,addr=0.0,multifunction=on) \
	$(dev e1000e,bus=rp4,addr=0.1) \
	$(dev e1000e,bus=pcie.0,addr=0x5) \
	-kernel "$bzimage" -initrd "$work/initramfs.gz" \
	-append "rdinit=/init console=ttyS0 intel_iommu=on panic=-1 quiet" \
	</dev/null >"$work/console" 2>&1
qrc=$?
# Without the terminal resets and escapes SeaBIOS and iPXE print.
tr -d '\r' <"$work/console" | sed 's/\x1b[()][A-Za-z0-9]//g; s/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g' >"$work/out"
if [ -n "${EEH_VM_CONSOLE:-}" ]; then cp "$work/out" "$EEH_VM_CONSOLE"; fi
for i in 2 3; do
	tr -d '\r' <"$work/console$i" | sed 's/\x1b[()][A-Za-z0-9]//g; s/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g' >"$work/out$i"
	if [ -n "${EEH_VM_CONSOLE:-}" ]; then cat "$work/out$i" >>"$EEH_VM_CONSOLE"; fi
done
# Each boot's guest program ends with "N passed, N failed"; that line (not
# the TAP lines, which a kernel message could split) decides. Firmware
# output may precede the guest's first line, so nothing is anchored there.
tap_pass=0
tap_fail=0
for o in "$work/out" "$work/out2" "$work/out3"; do
	grep -hE '(^|[^a-z])(not )?ok [0-9]+ - ' "$o"
	if ! grep -q 'guest: .* up' "$o"; then
		tail -30 "$o"
		fail "a boot did not come up ($(basename "$o"))"
	fi
	sum=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$o" | tail -1)
	if [ -z "$sum" ]; then
		tail -30 "$o"
		echo "not ok - the guest program did not finish ($(basename "$o"))"
		tap_fail=$((tap_fail + 1))
		continue
	fi
	tap_pass=$((tap_pass + ${sum%% passed*}))
	f=${sum#*passed, }
	tap_fail=$((tap_fail + ${f%% failed}))
done

# The differential test: the real kernel's transcript, the fake's, and
# the recorded one must be the same.
sed -n '/--- scenario ---$/,/^--- end ---$/p' "$work/out" | sed '1d;$d' >"$work/real"
"$diffprog" --print >"$work/fake" || { tap_fail=$((tap_fail + 1)); echo "not ok - fake transcript"; }
if [ -n "${EEH_VM_TRANSCRIPT:-}" ]; then cp "$work/real" "$EEH_VM_TRANSCRIPT"; fi
n=$(wc -l <"$work/real")
if [ "$n" -gt 40 ] && diff -u "$work/real" "$work/fake" >"$work/d1"; then
	tap_pass=$((tap_pass + 1)); echo "ok - differential: $n steps, real kernel == fake kernel"
else
	tap_fail=$((tap_fail + 1)); echo "not ok - differential: real kernel (-) vs fake kernel (+)"
	cat "$work/d1"
fi
if diff -u "$here/scenario.expected" "$work/real" >"$work/d2"; then
	tap_pass=$((tap_pass + 1)); echo "ok - differential: real kernel == tests/vm/scenario.expected"
else
	tap_fail=$((tap_fail + 1)); echo "not ok - differential: scenario.expected (-) vs real kernel (+)"
	cat "$work/d2"
fi
echo "check-vm: $tap_pass passed, $tap_fail failed"
[ "$tap_fail" -eq 0 ] && [ "$tap_pass" -ge 40 ]
