#!/usr/bin/env python3
"""`gazette copy` from SQLite to PostgreSQL and back again.

The SQLite database holds one of everything: the end-to-end fixture
(sources, articles, a merged story, syndicated copies, tags, related
lists, comments, a fetch log), users with sessions, reader state (prefs,
follows, categories, read and starred marks), throttle events, comment
reports, and a few hundred articles ingested from generated feeds (with
their signatures and hashes as blobs).  After SQLite -> PostgreSQL ->
SQLite, every table has the same number of rows at each step and the rows
of the first and last databases are identical, every column and every
byte; PostgreSQL's search finds what SQLite's finds; new ids continue
after the copied ones; a non-empty target is refused.

Needs the PostgreSQL test server (GZ_TEST_PG, the ctest fixture pg)."""
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import feedfarm  # noqa: E402

GZ = os.environ["GAZETTE"]
FIXTURE = os.environ.get("GZ_FIXTURE")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, env, stdin=None, quiet=False):
    p = subprocess.run([GZ] + args, capture_output=True, text=True, env=env, input=stdin)
    if p.returncode != 0 and not quiet:
        print("gazette %s: exit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr),
              file=sys.stderr)
    return p


def tables(db):
    return [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%fts%' ORDER BY name")]


def rows(db, table):
    cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (table,))]
    order = ", ".join('"%s"' % c for c in cols)
    return cols, db.execute('SELECT * FROM "%s" ORDER BY %s' % (table, order)).fetchall()


def populate(path, env, tmp):
    if FIXTURE:
        subprocess.run([FIXTURE, path], check=True, capture_output=True)
    farm = feedfarm.Farm(n_feeds=8, per_feed=30, n_events=30, seed=11, syndicated=6).start()
    try:
        opml = os.path.join(tmp, "feeds.opml")
        farm.opml(opml)
        check(run(["import-opml", "--db", path, opml], env).returncode == 0, "import-opml")
        check(run(["fetch", "--db", path], env).returncode == 0, "fetch")
    finally:
        farm.stop()
    for name in ("alice", "Bob"):
        check(run(["user", "add", name, "--db", path, "--password-stdin"], env,
                  stdin="a long enough password\n").returncode == 0, "user add " + name)
    db = sqlite3.connect(path)
    uid = db.execute("SELECT id FROM users WHERE name = 'alice'").fetchone()[0]
    art = db.execute("SELECT min(id), max(id) FROM articles").fetchone()
    src = db.execute("SELECT min(id) FROM sources").fetchone()[0]
    story = db.execute("SELECT min(id) FROM stories WHERE merged_into IS NULL").fetchone()[0]
    db.executescript("""
        INSERT INTO sessions (id_hash, user_id, csrf, created, expires)
            VALUES ('h-%(u)d', %(u)d, 'csrf', 1, 4000000000);
        INSERT INTO throttle_events (scope, key, at) VALUES ('login-ip', '127.0.0.1', 5);
        INSERT INTO reader_prefs (user_id, read_before, rules, rules_version, digest, email)
            VALUES (%(u)d, 100, 'mute: football' || char(10) || 'star: "peace"', 3, 1,
                    'alice@example.org');
        INSERT INTO reader_categories (user_id, name) VALUES (%(u)d, 'Wörld «news»');
        INSERT INTO reader_subs (user_id, source_id, follow, category_id, title, read_before)
            VALUES (%(u)d, %(s)d, 1, (SELECT max(id) FROM reader_categories), 'Mine', 7);
        INSERT INTO reader_states (user_id, article_id, read, starred, at)
            VALUES (%(u)d, %(a0)d, 1, 1, 9), (%(u)d, %(a1)d, NULL, 1, 10);
        INSERT INTO reader_story_reads (user_id, story_id, at, n_sources)
            VALUES (%(u)d, %(st)d, 11, 2);
    """ % {"u": uid, "s": src, "a0": art[0], "a1": art[1], "st": story})
    cid = db.execute("SELECT min(id) FROM comments").fetchone()[0]
    if cid:
        db.execute("INSERT INTO comment_reports (comment_id, user_id, at) VALUES (?, ?, 12)",
                   (cid, uid))
    db.commit()
    db.close()


def main():
    if not os.environ.get("GZ_TEST_PG"):
        print("GZ_TEST_PG not set: no PostgreSQL server to test on", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="gz-copy-")
    env = feedfarm.env()
    first = os.path.join(tmp, "first.db")
    last = os.path.join(tmp, "last.db")
    try:
        populate(first, env, tmp)
        dsn = feedfarm.pg_recreate("gz_e2e_copy")
        p = run(["copy", "--from", "sqlite:" + first, "--to", dsn], env)
        check(p.returncode == 0, "copy to PostgreSQL")
        p = run(["copy", "--from", dsn, "--to", "sqlite:" + last], env)
        check(p.returncode == 0, "copy back to SQLite")

        a = sqlite3.connect(first)
        b = sqlite3.connect(last)
        names = tables(a)
        check(tables(b) == names, "the copy has other tables: %s" % tables(b))
        total = 0
        for t in names:
            if t == "gazette_schema":
                continue
            ca, ra = rows(a, t)
            cb, rb = rows(b, t)
            n_pg = int(feedfarm.psql("gz_e2e_copy", 'SELECT count(*) FROM "%s"' % t))
            total += len(ra)
            check(len(ra) == n_pg == len(rb),
                  "%s: %d rows in SQLite, %d in PostgreSQL, %d back" % (t, len(ra), n_pg, len(rb)))
            check(ca == cb, "%s: columns differ" % t)
            if ra != rb:
                diff = [(x, y) for x, y in zip(ra, rb) if x != y][:2]
                check(False, "%s: rows differ, e.g. %r" % (t, diff))
        check(total > 500, "only %d rows copied" % total)
        for t in ("articles", "stories", "users", "comments", "sources", "article_tags",
                  "related", "reader_states", "sessions", "fetch_log"):
            n = a.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0]
            check(n > 0, "the first database has no %s: the test would prove nothing" % t)

        # a sample of rows read from PostgreSQL itself, text and bytes
        for aid, title, sig in a.execute("SELECT id, title, hex(signature) FROM articles "
                                         "WHERE id % 37 = 1"):
            got = feedfarm.psql("gz_e2e_copy", "SELECT title || '|' || "
                                "coalesce(upper(encode(signature, 'hex')), '') "
                                "FROM articles WHERE id = %d" % aid)
            check(got == "%s|%s" % (title, sig or ""), "article %d differs in PostgreSQL" % aid)
        name = feedfarm.psql("gz_e2e_copy", "SELECT name FROM reader_categories")
        check(name == "Wörld «news»", "category name in PostgreSQL: %r" % name)

        # search over the copied rows: the tsvector is built as they arrive
        word = a.execute("SELECT title FROM articles ORDER BY id DESC LIMIT 1").fetchone()[0]
        word = word.split()[0].lower()
        n_sqlite = a.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                             ('"%s"' % word,)).fetchone()[0]
        n_pg = int(feedfarm.psql("gz_e2e_copy", "SELECT count(*) FROM articles WHERE fts @@ "
                                 "to_tsquery('gazette', '''%s''')" % word))
        check(n_sqlite > 0 and n_pg == n_sqlite,
              "search for %r: %d hits on SQLite, %d on PostgreSQL" % (word, n_sqlite, n_pg))

        # ids go on after the copied ones; a filled target is refused
        top = a.execute("SELECT max(id) FROM users").fetchone()[0]
        check(run(["user", "add", "carol", "--db", dsn, "--password-stdin"], env,
                  stdin="another long password\n").returncode == 0, "user add after copy")
        got = feedfarm.psql("gz_e2e_copy", "SELECT id FROM users WHERE name = 'carol'")
        check(got == str(top + 1), "the next user id is %s, not %d" % (got, top + 1))
        p = run(["copy", "--from", "sqlite:" + first, "--to", dsn], env, quiet=True)
        check(p.returncode == 1 and "not empty" in p.stderr, "copy into a filled database")
        a.close()
        b.close()
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    if failures:
        print("%d failed" % len(failures), file=sys.stderr)
        return 1
    print("copy: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
