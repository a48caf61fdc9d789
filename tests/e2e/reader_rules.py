#!/usr/bin/env python3
"""End to end: a reader's mute and highlight rules.  A muted keyword never
appears on the front page, in the Fever and Google Reader APIs or in the
digest of the reader who muted it, and still does for another reader; tag
and source rules; highlights; bad lines reported; a second server process
on the same database sees a change of rules."""
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from reader_common import (GReader, Browser, Fever, add_user, check, fever_key, finish,  # noqa: E402
                           gazette, import_corpus, serve, standard_corpus, stop, tmpdir)

NOW_ISH = "2025-08-20T10:00:00Z"
tmp = tmpdir("gz-reader-rules-")
db = os.path.join(tmp, "g.db")
corpus = os.path.join(tmp, "c.jsonl")
extra = [
    {"id": "czar", "source": "Beta Post", "url": "https://beta.example/czar", "published": NOW_ISH,
     "title": "Trump names Tom Homan border czar", "text": "The border czar will oversee it."},
    {"id": "match", "source": "Alpha Wire", "url": "https://alpha.example/match",
     "published": NOW_ISH, "title": "Late goal wins the derby", "text": "A match report."},
    {"id": "fox", "source": "Fox News", "url": "https://foxnews.example/story",
     "published": NOW_ISH, "title": "Storm warning for the coast", "text": "Rain is coming."},
]
arts = standard_corpus(corpus, 4, extra)
import_corpus(db, corpus)
add_user(db, "alice", "alice-login-pw", "alice-app-pw")
add_user(db, "bob", "bob-login-pw", "bob-app-pw")
con = sqlite3.connect(db)
ids = {g: i for i, g in con.execute("SELECT id, guid FROM articles")}
# a tag on the match report (enrichment would put it there)
con.execute("INSERT INTO tags (slug, name, kind) VALUES ('sports', 'Sports', 0)")
tag = con.execute("SELECT id FROM tags WHERE slug = 'sports'").fetchone()[0]
con.execute("INSERT INTO article_tags (article_id, tag_id, rank, score) VALUES (?, ?, 0, 1)",
            (ids["match"], tag))
con.execute("UPDATE articles SET fetched = strftime('%s', 'now')")
con.commit()
con.close()

RULES = "\n".join([
    "# mine",
    "-\"border czar\"",
    "-tag:sports",
    "-source:foxnews",
    "weather*",
    "-/((/",          # bad: reported, the rest still apply
])

srv, port = serve(db)
srv2 = None
try:
    alice = Browser(port, "alice")
    bob = Browser(port, "bob")
    check(alice.login("alice", "alice-login-pw")[0] == 303, "alice logs in")
    check(bob.login("bob", "bob-login-pw")[0] == 303, "bob logs in")
    status, page, _ = alice.get("/rules")
    check(status == 200 and 'name="rules"' in page, "the rules page")
    status, _, h = alice.form("/rules", "/rules", {"rules": RULES.replace("\n", "\r\n")})
    check(status == 303 and h.get("location") == "/rules?saved=1", "rules saved")
    status, page, _ = alice.get("/rules?saved=1")
    check("Line 6" in page and "not valid" in page, "the bad line is reported")
    check("Mute: articles with the phrase &quot;border czar&quot;" in page,
          "each rule is described: %s" % re.findall(r"<li value[^<]*", page))
    check("Mute: articles tagged &quot;sports&quot;" in page, "tag rule described")
    check("&quot;border czar&quot;" in page and "-tag:sports" in page, "the text is kept")

    # the front page
    _, front_a, _ = alice.get("/")
    _, front_b, _ = bob.get("/")
    for title in ("border czar", "Late goal wins", "Storm warning"):
        check(title not in front_a, "alice's front page hides %r" % title)
        check(title in front_b, "bob's front page shows %r" % title)
    check(re.search(r'class="card[^"]* highlight"', front_a) and "Highlighted" in front_a,
          "alice's highlight rule marks the weather reports")
    check("Highlighted" not in front_b, "bob has no highlights")
    _, latest_a, _ = alice.get("/latest")
    check("border czar" not in latest_a, "/latest too")
    _, unread_a, _ = alice.get("/unread")
    check("border czar" not in unread_a and "Late goal" not in unread_a, "Unread too")

    # the APIs
    fa = Fever(port, fever_key("alice", "alice-app-pw"))
    fb = Fever(port, fever_key("bob", "bob-app-pw"))
    ua = fa.ids("unread_item_ids")
    ub = fb.ids("unread_item_ids")
    for g in ("czar", "match", "fox"):
        check(ids[g] not in ua, "Fever unread ids hide %s for alice" % g)
        check(ids[g] in ub, "Fever unread ids show %s for bob" % g)
    items = []
    since = 0
    while True:
        page_items = fa.call("items", since_id=since).get("items", [])
        if not page_items:
            break
        items += page_items
        since = max(i["id"] for i in page_items)
    titles = " ".join(i["title"] for i in items)
    check("border czar" not in titles and "Storm warning" not in titles, "Fever items hide them")
    check(len(items) == len(ua), "Fever items and unread ids agree")
    j = fa.call("items", with_ids=str(ids["czar"]))
    check(j.get("items") == [], "with_ids does not reveal a muted item")
    check(len(fb.call("items", with_ids=str(ids["czar"])).get("items", [])) == 1, "bob gets it")

    gr = GReader(port)
    status, body, _ = gr.login("alice", "alice-app-pw")
    gr.auth = re.search(rb"Auth=(\S+)", body).group(1).decode()
    got = gr.all_ids({"s": "user/-/state/com.google/reading-list", "n": 5})
    check(sorted(got) == sorted(ua), "stream/items/ids applies the mutes, across pages")
    j = gr.json("stream/contents/user/-/state/com.google/reading-list", {"n": 100})
    check("border czar" not in str(j), "stream/contents too")

    # the digest (dry run) of each
    r = gazette(["digest", "--user", "alice", "--dry-run"], db,
                env={"GAZETTE_BASE_URL": "https://news.example", "GAZETTE_SMTP_FROM": "g@news.example"})
    check(r.returncode == 0, "digest dry run: %s" % r.stderr)
    check("border czar" not in r.stdout and "Late goal" not in r.stdout, "alice's digest hides them")
    check(any(a["title"] in r.stdout for a in arts if a["id"].count("-")), "but has other news")
    r = gazette(["digest", "--user", "bob", "--dry-run"], db,
                env={"GAZETTE_BASE_URL": "https://news.example", "GAZETTE_SMTP_FROM": "g@news.example"})
    check("border czar" in r.stdout and "Late goal" in r.stdout, "bob's digest shows them")

    # a second server process on the same database notices a change of rules
    srv2, port2 = serve(db)
    alice2 = Browser(port2, "alice@2")
    alice2.cookies = dict(alice.cookies)
    _, p2, _ = alice2.get("/")
    check("border czar" not in p2, "the second process applies the rules")
    alice.form("/rules", "/rules", {"rules": "-storm"})
    _, p2, _ = alice2.get("/")
    check("border czar" in p2 and "Storm warning" not in p2,
          "the second process sees the new rules at once (version in the database)")
    check(ids["czar"] in Fever(port2, fever_key("alice", "alice-app-pw")).ids("unread_item_ids"),
          "and its API too")
    check(alice.pages + bob.pages + alice2.pages >= 8, "pages checked with tidy")

    # many requests at once while the rules change: the shared caches of
    # compiled rules and article counts (run under ThreadSanitizer too)
    import threading
    errors = []
    gb = GReader(port)
    status, body, _ = gb.login("bob", "bob-app-pw")
    gb.auth = re.search(rb"Auth=(\S+)", body).group(1).decode()

    def hammer(k):
        try:
            for i in range(15):
                f = (fa, fb)[(k + i) % 2]
                j = f.call("items", since_id=0)
                if j.get("auth") != 1 or "items" not in j:
                    errors.append("fever %r" % j)
                g = (gr, gb)[(k + i) % 2]
                g.json("stream/items/ids", {"s": "user/-/state/com.google/reading-list", "n": 10})
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def edit():
        for i in range(6):
            alice.form("/rules", "/rules", {"rules": "-storm\n-word%d\n\"border czar\"" % i})

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
    threads.append(threading.Thread(target=edit))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "concurrent API requests while rules change: %r" % errors[:3])
finally:
    stop(srv)
    if srv2:
        stop(srv2)

finish("reader_rules")
