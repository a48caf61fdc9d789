#!/usr/bin/env python3
"""Four `gazette worker` processes on one PostgreSQL database ingest 16
generated feeds (20 entries each, 48 events covered by several feeds,
some entries syndicated in two feeds) served on 127.0.0.1, and must store
exactly what one process (`gazette fetch` on SQLite) stores from the same
feeds: the same articles, none twice, the same stories with the same
members, story counts that agree with their articles.

Then again with one worker killed (SIGKILL) while it holds claims: its
leases (a 3-second fetch-lease here) expire, the other workers take its
sources over, and the result is the same again; no claim is left.  In
the same run another worker is stopped with SIGTERM: it exits 0 and
gives its claims back at once.

Needs the PostgreSQL test server (GZ_TEST_PG, the ctest fixture pg)."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import feedfarm  # noqa: E402

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, **kw):
    p = subprocess.run([GZ] + args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        print("gazette %s: exit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr),
              file=sys.stderr)
    return p


def start_workers(dsn, n, env):
    return [subprocess.Popen([GZ, "worker", "--db", dsn, "--batch", "2", "--poll", "1",
                              "--exit-when-idle"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env) for _ in range(n)]


def wait_all(procs, limit=180):
    deadline = time.time() + limit
    codes = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            check(False, "a worker did not finish in %d s" % limit)
        codes.append(p.returncode)
        if p.returncode not in (0, -signal.SIGKILL):
            print("worker exit %s:\n%s%s" % (p.returncode, out, err), file=sys.stderr)
    return codes


def compare(ref, got, what):
    check(len(got["links"]) == len(set(got["links"])),
          "%s: %d articles stored twice" % (what, len(got["links"]) - len(set(got["links"]))))
    check(set(got["links"]) == set(ref["links"]),
          "%s: articles differ (%d missing, %d extra)" % (
              what, len(set(ref["links"]) - set(got["links"])),
              len(set(got["links"]) - set(ref["links"]))))
    check(not got["unclustered"], "%s: %d articles in no story" % (what, len(got["unclustered"])))
    check(got["stories"] == ref["stories"],
          "%s: stories differ (%d of %d the same)" % (
              what, len(got["stories"] & ref["stories"]), len(ref["stories"])))
    check(got["bad_counts"] == 0, "%s: %d stories whose counts disagree with their articles"
          % (what, got["bad_counts"]))
    check(got["leased"] == 0, "%s: %d sources still claimed" % (what, got["leased"]))
    check(got["unfetched"] == 0, "%s: %d sources never fetched" % (what, got["unfetched"]))


def main():
    if not os.environ.get("GZ_TEST_PG"):
        print("GZ_TEST_PG not set: no PostgreSQL server to test on", file=sys.stderr)
        return 77
    farm = feedfarm.Farm(n_feeds=16, per_feed=20, n_events=48, syndicated=12).start()
    tmp = tempfile.mkdtemp(prefix="gz-workers-")
    opml = os.path.join(tmp, "feeds.opml")
    farm.opml(opml)
    env = feedfarm.env()
    try:
        # the reference: one process, SQLite
        ref_db = os.path.join(tmp, "ref.db")
        t0 = time.time()
        check(run(["import-opml", "--db", ref_db, opml], env=env).returncode == 0,
              "import-opml (SQLite)")
        p = run(["fetch", "--db", ref_db], env=env)
        check(p.returncode == 0, "single-process fetch")
        ref = feedfarm.snapshot(GZ, ref_db, tmp, "ref")
        print("reference: %d articles, %d stories in %.1f s" % (
            len(ref["links"]), len(ref["stories"]), time.time() - t0), file=sys.stderr)
        check(len(ref["links"]) == farm.n_entries(),
              "reference stored %d articles of %d entries" % (len(ref["links"]), farm.n_entries()))
        check(len(ref["stories"]) > 15, "reference has only %d stories" % len(ref["stories"]))
        check(any(len(s) > 5 for s in ref["stories"]), "no story gathers several feeds")

        # four workers on one PostgreSQL database
        dsn = feedfarm.pg_recreate("gz_e2e_workers")
        check(run(["import-opml", "--db", dsn, opml], env=env).returncode == 0,
              "import-opml (PostgreSQL)")
        t0 = time.time()
        codes = wait_all(start_workers(dsn, 4, env))
        check(codes == [0, 0, 0, 0], "workers exited %s" % codes)
        got = feedfarm.snapshot(GZ, dsn, tmp, "four")
        print("four workers: %d articles, %d stories in %.1f s" % (
            len(got["links"]), len(got["stories"]), time.time() - t0), file=sys.stderr)
        compare(ref, got, "four workers")

        # again, killing one worker while it holds claims
        dsn = feedfarm.pg_recreate("gz_e2e_workers_kill")
        check(run(["import-opml", "--db", dsn, opml], env=env).returncode == 0,
              "import-opml (PostgreSQL, kill run)")
        farm.delay = 0.3  # each feed takes a while: claims are held while it loads
        kill_env = feedfarm.env(GAZETTE_FETCH_LEASE=3)
        procs = start_workers(dsn, 4, kill_env)
        victim = procs[0]
        held = "0"
        deadline = time.time() + 20
        while time.time() < deadline:
            held = feedfarm.psql("gz_e2e_workers_kill", "SELECT count(*) FROM sources WHERE "
                                 "lease_owner LIKE '%%:%d:%%' AND last_ok = 0" % victim.pid)
            if held != "0":
                break
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        check(held != "0", "the victim never held a claim")
        left = feedfarm.psql("gz_e2e_workers_kill", "SELECT count(*) FROM sources WHERE "
                             "lease_owner LIKE '%%:%d:%%' AND last_ok = 0" % victim.pid)
        print("killed worker %d holding %s claims (%s still unfetched)" % (
            victim.pid, held, left), file=sys.stderr)
        # and one stopped cleanly (SIGTERM) gives its claims back at once
        quitter = procs[1]
        deadline = time.time() + 20
        while time.time() < deadline and quitter.poll() is None:
            if feedfarm.psql("gz_e2e_workers_kill", "SELECT count(*) FROM sources WHERE "
                             "lease_owner LIKE '%%:%d:%%'" % quitter.pid) != "0":
                break
            time.sleep(0.05)
        quitter.send_signal(signal.SIGTERM)
        try:
            quitter.wait(timeout=20)
        except subprocess.TimeoutExpired:
            check(False, "a worker did not stop on SIGTERM")
        kept = feedfarm.psql("gz_e2e_workers_kill", "SELECT count(*) FROM sources WHERE "
                             "lease_owner LIKE '%%:%d:%%'" % quitter.pid)
        check(kept == "0", "a worker stopped by SIGTERM kept %s claims" % kept)
        codes = wait_all(procs)
        check(codes[0] == -signal.SIGKILL, "the victim exited %s" % codes[0])
        check(codes[1] == 0, "the worker stopped by SIGTERM exited %s" % codes[1])
        check(codes[2:] == [0, 0], "the other workers exited %s" % codes[2:])
        got = feedfarm.snapshot(GZ, dsn, tmp, "kill")
        compare(ref, got, "one worker killed")
        farm.delay = 0
    finally:
        farm.stop()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    if failures:
        print("%d failed" % len(failures), file=sys.stderr)
        return 1
    print("workers: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
