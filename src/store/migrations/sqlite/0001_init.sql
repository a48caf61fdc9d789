-- 0001: the first schema.  Times are Unix seconds (UTC); 0 or NULL is unknown.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    site_url        TEXT,
    title           TEXT NOT NULL DEFAULT '',
    category        TEXT,
    etag            TEXT,
    last_modified   TEXT,
    interval        INTEGER NOT NULL DEFAULT 1800,
    next_fetch      INTEGER NOT NULL DEFAULT 0,
    last_fetch      INTEGER NOT NULL DEFAULT 0,
    last_ok         INTEGER NOT NULL DEFAULT 0,
    failing_since   INTEGER NOT NULL DEFAULT 0,
    error_count     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created         INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sources_due ON sources(next_fetch);

CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL DEFAULT '',
    summary         TEXT,
    key_points      TEXT,
    source_diff     TEXT,
    first_seen      INTEGER NOT NULL DEFAULT 0,
    last_updated    INTEGER NOT NULL DEFAULT 0,
    n_articles      INTEGER NOT NULL DEFAULT 0,
    n_sources       INTEGER NOT NULL DEFAULT 0,
    hotness         REAL NOT NULL DEFAULT 0,
    merged_into     INTEGER REFERENCES stories(id)
);
CREATE INDEX stories_hot ON stories(hotness DESC, last_updated DESC) WHERE merged_into IS NULL;

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid            TEXT NOT NULL,
    url             TEXT,
    canonical_url   TEXT,
    title           TEXT NOT NULL DEFAULT '',
    author          TEXT,
    lang            TEXT,
    image           TEXT,
    excerpt         TEXT,
    text            TEXT NOT NULL DEFAULT '',
    html            TEXT,
    summary         TEXT,
    key_points      TEXT,
    extract_note    TEXT,
    published       INTEGER NOT NULL DEFAULT 0,
    fetched         INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    content_hash    BLOB,
    signature       BLOB,
    story_id        INTEGER REFERENCES stories(id),
    dup_of          INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    UNIQUE (source_id, guid)
);
CREATE UNIQUE INDEX articles_canonical ON articles(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_published ON articles(published DESC, id DESC);
CREATE INDEX articles_source ON articles(source_id, published DESC);
CREATE INDEX articles_story ON articles(story_id, published);
CREATE INDEX articles_hash ON articles(content_hash);

CREATE TABLE tags (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE article_tags (
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    rank            INTEGER NOT NULL,
    score           REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

CREATE TABLE story_tags (
    story_id        INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    rank            INTEGER NOT NULL,
    score           REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (story_id, tag_id)
);
CREATE INDEX story_tags_tag ON story_tags(tag_id, story_id);

CREATE TABLE related (
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    related_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    rank            INTEGER NOT NULL,
    score           REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, rank)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    pass_hash       TEXT NOT NULL,
    is_admin        INTEGER NOT NULL DEFAULT 0,
    created         INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf            TEXT NOT NULL,
    created         INTEGER NOT NULL,
    expires         INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parent_id       INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    created         INTEGER NOT NULL,
    edited          INTEGER NOT NULL DEFAULT 0,
    status          INTEGER NOT NULL DEFAULT 0,
    reports         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_article ON comments(article_id, created);

CREATE TABLE fetch_log (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL DEFAULT 0,
    http_status     INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL DEFAULT 0,
    new_articles    INTEGER NOT NULL DEFAULT 0,
    error           TEXT
);
CREATE INDEX fetch_log_source ON fetch_log(source_id, at DESC);

-- Full-text index over title and text, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
