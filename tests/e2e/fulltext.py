#!/usr/bin/env python3
"""The full-text stage: a feed that carries only teasers is fetched from a
loopback server; each new entry's page is fetched and its article
extracted.  The page's text replaces a teaser, boilerplate (navigation,
"Read more" links, related lists, comments) stays out, a page that gives
less than the feed keeps the feed's content, a page that cannot be had
keeps it too, and each article records why (extract_note)."""
import http.server
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


BODY = ("The council approved the budget for next year after a long debate on Tuesday. "
        "Members argued over spending on roads, schools and the harbour. ")
PARAS = ["%s Paragraph %d adds detail about the plan and who voted for it." % (BODY, i)
         for i in range(6)]
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council approves the city budget for next year | Harbour News</title>
<meta property="og:site_name" content="Harbour News">
<meta name="author" content="Jane Doe"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article><h1>Council approves the city budget for next year</h1>
%s
<p>Read more: <a href="/other">Another story about the harbour entirely</a></p>
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">Unrelated headline one</a></li>
<li><a href="/y">Unrelated headline two</a></li></ul></aside>
<div id="comments"><p>Great article! Totally agree with the council.</p></div>
<footer>Copyright Harbour News</footer></body></html>""" % "\n".join("<p>%s</p>" % p for p in PARAS)
SHORT_PAGE = """<html><head><title>Short</title></head><body><article><p>Only a line.</p>
</article></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        base = "http://127.0.0.1:%d" % self.server.server_port
        if self.path == "/feed.xml":
            items = [
                ("a1", "Council approves the city budget for next year", "<p>The council approved "
                 "the budget.</p>"),
                ("a2", "Page that is gone", "<p>A teaser of a page that is not there.</p>"),
                ("a3", "Feed has the whole story", "<p>" + " ".join(PARAS[:3]) + "</p>"),
            ]
            xml = "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour News</title>"
            xml += "<link>%s/</link>" % base
            for guid, title, desc in items:
                xml += ("<item><guid>%s</guid><title>%s</title><link>%s/%s</link>"
                        "<description><![CDATA[%s]]></description></item>" % (guid, title, base,
                                                                              guid, desc))
            xml += "</channel></rss>"
            body, ctype, status = xml.encode(), "application/rss+xml", 200
        elif self.path == "/a1":
            body, ctype, status = PAGE.encode(), "text/html; charset=utf-8", 200
        elif self.path == "/a3":
            body, ctype, status = SHORT_PAGE.encode(), "text/html", 200
        else:
            body, ctype, status = b"not here", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=srv.serve_forever, daemon=True).start()
tmp = tempfile.mkdtemp(prefix="gz-fulltext-")
try:
    db = os.path.join(tmp, "g.db")
    url = "http://127.0.0.1:%d/feed.xml" % srv.server_port
    r = subprocess.run([GZ, "fetch", url, "--db", db, "--allow-private", "--fetch-host-delay", "0",
                        "--log-level", "warn"], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "fetch succeeds: %s %s" % (r.stdout, r.stderr))
    con = sqlite3.connect(db)
    rows = {g: (t, n, au) for g, t, n, au in
            con.execute("SELECT guid, text, extract_note, author FROM articles")}
    con.close()
    check(set(rows) == {"a1", "a2", "a3"}, "three articles stored: %r" % list(rows))
    text, note, author = rows.get("a1", ("", "", None))
    check("Paragraph 5 adds detail" in text, "a teaser is replaced by the page's text")
    check("Read more" not in text and "Unrelated headline" not in text and
          "Great article" not in text and "Copyright" not in text and "Sport" not in text,
          "no boilerplate in the text: %r" % text[-300:])
    check("plan and who voted for it.\n\n" in text, "paragraphs stay apart")
    check(note and note.startswith("text from the page"), "the note says the page was used: %r" % note)
    check(author == "Jane Doe", "byline filled from the page: %r" % author)
    text, note, _ = rows.get("a2", ("", "", None))
    check("A teaser of a page that is not there." in text, "a missing page keeps the teaser")
    check(note == "page not fetched: HTTP 404", "the note names the failure: %r" % note)
    text, note, _ = rows.get("a3", ("", "", None))
    check("Paragraph 2 adds detail" in text, "a page that gives less keeps the feed's content")
    check(note and note.startswith("feed content kept"), "the note says why: %r" % note)
finally:
    srv.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
