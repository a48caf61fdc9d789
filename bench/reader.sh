#!/bin/sh
# Reader API speed: stream/items/ids and Fever items for a reader who
# follows 1,000 sources with 1,000,000 articles, on SQLite and PostgreSQL.
#
#   bench/reader.sh [BUILD_DIR] [REQUESTS] [sqlite|postgres|both]
#
# Loads each database with build/bench/bench_reader (store.h, in
# transactions of 10,000), starts `gazette serve` on a free loopback port
# and times repeated HTTP requests with bench/reader_bench.py (median and
# p99).  The SQLite file stays in /tmp/gzbench between runs (delete it to
# reload); PostgreSQL is a throwaway cluster (tests/pg/server.sh, fsync
# off) loaded again on every run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
requests=${2:-200}
which=${3:-both}
work=${GZ_BENCH_DIR:-/tmp/gzbench}
pgdir=/tmp/gzbench-pg
pgport=54339
mkdir -p "$work"

serve_and_time() {
    dsn=$1
    label=$2
    "$build/gazette" serve --db "$dsn" --listen 127.0.0.1:0 --log-level warn >"$work/serve.out" &
    pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/serve.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    echo "## $label ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
    python3 "$root/bench/reader_bench.py" "$port" "$requests" || true
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

if [ "$which" != postgres ]; then
    db=$work/reader.db
    if [ ! -f "$db" ]; then
        echo "loading SQLite: $db" >&2
        "$build/bench/bench_reader" "$db"
    fi
    serve_and_time "$db" "SQLite"
fi

if [ "$which" != sqlite ]; then
    "$root/tests/pg/server.sh" start "$pgdir" "$pgport"
    trap '"$root/tests/pg/server.sh" stop "$pgdir"' EXIT
    dsn="postgresql://postgres@/gzbench?host=$pgdir&port=$pgport"
    if ! psql -h "$pgdir" -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'gzbench'" | grep -q 1; then
        psql -h "$pgdir" -p "$pgport" -U postgres -qc "CREATE DATABASE gzbench"
        echo "loading PostgreSQL" >&2
        "$build/bench/bench_reader" "$dsn"
        psql -h "$pgdir" -p "$pgport" -U postgres -d gzbench -qc "VACUUM ANALYZE"
    fi
    serve_and_time "$dsn" "PostgreSQL"
fi
