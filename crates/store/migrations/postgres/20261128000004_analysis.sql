-- Analysis runs (queue `analysis`): a scraping job's pages turned into terms. Each page keeps
-- its latest analysis; a new run replaces it, and a resumed run skips what it already did.
CREATE TABLE analysis_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The scope: one scraping job, or every scraping job started from one search session.
    crawl_id    BIGINT REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    session_id  BIGINT REFERENCES search_sessions (id) ON DELETE CASCADE,
    options     JSONB NOT NULL,
    status      TEXT NOT NULL,
    job_id      BIGINT REFERENCES app_jobs (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK ((crawl_id IS NULL) <> (session_id IS NULL))
);
CREATE INDEX analysis_runs_owner ON analysis_runs (owner_id, id);
CREATE INDEX analysis_runs_crawl ON analysis_runs (crawl_id);
CREATE INDEX analysis_runs_session ON analysis_runs (session_id);

CREATE TABLE page_analyses (
    page_id     BIGINT PRIMARY KEY REFERENCES pages (id) ON DELETE CASCADE,
    run_id      BIGINT NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
    owner_id    BIGINT NOT NULL,
    crawl_id    BIGINT NOT NULL,
    domain      TEXT NOT NULL,
    language    TEXT,
    tokens      INTEGER NOT NULL,
    -- Why the page was not analysed (unsupported language, too little text); NULL when it was.
    skipped     TEXT,
    analyzed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX page_analyses_run ON page_analyses (run_id);
CREATE INDEX page_analyses_scope ON page_analyses (owner_id, crawl_id, domain);

CREATE TABLE page_nouns (
    page_id BIGINT NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    lemma   TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (page_id, lemma)
);

CREATE TABLE page_entities (
    page_id    BIGINT NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    normalized TEXT NOT NULL,
    label      TEXT NOT NULL,
    surface    TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (page_id, normalized, label)
);

CREATE TABLE page_keywords (
    page_id BIGINT NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    phrase  TEXT NOT NULL,
    score   DOUBLE PRECISION NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (page_id, phrase)
);
