#!/usr/bin/env python3
"""End to end: `gazette fetch`, `gazette add` and the scheduler inside
`gazette serve` against HTTP servers on 127.0.0.1 run by this test.

Checks: entries stored on the first fetch; a conditional second fetch (the
server sees If-None-Match and If-Modified-Since and answers 304) stores
nothing; a changed feed adds only its new entries; a 301 updates the stored
URL; a 500, a timeout, an over-size body, a redirect to another scheme and
an HTML page mark their sources with clear errors while the other sources
of the same run succeed; a 429's Retry-After is honoured while a plain
error backs off and is retried; without --allow-private a loopback URL is
refused before any connection; `add` finds the feed of a web page;
`serve` fetches due sources in the
background and stops promptly with a transfer in flight."""
import gzip
import http.server
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def rss(title, items, encoding_decl=True):
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if encoding_decl else '<?xml version="1.0"?>\n'
    body = "".join(
        "<item><title>%s</title><link>http://news.example/%s</link><guid>%s</guid>"
        "<description>%s body text.</description>"
        "<pubDate>Tue, 05 Aug 2025 1%d:00:00 GMT</pubDate></item>\n" % (t, g, g, t, i % 10)
        for i, (g, t) in enumerate(items))
    return (head + '<rss version="2.0"><channel><title>%s</title>'
            "<link>http://news.example/</link>\n%s</channel></rss>\n" % (title, body))


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.log = []  # (path, headers)
        self.feed = rss("Daily Fetch", [("d1", "Dam opens on the river"),
                                        ("d2", "Council votes on budget")])
        self.etag = '"v1"'
        self.last_modified = "Tue, 05 Aug 2025 12:00:00 GMT"

    def hits(self, path):
        with self.lock:
            return [h for p, h in self.log if p == path]


state = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=(), length=True):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        with state.lock:
            state.log.append((self.path.split("?")[0], dict(self.headers)))
        p = self.path.split("?")[0]
        if p == "/feed.xml":
            if (self.headers.get("If-None-Match") == state.etag
                    and self.headers.get("If-Modified-Since") == state.last_modified):
                return self.send(304, headers=[("ETag", state.etag)], length=False)
            return self.send(200, state.feed.encode(), [
                ("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", state.etag),
                ("Last-Modified", state.last_modified)])
        if p == "/other.xml":
            return self.send(200, rss("Other Wire", [("o1", "Storm reaches the coast")]).encode(),
                             [("Content-Type", "application/rss+xml")])
        if p == "/gz.xml":
            body = rss("Zipped Post", [("z1", "Compressed news travels fast")]).encode()
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                return self.send(200, gzip.compress(body), [
                    ("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])
            return self.send(200, body, [("Content-Type", "application/rss+xml")])
        if p == "/old.xml":
            return self.send(301, headers=[("Location", "/moved.xml")])
        if p == "/moved.xml":
            return self.send(200, rss("Moved Times", [("m1", "Paper changes address")]).encode(),
                             [("Content-Type", "application/rss+xml")])
        if p == "/err500":
            return self.send(500, b"oops")
        if p == "/flaky":
            return self.send(500, b"still broken")
        if p == "/busy":
            return self.send(429, b"slow down", [("Retry-After", "7200")])
        if p.startswith("/slow"):
            time.sleep(8 if p == "/slow-serve" else 4)
            return self.send(200, state.feed.encode(), [("Content-Type", "application/rss+xml")])
        if p == "/big":
            return self.send(200, b"<rss>" + b"x" * 50000, [("Content-Type", "application/rss+xml")])
        if p == "/bigstream":
            # no Content-Length: the limit has to trip while the body streams in
            self.send(200, b"", [("Content-Type", "application/rss+xml")], length=False)
            try:
                for _ in range(20):
                    self.wfile.write(b"y" * 4096)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if p == "/ftp":
            return self.send(302, headers=[("Location", "ftp://127.0.0.1/feed.xml")])
        if p == "/file":
            return self.send(301, headers=[("Location", "file:///etc/passwd")])
        if p == "/page.html":
            return self.send(200, b"<!doctype html><html><head><title>Home</title></head>"
                             b"<body><p>Hello</p></body></html>",
                             [("Content-Type", "text/html; charset=utf-8")])
        if p == "/home.html":
            return self.send(200, b'<!doctype html><html><head><title>Home</title>'
                             b'<link rel="alternate" type="application/rss+xml" href="other2.xml">'
                             b"</head><body>Welcome</body></html>",
                             [("Content-Type", "text/html")])
        if p == "/other2.xml":
            return self.send(200, rss("Other Two", [("t1", "Second wire story")]).encode(),
                             [("Content-Type", "application/rss+xml")])
        if p == "/latin1.xml":
            body = rss("Caf\u00e9 Gazette", [("l1", "Caf\u00e9 cr\u00e8me prices rise")],
                       encoding_decl=False).encode("iso-8859-1")
            return self.send(200, body, [("Content-Type", "application/rss+xml; charset=ISO-8859-1")])
        return self.send(404, b"no such thing")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


srv = Server(("127.0.0.1", 0), Handler)
port = srv.server_address[1]
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % port

lonely_hits = []


class Lonely(http.server.BaseHTTPRequestHandler):
    """A site with one page and no feed anywhere."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        lonely_hits.append(self.path)
        body = b"<!doctype html><html><body>No feeds here</body></html>"
        self.send_response(200 if self.path == "/lonely.html" else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


srv2 = Server(("127.0.0.1", 0), Lonely)
threading.Thread(target=srv2.serve_forever, daemon=True).start()
base2 = "http://127.0.0.1:%d" % srv2.server_address[1]


def u(path):
    return base + path


tmp = tempfile.mkdtemp(prefix="gz-fetch-")
db = os.path.join(tmp, "g.db")
common = ["--db", db, "--log-level", "warn", "--fetch-host-delay", "0", "--fetch-per-host", "8"]


def gz(*args, private=True, timeout=60):
    cmd = [GZ] + list(args) + common + (["--allow-private"] if private else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def sources():
    """`gazette sources` as {url: (status, articles, errors, error)}."""
    rc, out, err = gz("sources")
    check(rc == 0, "sources runs: " + err)
    rows = {}
    lines = out.splitlines()[1:]
    i = 0
    while i < len(lines):
        m = re.match(r"(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s", lines[i])
        if not m:
            i += 1
            continue
        url = lines[i + 1].strip()
        error = None
        if i + 2 < len(lines) and lines[i + 2].strip().startswith("error: "):
            error = lines[i + 2].strip()[len("error: "):]
        rows[url] = (m.group(2), int(m.group(3)), int(m.group(4)), error)
        i += 2
    return rows


try:
    # ---- refused without --allow-private, before any connection ----
    rc, out, err = gz("fetch", u("/feed.xml"), private=False)
    check(rc == 1, "loopback without --allow-private fails (rc %d)" % rc)
    check("private address" in err and "127.0.0.1" in err,
          "refusal names a private address: " + err)
    check(not state.hits("/feed.xml"), "no request reached the server when refused")
    check("1 failed" in out, "summary counts the refusal: " + out)

    # sources that retry fast, to see backoff and Retry-After at work
    for path in ("/flaky", "/busy"):
        rc, out, err = gz("add", u(path), "--interval", "1", "--no-fetch")
        check(rc == 0 and "added source" in out, "add --no-fetch %s: %s %s" % (path, out, err))

    # ---- one run: good feeds succeed, bad ones are marked, the run goes on ----
    t0 = time.time()
    rc, out, err = gz("fetch", "--fetch-timeout", "1", "--fetch-max-bytes", "20000",
                      u("/feed.xml"), u("/other.xml"), u("/gz.xml"), u("/old.xml"), u("/err500"),
                      u("/slow1"), u("/big"), u("/bigstream"), u("/ftp"), u("/file"),
                      u("/page.html"), u("/flaky"), u("/busy"))
    took = time.time() - t0
    check(rc == 1, "a run with failures exits 1 (rc %d)" % rc)
    check("fetched 13 sources: 4 updated, 0 unchanged, 9 failed; 5 new articles" in out,
          "first run summary: " + out)
    check(took < 3.5, "the run is not held up by the slow source (%.1f s)" % took)
    check("\r" not in err and "\033[" not in err, "no progress line when piped")
    s = sources()
    check(s.get(u("/feed.xml"), ("",))[0] == "ok" and s[u("/feed.xml")][1] == 2,
          "feed stored its 2 entries: %s" % (s.get(u("/feed.xml")),))
    check(s.get(u("/gz.xml"), ("", 0))[1] == 1, "gzip feed decoded and stored")
    gzh = state.hits("/gz.xml")
    check(gzh and "gzip" in gzh[0].get("Accept-Encoding", ""), "Accept-Encoding offers gzip")
    ua = state.hits("/feed.xml")[0].get("User-Agent", "")
    check(ua.startswith("gazette/"), "User-Agent is gazette's: " + ua)

    # permanent redirect: the stored URL follows
    check(u("/old.xml") not in s, "the 301'd URL is gone from sources")
    check(s.get(u("/moved.xml"), ("", 0))[1] == 1, "the source now has the new URL and its entry")
    check("moved permanently: %s -> %s" % (u("/old.xml"), u("/moved.xml")) in err,
          "the move is reported: " + err)

    def failed(path, needle):
        row = s.get(u(path))
        check(row is not None and row[0] == "failing" and row[2] == 1 and row[3]
              and needle in row[3], "%s marked failing with '%s': %s" % (path, needle, row))
        check(("error: %s: " % u(path)) in err, "%s failure printed" % path)

    failed("/err500", "HTTP 500")
    failed("/slow1", "timed out")
    failed("/big", "body larger than 20000 bytes")
    failed("/bigstream", "body larger than 20000 bytes")
    failed("/ftp", "redirect to 'ftp://127.0.0.1/feed.xml' refused")
    failed("/file", "only http and https")
    failed("/page.html", "not a feed")
    failed("/flaky", "HTTP 500")
    failed("/busy", "HTTP 429 (retry after 7200 s)")

    # ---- conditional GET: 304, nothing stored ----
    before = len(state.hits("/feed.xml"))
    rc, out, err = gz("fetch", u("/feed.xml"))
    check(rc == 0, "second fetch succeeds: " + err)
    check("0 updated, 1 unchanged, 0 failed; 0 new articles" in out, "second fetch is a 304: " + out)
    h = state.hits("/feed.xml")[before]
    check(h.get("If-None-Match") == '"v1"', "If-None-Match sent: %s" % h.get("If-None-Match"))
    check(h.get("If-Modified-Since") == state.last_modified,
          "If-Modified-Since sent: %s" % h.get("If-Modified-Since"))

    # ---- a changed feed adds only its new entry ----
    with state.lock:
        state.feed = rss("Daily Fetch", [("d3", "Bridge reopens after repairs"),
                                         ("d1", "Dam opens on the river"),
                                         ("d2", "Council votes on budget")])
        state.etag = '"v2"'
        state.last_modified = "Tue, 05 Aug 2025 13:00:00 GMT"
    rc, out, err = gz("fetch", u("/feed.xml"))
    check(rc == 0 and "1 updated, 0 unchanged, 0 failed; 1 new articles" in out,
          "changed feed adds one: " + out + err)
    check(sources()[u("/feed.xml")][1] == 3, "feed has 3 articles")
    rc, out, err = gz("fetch", u("/feed.xml"))
    check("1 unchanged" in out, "new validators stored, next fetch is a 304 again: " + out)

    # ---- backoff and Retry-After, through the due-sources pass ----
    time.sleep(2.4)  # /flaky: interval 1 s, one error -> about 2 s; /busy: 7200 s
    flaky, busy = len(state.hits("/flaky")), len(state.hits("/busy"))
    rc, out, err = gz("fetch")
    check(len(state.hits("/flaky")) == flaky + 1, "a backed-off source is retried when due")
    check(len(state.hits("/busy")) == busy, "Retry-After keeps the 429 source waiting")
    check(sources()[u("/flaky")][2] == 2, "consecutive errors are counted")

    # ---- add ----
    rc, out, err = gz("add", u("/latin1.xml"), "--no-fetch")
    check(rc == 0, "add --no-fetch: " + err)
    rc, out, err = gz("add", u("/page.html"))
    check(rc == 0 and "already a source" in out, "adding a known URL says so: " + out + err)
    with state.lock:
        state.feed = rss("Daily Fetch", [("d4", "Library extends hours")])
    rc, out, err = gz("add", u("/feed.xml") + "?via=add")
    check(rc == 0 and re.search(r"added source \d+: Daily Fetch <", out) and
          "1 entries, 1 new articles" in out, "add fetches and stores a feed: " + out + err)
    # feed discovery: a page's announced feed, then the usual paths of its site
    rc, out, err = gz("add", u("/home.html"))
    check(rc == 0 and re.search(r"added source \d+: Other Two <%s> \(found in %s\): 1 entries"
                                % (re.escape(u("/other2.xml")), re.escape(u("/home.html"))), out),
          "add finds the feed a page announces: " + out + err)
    rc, out, err = gz("add", u("/page.html") + "?x=1")
    check(rc == 0 and "already a source" in out and u("/feed.xml") in out,
          "add guesses /feed.xml for a page that names no feed: " + out + err)
    rc, out, err = gz("add", base2 + "/lonely.html")
    check(rc == 1 and "no feed found in" in err, "add explains a page without feeds: " + err)
    check(len(lonely_hits) > 1 and "/feed.xml" in lonely_hits,
          "the usual feed paths were tried: %s" % lonely_hits)
    rc, out, err = gz("add", "ftp://127.0.0.1/feed.xml")
    check(rc == 2 and "not an http or https URL" in err, "add refuses other schemes: " + err)

    # ---- serve: the scheduler fetches due sources, and stops promptly ----
    rc, out, err = gz("add", u("/slow-serve"), "--no-fetch")
    srv_p = subprocess.Popen([GZ, "serve", "--listen", "127.0.0.1:0", "--fetch-timeout", "20",
                              "--allow-private"] + common, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = srv_p.stdout.readline()
        m = re.search(r"port (\d+)", line)
        check(m is not None, "serve prints its port: %r" % line)
        web = int(m.group(1)) if m else 0
        page = ""
        deadline = time.time() + 15
        while time.time() < deadline:
            with urllib.request.urlopen("http://127.0.0.1:%d/" % web, timeout=10) as r:
                page = r.read().decode("utf-8")
            if "Caf\u00e9 cr\u00e8me prices rise" in page and state.hits("/slow-serve"):
                break
            time.sleep(0.1)
        check("Caf\u00e9 cr\u00e8me prices rise" in page,
              "serve fetched the due source; the HTTP charset decoded the ISO-8859-1 feed")
        check(bool(state.hits("/slow-serve")), "serve started the slow transfer")
        t0 = time.time()
        srv_p.send_signal(signal.SIGTERM)
        code = srv_p.wait(timeout=10)
        check(code == 0, "serve exits 0 on SIGTERM (got %d)" % code)
        check(time.time() - t0 < 6, "serve stops without waiting for the slow transfer (%.1f s)"
              % (time.time() - t0))
    finally:
        if srv_p.poll() is None:
            srv_p.kill()
            srv_p.wait()
    serr = srv_p.stderr.read()
    check("scheduler" not in serr or "not started" not in serr, "scheduler started: " + serr)
    row = sources().get(u("/slow-serve"))
    check(row is not None and row[0] == "new" and row[2] == 0,
          "a transfer cut by shutdown is not held against the source: %s" % (row,))
finally:
    srv.shutdown()
    srv2.shutdown()

if failures:
    print("%d failures" % len(failures), file=sys.stderr)
    sys.exit(1)
print("ok")
