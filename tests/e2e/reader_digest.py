#!/usr/bin/env python3
"""End to end: e-mail digests through a loopback SMTP sink.  A reader sets a
daily digest on the settings page; `gazette digest --send` sends exactly one
message with the right headers (From, To, Subject, Date, MIME multipart,
plain text and HTML) and links to the site's base-url; a second run sends
nothing (not due yet); `--user NAME --dry-run` prints it."""
import base64
import email
import email.policy
import os
import re
import socket
import sqlite3
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from reader_common import (Browser, add_user, check, finish, gazette, import_corpus,  # noqa: E402
                           serve, standard_corpus, stop, tmpdir)


class SmtpSink:
    """Just enough of an SMTP server on 127.0.0.1 to take messages."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.messages = []  # (mail from, [rcpt to], data bytes)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn):
        f = conn.makefile("rb")
        send = lambda line: conn.sendall(line.encode() + b"\r\n")  # noqa: E731
        send("220 sink ESMTP")
        frm, rcpt = None, []
        while True:
            line = f.readline()
            if not line:
                break
            cmd = line.decode("latin-1").strip()
            up = cmd.upper()
            if up.startswith("EHLO"):
                conn.sendall(b"250-sink\r\n250 8BITMIME\r\n")
            elif up.startswith("HELO"):
                send("250 sink")
            elif up.startswith("MAIL FROM:"):
                frm, rcpt = cmd[10:].strip(), []
                send("250 ok")
            elif up.startswith("RCPT TO:"):
                rcpt.append(cmd[8:].strip())
                send("250 ok")
            elif up == "DATA":
                send("354 go on")
                data = b""
                while True:
                    l2 = f.readline()
                    if not l2 or l2 == b".\r\n":
                        break
                    data += l2[1:] if l2.startswith(b"..") else l2
                self.messages.append((frm, rcpt, data))
                send("250 queued")
            elif up == "QUIT":
                send("221 bye")
                break
            else:
                send("250 ok")
        conn.close()


sink = SmtpSink()
tmp = tmpdir("gz-reader-digest-")
db = os.path.join(tmp, "g.db")
corpus = os.path.join(tmp, "c.jsonl")
standard_corpus(corpus, 5)
import_corpus(db, corpus)
add_user(db, "alice", "alice-login-pw")
add_user(db, "bob", "bob-login-pw")
con = sqlite3.connect(db)
con.execute("INSERT INTO stories (title, n_articles, n_sources) VALUES ('Storm hits the coast', 2, 2)")
sid = con.execute("SELECT max(id) FROM stories").fetchone()[0]
two = [r[0] for r in con.execute("SELECT id FROM articles WHERE guid IN ('alpha-1', 'beta-1')")]
con.execute("UPDATE articles SET story_id = ? WHERE id IN (?, ?)", (sid, *two))
con.execute("UPDATE articles SET fetched = strftime('%s', 'now') - 3600")
con.commit()
con.close()

BASE = "https://news.example/g"
ENV = {"GAZETTE_SMTP_URL": "smtp://127.0.0.1:%d" % sink.port,
       "GAZETTE_SMTP_FROM": "Gazette <digest@news.example>",
       "GAZETTE_BASE_URL": BASE + "/"}

srv, port = serve(db)
try:
    web = Browser(port, "alice")
    check(web.login("alice", "alice-login-pw")[0] == 303, "alice logs in")
    status, page, _ = web.get("/settings")
    check('name="digest"' in page and 'name="email"' in page, "settings offer the digest")
    status, page, _ = web.form("/settings", "/settings/digest", {"digest": "daily", "email": "not an address"})
    check(status == 422, "a bad address is refused (%d)" % status)
    status, page, _ = web.form("/settings", "/settings/digest", {"digest": "daily", "email": ""})
    check(status == 422, "a digest needs an address")
    status, _, h = web.form("/settings", "/settings/digest",
                            {"digest": "daily", "email": "alice@example.org"})
    check(status == 303, "digest settings saved")
    _, page, _ = web.get("/settings?reader=digest")
    check('<option value="daily" selected>' in page and "alice@example.org" in page,
          "the settings page shows them")
finally:
    stop(srv)

r = gazette(["digest"], db, env=ENV)
check(r.returncode == 0 and "alice" in r.stdout and "bob" not in r.stdout,
      "digest lists who is due: %r" % (r.stdout + r.stderr))
check(sink.messages == [], "listing sends nothing")
r = gazette(["digest", "--send"], db, env=ENV)
check(r.returncode == 0 and "alice: sent" in r.stdout, "digest --send: %r" % (r.stdout + r.stderr))
check(len(sink.messages) == 1, "exactly one message (%d)" % len(sink.messages))
if sink.messages:
    frm, rcpt, data = sink.messages[0]
    check(frm == "<digest@news.example>", "envelope sender: %r" % frm)
    check(rcpt == ["<alice@example.org>"], "envelope recipient: %r" % rcpt)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    check(msg["From"] == "Gazette <digest@news.example>", "From: %r" % msg["From"])
    check(msg["To"] == "alice@example.org", "To: %r" % msg["To"])
    check(msg["Subject"].startswith("Your daily gazette: "), "Subject: %r" % msg["Subject"])
    check(msg["Date"] is not None and msg["Date"].datetime is not None, "Date parses: %r" % msg["Date"])
    check(msg["Message-ID"] and msg["Message-ID"].endswith("@news.example>"), "Message-ID")
    check(msg["MIME-Version"] == "1.0", "MIME-Version")
    check(msg.get_content_type() == "multipart/alternative", "multipart/alternative")
    parts = {p.get_content_type(): p for p in msg.iter_parts()}
    check(set(parts) == {"text/plain", "text/html"}, "plain text and HTML parts: %r" % list(parts))
    text = parts["text/plain"].get_content() if "text/plain" in parts else ""
    html = parts["text/html"].get_content() if "text/html" in parts else ""
    check("Storm hits the coast" in text and "Storm hits the coast" in html,
          "the story is in both parts")
    check(text.index("Storm hits the coast") < text.index("2. "),
          "the story with two sources comes first")
    check(BASE + "/story/%d" % sid in text and 'href="%s/story/%d"' % (BASE, sid) in html,
          "links to the story on the site's base-url")
    links = re.findall(r"https?://\S+", text)
    check(links and all(l.startswith(BASE + "/story/") or l.startswith(BASE + "/article/") or
                        l == BASE + "/settings" for l in links), "every link is on the site: %r" % links)
    check("//news.example/g/settings" in text, "a link to stop the digests")
    check(all(len(l) <= 998 for l in data.split(b"\r\n")), "no line over 998 bytes")
    check(b"\r\n.\r\n" not in data, "no bare dot line")
    check(html.lstrip().startswith("<!DOCTYPE html>"), "the HTML part is a document")

r = gazette(["digest", "--send"], db, env=ENV)
check(r.returncode == 0 and len(sink.messages) == 1, "a second run sends nothing: not due yet")
r = gazette(["digest", "--user", "alice", "--dry-run"], db, env=ENV)
check(r.returncode == 0 and r.stdout.startswith("From: Gazette <digest@news.example>"),
      "--dry-run prints the message: %r" % r.stdout[:80])
check("Content-Type: multipart/alternative" in r.stdout and len(sink.messages) == 1,
      "and sends nothing")
r = gazette(["digest", "--user", "bob", "--send"], db, env=ENV)
check(r.returncode == 1 and "no digest address" in r.stderr, "bob has no address: %r" % r.stderr)
r = gazette(["digest", "--dry-run"], db, env=ENV)
check(r.returncode == 2, "--dry-run needs --user")
add_user(db, "carol", "carol-login-pw")
con = sqlite3.connect(db)
con.execute("INSERT INTO reader_prefs (user_id, digest, email) SELECT id, 2, 'carol@example.org' "
            "FROM users WHERE name = 'carol'")
con.commit()
con.close()
bad = dict(ENV, GAZETTE_SMTP_URL="smtp://127.0.0.1:1")
r = gazette(["digest", "--send"], db, env=bad)
check(r.returncode == 1 and "cannot send the digest to carol@example.org" in r.stderr,
      "a refused connection is an error: %r" % r.stderr)
r = gazette(["digest", "--send"], db, env=ENV)
check(r.returncode == 0 and "carol: sent" in r.stdout and len(sink.messages) == 2,
      "the weekly digest goes once the server answers: %r" % r.stdout)
if len(sink.messages) == 2:
    check(b"Subject: Your weekly gazette" in sink.messages[1][2], "a weekly subject")

finish("reader_digest")
