# Shared by the CLI tests (sourced): a scratch directory, check() for an
# exit code, expect_out() for a pattern in what the last check printed,
# and finish() for the closing count.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

passed() {
	pass=$((pass + 1))
}

failed() { # message: counted, printed with what the last check printed
	fail=$((fail + 1))
	echo "FAIL: $1"
	sed 's/^/    /' "$tmp/out" "$tmp/err" | head -40
}

check() { # name expected-exit command...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		passed
	else
		failed "$name: exit $got, wanted $want"
	fi
}

expect_out() { # name pattern
	if grep -q -- "$2" "$tmp/out" "$tmp/err"; then
		passed
	else
		failed "$1: no '$2' in output"
	fi
}

finish() { # test name
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
