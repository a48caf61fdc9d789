#!/usr/bin/env python3
"""End to end: the reading side of the site over HTTP.

Builds a database through store.h (gz_fixture: stories, one merged into
another, a syndicated copy, tags, related articles, comments, a fetch log),
serves it on a free loopback port and checks the front page ranking and
paging, the story page (collapsed copies, the SVG timeline, what each source
adds, the merged story's redirect), article, tag, source and search pages
(every filter, invalid syntax, index syntax typed by a user), the JSON API
(shapes, paging, ETag and 304, errors), RSS and Atom read back by feedparser,
/metrics, the access log, and that new data shows within page-cache-grace despite the page
cache.  Every HTML page goes through tidy."""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

try:
    import feedparser
except ImportError:
    # Debian's python3-feedparser lives with the system Python; a python3
    # found first on PATH (pyenv, venv) may not see it.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
            os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

GZ = os.environ["GAZETTE"]
FIXTURE = os.environ["GZ_FIXTURE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(path, headers=None, method="GET"):
    req = urllib.request.Request(BASE + path, headers=headers or {}, method=method)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), e.headers


def tidy_problems(html):
    """tidy's errors and warnings, less one it gets wrong (aria-current is ARIA 1.1)."""
    p = subprocess.run(["tidy", "-q", "-e", "-utf8"], input=html.encode(), capture_output=True)
    lines = [l for l in p.stderr.decode().splitlines()
             if l.strip() and 'proprietary attribute "aria-current"' not in l]
    return "\n".join(lines)


def page(path, status=200):
    """GET an HTML page, check its status and validity; return the body."""
    st, body, headers = get(path)
    check(st == status, "%s answers %d (got %d)" % (path, status, st))
    if "text/html" in headers.get("Content-Type", ""):
        problems = tidy_problems(body)
        check(not problems, "%s is valid HTML: %s" % (path, problems))
    return body


def api(path, status=200):
    st, body, headers = get(path)
    check(st == status, "%s answers %d (got %d)" % (path, status, st))
    check(headers.get("Content-Type", "").startswith("application/json"),
          "%s is JSON" % path)
    return json.loads(body), headers


def well_formed(xml, what):
    try:
        ET.fromstring(xml.encode())
        return True
    except ET.ParseError as e:
        check(False, "%s is well-formed XML: %s" % (what, e))
        return False


tmp = tempfile.mkdtemp(prefix="gz-pages-")
db = os.path.join(tmp, "g.db")
fx = subprocess.run([FIXTURE, db], capture_output=True, text=True)
if fx.returncode != 0:
    print(fx.stderr, file=sys.stderr)
    sys.exit(1)
ids = json.loads(fx.stdout)
I = lambda k: str(ids[k])

log_path = os.path.join(tmp, "serve.log")
log_file = open(log_path, "w")
srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level", "info",
                        "--threads", "2"], stdout=subprocess.PIPE, stderr=log_file, text=True)
try:
    line = srv.stdout.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        print("serve did not start: %r" % line, file=sys.stderr)
        sys.exit(1)
    BASE = "http://127.0.0.1:%s" % m.group(1)

    # ---- front page: stories by hotness, cards, paging ----
    front = page("/")
    check("<title>Top stories \u2014 gazette</title>" in front, "front page title")
    check('<meta property="og:title" content="Top stories">' in front, "front og:title")
    check('<meta property="og:url" content="%s/">' % BASE in front, "front og:url absolute")
    order = [int(x) for x in re.findall(r'<h2><a href="/story/(\d+)">', front)]
    check(order[:3] == [ids["story_peace"], ids["story_markets"], ids["filler_0"]],
          "stories ranked by hotness: %r" % order[:3])
    check(len(order) == 30, "30 stories on the first page (got %d)" % len(order))
    check(ids["story_reactions"] not in order, "a merged story is not listed")
    card = front[front.index('href="/story/%s"' % I("story_peace")):]
    card = card[:card.index("</article>")]
    check('<span class="count">5 sources</span>' in card, "card counts sources: " + card[:400])
    check("Reuters, Associated Press, Yahoo News, The New York Times and 1 more" in card,
          "card names sources")
    check(re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" title="[^"]+">'
                    r'30 minutes ago</time>', card) is not None, "card has relative and exact time")
    check("signed a peace declaration in Washington" in card, "card shows the story summary")
    check('<a href="/tag/karabakh">#Karabakh</a>' in card, "card shows hashtags")
    mcard = front[front.index('href="/story/%s"' % I("story_markets")):]
    mcard = mcard[:mcard.index("</article>")]
    check("Shares rose on Wall Street" in mcard, "a story without summary shows its lead")
    check('href="/?page=2"' in front, "front page links to the next page")
    front2 = page("/?page=2")
    order2 = [int(x) for x in re.findall(r'<h2><a href="/story/(\d+)">', front2)]
    check(len(order2) == 4 and not set(order2) & set(order), "page 2 has the rest: %r" % order2)
    check('rel="prev" href="/"' in front2, "page 2 links back")

    # ---- story page ----
    story = page("/story/" + I("story_peace"))
    check('<meta property="og:type" content="article">' in story, "story og:type")
    check("<h1>Armenia and Azerbaijan sign a peace deal at the White House</h1>" in story,
          "story headline")
    check("5 articles from 5 sources" in story, "story counts")
    copies = re.search(r'<p class="copies">Also in: <a href="/article/(\d+)">Yahoo News</a></p>',
                       story)
    check(copies is not None and copies.group(1) == I("a3"), "syndicated copy collapsed")
    check('<h3><a href="/article/%s">' % I("a3") not in story, "the copy has no item of its own")
    check('<h3><a href="/article/%s">' % I("c1") in story, "the merged story's article is here")
    svg = re.search(r"<svg .*?</svg>", story, re.S)
    check(svg is not None, "story has an SVG timeline")
    if svg and well_formed(svg.group(0), "timeline SVG"):
        root = ET.fromstring(svg.group(0))
        ns = "{http://www.w3.org/2000/svg}"
        check(len(root.findall(".//%scircle" % ns)) == 5, "one dot per article")
        names = [t.text for t in root.findall(".//%stext" % ns) if t.get("class") == "name"]
        check(names[:2] == ["Reuters", "Associated Press"], "rows by first coverage: %r" % names)
    check('<li>Border demarcation is still open.</li>' in story, "key points")
    check("What each source adds" in story and
          '<h3><a href="/article/%s">Reuters</a></h3>' % I("a1") in story and
          "called the deal a &lt;surrender&gt;." in story, "what each source adds")
    check('<span class="kind">Person</span>' in story, "entities on the story page")
    st, _, hd = get("/story/" + I("story_reactions"))
    check(st == 301 and hd.get("Location") == "/story/" + I("story_peace"),
          "merged story redirects (%d %s)" % (st, hd.get("Location")))
    page("/story/999999", 404)
    page("/story/1x", 404)

    # ---- article page ----
    art = page("/article/" + I("a1"))
    check('<a href="/story/%s">Full coverage: 5 sources</a>' % I("story_peace") in art,
          "article links to its story")
    for section in ("Hashtags", "AI features", "Comments", "Related articles"):
        check(section in art, "article page keeps section " + section)
    check("Good news at last &lt;3" in art and "spam spam" not in art, "visible comments only")
    rel = art[art.index('class="related"'):]
    check(re.search(r'<span class="source">The New York Times</span> \u00b7 <time [^>]+>an hour '
                    r'ago</time>', rel) is not None, "related shows source and relative time")
    check("Analysts say the deal could reshape the region." in rel, "related shows a snippet")
    moved = page("/article/" + I("c1"))
    check('href="/story/%s">Full coverage' % I("story_peace") in moved,
          "an article of a merged story links to the surviving story")

    # ---- tag and source pages ----
    tag = page("/tag/karabakh")
    check("<title>#Karabakh \u2014 gazette</title>" in tag, "tag page title")
    check('href="/story/%s"' % I("story_peace") in tag, "tag page lists its stories")
    check('href="/article/%s"' % I("a1") in tag and 'href="/article/%s"' % I("a4") in tag,
          "tag page lists its articles")
    check('href="/feed/tag/karabakh.atom"' in tag, "tag page links its feed")
    page("/tag/nope", 404)
    bbc = page("/source/" + I("src_bbc"))
    check("failing" in bbc and "HTTP 503 from feeds.example" in bbc, "source health shows errors")
    check("The last 2 fetches: 1 succeeded" in bbc, "source health shows the fetch log")
    check(bbc.count('<article class="card">') == 2, "source page lists its articles")
    reuters = page("/source/" + I("src_reuters"))
    check("imported from files, not fetched" in reuters, "imported source says so")
    page("/latest")
    page("/sources")

    # ---- search ----
    def results(q, extra=""):
        body = page("/search?q=" + urllib.parse.quote(q) + extra)
        return body, [int(x) for x in re.findall(r'<li>\n<h2><a href="/article/(\d+)">', body)]

    body, hits = results("peace")
    check(ids["a1"] in hits and ids["c1"] in hits, "words: %r" % hits)
    check("<mark>peace</mark>" in body, "matches marked")
    _, hits = results('"historic peace accord"')
    check(sorted(hits) == sorted([ids["a2"], ids["a3"]]), "phrase: %r" % hits)
    _, hits = results("historic accord -Yahoo")
    check(sorted(hits) == sorted([ids["a2"], ids["a3"]]), "-word only removes text matches")
    _, hits = results("peace -Yerevan")
    check(ids["c1"] not in hits and ids["a1"] in hits, "-word: %r" % hits)
    _, hits = results("peace source:reuters")
    check(hits == [ids["a1"]], "source: %r" % hits)
    _, hits = results('deal source:"new york times"')
    check(hits == [ids["a4"]], "quoted source: %r" % hits)
    _, hits = results("deal tag:karabakh")
    # a1 and a4 carry the tag; c1 is in a story that does
    check(sorted(hits) == sorted([ids["a1"], ids["a4"], ids["c1"]]), "tag: %r" % hits)
    _, hits = results("deal tag:markets")
    check(hits == [], "tag excludes: %r" % hits)
    tomorrow = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    _, hits = results("football before:" + tomorrow)
    check(hits == [ids["x1"]], "before: %r" % hits)
    body, hits = results("football after:" + tomorrow)
    check(hits == [] and "Nothing found" in body, "after: %r" % hits)
    _, hits = results("source:bbc")
    check(sorted(hits) == sorted([ids["c1"], ids["x1"]]), "filters alone list articles")
    for q, words in (('"peace deal', "quotation mark is not closed"),
                     ("peace after:2025-02-30", "is not a date"),
                     ("", "Type a word"),
                     ("-peace", "Add a word"),
                     ("- -- !!", "nothing to search for"),
                     ("source:", "needs a value")):
        body = page("/search?q=" + urllib.parse.quote(q))
        check('<p class="notice" role="alert">' in body and words in body,
              "invalid query %r explained (%s)" % (q, words))
    for q in ("NEAR(peace deal)", "peace OR deal", "title:peace", "peace*", "^peace", "'\""):
        st, body, _ = get("/search?q=" + urllib.parse.quote(q))
        check(st == 200 and "Something went wrong" not in body, "index syntax %r is text" % q)
    body, hits = results("summit")
    check(ids["x2"] in hits and "&lt;script&gt;alert(&quot;x&quot;)" in body and
          "<script>alert" not in body, "hostile title escaped in results")
    body, hits = results("local news")
    check(len(hits) == 20 and "Next page" in body, "search pages by 20")
    body, hits2 = results("local news", "&page=2")
    check(len(hits2) == 12 and not set(hits) & set(hits2), "search page 2")
    body, hits = results("local news", "&sort=date")
    check(hits[0] == ids["filler_article_0"], "newest first on request")
    page("/search")

    # ---- JSON API ----
    j, hd = api("/api/v1/stories?per_page=2")
    check([s["id"] for s in j["stories"]] == [ids["story_peace"], ids["story_markets"]],
          "API stories ranked")
    s0 = j["stories"][0]
    for key in ("id", "title", "url", "summary", "first_seen", "last_updated", "n_articles",
                "n_sources", "hotness", "sources", "tags"):
        check(key in s0, "API story has " + key)
    check(s0["url"] == "%s/story/%s" % (BASE, I("story_peace")), "API URLs are absolute")
    check(j["page"] == 1 and j["per_page"] == 2 and
          j["next"] == BASE + "/api/v1/stories?page=2&per_page=2", "API next link: %r" % j["next"])
    seen = set()
    url = "/api/v1/stories?per_page=10"
    pages = 0
    while url and pages < 10:
        j, _ = api(url)
        seen.update(s["id"] for s in j["stories"])
        url = j["next"][len(BASE):] if j["next"] else None
        pages += 1
    check(len(seen) == 34 and pages == 4, "API paging reaches every story (%d, %d)" %
          (len(seen), pages))

    st, body, hd = get("/api/v1/stories")
    etag = hd.get("ETag")
    check(etag and re.match(r'^"[0-9a-f]{16}"$', etag), "ETag on API answers: %r" % etag)
    check("max-age=60" in hd.get("Cache-Control", ""), "Cache-Control on API answers")
    st, body, hd = get("/api/v1/stories", {"If-None-Match": etag})
    check(st == 304 and body == "" and hd.get("ETag") == etag, "304 for a matching ETag")
    st, _, _ = get("/api/v1/stories", {"If-None-Match": '"0000000000000000", W/' + etag})
    check(st == 304, "304 for a weak ETag in a list")
    st, _, _ = get("/api/v1/stories", {"If-None-Match": '"0000000000000000"'})
    check(st == 200, "200 for another ETag")

    j, _ = api("/api/v1/story/" + I("story_peace"))
    sj = j["story"]
    check(len(sj["articles"]) == 5 and isinstance(sj["key_points"], list) and
          isinstance(sj["source_diff"], dict), "API story detail")
    dup = [a for a in sj["articles"] if a["id"] == ids["a3"]]
    check(dup and dup[0]["dup_of"] == ids["a2"], "API marks the copy")
    st, body, hd = get("/api/v1/story/" + I("story_reactions"))
    check(st == 301 and hd.get("Location") == "/api/v1/story/" + I("story_peace") and
          json.loads(body)["error"]["merged_into"] == ids["story_peace"], "API merged story")
    j, _ = api("/api/v1/article/" + I("a1"))
    a = j["article"]
    check(a["source"]["name"] == "Reuters" and "Pashinyan" in a["text"] and
          [t["slug"] for t in a["tags"]] == ["peace-talks", "karabakh", "nikol-pashinyan"] and
          [r["id"] for r in a["related"]] == [ids["a4"], ids["b1"]], "API article detail")
    j, _ = api(a["comments_url"][len(BASE):])
    check([c["body"] for c in j["comments"]] == ["Good news at last <3"] and j["next"] is None,
          "API comments: visible ones, paged")
    j, _ = api("/api/v1/search?q=" + urllib.parse.quote("peace source:reuters"))
    check([r["id"] for r in j["results"]] == [ids["a1"]] and
          "<mark>peace</mark>" in j["results"][0]["snippet_html"] and
          "\ue000" not in j["results"][0]["snippet"], "API search")
    j, _ = api("/api/v1/search?q=" + urllib.parse.quote("local news") + "&per_page=5")
    check(len(j["results"]) == 5 and "q=local%20news" in j["next"], "API search paging")
    j, _ = api("/api/v1/search?q=%22open", 400)
    check(j["error"]["status"] == 400 and "not closed" in j["error"]["message"],
          "API search error")
    j, _ = api("/api/v1/sources")
    check(len(j["sources"]) == 6 and any(s["error_count"] == 1 for s in j["sources"]),
          "API sources")
    j, _ = api("/api/v1/tags/karabakh")
    check(j["tag"]["slug"] == "karabakh" and j["tag"]["kind"] == "place" and
          j["stories"][0]["id"] == ids["story_peace"] and len(j["articles"]) == 2, "API tag")
    api("/api/v1/tags/nope", 404)
    j, _ = api("/api/v1/article/99999999", 404)
    check(j["error"]["message"] == "no such article", "API 404 message")
    api("/api/v1/nothing/here", 404)
    api("/api/v1/stories?page=0", 400)

    # ---- feeds, read back as a feed reader would ----
    def feed(path):
        st, body, hd = get(path)
        check(st == 200, "%s answers 200 (%d)" % (path, st))
        well_formed(body, path)
        f = feedparser.parse(body)
        check(not f.bozo, "%s parses cleanly: %r" % (path, f.get("bozo_exception")))
        return f, hd

    for ext, ctype in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
        f, hd = feed("/feed/top." + ext)
        check(hd.get("Content-Type", "").startswith(ctype), "top.%s content type" % ext)
        check(f.feed.title == "gazette: top stories", "top.%s title" % ext)
        check(f.entries[0].title == "Armenia and Azerbaijan sign a peace deal at the White House"
              and f.entries[0].link == "%s/story/%s" % (BASE, I("story_peace")),
              "top.%s first entry: %s %s" % (ext, f.entries[0].title, f.entries[0].link))
        f, _ = feed("/feed/tag/karabakh." + ext)
        links = {e.link for e in f.entries}
        check(links == {"%s/article/%s" % (BASE, I("a1")), "%s/article/%s" % (BASE, I("a4"))},
              "tag.%s entries: %r" % (ext, links))
        f, _ = feed("/feed/source/%s.%s" % (I("src_hostile"), ext))
        check(f.feed.title == "gazette: Le Monde & Co <Paris>", "source.%s title: %r" %
              (ext, f.feed.title))
        e = f.entries[0]
        if ext == "rss":
            check(e.source.title == "Le Monde & Co <Paris>" and e.source.href ==
                  "%s/feed/source/%s.rss" % (BASE, I("src_hostile")), "RSS item source: %r" %
                  e.get("source"))
        else:
            check(e.author == "Le Monde & Co <Paris>", "Atom entry author: %r" % e.get("author"))
        f, _ = feed("/feed/search.%s?q=summit" % ext)
        check(any(e.title == '<script>alert("x")</script> Tom & Jerry\'s \ue000summit'
                  for e in f.entries), "hostile title survives the feed: %r" %
              [e.title for e in f.entries])
        check(f.feed.title == "gazette: search for summit", "search.%s title" % ext)
    st, _, _ = get("/feed/tag/nope.atom")
    check(st == 404, "feed of a missing tag is 404")
    st, body, _ = get("/feed/search.atom?q=%22x")
    check(st == 400 and "not closed" in body, "feed of a bad search is 400")

    # ---- metrics ----
    st, body, hd = get("/metrics")
    check(st == 200 and hd.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          "/metrics served")
    samples = {}
    for ln in body.splitlines():
        if ln.startswith("#"):
            check(re.match(r"^# (HELP|TYPE) [a-z_]+ .+$", ln) is not None, "metric comment " + ln)
            continue
        mm = re.match(r'^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$', ln)
        if check(mm is not None, "metric line is well-formed: %r" % ln):
            samples[mm.group(1) + (mm.group(2) or "")] = float(mm.group(3))
    check(samples.get('gazette_http_requests_total{route="front"}', 0) >= 2, "front requests")
    check(samples.get('gazette_http_responses_total{code="3xx"}', 0) >= 2, "3xx counted")
    check(samples.get("gazette_articles") == 9 + 32, "articles gauge")
    check(samples.get("gazette_stories") == 34, "stories gauge")
    buckets = [v for k, v in samples.items()
               if k.startswith('gazette_http_request_duration_seconds_bucket{route="api"')]
    check(buckets == sorted(buckets) and buckets[-1] ==
          samples['gazette_http_request_duration_seconds_count{route="api"}'],
          "histogram buckets are cumulative")
    check("gazette_fetch_requests_total 0" in body, "fetch counters exposed")

    # ---- new data shows once page-cache-grace (1 s) has passed, cached pages or
    # not; labelled imports make stories ----
    latest = page("/latest")
    page("/latest")
    page("/latest")  # with two threads, one of them has now served it from its cache
    now = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    jl = os.path.join(tmp, "new.jsonl")
    with open(jl, "w") as f:
        for i, (src, story) in enumerate((("Reuters", "quake"), ("BBC World", "quake"),
                                          ("Reuters", 7))):
            f.write(json.dumps({"id": "new-%d" % i, "source": src, "story": story,
                                "url": "https://new.example/%d" % i, "published": now,
                                "title": "Earthquake shakes the coast, report %d" % i,
                                "text": "A strong earthquake shook the coast today."}) + "\n")
    imp = subprocess.run([GZ, "import", jl, "--db", db], capture_output=True, text=True)
    check(imp.returncode == 0 and "3 new articles" in imp.stdout,
          "import with story labels: " + imp.stdout + imp.stderr)
    # Both threads' cached /latest were made before the import began, so
    # past the grace from that moment no thread may serve them.
    time.sleep(1.05)
    for _ in range(4):  # whichever thread answers
        latest2 = page("/latest")
        check("Earthquake shakes the coast, report 0" in latest2 and latest2 != latest,
              "a cached page shows new data once the grace is over")
    front = page("/")
    first = re.search(r'<h2><a href="/story/(\d+)">([^<]*)</a></h2>\n<p class="meta">'
                      r'<span class="count">(\d+) sources?</span>', front)
    check(first is not None and first.group(2).startswith("Earthquake shakes the coast") and
          first.group(3) == "2", "a fresh labelled story leads the front page: %r" %
          ((first.groups() if first else None),))
    again = subprocess.run([GZ, "import", jl, "--db", db], capture_output=True, text=True)
    check("0 new articles, 3 already stored" in again.stdout and "stories" not in again.stdout,
          "re-import changes no story: " + again.stdout)
    st, body, _ = get("/", method="HEAD")
    check(st == 200 and body == "", "HEAD works")
finally:
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    log_file.close()
    check(rc == 0, "serve exits 0 on SIGTERM (got %r)" % rc)
    with open(log_path) as f:
        logs = f.read()
    check(re.search(r'msg=request method=GET path="/" route=front status=200 bytes=\d+ '
                    r'ms=\d+\.\d{3}', logs) is not None, "access log has route and latency")
    check(re.search(r"route=latest status=200 bytes=\d+ ms=[0-9.]+ cache=hit", logs) is not None,
          "access log says when the cache answered")
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
