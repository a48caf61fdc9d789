#!/usr/bin/env python3
"""Many clients at once: parallel requests to every kind of page of one
`gazette serve` must all succeed, and the server must stay up.  Under the
ThreadSanitizer build (make test-tsan) this is the test that makes the
server's threads meet: the server aborts on any data race it reports."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

GZ = os.environ["GAZETTE"]
SRC = os.environ["GZ_SOURCE_DIR"]

tmp = tempfile.mkdtemp(prefix="gz-conc-")
db = os.path.join(tmp, "g.db")
subprocess.run([GZ, "import", os.path.join(SRC, "demo", "articles.jsonl"), "--db", db],
               capture_output=True, check=True)
env = dict(os.environ, TSAN_OPTIONS="halt_on_error=1 exitcode=66")
srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "4",
                        "--log-level", "warn"], stdout=subprocess.PIPE, text=True, env=env)
errors = []
try:
    port = int(re.search(r"port (\d+)", srv.stdout.readline()).group(1))
    paths = ["/", "/latest", "/sources", "/healthz", "/static/style.css", "/source/1",
             "/latest?before=1583020800", "/nope"] + ["/article/%d" % i for i in range(1, 60)]

    def client(k):
        for i in range(60):
            path = paths[(k * 7 + i) % len(paths)]
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                            timeout=30) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except Exception as e:  # noqa: BLE001 - any failure is a finding
                errors.append("%s: %s" % (path, e))
                return
            if status != (404 if path == "/nope" else 200):
                errors.append("%s: status %d" % (path, status))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if srv.poll() is not None:
        errors.append("server died with %d" % srv.returncode)
finally:
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=20)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = -1
    if rc != 0:
        errors.append("server exit status %d" % rc)
    shutil.rmtree(tmp, ignore_errors=True)

for e in errors[:20]:
    print("FAIL:", e, file=sys.stderr)
print("%d failures" % len(errors))
sys.exit(1 if errors else 0)
