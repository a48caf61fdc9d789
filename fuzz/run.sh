#!/bin/sh
# Build the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined)
# and run each in turn for a given time or number of executions, whichever
# comes first.  One target at a time, so a run takes about
# (number of targets) x (time per target).
#
#   fuzz/run.sh [-t SECONDS] [-n EXECUTIONS] [-B] [TARGET...]
#
#   -t SECONDS     time per target (default 600)
#   -n EXECUTIONS  executions per target (default 10000000)
#   -B             do not (re)build build-fuzz first
#   TARGET         parser names (feed, url, ...); default: every fuzz_*.c
#
# FUZZ_TIMEOUT (seconds, default 10) is how long one input may run before
# it counts as a finding.  libFuzzer measures it in wall time, so a run at
# low priority beside other work wants a larger value: a starved process
# can sit for seconds on a fast input.
#
# Per target it keeps, under fuzz/out/ (not committed):
#   <target>/          the working corpus (seeded from fuzz/corpus/<target>/)
#   <target>.log       libFuzzer's output
#   crash-<target>-*   any input that crashed, leaked, timed out or ran out
#                      of memory (libFuzzer stops a target at its first one)
# and appends one line per target to fuzz/out/summary.tsv:
#   date  target  executions  exec/s  seconds  findings  peak-rss-mb
# A finding is fixed, then its input is committed to fuzz/corpus/<target>/
# as regress-*, where ctest replays it (fuzz/<target> tests).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
secs=600
runs=10000000
build=1
while getopts t:n:B opt; do
    case $opt in
    t) secs=$OPTARG ;;
    n) runs=$OPTARG ;;
    B) build=0 ;;
    *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

bdir="$root/build-fuzz"
if [ "$build" = 1 ]; then
    CC=clang cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGZ_FUZZ=ON >/dev/null
    cmake --build "$bdir" -j 2 >/dev/null
fi

if [ $# -eq 0 ]; then
    set --
    for f in "$here"/fuzz_*.c; do
        n=$(basename "$f" .c)
        set -- "$@" "${n#fuzz_}"
    done
fi

out="$here/out"
mkdir -p "$out"

# findings of target $1 so far: the inputs libFuzzer saved for it
findings() {
    n=0
    for f in "$out"/crash-"$1"-*; do
        [ -e "$f" ] && n=$((n + 1))
    done
    echo "$n"
}
[ -f "$out/summary.tsv" ] ||
    printf 'date\ttarget\texecutions\texec_per_s\tseconds\tfindings\tpeak_rss_mb\n' >"$out/summary.tsv"

for t in "$@"; do
    bin="$bdir/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "error: no fuzz target '$t' ($bin)" >&2
        exit 1
    fi
    mkdir -p "$out/$t"
    dict=""
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    before=$(findings "$t")
    start=$(date +%s)
    echo "fuzz_$t: up to ${secs}s or $runs executions" >&2
    # a finding makes libFuzzer exit non-zero; go on with the next target
    # shellcheck disable=SC2086
    "$bin" $dict -max_total_time="$secs" -runs="$runs" -max_len=65536 -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crash-$t-" \
        "$out/$t" "$here/corpus/$t" >"$out/$t.log" 2>&1 || true
    end=$(date +%s)
    after=$(findings "$t")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
    if [ -z "$execs" ]; then
        # no final stats (killed): the last progress line
        execs=$(grep -o '^#[0-9]*' "$out/$t.log" | tail -1 | tr -d '#')
    fi
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$out/$t.log" | tail -1)
    line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(date -u +%FT%TZ)" "$t" "${execs:-0}" \
        "${rate:-0}" "$((end - start))" "$((after - before))" "${rss:-0}")
    echo "$line" >>"$out/summary.tsv"
    echo "$line" >&2
done
