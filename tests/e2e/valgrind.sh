#!/bin/sh
# valgrind --leak-check=full over the commands that work on files: parse
# (RSS and JSON Feed), extract, discover, cluster, related, enrich, import
# into a fresh database, import-opml, export-opml.  Any memory error or
# any definitely or indirectly lost block fails the test.  Small inputs
# keep it short (about 25 s of CPU; two commands run at once).  Label
# nosan: valgrind cannot run a binary built with AddressSanitizer (the
# script skips one, exit 77).
set -eu

: "${GAZETTE:?}" "${GZ_SOURCE_DIR:?}"
command -v valgrind >/dev/null 2>&1 || { echo "skip: valgrind not installed"; exit 77; }
if grep -q -a -e __asan_init -e __tsan_init "$GAZETTE"; then
    echo "skip: $GAZETTE is built with a sanitizer"
    exit 77
fi

tmp=$(mktemp -d /tmp/gz-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$GZ_SOURCE_DIR

# vg NAME EXPECTED_EXIT ARGS...: run gazette ARGS under valgrind.  The
# error exit code 99 tells a valgrind finding from the command's own exit.
vg() {
    name=$1
    want=$2
    shift 2
    rc=0
    t0=$(date +%s.%N)
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$tmp/$name.vg" "$GAZETTE" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
    awk -v a="$t0" -v b="$(date +%s.%N)" -v n="$name" 'BEGIN { printf "%-12s %5.1fs\n", n, b - a }'
    if [ "$rc" = 99 ] || [ -s "$tmp/$name.vg" ]; then
        echo "FAIL: $name: valgrind reports:" >&2
        cat "$tmp/$name.vg" >&2
        touch "$tmp/failed"
    elif [ "$rc" != "$want" ]; then
        echo "FAIL: $name: exit $rc, want $want" >&2
        cat "$tmp/$name.err" >&2
        touch "$tmp/failed"
    fi
}

# a small slice of the demo corpus
head -n 12 "$src/demo/articles.jsonl" >"$tmp/articles.jsonl"
page=$(ls "$src"/demo/pages/*.html | head -n 1)
feed=$(ls "$src"/demo/feeds/*.xml | head -n 1)
db="$tmp/g.db"
cat >"$tmp/subs.opml" <<'EOF'
<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="News"><outline type="rss" text="One &amp; two" xmlUrl="http://127.0.0.1:9/one.xml"/></outline>
<outline type="rss" text="Other" xmlUrl="http://127.0.0.1:9/other.xml" htmlUrl="http://127.0.0.1:9/"/>
</body></opml>
EOF

# two at a time (valgrind is slow to start; the machine has two cores):
# the database chain in one job, the file commands in the other
(
    GAZETTE_FETCH_PAGES=0 vg import 0 import "$tmp/articles.jsonl" --db "$db"
    vg import-opml 0 import-opml "$tmp/subs.opml" --db "$db"
    vg export-opml 0 export-opml --db "$db"
    grep -q 'xmlUrl="http://127.0.0.1:9/one.xml"' "$tmp/export-opml.out" ||
        { echo "FAIL: export-opml lacks the imported feed" >&2; touch "$tmp/failed"; }
) &
chain=$!
vg parse-rss 0 parse "$feed" --json
vg parse-json 0 parse "$src/fuzz/corpus/feed/json_example.json" --json
vg parse-broken 0 parse "$src/fuzz/corpus/feed/gz_broken.xml" --json
vg extract 0 extract "$page" --url http://example.com/a/page.html --json
vg discover 0 discover "$page" --url http://example.com/a/page.html
vg cluster 0 cluster "$tmp/articles.jsonl"
vg related 0 related "$tmp/articles.jsonl" --k 3
vg enrich 0 enrich "$tmp/articles.jsonl"
wait "$chain"

echo "11 commands run under valgrind"
[ ! -e "$tmp/failed" ]
