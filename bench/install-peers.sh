#!/bin/sh
# Install the JavaScript peers the extraction benchmark measures against
# (Readability.js on linkedom) into bench/node/, which git ignores.
# Needs npm and the npm registry; nothing else is downloaded.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)/node
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || printf '{"name":"gazette-bench-peers","private":true}\n' >package.json
if [ ! -d node_modules/@mozilla/readability ] || [ ! -d node_modules/linkedom ]; then
    npm install --no-audit --no-fund --silent @mozilla/readability@0.6.0 linkedom@0.18
fi
