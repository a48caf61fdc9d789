#!/usr/bin/env python3
"""The PostgreSQL benchmark (run by bench/pg.sh): ingest throughput with
1, 2 and 4 `gazette worker` processes on one PostgreSQL database beside
one `gazette fetch` on SQLite, and web requests/s on each backend.

Usage: pg_bench.py GAZETTE PG_DSN_WITH_%s WORKDIR

Ingest: the generated feed farm of tests/e2e/lib/feedfarm.py (GZ_BENCH_FEEDS
feeds x GZ_BENCH_ENTRIES entries, default 80 x 25) served on 127.0.0.1,
fetched with page reads off; articles/s is stored articles over the wall
time from the first process start to the last exit.  Every run starts from
an empty database.  The CPU seconds of gazette (user+sys, children) and of
the PostgreSQL server's backends (the postmaster's reaped children) are
reported beside it, to show where the time goes, and so are the seconds
the batches held the ingest lock (story assignment, serialized across
workers) and waited for it, summed over every batch.

Web: `gazette serve --no-fetch` (2 threads) over the database the 4-worker
run (PostgreSQL) or the SQLite run filled; wrk (2 threads, 16 connections,
GZ_BENCH_SECONDS each) on the front page and on an article page, once as an
anonymous visitor (the page cache answers after the data-version check) and
once with a cookie (every request renders from the database)."""
import json
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e", "lib"))
import feedfarm  # noqa: E402

GZ, PG, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["GZ_TEST_PG"] = PG
FEEDS = int(os.environ.get("GZ_BENCH_FEEDS", "80"))
ENTRIES = int(os.environ.get("GZ_BENCH_ENTRIES", "25"))
SECS = int(os.environ.get("GZ_BENCH_SECONDS", "8"))
PG_DIR = os.environ.get("GZ_BENCH_PG_DIR", "")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def pg_cpu():
    """CPU seconds of the PostgreSQL server's exited backends so far."""
    try:
        with open(os.path.join(PG_DIR, "data", "postmaster.pid")) as f:
            pid = f.readline().strip()
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ingest(farm, opml, backend, workers):
    env = feedfarm.env(GAZETTE_LOG_LEVEL="debug")  # for the batches' lock times
    if backend == "sqlite":
        db = os.path.join(WORK, "ingest.db")
        for s in ("", "-wal", "-shm"):
            if os.path.exists(db + s):
                os.unlink(db + s)
    else:
        db = feedfarm.pg_recreate("gz_bench_pg")
    subprocess.run([GZ, "import-opml", "--db", db, opml], check=True, capture_output=True,
                   env=env)
    c0, p0, t0 = child_cpu(), pg_cpu(), time.time()
    if backend == "sqlite":
        cmds = [[GZ, "fetch", "--db", db]]
    else:
        cmds = [[GZ, "worker", "--db", db, "--batch", "4", "--poll", "1", "--exit-when-idle"]
                for _ in range(workers)]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for c in cmds]
    out = [p.communicate() for p in procs]
    wall = time.time() - t0
    time.sleep(0.5)  # let the postmaster reap the backends
    c1, p1 = child_cpu(), pg_cpu()
    for p, (o, e) in zip(procs, out):
        if p.returncode:
            raise SystemExit("ingest run failed: %s %s" % (o.decode(), e.decode()))
    n = sum(int(m) for o, _ in out for m in re.findall(rb"(\d+) new articles", o))
    held = sum(int(m) for _, e in out for m in re.findall(rb"locked_ms=(\d+)", e)) / 1000.0
    waited = sum(int(m) for _, e in out for m in re.findall(rb"lock_wait_ms=(\d+)", e)) / 1000.0
    return db, n, wall, c1 - c0, p1 - p0, held, waited


def wrk(url, cookie):
    cmd = ["wrk", "-t2", "-c16", "-d%ds" % SECS, "--latency"]
    if cookie:
        cmd += ["-H", "Cookie: gz_visitor=bench"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def web(db):
    env = feedfarm.env(GAZETTE_THREADS=2)
    srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--no-fetch"],
                           stdout=subprocess.PIPE, text=True, env=env)
    port = int(re.search(r"port (\d+)", srv.stdout.readline()).group(1))
    base = "http://127.0.0.1:%d" % port
    try:
        front = subprocess.run(["curl", "-s", base + "/"], capture_output=True,
                               text=True).stdout
        art = re.search(r'href="/article/(\d+)"', front)
        if not art:
            story = re.search(r'href="/story/(\d+)"', front).group(1)
            page = subprocess.run(["curl", "-s", base + "/story/" + story], capture_output=True,
                                  text=True).stdout
            art = re.search(r'href="/article/(\d+)"', page)
        paths = [("front page", "/"), ("article page", "/article/" + art.group(1))]
        res = []
        for name, path in paths:
            for cookie in (False, True):
                res.append((name, "cookie (no cache)" if cookie else "anonymous (cache)",
                            wrk(base + path, cookie)))
        return res
    finally:
        srv.terminate()
        srv.wait(timeout=10)


def main():
    os.makedirs(WORK, exist_ok=True)
    farm = feedfarm.Farm(n_feeds=FEEDS, per_feed=ENTRIES, n_events=FEEDS * 3).start()
    opml = os.path.join(WORK, "feeds.opml")
    farm.opml(opml)
    print("load average before: %s (2 cores, shared)" % loadavg())
    print()
    print("| ingest | articles | wall s | articles/s | ingest lock held s | lock waits s | "
          "gazette CPU s | PostgreSQL CPU s | load avg after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    dbs = {}
    for backend, workers in (("sqlite", 1), ("postgres", 1), ("postgres", 2), ("postgres", 4)):
        db, n, wall, cpu, pgcpu, held, waited = ingest(farm, opml, backend, workers)
        label = "SQLite, `gazette fetch`" if backend == "sqlite" else \
            "PostgreSQL, %d worker%s" % (workers, "s" if workers > 1 else "")
        print("| %s | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %s | %s |" % (
            label, n, wall, n / wall, held, waited, cpu,
            "%.1f" % pgcpu if backend == "postgres" else "-", loadavg()), flush=True)
        dbs[backend] = db
    farm.stop()
    print()
    print("| web (wrk -t2 -c16, %d s) | visitor | SQLite req/s (p99) | PostgreSQL req/s (p99) |"
          % SECS)
    print("|---|---|---:|---:|")
    sq = web(dbs["sqlite"])
    pg = web(dbs["postgres"])
    for (name, who, (r1, l1, e1)), (_, _, (r2, l2, e2)) in zip(sq, pg):
        print("| %s | %s | %.0f (%s)%s | %.0f (%s)%s |" % (
            name, who, r1, l1, " %d errors" % e1 if e1 else "", r2, l2,
            " %d errors" % e2 if e2 else ""), flush=True)
    print()
    print("load average after: %s" % loadavg())


if __name__ == "__main__":
    main()
