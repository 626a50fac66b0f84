#!/bin/sh
# Every example in README.md and doc/*.md runs as written. A code block's
# info string says what it is: "json topology" (loaded with eehctl -t),
# "json scenario" (run with eeh-inject scenario), "c main-body" (statements
# compiled inside main() against the built library and run on the
# simulated host), or "c fragment"/"json fragment" (a sketch that needs a
# VMM or elides parts). A json or c block with no such word fails, so a new
# example cannot escape the test. doc/examples/*.json run in
# test-eeh-inject.sh.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
. "$S/tests/cli-lib.sh"

n=0
for md in "$S/README.md" "$S"/doc/*.md; do
	# one file per block: $tmp/ex.N.KIND, KIND from the info string
	awk -v dir="$tmp" -v base="$(basename "$md")" '
		/^```(json|c)( |$)/ { n++; kind = $2 == "" ? "untagged" : $2;
			lang = substr($1, 4); f = dir "/" base "." n "." lang "." kind; next }
		/^```/ { f = ""; next }
		f != "" { print > f }' "$md"
done
for f in "$tmp"/*.md.*; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	ex=$(basename "$f")
	case "$ex" in
	*.json.topology)
		check "$ex" 0 "$B/tools/eehctl" -t "$f" list ;;
	*.json.scenario)
		check "$ex" 0 "$B/tools/eeh-inject" scenario "$f"
		expect_out "$ex" "PASS" ;;
	*.c.main-body)
		{
			grep '^#include' "$f"
			printf '#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n'
			printf 'int main(void)\n{\n'
			grep -v '^#include' "$f"
			printf 'return 0;\n}\n'
		} >"$f.c"
		check "$ex compiles" 0 ${CC:-cc} -std=gnu11 -Wall -Werror -I"$S/lib" -I"$B/lib" \
			-o "$f.bin" "$f.c" -L"$B/lib/.libs" -leeh -Wl,-rpath,"$B/lib/.libs"
		check "$ex runs" 0 env EEH_BACKEND=sim EEH_IMAGE= EEH_TOPOLOGY= "$f.bin" ;;
	*.fragment)
		passed ;;
	*)
		failed "$ex: tag the example (json topology, json scenario, c main-body, ... fragment)" ;;
	esac
done
check found-examples 0 test "$n" -ge 9
finish test-doc-examples
