-- Networks (queue `network`): what was asked for, what came out, and the graph itself.
CREATE TABLE networks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    -- Search sessions and scraping jobs the network is built from: {"sessions":[…],"crawls":[…]}.
    scope       TEXT    NOT NULL,
    params      TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    error       TEXT,
    job_id      INTEGER REFERENCES app_jobs (id) ON DELETE SET NULL,
    node_count  INTEGER,
    edge_count  INTEGER,
    -- The refine report (statistics, backbone, layout) once built.
    report      TEXT,
    created_at  TEXT    NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX networks_owner ON networks (owner_id, id);

-- The built graph (zstd JSON); every export format is rendered from it.
CREATE TABLE network_graphs (
    network_id INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    graph_zstd BLOB    NOT NULL
);

-- Analysed pages by URL, for picking one page per URL across scraping jobs.
CREATE INDEX page_analyses_owner_crawl ON page_analyses (owner_id, crawl_id, page_id);
