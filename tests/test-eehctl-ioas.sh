#!/bin/sh
# eehctl ioas: devices per IOAS, the one-group verdict, JSON, state files.
set -u
EEHCTL="${top_builddir:-.}/tools/eehctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() { # expected-exit command...
	want=$1
	shift
	EEH_BACKEND=sim "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: exit $got, wanted $want: $*"
		cat "$tmp/out" "$tmp/err"
		fail=1
	fi
}

has() { # pattern
	if ! grep -q -- "$1" "$tmp/out" "$tmp/err"; then
		echo "FAIL: no '$1' in output"
		cat "$tmp/out" "$tmp/err"
		fail=1
	fi
}

run 0 "$EEHCTL" ioas --help
has "DEVICE\[=IOAS\]"
# two groups on IOAS label 1, one group (two functions) on label 2
run 0 "$EEHCTL" ioas 0000:03:00.0=1 0000:04:00.0=1 0000:01:00.0=2 0000:01:00.1=2 0001:01:00.0
has "0000:03:00.0 .*EPERM"
has "0000:01:00.1 .*PHB#0-PE#1 *available"
has "0001:01:00.0 .*ENODEV"
run 0 "$EEHCTL" --json ioas 0000:03:00.0=1 0000:04:00.0=7
has '"groups": 1'
if grep -q '"eeh": false' "$tmp/out"; then
	echo "FAIL: one group per IOAS must give EEH everywhere"
	fail=1
fi
cat >"$tmp/vmm.json" <<'JSON'
{ "devices": [ { "devid": 1, "group": 3, "ioas": 2, "hwpt": 4 },
               { "devid": 5, "group": 4, "ioas": 2 },
               { "devid": 9, "group": 999, "ioas": 8 } ] }
JSON
run 0 "$EEHCTL" --json ioas --state "$tmp/vmm.json"
has '"errno": "EPERM"'
has '"errno": "ENODEV"'
run 1 "$EEHCTL" ioas 0000:09:00.0=1
has "no such function"
run 1 "$EEHCTL" ioas 0000:03:00.0=1 0000:03:00.0=2
run 2 "$EEHCTL" ioas 0000:03:00.0=x
run 2 "$EEHCTL" ioas --state "$tmp/missing.json"
run 2 "$EEHCTL" ioas --state "$tmp/vmm.json" 0000:03:00.0=1
echo '{ "devices": [ { "devid": 0, "group": 3 } ] }' >"$tmp/bad.json"
run 2 "$EEHCTL" ioas --state "$tmp/bad.json"
exit $fail
