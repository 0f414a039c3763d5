-- A project's websites and how its researchers curated them. A row is one unit: a
-- registrable domain (`tv2.dk`), a host (`nyheder.tv2.dk`) or a URL prefix (`tv2.dk/sport`).
-- Rows for the domains a project's searches and crawled links reach are added as they are
-- listed, so a website keeps its id; what a website was found by, its ranks, pages and
-- inlinks are computed from the project's data whenever they are read.
CREATE TABLE project_websites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    unit        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('domain', 'host', 'prefix')),
    -- NULL: the project's default for how the website was found.
    status      TEXT    CHECK (status IN ('in', 'out', 'undecided')),
    name        TEXT,
    -- {"sector": "government", …}
    categories  TEXT    NOT NULL DEFAULT '{}',
    -- A merged website is part of that website's actor, which speaks for it.
    merged_into INTEGER REFERENCES project_websites (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (project_id, unit)
);
CREATE INDEX project_websites_merged ON project_websites (merged_into);
