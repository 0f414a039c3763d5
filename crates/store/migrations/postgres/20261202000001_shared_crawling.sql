-- Crawling as a service shared by every job, user and process.
--
-- Frontier leases: a worker that claims URLs holds them until `lease_expires`, renewing
-- while it works; URLs of a worker that died become claimable again when the lease lapses,
-- so several workers can work one crawl and only what was in flight at a crash is fetched
-- twice.
ALTER TABLE crawl_frontier ADD COLUMN lease_owner TEXT;
ALTER TABLE crawl_frontier ADD COLUMN lease_expires TIMESTAMPTZ;

-- Host gates: the next moment a request to a host may start, for every job of every user
-- in every process, and the requests to it in flight (each with a lease, so a dead
-- worker's slot frees itself). Times are milliseconds of the database's clock, so
-- processes on machines whose clocks differ still space requests correctly.
CREATE TABLE host_gates (
    host          TEXT   PRIMARY KEY,
    next_start_ms BIGINT NOT NULL
);
CREATE TABLE host_gate_leases (
    token      TEXT   PRIMARY KEY,
    host       TEXT   NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX host_gate_leases_by_host ON host_gate_leases (host, expires_ms);

-- robots.txt per origin, shared by every job and process for a day (RFC 9309 § 2.4).
-- `status` is the HTTP status (0: unreachable), `body` the file when it was 2xx.
CREATE TABLE robots_txt (
    origin     TEXT        PRIMARY KEY,
    status     INTEGER     NOT NULL,
    body       TEXT,
    fetched_at TIMESTAMPTZ NOT NULL
);
