-- 0005: the reader: each user's own state over the instance's sources and
-- articles (follows and categories, read and starred, rules, digests, API
-- passwords, two-factor sign-in).
--
-- Read state is a rule with exceptions, so that no write grows with the
-- number of articles: an article is read when the user marked it (a row in
-- reader_states), else when it arrived (articles.fetched) before one of the
-- user's "read before" marks (reader_prefs for everything, reader_subs per
-- source: "mark all as read" moves a mark), else when its story was marked
-- read, else when the article it duplicates was read.

-- One row per user who used any of this; a missing row means the defaults.
CREATE TABLE reader_prefs (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    read_before     INTEGER NOT NULL DEFAULT 0,  -- articles fetched before are read
    rules           TEXT NOT NULL DEFAULT '',    -- mute and highlight rules, a line each
    rules_version   INTEGER NOT NULL DEFAULT 0,  -- bumped at every change of rules
    digest          INTEGER NOT NULL DEFAULT 0,  -- 0 off, 1 daily, 2 weekly
    email           TEXT,                        -- where digests go
    digest_sent     INTEGER NOT NULL DEFAULT 0,
    api_hash        TEXT,                        -- argon2id of the API password
    totp_secret     TEXT,                        -- base32; NULL when two-factor is off
    totp_last       INTEGER NOT NULL DEFAULT 0   -- last time step accepted (no replays)
);
CREATE INDEX reader_prefs_digest ON reader_prefs(digest) WHERE digest > 0;

CREATE TABLE reader_categories (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL
);
CREATE UNIQUE INDEX reader_categories_name ON reader_categories(user_id, lower(name));

-- A user's relation to a source; no row: followed, no category, no mark.
CREATE TABLE reader_subs (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source_id       INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    follow          INTEGER NOT NULL DEFAULT 1,
    category_id     INTEGER REFERENCES reader_categories(id) ON DELETE SET NULL,
    title           TEXT,                        -- the user's name for it
    read_before     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, source_id)
);
CREATE INDEX reader_subs_source ON reader_subs(source_id);
CREATE INDEX reader_subs_category ON reader_subs(category_id);

-- Marks on one article: read NULL follows the rule above, 0 keeps it unread.
CREATE TABLE reader_states (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    read            INTEGER,
    starred         INTEGER NOT NULL DEFAULT 0,
    at              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX reader_states_article ON reader_states(article_id);
CREATE INDEX reader_states_starred ON reader_states(user_id, article_id) WHERE starred = 1;
CREATE INDEX reader_states_unread ON reader_states(user_id, article_id) WHERE read = 0;

-- A story read once stays read; n_sources is what it had then ("N new sources").
CREATE TABLE reader_story_reads (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    story_id        INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    n_sources       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, story_id)
);
CREATE INDEX reader_story_reads_story ON reader_story_reads(story_id);

-- Fever's api_key: the hex MD5 of "name:API password", as its clients send it.
CREATE TABLE reader_fever_keys (
    api_key         TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX reader_fever_keys_user ON reader_fever_keys(user_id);

-- Google Reader API tokens from ClientLogin: the SHA-256 of the token only.
CREATE TABLE reader_tokens (
    id_hash         TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created         INTEGER NOT NULL
);
CREATE INDEX reader_tokens_user ON reader_tokens(user_id);

-- Two-factor recovery codes, hashed; each works once.
CREATE TABLE reader_recovery (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash       TEXT NOT NULL,
    used            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a log-in with two-factor: the SHA-256 of the token
-- in the visitor's cookie, whose password was right.
CREATE TABLE reader_challenges (
    id_hash         TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    next            TEXT NOT NULL,
    expires         INTEGER NOT NULL
);
CREATE INDEX reader_challenges_expires ON reader_challenges(expires);

-- A source's articles in arrival order, for feed streams.
CREATE INDEX reader_articles_source ON articles(source_id, id);
