# Shared by the CLI tests (sourced): a scratch directory, check() for an
# exit code, expect_out() for a pattern in what the last check printed,
# and finish() for the closing count.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() { # name expected-exit command...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $got, wanted $want"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | head -40
	fi
}

expect_out() { # name pattern
	if grep -q -- "$2" "$tmp/out" "$tmp/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: no '$2' in output"
		sed 's/^/    /' "$tmp/out" "$tmp/err" | head -40
	fi
}

finish() { # test name
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
