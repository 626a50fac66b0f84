#!/bin/sh
# The manual pages match the tools: every command --help lists is in the
# page's synopsis, every option a --help usage names is documented, -V is
# documented and prints the version the page documents, and the pages
# format without warnings.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
. "$S/tests/cli-lib.sh"

for tool in eehctl eeh-inject; do
	man="$S/doc/$tool.8"
	bin="$B/tools/$tool"
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$man" | sed 's/\\-/-/g' >"$tmp/synopsis"
	sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man" >"$tmp/page"
	cmds=$("$bin" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }')
	check "$tool commands" 0 test -n "$cmds"
	for c in $cmds; do
		check "$tool $c in synopsis" 0 grep -q -- "^\.B.* $c\$\|^\.B $c\$\|^\.B $tool $c" "$tmp/synopsis"
		"$bin" "$c" --help | sed -n '/^Usage:/,/^$/p' | grep -o -- '--[a-z0-9-]*' | sort -u >"$tmp/opts"
		for o in $(cat "$tmp/opts"); do
			check "$tool $c $o documented" 0 grep -q -- "$o" "$tmp/page"
		done
	done
	# the tool's own usage lines and options
	"$bin" --help | sed -n '/^Usage:/,/^$/p;/^Options:/,/^$/p' | grep -o -- '--[a-z0-9-]*' | sort -u \
		>"$tmp/opts"
	for o in $(cat "$tmp/opts"); do
		check "$tool $o documented" 0 grep -q -- "$o" "$tmp/page"
	done
	check "$tool -V documented" 0 grep -q -- '^\.BR -V ", " --version' "$tmp/page"
	v=$("$bin" -V | awk '{ print $2 }')
	check "$tool -V prints the page's version" 0 grep -q "^\.TH .* \"libeeh $v\"" "$man"
done
check libeeh.3-version 0 grep -q "^\.TH LIBEEH 3 .* \"libeeh $v\"" "$S/doc/libeeh.3"
for m in "$S/doc/eehctl.8" "$S/doc/eeh-inject.8" "$S/doc/libeeh.3"; do
	if command -v groff >/dev/null 2>&1; then
		check "$(basename "$m") formats cleanly" 0 sh -c \
			'groff -man -Tutf8 -ww -z "$1" 2>&1 | grep . && exit 1; exit 0' sh "$m"
	fi
done
finish test-man
