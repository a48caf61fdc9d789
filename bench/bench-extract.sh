#!/bin/sh
# Extraction speed: gazette extract --batch against Readability.js on
# linkedom, over the extraction corpus's dev split, each in one process
# pinned to one core, in the same run.
#
#   bench/bench-extract.sh [BUILD_DIR] [REPEAT] [ROUNDS]
#
# Each round runs gazette, then Readability.js, REPEAT passes over the
# pages each, and prints the ratio of their pages/s: wall time, time
# inside the extraction calls, and CPU time (on a shared machine wall
# time also counts waiting for the core; CPU time does not).  The load
# average is printed before and after.
#
# Needs a release build (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
# cmake --build build) and, for the peer, bench/install-peers.sh (npm;
# installs into bench/node/).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
repeat=${2:-5}
rounds=${3:-1}
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
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# warm the page cache
cat "$corpus"/*/page.html >/dev/null
peer=0
[ -d "$root/bench/node/node_modules/@mozilla/readability" ] && peer=1
[ "$peer" = 1 ] || echo "readability.js: not installed (run bench/install-peers.sh)"
# "N pages/s wall", "N pages/s in ...", "N pages/s cpu" of a summary line
rates() {
    sed -n 's/.* \([0-9.]*\) pages\/s wall, \([0-9.]*\) pages\/s in [a-z_+]*, \([0-9.]*\) pages\/s cpu.*/\1 \2 \3/p' "$1"
}
r=0
while [ "$r" -lt "$rounds" ]; do
    r=$((r + 1))
    $pin "$build/gazette" extract --batch "$tmp/list.tsv" --repeat "$repeat" 2>"$tmp/gz"
    cat "$tmp/gz"
    [ "$peer" = 1 ] || continue
    $pin node "$root/bench/readability-bench.mjs" "$tmp/list.tsv" "$repeat" >"$tmp/js"
    cat "$tmp/js"
    echo "$(rates "$tmp/gz") $(rates "$tmp/js")" | awk -v r="$r" '{
        printf "round %d: gazette/readability.js pages/s: %.1fx wall, %.1fx in extraction, %.1fx cpu\n",
            r, $1 / $4, $2 / $5, $3 / $6 }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
