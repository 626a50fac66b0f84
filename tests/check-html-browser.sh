#!/bin/sh
# The HTML reports in a real browser (CI: 'make check-browser', after
# 'install-deps.sh --browser' installs Debian's chromium): headless
# Chromium renders a campaign's and a scenario run's page to PNG, which
# must not be blank, and its rendered DOM must show one row per PE in each
# chart; the trace files validate as trace-event JSON. Skipped (77)
# without chromium, a failure when $CI is set.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
I="$B/tools/eeh-inject"
. "$S/tests/cli-lib.sh"

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
	echo "check-html-browser: no chromium (install-deps.sh --browser installs it)"
	[ -n "${CI:-}" ] && exit 1
	exit 77
fi
headless() { # args...: chromium without a display, sandbox or profile left behind
	"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

# shows(page, PEs): rendered to PNG, not blank; its DOM has a row per PE in each chart
shows() {
	page=$1 pes=$2
	check "$page renders" 0 headless --window-size=900,1400 --screenshot="$tmp/$page.png" \
		"file://$tmp/$page.html"
	check "$page not blank" 0 python3 "$S/tests/check-png.py" "$tmp/$page.png"
	headless --dump-dom "file://$tmp/$page.html" >"$tmp/$page.dom"
	check "$page says $pes PEs" 0 grep -q "data-pes=\"$pes\"" "$tmp/$page.dom"
	for chart in times-row timeline-row; do
		check "$page $chart: $pes" 0 test "$(grep -o "class=\"$chart\"" "$tmp/$page.dom" | wc -l)" \
			-eq "$pes"
	done
}

"$I" campaign --seed 1 --count 500 --html "$tmp/campaign.html" --trace "$tmp/campaign.trace" \
	--json >"$tmp/campaign.json"
shows campaign 8
check campaign-outcome-rows 0 test "$(grep -o 'class="outcome-row"' "$tmp/campaign.dom" | wc -l)" -eq 8
spans=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["spans"]))' "$tmp/campaign.json")
check campaign-trace 0 python3 "$S/tests/check-trace.py" "$tmp/campaign.trace" 8 "$spans"

"$I" scenario --json "$S"/doc/examples/*.json >"$tmp/scenarios.json"
check scenario-report 0 "$I" report --html "$tmp/scenarios.html" --trace "$tmp/scenarios.trace" \
	"$tmp/scenarios.json"
shows scenarios 7
check scenario-trace 0 python3 "$S/tests/check-trace.py" "$tmp/scenarios.trace" 7 \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["spans"]))' "$tmp/scenarios.json")"

# the PNG check itself tells a blank page
printf '<!DOCTYPE html><html><body></body></html>' >"$tmp/blank.html"
headless --window-size=400,300 --screenshot="$tmp/blank.png" "file://$tmp/blank.html"
check blank-is-blank 1 python3 "$S/tests/check-png.py" "$tmp/blank.png"
finish check-html-browser
