-- A search session's counters (queries by status; results, excluded, distinct URLs and
-- domains among the kept results), kept by triggers whichever statement changes its
-- queries or results, so listing sessions reads one row per session instead of counting
-- distinct values over every result. The distinct counts need to know when a URL or a
-- domain gains its first kept result or loses its last, so each session also keeps a
-- tally per URL and per domain (rows at 0 stay: they cost little and spare a delete).
CREATE TABLE search_session_counts (
    session_id        INTEGER PRIMARY KEY REFERENCES search_sessions (id) ON DELETE CASCADE,
    queries           INTEGER NOT NULL DEFAULT 0,
    queries_queued    INTEGER NOT NULL DEFAULT 0,
    queries_running   INTEGER NOT NULL DEFAULT 0,
    queries_done      INTEGER NOT NULL DEFAULT 0,
    queries_failed    INTEGER NOT NULL DEFAULT 0,
    queries_cancelled INTEGER NOT NULL DEFAULT 0,
    results           INTEGER NOT NULL DEFAULT 0,
    excluded          INTEGER NOT NULL DEFAULT 0,
    unique_urls       INTEGER NOT NULL DEFAULT 0,
    unique_domains    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE search_session_urls (
    session_id     INTEGER NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    normalized_url TEXT    NOT NULL,
    results        INTEGER NOT NULL,
    PRIMARY KEY (session_id, normalized_url)
);

CREATE TABLE search_session_domains (
    session_id INTEGER NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    domain     TEXT    NOT NULL,
    results    INTEGER NOT NULL,
    PRIMARY KEY (session_id, domain)
);

INSERT INTO search_session_urls (session_id, normalized_url, results)
SELECT session_id, normalized_url, COUNT(*) FROM search_results WHERE NOT excluded GROUP BY 1, 2;
INSERT INTO search_session_domains (session_id, domain, results)
SELECT session_id, domain, COUNT(*) FROM search_results WHERE NOT excluded GROUP BY 1, 2;
INSERT INTO search_session_counts (
    session_id, queries, queries_queued, queries_running, queries_done, queries_failed,
    queries_cancelled, results, excluded, unique_urls, unique_domains
)
SELECT s.id,
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id),
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id AND q.status = 'queued'),
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id AND q.status = 'running'),
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id AND q.status = 'done'),
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id AND q.status = 'failed'),
    (SELECT COUNT(*) FROM search_queries q WHERE q.session_id = s.id AND q.status = 'cancelled'),
    (SELECT COUNT(*) FROM search_results r WHERE r.session_id = s.id),
    (SELECT COUNT(*) FROM search_results r WHERE r.session_id = s.id AND r.excluded),
    (SELECT COUNT(*) FROM search_session_urls u WHERE u.session_id = s.id),
    (SELECT COUNT(*) FROM search_session_domains d WHERE d.session_id = s.id)
FROM search_sessions s;

CREATE TRIGGER search_session_counted_insert AFTER INSERT ON search_sessions
BEGIN
    INSERT INTO search_session_counts (session_id) VALUES (NEW.id);
END;

-- Decrements only ever UPDATE: when a session is deleted its counter rows may already be
-- gone, and inserting one would break its foreign key.
CREATE TRIGGER search_query_counted_insert AFTER INSERT ON search_queries
BEGIN
    UPDATE search_session_counts SET
        queries = queries + 1,
        queries_queued = queries_queued + (NEW.status = 'queued'),
        queries_running = queries_running + (NEW.status = 'running'),
        queries_done = queries_done + (NEW.status = 'done'),
        queries_failed = queries_failed + (NEW.status = 'failed'),
        queries_cancelled = queries_cancelled + (NEW.status = 'cancelled')
    WHERE session_id = NEW.session_id;
END;

CREATE TRIGGER search_query_counted_update AFTER UPDATE OF status, session_id ON search_queries
WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id
BEGIN
    UPDATE search_session_counts SET
        queries = queries - 1,
        queries_queued = queries_queued - (OLD.status = 'queued'),
        queries_running = queries_running - (OLD.status = 'running'),
        queries_done = queries_done - (OLD.status = 'done'),
        queries_failed = queries_failed - (OLD.status = 'failed'),
        queries_cancelled = queries_cancelled - (OLD.status = 'cancelled')
    WHERE session_id = OLD.session_id;
    UPDATE search_session_counts SET
        queries = queries + 1,
        queries_queued = queries_queued + (NEW.status = 'queued'),
        queries_running = queries_running + (NEW.status = 'running'),
        queries_done = queries_done + (NEW.status = 'done'),
        queries_failed = queries_failed + (NEW.status = 'failed'),
        queries_cancelled = queries_cancelled + (NEW.status = 'cancelled')
    WHERE session_id = NEW.session_id;
END;

CREATE TRIGGER search_query_counted_delete AFTER DELETE ON search_queries
BEGIN
    UPDATE search_session_counts SET
        queries = queries - 1,
        queries_queued = queries_queued - (OLD.status = 'queued'),
        queries_running = queries_running - (OLD.status = 'running'),
        queries_done = queries_done - (OLD.status = 'done'),
        queries_failed = queries_failed - (OLD.status = 'failed'),
        queries_cancelled = queries_cancelled - (OLD.status = 'cancelled')
    WHERE session_id = OLD.session_id;
END;

-- A result counts towards the distinct URLs and domains while it is kept (not excluded).
-- The tally is changed first, so its value says whether this result was the first (1
-- after adding) or the last (0 after removing) of its URL or domain.
CREATE TRIGGER search_result_counted_insert AFTER INSERT ON search_results
BEGIN
    INSERT INTO search_session_urls (session_id, normalized_url, results)
    SELECT NEW.session_id, NEW.normalized_url, 1 WHERE NOT NEW.excluded
    ON CONFLICT (session_id, normalized_url) DO UPDATE SET results = results + 1;
    INSERT INTO search_session_domains (session_id, domain, results)
    SELECT NEW.session_id, NEW.domain, 1 WHERE NOT NEW.excluded
    ON CONFLICT (session_id, domain) DO UPDATE SET results = results + 1;
    UPDATE search_session_counts SET
        results = results + 1,
        excluded = excluded + (NEW.excluded <> 0),
        unique_urls = unique_urls + (NOT NEW.excluded AND COALESCE((
            SELECT results FROM search_session_urls
            WHERE session_id = NEW.session_id AND normalized_url = NEW.normalized_url) = 1, 0)),
        unique_domains = unique_domains + (NOT NEW.excluded AND COALESCE((
            SELECT results FROM search_session_domains
            WHERE session_id = NEW.session_id AND domain = NEW.domain) = 1, 0))
    WHERE session_id = NEW.session_id;
END;

CREATE TRIGGER search_result_counted_delete AFTER DELETE ON search_results
BEGIN
    UPDATE search_session_urls SET results = results - 1
    WHERE NOT OLD.excluded AND session_id = OLD.session_id AND normalized_url = OLD.normalized_url;
    UPDATE search_session_domains SET results = results - 1
    WHERE NOT OLD.excluded AND session_id = OLD.session_id AND domain = OLD.domain;
    UPDATE search_session_counts SET
        results = results - 1,
        excluded = excluded - (OLD.excluded <> 0),
        unique_urls = unique_urls - (NOT OLD.excluded AND COALESCE((
            SELECT results FROM search_session_urls
            WHERE session_id = OLD.session_id AND normalized_url = OLD.normalized_url) = 0, 0)),
        unique_domains = unique_domains - (NOT OLD.excluded AND COALESCE((
            SELECT results FROM search_session_domains
            WHERE session_id = OLD.session_id AND domain = OLD.domain) = 0, 0))
    WHERE session_id = OLD.session_id;
END;

-- As a removal of the old row followed by an addition of the new one.
CREATE TRIGGER search_result_counted_update
AFTER UPDATE OF session_id, normalized_url, domain, excluded ON search_results
WHEN OLD.session_id IS NOT NEW.session_id OR OLD.normalized_url IS NOT NEW.normalized_url
    OR OLD.domain IS NOT NEW.domain OR OLD.excluded IS NOT NEW.excluded
BEGIN
    UPDATE search_session_urls SET results = results - 1
    WHERE NOT OLD.excluded AND session_id = OLD.session_id AND normalized_url = OLD.normalized_url;
    UPDATE search_session_domains SET results = results - 1
    WHERE NOT OLD.excluded AND session_id = OLD.session_id AND domain = OLD.domain;
    UPDATE search_session_counts SET
        results = results - 1,
        excluded = excluded - (OLD.excluded <> 0),
        unique_urls = unique_urls - (NOT OLD.excluded AND COALESCE((
            SELECT results FROM search_session_urls
            WHERE session_id = OLD.session_id AND normalized_url = OLD.normalized_url) = 0, 0)),
        unique_domains = unique_domains - (NOT OLD.excluded AND COALESCE((
            SELECT results FROM search_session_domains
            WHERE session_id = OLD.session_id AND domain = OLD.domain) = 0, 0))
    WHERE session_id = OLD.session_id;
    INSERT INTO search_session_urls (session_id, normalized_url, results)
    SELECT NEW.session_id, NEW.normalized_url, 1 WHERE NOT NEW.excluded
    ON CONFLICT (session_id, normalized_url) DO UPDATE SET results = results + 1;
    INSERT INTO search_session_domains (session_id, domain, results)
    SELECT NEW.session_id, NEW.domain, 1 WHERE NOT NEW.excluded
    ON CONFLICT (session_id, domain) DO UPDATE SET results = results + 1;
    UPDATE search_session_counts SET
        results = results + 1,
        excluded = excluded + (NEW.excluded <> 0),
        unique_urls = unique_urls + (NOT NEW.excluded AND COALESCE((
            SELECT results FROM search_session_urls
            WHERE session_id = NEW.session_id AND normalized_url = NEW.normalized_url) = 1, 0)),
        unique_domains = unique_domains + (NOT NEW.excluded AND COALESCE((
            SELECT results FROM search_session_domains
            WHERE session_id = NEW.session_id AND domain = NEW.domain) = 1, 0))
    WHERE session_id = NEW.session_id;
END;
