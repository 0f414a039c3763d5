-- Frontier counters per crawl, state and reason, kept by triggers whichever statement
-- changes the frontier (claims, outcomes, lease expiry, resume, deletion), so reading a
-- crawl's progress reads a handful of rows instead of counting its whole frontier.
-- `reason` is '' for none (a key column cannot be NULL).
CREATE TABLE crawl_frontier_counts (
    crawl_id INTEGER NOT NULL REFERENCES crawl_jobs (id) ON DELETE CASCADE,
    state    TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    urls     INTEGER NOT NULL,
    PRIMARY KEY (crawl_id, state, reason)
);

INSERT INTO crawl_frontier_counts (crawl_id, state, reason, urls)
SELECT crawl_id, state, COALESCE(reason, ''), COUNT(*) FROM crawl_frontier GROUP BY 1, 2, 3;

CREATE TRIGGER crawl_frontier_counted_insert AFTER INSERT ON crawl_frontier
BEGIN
    INSERT INTO crawl_frontier_counts (crawl_id, state, reason, urls)
    VALUES (NEW.crawl_id, NEW.state, COALESCE(NEW.reason, ''), 1)
    ON CONFLICT (crawl_id, state, reason) DO UPDATE SET urls = urls + 1;
END;

CREATE TRIGGER crawl_frontier_counted_update AFTER UPDATE OF state, reason ON crawl_frontier
WHEN OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason
BEGIN
    UPDATE crawl_frontier_counts SET urls = urls - 1
    WHERE crawl_id = OLD.crawl_id AND state = OLD.state AND reason = COALESCE(OLD.reason, '');
    INSERT INTO crawl_frontier_counts (crawl_id, state, reason, urls)
    VALUES (NEW.crawl_id, NEW.state, COALESCE(NEW.reason, ''), 1)
    ON CONFLICT (crawl_id, state, reason) DO UPDATE SET urls = urls + 1;
END;

CREATE TRIGGER crawl_frontier_counted_delete AFTER DELETE ON crawl_frontier
BEGIN
    UPDATE crawl_frontier_counts SET urls = urls - 1
    WHERE crawl_id = OLD.crawl_id AND state = OLD.state AND reason = COALESCE(OLD.reason, '');
END;
