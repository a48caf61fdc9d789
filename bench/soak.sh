#!/bin/sh
# bench/soak.sh - gazette serve under steady load while an ingest writes to
# the same database, on loopback: errors, latency and memory over time.
#
#   bench/soak.sh [BUILD_DIR]          (default: build)
#
# 1. Generates (once, then reuses) GZ_SOAK_ARTICLES + GZ_SOAK_INGEST
#    synthetic articles with bench/gen_articles.py (from the demo corpus's
#    sentences); the first GZ_SOAK_ARTICLES are imported into a base
#    database, kept for the next run.  Each run starts from a fresh copy.
# 2. Starts `gazette serve --threads 2 --no-fetch` on a free loopback port;
#    picks an article of the top story, and a search word from its title.
# 3. At once, for GZ_SOAK_SECONDS (default 60):
#    - an ingest: `gazette import` of the remaining articles, in chunks of
#      GZ_SOAK_CHUNK lines, one process after another (SQLite allows one
#      writer; serve's readers see each commit), until the run ends;
#    - three wrk processes (1 thread, GZ_SOAK_CONNECTIONS connections each,
#      default 4): the front page /, the article page, and /search?q=WORD
#      (WORD: the commonest long word in the top stories' titles);
#    - the RSS of the serve process sampled every 5 s from /proc.
# 4. Prints requests/s, errors (socket errors and non-2xx/3xx answers),
#    latency percentiles per URL, the articles ingested during the run, and
#    serve's RSS at the start, at the end and its peak.
#
# Settings (environment):
#   GZ_SOAK_DIR           work folder (default /tmp/gz-soak)
#   GZ_SOAK_ARTICLES      articles in the base database (default 20000)
#   GZ_SOAK_INGEST        articles available to the ingest (default 60000)
#   GZ_SOAK_CHUNK         articles per import process (default 2000)
#   GZ_SOAK_SECONDS       length of the run (default 60)
#   GZ_SOAK_NO_INGEST     1: no ingest (a baseline to compare with)
#   GZ_SOAK_CONNECTIONS   connections per wrk (default 4)
#   GZ_SOAK_TIMEOUT       wrk's timeout per request (default 10s; wrk's own default,
#                         2s, counts a slow answer on a loaded machine as an error)
#   GZ_SHARED             the shared corpus root (default ../shared from the source tree)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-build}
gz=$(cd "$(dirname "$build/gazette")" && pwd)/gazette
work=${GZ_SOAK_DIR:-/tmp/gz-soak}
nbase=${GZ_SOAK_ARTICLES:-20000}
ningest=${GZ_SOAK_INGEST:-60000}
chunk=${GZ_SOAK_CHUNK:-2000}
secs=${GZ_SOAK_SECONDS:-60}
conns=${GZ_SOAK_CONNECTIONS:-4}
timeout=${GZ_SOAK_TIMEOUT:-10s}
shared=${GZ_SHARED:-$src/../shared}
demo=$shared/corpus/demo/articles.jsonl

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench/soak.sh: '$tool' is missing (scripts/deps.sh bench installs it)" >&2
        exit 1
    }
done
[ -x "$gz" ] || { echo "bench/soak.sh: no gazette binary at '$gz'" >&2; exit 1; }
[ -r "$demo" ] || { echo "bench/soak.sh: no demo corpus at '$demo'" >&2; exit 1; }
mkdir -p "$work"
base=$work/base-$nbase.db
chunks=$work/ingest-$nbase-$ningest

gz_pid=""
ingest_pid=""
sampler_pid=""
cleanup() {
    touch "$work/ingest.stop"
    [ -n "$ingest_pid" ] && wait "$ingest_pid" 2>/dev/null
    for p in $sampler_pid $gz_pid; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    return 0
}
trap cleanup EXIT INT TERM

if [ ! -s "$base" ] || [ ! -d "$chunks" ]; then
    echo "generating $((nbase + ningest)) articles ..." >&2
    python3 "$here/gen_articles.py" "$demo" "$((nbase + ningest))" >"$work/all.jsonl"
    head -n "$nbase" "$work/all.jsonl" >"$work/base.jsonl"
    rm -rf "$chunks"
    mkdir -p "$chunks"
    tail -n +"$((nbase + 1))" "$work/all.jsonl" | split -l "$chunk" -d -a 4 --additional-suffix=.jsonl - "$chunks/part-"
    echo "importing the base ..." >&2
    rm -f "$base"
    "$gz" import "$work/base.jsonl" --db "$base.tmp" --log-level warn >&2
    mv "$base.tmp" "$base"
    rm -f "$base.tmp-wal" "$base.tmp-shm" "$work/all.jsonl" "$work/base.jsonl"
fi

db=$work/soak.db
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"

"$gz" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --no-fetch --log-level warn \
    >"$work/serve.out" 2>"$work/serve.err" &
gz_pid=$!
port=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/serve.out")
    [ -n "$port" ] && break
    sleep 0.5
done
[ -n "$port" ] || { echo "bench/soak.sh: gazette did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
url=http://127.0.0.1:$port

set -- $(python3 - "$url" <<'EOF'
import collections, json, re, sys, urllib.request
base = sys.argv[1]
stories = json.load(urllib.request.urlopen(base + "/api/v1/stories?per_page=50"))["stories"]
story = json.load(urllib.request.urlopen(base + "/api/v1/story/%d" % stories[0]["id"]))["story"]
# the search word: the commonest word of 6 letters or more in the top stories' titles
words = collections.Counter(w.lower() for s in stories
                            for w in re.findall(r"[A-Za-z]{6,}", s.get("title") or ""))
print(story["articles"][0]["id"], words.most_common(1)[0][0] if words else "government")
EOF
)
article=$1
word=$2
count_articles() {
    curl -sf "$url/metrics" | sed -n 's/^gazette_articles \([0-9.e+]*\)$/\1/p' |
        python3 -c 'import sys; print(int(float(sys.stdin.read() or 0)))'
}
rss_kb() {
    sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$gz_pid/status"
}

echo "warming up ..." >&2
for p in / "/article/$article" "/search?q=$word"; do
    wrk -t1 -c"$conns" -d2s "$url$p" >/dev/null
done
articles_before=$(count_articles)
rss_start=$(rss_kb)
load_before=$(cut -d" " -f1-3 /proc/loadavg)

# memory, every 5 s
(
    t=0
    while kill -0 "$gz_pid" 2>/dev/null; do
        printf '%s\t%s\n' "$t" "$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$gz_pid/status")"
        sleep 5
        t=$((t + 5))
    done
) >"$work/rss.tsv" &
sampler_pid=$!

# the ingest: one import per chunk until the run ends (the stop file) or the chunks do
rm -f "$work/ingest.stop"
: >"$work/ingest.out"
: >"$work/ingest.err"
: >"$work/ingest.log"
(
    for f in "$chunks"/part-*.jsonl; do
        [ "${GZ_SOAK_NO_INGEST:-0}" = 1 ] && break
        [ -e "$work/ingest.stop" ] && break
        "$gz" import "$f" --db "$db" --log-level warn >>"$work/ingest.out" 2>>"$work/ingest.err" || true
        echo "$(date +%s) $f" >>"$work/ingest.log"
    done
) &
ingest_pid=$!
t0=$(date +%s)

echo "soaking for ${secs} s: wrk on /, /article/$article, /search?q=$word while importing ..." >&2
wrk -t1 -c"$conns" -d"${secs}s" --timeout "$timeout" --latency "$url/" >"$work/wrk-front.txt" 2>&1 &
w1=$!
wrk -t1 -c"$conns" -d"${secs}s" --timeout "$timeout" --latency "$url/article/$article" >"$work/wrk-article.txt" 2>&1 &
w2=$!
wrk -t1 -c"$conns" -d"${secs}s" --timeout "$timeout" --latency "$url/search?q=$word" >"$work/wrk-search.txt" 2>&1 &
w3=$!
wait "$w1" "$w2" "$w3"
t1=$(date +%s)
rss_end=$(rss_kb)
ingest_done=$(wc -l <"$work/ingest.log")
touch "$work/ingest.stop" # the import under way finishes its chunk
wait "$ingest_pid" || true
ingest_pid=""
articles_after=$(count_articles)
load_after=$(cut -d" " -f1-3 /proc/loadavg)
kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
rss_peak=$(sort -t"$(printf '\t')" -k2 -n "$work/rss.tsv" | tail -n 1 | cut -f2)

python3 - "$work" "$((t1 - t0))" "$article" "$word" "$articles_before" "$articles_after" \
    "$ingest_done" "$rss_start" "$rss_end" "${rss_peak:-0}" "$load_before" "$load_after" <<'EOF'
import re, sys
work, secs, article, word, a0, a1, chunks, r0, r1, rp, l0, l1 = sys.argv[1:]


def ms(s):
    v, u = re.match(r"([0-9.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]


print("| URL | requests | requests/s | errors | p50 ms | p90 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|---|")
total_err = 0
for name, label in (("front", "/"), ("article", "/article/" + article),
                    ("search", "/search?q=" + word)):
    out = open("%s/wrk-%s.txt" % (work, name)).read()
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    mx = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1)
    n = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    err += int(m.group(1)) if m else 0
    total_err += err
    print("| `%s` | %d | %.0f | %d | %.2f | %.2f | %.2f | %.1f |"
          % (label, n, rps, err, ms(lat["50"]), ms(lat["90"]), ms(lat["99"]), ms(mx)))
print()
print("run: %s s; errors in all: %d" % (secs, total_err))
print("ingest during the run: %d articles stored (%d -> %d), %s import chunks finished"
      % (int(a1) - int(a0), int(a0), int(a1), chunks))
print("serve RSS: start %.1f MB, end %.1f MB, peak sampled %.1f MB"
      % (int(r0) / 1024, int(r1) / 1024, int(rp) / 1024))
print("load average (1, 5, 15 min): before %s, after %s" % (l0, l1))
EOF
echo "RSS samples (s, kB): $(tr '\t\n' ': ' <"$work/rss.tsv")" >&2
