#!/bin/sh
# Feed parsing throughput: gazette beside sfeed and Python feedparser, in
# the same run, on the same files, taking turns round by round.
#
#   bench/feeds.sh [BUILD_DIR] [CORPUS_DIR] [ROUNDS]
#
# Defaults: build, ../shared/corpus/feeds/real, 5 rounds.  Needs the
# bench_feed binary (cmake --build BUILD_DIR), sfeed and python3-feedparser
# (scripts/deps.sh bench).  Each peer parses every file in one process
# with all files in memory before its clock starts:
#   gazette     bench_feed: feed_parser_parse() into the full model
#               (charset decoding, dates, URLs, sanitized HTML)
#   sfeed       all files concatenated on one stdin stream (its fastest
#               mode; the process start is inside its clock)
#   feedparser  feedparser.parse(bytes) for each file (Debian's 6.0.x)
# Prints one line per peer per round and a table of medians (MB = 10^6 B)
# of wall-clock time and of CPU time (user + system of the process doing
# the parsing), since other load on a shared machine inflates the first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
corpus=${2:-$here/../../shared/corpus/feeds/real}
rounds=${3:-5}
[ -x "$build/bench/bench_feed" ] || { echo "no $build/bench/bench_feed: build first" >&2; exit 2; }
command -v sfeed >/dev/null || { echo "sfeed is not installed (scripts/deps.sh bench)" >&2; exit 2; }
/usr/bin/python3 -c 'import feedparser' || { echo "python3-feedparser is missing" >&2; exit 2; }

exec /usr/bin/python3 - "$build/bench/bench_feed" "$corpus" "$rounds" <<'PY'
import glob, os, re, resource, statistics, subprocess, sys, tempfile, time

bench, corpus, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(f for f in glob.glob(os.path.join(corpus, "**", "*"), recursive=True)
               if os.path.isfile(f) and not os.path.basename(f).startswith("README"))
docs = [open(f, "rb").read() for f in files]
nbytes = sum(len(d) for d in docs)
cat = tempfile.NamedTemporaryFile(delete=False)
cat.write(b"".join(docs))
cat.close()

def run_gazette():
    out = subprocess.run([bench, "-r", "1", corpus], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"entries (\d+) failed (\d+) seconds ([0-9.]+).* cpu ([0-9.]+)", out)
    return float(m.group(3)), float(m.group(4)), int(m.group(1))

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

def run_sfeed():
    with open(cat.name, "rb") as stdin:
        c0 = children_cpu()
        t0 = time.perf_counter()
        out = subprocess.run(["sfeed"], stdin=stdin, capture_output=True, check=True).stdout
        t = time.perf_counter() - t0
        c = children_cpu() - c0
    return t, c, out.count(b"\n")

def run_feedparser():
    import feedparser
    c0 = time.process_time()
    t0 = time.perf_counter()
    n = 0
    for d in docs:
        n += len(feedparser.parse(d).entries)
    return time.perf_counter() - t0, time.process_time() - c0, n

peers = [("gazette", run_gazette), ("sfeed", run_sfeed), ("feedparser", run_feedparser)]
results = {name: [] for name, _ in peers}
cpus = {name: [] for name, _ in peers}
entries = {}
for r in range(rounds):
    for name, fn in peers:
        t, c, n = fn()
        results[name].append(t)
        cpus[name].append(c)
        entries[name] = n
        print("round %d %-10s %.3f s (cpu %.3f s)" % (r + 1, name, t, c), flush=True)
os.unlink(cat.name)

print()
print("%d files, %d bytes, %d rounds (median)" % (len(files), nbytes, rounds))
print()
print("| peer | seconds | MB/s | feeds/s | CPU seconds | MB/s by CPU | entries |")
print("|---|---|---|---|---|---|---|")
med = {}
medc = {}
for name, _ in peers:
    s = statistics.median(results[name])
    c = statistics.median(cpus[name])
    med[name] = s
    medc[name] = c
    print("| %s | %.3f | %.1f | %.0f | %.3f | %.1f | %d |" % (
        name, s, nbytes / 1e6 / s, len(files) / s, c, nbytes / 1e6 / c, entries[name]))
print()
print("gazette vs sfeed: %.2fx its throughput (%.2fx by CPU time); vs feedparser: %.0fx (%.0fx)" %
      (med["sfeed"] / med["gazette"], medc["sfeed"] / medc["gazette"],
       med["feedparser"] / med["gazette"], medc["feedparser"] / medc["gazette"]))
PY
