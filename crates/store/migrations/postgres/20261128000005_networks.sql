-- Networks (queue `network`): what was asked for, what came out, and the graph itself.
CREATE TABLE networks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    -- Search sessions and scraping jobs the network is built from: {"sessions":[…],"crawls":[…]}.
    scope       JSONB  NOT NULL,
    params      JSONB  NOT NULL,
    status      TEXT   NOT NULL,
    error       TEXT,
    job_id      BIGINT REFERENCES app_jobs (id) ON DELETE SET NULL,
    node_count  BIGINT,
    edge_count  BIGINT,
    -- The refine report (statistics, backbone, layout) once built.
    report      JSONB,
    created_at  TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX networks_owner ON networks (owner_id, id);

-- The built graph (zstd JSON); every export format is rendered from it.
CREATE TABLE network_graphs (
    network_id BIGINT PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    graph_zstd BYTEA  NOT NULL
);

-- Analysed pages by URL, for picking one page per URL across scraping jobs.
CREATE INDEX page_analyses_owner_crawl ON page_analyses (owner_id, crawl_id, page_id);
