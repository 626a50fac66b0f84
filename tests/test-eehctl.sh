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

# A recovery in steps, the state kept in an image between invocations.
check freeze 0 "$EEHCTL" -i "$img" freeze 0000:03:00.0
# The freeze limit counts host recoveries, not freezes (doc/passthrough.md).
expect_out freeze "PHB#0-PE#3: stopped, freeze 0 of 5"
check state-frozen 0 "$EEHCTL" -i "$img" --json state 3
expect_out state-frozen '"state_name": "stopped"'
check deactivate-refused 1 "$EEHCTL" -i "$img" op 3 reset-deactivate
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
# 1.8 s settle after the refused deactivate (firmware sleeps either way),
# 0.25 s hold after reset-hot, 1.8 s settle after the deactivate.
check clock 0 "$EEHCTL" -i "$img" --json clock
expect_out clock '"clock_us": 3850000'
check fence 0 "$EEHCTL" -i "$img" --json fence 1
expect_out fence '"iommu_group": 8'
expect_out fence '"state_name": "stopped"'
check fenced 0 "$EEHCTL" -i "$img" state 0001:02:00.0
expect_out fenced "stopped"
check fence-bad 2 "$EEHCTL" -i "$img" fence 9
check save 0 "$EEHCTL" -i "$img" --json save-topology "$tmp/copy.json"
expect_out save '"file": '
check load-copy 0 "$EEHCTL" -t "$tmp/copy.json" state 0001:02:00.0
expect_out load-copy "stopped"

finish test-eehctl
