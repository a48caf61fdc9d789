-- 0002: accounts, throttles and comment moderation; PostgreSQL dialect of
-- sqlite/0002_accounts.sql.

-- Names are unique whatever their case: "Alice" and "alice" are one account.
CREATE UNIQUE INDEX users_name_nocase ON users(lower(name));

CREATE INDEX sessions_expires ON sessions(expires);

-- Events counted in a sliding time window by the throttles (failed log-ins
-- per account and per client address, sign-ups per address).  Kept in the
-- database so that every server process sees the same counts.
CREATE TABLE throttle_events (
    scope           text NOT NULL,
    key             text NOT NULL,
    at              bigint NOT NULL
);
CREATE INDEX throttle_events_key ON throttle_events(scope, key, at);
CREATE INDEX throttle_events_at ON throttle_events(at);

-- One report per user and comment; comments.reports counts them.
CREATE TABLE comment_reports (
    comment_id      bigint NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at              bigint NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

-- The per-user posting rate and the moderation queue.
CREATE INDEX comments_user ON comments(user_id, created);
CREATE INDEX comments_created ON comments(created DESC);
CREATE INDEX comments_reported ON comments(reports DESC, created DESC) WHERE reports > 0;
