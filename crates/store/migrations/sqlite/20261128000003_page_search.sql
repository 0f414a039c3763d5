-- Which search sessions seeded a scraping job, so pages can be found by session.
CREATE TABLE crawl_sources (
    crawl_id   INTEGER NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL,
    PRIMARY KEY (crawl_id, session_id)
);
CREATE INDEX crawl_sources_session ON crawl_sources (session_id);
INSERT OR IGNORE INTO crawl_sources (crawl_id, session_id)
SELECT c.id, CAST(s.value AS INTEGER)
FROM crawl_jobs c, json_each(c.sources, '$.sessions') s;

-- Full-text index over page titles and main text. External content: the text lives once,
-- in `pages`; triggers keep the index in step. No diacritic folding, so Danish å/ø/æ stay
-- distinct letters, and no stemming, matching PostgreSQL's `simple` configuration.
CREATE VIRTUAL TABLE pages_fts USING fts5 (
    title, text,
    content = 'pages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER pages_fts_insert AFTER INSERT ON pages BEGIN
    INSERT INTO pages_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts (pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER pages_fts_update AFTER UPDATE OF title, text ON pages BEGIN
    INSERT INTO pages_fts (pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO pages_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO pages_fts (pages_fts) VALUES ('rebuild');

-- JavaScript rendering: whether the text comes from the DOM after scripts ran, and why a
-- rendering attempt failed (the static text is kept then).
ALTER TABLE pages ADD COLUMN rendered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN render_error TEXT;
