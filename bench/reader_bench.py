#!/usr/bin/env python3
"""Time the reader APIs over HTTP against a running `gazette serve` loaded by
bench_reader (bench/reader.sh starts both).

    reader_bench.py PORT [REQUESTS]

Each scenario sends REQUESTS requests (default 200) one after the other on
one keep-alive connection, after 10 unmeasured ones, and reports the median
and the 99th percentile of the time from sending a request to having read
its whole answer.  Positions (continuations, since_id, max_id) are drawn at
random over the whole id range with a fixed seed, so pages come from every
depth of the million articles, not only the cached newest ones."""
import hashlib
import http.client
import json
import random
import re
import statistics
import sys
import time
import urllib.parse

port = int(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rng = random.Random(7)


class Conn:
    def __init__(self):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def req(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            body = urllib.parse.urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        self.c.request(method, path, body=body, headers=h)
        r = self.c.getresponse()
        data = r.read()
        dt = time.perf_counter() - t0
        if r.status != 200:
            raise SystemExit("%s %s: %d %r" % (method, path, r.status, data[:200]))
        return dt, data


def login(conn, name):
    _, data = conn.req("POST", "/accounts/ClientLogin",
                       {"Email": name, "Passwd": "bench-api-password"})
    return {"Authorization": "GoogleLogin auth=" + re.search(rb"Auth=(\S+)", data).group(1).decode()}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def run(name, make, n=N):
    conn = Conn()
    for _ in range(10):
        method, path, body, h = make()
        conn.req(method, path, body, h)
    times = []
    size = 0
    for _ in range(n):
        method, path, body, h = make()
        dt, data = conn.req(method, path, body, h)
        times.append(dt * 1000)
        size += len(data)
    print("| %s | %d | %.1f | %.1f | %.0f |" % (name, n, statistics.median(times), pct(times, 99),
                                               size / n / 1024))
    sys.stdout.flush()


c0 = Conn()
auth = {u: login(c0, u) for u in ("reader", "muter")}
key = {u: hashlib.md5(("%s:bench-api-password" % u).encode()).hexdigest() for u in auth}
_, data = c0.req("GET", "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=1",
                 None, auth["reader"])
top = int(json.loads(data)["itemRefs"][0]["id"])
_, data = c0.req("GET", "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list"
                 "&n=1&r=o", None, auth["reader"])
bottom = int(json.loads(data)["itemRefs"][0]["id"])

IDS = "/reader/api/0/stream/items/ids?output=json&s=user/-/state/com.google/reading-list" \
      "&xt=user/-/state/com.google/read&n=1000"


def ids_random(user):
    return lambda: ("GET", IDS + "&c=%d" % rng.randint(bottom + 1000, top + 1), None, auth[user])


class Pager:
    """Page through the unread ids as NetNewsWire does: each request continues the last."""

    def __init__(self, user):
        self.user = user
        self.c = None

    def __call__(self):
        return ("GET", IDS + ("&c=%s" % self.c if self.c else ""), None, auth[self.user])


def paging(user):
    p = Pager(user)
    conn = Conn()
    times = []
    for i in range(N + 10):
        dt, data = conn.req(*p())
        j = json.loads(data)
        p.c = j.get("continuation")
        if i >= 10:
            times.append(dt * 1000)
        if not p.c:
            p.c = None
    print("| stream/items/ids, paging on with c (%s) | %d | %.1f | %.1f | %.0f |" %
          (user, N, statistics.median(times), pct(times, 99), len(data) / 1024))


def fever(user, field):
    def make():
        v = rng.randint(bottom, top)
        return ("POST", "/fever/?api&items&%s=%d" % (field, v), {"api_key": key[user]}, {})
    return make


print("| request | n | median ms | p99 ms | KiB |")
print("|---|---|---|---|---|")
run("stream/items/ids n=1000 unread, newest page (reader)",
    lambda: ("GET", IDS, None, auth["reader"]))
run("stream/items/ids n=1000 unread, random depth (reader)", ids_random("reader"))
paging("reader")
run("Fever items since_id random (reader)", fever("reader", "since_id"))
run("Fever items max_id random (reader)", fever("reader", "max_id"))
run("stream/items/ids n=1000 unread, random depth (muter: 3 mute rules)", ids_random("muter"))
run("Fever items since_id random (muter)", fever("muter", "since_id"))
run("stream/items/contents, 20 ids (reader)",
    lambda: ("POST", "/reader/api/0/stream/items/contents",
             [("i", str(rng.randint(bottom, top))) for _ in range(20)], auth["reader"]))
run("unread-count (reader; scans the newest 10,000 unread)",
    lambda: ("GET", "/reader/api/0/unread-count?output=json", None, auth["reader"]), max(N // 10, 5))
run("Fever unread_item_ids (reader; newest 100,000)",
    lambda: ("POST", "/fever/?api&unread_item_ids", {"api_key": key["reader"]}, {}), max(N // 20, 5))
