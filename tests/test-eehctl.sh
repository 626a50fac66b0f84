#!/bin/sh
# eehctl as a user drives it: exit codes, JSON output, a multi-step
# recovery on a persistent image, and clear errors for bad input.
set -u
EEHCTL="${top_builddir:-.}/tools/eehctl"
INJ="${top_builddir:-.}/tools/eeh-inject"
. "${top_srcdir:-.}/tests/cli-lib.sh"

img="$tmp/host.json"
check help 0 "$EEHCTL" --help
expect_out help "Usage: eehctl"
check op-help 0 "$EEHCTL" op --help
expect_out op-help "reset-deactivate"
check list 0 "$EEHCTL" list
expect_out list "0001:01:00.2"
check list-json 0 "$EEHCTL" --json list
expect_out list-json '"iommu_group": 6'
check no-command 2 "$EEHCTL"
check unknown-command 2 "$EEHCTL" frobnicate
check bad-pe-name 2 "$EEHCTL" state not-a-pe
expect_out bad-pe-name "does not name a PE"
check missing-pe 2 "$EEHCTL" state 0000:7f:00.0
expect_out missing-pe "no PE"
check bad-op 2 "$EEHCTL" op 1 explode
check bad-topology 2 "$EEHCTL" --topology /nonexistent.json list
expect_out bad-topology "No such file"
check topology-is-a-directory 2 "$EEHCTL" --topology "$tmp" list
expect_out topology-is-a-directory "directory"
check image-is-a-directory 2 "$EEHCTL" --image "$tmp" list
expect_out image-is-a-directory "directory"

# A recovery in steps, the state kept in an image between invocations.
check freeze 0 "$EEHCTL" -i "$img" freeze 0000:03:00.0
# The freeze limit counts host recoveries, not freezes (doc/passthrough.md).
expect_out freeze "phb0:pe3: stopped, freeze 0 of 5"
check state-frozen 0 "$EEHCTL" -i "$img" --json state 3
expect_out state-frozen '"state_name": "stopped"'
cp "$img" "$tmp/before.json"
check deactivate-refused 1 "$EEHCTL" -i "$img" op 3 reset-deactivate
# a refused operation leaves the image byte-identical (its clock too)
check refused-keeps-image 0 cmp "$tmp/before.json" "$img"
check thaw-mmio 0 "$EEHCTL" -i "$img" op 3 thaw-mmio
check state-4 0 "$EEHCTL" -i "$img" op 3 get-state
expect_out state-4 "4 stopped-dma"
check hot 0 "$EEHCTL" -i "$img" op 3 reset-hot
check state-1 0 "$EEHCTL" -i "$img" op 3 get-state
expect_out state-1 "1 reset"
check deactivate 0 "$EEHCTL" -i "$img" op 3 reset-deactivate
check configure 0 "$EEHCTL" -i "$img" --json op 3 configure
expect_out configure '"result": 0'
check state-0 0 "$EEHCTL" -i "$img" show 3
expect_out state-0 "state           normal"
expect_out state-0 "freezes         0 of 5"
# 0.25 s hold after reset-hot, 1.8 s settle after the deactivate; the
# refused deactivate's settle was not saved.
check clock 0 "$EEHCTL" -i "$img" --json clock
expect_out clock '"clock_us": 2050000'
# clock values the clock cannot hold are refused and never saved
cp "$img" "$tmp/before.json"
check clock-overflow 2 "$EEHCTL" -i "$img" clock advance 9223372036854775
check clock-past-64-bits 2 "$EEHCTL" -i "$img" clock advance 18446744073709551616
check clock-blank-sign 2 "$EEHCTL" -i "$img" clock advance ' -1'
check clock-refused-keeps-image 0 cmp "$tmp/before.json" "$img"
check clock-after-overflow 0 "$EEHCTL" -i "$img" --json clock
expect_out clock-after-overflow '"clock_us": 2050000'
check clock-to-the-end 0 "$EEHCTL" -i "$img" clock advance 9223372036852725
check clock-at-the-end 0 "$EEHCTL" -i "$img" --json clock
expect_out clock-at-the-end '"clock_us": 9223372036854775000'
cp "$tmp/before.json" "$img"
check fence 0 "$EEHCTL" -i "$img" --json fence 1
expect_out fence '"iommu_group": 8'
expect_out fence '"state_name": "stopped"'
check fenced 0 "$EEHCTL" -i "$img" state 0001:02:00.0
expect_out fenced "stopped"
check fence-bad 2 "$EEHCTL" -i "$img" fence 9
check fence-negative 2 "$EEHCTL" -i "$img" fence -1
check fence-blank 2 "$EEHCTL" -i "$img" fence ' 1'
check pe-name-0x 2 "$EEHCTL" -i "$img" state 0000:01:00.0x1
check pe-name-phb-sign 2 "$EEHCTL" -i "$img" state phb-0:pe1
check save 0 "$EEHCTL" -i "$img" --json save-topology "$tmp/copy.json"
expect_out save '"file": '
check load-copy 0 "$EEHCTL" -t "$tmp/copy.json" state 0001:02:00.0
expect_out load-copy "stopped"
# An image named through a symbolic link is saved through it
ln -s "$(basename "$img")" "$tmp/link.json"
check image-link 0 "$EEHCTL" -i "$tmp/link.json" freeze 0000:01:00.0
check image-link-kept 0 test -L "$tmp/link.json"
check image-link-target 0 "$EEHCTL" -i "$img" state 0000:01:00.0
expect_out image-link-target "stopped"

# '-' is standard output
check save-stdout 0 "$EEHCTL" save-topology -
expect_out save-stdout '"format": *"libeeh-topology-1"'
cp "$tmp/out" "$tmp/stdout-topo.json"
check save-stdout-loads 0 "$EEHCTL" -t "$tmp/stdout-topo.json" state phb1:pe4

mkdir -p "$tmp/x86cap/sys/bus/pci/devices"
check capture-stdout 0 env EEH_ROOT="$tmp/x86cap" "$EEHCTL" capture -
expect_out capture-stdout '"format": *"libeeh-topology-1"'
check capture-no-file 1 test -e ./-
# A JSON syntax error names the file, line and column
printf '{ "format": "libeeh-topology-1",\n  "phbs": [ }' >"$tmp/syntax.json"
check topology-syntax 2 "$EEHCTL" -t "$tmp/syntax.json" list
expect_out topology-syntax "eehctl: .*syntax.json:2:13: JSON syntax error: unexpected character"
printf '{"devices": [ }' >"$tmp/state.json"
check ioas-state-syntax 2 "$EEHCTL" ioas --state "$tmp/state.json"
expect_out ioas-state-syntax "eehctl ioas: .*state.json:1:15: JSON syntax error"

# Device names from pci.ids (libpci), as lspci shows them
check list-names 0 "$EEHCTL" list
if [ -r /usr/share/misc/pci.ids ] || [ -r /usr/share/hwdata/pci.ids ]; then
	expect_out list-names "0000:01:00.0  Intel Corporation Ethernet Controller X710 for 10GbE SFP+ \[8086:1572\]"
	check list-names-json 0 "$EEHCTL" --json list
	expect_out list-names-json '"name": "Intel Corporation Ethernet Controller X710 for 10GbE SFP+"'
else
	expect_out list-names "0000:01:00.0  .*\[8086:1572\]"
fi

# A state-changing command without an image says the change is not kept
check not-kept 0 "$EEHCTL" freeze 1
expect_out not-kept "without --image FILE (or EEH_IMAGE) this change to the simulated host is not kept"
check not-kept-op 0 "$EEHCTL" op 1 reset-hot
expect_out not-kept-op "is not kept"
check not-kept-inject 0 "$INJ" 1 --freeze
expect_out not-kept-inject "is not kept"
check kept 0 "$EEHCTL" -i "$tmp/kept.json" freeze 1
cp "$tmp/err" "$tmp/kept.err"
check kept-quiet 1 grep -q "not kept" "$tmp/kept.err"
check read-only-quiet 0 "$EEHCTL" op 1 get-state
cp "$tmp/err" "$tmp/ro.err"
check read-only-no-note 1 grep -q "not kept" "$tmp/ro.err"
# The environment's typos are named; a host without EEH says why
check bad-backend 2 env EEH_BACKEND=simm "$EEHCTL" list
expect_out bad-backend "EEH_BACKEND=simm is not a backend: use sim"
check bad-log 0 env EEH_LOG=loud "$EEHCTL" list
expect_out bad-log "EEH_LOG=loud is not a log level"
mkdir -p "$tmp/x86/sys/bus/pci/devices"
check host-without-eeh 0 env EEH_BACKEND=host EEH_ROOT="$tmp/x86" "$EEHCTL" list
expect_out host-without-eeh "not a POWER host with EEH: no /proc/powerpc/eeh: EEH operations on this host will fail"
check bad-topology-named 2 "$EEHCTL" -t "$tmp/none.json" list
expect_out bad-topology-named "cannot set up the topology .*none.json: No such file"

# One PE name everywhere: every name printed (list text, JSON, campaign
# tables, recovery events) is taken back by every command that takes a PE,
# and JSON names a PE the same way ("pe": "phb0:pe1") in every command.
names=$("$EEHCTL" list | awk '$1 ~ /^phb[0-9]+:pe/ { print $1 }')
check names-listed 0 test "$(echo $names | wc -w)" -eq 8
# (not $name: check() uses it)
for pn in $names; do
	check "name $pn state" 0 "$EEHCTL" state "$pn"
	expect_out "name $pn state" "^$pn "
	check "name $pn show" 0 "$EEHCTL" --json show "$pn"
	expect_out "name $pn show" "\"pe\": \"$pn\""
	check "name $pn op" 0 "$EEHCTL" --json op "$pn" get-state
	expect_out "name $pn op" "\"pe\": \"$pn\""
	check "name $pn log" 0 "$INJ" log "$pn"
	check "name $pn inject" 0 "$INJ" --json "$pn" --freeze --recover
	expect_out "name $pn inject" "\"pe\": \"$pn\""
done
"$EEHCTL" --json list | sed -n 's/.*"pe": "\(phb[^"]*\)".*/\1/p' | sort -u >"$tmp/json-names"
echo $names | tr ' ' '\n' | sort -u >"$tmp/text-names"
check json-names-are-text-names 0 cmp "$tmp/json-names" "$tmp/text-names"
"$INJ" campaign --count 300 | awk '$1 ~ /^phb/ { print $1 }' | sort -u >"$tmp/campaign-names"
check campaign-names-are-text-names 0 cmp "$tmp/campaign-names" "$tmp/text-names"
"$INJ" --json 0000:03:00.0 --func 12 --trigger --recover |
	sed -n 's/.*"pe": "\([^"]*\)".*/\1/p' | sort -u >"$tmp/event-names"
check event-names-taken 0 sh -c 'for n in $(cat "$1"); do "$2" state "$n" || exit 1; done' sh \
	"$tmp/event-names" "$EEHCTL"
# the library's log names a PE "PHB#1-PE#4": the tools take that too
check log-style-name 0 "$EEHCTL" state 'PHB#1-PE#4'
expect_out log-style-name "^phb1:pe4 "

finish test-eehctl
