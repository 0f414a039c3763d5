-- Frontier counters per crawl, state and reason, kept by triggers whichever statement
-- changes the frontier (claims, outcomes, lease expiry, resume, deletion), so reading a
-- crawl's progress reads a handful of rows instead of counting its whole frontier.
-- `reason` is '' for none (a key column cannot be NULL).
CREATE TABLE crawl_frontier_counts (
    crawl_id BIGINT NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    state    TEXT   NOT NULL,
    reason   TEXT   NOT NULL,
    urls     BIGINT NOT NULL,
    PRIMARY KEY (crawl_id, state, reason)
);

INSERT INTO crawl_frontier_counts (crawl_id, state, reason, urls)
SELECT crawl_id, state, COALESCE(reason, ''), COUNT(*) FROM crawl_frontier GROUP BY 1, 2, 3;

-- One statement's net change per counter, applied in key order: every transaction takes
-- the counter rows it changes in the same order, so two runs of one crawl never deadlock.
CREATE FUNCTION crawl_frontier_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO crawl_frontier_counts AS c (crawl_id, state, reason, urls)
        SELECT crawl_id, state, COALESCE(reason, ''), COUNT(*) FROM new_rows
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (crawl_id, state, reason) DO UPDATE SET urls = c.urls + excluded.urls;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO crawl_frontier_counts AS c (crawl_id, state, reason, urls)
        SELECT crawl_id, state, reason, SUM(delta) FROM (
            SELECT crawl_id, state, COALESCE(reason, '') AS reason, -1 AS delta FROM old_rows
            UNION ALL
            SELECT crawl_id, state, COALESCE(reason, '') AS reason, 1 AS delta FROM new_rows
        ) AS changes
        GROUP BY 1, 2, 3 HAVING SUM(delta) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (crawl_id, state, reason) DO UPDATE SET urls = c.urls + excluded.urls;
    ELSE
        UPDATE crawl_frontier_counts AS c SET urls = c.urls - gone.n
        FROM (
            SELECT crawl_id, state, COALESCE(reason, '') AS reason, COUNT(*) AS n FROM old_rows
            GROUP BY 1, 2, 3
        ) AS gone
        WHERE c.crawl_id = gone.crawl_id AND c.state = gone.state AND c.reason = gone.reason;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER crawl_frontier_counted_insert AFTER INSERT ON crawl_frontier
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawl_frontier_count_changes();
CREATE TRIGGER crawl_frontier_counted_update AFTER UPDATE ON crawl_frontier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawl_frontier_count_changes();
CREATE TRIGGER crawl_frontier_counted_delete AFTER DELETE ON crawl_frontier
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crawl_frontier_count_changes();
