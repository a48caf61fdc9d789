#!/bin/sh
# Extraction speed: gazette extract --batch against Readability.js on
# linkedom, over the extraction corpus's dev split, each in one process
# pinned to one core, in the same run.
#
#   bench/bench-extract.sh [BUILD_DIR] [REPEAT]
#
# Needs a release build (cmake -S . -B build && cmake --build build) and,
# for the peer, bench/install-peers.sh (npm; installs into bench/node/).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
repeat=${2:-5}
shared=${GZ_SHARED:-$root/../shared}
corpus=$shared/corpus/extraction
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$corpus" >"$tmp/list.tsv" <<'PY'
import json, os, sys
c = sys.argv[1]
for name in sorted(os.listdir(c)):
    p = os.path.join(c, name, "expected.json")
    if os.path.isfile(p):
        print("%s\t%s\t%s" % (name, os.path.join(c, name, "page.html"), json.load(open(p))["url"]))
PY
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
echo "pages: $(wc -l <"$tmp/list.tsv") x $repeat, $(du -sh "$corpus" | cut -f1) corpus"
# warm the page cache
cat "$corpus"/*/page.html >/dev/null
$pin "$build/gazette" extract --batch "$tmp/list.tsv" --repeat "$repeat"
if [ -d "$root/bench/node/node_modules/@mozilla/readability" ]; then
    $pin node "$root/bench/readability-bench.mjs" "$tmp/list.tsv" "$repeat"
else
    echo "readability.js: not installed (run bench/install-peers.sh)"
fi
