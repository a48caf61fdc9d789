#!/usr/bin/env python3
"""End to end: import a fixture, serve it on a free loopback port, read the
front page, an article page and the sources page over HTTP, check content,
escaping, HTML validity (tidy), the security headers on every kind of answer
(nosniff, Referrer-Policy, a CSP with frame-ancestors 'none' and scripts from
the site only) with no inline script in any page, and a clean shutdown on
SIGTERM."""
import html.parser
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

GZ = os.environ["GAZETTE"]
SRC = os.environ["GZ_SOURCE_DIR"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def tidy_errors(html):
    if not shutil.which("tidy"):
        return None
    p = subprocess.run(["tidy", "-q", "-e", "--show-warnings", "no"], input=html.encode(),
                       capture_output=True)
    return p.stderr.decode() if p.returncode >= 2 else ""


class ScriptFinder(html.parser.HTMLParser):
    """Inline script in a page: <script> without src, on* attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {k for k, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        for k, v in attrs:
            if k.startswith("on"):
                self.found.append("<%s %s=...>" % (tag, k))
            if k in ("href", "src", "action") and v and v.strip().lower().startswith("javascript:"):
                self.found.append("<%s %s=%r>" % (tag, k, v))


def inline_script(page):
    f = ScriptFinder()
    f.feed(page)
    return f.found


tmp = tempfile.mkdtemp(prefix="gz-e2e-")
db = os.path.join(tmp, "g.db")
fixture = os.path.join(SRC, "tests/cases/import/basic.jsonl")

imp = subprocess.run([GZ, "import", fixture, "--db", db], capture_output=True, text=True)
# one line is not JSON and one record has neither title nor text: both reported, the rest stored
check(imp.returncode == 1, "import exits 1 when some records failed (got %d)" % imp.returncode)
check("3 new articles" in imp.stdout, "import reports 3 new articles: " + imp.stdout)
check(":4: not a JSON object" in imp.stderr, "import names the bad line: " + imp.stderr)
check("a4" in imp.stderr, "import names the failed record: " + imp.stderr)

again = subprocess.run([GZ, "import", fixture, "--db", db], capture_output=True, text=True)
check("0 new articles, 3 already stored" in again.stdout, "re-import stores nothing: " + again.stdout)

srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level", "warn"],
                       stdout=subprocess.PIPE, text=True)
try:
    line = srv.stdout.readline()
    m = re.search(r"port (\d+)", line)
    check(m is not None, "serve prints its port: %r" % line)
    port = int(m.group(1))

    status, front, headers = get(port, "/")
    check(status == 200, "front page 200")
    check("Daily Example" in front and "Other Times" in front, "front page lists both sources")
    check("Leaders of Azerbaijan and Armenia" in front, "front page lists an article")
    check(re.search(r'<time datetime="2025-08-07T13:19:00Z"', front) is not None,
          "front page has machine-readable times")
    check("<script>alert" not in front, "script in a title is not served raw")
    check("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Summit &lt;b&gt;bold&lt;/b&gt; &amp; more"
          in front, "title escaped as text")
    check("Content-Security-Policy" in headers, "CSP header present")
    errs = tidy_errors(front)
    check(not errs, "front page is valid HTML: %s" % errs)

    # the front page lists stories; the latest view lists the articles themselves
    status, latest, _ = get(port, "/latest")
    check(status == 200 and "<script>alert" not in latest, "latest view escapes titles")
    ids = re.findall(r'href="/article/(\d+)">&lt;script', latest)
    check(len(ids) == 1, "hostile article linked once")
    status, art, _ = get(port, "/article/" + ids[0])
    check(status == 200, "article page 200")
    for section in ("Hashtags", "AI features", "Comments", "No comments yet", "Related articles"):
        check(section in art, "article page has section " + section)
    check("<script>alert" not in art, "article page does not serve the script raw")
    check("<img src=x" not in art and "&lt;img src=x onerror=alert(1)&gt;" in art,
          "markup in plain text is escaped")
    check("<p>Second paragraph.</p>" in art, "paragraphs kept")
    check('href="https://other.example/2025/08/07/summit"' in art, "link to the original")
    errs = tidy_errors(art)
    check(not errs, "article page is valid HTML: %s" % errs)

    status, src, _ = get(port, "/sources")
    check(status == 200 and "Daily Example" in src, "sources page lists sources")
    status, body, _ = get(port, "/healthz")
    check(status == 200 and body.startswith("ok"), "healthz ok")
    status, body, _ = get(port, "/article/999999")
    check(status == 404, "missing article is 404")
    status, body, _ = get(port, "/article/1abc")
    check(status == 404, "bad id is 404")
    status, css, headers = get(port, "/static/style.css")
    check(status == 200 and "prefers-color-scheme" in css, "stylesheet served")

    # security headers on every kind of answer: a page, an error, an asset, the API
    for path in ("/", "/article/" + ids[0], "/article/999999", "/static/style.css",
                 "/api/v1/stories", "/login"):
        status, body, headers = get(port, path)
        h = {k.lower(): v for k, v in headers.items()}
        csp = h.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        check(h.get("x-content-type-options") == "nosniff", "%s: X-Content-Type-Options nosniff" % path)
        check(h.get("referrer-policy") in ("strict-origin-when-cross-origin", "no-referrer",
                                           "same-origin", "strict-origin"),
              "%s: a Referrer-Policy that keeps paths to this site (%r)"
              % (path, h.get("referrer-policy")))
        check(directives.get("frame-ancestors") == ["'none'"], "%s: CSP frame-ancestors 'none'" % path)
        script = directives.get("script-src", directives.get("default-src", []))
        check(script and all(v in ("'self'",) for v in script),
              "%s: CSP allows scripts from the site only, none inline (%r)" % (path, script))
        check("object-src" in directives and "base-uri" in directives,
              "%s: CSP sets object-src and base-uri" % path)
        if h.get("content-type", "").startswith("text/html"):
            # the CSP forbids inline script, so the pages must not need any
            found = inline_script(body)
            check(not found, "%s: no inline script or event handler: %s" % (path, found))
finally:
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    check(rc == 0, "serve exits 0 on SIGTERM (got %r)" % rc)
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
