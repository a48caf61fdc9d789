#!/usr/bin/env python3
"""End to end: two-factor sign-in.  Turning it on needs a right code (RFC
6238, computed here with hmac); then log-in asks for a code: a wrong one is
refused, a right one within the time window accepted, a code works once, a
recovery code works once; turning it off needs the password."""
import base64
import hashlib
import hmac
import os
import re
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from reader_common import (Browser, Fever, add_user, check, fever_key, finish,  # noqa: E402
                           import_corpus, serve, standard_corpus, stop, tmpdir)


def totp(secret, t, digits=6):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    off = mac[-1] & 15
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff
    return "%0*d" % (digits, v % 10 ** digits)


# RFC 6238, appendix B (SHA-1): this helper agrees with the RFC before it tests anything
rfc = base64.b32encode(b"12345678901234567890").decode()
check(totp(rfc, 59, 8) == "94287082" and totp(rfc, 1111111109, 8) == "07081804",
      "the test's TOTP matches RFC 6238")

tmp = tmpdir("gz-reader-totp-")
db = os.path.join(tmp, "g.db")
corpus = os.path.join(tmp, "c.jsonl")
standard_corpus(corpus, 2)
import_corpus(db, corpus)
add_user(db, "alice", "alice-login-pw", "alice-app-pw")


def logout(b):
    _, page, _ = b.get("/settings")
    m = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', page)
    return b.post("/logout", {"csrf": m.group(1) if m else ""})


def signed_in(b):
    status, _, _ = b.get("/settings")
    return status == 200


srv, port = serve(db)
try:
    web = Browser(port, "alice")
    check(web.login("alice", "alice-login-pw")[0] == 303, "alice logs in")
    status, page, _ = web.get("/settings")
    check("Two-factor sign-in" in page and "Turn it on" in page, "settings: two-factor is off")
    status, page, _ = web.get("/settings/two-factor")
    m = re.search(r'<code class="secret-key">([A-Z2-7]{32})</code>', page)
    check(m is not None, "the set-up page shows the key")
    secret = m.group(1) if m else ""
    u = re.search(r'<code class="otpauth">([^<]+)</code>', page)
    check(u and u.group(1).startswith("otpauth://totp/gazette:alice?secret=" + secret),
          "and the otpauth:// address: %r" % (u.group(1) if u else None))
    now = time.time()
    wrong = "%06d" % ((int(totp(secret, now)) + 1) % 1000000)
    status, page, _ = web.form("/settings/two-factor", "/settings/two-factor",
                               {"code": wrong, "current": "alice-login-pw", "secret": secret,
                                "action": "on"})
    check(status == 422 and "not right" in page, "a wrong code does not turn it on (%d)" % status)
    status, page, _ = web.form("/settings/two-factor", "/settings/two-factor",
                               {"code": totp(secret, now), "current": "wrong-password",
                                "secret": secret, "action": "on"})
    check(status == 403, "nor a wrong password (%d)" % status)
    status, page, _ = web.form("/settings/two-factor", "/settings/two-factor",
                               {"code": totp(secret, now), "current": "alice-login-pw",
                                "secret": secret, "action": "on"})
    codes = re.findall(r"<li><code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code></li>", page)
    check(status == 200 and len(codes) == 10, "on, with 10 recovery codes (%d)" % len(codes))
    check(len(set(codes)) == 10, "the codes differ")
    _, page, _ = web.get("/settings")
    check("On: log-in asks for a code" in page and "10 recovery codes left" in page,
          "settings: two-factor is on")

    # log-in now needs a code
    logout(web)
    status, _, h = web.login("alice", "alice-login-pw")
    check(status == 303 and h.get("location") == "/login/code", "the password leads to the code step")
    check("gz_session" not in web.cookies and "gz_login2" in web.cookies,
          "no session yet, a short-lived step cookie: %r" % list(web.cookies))
    check(not signed_in(web), "not signed in after the password alone")
    status, page, _ = web.get("/login/code")
    check(status == 200 and 'name="code"' in page, "the code page")
    status, page, _ = web.form("/login/code", "/login/code", {"code": wrong})
    check(status == 403 and "not right" in page, "a wrong code is refused (%d)" % status)
    # the code of the next time step: inside the window, and not the one used to turn it on
    later = totp(secret, now + 30)
    status, _, h = web.form("/login/code", "/login/code", {"code": later})
    check(status == 303 and signed_in(web), "a right code within the window signs in")
    check("gz_login2" not in web.cookies, "the step cookie is cleared")

    logout(web)
    web.login("alice", "alice-login-pw")
    status, page, _ = web.form("/login/code", "/login/code", {"code": later})
    check(status == 403 and not signed_in(web), "a code works once")
    far = totp(secret, now + 120)
    if far != later:
        status, _, _ = web.form("/login/code", "/login/code", {"code": far})
        check(status == 403, "a code two steps away is refused")
    status, _, _ = web.form("/login/code", "/login/code", {"code": codes[0].lower().replace("-", " ")})
    check(status == 303 and signed_in(web), "a recovery code works (any case, spaces)")
    logout(web)
    web.login("alice", "alice-login-pw")
    status, _, _ = web.form("/login/code", "/login/code", {"code": codes[0]})
    check(status == 403, "a recovery code works once")
    status, _, _ = web.form("/login/code", "/login/code", {"code": codes[1]})
    check(status == 303 and signed_in(web), "another recovery code works")
    _, page, _ = web.get("/settings")
    check("8 recovery codes left" in page, "8 codes left")

    # the step page without a step cookie goes back to the log-in
    anon = Browser(port, "anon")
    status, _, h = anon.get("/login/code")
    check(status == 303 and h.get("location") == "/login", "no step in progress: back to log-in")
    # reading apps use the API password, which two-factor does not touch
    check(Fever(port, fever_key("alice", "alice-app-pw")).call("").get("auth") == 1,
          "the API password still works for apps")

    # turning it off needs the password
    status, _, _ = web.form("/settings/two-factor", "/settings/two-factor",
                            {"current": "nope-nope", "action": "off"})
    check(status == 403, "off with a wrong password is refused")
    status, _, h = web.form("/settings/two-factor", "/settings/two-factor",
                            {"current": "alice-login-pw", "action": "off"})
    check(status == 303, "off")
    logout(web)
    status, _, h = web.login("alice", "alice-login-pw")
    check(status == 303 and h.get("location") == "/" and signed_in(web), "the password alone again")
    check(web.pages >= 8, "pages checked with tidy (%d)" % web.pages)
finally:
    stop(srv)

finish("reader_totp")
