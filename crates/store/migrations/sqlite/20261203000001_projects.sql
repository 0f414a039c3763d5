-- Projects: a team's shared corpus. Every search session, scraping job, analysis and
-- network belongs to one project, and who may see or change it follows from the project's
-- members and their roles, no longer from who created it (`owner_id` stays: the creator).
-- Every user has a default project of their own, made by a trigger when the user is made,
-- so nothing that creates users needs to know about projects.
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    -- The user whose default project this is (at most one each).
    default_for INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    -- What a website starts as: found by a search, or discovered through a link.
    search_status TEXT    NOT NULL DEFAULT 'in' CHECK (search_status IN ('in', 'out', 'undecided')),
    link_status   TEXT    NOT NULL DEFAULT 'undecided' CHECK (link_status IN ('in', 'out', 'undecided')),
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE project_members (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    added_at   TEXT    NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
-- Every read filters by "the projects this user belongs to".
CREATE INDEX project_members_user ON project_members (user_id, project_id);

-- Who did what in a project, and when. The actor's name is kept so the trail survives the
-- account's deletion.
CREATE TABLE project_activity (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name   TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject_kind TEXT    NOT NULL,
    subject_id   INTEGER,
    detail       TEXT    NOT NULL DEFAULT '{}',
    at           TEXT    NOT NULL
);
CREATE INDEX project_activity_project ON project_activity (project_id, id);

CREATE TRIGGER users_default_project AFTER INSERT ON users
BEGIN
    INSERT INTO projects (name, default_for, created_by, created_at, updated_at)
    VALUES (NEW.username || '''s project', NEW.id, NEW.id, NEW.created_at, NEW.created_at);
    INSERT INTO project_members (project_id, user_id, role, added_at)
    VALUES (last_insert_rowid(), NEW.id, 'owner', NEW.created_at);
END;

-- Existing users get theirs now, and everything they made moves into it.
INSERT INTO projects (name, default_for, created_by, created_at, updated_at)
SELECT username || '''s project', id, id, created_at, created_at FROM users;
INSERT INTO project_members (project_id, user_id, role, added_at)
SELECT id, default_for, 'owner', created_at FROM projects;

-- SQLite adds a column with a foreign key only as nullable; triggers refuse a missing
-- project instead (PostgreSQL declares the columns NOT NULL).
ALTER TABLE search_sessions ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE crawl_jobs ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE pages ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE analysis_runs ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE page_analyses ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE networks ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;
-- A job's project is the project of what it works on (none for maintenance jobs).
ALTER TABLE app_jobs ADD COLUMN project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE;

UPDATE search_sessions SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = search_sessions.owner_id);
UPDATE crawl_jobs SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = crawl_jobs.owner_id);
UPDATE pages SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = pages.owner_id);
UPDATE analysis_runs SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = analysis_runs.owner_id);
UPDATE page_analyses SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = page_analyses.owner_id);
UPDATE networks SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = networks.owner_id);
UPDATE app_jobs SET project_id = (SELECT p.id FROM projects p WHERE p.default_for = app_jobs.owner_id);

CREATE TRIGGER search_sessions_project_required_insert BEFORE INSERT ON search_sessions
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: search_sessions.project_id');
END;
CREATE TRIGGER search_sessions_project_required_update BEFORE UPDATE OF project_id ON search_sessions
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: search_sessions.project_id');
END;

CREATE TRIGGER crawl_jobs_project_required_insert BEFORE INSERT ON crawl_jobs
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: crawl_jobs.project_id');
END;
CREATE TRIGGER crawl_jobs_project_required_update BEFORE UPDATE OF project_id ON crawl_jobs
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: crawl_jobs.project_id');
END;

CREATE TRIGGER pages_project_required_insert BEFORE INSERT ON pages
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: pages.project_id');
END;
CREATE TRIGGER pages_project_required_update BEFORE UPDATE OF project_id ON pages
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: pages.project_id');
END;

CREATE TRIGGER analysis_runs_project_required_insert BEFORE INSERT ON analysis_runs
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: analysis_runs.project_id');
END;
CREATE TRIGGER analysis_runs_project_required_update BEFORE UPDATE OF project_id ON analysis_runs
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: analysis_runs.project_id');
END;

CREATE TRIGGER page_analyses_project_required_insert BEFORE INSERT ON page_analyses
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: page_analyses.project_id');
END;
CREATE TRIGGER page_analyses_project_required_update BEFORE UPDATE OF project_id ON page_analyses
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: page_analyses.project_id');
END;

CREATE TRIGGER networks_project_required_insert BEFORE INSERT ON networks
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: networks.project_id');
END;
CREATE TRIGGER networks_project_required_update BEFORE UPDATE OF project_id ON networks
WHEN NEW.project_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'NOT NULL constraint failed: networks.project_id');
END;

CREATE INDEX search_sessions_project ON search_sessions (project_id, id);
CREATE INDEX crawl_jobs_project ON crawl_jobs (project_id, id);
CREATE INDEX pages_project_url ON pages (project_id, url, fetched_at);
CREATE INDEX pages_project_crawl ON pages (project_id, crawl_id, id);
CREATE INDEX analysis_runs_project ON analysis_runs (project_id, id);
CREATE INDEX page_analyses_project_scope ON page_analyses (project_id, crawl_id, domain);
CREATE INDEX page_analyses_project_crawl ON page_analyses (project_id, crawl_id, page_id);
CREATE INDEX networks_project ON networks (project_id, id);
CREATE INDEX app_jobs_project ON app_jobs (project_id, id);
