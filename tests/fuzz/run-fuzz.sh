#!/bin/bash
# Run each libFuzzer target for a fixed time: run-fuzz.sh FUZZ_DIR SECONDS
# SRCDIR TARGET... Seeds come from tests/fuzz/corpus/TARGET (and the
# scenarios of doc/examples), JSON targets get tests/fuzz/*.dict; what the
# fuzzer finds new goes to
# FUZZ_DIR/corpus/TARGET, a crash to FUZZ_DIR/crash-TARGET-*. Prints a
# BENCH line (executions per second) and PASS/FAIL per target; exits 1 if
# any target crashed, leaked, timed out or broke an invariant.
set -u
dir=$1 seconds=$2 srcdir=$3
shift 3
failed=0
for t in "$@"; do
	prog=$dir/fuzz_$t
	work=$dir/corpus/$t
	log=$dir/fuzz_$t.log
	seeds=("$srcdir/tests/fuzz/corpus/$t")
	[ "$t" = scenario ] && seeds+=("$srcdir/doc/examples")
	# Dictionaries of the JSON formats' keys: tests/fuzz/TARGET.dict.
	dict=$srcdir/tests/fuzz/${t/image/topology}.dict
	opts=()
	[ -f "$dict" ] && opts+=(-dict="$dict")
	mkdir -p "$work"
	rm -f "$dir"/crash-"$t"-*
	start=$(date +%s%N)
	# -timeout: one input running 10 s is a hang (a finding).
	"$prog" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crash-$t-" "${opts[@]}" \
		"$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	echo "BENCH fuzz_${t}_execs_per_s $(( ${runs:-0} * 1000 / (ms > 0 ? ms : 1) )) execs/s"
	if [ "$rc" -eq 0 ]; then
		echo "PASS: fuzz_$t (${runs:-0} runs)"
	else
		failed=1
		echo "FAIL: fuzz_$t (exit $rc; log $log; input $(ls "$dir"/crash-"$t"-* 2>/dev/null | head -n 1))"
		grep -E -A40 '^==[0-9]+==ERROR|runtime error|invariant failed|refuses|ALARM|Timeout|deadly signal' \
			"$log" | head -n 80 | sed 's/^/    /'
	fi
done
exit $failed
