#!/bin/sh
# Install the Debian 12 packages gazette needs to build and test, when any is
# missing.  Uses sudo when not root.  Safe to run again: a no-op when all
# packages are present.
#
#   scripts/deps.sh          build and test dependencies
#   scripts/deps.sh bench    also the peers the benchmarks measure against
set -eu

pkgs="build-essential cmake pkg-config clang libclang-rt-14-dev
libcurl4-openssl-dev libxml2-dev libsqlite3-dev libpq-dev libmicrohttpd-dev
libjansson-dev libutf8proc-dev libstemmer-dev libexttextcat-dev libsodium-dev
liboath-dev
iso-codes python3 python3-feedparser tidy sqlite3 postgresql curl
chromium valgrind"
if [ "${1:-}" = bench ]; then
    pkgs="$pkgs sfeed wrk nginx-light hyperfine python3-readability"
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# Node.js and npm may come from Debian or from elsewhere (nodesource bundles
# npm and conflicts with Debian's npm package): ask for the commands.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
