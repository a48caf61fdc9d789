-- 0003: what the reading side of the website needs; PostgreSQL dialect of
-- sqlite/0003_web.sql.

-- A story may carry the label it was imported under (`gazette import` of
-- JSON-lines with a `story` key, e.g. a labelled corpus), so that articles
-- with the same label join the same story across imports.
ALTER TABLE stories ADD COLUMN label text;
CREATE UNIQUE INDEX stories_label ON stories(label) WHERE label IS NOT NULL;

-- Story cards name each story's sources: this answers that from the index
-- alone, without reading a row per article.
CREATE INDEX articles_story_source ON articles(story_id, source_id, published);
