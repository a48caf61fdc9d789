#!/bin/sh
# Every real-world feed of shared/corpus/feeds/real (broken XML, text
# before the declaration, invalid UTF-8, NUL characters, unfinished CDATA
# among them) parses, with at least one entry, into valid JSON.  One
# process reads them all (JSON Lines), as a worker would.
set -eu
corpus="$GZ_SHARED/corpus/feeds/real"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find "$corpus" -type f ! -name 'README*' | sort > "$tmp/files"
[ -s "$tmp/files" ] || { echo "error: no feeds in $corpus" >&2; exit 1; }
status=0
tr '\n' '\0' < "$tmp/files" | xargs -0 "$GAZETTE" parse --json > "$tmp/out.jsonl" ||
    status=$?

python3 - "$tmp/files" "$tmp/out.jsonl" "$status" <<'PY'
import json, sys
files = [l for l in open(sys.argv[1]).read().split("\n") if l]
status = int(sys.argv[3])
seen = {}
bad = 0
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    try:
        doc = json.loads(line)
    except ValueError as e:
        print("FAIL line %d: not JSON: %s" % (n, e))
        bad += 1
        continue
    seen[doc.get("file")] = len(doc.get("entries") or [])
entries = 0
for f in files:
    if f not in seen:
        print("FAIL %s: not parsed" % f)
        bad += 1
    elif seen[f] == 0:
        print("FAIL %s: no entries" % f)
        bad += 1
    else:
        entries += seen[f]
print("real feeds: %d parsed, %d failed, %d entries" % (len(files) - bad, bad, entries))
sys.exit(1 if bad or status else 0)
PY
