#!/bin/sh
# eehctl ioas: devices per IOAS, the one-group verdict, JSON, state files.
set -u
EEHCTL="${top_builddir:-.}/tools/eehctl"
. "${top_srcdir:-.}/tests/cli-lib.sh"
EEH_BACKEND=sim
export EEH_BACKEND

check help 0 "$EEHCTL" ioas --help
expect_out help "DEVICE\[=IOAS\]"
# two groups on IOAS label 1, one group (two functions) on label 2
check two-groups 0 "$EEHCTL" ioas 0000:03:00.0=1 0000:04:00.0=1 0000:01:00.0=2 0000:01:00.1=2 \
	0001:01:00.0
expect_out two-groups "0000:03:00.0 .*EPERM"
expect_out two-groups "0000:01:00.1 .*phb0:pe1 *available"
expect_out two-groups "0001:01:00.0 .*ENODEV"
check one-group-json 0 "$EEHCTL" --json ioas 0000:03:00.0=1 0000:04:00.0=7
expect_out one-group-json '"groups": 1'
if grep -q '"eeh": false' "$tmp/out"; then
	failed "one-group-json: one group per IOAS must give EEH everywhere"
else
	passed
fi
cat >"$tmp/vmm.json" <<'JSON'
{ "devices": [ { "devid": 1, "group": 3, "ioas": 2, "hwpt": 4 },
               { "devid": 5, "group": 4, "ioas": 2 },
               { "devid": 9, "group": 999, "ioas": 8 } ] }
JSON
check state-file 0 "$EEHCTL" --json ioas --state "$tmp/vmm.json"
expect_out state-file '"errno": "EPERM"'
expect_out state-file '"errno": "ENODEV"'
# one device listed twice: the second entry updates the first
cat >"$tmp/twice.json" <<'JSON'
{ "devices": [ { "devid": 2, "group": 3, "ioas": 7, "hwpt": 8 },
               { "devid": 2, "group": 8, "ioas": 7, "hwpt": 8 } ] }
JSON
check state-file-device-twice 0 "$EEHCTL" ioas --state "$tmp/twice.json"
expect_out state-file-device-twice "^2  *(registered)  *8  *7  *8  *phb1:pe4"
check no-such-function 1 "$EEHCTL" ioas 0000:09:00.0=1
expect_out no-such-function "no such function"
check function-twice 1 "$EEHCTL" ioas 0000:03:00.0=1 0000:03:00.0=2
check bad-ioas-label 2 "$EEHCTL" ioas 0000:03:00.0=x
check missing-state-file 2 "$EEHCTL" ioas --state "$tmp/missing.json"
check state-file-and-devices 2 "$EEHCTL" ioas --state "$tmp/vmm.json" 0000:03:00.0=1
echo '{ "devices": [ { "devid": 0, "group": 3 } ] }' >"$tmp/bad.json"
check bad-state-file 2 "$EEHCTL" ioas --state "$tmp/bad.json"

# eehctl dma: each PE's DMA windows (TVEs and TCE tables)
check dma-help 0 "$EEHCTL" dma --help
expect_out dma-help "PAGE_SHIFT:WINDOW_SHIFT"
check dma-none 0 "$EEHCTL" dma
expect_out dma-none "phb0:pe1 *- *bypass"
check dma-windows 0 "$EEHCTL" dma --map 3 0000:01:00.0=16:40 0000:03:00.0
expect_out dma-windows "phb0:pe1 *0 *0x0 *0x80000000 *4K *3 "
expect_out dma-windows "phb0:pe1 *1 *0x800000000000000 *0x10000000000 *64K *3 "
expect_out dma-windows "phb0:pe3 *0 *0x0 *0x80000000 *4K *3 "
expect_out dma-windows "phb0:pe2 *- *bypass"
check dma-json 0 "$EEHCTL" --json dma 0000:01:00.0=21:36
expect_out dma-json '"start": "0x800000000000000"'
expect_out dma-json '"page_shift": 21'
expect_out dma-json '"translated": false'
# windows a saved image holds (state.dma_windows) are shown as loaded
cp "${top_srcdir:-.}/tests/fuzz/corpus/image/dma-windows.json" "$tmp/dma-image.json"
check dma-image 0 "$EEHCTL" --image "$tmp/dma-image.json" dma
expect_out dma-image "phb0:pe1 *0 *0x0 *0x80000000 *4K *17 "
expect_out dma-image "phb0:pe1 *1 *0x800000000000000 *0x40000000 *64K *1 "
expect_out dma-image "phb0:pe2 *- *bypass"
check dma-bad-window 1 "$EEHCTL" dma 0000:01:00.0=13:30
check dma-bad-arg 2 "$EEHCTL" dma 0000:01:00.0=x
check dma-bad-opt 2 "$EEHCTL" dma --frob
finish test-eehctl-ioas
