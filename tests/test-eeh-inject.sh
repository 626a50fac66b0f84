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
expect_out bad-count "eeh-inject campaign: --count 0: want a number from 1 to 100000000"
check bad-seed 2 "$INJ" campaign --seed x
expect_out bad-seed "eeh-inject campaign: --seed x: want a number"
check bad-shard-named 2 "$INJ" campaign --shard 3/2
expect_out bad-shard-named "eeh-inject campaign: --shard 3/2: want I/N with 1 <= I <= N"
check bad-topology 2 "$INJ" -t "$tmp/none.json" campaign --count 5
expect_out bad-topology "cannot load the topology .*none.json: No such file"
# Only one report may go to stdout: mixed, neither would parse
check json-and-tap 2 "$INJ" campaign --count 5 --json --tap
check junit-stdout-and-tap 2 "$INJ" campaign --count 5 --tap --junit -
check junit-stdout-and-json 2 "$INJ" campaign --count 5 --junit - --json
check junit-stdout 0 "$INJ" campaign --count 5 --junit -
expect_out junit-stdout '^<?xml version'

# One-shot on a persistent image, checked with eehctl
img="$tmp/host.json"
check inject-immediate 0 "$INJ" -i "$img" 0000:01:00.1 --func ld-mem-data --64
expect_out inject-immediate "phb0:pe1: stopped"
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

# A scenario is checked against its format: an unknown key is an error at
# FILE:LINE:COLUMN (a misspelled expectation no longer passes silently)
cat >"$tmp/typo.json" <<'JSON'
{ "topology": "builtin",
  "steps": [ { "freeze": "phb0:pe1" },
             { "recover": "phb0:pe1", "expct": "permanent-failure" } ] }
JSON
check scenario-typo 2 "$INJ" scenario "$tmp/typo.json"
expect_out scenario-typo "typo.json:3:39: unknown key 'expct' in a recover step (did you mean 'expect'?)"
printf '{ "steps": [], "driver": [] }' >"$tmp/rootkey.json"
check scenario-root-key 2 "$INJ" scenario "$tmp/rootkey.json"
expect_out scenario-root-key "rootkey.json:1:16: unknown key 'driver' in the scenario"
printf '{ "drivers": [ { "function": "0000:01:00.0", "slot_rest": "none" } ],\n "steps": [] }' \
	>"$tmp/drvkey.json"
check scenario-driver-key 2 "$INJ" scenario "$tmp/drvkey.json"
expect_out scenario-driver-key "drvkey.json:1:46: unknown key 'slot_rest' in a driver (did you mean 'slot_reset'?)"
printf '{ "steps": [ { "repeat": 2, "steps": [ { "wait_ms": 1, "state": "x" } ] } ] }' \
	>"$tmp/nested.json"
check scenario-nested-key 2 "$INJ" scenario "$tmp/nested.json"
expect_out scenario-nested-key "nested.json:1:56: unknown key 'state' in a wait_ms step"
printf '{ "steps": [ { "freeze": 1, "recover": 1 } ] }' >"$tmp/two.json"
check scenario-two-actions 2 "$INJ" scenario "$tmp/two.json"
expect_out scenario-two-actions "two.json:1:29: a step has one action: 'recover' after 'freeze'"
# A missing file and a syntax error are told apart; the syntax error has its place
check scenario-missing 2 "$INJ" scenario "$tmp/nothing-here.json"
expect_out scenario-missing "nothing-here.json: cannot find the scenario: No such file"
printf '{ "steps": [ { "freeze": 1 }\n  { "wait_ms": 2 } ] }' >"$tmp/syntax.json"
check scenario-syntax 2 "$INJ" scenario "$tmp/syntax.json"
expect_out scenario-syntax "syntax.json:2:3: JSON syntax error"

# A failed expectation says which field, what was expected and what happened
cat >"$tmp/wrong2.json" <<'JSON'
{ "steps": [ { "freeze": "phb0:pe1" },
             { "recover": "phb0:pe1", "expect": "recovered", "resets": 0 },
             { "freeze": "phb0:pe1" },
             { "expect_state": "phb0:pe1", "state": "normal" } ] }
JSON
check scenario-which-field 1 "$INJ" scenario "$tmp/wrong2.json"
expect_out scenario-which-field "resets: expected 0, got 1"
expect_out scenario-which-field "state: expected normal, got stopped"
# ... in every report: JSON, TAP, JUnit
check scenario-json 1 "$INJ" scenario --json "$tmp/wrong2.json" "$S/doc/examples/thaw.json"
expect_out scenario-json '"field": "resets"'
expect_out scenario-json '"expected": "normal"'
expect_out scenario-json '"actual": "stopped"'
expect_out scenario-json '"result": "pass"'
check scenario-tap 2 "$INJ" scenario --tap "$tmp/wrong2.json" "$tmp/typo.json"
expect_out scenario-tap '^1..5$'
expect_out scenario-tap '^not ok 2 - .*wrong2.json: step 2: recover'
expect_out scenario-tap '^  field: state$'
expect_out scenario-tap "^not ok 5 - .*typo.json: 3:39: unknown key 'expct'"
check scenario-junit 2 "$INJ" scenario --junit "$tmp/scen.xml" "$tmp/wrong2.json" "$tmp/syntax.json"
check scenario-junit-file 0 grep -q '<testsuites tests="5" failures="2" errors="1"' "$tmp/scen.xml"
check scenario-junit-failure 0 grep -q 'failure message="resets: expected 0, got 1"' "$tmp/scen.xml"
check scenario-junit-virtual 0 grep -q '<property name="virtual_us" value="7050000"/>' "$tmp/scen.xml"
for f in "$S"/doc/examples/*.json; do
	check "scenario-tap $(basename "$f")" 0 "$INJ" scenario --tap "$f"
done
check scenario-junit-stdout-and-tap 2 "$INJ" scenario --tap --junit - "$tmp/wrong2.json"

# An unknown option is one line and points at --help
check bad-option 2 "$INJ" campaign --bogus
expect_out bad-option "^eeh-inject campaign: unknown option '--bogus'; try 'eeh-inject campaign --help'$"
check bad-option-one-line 0 test "$(wc -l <"$tmp/err")" -eq 1
check missing-value 2 "$INJ" scenario --junit
expect_out missing-value "missing value for '--junit'"
check top-bad-option 2 "$INJ" --frobnicate
check top-bad-option-one-line 0 test "$(wc -l <"$tmp/err")" -eq 1

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
# JUnit time is wall time, which varies: compare the cases without it.
nowall() { sed 's/ time="[^"]*"//g' "$1" >"$1.nowall"; }
for f in a b c; do nowall "$tmp/$f.xml"; done
check same-seed 0 cmp "$tmp/a.xml.nowall" "$tmp/b.xml.nowall"
check other-seed 1 cmp -s "$tmp/a.xml.nowall" "$tmp/c.xml.nowall"
# Shards are disjoint and together hold exactly the cases of one run
for i in 1 2 3; do
	"$INJ" campaign --seed 5 --count 300 --trial-len 40 --shard $i/3 --junit "$tmp/s$i.xml" \
		>/dev/null
done
"$INJ" campaign --seed 5 --count 300 --trial-len 40 --junit "$tmp/full.xml" >/dev/null
grep '<testcase' "$tmp/full.xml" | sed 's/ time="[^"]*"//' | sort >"$tmp/full.cases"
cat "$tmp"/s?.xml | grep '<testcase' | sed 's/ time="[^"]*"//' | sort >"$tmp/shard.cases"
check shards-merge 0 cmp "$tmp/full.cases" "$tmp/shard.cases"
check shards-disjoint 0 test "$(sort -u "$tmp/shard.cases" | wc -l)" -eq 300

# 'eeh-inject merge' joins the shards' reports into the report of one run
run5() { "$INJ" campaign --seed 5 --count 300 --trial-len 40 "$@"; }
for i in 1 2 3; do
	run5 --shard $i/3 --json >"$tmp/m$i.json"
	run5 --shard $i/3 --tap >"$tmp/m$i.tap"
done
run5 --json >"$tmp/mfull.json"
run5 --tap >"$tmp/mfull.tap"
check merge-junit 0 "$INJ" merge --output "$tmp/merged.xml" "$tmp/s1.xml" "$tmp/s2.xml" "$tmp/s3.xml"
nowall "$tmp/merged.xml"
nowall "$tmp/full.xml"
check merge-junit-is-the-run 0 cmp "$tmp/merged.xml.nowall" "$tmp/full.xml.nowall"
check merge-tap 0 "$INJ" merge "$tmp/m1.tap" "$tmp/m2.tap" "$tmp/m3.tap"
cp "$tmp/out" "$tmp/merged.tap"
check merge-tap-is-the-run 0 cmp "$tmp/merged.tap" "$tmp/mfull.tap"
check merge-json 0 "$INJ" merge "$tmp/m1.json" "$tmp/m2.json" "$tmp/m3.json" -o -
grep -v '"wall_s"' "$tmp/out" >"$tmp/merged.json"
grep -v '"wall_s"' "$tmp/mfull.json" >"$tmp/mfull.nowall.json"
check merge-json-is-the-run 0 cmp "$tmp/merged.json" "$tmp/mfull.nowall.json"
check merge-missing-shard 0 "$INJ" merge "$tmp/m1.json" "$tmp/m3.json"
expect_out merge-missing-shard "warning: shard 2/3 is missing"
check merge-twice 2 "$INJ" merge "$tmp/m1.json" "$tmp/m1.json"
expect_out merge-twice "shard 1 given twice"
check merge-mixed 2 "$INJ" merge "$tmp/m1.json" "$tmp/m1.tap"
expect_out merge-mixed "m1.tap: another format than the first file"
check merge-scenarios 1 "$INJ" merge "$tmp/scen.xml" "$tmp/s1.xml"
expect_out merge-scenarios '<testsuite name="eeh-inject campaign seed 5 count 300" tests="100"'
expect_out merge-scenarios 'failure message="resets: expected 0, got 1"'

# Pictures: one self-contained HTML page (inline SVG, nothing fetched), the
# same page from the JSON report, and the spans as trace-event JSON
check campaign-html 0 "$INJ" campaign --seed 4 --count 400 --html "$tmp/c.html" --trace "$tmp/c.trace"
check html-svg 0 grep -q '<svg id="timeline"' "$tmp/c.html"
check html-self-contained 1 grep -qiE 'https?:|<script|<link|src=|url\(' "$tmp/c.html"
for chart in outcome-row times-row timeline-row; do
	check "html $chart per PE" 0 test "$(grep -o "class=\"$chart\"" "$tmp/c.html" | wc -l)" -eq 8
done
check html-pe-count 0 grep -q 'data-pes="8">8 PEs' "$tmp/c.html"
"$INJ" campaign --seed 4 --count 400 --json >"$tmp/c.json"
check report-html 0 "$INJ" report --html "$tmp/r.html" --trace "$tmp/r.trace" "$tmp/c.json"
check report-same-page 0 cmp "$tmp/c.html" "$tmp/r.html"
check report-same-trace 0 cmp "$tmp/c.trace" "$tmp/r.trace"
nspans=$(grep -c '"case":' "$tmp/c.json")
check trace-valid 0 python3 "$S/tests/check-trace.py" "$tmp/c.trace" 8 "$nspans"
check report-stdout 0 "$INJ" report --html - "$tmp/c.json"
expect_out report-stdout '^<!DOCTYPE html>'
check report-not-json 2 "$INJ" report --html "$tmp/x.html" "$tmp/c.trace"
expect_out report-not-json "not a campaign or scenario JSON report"
check report-no-output 2 "$INJ" report "$tmp/c.json"
printf '{"pes": [ }' >"$tmp/broken.json"
check report-syntax 2 "$INJ" report --html "$tmp/x.html" "$tmp/broken.json"
expect_out report-syntax "broken.json:1:11: JSON syntax error"
check merge-syntax 2 "$INJ" merge "$tmp/broken.json"
expect_out merge-syntax "broken.json:1:11: JSON syntax error"
check scenario-html 0 "$INJ" scenario --html "$tmp/s.html" --trace "$tmp/s.trace" "$S"/doc/examples/*.json
check scenario-html-pes 0 grep -q 'data-pes="7"' "$tmp/s.html"
check scenario-trace-valid 0 python3 "$S/tests/check-trace.py" "$tmp/s.trace" 7 \
	"$(grep -o '"name": "recover' "$tmp/s.trace" | wc -l)"
"$INJ" merge "$tmp/m1.json" "$tmp/m2.json" "$tmp/m3.json" >"$tmp/merged-report.json"
check merged-report-html 0 "$INJ" report --html "$tmp/mr.html" "$tmp/merged-report.json"
check merged-report-pes 0 grep -q 'data-pes="8"' "$tmp/mr.html"

# Shards differ in size by at most one case; an empty shard is warned about
for i in 1 2 3; do
	check "shard-size $i" 0 "$INJ" campaign --seed 5 --count 300 --trial-len 40 --shard $i/3
	expect_out "shard-size $i" "Campaign seed 5: 100 faults (shard $i/3 of 300)"
done
check shard-empty 0 "$INJ" campaign --count 2 --shard 1/3
expect_out shard-empty "warning: shard 1/3 is empty"

# The campaign table adds up: every PE fault ends in exactly one outcome
# column (recovered + parent + perm + removed), recovered = thaw + reset +
# hotplug, and the kinds in the summary add up to the faults drawn.
check table 0 "$INJ" campaign --seed 1 --count 2000
expect_out table "A fence counts once for every PE under the PHB"
expect_out table "min/p50/p90/p99/max"
expect_out table "removed"
cp "$tmp/out" "$tmp/table"
check table-adds-up 0 awk '/^phb|^total/ { n++; if ($2 != $3 + $7 + $8 + $9 || $3 != $4 + $5 + $6) bad++ }
	/faults by kind:/ { k = $4 + $6 + $8 + $10 + $12 } /^Campaign seed/ { drawn = $4 }
	END { exit !(n >= 2 && !bad && k == drawn && k == 2000) }' "$tmp/table"
check table-has-removed 0 awk '/^phb/ { s += $9 } END { exit !(s > 0) }' "$tmp/table"
check kinds-one-word 0 "$INJ" campaign --seed 1 --count 200 --json
expect_out kinds-one-word '"storm": '
expect_out kinds-one-word '"p99": '
expect_out kinds-one-word '"removed": '
check kinds-tap 0 "$INJ" campaign --seed 1 --count 200 --tap
expect_out kinds-tap '^ok [0-9]* - case [0-9]* storm phb'

# JUnit time is wall time; the virtual time is a property
check junit-times 0 "$INJ" campaign --seed 1 --count 50 --junit -
expect_out junit-times '<property name="virtual_s" value="[0-9.]*"/>'
expect_out junit-times '<property name="virtual_ms" value="7050.000"/>'
check junit-wall 1 grep -q 'time="7.050000"' "$tmp/out"

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
expect_out campaign-bad-dma-summary "faults by kind: .*, [1-9][0-9]* bad-dma$"

finish test-eeh-inject
