#!/bin/sh
# `make run`: import the demo corpus into the database on first run, then
# serve the site (http://127.0.0.1:8080 unless --listen or GAZETTE_LISTEN
# says otherwise).
set -eu
gz=${1:-build/gazette}
db=${2:-gazette.db}
if [ ! -f "$db" ]; then
    echo "gazette: first run, importing the demo corpus into $db" >&2
    if ! "$gz" import demo --db "$db"; then
        echo "gazette: some demo items were not imported (see above); serving the rest" >&2
    fi
fi
exec "$gz" serve --db "$db"
