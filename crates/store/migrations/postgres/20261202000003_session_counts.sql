-- A search session's counters (queries by status; results, excluded, distinct URLs and
-- domains among the kept results), kept by triggers whichever statement changes its
-- queries or results, so listing sessions reads one row per session instead of counting
-- distinct values over every result. The distinct counts need to know when a URL or a
-- domain gains its first kept result or loses its last, so each session also keeps a
-- tally per URL and per domain (rows at 0 stay: they cost little and spare a delete).
CREATE TABLE search_session_counts (
    session_id        BIGINT PRIMARY KEY REFERENCES search_sessions (id) ON DELETE CASCADE,
    queries           BIGINT NOT NULL DEFAULT 0,
    queries_queued    BIGINT NOT NULL DEFAULT 0,
    queries_running   BIGINT NOT NULL DEFAULT 0,
    queries_done      BIGINT NOT NULL DEFAULT 0,
    queries_failed    BIGINT NOT NULL DEFAULT 0,
    queries_cancelled BIGINT NOT NULL DEFAULT 0,
    results           BIGINT NOT NULL DEFAULT 0,
    excluded          BIGINT NOT NULL DEFAULT 0,
    unique_urls       BIGINT NOT NULL DEFAULT 0,
    unique_domains    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE search_session_urls (
    session_id     BIGINT NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    normalized_url TEXT   NOT NULL,
    results        BIGINT NOT NULL,
    PRIMARY KEY (session_id, normalized_url)
);

CREATE TABLE search_session_domains (
    session_id BIGINT NOT NULL REFERENCES search_sessions (id) ON DELETE CASCADE,
    domain     TEXT   NOT NULL,
    results    BIGINT NOT NULL,
    PRIMARY KEY (session_id, domain)
);

INSERT INTO search_session_urls (session_id, normalized_url, results)
SELECT session_id, normalized_url, COUNT(*) FROM search_results WHERE NOT excluded GROUP BY 1, 2;
INSERT INTO search_session_domains (session_id, domain, results)
SELECT session_id, domain, COUNT(*) FROM search_results WHERE NOT excluded GROUP BY 1, 2;
INSERT INTO search_session_counts (session_id) SELECT id FROM search_sessions;
UPDATE search_session_counts AS c SET
    queries = q.queries, queries_queued = q.queued, queries_running = q.running,
    queries_done = q.done, queries_failed = q.failed, queries_cancelled = q.cancelled
FROM (
    SELECT session_id, COUNT(*) AS queries,
        COUNT(*) FILTER (WHERE status = 'queued') AS queued,
        COUNT(*) FILTER (WHERE status = 'running') AS running,
        COUNT(*) FILTER (WHERE status = 'done') AS done,
        COUNT(*) FILTER (WHERE status = 'failed') AS failed,
        COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled
    FROM search_queries GROUP BY session_id
) AS q
WHERE c.session_id = q.session_id;
UPDATE search_session_counts AS c SET
    results = r.results, excluded = r.excluded, unique_urls = r.urls, unique_domains = r.domains
FROM (
    SELECT session_id, COUNT(*) AS results, COUNT(*) FILTER (WHERE excluded) AS excluded,
        COUNT(DISTINCT normalized_url) FILTER (WHERE NOT excluded) AS urls,
        COUNT(DISTINCT domain) FILTER (WHERE NOT excluded) AS domains
    FROM search_results GROUP BY session_id
) AS r
WHERE c.session_id = r.session_id;

CREATE FUNCTION search_session_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_session_counts (session_id) VALUES (NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER search_session_counted_insert AFTER INSERT ON search_sessions
    FOR EACH ROW EXECUTE FUNCTION search_session_counted();

-- Queries change one at a time (or a session's few at once), so a row trigger suffices.
-- Decrements only ever UPDATE: when a session is deleted its counter row may already be
-- gone, and inserting one would break its foreign key.
CREATE FUNCTION search_query_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE search_session_counts SET
            queries = queries - 1,
            queries_queued = queries_queued - (OLD.status = 'queued')::int,
            queries_running = queries_running - (OLD.status = 'running')::int,
            queries_done = queries_done - (OLD.status = 'done')::int,
            queries_failed = queries_failed - (OLD.status = 'failed')::int,
            queries_cancelled = queries_cancelled - (OLD.status = 'cancelled')::int
        WHERE session_id = OLD.session_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE search_session_counts SET
            queries = queries + 1,
            queries_queued = queries_queued + (NEW.status = 'queued')::int,
            queries_running = queries_running + (NEW.status = 'running')::int,
            queries_done = queries_done + (NEW.status = 'done')::int,
            queries_failed = queries_failed + (NEW.status = 'failed')::int,
            queries_cancelled = queries_cancelled + (NEW.status = 'cancelled')::int
        WHERE session_id = NEW.session_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_query_counted_insert AFTER INSERT OR DELETE ON search_queries
    FOR EACH ROW EXECUTE FUNCTION search_query_count_changes();
CREATE TRIGGER search_query_counted_update AFTER UPDATE OF status, session_id ON search_queries
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.session_id IS DISTINCT FROM NEW.session_id)
    EXECUTE FUNCTION search_query_count_changes();

-- Results arrive a page at a time, so these are statement triggers over the transition
-- tables: one statement's net change per URL, per domain and per session. `changes` is
-- the rows the statement removed (-1) and added (+1); an UPDATE that touches no counted
-- column (a raw page's deletion setting `raw_page_id` to NULL) nets to nothing and
-- writes nothing. Tally rows are locked in key order, so two queries of one session
-- finishing at once never deadlock on them.
CREATE FUNCTION search_result_count_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    removed CONSTANT text := 'SELECT session_id, normalized_url, domain, excluded, -1 AS delta FROM old_rows';
    added   CONSTANT text := 'SELECT session_id, normalized_url, domain, excluded, 1 AS delta FROM new_rows';
BEGIN
    EXECUTE format($sql$
        WITH changes AS (%s),
        url_delta AS (
            SELECT session_id, normalized_url AS key, SUM(delta) AS delta FROM changes
            WHERE NOT excluded GROUP BY 1, 2 HAVING SUM(delta) <> 0
        ),
        domain_delta AS (
            SELECT session_id, domain AS key, SUM(delta) AS delta FROM changes
            WHERE NOT excluded GROUP BY 1, 2 HAVING SUM(delta) <> 0
        ),
        url_up AS (
            INSERT INTO search_session_urls AS t (session_id, normalized_url, results)
            SELECT session_id, key, delta FROM url_delta WHERE delta > 0 ORDER BY 1, 2
            ON CONFLICT (session_id, normalized_url) DO UPDATE SET results = t.results + excluded.results
            RETURNING t.session_id, t.normalized_url AS key, t.results
        ),
        url_locked AS (
            SELECT t.session_id, t.normalized_url AS key FROM search_session_urls t
            JOIN url_delta d ON d.session_id = t.session_id AND d.key = t.normalized_url
            WHERE d.delta < 0 ORDER BY 1, 2 FOR UPDATE OF t
        ),
        url_down AS (
            UPDATE search_session_urls AS t SET results = t.results + d.delta
            FROM url_locked l JOIN url_delta d ON d.session_id = l.session_id AND d.key = l.key
            WHERE t.session_id = l.session_id AND t.normalized_url = l.key
            RETURNING t.session_id, t.results
        ),
        domain_up AS (
            INSERT INTO search_session_domains AS t (session_id, domain, results)
            SELECT session_id, key, delta FROM domain_delta WHERE delta > 0 ORDER BY 1, 2
            ON CONFLICT (session_id, domain) DO UPDATE SET results = t.results + excluded.results
            RETURNING t.session_id, t.domain AS key, t.results
        ),
        domain_locked AS (
            SELECT t.session_id, t.domain AS key FROM search_session_domains t
            JOIN domain_delta d ON d.session_id = t.session_id AND d.key = t.domain
            WHERE d.delta < 0 ORDER BY 1, 2 FOR UPDATE OF t
        ),
        domain_down AS (
            UPDATE search_session_domains AS t SET results = t.results + d.delta
            FROM domain_locked l JOIN domain_delta d ON d.session_id = l.session_id AND d.key = l.key
            WHERE t.session_id = l.session_id AND t.domain = l.key
            RETURNING t.session_id, t.results
        ),
        -- A key is new when its tally was 0 before this statement, gone when it is 0 after.
        parts AS (
            SELECT session_id, SUM(delta) AS results,
                SUM(CASE WHEN excluded THEN delta ELSE 0 END) AS excluded, 0 AS urls, 0 AS domains
            FROM changes GROUP BY 1
            UNION ALL
            SELECT u.session_id, 0, 0, COUNT(*), 0 FROM url_up u
            JOIN url_delta d ON d.session_id = u.session_id AND d.key = u.key
            WHERE u.results = d.delta GROUP BY 1
            UNION ALL
            SELECT session_id, 0, 0, -COUNT(*), 0 FROM url_down WHERE results = 0 GROUP BY 1
            UNION ALL
            SELECT u.session_id, 0, 0, 0, COUNT(*) FROM domain_up u
            JOIN domain_delta d ON d.session_id = u.session_id AND d.key = u.key
            WHERE u.results = d.delta GROUP BY 1
            UNION ALL
            SELECT session_id, 0, 0, 0, -COUNT(*) FROM domain_down WHERE results = 0 GROUP BY 1
        ),
        totals AS (
            SELECT session_id, SUM(results) AS results, SUM(excluded) AS excluded,
                SUM(urls) AS urls, SUM(domains) AS domains
            FROM parts GROUP BY 1
            HAVING SUM(results) <> 0 OR SUM(excluded) <> 0 OR SUM(urls) <> 0 OR SUM(domains) <> 0
        )
        UPDATE search_session_counts AS c SET
            results = c.results + t.results, excluded = c.excluded + t.excluded,
            unique_urls = c.unique_urls + t.urls, unique_domains = c.unique_domains + t.domains
        FROM totals t WHERE c.session_id = t.session_id
    $sql$, CASE TG_OP
        WHEN 'INSERT' THEN added
        WHEN 'DELETE' THEN removed
        ELSE removed || ' UNION ALL ' || added
    END);
    RETURN NULL;
END $fn$;

CREATE TRIGGER search_result_counted_insert AFTER INSERT ON search_results
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_result_count_changes();
CREATE TRIGGER search_result_counted_update AFTER UPDATE ON search_results
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_result_count_changes();
CREATE TRIGGER search_result_counted_delete AFTER DELETE ON search_results
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_result_count_changes();
