#!/usr/bin/env python3
"""End to end: accounts, sessions, CSRF, throttling, comments and moderation
over HTTP against a real `gazette serve` on a free loopback port.

Every HTML page fetched is run through tidy.  A second server process on the
same database checks that sessions and throttles live in the database."""
import base64
import hashlib
import http.client
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

GZ = os.environ["GAZETTE"]
SRC = os.environ["GZ_SOURCE_DIR"]
failures = []
pages_checked = 0


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def tidy_errors(html):
    if not shutil.which("tidy"):
        return ""
    p = subprocess.run(["tidy", "-q", "-e", "--show-warnings", "no"], input=html.encode(),
                       capture_output=True)
    return p.stderr.decode() if p.returncode >= 2 else ""


class Client:
    """A browser in miniature: keeps cookies, sends forms, never follows redirects."""

    def __init__(self, port, name=""):
        self.port = port
        self.name = name
        self.cookies = {}
        self.last_set_cookies = []

    def request(self, method, path, form=None, headers=None, raw_body=None):
        global pages_checked
        h = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if raw_body is not None:
            body = raw_body
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8")
        hdrs = r.getheaders()
        c.close()
        self.last_set_cookies = [v for k, v in hdrs if k.lower() == "set-cookie"]
        for sc in self.last_set_cookies:
            name, _, rest = sc.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in sc:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        hd = {}
        for k, v in hdrs:
            hd[k.lower()] = v
        if hd.get("content-type", "").startswith("text/html") and text:
            errs = tidy_errors(text)
            pages_checked += 1
            check(not errs, "%s %s is valid HTML: %s" % (method, path, errs))
        return r.status, text, hd

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.request("POST", path, form=form, **kw)

    def csrf(self, path):
        status, page, _ = self.get(path)
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        check(m is not None, "%s: %s has a CSRF field" % (self.name, path))
        return m.group(1) if m else ""

    def signup(self, name, password, next_=None, expect=303):
        t = self.csrf("/signup")
        form = {"csrf": t, "name": name, "password": password, "password2": password}
        if next_:
            form["next"] = next_
        status, page, h = self.post("/signup", form)
        check(status == expect, "sign up %s: %d (expected %d)" % (name, status, expect))
        return status, page, h

    def login(self, name, password):
        t = self.csrf("/login")
        return self.post("/login", {"csrf": t, "name": name, "password": password})

    def logout(self):
        _, page, _ = self.get("/settings")
        m = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', page)
        return self.post("/logout", {"csrf": m.group(1) if m else ""})


def cookie_attrs(line):
    return [a.strip() for a in line.split(";")[1:]]


def token_hash(token):
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return hashlib.sha256(raw).hexdigest()


def serve(db, *more):
    # --page-cache-grace 0: a moderator's action shows on the next anonymous
    # request (e2e/pages tests the grace)
    srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level",
                            os.environ.get("GZ_LOG", "warn"), "--page-cache-grace", "0"] +
                           list(more),
                           stdout=subprocess.PIPE, text=True)
    line = srv.stdout.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        srv.kill()
        raise SystemExit("serve did not print its port: %r" % line)
    return srv, int(m.group(1))


def stop(srv):
    srv.send_signal(signal.SIGTERM)
    try:
        return srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        return None


tmp = tempfile.mkdtemp(prefix="gz-accounts-")
db = os.path.join(tmp, "g.db")
fixture = os.path.join(SRC, "tests/cases/import/basic.jsonl")
subprocess.run([GZ, "import", fixture, "--db", db], capture_output=True, text=True)


def user_cmd(args, stdin=None):
    return subprocess.run([GZ, "user"] + args + ["--db", db], input=stdin, capture_output=True,
                          text=True)


# ---- the command line ----
r = user_cmd(["add", "root", "--admin", "--password-stdin"], "admin-password-1\n")
check(r.returncode == 0 and "added user 'root'" in r.stdout, "user add: %r" % (r.stdout + r.stderr))
r = user_cmd(["add", "ROOT", "--password-stdin"], "another-password\n")
check(r.returncode == 1 and "already exists" in r.stderr, "names are unique ignoring case: %r" % r.stderr)
r = user_cmd(["add", "shorty", "--password-stdin"], "short\n")
check(r.returncode == 1 and "at least 8" in r.stderr, "short password refused: %r" % r.stderr)
r = user_cmd(["add", "bad name", "--password-stdin"], "long-enough-pw\n")
check(r.returncode == 1 and "letters" in r.stderr, "bad name refused: %r" % r.stderr)
r = user_cmd(["add", "x" * 33, "--password-stdin"], "long-enough-pw\n")
check(r.returncode == 1, "33-character name refused")
r = user_cmd(["add", "nopw"])
check(r.returncode == 2, "add without --password-stdin is a usage error (%d)" % r.returncode)
r = user_cmd(["add", "toolong", "--password-stdin"], "x" * 1025 + "\n")
check(r.returncode == 1 and "1024" in r.stderr, "password over 1024 bytes refused: %r" % r.stderr)
r = user_cmd(["add", "frank", "--password-stdin"], "frank-password-1\r\n")
check(r.returncode == 0, "user add frank")
r = user_cmd(["passwd", "Frank", "--password-stdin"], "frank-password-2\n")
check(r.returncode == 0 and "changed the password" in r.stdout, "user passwd: %r" % (r.stdout + r.stderr))
r = user_cmd(["list"])
check(r.returncode == 0 and re.search(r"root\s+yes", r.stdout) and re.search(r"frank\s+no", r.stdout),
      "user list: %r" % r.stdout)
r = user_cmd(["frobnicate"])
check(r.returncode == 2, "unknown subcommand is a usage error")
con = sqlite3.connect(db)
stored = con.execute("SELECT pass_hash FROM users WHERE name = 'root'").fetchone()[0]
con.close()
check(stored.startswith("$argon2id$v=19$m=65536,t=2,p=1$"), "argon2id interactive hash: " + stored)

srv, port = serve(db)
srv2 = None
fails_from_ip = 0
try:
    anon = Client(port, "anon")
    status, front, h = anon.get("/")
    check(status == 200 and '<a href="/login">Log in</a> / <a href="/signup">Sign up</a>' in front,
          "header offers log in / sign up")
    check("set-cookie" not in h, "a plain page sets no cookie")
    check(h.get("vary") == "Cookie", "pages vary on cookies")
    status, latest, _ = anon.get("/latest")
    ids = re.findall(r'href="/article/(\d+)"', latest)
    art = ids[0]
    status, page, _ = anon.get("/article/" + art)
    check("Log in to comment" in page and "No comments yet..." in page, "anonymous article page")
    check('action="/comment"' not in page, "no comment form for anonymous visitors")
    check('/login?next=%2Farticle%2F' + art in page, "log-in link returns to the article")
    status, _, h = anon.get("/logout")
    check(status == 405 and h.get("allow") == "POST", "GET /logout is 405 (Allow: POST)")
    status, _, _ = anon.get("/settings")
    check(status == 303, "settings needs a log-in")

    # ---- sign up ----
    alice = Client(port, "alice")
    t = alice.csrf("/signup")
    sc = alice.last_set_cookies
    check(any(c.startswith("gz_csrf=") and "HttpOnly" in cookie_attrs(c) and
              "SameSite=Strict" in cookie_attrs(c) for c in sc), "double-submit cookie set: %r" % sc)
    base = {"name": "alice", "password": "alice-password-1", "password2": "alice-password-1"}
    status, page, _ = alice.post("/signup", dict(base))
    check(status == 403, "sign-up without a CSRF token is refused (%d)" % status)
    status, page, _ = alice.post("/signup", dict(base, csrf="A" * 43))
    check(status == 403 and "expired" in page, "sign-up with a wrong CSRF token is refused")
    status, page, _ = alice.post("/signup", dict(base, csrf=t), headers={"Sec-Fetch-Site": "cross-site"})
    check(status == 403, "cross-site form refused")
    status, page, _ = alice.post("/signup", dict(base, csrf=t, name="al ice"))
    check(status == 422 and "letters A to Z" in page, "bad name refused on the page")
    status, page, _ = alice.post("/signup", dict(base, csrf=t, password="short", password2="short"))
    check(status == 422 and "at least 8 characters" in page, "short password refused on the page")
    status, page, _ = alice.post("/signup", dict(base, csrf=t, password2="other-password"))
    check(status == 422 and "differ" in page, "password mismatch refused")
    status, page, h = alice.post("/signup", dict(base, csrf=t, next="/article/" + art))
    check(status == 303 and h.get("location") == "/article/" + art, "sign up redirects to next")
    sess = [c for c in alice.last_set_cookies if c.startswith("gz_session=")]
    check(len(sess) == 1, "sign-up sets the session cookie")
    if sess:
        attrs = cookie_attrs(sess[-1])
        for a in ("Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=2592000"):
            check(a in attrs, "session cookie has %s: %r" % (a, attrs))
        check("Secure" not in attrs, "no Secure flag without secure-cookies")
    tok = alice.cookies.get("gz_session", "")
    check(len(tok) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", tok), "token is 43 base64url chars")
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id_hash, csrf, expires - created FROM sessions").fetchall()
    con.close()
    check(any(r[0] == token_hash(tok) for r in rows), "the database stores the token's SHA-256")
    check(not any(tok in (r[0], r[1]) for r in rows), "the database never stores the token")
    check(all(r[2] == 30 * 86400 for r in rows), "sessions last 30 days")
    status, page, h = alice.get("/article/" + art)
    check('<span class="user">alice</span>' in page and 'action="/logout"' in page,
          "header shows the user and a log-out button")
    check("Settings" in page and "Moderation" not in page, "settings link, no moderation link")
    check(h.get("cache-control", "").startswith("private"), "signed-in pages are private")
    check('action="/comment"' in page and "Log in to comment" not in page, "comment form shown")
    check('src="/static/comments.js"' in page, "comment script included")
    status, js, h = alice.get("/static/comments.js")
    check(status == 200 and "javascript" in h.get("content-type", ""), "comment script served")

    other = Client(port, "other")
    status, page, _ = other.signup("ALICE", "whatever-pass-1", expect=409)
    check("is taken" in page, "taken name refused with a message")

    # ---- log out kills the session everywhere ----
    old = alice.cookies["gz_session"]
    status, _, h = alice.logout()
    check(status == 303, "log out answers 303")
    check(any(c.startswith("gz_session=;") and "Max-Age=0" in c for c in alice.last_set_cookies),
          "log out expires the cookie")
    stale = Client(port, "stale")
    stale.cookies["gz_session"] = old
    status, _, h = stale.get("/settings")
    check(status == 303 and h.get("location", "").startswith("/login"),
          "the old session cookie no longer works after log-out")
    status, page, _ = stale.get("/")
    check("Log in</a>" in page, "stale cookie: anonymous header")

    # ---- log in, wrong password, rotation ----
    status, page, _ = alice.login("alice", "wrong-password")
    fails_from_ip += 1
    check(status == 403 and "Wrong name or password" in page, "wrong password refused")
    status, page, _ = alice.login("nobody-here", "wrong-password")
    fails_from_ip += 1
    check(status == 403 and "Wrong name or password" in page, "unknown name: same answer")
    fixed = "B" * 42 + "A"
    alice.cookies["gz_session"] = fixed  # a planted (fixation) token
    status, page, h = alice.login("Alice", "alice-password-1")
    check(status == 303 and h.get("location") == "/", "log in (name in any case): %d" % status)
    first = alice.cookies.get("gz_session")
    check(first and first != fixed, "log-in issues a new token, never the planted one")
    st_ = alice.csrf("/settings")  # signed in: /login redirects, the session's token does
    status, page, h = alice.post("/login", {"csrf": st_, "name": "alice",
                                            "password": "alice-password-1"})
    second = alice.cookies.get("gz_session")
    check(status == 303 and second and second != first, "log-in again rotates the token")
    stale.cookies["gz_session"] = first
    status, _, _ = stale.get("/settings")
    check(status == 303, "the token before rotation was deleted")
    status, page, h = alice.get("/login?next=/sources")
    check(status == 303 and h.get("location") == "/sources", "log-in page when signed in: to next")
    t = alice.csrf("/settings")
    status, _, h = alice.post("/login", {"csrf": t, "name": "alice", "password": "alice-password-1",
                                         "next": "//evil.example/"})
    check(status == 303 and h.get("location") == "/", "next to another host is ignored")

    # ---- a second server process shares sessions ----
    srv2, port2 = serve(db, "--secure-cookies")
    twin = Client(port2, "twin")
    twin.cookies = dict(alice.cookies)
    status, page, _ = twin.get("/settings")
    check(status == 200 and "logged in as <strong>alice</strong>" in page,
          "another server process knows the session")
    status, _, h = Client(port2).get("/login")
    check("; Secure" in h.get("set-cookie", ""), "secure-cookies marks cookies Secure: %r"
          % h.get("set-cookie"))

    # ---- throttling ----
    bob = Client(port, "bob")
    bob.signup("bob", "bob-password-1")
    bob.logout()
    for i in range(5):
        status, page, _ = bob.login("bob", "bad-guess-%d" % i)
        fails_from_ip += 1
        check(status == 403, "failed log-in %d is 403 (%d)" % (i + 1, status))
    status, page, h = bob.login("bob", "bob-password-1")
    check(status == 429 and "Too many failed log-in attempts" in page,
          "6th attempt is throttled even with the right password (%d)" % status)
    check(int(h.get("retry-after", "0")) > 800, "Retry-After tells the wait: %r" % h.get("retry-after"))
    tc = Client(port2, "bob-twin")
    status, page, _ = tc.login("BOB", "bob-password-1")
    check(status == 429, "the other server process throttles the same account")
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM throttle_events WHERE scope = 'login-name' "
                    "AND key = 'bob'").fetchone()[0]
    con.close()
    check(n == 5, "failures are counted in the database (%d)" % n)

    carol = Client(port, "carol")
    carol.signup("carol", "carol-password-1")
    carol.logout()
    for _ in range(3):
        carol.login("carol", "nope-nope-nope")
        fails_from_ip += 1
    status, _, _ = carol.login("carol", "carol-password-1")
    check(status == 303, "3 failures do not block")
    carol.logout()
    for _ in range(2):  # 5 in the window unless the success cleared them
        carol.login("carol", "nope-nope-nope")
        fails_from_ip += 1
    status, _, _ = carol.login("carol", "carol-password-1")
    check(status == 303, "a successful log-in cleared the account's failures")

    # ---- CSRF on signed-in forms ----
    status, page, _ = alice.get("/article/" + art)
    st = re.search(r'action="/comment">\s*<input type="hidden" name="csrf" value="([^"]+)"', page)
    stoken = st.group(1) if st else ""
    check(stoken and stoken != alice.cookies.get("gz_csrf"), "signed-in forms carry the session token")
    form = {"article": art, "body": "hello"}
    status, page, _ = alice.post("/comment", form)
    check(status == 403, "comment without CSRF token refused (%d)" % status)
    status, page, _ = alice.post("/comment", dict(form, csrf=alice.cookies.get("gz_csrf", "")))
    check(status == 403, "the anonymous double-submit token does not do for a session")
    _, cpage, _ = carol.get("/article/" + art)
    ct = re.search(r'name="csrf" value="([^"]+)"', cpage).group(1)
    status, page, _ = alice.post("/comment", dict(form, csrf=ct))
    check(status == 403, "another session's token refused")
    status, page, _ = alice.request("POST", "/comment", raw_body=b"csrf=" + stoken.encode(),
                                    headers={"Content-Type": "text/plain"})
    check(status == 415, "non-form body refused (%d)" % status)
    status, page, _ = alice.post("/comment", dict(form, csrf=stoken), headers={"Sec-Fetch-Site": "cross-site"})
    check(status == 403, "cross-site POST refused")
    status, page, _ = anon.post("/comment", dict(form, csrf=stoken))
    check(status == 403 and "not logged in" in page, "anonymous comment refused")
    status, page, _ = alice.request("POST", "/comment", raw_body=b"csrf=x&body=%00",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 400, "a form with a NUL byte is refused (%d)" % status)

    # ---- comments: post, reply, edit, delete, report ----
    body = ('First! <script>alert("x")</script> <img src=x onerror=alert(1)> see '
            'https://example.org/a?b=1&c=2. and javascript:alert(1)\r\nsecond line\r\n\r\nnew para')
    status, _, h = alice.post("/comment", {"csrf": stoken, "article": art, "body": body})
    m = re.fullmatch(r"/article/%s#c(\d+)" % art, h.get("location", ""))
    check(status == 303 and m, "comment posted, 303 to its anchor: %r" % h.get("location"))
    c1 = m.group(1) if m else "0"
    status, page, _ = bob.get("/article/" + art)
    check(status == 200 and 'id="c%s"' % c1 in page, "comment shown")
    check("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, "comment script escaped")
    check("<script>alert" not in page and "<img src=x" not in page, "no raw markup from a comment")
    check('<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
          'https://example.org/a?b=1&amp;c=2</a>.' in page, "link made clickable, dot outside")
    check('href="javascript' not in page, "javascript: is not linked")
    check("<br>\nsecond line</p>\n<p>new para</p>" in page, "line breaks and paragraphs kept")
    status, page, _ = bob.login("bob", "bob-password-1")  # still throttled
    check(status == 429, "bob is still throttled")
    dave = Client(port, "dave")
    dave.signup("dave", "dave-password-1")
    _, page, _ = dave.get("/article/" + art)
    dt = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _, h = dave.post("/comment", {"csrf": dt, "article": art, "parent": c1, "body": "a reply"})
    m = re.fullmatch(r"/article/%s#c(\d+)" % art, h.get("location", ""))
    check(status == 303 and m, "reply posted")
    c2 = m.group(1) if m else "0"
    status, page, _ = dave.get("/article/" + art)
    check(re.search(r'<li id="c%s" class="comment">.*?<ol class="replies">\s*<li id="c%s"' % (c1, c2),
                    page, re.S) is not None, "reply nested under its parent")
    status, page, _ = dave.post("/comment", {"csrf": dt, "article": art, "parent": "999999", "body": "x"})
    check(status == 404, "reply to a missing comment refused")
    status, page, _ = dave.post("/comment/edit", {"csrf": dt, "id": c1, "body": "hijack"})
    check(status == 403, "cannot edit another's comment")
    status, page, _ = dave.post("/comment/delete", {"csrf": dt, "id": c1})
    check(status == 403, "cannot delete another's comment")
    status, _, h = alice.post("/comment/edit", {"csrf": stoken, "id": c1, "body": "Edited text"})
    check(status == 303 and h.get("location") == "/article/%s#c%s" % (art, c1), "edit redirects")
    _, page, _ = dave.get("/article/" + art)
    check("Edited text" in page and "edited</span>" in page, "edit shown with a mark")
    status, _, h = dave.post("/comment/report", {"csrf": dt, "id": c1})
    check(status == 303 and "reported=" + c1 in h.get("location", ""), "report accepted")
    _, page, _ = dave.get(h.get("location", "/").split("#")[0])
    check("a moderator will look at this comment" in page, "reporter is thanked")
    status, _, _ = dave.post("/comment/report", {"csrf": dt, "id": c1})
    check(status == 303, "second report is accepted quietly")
    status, page, _ = alice.post("/comment/report", {"csrf": stoken, "id": c1})
    check(status == 409, "cannot report one's own comment")
    status, page, _ = carol.post("/comment/report", {"csrf": ct, "id": c1})
    con = sqlite3.connect(db)
    reports = con.execute("SELECT reports FROM comments WHERE id = ?", (c1,)).fetchone()[0]
    con.close()
    check(reports == 2, "one report per user: %d" % reports)

    # ---- moderation ----
    status, page, _ = dave.get("/moderation")
    check(status == 403, "moderation is for admins (%d)" % status)
    status, page, _ = anon.get("/moderation")
    check(status == 403, "moderation refused to anonymous visitors")
    status, page, _ = dave.post("/comment/moderate", {"csrf": dt, "id": c1, "action": "hide"})
    check(status == 403, "non-admin cannot moderate")
    root = Client(port, "root")
    status, _, _ = root.login("root", "admin-password-1")
    check(status == 303, "admin logs in")
    status, page, _ = root.get("/moderation")
    check(status == 200 and "Reported comments" in page and "2 reports" in page,
          "moderation page lists the reported comment")
    rt = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _, h = root.post("/comment/moderate", {"csrf": rt, "id": c1, "action": "hide",
                                                   "back": "moderation"})
    check(status == 303 and h.get("location") == "/moderation", "hide redirects to the queue")
    _, page, _ = anon.get("/article/" + art)
    check("Edited text" not in page and "[hidden by a moderator]" in page and "a reply" in page,
          "hidden comment's text gone, its reply kept")
    status, _, _ = root.post("/comment/moderate", {"csrf": rt, "id": c1, "action": "restore"})
    _, page, _ = anon.get("/article/" + art)
    check("Edited text" in page, "restored comment shown again")
    status, _, _ = root.post("/comment/moderate", {"csrf": rt, "id": c1, "action": "explode"})
    check(status == 400, "unknown moderation action refused")

    # ---- delete ----
    status, _, h = alice.post("/comment/delete", {"csrf": stoken, "id": c1})
    check(status == 303, "delete own comment")
    _, page, _ = anon.get("/article/" + art)
    check("Edited text" not in page and "[deleted]" in page and "a reply" in page,
          "deleted comment with a reply shows [deleted]")
    status, _, _ = dave.post("/comment/delete", {"csrf": dt, "id": c2})
    _, page, _ = anon.get("/article/" + art)
    check("[deleted]" not in page and "No comments yet..." in page,
          "a deleted thread without replies disappears")
    status, page, _ = dave.post("/comment", {"csrf": dt, "article": art, "parent": c1, "body": "x"})
    check(status == 409 and "was removed" in page, "no replies to a removed comment")

    # ---- limits ----
    erin = Client(port, "erin")
    erin.signup("erin", "erin-password-1")
    _, page, _ = erin.get("/article/" + art)
    et = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, page, _ = erin.post("/comment", {"csrf": et, "article": art, "body": "x" * 5001})
    check(status == 422 and "5001 characters" in page and "limit is 5000" in page,
          "5001 characters refused with a message (%d)" % status)
    check("x" * 5001 in page, "the refused text is given back")
    status, page, _ = erin.post("/comment", {"csrf": et, "article": art, "body": " \r\n\t "})
    check(status == 422 and "empty" in page, "empty comment refused")
    status, _, _ = erin.post("/comment", {"csrf": et, "article": art, "body": "\u00e9" * 5000})
    check(status == 303, "5000 two-byte characters accepted")
    for i in range(4):
        status, _, _ = erin.post("/comment", {"csrf": et, "article": art, "body": "quick %d" % i})
        check(status == 303, "comment %d within the rate" % (i + 2))
    status, page, h = erin.post("/comment", {"csrf": et, "article": art, "body": "one too many"})
    check(status == 429 and "too fast" in page and h.get("retry-after") == "60",
          "6th comment in a minute refused (%d)" % status)
    check("one too many" in page, "rate-limited text given back")

    # ---- settings: change password ----
    alice2 = Client(port, "alice-elsewhere")
    alice2.login("alice", "alice-password-1")
    _, page, _ = alice.get("/settings")
    at = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, page, _ = alice.post("/settings", {"csrf": at, "current": "wrong-one", "password": "n" * 10,
                                               "password2": "n" * 10})
    fails_from_ip += 1
    check(status == 403 and "current password is wrong" in page, "wrong current password")
    status, page, _ = alice.post("/settings", {"csrf": at, "current": "alice-password-1",
                                               "password": "new-password-1", "password2": "nope"})
    check(status == 422, "new passwords must match")
    before = alice.cookies.get("gz_session")
    status, _, h = alice.post("/settings", {"csrf": at, "current": "alice-password-1",
                                            "password": "new-password-1",
                                            "password2": "new-password-1"})
    check(status == 303 and h.get("location") == "/settings?changed=1", "password changed")
    check(alice.cookies.get("gz_session") != before, "password change rotates the session")
    _, page, _ = alice.get("/settings?changed=1")
    check("Your password was changed" in page, "change confirmed")
    status, _, _ = alice2.get("/settings")
    check(status == 303, "other sessions end with a password change")
    status, _, _ = alice2.login("alice", "new-password-1")
    check(status == 303, "new password works")

    # ---- per-address throttle and sign-up limit ----
    n_ok = 0
    while fails_from_ip < 20:
        # names that cannot exist fail without hashing, and still count
        status, _, _ = anon.login("no such name %d" % fails_from_ip, "whatever-pass")
        check(status == 403, "failure %d from the address" % (fails_from_ip + 1))
        fails_from_ip += 1
    status, page, _ = anon.login("carol", "carol-password-1")
    check(status == 429, "20 failures from one address throttle every account (%d)" % status)
    con = sqlite3.connect(db)
    users = con.execute("SELECT count(*) FROM users").fetchone()[0]
    con.close()
    signups = users - 2  # root and frank came from the command line
    for i in range(10 - signups):
        status, _, _ = Client(port).signup("late%d" % i, "late-password-1")
    status, page, _ = Client(port).signup("toomany", "late-password-1", expect=429)
    check("Too many accounts" in page, "10 sign-ups an hour from one address")
    check(pages_checked > 40, "pages were validated (%d)" % pages_checked)
finally:
    rc = stop(srv)
    check(rc == 0, "serve exits 0 on SIGTERM (got %r)" % rc)
    if srv2:
        stop(srv2)
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
