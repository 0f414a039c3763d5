-- Which search sessions seeded a scraping job, so pages can be found by session.
CREATE TABLE crawl_sources (
    crawl_id   BIGINT NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL,
    PRIMARY KEY (crawl_id, session_id)
);
CREATE INDEX crawl_sources_session ON crawl_sources (session_id);
INSERT INTO crawl_sources (crawl_id, session_id)
SELECT c.id, s.value::BIGINT
FROM crawl_jobs c, jsonb_array_elements_text(c.sources -> 'sessions') s
ON CONFLICT DO NOTHING;

-- Full-text index over page titles (weight A) and main text (weight B). The `simple`
-- configuration (no stemming, no stop words) because pages come in many languages and it
-- matches what the SQLite backend finds. A tsvector must stay under 1 MB or the insert
-- fails (and the page with it), so the index covers the first 100,000 characters of text.
ALTER TABLE pages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', left(coalesce(title, ''), 2000)), 'A')
    || setweight(to_tsvector('simple', left(coalesce(text, ''), 100000)), 'B')
) STORED;
CREATE INDEX pages_search ON pages USING GIN (search_vector);

-- JavaScript rendering: whether the text comes from the DOM after scripts ran, and why a
-- rendering attempt failed (the static text is kept then).
ALTER TABLE pages ADD COLUMN rendered BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pages ADD COLUMN render_error TEXT;
