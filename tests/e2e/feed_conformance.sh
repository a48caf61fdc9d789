#!/bin/sh
# Feed-parsing conformance: feedparser's own test feeds, scored by
# shared/tools/feed-conformance against `gazette parse --json`.  At least
# 97 % of the cases must pass (the suite passes 659 of 659 when written).
set -eu
corpus="$GZ_SHARED/corpus/feeds/conformance"
tool="$GZ_SHARED/tools/feed-conformance"
jobs=$(nproc 2>/dev/null || echo 2)

out=$("$tool" -j "$jobs" --verbose "$corpus" -- "$GAZETTE" parse --json)
line=$(printf '%s\n' "$out" | tail -n 1)
passed=$(printf '%s\n' "$line" | sed -n 's/^feeds: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(printf '%s\n' "$line" | sed -n 's/^feeds: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$passed" ] || [ -z "$failed" ]; then
    printf '%s\n' "$out" >&2
    echo "error: no summary line from feed-conformance" >&2
    exit 1
fi
printf '%s\n' "$out" | grep -A3 '^FAIL' || true
echo "$line"
total=$((passed + failed))
if [ "$total" -eq 0 ] || [ $((passed * 100)) -lt $((total * 97)) ]; then
    echo "error: conformance below 97 % ($passed of $total)" >&2
    exit 1
fi
