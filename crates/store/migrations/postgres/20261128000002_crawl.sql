-- Scraping jobs: a persistent frontier (one row per URL per job, so a killed worker
-- resumes without refetching), pages with extracted text, and raw bodies stored once per
-- content hash (zstd).
CREATE TABLE crawl_jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    config      JSONB   NOT NULL,
    sources     JSONB   NOT NULL,
    status      TEXT    NOT NULL,
    job_id      BIGINT  REFERENCES app_jobs (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX crawl_jobs_owner ON crawl_jobs (owner_id, id);
CREATE INDEX crawl_jobs_job ON crawl_jobs (job_id);

CREATE TABLE crawl_frontier (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    crawl_id   BIGINT  NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    site       TEXT    NOT NULL,
    depth      INTEGER NOT NULL,
    parent_url TEXT,
    -- queued, fetching, done, failed, skipped
    state      TEXT    NOT NULL,
    reason     TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    page_id    BIGINT ,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (crawl_id, url)
);
CREATE INDEX crawl_frontier_next ON crawl_frontier (crawl_id, state, depth, id);

CREATE TABLE page_bodies (
    hash      TEXT    PRIMARY KEY,
    size      BIGINT  NOT NULL,
    body_zstd BYTEA    NOT NULL
);

CREATE TABLE pages (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    crawl_id            BIGINT  NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    owner_id            BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    frontier_id         BIGINT  NOT NULL,
    url                 TEXT    NOT NULL,
    final_url           TEXT,
    host                TEXT    NOT NULL,
    domain              TEXT    NOT NULL,
    depth               INTEGER NOT NULL,
    parent_url          TEXT,
    redirects           JSONB   NOT NULL,
    status_code         INTEGER,
    content_type        TEXT,
    headers             JSONB   NOT NULL,
    content_hash        TEXT    REFERENCES page_bodies (hash),
    title               TEXT,
    text                TEXT,
    words               INTEGER NOT NULL DEFAULT 0,
    language            TEXT,
    language_confidence DOUBLE PRECISION,
    description         TEXT,
    published           TEXT,
    outlinks            JSONB   NOT NULL,
    extraction_method   TEXT,
    error_reason        TEXT,
    fetched_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX pages_crawl ON pages (crawl_id, id);
CREATE INDEX pages_owner_url ON pages (owner_id, url, fetched_at);
CREATE INDEX pages_content_hash ON pages (content_hash);
