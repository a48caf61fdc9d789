#!/usr/bin/env python3
"""Two `gazette serve` replicas on one PostgreSQL database, as behind a
load balancer: nothing one replica needs lives only in the other.

- A page cached by replica B is replaced as soon as another process
  commits new articles (the database's data version, not B's memory).
- A session made on A works on B; logging out on B ends it on A.
- Failed log-ins made on A and on B count together: the account's
  throttle trips on the total.
- A comment posted through A shows at once on B's article page, which B
  had cached for anonymous visitors.

Needs the PostgreSQL test server (GZ_TEST_PG, the ctest fixture pg)."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import feedfarm  # noqa: E402

GZ = os.environ["GAZETTE"]
SRC = os.environ["GZ_SOURCE_DIR"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


class Client:
    """Keeps cookies, sends forms, never follows redirects."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None):
        h = {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8")
        hdrs = r.getheaders()
        c.close()
        for k, v in hdrs:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = rest.split(";")[0]
        return r.status, text, {k.lower(): v for k, v in hdrs}

    def csrf(self, port, path):
        _, page, _ = self.request(port, "GET", path)
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        return m.group(1) if m else ""

    def login(self, port, name, password):
        t = self.csrf(port, "/login")
        return self.request(port, "POST", "/login", {"csrf": t, "name": name, "password": password})


def serve(dsn, env):
    # --page-cache-grace 0: another process's commit shows on B's next request
    srv = subprocess.Popen([GZ, "serve", "--db", dsn, "--listen", "127.0.0.1:0", "--no-fetch",
                            "--page-cache-grace", "0"],
                           stdout=subprocess.PIPE, text=True, env=env)
    m = re.search(r"port (\d+)", srv.stdout.readline())
    if not m:
        srv.kill()
        raise SystemExit("serve did not print its port")
    return srv, int(m.group(1))


def cache_hits(port):
    _, text, _ = Client().request(port, "GET", "/metrics")
    m = re.search(r"^gazette_page_cache_hits_total (\d+)", text, re.M)
    return int(m.group(1)) if m else -1


def main():
    if not os.environ.get("GZ_TEST_PG"):
        print("GZ_TEST_PG not set: no PostgreSQL server to test on", file=sys.stderr)
        return 77
    env = feedfarm.env()
    dsn = feedfarm.pg_recreate("gz_e2e_replicas")
    tmp = tempfile.mkdtemp(prefix="gz-replicas-")
    p = subprocess.run([GZ, "import", os.path.join(SRC, "tests/cases/import/basic.jsonl"),
                        "--db", dsn], capture_output=True, text=True, env=env)
    check("stored" in p.stdout or p.returncode in (0, 1), "import: %s" % p.stderr)
    env["GAZETTE_THREADS"] = "1"  # one page cache per replica (a cache is per thread)
    a, port_a = serve(dsn, env)
    b, port_b = serve(dsn, env)
    try:
        anon = Client()
        # ---- B's page cache follows the database ----
        s1, page1, _ = anon.request(port_b, "GET", "/latest")
        before = cache_hits(port_b)
        s2, page2, _ = anon.request(port_b, "GET", "/latest")
        check(s1 == s2 == 200 and page1 == page2, "/latest served twice")
        check(cache_hits(port_b) == before + 1, "the second /latest came from B's cache")
        extra = os.path.join(tmp, "extra.jsonl")
        with open(extra, "w") as f:
            f.write(json.dumps({"id": "q1", "source": "Quokka Herald",
                                "url": "https://quokka.example/parade",
                                "published": "2025-08-08T10:00:00Z",
                                "title": "Quokka parade fills the harbour",
                                "text": "Thousands watched the quokka parade."}) + "\n")
        p = subprocess.run([GZ, "import", extra, "--db", dsn], capture_output=True, text=True,
                           env=env)
        check(p.returncode == 0, "second import")
        _, page3, _ = anon.request(port_b, "GET", "/latest")
        check("Quokka parade" in page3, "B shows an article another process committed")

        # ---- sessions live in the database ----
        alice = Client()
        t = alice.csrf(port_a, "/signup")
        status, _, _ = alice.request(port_a, "POST", "/signup", {
            "csrf": t, "name": "alice", "password": "correct horse battery",
            "password2": "correct horse battery"})
        check(status == 303, "sign up on A: %d" % status)
        status, page, _ = alice.request(port_b, "GET", "/settings")
        check(status == 200 and "alice" in page, "A's session works on B (%d)" % status)

        # ---- a comment through A shows on B's cached article page ----
        m = re.search(r'href="/article/(\d+)"', page3)
        art = m.group(1) if m else "1"
        anon.request(port_b, "GET", "/article/" + art)
        _, cached, _ = anon.request(port_b, "GET", "/article/" + art)
        _, page, _ = alice.request(port_a, "GET", "/article/" + art)
        m = re.search(r'action="/comment">\s*<input type="hidden" name="csrf" value="([^"]+)"',
                      page)
        status, _, _ = alice.request(port_a, "POST", "/comment", {
            "csrf": m.group(1) if m else "", "article": art,
            "body": "Posted through replica A, read on B."})
        check(status == 303, "comment posted on A: %d" % status)
        _, page, _ = anon.request(port_b, "GET", "/article/" + art)
        check("read on B" not in cached and "Posted through replica A, read on B." in page,
              "B's article page shows the comment posted on A")

        # ---- logging out on B ends the session on A ----
        _, page, _ = alice.request(port_b, "GET", "/settings")
        m = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', page)
        cookies = dict(alice.cookies)
        status, _, _ = alice.request(port_b, "POST", "/logout", {"csrf": m.group(1) if m else ""})
        check(status == 303, "log out on B: %d" % status)
        old = Client()
        old.cookies = cookies
        status, _, h = old.request(port_a, "GET", "/settings")
        check(status == 303 and "/login" in h.get("location", ""),
              "the session ended on B no longer works on A (%d)" % status)

        # ---- failed log-ins on both replicas count together ----
        codes = []
        for i in range(5):
            status, _, _ = Client().login(port_a if i % 2 == 0 else port_b, "alice", "wrong one")
            codes.append(status)
        check(codes == [403] * 5, "wrong passwords refused: %s" % codes)
        status, page, _ = Client().login(port_b, "alice", "correct horse battery")
        check(status == 429 and "Too many" in page,
              "the sixth try is throttled whichever replica counted the others (%d)" % status)
    finally:
        for srv in (a, b):
            srv.send_signal(signal.SIGTERM)
            try:
                srv.wait(timeout=10)
            except subprocess.TimeoutExpired:
                srv.kill()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    if failures:
        print("%d failed" % len(failures), file=sys.stderr)
        return 1
    print("replicas: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
