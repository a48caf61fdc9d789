-- 0006: PostgreSQL only: search as SQLite's index does it, and a data
-- version that every process (web replicas, workers) sees change.

-- Full-text search with SQLite's behaviour (sqlite/0001_init.sql: porter
-- stemming over unicode61, diacritics removed, no stop words): English
-- Snowball stemming for words in any script, no stop-word list (FTS5 has
-- none, so "the who" stays searchable), accents folded by the unaccent
-- dictionary where the server has that extension (Debian's postgresql
-- package does; without it, accents simply stay).
CREATE TEXT SEARCH DICTIONARY gazette_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION gazette (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION gazette
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH gazette_stem;
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
    ALTER TEXT SEARCH CONFIGURATION gazette
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, gazette_stem;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent is not available: search does not fold accents';
END
$$;

-- The title weighs A, the text B (store.c ranks A ten times B).  Only the
-- first 100,000 characters of a text are indexed: a tsvector holds at
-- most 1 MB, and a hostile page must not make its article unstorable.
ALTER TABLE articles DROP COLUMN fts;
ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('gazette', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('gazette', left(coalesce(text, ''), 100000)), 'B')) STORED;
CREATE INDEX articles_fts ON articles USING gin(fts);

-- The data version (store_data_version()): one number, bumped once by
-- every transaction that changed what public pages show, at its commit.
-- The web servers key their page caches on it, so a commit by a worker
-- on another machine empties every replica's cache at once.  The bump is
-- a deferred constraint trigger: it runs as the transaction commits, so
-- the row lock on the counter is held for the commit only, and writers
-- never wait on each other for the length of their transactions.
CREATE TABLE gazette_data (version bigint NOT NULL);
INSERT INTO gazette_data (version) VALUES (1);

CREATE FUNCTION gazette_data_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- once per transaction, however many rows it wrote
    IF coalesce(current_setting('gazette.data_bumped', true), '') <> 'on' THEN
        UPDATE gazette_data SET version = version + 1;
        PERFORM set_config('gazette.data_bumped', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER gazette_data_sources AFTER INSERT OR UPDATE OR DELETE ON sources
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_articles AFTER INSERT OR UPDATE OR DELETE ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_stories AFTER INSERT OR UPDATE OR DELETE ON stories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_tags AFTER INSERT OR UPDATE OR DELETE ON tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_article_tags AFTER INSERT OR UPDATE OR DELETE
    ON article_tags DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_story_tags AFTER INSERT OR UPDATE OR DELETE ON story_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_related AFTER INSERT OR UPDATE OR DELETE ON related
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_users AFTER INSERT OR UPDATE OR DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();
CREATE CONSTRAINT TRIGGER gazette_data_comments AFTER INSERT OR UPDATE OR DELETE ON comments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gazette_data_bump();

-- Claims of due sources by workers (store_source_claim()): the lease
-- columns exist since 0001; this finds the claimable ones quickly.
CREATE INDEX sources_claim ON sources(next_fetch, lease_until);
