#!/usr/bin/env python3
"""Crash safety: kill `gazette import` with SIGKILL in the middle of a large
ingest, then check that the database is intact (PRAGMA integrity_check and
the full-text index), that every article that was committed is whole, and
that running the import again resumes and completes it.  Then the same for
a full disk: a file-size limit makes writes fail half-way; the import must
stop with a clear error, leave the database intact, and resume later."""
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def make_corpus(path, n):
    rnd = random.Random(7)
    words = ("peace treaty border talks minister president summit agreement region "
             "election vote court ruling storm flood market shares energy deal").split()
    with open(path, "w") as f:
        for i in range(n):
            body = "\n\n".join(" ".join(rnd.choice(words) for _ in range(60)) + "."
                               for _ in range(4))
            f.write(json.dumps({
                "id": "art-%06d" % i, "source": "Source %d" % (i % 7),
                "url": "https://news%d.example/a/%d" % (i % 7, i),
                "published": "2025-08-%02dT%02d:00:00Z" % (1 + i % 28, i % 24),
                "title": "Article %d about %s" % (i, rnd.choice(words)),
                "text": body}) + "\n")


def intact(db):
    con = sqlite3.connect(db)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        fts = con.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        rows = con.execute("SELECT guid, title, text FROM articles").fetchall()
        fts_rows = con.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        return ok, rows, fts_rows
    finally:
        con.close()


def count(db):
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return 0


tmp = tempfile.mkdtemp(prefix="gz-crash-")
try:
    corpus = os.path.join(tmp, "big.jsonl")
    N = 6000
    make_corpus(corpus, N)

    # 1. SIGKILL half-way
    db = os.path.join(tmp, "kill.db")
    p = subprocess.Popen([GZ, "import", corpus, "--db", db, "--log-level", "error"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and count(db) < 400 and p.poll() is None:
        time.sleep(0.02)
    killed = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(killed, "import was still running when killed (make the corpus larger)")
    ok, rows, fts_rows = intact(db)
    check(ok == "ok", "integrity_check after SIGKILL: %s" % ok)
    check(0 < len(rows) < N, "some but not all articles committed (%d)" % len(rows))
    check(all(t and x for _, t, x in rows), "every committed article is whole")
    check(fts_rows == len(rows), "full-text index matches the articles (%d/%d)" % (fts_rows, len(rows)))
    check(len(rows) % 200 == 0 or len(rows) == N, "only whole batches are visible (%d)" % len(rows))
    r = subprocess.run([GZ, "import", corpus, "--db", db, "--log-level", "error"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "resumed import succeeds: %s" % r.stderr[-500:])
    ok, rows, fts_rows = intact(db)
    check(ok == "ok" and len(rows) == N, "resumed import completes (%d of %d)" % (len(rows), N))
    check(len({g for g, _, _ in rows}) == N, "no article stored twice")

    # 2. the disk fills up half-way (a file-size limit stands in for a full disk)
    db = os.path.join(tmp, "full.db")
    subprocess.run([GZ, "migrate", "--db", db], capture_output=True, check=True)
    limit = 3 * 1024 * 1024

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run([GZ, "import", corpus, "--db", db, "--log-level", "error"],
                       capture_output=True, text=True, preexec_fn=limited)
    check(r.returncode == 1, "import on a full disk fails (rc %d)" % r.returncode)
    check("error" in r.stderr and ("full" in r.stderr or "disk" in r.stderr or "I/O" in r.stderr),
          "a clear error on a full disk: %r" % r.stderr[-300:])
    ok, rows, fts_rows = intact(db)
    check(ok == "ok", "integrity_check after a full disk: %s" % ok)
    check(len(rows) < N, "the full disk stopped the import (%d)" % len(rows))
    check(all(t and x for _, t, x in rows), "no half-written article after a full disk")
    r = subprocess.run([GZ, "import", corpus, "--db", db, "--log-level", "error"],
                       capture_output=True, text=True)
    ok, rows, fts_rows = intact(db)
    check(r.returncode == 0 and len(rows) == N, "import resumes once there is room (%d)" % len(rows))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
