#!/bin/sh
# bench/pg.sh - gazette on PostgreSQL beside SQLite, on loopback only.
#
#   bench/pg.sh [BUILD_DIR]          (default: build)
#
# Starts a throwaway PostgreSQL cluster (tests/pg/server.sh: socket only,
# fsync off, in /tmp), then bench/pg_bench.py measures:
#   - ingest throughput, articles/s, from generated feeds served on
#     127.0.0.1 (tests/e2e/lib/feedfarm.py): `gazette fetch` on SQLite, and
#     1, 2 and 4 `gazette worker` processes on one PostgreSQL database, with
#     the CPU seconds spent by gazette and by the PostgreSQL server;
#   - web requests/s with wrk on the front page and an article page, on
#     each backend, anonymous (page cache) and with a cookie (no cache).
# and stops the cluster.  Prints Markdown tables and the load average (the
# machine's 2 cores are shared: figures are noisy).
#
# Settings (environment):
#   GZ_BENCH_DIR       work folder (default /tmp/gz-bench-pg)
#   GZ_BENCH_FEEDS     feeds in the farm (default 80)
#   GZ_BENCH_ENTRIES   entries per feed (default 25)
#   GZ_BENCH_SECONDS   seconds per wrk run (default 8)
#   GZ_BENCH_PG_PORT   port of the throwaway cluster's socket (default 54339)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-build}
gz=$(cd "$build" && pwd)/gazette
work=${GZ_BENCH_DIR:-/tmp/gz-bench-pg}
port=${GZ_BENCH_PG_PORT:-54339}
pgdir=/tmp/gzpg-bench-$port

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench/pg.sh: '$tool' is missing (scripts/deps.sh bench installs it)" >&2
        exit 1
    }
done
[ -x "$gz" ] || { echo "bench/pg.sh: no gazette binary at '$gz'" >&2; exit 1; }
mkdir -p "$work"
"$src/tests/pg/server.sh" start "$pgdir" "$port"
trap '"$src/tests/pg/server.sh" stop "$pgdir"' EXIT INT TERM
GZ_BENCH_PG_DIR=$pgdir python3 "$here/pg_bench.py" "$gz" \
    "postgresql://postgres@/%s?host=$pgdir&port=$port" "$work"
