#!/bin/sh
# eeh-inject as a user drives it: one-shot injections on a persistent
# image (checked with eehctl), exit codes, the doc/examples scenarios,
# campaigns (same seed same run, shards that merge into one run, JSON,
# TAP, JUnit) and clear errors for bad input.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
INJ="$B/tools/eeh-inject"
EEHCTL="$B/tools/eehctl"
. "$S/tests/cli-lib.sh"

# --help everywhere
check help 0 "$INJ" --help
expect_out help "Usage: eeh-inject"
check campaign-help 0 "$INJ" campaign --help
expect_out campaign-help "shard I/N"
check scenario-help 0 "$INJ" scenario --help
check list-funcs 0 "$INJ" list-funcs
expect_out list-funcs "19  dma-wr-target"
check list-funcs-json 0 "$INJ" list-funcs --json
expect_out list-funcs-json '"name": "ld-cfg-addr"'

# Bad usage: exit 2
check no-args 2 "$INJ"
check no-func 2 "$INJ" 0000:01:00.0
check bad-func 2 "$INJ" 0000:01:00.0 --func 20
check bad-func-name 2 "$INJ" 0000:01:00.0 --func ld-nothing
check bad-pe 2 "$INJ" 0000:77:00.0 --func 0
expect_out bad-pe "no PE"
check addr-not-in-bar 2 "$INJ" phb0:pe3 --func 0 --addr 0x90000000 --mask 0xffffff00
expect_out addr-not-in-bar "no BAR"
check addr-outside-mask 2 "$INJ" phb0:pe3 --func 0 --addr 0x83000010 --mask 0xffffff00
check 32bit-high-addr 2 "$INJ" phb1:pe1 --func 0 --addr 0x600000000000
check bad-shard 2 "$INJ" campaign --count 10 --shard 3/2
check bad-count 2 "$INJ" campaign --count 0
check bad-seed 2 "$INJ" campaign --seed x
check bad-topology 2 "$INJ" -t "$tmp/none.json" campaign --count 5
# Only one report may go to stdout: mixed, neither would parse
check json-and-tap 2 "$INJ" campaign --count 5 --json --tap
check junit-stdout-and-tap 2 "$INJ" campaign --count 5 --tap --junit -
check junit-stdout-and-json 2 "$INJ" campaign --count 5 --junit - --json
check junit-stdout 0 "$INJ" campaign --count 5 --junit -
expect_out junit-stdout '^<?xml version'

# One-shot on a persistent image, checked with eehctl
img="$tmp/host.json"
check inject-immediate 0 "$INJ" -i "$img" 0000:01:00.1 --func ld-mem-data --64
expect_out inject-immediate "PHB#0-PE#1: stopped"
check eehctl-sees-it 0 "$EEHCTL" -i "$img" state 1 --json
expect_out eehctl-sees-it '"state_name": "stopped"'
check inject-armed 0 "$INJ" -i "$img" phb0:pe3 --func ld-mem-addr --addr 0x83000040 --mask 0xfffffff0
expect_out inject-armed "armed"
check still-normal 0 "$EEHCTL" -i "$img" state 3 --json
expect_out still-normal '"state_name": "normal"'
check trigger 0 "$INJ" phb0:pe3 --func st-cfg-addr --trigger --json
expect_out trigger '"state_name": "stopped"'
check freeze 0 "$INJ" 5 --freeze
expect_out freeze "stopped"
check fence 0 "$INJ" --json phb1:pe2 --fence
expect_out fence '"fault": "fence"'

# The injection record: armed, then fired with what it hit
check log-armed 0 "$INJ" -i "$img" log phb0:pe3
expect_out log-armed "ld-mem-addr    32  0x83000040"
expect_out log-armed "armed"
check fired 0 "$INJ" phb0:pe4 --func ld-mem-data --addr 0x84000010 --mask 0xfffffff0 --trigger
expect_out fired "Fired on the access to 0x84000010 by 0000:04:00.0"
check fired-json 0 "$INJ" --json phb0:pe1 --func st-mem-addr --addr 0x80800100 --mask 0xffffff00 --trigger
expect_out fired-json '"function": "0000:01:00.1"'
check log-bad-pe 2 "$INJ" log phb9:pe9

# --recover: the event log, JSON and text
check recover-hotplug 0 "$INJ" phb1:pe4 --func dma-rd-master --trigger --recover
expect_out recover-hotplug "Recovery: recovered via hotplug, 1 reset attempt"
expect_out recover-hotplug "reset-fallback-hot\|reset-assert"
check recover-json 0 "$INJ" --json 0000:03:00.0 --func 12 --trigger --recover
expect_out recover-json '"path": "hotplug"'
expect_out recover-json '"step": "rescan"'

# Scenario files: every example passes; a failing expectation exits 1
for f in "$S"/doc/examples/*.json; do
	check "scenario $(basename "$f")" 0 "$INJ" scenario "$f"
	expect_out "scenario $(basename "$f")" "PASS"
done
cat >"$tmp/wrong.json" <<'JSON'
{ "topology": "builtin",
  "steps": [ { "freeze": "phb0:pe1" },
             { "recover": "phb0:pe1", "expect": "recovered", "path": "thaw" } ] }
JSON
check scenario-fails 1 "$INJ" scenario "$tmp/wrong.json"
expect_out scenario-fails "FAIL"
printf '{ "steps": [ { "explode": 1 } ] }' >"$tmp/bad.json"
check scenario-bad-step 2 "$INJ" scenario "$tmp/bad.json"
printf 'not json' >"$tmp/bad2.json"
check scenario-not-json 2 "$INJ" scenario "$tmp/bad2.json"
check scenario-directory 2 "$INJ" scenario "$tmp"
expect_out scenario-directory "directory"
# Bad values are bad files (exit 2, the key named), never a crash, a
# run without end, or a step on the wrong PHB
printf '{ "steps": [ { "inject": "phb0:pe1", "func": 99, "expect_error": null } ] }' \
	>"$tmp/null-errno.json"
check scenario-expect-error-null 2 "$INJ" scenario "$tmp/null-errno.json"
expect_out scenario-expect-error-null "expect_error"
printf '{ "steps": [ { "inject": "phb0:pe1", "func": 99, "expect_error": "EFOO" } ] }' \
	>"$tmp/unknown-errno.json"
check scenario-expect-error-unknown 2 "$INJ" scenario "$tmp/unknown-errno.json"
expect_out scenario-expect-error-unknown "expect_error"
printf '{ "steps": [ { "inject": "phb0:pe1", "func": 99, "expect_error": "EINVAL" } ] }' \
	>"$tmp/einval.json"
check scenario-expect-error-einval 0 "$INJ" scenario "$tmp/einval.json"
printf '{ "steps": [ { "repeat": 18446744073709551615, "steps": [] } ] }' >"$tmp/forever.json"
check scenario-repeat-huge 2 "$INJ" scenario "$tmp/forever.json"
expect_out scenario-repeat-huge "repeat"
printf '{ "steps": [ { "repeat": 1000, "steps": [ { "repeat": 1000000, "steps": [] } ] } ] }' \
	>"$tmp/nested.json"
check scenario-repeat-nested 2 "$INJ" scenario "$tmp/nested.json"
printf '{ "steps": [ { "repeat": "-1", "steps": [] } ] }' >"$tmp/negative.json"
check scenario-repeat-negative 2 "$INJ" scenario "$tmp/negative.json"
expect_out scenario-repeat-negative "repeat"
printf '{ "steps": [ { "repeat": 3, "steps": [] } ] }' >"$tmp/empty.json"
check scenario-repeat-empty 0 "$INJ" scenario "$tmp/empty.json"
printf '{ "steps": [ { "fence": "x" }, { "expect_state": "phb0:pe1", "state": "normal" } ] }' \
	>"$tmp/fence-x.json"
check scenario-fence-not-a-number 2 "$INJ" scenario "$tmp/fence-x.json"
expect_out scenario-fence-not-a-number "'fence' is not a number"
printf '{ "steps": [ { "fence": 1 }, { "expect_state": "phb0:pe1", "state": "normal" },
  { "expect_state": "phb1:pe1", "state": "stopped" } ] }' >"$tmp/fence-1.json"
check scenario-fence-1 0 "$INJ" scenario "$tmp/fence-1.json"
printf '{ "steps": [ { "wait_ms": 18446744073709551615 } ] }' >"$tmp/wait.json"
check scenario-wait-past-the-end 2 "$INJ" scenario "$tmp/wait.json"

# Campaigns
check seed-blank-sign 2 "$INJ" campaign --seed ' -1' --count 3
check shard-negative 2 "$INJ" campaign --count 3 --shard 1/-1
check shard-blank 2 "$INJ" campaign --count 3 --shard ' 1/3'
check count-sign 2 "$INJ" campaign --count +5
check campaign 0 "$INJ" campaign --seed 1 --count 1000
expect_out campaign "PASS: 1000 of 1000 cases passed"
expect_out campaign "phb1:pe4"
check campaign-json 0 "$INJ" campaign --seed 3 --count 400 --json
expect_out campaign-json '"passed": true'
check campaign-tap 0 "$INJ" campaign --seed 3 --count 20 --tap
expect_out campaign-tap "^1..20"
expect_out campaign-tap "^ok 20 - case 000019"
# Same seed, same run; another seed, another run
"$INJ" campaign --seed 5 --count 300 --junit "$tmp/a.xml" >/dev/null
"$INJ" campaign --seed 5 --count 300 --junit "$tmp/b.xml" >/dev/null
"$INJ" campaign --seed 6 --count 300 --junit "$tmp/c.xml" >/dev/null
check same-seed 0 cmp "$tmp/a.xml" "$tmp/b.xml"
check other-seed 1 cmp -s "$tmp/a.xml" "$tmp/c.xml"
# Shards are disjoint and together hold exactly the cases of one run
for i in 1 2 3; do
	"$INJ" campaign --seed 5 --count 300 --trial-len 40 --shard $i/3 --junit "$tmp/s$i.xml" \
		>/dev/null
done
"$INJ" campaign --seed 5 --count 300 --trial-len 40 --junit "$tmp/full.xml" >/dev/null
grep '<testcase' "$tmp/full.xml" | sort >"$tmp/full.cases"
cat "$tmp"/s?.xml | grep '<testcase' | sort >"$tmp/shard.cases"
check shards-merge 0 cmp "$tmp/full.cases" "$tmp/shard.cases"
check shards-disjoint 0 test "$(sort -u "$tmp/shard.cases" | wc -l)" -eq 300

# Bad DMA: a DMA with no valid TCE freezes the PE; the recovery report
# names the cause, campaigns draw it on request
check bad-dma 0 "$INJ" phb0:pe1 --bad-dma --addr 0x20000 --recover
expect_out bad-dma "Bad DMA write by 0000:01:00.0 to 0x20000"
expect_out bad-dma "error-log .*-3 (bad-dma)"
expect_out bad-dma "Recovery: recovered"
check bad-dma-json 0 "$INJ" --json phb0:pe1 --bad-dma --recover
expect_out bad-dma-json '"fault": "bad-dma"'
expect_out bad-dma-json '"cause": "bad-dma"'
check bad-dma-log 0 "$INJ" log phb0:pe1
check bad-dma-two 2 "$INJ" phb0:pe1 --bad-dma --freeze
check campaign-bad-dma 0 "$INJ" campaign --seed 3 --count 200 --bad-dma 50 --tap
expect_out campaign-bad-dma "^ok [0-9]* - case [0-9]* bad-dma phb"
check campaign-bad-dma-range 2 "$INJ" campaign --bad-dma 101
check campaign-bad-dma-summary 0 "$INJ" campaign --seed 3 --count 100 --bad-dma 30
expect_out campaign-bad-dma-summary "PHB fences, [0-9]* bad DMAs"

finish test-eeh-inject
