#!/bin/bash
# Regenerate the seed corpora in tests/fuzz/corpus/ from the built tools
# and the tests' topologies: gen-seeds.sh (from a configured build tree).
# The results are committed; rerun when the formats change.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
c=$top/tests/fuzz/corpus
eehctl=$top/tools/eehctl
inject=$top/tools/eeh-inject
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EEH_LOG=emerg

# Topologies: the built-in host, the tests' own hosts (JSON strings in
# tests/test-inject.c and tests/test-campaign.c), a saved host.
python3 - "$top" "$c/topology" <<'PY'
import re, sys, pathlib
top, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def strings(path, names):
    text = path.read_text()
    for name in names:
        m = re.search(r'(?:const char|static const char) ' + name + r'\[\] =\s*((?:"(?:[^"\\]|\\.)*"\s*)+);', text)
        body = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        yield name, bytes(body, 'utf-8').decode('unicode_escape')
for f, names in (('lib/topology-builtin.c', ['topology_builtin_json']),
                 ('tests/test-inject.c', ['topo', 'topo_hi']),
                 ('tests/test-campaign.c', ['one_pe'])):
    for name, s in strings(top / f, names):
        (out / (pathlib.Path(f).stem + '-' + name + '.json')).write_text(s + '\n')
PY
"$eehctl" save-topology "$c/topology/builtin-saved.json" >/dev/null

# Images: fresh, with a frozen PE, an armed injection, a reset in progress,
# a fenced PHB; each also with a tail of operations (after a NUL byte).
img=$tmp/img.json
"$eehctl" -i "$img" list >/dev/null
cp "$img" "$c/image/fresh.json"
"$eehctl" -i "$img" freeze phb0:pe3 >/dev/null
cp "$img" "$c/image/frozen.json"
"$inject" -i "$img" 0000:01:00.0 --func 0 --addr 0x80000040 --mask 0xfffffff0 --64 >/dev/null
cp "$img" "$c/image/armed.json"
"$eehctl" -i "$img" op phb1:pe4 reset-hot >/dev/null
"$eehctl" -i "$img" clock advance 100 >/dev/null
cp "$img" "$c/image/resetting.json"
"$eehctl" -i "$img" fence 1 >/dev/null || true
cp "$img" "$c/image/fenced.json"
# op bytes: PE index, op, argument (fuzz-image.c run_op)
{ cat "$c/image/fresh.json"; printf '\0\0\2\0\1\12\0\1\6\20\1\4\6'; } >"$c/image/fresh-ops"
{ cat "$c/image/armed.json"; printf '\0\0\11\0\0\12\0\0\7\0\0\2\0'; } >"$c/image/armed-ops"

# RTAS: guest memory with argument blocks at 8 + 64 * i (fuzz-rtas.c), the
# first byte's bits the mode, the iommufd attachment and the container's
# second group: a guest's recovery sequence on each guest PHB (config
# address info, enable, state, hot reset, deactivate, configure, error
# detail, thaw MMIO), then errinjct and a block with too many cells.
python3 - "$c/rtas" <<'PY'
import struct, sys, pathlib
out = pathlib.Path(sys.argv[1])
B0 = 0x800000020000000
def block(token, args, nret, wait=3):
    b = struct.pack('>3I', token, len(args), nret) + b''.join(struct.pack('>I', a & 0xffffffff) for a in args)
    b += b'\0' * (4 * nret)
    return b.ljust(63, b'\0') + bytes([wait])
def mem(flags, blocks):
    m = bytes([flags]) + b'\0' * 7 + b''.join(blocks)
    return m.ljust(8 + 64 * 8, b'\0')
def buid(i): return [(B0 + i) >> 32, (B0 + i) & 0xffffffff]
seq = lambda i, c: [
    block(0x2021, [c] + buid(i) + [1], 2),
    block(0x2020, [c] + buid(i) + [1], 1),
    block(0x2022, [c] + buid(i), 4),
    block(0x2023, [c] + buid(i) + [1], 1),
    block(0x2023, [c] + buid(i) + [0], 1, 10),
    block(0x2024, [c] + buid(i), 1),
    block(0x2025, [c] + buid(i) + [0x400, 0, 0x800, 256, 1], 1),
    block(0x2020, [c] + buid(i) + [2], 1),
]
# the device at guest bus 0 devfn 8 (bus 1 behind the switch on PHB 3)
cfg = lambda i: 1 << 16 | 1 << 11 if i == 3 else 1 << 11
for flags in (0, 1):
    for i in range(5):
        (out / f'phb{i}-mode{flags}').write_bytes(mem(flags, seq(i, cfg(i))))
for flags in (2, 3, 7):
    for i in (5, 6):
        (out / f'phb{i}-flags{flags}').write_bytes(mem(flags, seq(i, cfg(i))))
(out / 'errinjct').write_bytes(mem(1, [block(0x202e, [], 2), block(0x202d, [7, 1, 0x800], 1),
                                       block(0x202f, [1], 1)]))
(out / 'too-many-cells').write_bytes(mem(0, [block(0x2020, list(range(20)), 1)]))
PY

# Names.
for n in group:3 3 0000:01:00.0 01:00.1 0001:02:00.0 phb0:pe1 phb1:pe4 phb0:pe2 \
	ibm,set-eeh-option thaw-mmio reset-fundamental ld-mem-addr 19 can-recover 0x10 42; do
	printf '%s' "$n" >"$c/names/$(printf '%s' "$n" | tr ':,.' '___')"
done

# iommufd: op byte sequences (fuzz-iommufd.c run_op: ifd selector, op, a, b[, c]).
printf '\0\0\2\4\x8b\0\6\2\7\0\12\2\0\0\17\0\0' >"$c/iommufd/register-attach"
printf '\1\2\0\0\1\4\0\0\1\6\1\1\1\12\1\0\1\13\1\6\1\17\0\0' >"$c/iommufd/bind-ioas-attach"
printf '\1\2\3\0\1\2\4\0\1\4\0\0\1\6\1\3\1\6\2\3\1\12\1\0\1\10\3\0\1\7\1\0' >"$c/iommufd/two-groups"
printf '\0\0\1\2\1\0\1\1\0\0\0\0\5\3\x12\0\16\7\0' >"$c/iommufd/register-unregister"

# Scenarios beyond doc/examples: repeat, fence, replace, errors.
cat >"$c/scenario/repeat-fence.json" <<'J'
{ "topology": "builtin", "steps": [ { "repeat": 3, "steps": [ { "freeze": "phb0:pe3" }, { "recover": "phb0:pe3" } ] }, { "fence": 1 }, { "wait_ms": 500 }, { "expect_state": "phb1:pe1", "state": "stopped" }, { "replace": "phb1:pe4" } ] }
J
cat >"$c/scenario/inject-parent.json" <<'J'
{ "drivers": [ { "function": "0000:02:00.0", "error_detected": "need-reset", "slot_reset": "recovered" } ], "steps": [ { "inject": "phb0:pe2", "func": "st-cfg-data", "type": 32 }, { "access": "0000:03:00.0", "kind": "cfg-read" }, { "recover": "phb0:pe3", "expect": "recovered" } ] }
J
cat >"$c/scenario/expect-error.json" <<'J'
{ "steps": [ { "inject": "phb0:pe1", "func": "ld-mem-addr", "addr": "0x10", "mask": "0xfff0", "expect_error": "ENXIO" }, { "inject": "phb1:pe4", "func": 25, "expect_error": "EINVAL" } ] }
J
echo "seeds written to $c"
