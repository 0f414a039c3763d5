-- Scraping jobs: a persistent frontier (one row per URL per job, so a killed worker
-- resumes without refetching), pages with extracted text, and raw bodies stored once per
-- content hash (zstd).
CREATE TABLE crawl_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    config      TEXT    NOT NULL,
    sources     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    job_id      INTEGER REFERENCES app_jobs (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX crawl_jobs_owner ON crawl_jobs (owner_id, id);
CREATE INDEX crawl_jobs_job ON crawl_jobs (job_id);

CREATE TABLE crawl_frontier (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id   INTEGER NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    site       TEXT    NOT NULL,
    depth      INTEGER NOT NULL,
    parent_url TEXT,
    -- queued, fetching, done, failed, skipped
    state      TEXT    NOT NULL,
    reason     TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    page_id    INTEGER,
    updated_at TEXT    NOT NULL,
    UNIQUE (crawl_id, url)
);
CREATE INDEX crawl_frontier_next ON crawl_frontier (crawl_id, state, depth, id);

CREATE TABLE page_bodies (
    hash      TEXT    PRIMARY KEY,
    size      INTEGER NOT NULL,
    body_zstd BLOB    NOT NULL
);

CREATE TABLE pages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    crawl_id            INTEGER NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    owner_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    frontier_id         INTEGER NOT NULL,
    url                 TEXT    NOT NULL,
    final_url           TEXT,
    host                TEXT    NOT NULL,
    domain              TEXT    NOT NULL,
    depth               INTEGER NOT NULL,
    parent_url          TEXT,
    redirects           TEXT    NOT NULL,
    status_code         INTEGER,
    content_type        TEXT,
    headers             TEXT    NOT NULL,
    content_hash        TEXT    REFERENCES page_bodies (hash),
    title               TEXT,
    text                TEXT,
    words               INTEGER NOT NULL DEFAULT 0,
    language            TEXT,
    language_confidence REAL,
    description         TEXT,
    published           TEXT,
    outlinks            TEXT    NOT NULL,
    extraction_method   TEXT,
    error_reason        TEXT,
    fetched_at          TEXT    NOT NULL
);
CREATE INDEX pages_crawl ON pages (crawl_id, id);
CREATE INDEX pages_owner_url ON pages (owner_id, url, fetched_at);
CREATE INDEX pages_content_hash ON pages (content_hash);
