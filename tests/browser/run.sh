#!/bin/sh
# Browser tests: gazette's pages in Debian's chromium, driven by
# playwright-core from npm (never a browser that playwright downloads).
#
#   GAZETTE=build/gazette GZ_SOURCE_DIR=. tests/browser/run.sh
#
# Skips (exit 77, which ctest reports as skipped) only when /usr/bin/chromium
# is missing; scripts/deps.sh installs it.  Installs playwright-core from
# package-lock.json the first time (npm ci).  Screenshots go to
# tests/browser/artifacts/ (git-ignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chromium=${GZ_CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
    echo "SKIP: $chromium is not installed (scripts/deps.sh installs the chromium package)"
    exit 77
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "FAIL: node and npm are needed for the browser tests (scripts/deps.sh installs them)"
    exit 1
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
GZ_CHROMIUM=$chromium exec node "$here/accounts.test.mjs"
