-- Analysis runs (queue `analysis`): a scraping job's pages turned into terms. Each page keeps
-- its latest analysis; a new run replaces it, and a resumed run skips what it already did.
CREATE TABLE analysis_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The scope: one scraping job, or every scraping job started from one search session.
    crawl_id    INTEGER REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    session_id  INTEGER REFERENCES search_sessions (id) ON DELETE CASCADE,
    options     TEXT NOT NULL,
    status      TEXT NOT NULL,
    job_id      INTEGER REFERENCES app_jobs (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    updated_at  TEXT NOT NULL,
    CHECK ((crawl_id IS NULL) <> (session_id IS NULL))
);
CREATE INDEX analysis_runs_owner ON analysis_runs (owner_id, id);
CREATE INDEX analysis_runs_crawl ON analysis_runs (crawl_id);
CREATE INDEX analysis_runs_session ON analysis_runs (session_id);

CREATE TABLE page_analyses (
    page_id     INTEGER PRIMARY KEY REFERENCES pages (id) ON DELETE CASCADE,
    run_id      INTEGER NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
    owner_id    INTEGER NOT NULL,
    crawl_id    INTEGER NOT NULL,
    domain      TEXT NOT NULL,
    language    TEXT,
    tokens      INTEGER NOT NULL,
    -- Why the page was not analysed (unsupported language, too little text); NULL when it was.
    skipped     TEXT,
    analyzed_at TEXT NOT NULL
);
CREATE INDEX page_analyses_run ON page_analyses (run_id);
CREATE INDEX page_analyses_scope ON page_analyses (owner_id, crawl_id, domain);

CREATE TABLE page_nouns (
    page_id INTEGER NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    lemma   TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (page_id, lemma)
);

CREATE TABLE page_entities (
    page_id    INTEGER NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    normalized TEXT NOT NULL,
    label      TEXT NOT NULL,
    surface    TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (page_id, normalized, label)
);

CREATE TABLE page_keywords (
    page_id INTEGER NOT NULL REFERENCES page_analyses (page_id) ON DELETE CASCADE,
    phrase  TEXT NOT NULL,
    score   REAL NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (page_id, phrase)
);
