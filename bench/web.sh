#!/bin/sh
# bench/web.sh - gazette's website under load, beside nginx serving the same
# page bytes as static files, in the same run, on loopback.
#
#   bench/web.sh [BUILD_DIR]          (default: build)
#
# 1. Builds (once, then reuses) a database of GZ_BENCH_ARTICLES synthetic
#    articles: bench/gen_articles.py writes JSON-lines from the demo corpus's
#    sentences (distinct titles, dates over 30 days, 50 sources, grouped into
#    stories with the `story` key) and `gazette import` stores them.
# 2. Starts `gazette serve` on a free loopback port, saves the bytes of its
#    front page and of an article page (an article of the top story), and
#    starts nginx (a temporary config under the work folder) serving those
#    bytes as static files on another loopback port.
# 3. Runs wrk against each, one after the other: front page, article page,
#    and, for gazette alone, random article pages (mostly page-cache misses);
#    then the front and article pages again under light load (a few
#    connections), where latency is the server's rather than the queue's.
#
# Settings (environment):
#   GZ_BENCH_DIR          work folder (default /tmp/gz-bench-web); the database stays there
#   GZ_BENCH_ARTICLES     articles in the database (default 100000)
#   GZ_BENCH_SECONDS      seconds per wrk run (default 10)
#   GZ_BENCH_CONNECTIONS  wrk connections (default 32), over 2 wrk threads
#   GZ_BENCH_LIGHT        connections of the light-load runs (default 4, one wrk thread)
#   GZ_BENCH_THREADS      gazette serve --threads (default 2, one per core here)
#   GZ_SHARED             the shared corpus root (default ../shared from the source tree)
#
# Prints a Markdown table of requests/s, latency percentiles and errors, and
# the goals: gazette >= half of nginx's requests/s, p99 < 10 ms, no errors.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-build}
gz=$build/gazette
work=${GZ_BENCH_DIR:-/tmp/gz-bench-web}
n=${GZ_BENCH_ARTICLES:-100000}
secs=${GZ_BENCH_SECONDS:-10}
conns=${GZ_BENCH_CONNECTIONS:-32}
light=${GZ_BENCH_LIGHT:-4}
threads=${GZ_BENCH_THREADS:-2}
shared=${GZ_SHARED:-$src/../shared}
demo=$shared/corpus/demo/articles.jsonl

for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench/web.sh: '$tool' is missing (scripts/deps.sh bench installs it)" >&2
        exit 1
    }
done
[ -x "$gz" ] || { echo "bench/web.sh: no gazette binary at '$gz'" >&2; exit 1; }
[ -r "$demo" ] || { echo "bench/web.sh: no demo corpus at '$demo'" >&2; exit 1; }
mkdir -p "$work"
db=$work/bench-$n.db

gz_pid=""
ngx_pid=""
cleanup() {
    [ -n "$gz_pid" ] && kill "$gz_pid" 2>/dev/null && wait "$gz_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    return 0
}
trap cleanup EXIT INT TERM

if [ ! -s "$db" ]; then
    echo "generating $n articles ..." >&2
    python3 "$here/gen_articles.py" "$demo" "$n" >"$work/articles.jsonl"
    echo "importing ..." >&2
    start=$(date +%s)
    "$gz" import "$work/articles.jsonl" --db "$db.tmp" --log-level warn >&2
    mv "$db.tmp" "$db"
    rm -f "$db.tmp-wal" "$db.tmp-shm"
    echo "import took $(($(date +%s) - start)) s" >&2
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# gazette
"$gz" serve --db "$db" --listen 127.0.0.1:0 --threads "$threads" --log-level warn \
    >"$work/serve.out" 2>"$work/serve.err" &
gz_pid=$!
port=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/serve.out")
    [ -n "$port" ] && break
    sleep 0.5
done
[ -n "$port" ] || { echo "bench/web.sh: gazette did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
gzurl=http://127.0.0.1:$port

article=$(python3 - "$gzurl" <<'EOF'
import json, sys, urllib.request
base = sys.argv[1]
top = json.load(urllib.request.urlopen(base + "/api/v1/stories?per_page=1"))["stories"][0]
story = json.load(urllib.request.urlopen(base + "/api/v1/story/%d" % top["id"]))["story"]
print(story["articles"][0]["id"])
EOF
)
maxid=$(python3 - "$gzurl" <<'EOF'
import re, sys, urllib.request
body = urllib.request.urlopen(sys.argv[1] + "/metrics").read().decode()
print(int(float(re.search(r"^gazette_articles (\S+)$", body, re.M).group(1))))
EOF
)

# nginx with the same bytes
root=$work/nginx/root
mkdir -p "$root" "$work/nginx/logs"
curl -sf -o "$root/front.html" "$gzurl/"
curl -sf -o "$root/article.html" "$gzurl/article/$article"
nport=$(free_port)
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        root $root;
    }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
ngx_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    curl -sf -o /dev/null "http://127.0.0.1:$nport/front.html" && break
    sleep 0.3
done
ngurl=http://127.0.0.1:$nport

cat >"$work/random.lua" <<EOF
math.randomseed(7)
request = function()
  return wrk.format(nil, "/article/" .. math.random(1, $maxid))
end
EOF

# One wrk run; prints "rps p50 p90 p99 errors" (latencies in ms).
run() {
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" 2>&1 | parse
}
run_light() {
    wrk -t1 -c"$light" -d"${secs}s" --latency "$@" 2>&1 | parse
}
parse() {
    python3 -c '
import re, sys
out = sys.stdin.read()
def ms(s):
    v, u = re.match(r"([0-9.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
err += int(m.group(1)) if m else 0
print("%.0f %.2f %.2f %.2f %d" % (rps, ms(lat["50"]), ms(lat["90"]), ms(lat["99"]), err))
'
}

load_before=$(cut -d" " -f1-3 /proc/loadavg)
echo "warming up ..." >&2
wrk -t1 -c4 -d1s "$gzurl/" >/dev/null
wrk -t1 -c4 -d1s "$gzurl/article/$article" >/dev/null
wrk -t1 -c4 -d1s "$ngurl/front.html" >/dev/null

echo "running wrk, ${secs} s each ..." >&2
g_front=$(run "$gzurl/")
n_front=$(run "$ngurl/front.html")
g_art=$(run "$gzurl/article/$article")
n_art=$(run "$ngurl/article.html")
g_rand=$(run -s "$work/random.lua" "$gzurl/")
gl_front=$(run_light "$gzurl/")
nl_front=$(run_light "$ngurl/front.html")
gl_art=$(run_light "$gzurl/article/$article")
nl_art=$(run_light "$ngurl/article.html")
load_after=$(cut -d" " -f1-3 /proc/loadavg)
counts=$(curl -sf "$gzurl/metrics" | grep -E '^gazette_(articles|stories|page_cache_(hits|misses)_total) ')

python3 - "$g_front" "$n_front" "$g_art" "$n_art" "$g_rand" "$gl_front" "$nl_front" "$gl_art" \
    "$nl_art" <<EOF
import sys
rows = [("front page /", "gazette", sys.argv[1]), ("", "nginx (same bytes)", sys.argv[2]),
        ("article /article/$article", "gazette", sys.argv[3]),
        ("", "nginx (same bytes)", sys.argv[4]),
        ("random /article/1..$maxid", "gazette", sys.argv[5]),
        ("front page /, $light connections", "gazette", sys.argv[6]),
        ("", "nginx (same bytes)", sys.argv[7]),
        ("article, $light connections", "gazette", sys.argv[8]),
        ("", "nginx (same bytes)", sys.argv[9])]
print("| page | server | requests/s | p50 ms | p90 ms | p99 ms | errors |")
print("|---|---|---:|---:|---:|---:|---:|")
for page, who, line in rows:
    rps, p50, p90, p99, err = line.split()
    print("| %s | %s | %s | %s | %s | %s | %s |" % (page, who, rps, p50, p90, p99, err))
def v(i, k):
    return float(sys.argv[i].split()[k])
print()
for name, g, ng in (("front", 1, 2), ("article", 3, 4)):
    ratio = v(g, 0) / v(ng, 0)
    print("%s: gazette/nginx = %.2f (goal >= 0.5: %s); gazette p99 %.2f ms (goal < 10: %s), "
          "%.2f ms under light load (nginx %.2f); errors %d"
          % (name, ratio, "met" if ratio >= 0.5 else "MISSED", v(g, 3),
             "met" if v(g, 3) < 10 else "MISSED", v(g + 5, 3), v(ng + 5, 3), v(g, 4) + v(g + 5, 4)))
EOF
echo
echo "wrk -t2 -c$conns -d${secs}s --latency (light: -t1 -c$light); gazette serve --threads $threads; nginx 2 workers"
echo "load average before: $load_before; after: $load_after ($(nproc) cores)"
echo "$counts"
