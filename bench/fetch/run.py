#!/usr/bin/env python3
"""Fetch-path benchmark: every file of the real-feeds corpus served from
127.0.0.1, fetched by `gazette fetch` into a fresh database.

Pass 1: every feed is a 200: fetched, parsed, its entries stored.
Pass 2: the same sources again: every one a conditional GET answered 304.

  bench/fetch/run.py BUILD/gazette [CORPUS_DIR]

CORPUS_DIR defaults to $GZ_SHARED/corpus/feeds/real (or ../shared/...).
Prints wall time per pass and feeds/s.  The server is Python's threaded
http.server, so pass 2 mostly measures it and the request round trips.
"""
import hashlib
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time

gz = sys.argv[1] if len(sys.argv) > 1 else "build/gazette"
here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("GZ_SHARED", os.path.join(here, "..", "..", "..", "shared"))
corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(shared, "corpus", "feeds", "real")

files = {}
for root, _, names in os.walk(corpus):
    for n in sorted(names):
        if n == "README.md":
            continue
        path = os.path.join(root, n)
        with open(path, "rb") as f:
            data = f.read()
        key = "/" + os.path.relpath(path, corpus).replace(os.sep, "/")
        files[key] = (data, '"%s"' % hashlib.sha1(data).hexdigest()[:16])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        from urllib.parse import unquote
        entry = files.get(unquote(self.path))
        if not entry:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data, etag = entry
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


srv = Server(("127.0.0.1", 0), Handler)
threading.Thread(target=srv.serve_forever, daemon=True).start()
from urllib.parse import quote
urls = ["http://127.0.0.1:%d%s" % (srv.server_address[1], quote(k)) for k in sorted(files)]
db = os.path.join(tempfile.mkdtemp(prefix="gz-bench-fetch-"), "b.db")
flags = ["--db", db, "--allow-private", "--log-level", "error", "--fetch-host-delay", "0",
         "--fetch-per-host", "16", "--fetch-concurrency", "32"]
total = sum(len(d) for d, _ in files.values())
print("%d feeds, %.2f MB, served from 127.0.0.1" % (len(files), total / 1e6))
for name in ("pass 1 (200, parse, store)", "pass 2 (304)"):
    t0 = time.time()
    p = subprocess.run([gz, "fetch"] + flags + urls, capture_output=True, text=True)
    dt = time.time() - t0
    print("%-28s %6.2f s  %7.1f feeds/s   %s" % (name, dt, len(urls) / dt, p.stdout.strip().splitlines()[-1]))
srv.shutdown()
