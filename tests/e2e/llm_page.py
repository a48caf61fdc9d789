#!/usr/bin/env python3
"""The optional language-model features of the pages, against
tests/llm_server.py (a stand-in chat-completions server on 127.0.0.1):
the article page offers a summary only when llm-url is set; the summary
page shows the model's answer, or the fallback when the model fails; the
story question form checks its input; everything is valid HTML."""
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

GZ = os.environ["GAZETTE"]
SRC = os.environ["GZ_SOURCE_DIR"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def csrf_token(port):
    """The anonymous form token: the log-in page sets the gz_csrf cookie and
    puts the same token in its form (double submit)."""
    with opener.open("http://127.0.0.1:%d/login" % port, timeout=30) as r:
        m = re.search(r'name="csrf" value="([^"]+)"', r.read().decode("utf-8"))
    return m.group(1) if m else ""


def request(port, path, data=None):
    if data is not None:
        data = dict(data, csrf=csrf_token(port))
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open("http://127.0.0.1:%d%s" % (port, path), data=body, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def tidy_errors(html):
    if not shutil.which("tidy"):
        return ""
    p = subprocess.run(["tidy", "-q", "-e", "--show-warnings", "no"], input=html.encode(),
                       capture_output=True)
    return p.stderr.decode() if p.returncode >= 2 else ""


def serve(db, *extra):
    srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0",
                            "--log-level", "error"] + list(extra), stdout=subprocess.PIPE,
                           text=True)
    m = re.search(r"port (\d+)", srv.stdout.readline())
    return srv, int(m.group(1)) if m else 0


def stop(srv):
    srv.send_signal(signal.SIGTERM)
    try:
        srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        srv.wait()


tmp = tempfile.mkdtemp(prefix="gz-llm-")
db = os.path.join(tmp, "g.db")
subprocess.run([GZ, "import", os.path.join(SRC, "tests/cases/import/basic.jsonl"), "--db", db],
               capture_output=True)
llm = subprocess.Popen([sys.executable, os.path.join(SRC, "tests/llm_server.py"),
                        "--lifetime", "60"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       text=True)
llm_port = int(re.search(r"port (\d+)", llm.stdout.readline()).group(1))
llm_url = "http://127.0.0.1:%d" % llm_port
try:
    # without a model: no form, no address
    srv, port = serve(db)
    try:
        status, art = request(port, "/article/1")
        check(status == 200 and "summarize" not in art, "no model: no summary form")
        status, _ = request(port, "/article/1/summarize", {})
        check(status == 404, "no model: summarize is 404 (got %d)" % status)
        status, _ = request(port, "/article/1", {})
        check(status == 405, "POST to an article page is 405 (got %d)" % status)
    finally:
        stop(srv)

    # with a model that answers
    srv, port = serve(db, "--llm-url", llm_url, "--llm-model", "ok")
    try:
        status, art = request(port, "/article/1")
        check('action="/article/1/summarize"' in art, "article page offers the summary")
        check(not tidy_errors(art), "article page with the form is valid HTML")
        status, page = request(port, "/article/1/summarize", {})
        check(status == 200, "summarize 200 (got %d)" % status)
        check("Summary by the language model" in page and "LLM-ANSWER:" in page,
              "the model's summary is shown")
        check(not tidy_errors(page), "summary page is valid HTML: %s" % tidy_errors(page))
        status, _ = request(port, "/article/999999/summarize", {})
        check(status == 404, "summary of a missing article is 404")
        status, _ = request(port, "/article/1/other", {})
        check(status == 404, "unknown verb is 404")
        status, _ = request(port, "/story/1/ask", {"q": "   "})
        check(status == 400, "an empty question is refused (got %d)" % status)
        status, _ = request(port, "/story/1/ask", {"q": "x" * 600})
        check(status == 400, "a long question is refused (got %d)" % status)
        status, _ = request(port, "/story/999999/ask", {"q": "Who?"})
        check(status == 404, "question about a missing story is 404 (got %d)" % status)
    finally:
        stop(srv)

    # with a model that fails: the page says so and falls back
    srv, port = serve(db, "--llm-url", llm_url, "--llm-model", "fail")
    try:
        status, page = request(port, "/article/1/summarize", {})
        check(status == 200 and "could not answer" in page and "HTTP 500" in page,
              "a failing model gives the fallback page")
        check("LLM-ANSWER" not in page, "no model text on failure")
        check(not tidy_errors(page), "fallback page is valid HTML")
    finally:
        stop(srv)
finally:
    llm.stdin.close()
    llm.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
sys.exit(1 if failures else 0)
