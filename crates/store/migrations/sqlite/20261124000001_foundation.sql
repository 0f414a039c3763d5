-- apalis owns `Jobs` and `Workers`; SQLite names are case-insensitive, hence the prefix.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE auth_sessions (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT,
    user_agent  TEXT,
    ip          TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

CREATE TABLE app_jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    queue            TEXT    NOT NULL,
    priority         INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    progress_done    INTEGER NOT NULL DEFAULT 0,
    progress_total   INTEGER,
    progress_message TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    error            TEXT,
    result           TEXT,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT    NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX app_jobs_owner ON app_jobs (owner_id, id);
CREATE INDEX app_jobs_status ON app_jobs (status, finished_at);

CREATE TABLE app_workers (
    id         TEXT    PRIMARY KEY,
    queues     TEXT    NOT NULL,
    hostname   TEXT    NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL
);
