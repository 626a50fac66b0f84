#!/bin/sh
# The facade (eehctl exec, eehctl mount): the kernel's own EEH selftest
# eeh-basic.sh, unchanged, against the built-in host and the POWER9 fixture;
# the event log proving every device it broke froze and recovered; lspci
# -vvv against the topology; libeeh's host backend through a mounted facade
# giving the simulator's answers; the debugfs/sysfs files' kernel errnos;
# two exec runs on one image; clear errors.
#
# Needs root, /dev/fuse and eehctl built with libfuse3; the selftests come
# from /usr/src/linux-source-6.12.tar.xz (Debian linux-source-6.12, which
# the VM tier's kernel build also uses) and are extracted once into the
# build tree. Without them the test is skipped (77), except when $CI is
# set: CI installs them (install-deps.sh), so there it fails (99).
set -u
EEHCTL="$(cd "${top_builddir:-.}" && pwd)/tools/eehctl"
FIXTURE="$(cd "${top_builddir:-.}" && pwd)/tests/facade-fixture"
HOSTDIFF="$(cd "${top_builddir:-.}" && pwd)/tests/facade-host-diff"
SELFTESTS="$(cd "${top_builddir:-.}" && pwd)/tests/eeh-selftests"
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
. "${top_srcdir:-.}/tests/cli-lib.sh"

unavailable() {
	echo "test-facade: $1"
	if [ -n "${CI:-}" ]; then
		echo "test-facade: \$CI is set and CI installs it (install-deps.sh): failing"
		exit 99
	fi
	exit 77
}

[ "$(id -u)" -eq 0 ] || unavailable "not root (the facade's mount namespace needs root)"
[ -c /dev/fuse ] || unavailable "no /dev/fuse"
"$EEHCTL" exec --help >/dev/null 2>&1 || unavailable "eehctl exec is missing"
if "$EEHCTL" exec -- true 2>&1 | grep -q "built without FUSE"; then
	unavailable "eehctl was built without libfuse3 (install libfuse3-dev, reconfigure)"
fi
command -v lspci >/dev/null || unavailable "no lspci (pciutils)"
command -v python3 >/dev/null || unavailable "no python3"

# The selftests, taken from the Debian package at test time.
# An unpacked tree (EEH_SELFTESTS_DIR, or /usr/src/linux-source-6.12 if
# someone unpacked it there) saves unpacking the tarball (about 35 s).
rel=linux-source-6.12/tools/testing/selftests/powerpc/eeh
eeh_dir="$SELFTESTS/$rel"
for d in "${EEH_SELFTESTS_DIR:-}" "/usr/src/$rel"; do
	if [ ! -f "$eeh_dir/eeh-basic.sh" ] && [ -n "$d" ] && [ -f "$d/eeh-basic.sh" ]; then
		mkdir -p "$eeh_dir" && cp "$d"/* "$eeh_dir/"
	fi
done
if [ ! -f "$eeh_dir/eeh-basic.sh" ]; then
	[ -f "$TARBALL" ] || unavailable "no $TARBALL (apt-get install linux-source-6.12)"
	rm -rf "$SELFTESTS.tmp" && mkdir -p "$SELFTESTS.tmp" &&
		tar -xJf "$TARBALL" -C "$SELFTESTS.tmp" --wildcards \
			'linux-source-6.12/tools/testing/selftests/powerpc/eeh/*' &&
		rm -rf "$SELFTESTS" && mv "$SELFTESTS.tmp" "$SELFTESTS" ||
		unavailable "cannot extract the EEH selftests from $TARBALL"
fi

# Every device the script broke: a break, a freeze of its PE, then that
# PE's recovery with outcome "recovered", in that order in the event log.
check_events() { # name script-output event-log
	if python3 - "$2" "$3" >"$tmp/ev-out" 2>&1 <<'EOF'
import json, re, sys
out = open(sys.argv[1]).read()
ev = [json.loads(l) for l in open(sys.argv[2])]
broken = re.findall(r"^Breaking (\S+)\.\.\.$", out, re.M)
if not broken:
    sys.exit("the script broke no device")
for bdf in broken:
    b = next((i for i, e in enumerate(ev) if e["event"] == "break" and e["bdf"] == bdf), None)
    if b is None:
        sys.exit(bdf + ": no break in the event log")
    pe = ev[b]["pe"]
    f = next((i for i in range(b, len(ev)) if ev[i]["event"] == "freeze" and ev[i]["pe"] == pe), None)
    if f is None:
        sys.exit(bdf + ": its PE " + pe + " never froze")
    r = next((i for i in range(f, len(ev)) if ev[i]["event"] == "recovery" and ev[i]["pe"] == pe), None)
    if r is None or ev[r]["outcome"] != "recovered":
        sys.exit(bdf + ": its PE " + pe + " did not recover")
print("%d devices broken, frozen and recovered" % len(broken))
EOF
	then
		passed
	else
		cp "$tmp/ev-out" "$tmp/out"
		failed "$1: event log"
	fi
}

run_basic() { # name [eehctl options]
	name=$1
	shift
	start=$(date +%s)
	# through a pipe: the script's log() reopens /dev/stderr, which
	# truncates a file
	{ (cd "$eeh_dir" && "$EEHCTL" "$@" exec --event-log "$tmp/$name.log" -- sh ./eeh-basic.sh)
		echo $? >"$tmp/rc"; } 2>&1 | cat >"$tmp/out"
	: >"$tmp/err"
	got=$(cat "$tmp/rc")
	if [ "$got" -eq 0 ]; then passed; else failed "$name: eeh-basic.sh exit $got"; fi
	expect_out "$name" "^0 devices failed to recover"
	[ $(($(date +%s) - start)) -lt 30 ] && passed || failed "$name: took over 30 s"
	cp "$tmp/out" "$tmp/$name.out"
	check_events "$name" "$tmp/$name.out" "$tmp/$name.log"
}

# 1. The built-in host: six breakable function-0 devices.
run_basic builtin
expect_out builtin "0 devices failed to recover (6 tested)"
grep -q "0000:01:00.0, Recovered after" "$tmp/builtin.out" && passed || failed "builtin: no recovery line"

# 2. The POWER9-like fixture host, captured from its sysfs tree; its bridges
#    (a switch's ports) are skipped by the script, as on the real machine.
check fixture 0 "$FIXTURE" "$tmp/p9root"
check capture 0 "$EEHCTL" capture --root "$tmp/p9root" "$tmp/power9.json"
run_basic power9 -t "$tmp/power9.json"
expect_out power9 "0 devices failed to recover (5 tested)"
expect_out power9 "0000:02:00.0, Skipped: bridge"

# EEH switched off through debugfs: procfs says so and the selftest skips
# (exit 4, the kselftest skip code), as on a host booted with eeh=off.
(cd "$eeh_dir" && "$EEHCTL" exec -- sh -c \
	'echo 0 >/sys/kernel/debug/powerpc/eeh_enable; cat /proc/powerpc/eeh; sh ./eeh-basic.sh') \
	>"$tmp/out" 2>"$tmp/err"
[ $? -eq 4 ] && passed || failed "eeh-off: eeh-basic.sh did not skip"
expect_out eeh-off "EEH Subsystem is globally disabled"
expect_out eeh-off "EEH not supported on this system, skipping"

# 3. lspci -vvv shows the topology's functions, IDs and BARs.
"$EEHCTL" --json list >"$tmp/list.json"
check lspci 0 "$EEHCTL" exec -- lspci -vvv -nn
cp "$tmp/out" "$tmp/lspci.out"
if python3 - "$tmp/list.json" "$tmp/lspci.out" >"$tmp/out" 2>&1 <<'EOF'
import json, re, sys
topo = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
blocks = {}
for b in text.strip().split("\n\n"):
    m = re.match(r"(\S+) ", b)
    blocks[m.group(1)] = b
n = 0
for phb in topo:
    for pe in phb["pes"]:
        for f in pe["functions"]:
            bdf = f["bdf"]
            b = blocks.get(bdf) or blocks.get(bdf[5:])
            if b is None:
                sys.exit(bdf + " missing from lspci")
            ids = "[%04x:%04x]" % (int(f["vendor"], 16), int(f["device"], 16))
            if ids not in b.split("\n")[0]:
                sys.exit(bdf + ": no " + ids)
            for bar in f["bars"]:
                want = "Region %d: Memory at %x " % (bar["bar"], int(bar["addr"], 16))
                if want not in b:
                    sys.exit(bdf + ": no '" + want + "'")
            n += 1
if n != len(blocks):
    sys.exit("lspci shows %d functions, the topology %d" % (len(blocks), n))
print("lspci matches the topology: %d functions" % n)
EOF
then passed; else failed "lspci -vvv against the topology"; fi

# 4. The files, as the kernel answers (errnos through the shell's echo).
cat >"$tmp/files.sh" <<'EOF'
d=/sys/kernel/debug/powerpc
cat $d/eeh_dev_check
cat $d/eeh_max_freezes
echo 7 >$d/eeh_max_freezes && cat $d/eeh_max_freezes
echo junk >$d/eeh_max_freezes || echo "max-freezes-einval"
echo 1:2 >$d/eeh_dev_check || echo "check-einval"
echo 0000:7f:00.0 >$d/eeh_dev_check || echo "check-enodev"
echo 0000:01:00.0 >$d/eeh_dev_check && echo "check-ok"
grep eeh_false_positives=1 /proc/powerpc/eeh && echo "false-positive-counted"
echo 0000:01:00.0 >$d/eeh_dev_can_recover && echo "can-recover"
cat $d/eeh_enable
cat $d/eeh_disable_recovery
echo Y >$d/eeh_disable_recovery
echo 0000:03:00.0 >$d/eeh_dev_break && echo "break-ok"
cat /sys/bus/pci/devices/0000:03:00.0/eeh_pe_state
echo 0000:03:00.0 >$d/eeh_dev_check
cat /sys/bus/pci/devices/0000:03:00.0/eeh_pe_state
echo 1 >/sys/bus/pci/devices/0000:03:00.0/eeh_pe_state && echo "thawed"
cat /sys/bus/pci/devices/0000:03:00.0/eeh_pe_state
echo 0000:03:00.0 >/sys/bus/pci/drivers/nvme/unbind && echo "unbound"
test -e /sys/bus/pci/devices/0000:03:00.0/driver || echo "no-driver"
echo 0000:03:00.0 >$d/eeh_dev_can_recover || echo "cannot-recover"
echo 3:0:4:0:0 >$d/PCI0000/err_injct && echo "injected"
echo 3:0:4:0 >$d/PCI0000/err_injct || echo "injct-einval"
echo 63:0:4:0:0 >$d/PCI0000/err_injct || echo "injct-enodev"
echo 3:2:4:0:0 >$d/PCI0000/err_injct || echo "injct-erange"
echo 0:3 >$d/eeh_force_recover && echo "forced"
echo 0:3:4 >$d/eeh_force_recover || echo "force-einval"
echo 5:3 >$d/eeh_force_recover || echo "force-enodev"
echo N >$d/eeh_disable_recovery
echo 1 >$d/eeh_max_freezes
echo 0000:04:00.0 >$d/eeh_dev_break && echo 0000:04:00.0 >$d/eeh_dev_check
cat /sys/bus/pci/devices/0000:04:00.0/eeh_pe_state
echo 0000:04:00.0 >$d/eeh_dev_break && echo 0000:04:00.0 >$d/eeh_dev_check
ls /sys/bus/pci/devices | grep -q 0000:04:00.0 || echo "permanently-failed-gone"
echo 0000:04:00.0 >$d/eeh_dev_check || echo "gone-enodev"
cat /proc/powerpc/eeh
EOF
# bash: dash's echo says "I/O error" whatever the errno
check files 0 "$EEHCTL" exec -- bash "$tmp/files.sh"
expect_out files "input format: <domain>:<bus>:<dev>.<fn>"
expect_out files "^7$"
expect_out files "line 5: echo: write error: Invalid argument"
expect_out files "check-einval"
expect_out files "line 6: echo: write error: Invalid argument"
expect_out files "line 7: echo: write error: No such device"
expect_out files "check-ok"
expect_out files "false-positive-counted"
expect_out files "can-recover"
expect_out files "^0x1$"
expect_out files "^N$"
expect_out files "break-ok"
expect_out files "0x00000000 0x00000001"
expect_out files "0x00000078 0x00000000"
expect_out files "thawed"
expect_out files "no-driver"
expect_out files "line 22: echo: write error: Operation not supported"
expect_out files "injected"
expect_out files "injct-einval"
expect_out files "line 24: echo: write error: Invalid argument"
expect_out files "line 25: echo: write error: No such device"
expect_out files "line 26: echo: write error: Numerical result out of range"
expect_out files "forced"
expect_out files "line 29: echo: write error: No such device"
expect_out files "permanently-failed-gone"
expect_out files "line 36: echo: write error: No such device"
expect_out files "eeh_slot_resets=3"
grep -c "0x00000078 0x00000000" "$tmp/out" | grep -q 2 && passed || failed "files: PE 4 recovered once"

# Config space: all-ones while frozen, and that read is a detection (the
# kernel's config accessors run eeh_dev_check_failure on all-ones); 64
# bytes for a non-root reader.
cat >"$tmp/config.sh" <<'EOF'
d=/sys/kernel/debug/powerpc
c=/sys/bus/pci/devices/0000:01:00.0/config
od -An -tx1 -N4 $c
setpriv --reuid=65534 --regid=65534 --clear-groups cat $c | wc -c
cat $c | wc -c
echo Y >$d/eeh_disable_recovery
echo 0000:01:00.0 >$d/eeh_dev_break
grep slot_resets /proc/powerpc/eeh
od -An -tx1 -N4 $c
grep slot_resets /proc/powerpc/eeh
cat /sys/bus/pci/devices/0000:01:00.1/eeh_pe_state
EOF
check config 0 "$EEHCTL" exec -- sh "$tmp/config.sh"
expect_out config "^ 86 80 72 15$"
expect_out config "^64$"
expect_out config "^4096$"
expect_out config "eeh_slot_resets=0"
expect_out config "^ ff ff ff ff$"
expect_out config "eeh_slot_resets=1"
expect_out config "0x00000000 0x00000001"

# 5. libeeh's host backend through a mounted facade: the simulator's model
#    and answers. Left out of the comparison, as sysfs does not carry them:
#    PE config addresses (the facade is powernv-like: eeh_pe_config_addr is
#    the PE number), freeze counts, PAPR state, the device/bus PE type (the
#    host infers it from the function count), and a VF PE's parent (the
#    kernel makes the PF's PE its parent; the built-in topology gives none).
mkdir "$tmp/mnt"
check mount 0 "$EEHCTL" -i "$tmp/mounted.json" mount "$tmp/mnt"
EEH_BACKEND=host EEH_ROOT="$tmp/mnt" "$EEHCTL" --json list >"$tmp/host.json" 2>"$tmp/err"
"$EEHCTL" --json list >"$tmp/sim.json"
cat >"$tmp/cmp.py" <<'EOF'
import json, sys
def norm(path):
    out = []
    for phb in json.load(open(path)):
        for pe in phb["pes"]:
            for k in ("pe_addr", "papr_state", "unavail_ms", "freeze_count"):
                pe.pop(k, None)
            if pe["type"] == "vf":
                pe.pop("parent_pe", None)
            else:
                pe.pop("type")
            for f in pe.get("functions", []):
                f.pop("config_addr", None)
        out.append(phb)
    return out
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    import difflib
    print("\n".join(difflib.unified_diff(json.dumps(b, indent=1, sort_keys=True).split("\n"),
          json.dumps(a, indent=1, sort_keys=True).split("\n"), lineterm="")))
    sys.exit("host backend through the facade and the simulator differ")
print("same model: %d PHBs" % len(a))
EOF
if python3 "$tmp/cmp.py" "$tmp/host.json" "$tmp/sim.json" >"$tmp/out" 2>&1; then passed; else
	failed "host backend = simulator"; fi
# An injection and a thaw through the host backend's files, the same
# sequence on the simulator directly: the same states (the host cannot see
# that an injection is armed or what it hit). The host kernel would recover
# a frozen PE that discovery's config reads find (all-ones); the bare
# simulator has no kernel, so the facade's recovery is off here. UNFREEZE_IO
# alone is left out: the kernel's only thaw (eeh_pe_state) thaws DMA too;
# so are armed config injections, which discovery's config reads fire.
echo Y >"$tmp/mnt/sys/kernel/debug/powerpc/eeh_disable_recovery"
for ctx in host sim; do
	if [ $ctx = host ]; then
		run() { EEH_BACKEND=host EEH_ROOT="$tmp/mnt" "$@"; }
	else
		run() { EEH_IMAGE="$tmp/direct.json" "$@"; }
	fi
	{
		run "${top_builddir:-.}/tools/eeh-inject" 0000:04:00.0 --func ld-mem-data 2>&1
		run "$EEHCTL" state 0000:04:00.0
		run "$EEHCTL" op 0000:04:00.0 enable
		run "$EEHCTL" state 0000:04:00.0
		# a frozen parent: its children are unavailable until it thaws
		run "${top_builddir:-.}/tools/eeh-inject" 0000:02:00.0 --func ld-mem-addr 2>&1
		for pe in 0000:02:00.0 0000:03:00.0 0000:04:00.0 0000:01:00.0; do
			run "$EEHCTL" state $pe
		done
		run "$EEHCTL" op 0000:03:00.0 get-state
		run "$EEHCTL" op 0000:02:00.0 enable
		run "$EEHCTL" state 0000:02:00.0
		run "$EEHCTL" state 0000:03:00.0
		run "${top_builddir:-.}/tools/eeh-inject" 0001:01:00.2 --func st-mem-data --64 2>&1
		run "$EEHCTL" state 0001:01:00.2
		run "$EEHCTL" op 0001:01:00.2 enable
		run "$EEHCTL" state 0001:01:00.2
	} 2>&1 | sed 's/, injection armed.*//; /^Fired on/d' >"$tmp/seq-$ctx"
done
if diff -u "$tmp/seq-sim" "$tmp/seq-host" >"$tmp/out" 2>&1; then passed; else
	failed "host backend ops = simulator ops"; fi
# Through the library API (tests/facade-host-diff.c): model, config space,
# states, the freeze limit, and the same operations on both sides.
"$EEHCTL" save-topology "$tmp/builtin.json" >/dev/null
mkdir "$tmp/mnt2"
check mount-topology 0 "$EEHCTL" -t "$tmp/builtin.json" mount "$tmp/mnt2"
echo Y >"$tmp/mnt2/sys/kernel/debug/powerpc/eeh_disable_recovery"
check host-diff 0 "$HOSTDIFF" "$tmp/mnt2" "$tmp/builtin.json"
expect_out host-diff "0 differences"
umount "$tmp/mnt2"
check mount-p9 0 "$EEHCTL" -t "$tmp/power9.json" mount "$tmp/mnt2"
echo Y >"$tmp/mnt2/sys/kernel/debug/powerpc/eeh_disable_recovery"
check host-diff-p9 0 "$HOSTDIFF" "$tmp/mnt2" "$tmp/power9.json"
expect_out host-diff-p9 "0 differences"
umount "$tmp/mnt2"
check mounted-image-in-use 1 "$EEHCTL" -i "$tmp/mounted.json" exec -- true
expect_out mounted-image-in-use "is in use by another process"
umount "$tmp/mnt"
# the daemon saves the image and lets it go
check after-mount 0 "$EEHCTL" -i "$tmp/mounted.json" list

# 6. Two exec runs on one image: the second is refused while the first
#    runs, or waits with --wait; the image stays whole and counts both.
img="$tmp/shared.json"
"$EEHCTL" -i "$img" list >/dev/null
(cd "$eeh_dir" && "$EEHCTL" -i "$img" exec -- sh -c "touch $tmp/started; sleep 1; sh ./eeh-basic.sh") \
	>"$tmp/run1" 2>&1 &
pid1=$!
# until the first run holds the image (it is inside its command)
i=0
while [ ! -e "$tmp/started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check in-use 1 "$EEHCTL" -i "$img" exec -- true
expect_out in-use "is in use by another process"
(cd "$eeh_dir" && "$EEHCTL" -i "$img" exec --wait -- sh ./eeh-basic.sh) >"$tmp/run2" 2>&1 &
pid2=$!
wait $pid1 && passed || failed "concurrent run 1"
wait $pid2 && passed || failed "concurrent run 2 (--wait)"
check image-whole 0 "$EEHCTL" -i "$img" --json show 0000:03:00.0
expect_out image-whole '"freeze_count": 2'

# 7. Clear errors.
check not-root 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$EEHCTL" exec -- true
expect_out not-root "not root"
: >"$tmp/nofuse"
# What a file cannot do, as the kernel answers root: a sysfs attribute
# refuses the open (EACCES), a debugfs file without a read op fails the
# read (EINVAL), a procfs file without a write op the write (EIO).
check cannot 0 "$EEHCTL" exec -- bash -c 'd=/sys/kernel/debug/powerpc
	echo 1 >/sys/bus/pci/devices/0000:01:00.0/vendor || echo vendor-eacces
	cat /sys/bus/pci/drivers/nvme/bind || echo bind-eacces
	cat $d/eeh_force_recover || echo force-einval
	cat $d/PCI0000/err_injct || echo injct-einval
	echo x >/proc/powerpc/eeh || echo proc-eacces'
expect_out cannot "vendor: Permission denied"
expect_out cannot "bind: Permission denied"
expect_out cannot "eeh_force_recover: Invalid argument"
expect_out cannot "err_injct: Invalid argument"
expect_out cannot "write error: Input/output error"
check no-fuse 1 unshare -m sh -c "mount --bind '$tmp/nofuse' /dev/fuse && '$EEHCTL' exec -- true"
expect_out no-fuse "no FUSE: /dev/fuse is not the FUSE device"
check no-command 2 "$EEHCTL" exec
check mount-no-dir 2 "$EEHCTL" mount
check mount-missing-dir 2 "$EEHCTL" mount "$tmp/nonexistent"
check exit-status 3 "$EEHCTL" exec -- sh -c 'exit 3'
check no-such-command 127 "$EEHCTL" exec -- /nonexistent/command
# In real time a recovery takes the reset hold and settle times (2.05 s).
check real-time 0 "$EEHCTL" exec --real-time -- sh -c \
	'd=/sys/kernel/debug/powerpc; echo 0000:03:00.0 >$d/eeh_dev_break;
	 s=$(date +%s%N); echo 0000:03:00.0 >$d/eeh_dev_check; cat /sys/bus/pci/devices/0000:03:00.0/eeh_pe_state;
	 echo $((($(date +%s%N) - s) / 1000000)) ms'
expect_out real-time "0x00000078 0x00000000"
grep -Eq "^(20[5-9][0-9]|2[1-9][0-9][0-9]|[3-9][0-9][0-9][0-9]) ms" "$tmp/out" && passed ||
	failed 'real-time: the recovery did not take its 2.05 s'

finish test-facade
