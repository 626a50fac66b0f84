#!/bin/sh
# The library's interface, read off the built libeeh.so: it exports exactly
# the functions lib/libeeh.sym lists, and every function libeeh.h declares.
set -eu
top=${top_builddir:-.}
src=${top_srcdir:-.}
so=$top/lib/.libs/libeeh.so
NM=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -e "$so" ] || { echo "check-symbols: $so not built" >&2; exit 99; }

$NM -D --defined-only "$so" >"$tmp/nm" || { echo "check-symbols: $NM failed" >&2; exit 99; }
awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | sort -u >"$tmp/exported"
# Names between "global:" and "local:" of every node.
awk '/global:/ { g = 1; next } /local:|^}/ { g = 0 } g && /;/ { gsub(/[\t ;]/, ""); print }' \
	"$src/lib/libeeh.sym" | sort >"$tmp/listed"
# Function prototypes: a line starting with a type, then eeh_NAME(.
grep -E '^[a-z][a-z0-9_ ]*[ *]eeh_[a-z0-9_]+\(' "$src/lib/libeeh.h" |
	sed -E 's/^.*[ *](eeh_[a-z0-9_]+)\(.*/\1/' | sort -u >"$tmp/declared"

bad=0
if [ -n "$(sort "$tmp/listed" | uniq -d)" ]; then
	echo "listed twice in libeeh.sym: $(sort "$tmp/listed" | uniq -d | tr '\n' ' ')"; bad=1
fi
for pair in "exported listed exported-but-not-listed" "listed exported listed-but-not-exported" \
	    "declared exported declared-in-libeeh.h-but-not-exported"; do
	set -- $pair
	extra=$(comm -23 "$tmp/$1" "$tmp/$2" | tr '\n' ' ')
	if [ -n "$extra" ]; then
		echo "$3: $extra"
		bad=1
	fi
done
n=$(wc -l <"$tmp/exported")
[ "$bad" -eq 0 ] && { echo "check-symbols: $n functions exported as listed and declared"; exit 0; }
exit 1
