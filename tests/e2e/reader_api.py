#!/usr/bin/env python3
"""End to end: the Fever and Google Reader APIs driven as reading apps drive
them, over HTTP against a real `gazette serve`, and the state they change
seen on the website (and the other way round); per-user state, categories,
"mark story read" and "N new sources"."""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from reader_common import (GReader, Browser, Fever, add_user, check, fever_key, fetch, finish,  # noqa: E402
                           gazette, import_corpus, long_id, serve, standard_corpus, stop, tmpdir,
                           write_corpus)

tmp = tmpdir("gz-reader-api-")
db = os.path.join(tmp, "g.db")
corpus = os.path.join(tmp, "c.jsonl")
arts = standard_corpus(corpus, 10)
title = {a["id"]: a["title"] for a in arts}
import_corpus(db, corpus)
add_user(db, "alice", "alice-login-pw", "alice-app-pw")
add_user(db, "bob", "bob-login-pw", "bob-app-pw")
add_user(db, "carol", "carol-login-pw")  # no API password

con = sqlite3.connect(db)
sources = dict(con.execute("SELECT title, id FROM sources").fetchall())
all_ids = sorted(r[0] for r in con.execute("SELECT id FROM articles"))
by_source = {}
for aid, sid in con.execute("SELECT id, source_id FROM articles"):
    by_source.setdefault(sid, []).append(aid)
con.close()
check(len(all_ids) == 30, "30 articles imported (%d)" % len(all_ids))
alpha, beta, gamma = sources["Alpha Wire"], sources["Beta Post"], sources["Gamma Daily"]

r = gazette(["user", "api-password", "alice"], db)
check(r.returncode == 2, "api-password without --password-stdin is a usage error")
r = gazette(["user", "api-password", "nobody", "--password-stdin"], db, "whatever-pw\n")
check(r.returncode == 1, "api-password for a missing user fails")
r = gazette(["user", "api-password", "bob", "--password-stdin"], db, "short\n")
check(r.returncode == 1 and "at least 8" in r.stderr, "short API password refused: %r" % r.stderr)

srv, port = serve(db)
try:
    # ---- Fever ----
    bad = Fever(port, fever_key("alice", "alice-login-pw"))
    j = bad.call("")
    check(j == {"api_version": 3, "auth": 0}, "the log-in password is no Fever key: %r" % j)
    check(Fever(port, fever_key("carol", "carol-login-pw")).call("").get("auth") == 0,
          "no API password: Fever refuses")
    fa = Fever(port, fever_key("alice", "alice-app-pw"))
    j = fa.call("")
    check(j.get("auth") == 1 and j.get("api_version") == 3 and "last_refreshed_on_time" in j,
          "Fever sign-in: %r" % j)
    check(Fever(port, fever_key("alice", "alice-app-pw").upper()).call("").get("auth") == 1,
          "hex case does not matter")
    check(Fever(port, fever_key("alice", "alice-app-pw"), "/api/fever.php").call("").get("auth") == 1,
          "Fever also at /api/fever.php")
    j = fa.call("feeds")
    check(sorted(f["title"] for f in j.get("feeds", [])) == ["Alpha Wire", "Beta Post", "Gamma Daily"],
          "Fever feeds: %r" % j.get("feeds"))
    check(j.get("feeds_groups") == [], "no groups yet")
    unread = fa.ids("unread_item_ids")
    check(sorted(unread) == all_ids, "all 30 unread at first (%d)" % len(unread))
    # page through items with since_id, as Reeder does
    seen = []
    since = 0
    for _ in range(10):
        j = fa.call("items", since_id=since)
        items = j.get("items", [])
        if not items:
            break
        check(j.get("total_items") == 30, "total_items 30: %r" % j.get("total_items"))
        seen.extend(i["id"] for i in items)
        since = max(i["id"] for i in items)
    check(seen == all_ids, "since_id pages give every item once, ascending")
    j = fa.call("items", max_id=all_ids[-1])
    got = [i["id"] for i in j.get("items", [])]
    check(got == sorted(all_ids[:-1], reverse=True), "max_id gives older items, newest first")
    j = fa.call("items", with_ids="%d,%d,%d" % tuple(all_ids[:3]))
    items = j.get("items", [])
    check(sorted(i["id"] for i in items) == all_ids[:3], "with_ids: %r" % [i["id"] for i in items])
    if items:
        it = items[0]
        for k in ("id", "feed_id", "title", "author", "html", "url", "is_saved", "is_read",
                  "created_on_time"):
            check(k in it, "Fever item has %s" % k)
        check(it["is_read"] == 0 and it["is_saved"] == 0, "fresh items are unread, unsaved")
        check("<p>" in it["html"], "item html is paragraphs: %r" % it["html"][:80])
    j = fa.call("items", feed_ids=beta)
    check(all(i["feed_id"] == beta for i in j["items"]) and len(j["items"]) == 10,
          "feed_ids narrows to one feed")
    check(fa.call("favicons").get("favicons") == [], "favicons: none stored")
    check(fa.call("links").get("links") == [], "links: none")

    first = all_ids[0]
    j = fa.call("", mark="item", **{"as": "read"}, id=first)
    ids = [int(x) for x in j.get("unread_item_ids", "").split(",") if x]
    check(first not in ids and len(ids) == 29, "mark item read answers the new unread ids")
    j = fa.call("", mark="item", **{"as": "saved"}, id=first)
    check(j.get("saved_item_ids") == str(first), "mark saved answers saved ids: %r" % j)
    check(fa.ids("saved_item_ids") == [first], "saved_item_ids")
    j = fa.call("items", with_ids=str(first))
    check(j["items"] and j["items"][0]["is_read"] == 1 and j["items"][0]["is_saved"] == 1,
          "the item shows read and saved")
    fa.call("", mark="item", **{"as": "unread"}, id=first)
    check(first in fa.ids("unread_item_ids"), "mark item unread")
    fa.call("", mark="item", **{"as": "read"}, id=first)
    fa.call("", mark="item", **{"as": "read"}, id=999999)  # unknown: ignored, no error
    fa.call("", mark="feed", **{"as": "read"}, id=gamma, before=int(time.time()) + 5)
    unread = fa.ids("unread_item_ids")
    check(not set(by_source[gamma]) & set(unread), "mark feed read")
    check(len(unread) == 19, "19 unread after a read item and a read feed (%d)" % len(unread))
    # bob is untouched by alice's marks
    fb = Fever(port, fever_key("bob", "bob-app-pw"))
    check(sorted(fb.ids("unread_item_ids")) == all_ids, "another reader's state is their own")
    check(fb.ids("saved_item_ids") == [], "bob has saved nothing")

    # ---- Google Reader API ----
    gr = GReader(port)
    status, body, _ = gr.login("alice", "alice-login-pw")
    check(status == 401 and b"BadAuthentication" in body, "ClientLogin refuses the log-in password")
    status, body, _ = gr.login("carol", "carol-login-pw")
    check(status == 401, "ClientLogin refuses a user without API password")
    status, body, _ = gr.login("nobody", "whatever-pw")
    check(status == 401, "ClientLogin refuses an unknown name")
    status, body, h = gr.login("Alice", "alice-app-pw")
    m = re.search(rb"^Auth=(\S+)$", body, re.M)
    check(status == 200 and m and b"SID=" in body, "ClientLogin: %r" % body)
    gr.auth = m.group(1).decode() if m else ""
    status, body, _ = gr.login("alice", "alice-app-pw", output="json")
    check(status == 200 and b'"Auth"' in body, "ClientLogin output=json")
    status, body, h = gr.get("token")
    gr.t = body.decode().strip()
    check(status == 200 and len(gr.t) == 57, "T token: %r" % body)
    info = gr.json("user-info", {"output": "json"})
    check(info.get("userName") == "alice", "user-info: %r" % info)
    subs = gr.json("subscription/list", {"output": "json"}).get("subscriptions", [])
    check(sorted(s["title"] for s in subs) == ["Alpha Wire", "Beta Post", "Gamma Daily"],
          "subscription/list: %r" % subs)
    check(all(s["id"].startswith("feed/") for s in subs), "subscriptions are feed/ streams")
    status, body, _ = gr.post("subscription/edit",
                              {"ac": "edit", "s": "feed/%d" % alpha, "a": "user/-/label/World"})
    check(status == 200 and body == b"OK", "subscription/edit into a label: %r" % body)
    status, body, _ = gr.post("subscription/edit",
                              {"ac": "edit", "s": "feed/%d" % beta, "a": "user/-/label/World",
                               "t": "Beta (mine)"})
    check(status == 200, "subscription/edit with a title")
    tags = [t["id"] for t in gr.json("tag/list", {"output": "json"}).get("tags", [])]
    check("user/-/state/com.google/starred" in tags and "user/-/label/World" in tags,
          "tag/list: %r" % tags)
    subs = {s["id"]: s for s in gr.json("subscription/list", {"output": "json"})["subscriptions"]}
    s = subs.get("feed/%d" % beta, {})
    check(s.get("title") == "Beta (mine)" and
          [c["label"] for c in s.get("categories", [])] == ["World"], "renamed, in World: %r" % s)
    j = fa.call("groups")
    groups = j.get("groups", [])
    check([g["title"] for g in groups] == ["World"], "Fever groups follow the label: %r" % groups)
    fg = j.get("feeds_groups", [])
    check(fg and sorted(int(x) for x in fg[0]["feed_ids"].split(",")) == sorted([alpha, beta]),
          "feeds_groups: %r" % fg)

    # unread ids, paged with the continuation, newest first
    ids = gr.all_ids({"s": "user/-/state/com.google/reading-list",
                      "xt": "user/-/state/com.google/read", "n": 7, "output": "json"})
    check(sorted(ids) == sorted(fa.ids("unread_item_ids")) and len(ids) == 19,
          "paged unread ids match Fever's (%d)" % len(ids))
    check(ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids),
          "newest first, no repeats")
    asc = gr.all_ids({"s": "user/-/state/com.google/reading-list", "r": "o", "n": 50})
    check(asc == all_ids, "r=o: oldest first, read ones included")
    label = gr.all_ids({"s": "user/-/label/World", "n": 100})
    check(sorted(label) == sorted(by_source[alpha] + by_source[beta]), "a label stream")
    feed = gr.all_ids({"s": "feed/%d" % gamma, "xt": "user/-/state/com.google/read"})
    check(feed == [], "a read feed has no unread ids")
    read = gr.all_ids({"s": "user/-/state/com.google/read", "n": 100})
    check(sorted(read) == sorted(by_source[gamma] + [first]), "the read stream")
    status, body, _ = gr.get("stream/items/ids", {"s": "user/-/bogus"})
    check(status == 400, "an unknown stream is a bad request")

    # contents by id, both id forms
    pick = [by_source[alpha][0], by_source[beta][0]]
    status, body, _ = gr.post("stream/items/contents",
                              [("i", long_id(pick[0])), ("i", str(pick[1])), ("output", "json")])
    j = __import__("json").loads(body) if status == 200 else {}
    got = [it["id"] for it in j.get("items", [])]
    check(sorted(got) == sorted(long_id(x) for x in pick), "contents by long and short ids: %r" % got)
    for it in j.get("items", []):
        check(it["origin"]["streamId"].startswith("feed/") and it["alternate"][0]["href"],
              "item origin and link")
        check("user/-/state/com.google/reading-list" in it["categories"], "item categories")
        check("user/-/label/World" in it["categories"], "item carries its label")
        check(it["summary"]["content"].startswith("<p>"), "item content")

    # edit-tag: read, starred, and back
    target = by_source[alpha][3]
    status, body, _ = gr.post("edit-tag", {"i": long_id(target), "a": "user/-/state/com.google/read"})
    check(status == 200 and body == b"OK", "edit-tag read: %r" % body)
    check(target not in fa.ids("unread_item_ids"), "read through the Google Reader API, seen by Fever")
    status, body, _ = gr.post("edit-tag", {"i": str(target), "a": "user/-/state/com.google/starred"})
    check(status == 200, "edit-tag starred")
    starred = gr.all_ids({"s": "user/-/state/com.google/starred"})
    check(sorted(starred) == sorted([first, target]), "starred stream: %r" % starred)
    status, body, _ = gr.post("edit-tag", {"i": str(target), "r": "user/-/state/com.google/read"})
    check(target in fa.ids("unread_item_ids"), "edit-tag r=read makes it unread")
    status, body, _ = gr.post("edit-tag", [("i", str(target)), ("a", "user/-/state/com.google/read"),
                                           ("T", "not-the-token")], with_t=False)
    check(status == 401, "a wrong T token is refused (%d)" % status)
    status, body, _ = gr.post("edit-tag", {"i": "99999999", "a": "user/-/state/com.google/read"})
    check(status == 400, "edit-tag on an unknown item: %d" % status)
    status, _, _ = gr.get("edit-tag", {"i": str(target), "a": "user/-/state/com.google/read"})
    check(status == 405, "edit-tag must be a POST")

    counts = gr.json("unread-count", {"output": "json"})
    uc = {c["id"]: c["count"] for c in counts.get("unreadcounts", [])}
    check(uc.get("user/-/state/com.google/reading-list") == 19, "unread-count total: %r" % uc)
    check(uc.get("feed/%d" % alpha) == 9 and "feed/%d" % gamma not in uc, "unread-count per feed")
    check(uc.get("user/-/label/World") == 19, "unread-count per label")

    status, body, _ = gr.post("mark-all-as-read", {"s": "feed/%d" % beta,
                                                   "ts": str(int(time.time() + 5) * 1000000)})
    check(status == 200 and body == b"OK", "mark-all-as-read a feed")
    check(not set(by_source[beta]) & set(fa.ids("unread_item_ids")), "the feed is read")
    j = gr.json("stream/contents/feed/%d" % alpha, {"n": 4})
    check(len(j.get("items", [])) == 4 and j.get("continuation"), "stream/contents with a page")
    j2 = gr.json("stream/contents/feed/%d" % alpha, {"n": 4, "c": j.get("continuation", "")})
    check(j2.get("items") and j2["items"][0]["id"] != j["items"][0]["id"], "its next page")

    # subscribing: only an admin adds a source the site does not have
    status, body, _ = gr.post("subscription/quickadd", {"quickadd": "https://new.example/feed.xml"})
    j = __import__("json").loads(body)
    check(status == 200 and j.get("numResults") == 0, "quickadd by a reader who is no admin: %r" % j)
    r = gazette(["user", "admin", "alice"], db)
    status, body, _ = gr.post("subscription/quickadd", {"quickadd": "https://new.example/feed.xml"})
    j = __import__("json").loads(body)
    check(j.get("numResults") == 1 and j.get("streamId", "").startswith("feed/"),
          "an admin's quickadd adds and follows the source: %r" % j)
    subs = gr.json("subscription/list")["subscriptions"]
    check(any(s["url"] == "https://new.example/feed.xml" for s in subs), "it is in the list")
    status, body, _ = gr.post("subscription/edit", {"ac": "unsubscribe", "s": j.get("streamId", "")})
    check(status == 200 and len(gr.json("subscription/list")["subscriptions"]) == 3,
          "unsubscribe stops following it")
    status, body, _ = gr.post("subscription/edit", {"ac": "subscribe", "s": j.get("streamId", ""),
                                                    "a": "user/-/label/New"})
    subs = {s["id"]: s for s in gr.json("subscription/list")["subscriptions"]}
    check([c["label"] for c in subs.get(j.get("streamId"), {}).get("categories", [])] == ["New"],
          "subscribe into a label")
    gr.post("subscription/edit", {"ac": "unsubscribe", "s": j.get("streamId", "")})
    gazette(["user", "admin", "alice", "--off"], db)

    status, _, h = GReader(port).get("user-info")
    check(status == 401 and h.get("google-bad-token") == "true", "no token: 401")
    bad = GReader(port)
    bad.auth = "x" * 43
    check(bad.get("user-info")[0] == 401, "a made-up token: 401")
    gp = GReader(port, "/api/greader.php")
    status, body, _ = gp.login("bob", "bob-app-pw")
    m = re.search(rb"^Auth=(\S+)$", body, re.M)
    gp.auth = m.group(1).decode() if m else ""
    check(gp.json("user-info").get("userName") == "bob", "the API under /api/greader.php")

    # a new API password ends the tokens
    r = gazette(["user", "api-password", "bob", "--password-stdin"], db, "bob-app-pw-2\n")
    check(gp.get("user-info")[0] == 401, "a new API password signs the apps out")
    check(Fever(port, fever_key("bob", "bob-app-pw")).call("").get("auth") == 0,
          "the old Fever key stops working")
    check(Fever(port, fever_key("bob", "bob-app-pw-2")).call("").get("auth") == 1,
          "the new one works")

    # ---- the website shows the same state ----
    web = Browser(port, "alice")
    status, _, h = web.login("alice", "alice-login-pw")
    check(status == 303, "alice logs in on the site")
    status, page, _ = web.get("/starred")
    check(status == 200 and title["alpha-0"] in page and title["alpha-3"] in page,
          "the starred page shows both stars")
    status, page, _ = web.get("/unread")
    check(not any(title["%s-%d" % (f, i)] in page for f in ("beta", "gamma") for i in range(10)),
          "read feeds are not in Unread")
    check(title["alpha-3"] in page, "an unread article is in Unread")
    check(title["alpha-0"] not in page, "a read article is not")
    check('href="/unread"' in page and 'href="/rules"' in page and 'href="/my/sources"' in page,
          "the header links the reader's pages")
    status, page, _ = web.get("/article/%d" % first)
    check("Unstar" in page and "Mark unread" in page, "the article page shows starred and read")
    # and the site changes what apps see
    status, _, h = web.form("/article/%d" % first, "/reader/star", {})
    check(status == 303 and h.get("location") == "/article/%d" % first, "unstar on the site")
    check(fa.ids("saved_item_ids") == [target], "Fever sees the unstar")
    status, _, _ = web.form("/unread", "/reader/mark", {}, pick="value=\"%d\"" % target)
    check(target not in fa.ids("unread_item_ids"), "marked read on the site, seen by Fever")
    status, _, _ = web.post("/reader/mark", {"id": str(target), "read": "0", "csrf": "nope"})
    check(status == 403, "the site's mark form needs its CSRF token")

    # an API password set on the settings page
    cw = Browser(port, "carol")
    cw.login("carol", "carol-login-pw")
    _, page, _ = cw.get("/settings")
    check("You have none yet" in page and "/fever/" in page, "settings: no API password, endpoints")
    status, page, _ = cw.form("/settings", "/settings/api-password",
                              {"current": "wrong-one", "password": "carol-app-pw",
                               "password2": "carol-app-pw", "action": "set"})
    check(status == 403, "the log-in password is checked (%d)" % status)
    status, page, _ = cw.form("/settings", "/settings/api-password",
                              {"current": "carol-login-pw", "password": "carol-login-pw",
                               "password2": "carol-login-pw", "action": "set"})
    check(status == 422, "the API password cannot be the log-in password (%d)" % status)
    status, _, h = cw.form("/settings", "/settings/api-password",
                           {"current": "carol-login-pw", "password": "carol-app-pw",
                            "password2": "carol-app-pw", "action": "set"})
    check(status == 303 and "api-set" in h.get("location", ""), "API password set on the site")
    check(Fever(port, fever_key("carol", "carol-app-pw")).call("").get("auth") == 1,
          "Fever takes it")
    _, page, _ = cw.get("/settings?reader=api-set")
    check("Yours is set" in page and "Your API password is set" in page, "settings say so")

    # My sources: unfollow, follow, categories
    status, page, _ = web.get("/my/sources")
    check("You follow 3 of the 4 sources" in page, "my sources: %s" % re.findall(r"You follow[^<]*", page))
    row = 'name="source" value="%d"' % gamma
    status, _, h = web.form("/my/sources", "/my/sources", {},
                            pick=row + '><input type="hidden" name="action" value="unfollow"')
    status, page, _ = web.get("/my/sources")
    check("You follow 2 of the 4 sources" in page, "unfollowed one")
    feeds = [f["title"] for f in fa.call("feeds")["feeds"]]
    check(len(feeds) == 2, "Fever no longer lists the unfollowed feed: %r" % feeds)
    subs = gr.json("subscription/list")["subscriptions"]
    check(len(subs) == 2, "nor does subscription/list")
    check("Gamma Daily" not in feeds, "the one unfollowed: %r" % feeds)
    row = 'name="source" value="%d"><input type="hidden" name="action" value="save"' % alpha
    status, _, _ = web.form("/my/sources", "/my/sources", {"category": "Sport", "title": ""},
                            pick=row)
    cats = [c["label"] for s in gr.json("subscription/list")["subscriptions"] for c in s["categories"]]
    check("Sport" in cats, "a category set on the site is a label for apps: %r" % cats)

    # ---- stories: mark story read; a new source shows as "N new sources" ----
    con = sqlite3.connect(db)
    con.execute("INSERT INTO stories (title, n_articles, n_sources) VALUES ('Weather story', 2, 2)")
    sid = con.execute("SELECT max(id) FROM stories").fetchone()[0]
    story_arts = [by_source[alpha][5], by_source[alpha][6]]
    con.execute("UPDATE articles SET story_id = ? WHERE id IN (?, ?)", (sid, *story_arts))
    con.commit()
    con.close()
    status, page, _ = web.get("/unread")
    check("Weather story" in page and "Mark story read" in page, "Unread groups by story")
    status, _, _ = web.form("/unread", "/reader/story", {}, pick='value="%d"' % sid)
    check(status == 303, "mark story read")
    unread = fa.ids("unread_item_ids")
    check(not set(story_arts) & set(unread), "every article of the story is read")
    con = sqlite3.connect(db)
    newcomer = by_source[alpha][7]
    con.execute("UPDATE articles SET story_id = ? WHERE id = ?", (sid, newcomer))
    con.execute("UPDATE stories SET n_sources = 3, n_articles = 3 WHERE id = ?", (sid,))
    con.commit()
    con.close()
    check(newcomer not in fa.ids("unread_item_ids"), "a read story stays read when it grows")
    status, page, _ = web.get("/unread")
    check("1 new source" in page and "Weather story" in page, "Unread says '1 new source'")
    status, _, _ = web.form("/unread", "/reader/story", {}, pick='value="%d"' % sid)
    status, page, _ = web.get("/unread")
    check("new source" not in page, "seen: the note goes away")

    # ---- a retitled or re-published article does not come back unread ----
    again = os.path.join(tmp, "again.jsonl")
    rec = dict(next(a for a in arts if a["id"] == "alpha-3"))
    rec["title"] = title["alpha-3"] + ", updated with a new headline"
    moved = dict(rec, id="alpha-3-republished")  # a new guid, the same address
    write_corpus(again, [rec, moved])
    import_corpus(db, again)
    con = sqlite3.connect(db)
    check(con.execute("SELECT count(*) FROM articles").fetchone()[0] == 30,
          "re-importing a retitled or re-published article adds none")
    con.close()
    check(target not in fa.ids("unread_item_ids"), "and it stays read")

    # ---- everything read ----
    fa.call("", mark="group", **{"as": "read"}, id=0, before=int(time.time()) + 5)
    check(fa.ids("unread_item_ids") == [], "mark group 0 read: everything")
    status, page, _ = web.get("/unread")
    check("Nothing unread" in page, "the site agrees")
    check(web.pages >= 8, "HTML pages were checked (%d)" % web.pages)
finally:
    stop(srv)

finish("reader_api")
