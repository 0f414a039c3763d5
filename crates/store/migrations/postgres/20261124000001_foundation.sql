-- apalis owns `Jobs` and `Workers`; SQLite names are case-insensitive, hence the prefix.
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT        NOT NULL UNIQUE,
    password_hash TEXT        NOT NULL,
    is_admin      BOOLEAN     NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE auth_sessions (
    id          TEXT        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    user_agent  TEXT,
    ip          TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

CREATE TABLE app_jobs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id         BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT        NOT NULL,
    queue            TEXT        NOT NULL,
    priority         INTEGER     NOT NULL,
    status           TEXT        NOT NULL,
    payload          JSONB       NOT NULL,
    progress_done    BIGINT      NOT NULL DEFAULT 0,
    progress_total   BIGINT,
    progress_message TEXT,
    attempts         INTEGER     NOT NULL DEFAULT 0,
    worker           TEXT,
    error            TEXT,
    result           JSONB,
    cancel_requested BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX app_jobs_owner ON app_jobs (owner_id, id);
CREATE INDEX app_jobs_status ON app_jobs (status, finished_at);

CREATE TABLE app_workers (
    id         TEXT        PRIMARY KEY,
    queues     TEXT        NOT NULL,
    hostname   TEXT        NOT NULL,
    pid        BIGINT      NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL
);
