-- Projects: a team's shared corpus. Every search session, scraping job, analysis and
-- network belongs to one project, and who may see or change it follows from the project's
-- members and their roles, no longer from who created it (`owner_id` stays: the creator).
-- Every user has a default project of their own, made by a trigger when the user is made,
-- so nothing that creates users needs to know about projects.
CREATE TABLE projects (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL,
    description TEXT        NOT NULL DEFAULT '',
    -- The user whose default project this is (at most one each).
    default_for BIGINT      UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    -- What a website starts as: found by a search, or discovered through a link.
    search_status TEXT      NOT NULL DEFAULT 'in' CHECK (search_status IN ('in', 'out', 'undecided')),
    link_status   TEXT      NOT NULL DEFAULT 'undecided' CHECK (link_status IN ('in', 'out', 'undecided')),
    created_by  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE project_members (
    project_id BIGINT      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT        NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
-- Every read filters by "the projects this user belongs to".
CREATE INDEX project_members_user ON project_members (user_id, project_id);

-- Who did what in a project, and when. The actor's name is kept so the trail survives the
-- account's deletion.
CREATE TABLE project_activity (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   BIGINT      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    actor_id     BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    actor_name   TEXT        NOT NULL,
    action       TEXT        NOT NULL,
    subject_kind TEXT        NOT NULL,
    subject_id   BIGINT,
    detail       JSONB       NOT NULL DEFAULT '{}',
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_activity_project ON project_activity (project_id, id);

CREATE FUNCTION project_for_new_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    made BIGINT;
BEGIN
    INSERT INTO projects (name, default_for, created_by, created_at, updated_at)
    VALUES (NEW.username || '''s project', NEW.id, NEW.id, NEW.created_at, NEW.created_at)
    RETURNING id INTO made;
    INSERT INTO project_members (project_id, user_id, role, added_at)
    VALUES (made, NEW.id, 'owner', NEW.created_at);
    RETURN NULL;
END $$;

CREATE TRIGGER users_default_project AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION project_for_new_user();

-- Existing users get theirs now, and everything they made moves into it.
INSERT INTO projects (name, default_for, created_by, created_at, updated_at)
SELECT username || '''s project', id, id, created_at, created_at FROM users;
INSERT INTO project_members (project_id, user_id, role, added_at)
SELECT id, default_for, 'owner', created_at FROM projects;

ALTER TABLE search_sessions ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE crawl_jobs ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE pages ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE analysis_runs ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE page_analyses ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE networks ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;
-- A job's project is the project of what it works on (none for maintenance jobs).
ALTER TABLE app_jobs ADD COLUMN project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE;

UPDATE search_sessions t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE crawl_jobs t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE pages t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE analysis_runs t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE page_analyses t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE networks t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;
UPDATE app_jobs t SET project_id = p.id FROM projects p WHERE p.default_for = t.owner_id;

ALTER TABLE search_sessions ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE crawl_jobs ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE pages ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE analysis_runs ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE page_analyses ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE networks ALTER COLUMN project_id SET NOT NULL;

CREATE INDEX search_sessions_project ON search_sessions (project_id, id);
CREATE INDEX crawl_jobs_project ON crawl_jobs (project_id, id);
CREATE INDEX pages_project_url ON pages (project_id, url, fetched_at);
CREATE INDEX pages_project_crawl ON pages (project_id, crawl_id, id);
CREATE INDEX analysis_runs_project ON analysis_runs (project_id, id);
CREATE INDEX page_analyses_project_scope ON page_analyses (project_id, crawl_id, domain);
CREATE INDEX page_analyses_project_crawl ON page_analyses (project_id, crawl_id, page_id);
CREATE INDEX networks_project ON networks (project_id, id);
CREATE INDEX app_jobs_project ON app_jobs (project_id, id);
