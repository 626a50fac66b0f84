#!/bin/sh
# eehctl as a user drives it: exit codes, JSON output, a multi-step
# recovery on a persistent image, and clear errors for bad input.
set -u
EEHCTL="${top_builddir:-.}/tools/eehctl"
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
expect_out freeze "PHB#0-PE#3: stopped, freeze 0 of 5"
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

finish test-eehctl
