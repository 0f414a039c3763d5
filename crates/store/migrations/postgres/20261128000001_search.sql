-- Search sessions: queries run against an engine, their ranked results with provenance,
-- and the raw engine pages kept (gzip) so a map can be redone and audited.
CREATE TABLE search_sessions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    engine      TEXT    NOT NULL,
    params      JSONB   NOT NULL,
    status      TEXT    NOT NULL,
    -- The session this one re-runs (its first ancestor), for watching an issue over time.
    snapshot_of BIGINT  REFERENCES search_sessions (id) ON DELETE SET NULL,
    job_id      BIGINT  REFERENCES app_jobs (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX search_sessions_owner ON search_sessions (owner_id, id);
CREATE INDEX search_sessions_snapshot_of ON search_sessions (snapshot_of);
CREATE INDEX search_sessions_job ON search_sessions (job_id);

CREATE TABLE search_queries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id   BIGINT  NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    params       JSONB   NOT NULL,
    status       TEXT    NOT NULL,
    error        TEXT,
    shortfall    TEXT,
    result_count INTEGER NOT NULL DEFAULT 0,
    requests     INTEGER NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    UNIQUE (session_id, position)
);

CREATE TABLE search_raw_pages (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    query_id   BIGINT  NOT NULL REFERENCES search_queries (id) ON DELETE CASCADE,
    page       INTEGER NOT NULL,
    request    JSONB   NOT NULL,
    status     INTEGER NOT NULL,
    body_gzip  BYTEA    NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX search_raw_pages_query ON search_raw_pages (query_id);

CREATE TABLE search_results (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id       BIGINT  NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    query_id         BIGINT  NOT NULL REFERENCES search_queries (id) ON DELETE CASCADE,
    -- Query position × 100,000 + rank: the list order (query order, then rank) as one key.
    ordinal          BIGINT  NOT NULL,
    rank             INTEGER NOT NULL,
    page             INTEGER NOT NULL,
    url              TEXT    NOT NULL,
    normalized_url   TEXT    NOT NULL,
    host             TEXT    NOT NULL,
    domain           TEXT    NOT NULL,
    title            TEXT,
    snippet          TEXT,
    published        TEXT,
    excluded         BOOLEAN NOT NULL DEFAULT FALSE,
    exclusion_reason TEXT,
    raw_page_id      BIGINT  REFERENCES search_raw_pages (id) ON DELETE SET NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    UNIQUE (query_id, rank)
);
CREATE INDEX search_results_session ON search_results (session_id, ordinal);
CREATE INDEX search_results_session_url ON search_results (session_id, normalized_url);
CREATE INDEX search_results_session_domain ON search_results (session_id, domain);
-- Deleting a raw page sets its results' pointer to NULL; without this every delete scans.
CREATE INDEX search_results_raw_page ON search_results (raw_page_id);
