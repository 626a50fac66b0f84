#!/bin/sh
# Every command's --json output validates against its definition in
# doc/schema/tools.schema.json, and every command that takes --json has
# one. Needs python3-jsonschema (install-deps.sh installs it): skipped
# without it, a failure when $CI is set.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
E="$B/tools/eehctl"
I="$B/tools/eeh-inject"
SCHEMA="$S/doc/schema/tools.schema.json"
. "$S/tests/cli-lib.sh"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "test-json-schema: python3-jsonschema missing"
	[ -n "${CI:-}" ] && exit 1
	exit 77
fi

valid() { # definition exit command...: run it, then validate what it printed
	def=$1 want=$2
	shift 2
	check "$def: $*" "$want" "$@"
	cp "$tmp/out" "$tmp/json"
	check "$def valid: $*" 0 python3 "$S/tests/validate-json.py" "$SCHEMA" "$def" "$tmp/json"
}

img="$tmp/img.json"
valid eehctl-list 0 "$E" --json list
valid eehctl-show 0 "$E" --json show 0000:03:00.0
valid eehctl-state 0 "$E" --json state phb1:pe4
valid eehctl-op 0 "$E" --json op 3 get-state
valid eehctl-freeze 0 "$E" -i "$img" --json freeze 3
valid eehctl-op 1 "$E" -i "$img" --json op 3 reset-deactivate
valid eehctl-fence 0 "$E" -i "$img" --json fence 1
valid eehctl-clock 0 "$E" -i "$img" --json clock advance 100
valid eehctl-save-topology 0 "$E" --json save-topology "$tmp/t.json"
valid eehctl-dma 0 "$E" --json dma --map 2 0000:01:00.0=12:28
valid eehctl-ioas 0 env EEH_BACKEND=sim "$E" --json ioas 0000:01:00.0=1 0000:01:00.1=1
valid eeh-inject 0 "$I" --json 3 --freeze --recover
valid eeh-inject 0 "$I" --json phb0:pe1 --func st-mem-addr --addr 0x80800100 --mask 0xffffff00 --trigger
valid eeh-inject 0 "$I" -i "$img" --json phb0:pe3 --func ld-mem-addr --addr 0x83000040 --mask 0xfffffff0
valid eeh-inject-log 0 "$I" -i "$img" log phb0:pe3 --json
valid eeh-inject-list-funcs 0 "$I" list-funcs --json
valid eeh-inject-campaign 0 "$I" campaign --seed 2 --count 300 --json
valid eeh-inject-campaign 0 "$I" campaign --seed 2 --count 300 --shard 2/3 --json
cp "$tmp/json" "$tmp/s2.json"
"$I" campaign --seed 2 --count 300 --shard 1/3 --json >"$tmp/s1.json"
valid eeh-inject-merge 0 "$I" merge "$tmp/s1.json" "$tmp/s2.json"
valid eeh-inject-scenario 0 "$I" scenario --json "$S"/doc/examples/*.json
printf '{ "steps": [ { "freeze": 1 }, { "expect_state": 1, "state": "normal" } ] }' >"$tmp/f.json"
valid eeh-inject-scenario 1 "$I" scenario --json "$tmp/f.json"
printf '{ "stepz": [] }' >"$tmp/bad.json"
valid eeh-inject-scenario 2 "$I" scenario --json "$tmp/bad.json"

# Every command that takes --json has a definition
for c in $("$E" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }'); do
	# exec and mount run a command or serve files: no JSON of their own
	case $c in exec | mount) continue ;; esac
	check "eehctl-$c defined" 0 grep -q "\"eehctl-$c\"" "$SCHEMA"
done
for c in campaign scenario merge log list-funcs; do
	check "eeh-inject-$c defined" 0 grep -q "\"eeh-inject-$c\"" "$SCHEMA"
done
finish test-json-schema
