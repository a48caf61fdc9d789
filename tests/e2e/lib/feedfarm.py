"""A farm of generated feeds served on 127.0.0.1, for the worker test and
the PostgreSQL benchmark (bench/pg.sh), and helpers to run gazette on a
PostgreSQL test server and read a database back.

The feeds cover a set of events.  Each event has its own invented words,
shared by no other event, so every article of an event is close to the
others of its event and to nothing else: the stories clustering makes do
not depend on the order articles arrive in, and a run with many workers
must end with exactly the stories of a run with one.  Some entries are
syndicated: the same link (and text) in two feeds, stored once."""
import http.server
import os
import random
import shutil
import sqlite3
import subprocess
import threading
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

SYLLABLES = ("ka ro mi te su lo va ne pi da go ru zen bal tor fim wex qua jor lin "
             "mar vok pel sid hun cav rel tob nix gur").split()


class Farm:
    """n_feeds feeds of per_feed entries over n_events events."""

    def __init__(self, n_feeds=40, per_feed=25, n_events=120, seed=7, syndicated=20):
        rnd = random.Random(seed)
        used = set()
        self.vocab = []
        for _ in range(n_events):
            words = []
            while len(words) < 30:
                w = "".join(rnd.choice(SYLLABLES) for _ in range(3))
                if w not in used:
                    used.add(w)
                    words.append(w)
            self.vocab.append(words)
        now = int(time.time())
        # an event is covered within an hour of its time (clustering ends a
        # story after some hours: articles a day apart are another story)
        when = [now - rnd.randrange(2 * 3600, 36 * 3600) for _ in range(n_events)]
        self.feeds = []  # per feed: list of entries (guid, link, title, text, published)
        for f in range(n_feeds):
            entries = []
            for j in range(per_feed):
                ev = rnd.randrange(n_events)
                words = self.vocab[ev]
                title = " ".join(rnd.sample(words, 6)).capitalize()
                text = ". ".join(" ".join(rnd.choice(words) for _ in range(12)).capitalize()
                                 for _ in range(5)) + "."
                link = "http://feeds.test/%d/%d.html" % (f, j)
                published = when[ev] + rnd.randrange(-1800, 1800)
                entries.append(["f%d-e%d" % (f, j), link, title, text, published])
            self.feeds.append(entries)
        # syndication: an entry of one feed appears again in another, same link and text
        for _ in range(syndicated):
            a, b = rnd.sample(range(n_feeds), 2)
            src = self.feeds[a][rnd.randrange(per_feed)]
            k = rnd.randrange(per_feed)
            self.feeds[b][k] = ["f%d-syn%d" % (b, k)] + src[1:]
        self.delay = 0.0
        self.requests = 0
        self.lock = threading.Lock()

    def rss(self, f):
        """Feed f as RSS 2.0."""
        items = "".join(
            "<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">%s</guid>"
            "<description>%s</description><pubDate>%s</pubDate></item>\n"
            % (escape(t), escape(link), escape(g), escape(text), formatdate(p, usegmt=True))
            for g, link, t, text, p in self.feeds[f])
        return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                "<title>Feed %d</title><link>http://feeds.test/%d/</link><language>en</language>\n%s"
                "</channel></rss>\n" % (f, f, items)).encode()

    def start(self):
        farm = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with farm.lock:
                    farm.requests += 1
                parts = self.path.strip("/").split("/")
                if len(parts) == 2 and parts[0] == "feed" and parts[1].endswith(".xml"):
                    try:
                        f = int(parts[1][:-4])
                    except ValueError:
                        f = -1
                    if 0 <= f < len(farm.feeds):
                        if farm.delay:
                            time.sleep(farm.delay)
                        body = farm.rss(f)
                        self.send_response(200)
                        self.send_header("Content-Type", "application/rss+xml")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        try:
                            self.wfile.write(body)
                        except (BrokenPipeError, ConnectionResetError):
                            pass  # a worker killed on purpose
                        return
                self.send_error(404)

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.daemon_threads = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def feed_urls(self):
        return ["http://127.0.0.1:%d/feed/%d.xml" % (self.port, f) for f in range(len(self.feeds))]

    def opml(self, path):
        with open(path, "w") as fh:
            fh.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>farm</title>'
                     "</head><body>\n")
            for i, u in enumerate(self.feed_urls()):
                fh.write('<outline type="rss" text="Feed %d" xmlUrl="%s"/>\n' % (i, u))
            fh.write("</body></opml>\n")

    def n_entries(self):
        return len({e[1] for entries in self.feeds for e in entries})


def env(**extra):
    """The environment for gazette runs against the farm: loopback allowed,
    no politeness delay on the one host, no page reads (the farm serves
    feeds only), logs quiet."""
    e = dict(os.environ)
    e.update({"GAZETTE_ALLOW_PRIVATE": "1", "GAZETTE_FETCH_HOST_DELAY": "0",
              "GAZETTE_FETCH_PER_HOST": "64", "GAZETTE_FETCH_PAGES": "0",
              "GAZETTE_LOG_LEVEL": "warn"})
    e.update({k: str(v) for k, v in extra.items()})
    return e


# ---- a PostgreSQL test server (GZ_TEST_PG) ----

def pg_dsn(db):
    base = os.environ.get("GZ_TEST_PG", "")
    return base.replace("%s", db) if "%s" in base else base


def psql(db, sql):
    exe = shutil.which("psql")
    if not exe:
        for d in sorted(os.listdir("/usr/lib/postgresql"), reverse=True):
            if os.path.exists("/usr/lib/postgresql/%s/bin/psql" % d):
                exe = "/usr/lib/postgresql/%s/bin/psql" % d
                break
    out = subprocess.run([exe, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", pg_dsn(db),
                          "-c", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def pg_recreate(db):
    psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
    psql("postgres", "CREATE DATABASE %s" % db)
    return pg_dsn(db)


# ---- reading a database back ----

def snapshot(gazette, dsn, tmpdir, name):
    """What a run stored, read through a SQLite copy of it (gazette copy
    for a PostgreSQL database): article links, the stories as sets of
    links, and the stories whose counts disagree with their articles."""
    path = dsn
    if dsn.startswith("postgres"):
        path = os.path.join(tmpdir, name + ".db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        subprocess.run([gazette, "copy", "--from", dsn, "--to", path], check=True,
                       capture_output=True, env=env())
    db = sqlite3.connect(path)
    links = [r[0] for r in db.execute("SELECT url FROM articles")]
    groups = {}
    for story, url in db.execute("SELECT coalesce(story_id, 0), url FROM articles"):
        groups.setdefault(story, set()).add(url)
    bad_counts = db.execute(
        "SELECT count(*) FROM stories s WHERE merged_into IS NULL AND n_articles <> "
        "(SELECT count(*) FROM articles a WHERE a.story_id = s.id)").fetchone()[0]
    unclustered = groups.pop(0, set())
    leased = db.execute("SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL").fetchone()[0]
    unfetched = db.execute("SELECT count(*) FROM sources WHERE last_ok = 0").fetchone()[0]
    db.close()
    return {"links": links, "stories": {frozenset(g) for g in groups.values()},
            "bad_counts": bad_counts, "unclustered": unclustered, "leased": leased,
            "unfetched": unfetched}
