#!/bin/sh
# The layering rule, read off the built objects: tools/ -> inject/ -> eeh/ -> lib/.
# An object may use symbols defined in its own folder or a lower one; a
# reference to a symbol defined in a higher folder fails the check. Within
# the library no two source files may use each other (a circle of files).
# Usage: check-layers.sh [BUILDDIR]   (default: $top_builddir or .)
set -eu
top=${1:-${top_builddir:-.}}
NM=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rank() {
	case $1 in
	lib) echo 0 ;; eeh) echo 1 ;; inject) echo 2 ;; tools) echo 3 ;; *) echo -1 ;;
	esac
}

# One line per symbol: "D <layer> <object> <sym>" or "U <layer> <object> <sym>".
n=0
for layer in lib eeh inject tools; do
	for o in $(find "$top/$layer" -name '*.o' -path '*/.libs/*' 2>/dev/null; \
		   find "$top/$layer" -maxdepth 1 -name '*.o' 2>/dev/null); do
		n=$((n + 1))
		src=$(basename "$o" .o | sed 's/^[a-z0-9_]*_[a-z0-9_]*-//')
		# $NM may carry flags (libtool's "nm -B"): split it.
		$NM "$o" >"$tmp/one" || { echo "check-layers: $NM $o failed" >&2; exit 99; }
		awk -v l="$layer" -v f="$layer/$src" '
			$1 == "U" { print "U", l, f, $2; next }
			NF == 3 && $2 ~ /^[TDBRC]$/ { print "D", l, f, $3 }' "$tmp/one" >>"$tmp/raw"
	done
done
sort -u "$tmp/raw" >"$tmp/syms" 2>/dev/null || :
if [ "$n" -eq 0 ]; then
	echo "check-layers: no objects under $top (build first)" >&2
	exit 99
fi

awk -v lib=0 '
	function rank(l) { return l == "lib" ? 0 : l == "eeh" ? 1 : l == "inject" ? 2 : 3 }
	$1 == "D" { def[$4] = $3; defl[$4] = $2; next }
	$1 == "U" { use[++n] = $0 }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			split(use[i], u, " ")
			s = u[4]
			if (!(s in def)) continue
			if (rank(defl[s]) > rank(u[2])) {
				printf "upward: %s uses %s from %s\n", u[3], s, def[s]
				bad++
			}
			if (def[s] != u[3] && u[3] !~ /^tools\//) edge[u[3] " " def[s]] = s
		}
		for (e in edge) {
			split(e, p, " ")
			if ((p[2] " " p[1]) in edge && p[1] < p[2]) {
				printf "circle: %s uses %s, %s uses %s\n", p[1], edge[e], p[2], \
					edge[p[2] " " p[1]]
				bad++
			}
		}
		exit bad ? 1 : 0
	}' "$tmp/syms" && { echo "check-layers: $n objects, no upward reference, no circle"; exit 0; }
echo "check-layers: the layering rule is broken (see above)"
exit 1
