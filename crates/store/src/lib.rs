//! Storage for Issue Observatory: one [`Store`] trait, a SQLite backend for the embedded
//! default and a PostgreSQL backend for scale-out, chosen by URL scheme in [`connect`].
//!
//! The job-queue tables of apalis live in the same database, so enqueuing a job writes the
//! app-owned `jobs` row and the queue task in one transaction.
#![forbid(unsafe_code)]

mod analysis_model;
mod analysis_rows;
mod analysis_sql;
mod backend;
mod bulk_postgres;
mod bulk_sqlite;
mod crawl_model;
mod crawl_rows;
mod crawl_sql;
mod error;
mod evidence_model;
mod evidence_sql;
mod ids;
pub mod model;
mod network_model;
mod network_rows;
mod network_sql;
mod politeness_sql;
mod postgres;
mod project_model;
mod project_sql;
mod rows;
mod search_model;
mod search_rows;
mod search_sql;
mod sql_store;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod text_query;
mod website_model;
mod website_sql;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use analysis_model::*;
pub use crawl_model::*;
pub use error::{StoreError, StoreResult};
pub use evidence_model::*;
pub use ids::{
    ActivityId, AnalysisId, CrawlId, FrontierId, JobId, NetworkId, PageId, ProjectId, SearchQueryId,
    SearchResultId, SearchSessionId, UserId, WebsiteId,
};
pub use model::*;
pub use network_model::*;
pub use postgres::PostgresStore;
pub use project_model::*;
pub use search_model::*;
pub use sqlite::SqliteStore;
pub use text_query::{MAX_QUERY_CHARS, MAX_TERMS, TextQuery, TextQueryError};
pub use website_model::*;

/// The task payload carried through the apalis queue: only a pointer to our `jobs` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueuedJob {
    pub job_id: JobId,
}

/// Attempts apalis makes before giving up on a task whose handler keeps erroring
/// (infrastructure failures; domain failures are recorded in `jobs` and not retried).
pub const QUEUE_MAX_ATTEMPTS: usize = 5;

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub busy_timeout: Duration,
    /// Statements slower than this are logged (SQL text and duration, never bound values)
    /// at WARN under the `sqlx::query` target.
    pub slow_query: Duration,
    /// Every statement at DEBUG under `sqlx::query` (debugging, and the statement-count tests).
    pub log_statements: bool,
}

impl StoreOptions {
    pub(crate) fn statement_log_level(&self) -> log::LevelFilter {
        if self.log_statements {
            log::LevelFilter::Debug
        } else {
            log::LevelFilter::Off
        }
    }
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
            slow_query: Duration::from_millis(100),
            log_statements: false,
        }
    }
}

/// The pool behind a store, for code that must hand it to the queue engine.
#[derive(Debug, Clone)]
pub enum DbPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    pub fn from_url(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(BackendKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(BackendKind::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// A URL with its credentials hidden, so it can be printed, logged or returned: a password
/// becomes `***`, and a user name without a password (often a token) does too.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => format!("{scheme}://***@{host}{tail}"),
        },
        None => url.to_owned(),
    }
}

/// Opens the database named by `url` without migrating it.
pub async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Arc<dyn Store>> {
    Ok(match BackendKind::from_url(url)? {
        BackendKind::Sqlite => Arc::new(SqliteStore::connect(url, options).await?),
        BackendKind::Postgres => Arc::new(PostgresStore::connect(url, options).await?),
    })
}

/// Projects, their members and roles, and their audit trail. Readers of a project's
/// resources elsewhere in the store take the reading user and see only the projects the
/// user is a member of; workers and code that already checked access take the project.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// The project and its creator as its first owner, at once.
    async fn create_project(&self, new: NewProject) -> StoreResult<Project>;
    /// The viewer's projects, newest first.
    async fn projects_of(&self, viewer: UserId, page: PageRequest) -> StoreResult<Vec<ProjectMembership>>;
    async fn project(&self, viewer: UserId, id: ProjectId) -> StoreResult<Option<ProjectMembership>>;
    /// The project every user has of their own (made with the user).
    async fn default_project(&self, user: UserId) -> StoreResult<ProjectId>;
    async fn update_project(&self, id: ProjectId, changes: &ProjectChanges) -> StoreResult<Project>;
    /// Deletes the project and everything in it; a user's default project stays (conflict).
    async fn delete_project(&self, id: ProjectId) -> StoreResult<()>;
    /// The project a resource lives in and the user's role there; `None` when there is no
    /// such resource or the user is not a member (never told apart).
    async fn resource_role(
        &self,
        user: UserId,
        resource: ProjectResource,
    ) -> StoreResult<Option<(ProjectId, Role)>>;
    async fn members(&self, project: ProjectId) -> StoreResult<Vec<Member>>;
    async fn member_ids(&self, project: ProjectId) -> StoreResult<Vec<UserId>>;
    /// Adds an existing user by name; `None` when there is no such user, a conflict when
    /// the user is already a member.
    async fn add_member(&self, project: ProjectId, username: &str, role: Role)
    -> StoreResult<Option<Member>>;
    /// Changes a member's role; the last owner cannot stop being one (conflict).
    async fn set_member_role(&self, project: ProjectId, user: UserId, role: Role) -> StoreResult<Member>;
    /// Removes a member; the last owner cannot leave (conflict).
    async fn remove_member(&self, project: ProjectId, user: UserId) -> StoreResult<()>;
    async fn record_activity(&self, new: &NewActivity) -> StoreResult<()>;
    /// Newest first.
    async fn activity(&self, project: ProjectId, page: PageRequest) -> StoreResult<Vec<Activity>>;
}

/// Search sessions, queries, results and raw engine pages.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Writes the session and its queries (and, for a manual list, its results) at once.
    async fn create_search_session(&self, new: NewSearchSession) -> StoreResult<SearchSession>;
    async fn set_search_session_job(&self, id: SearchSessionId, job_id: JobId) -> StoreResult<()>;
    async fn search_session(&self, viewer: UserId, id: SearchSessionId)
    -> StoreResult<Option<SearchSession>>;
    /// Newest first; with `snapshot_of`, that session and its snapshots.
    async fn list_search_sessions(
        &self,
        viewer: UserId,
        project: Option<ProjectId>,
        snapshot_of: Option<SearchSessionId>,
        page: PageRequest,
    ) -> StoreResult<Vec<SearchSession>>;
    /// Removes the session with its queries, results and raw pages.
    async fn delete_search_session(&self, viewer: UserId, id: SearchSessionId) -> StoreResult<()>;
    async fn search_queries(&self, viewer: UserId, session: SearchSessionId)
    -> StoreResult<Vec<SearchQuery>>;
    async fn search_session_counts(
        &self,
        project: ProjectId,
        session: SearchSessionId,
    ) -> StoreResult<SessionCounts>;
    /// Counts of several sessions in two queries (for lists); sessions the viewer cannot see are absent.
    async fn search_session_counts_many(
        &self,
        viewer: UserId,
        sessions: &[SearchSessionId],
    ) -> StoreResult<std::collections::HashMap<SearchSessionId, SessionCounts>>;
    /// In query order, then rank order.
    async fn list_search_results(
        &self,
        viewer: UserId,
        session: SearchSessionId,
        filter: &ResultFilter,
        page: PageRequest,
    ) -> StoreResult<Vec<SearchResult>>;
    /// The unique, non-excluded URLs in order of first appearance.
    async fn session_urls(
        &self,
        viewer: UserId,
        session: SearchSessionId,
        page: PageRequest,
    ) -> StoreResult<Vec<SessionUrl>>;
    async fn session_domains(
        &self,
        viewer: UserId,
        session: SearchSessionId,
        page: PageRequest,
    ) -> StoreResult<Vec<SessionDomain>>;
    /// Every non-excluded result, by query position and rank.
    async fn session_ranked_urls(
        &self,
        viewer: UserId,
        session: SearchSessionId,
    ) -> StoreResult<Vec<RankedUrl>>;
    async fn search_raw_page(
        &self,
        viewer: UserId,
        session: SearchSessionId,
        id: i64,
    ) -> StoreResult<Option<RawPageBody>>;

    // For the worker running a session.
    async fn search_session_for_worker(
        &self,
        id: SearchSessionId,
    ) -> StoreResult<Option<(SearchSession, Vec<SearchQuery>)>>;
    async fn set_search_session_status(&self, id: SearchSessionId, status: SearchStatus) -> StoreResult<()>;
    /// Marks a query running and discards anything an interrupted earlier run left.
    async fn start_search_query(&self, query: SearchQueryId) -> StoreResult<()>;
    /// Stores a query's raw pages and results and its final status in one transaction.
    async fn finish_search_query(&self, query: SearchQueryId, outcome: &QueryOutcome) -> StoreResult<()>;
    async fn cancel_unfinished_queries(&self, session: SearchSessionId) -> StoreResult<u64>;
}

/// Scraping jobs: the persistent frontier, pages and content-addressed bodies.
#[async_trait]
pub trait CrawlStore: Send + Sync {
    /// Writes the job and its seed URLs (deduplicated) at once.
    async fn create_crawl(&self, new: NewCrawl) -> StoreResult<CrawlJob>;
    async fn set_crawl_job(&self, id: CrawlId, job_id: JobId) -> StoreResult<()>;
    async fn crawl(&self, viewer: UserId, id: CrawlId) -> StoreResult<Option<CrawlJob>>;
    async fn list_crawls(
        &self,
        viewer: UserId,
        project: Option<ProjectId>,
        page: PageRequest,
    ) -> StoreResult<Vec<CrawlJob>>;
    async fn delete_crawl(&self, viewer: UserId, id: CrawlId) -> StoreResult<()>;
    async fn crawl_for_worker(&self, id: CrawlId) -> StoreResult<Option<CrawlJob>>;
    async fn set_crawl_status(&self, id: CrawlId, status: CrawlStatus) -> StoreResult<()>;
    /// Every URL left `fetching` goes back to the queue, whoever holds it (a resume, when
    /// no worker works the job).
    async fn requeue_in_flight(&self, crawl: CrawlId) -> StoreResult<u64>;
    /// Takes up to `limit` queued URLs, shallowest first, for a holder working alone.
    async fn claim_frontier(&self, crawl: CrawlId, limit: u32) -> StoreResult<Vec<FrontierItem>> {
        self.claim_frontier_leased(crawl, &FrontierClaim::alone("alone", limit))
            .await
    }
    /// Leases queued URLs to `claim.holder`, interleaving sites (at most `per_site` per
    /// site, shallowest first), skipping sites the holder already has enough of and rows
    /// another claim holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL). URLs whose lease
    /// lapsed are queued again first.
    async fn claim_frontier_leased(
        &self,
        crawl: CrawlId,
        claim: &FrontierClaim<'_>,
    ) -> StoreResult<Vec<FrontierItem>>;
    /// Extends the holder's leases on the URLs it is still working on.
    async fn renew_frontier_leases(
        &self,
        crawl: CrawlId,
        holder: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Gives the holder's unfinished URLs back to the queue (it stops: cancelled, failed).
    async fn release_frontier_leases(&self, crawl: CrawlId, holder: &str) -> StoreResult<u64>;
    /// What is left to claim and what is in flight, at `now`.
    async fn frontier_activity(&self, crawl: CrawlId, now: DateTime<Utc>) -> StoreResult<FrontierActivity>;
    /// Which run (host, process and run id) decided each fetched URL: for operators
    /// checking how a crawl spread over workers.
    async fn frontier_fetchers(&self, crawl: CrawlId) -> StoreResult<Vec<(String, Option<String>)>>;
    /// Running crawls with queued URLs: work any idle crawl worker may help with.
    async fn crawls_wanting_workers(&self) -> StoreResult<Vec<CrawlId>>;
    /// Records a URL's outcome with its page, body and discovered links in one transaction;
    /// returns how many links were new to the job.
    async fn finish_frontier(
        &self,
        item: &FrontierItem,
        project: ProjectId,
        result: &FrontierResult,
    ) -> StoreResult<u64> {
        self.finish_frontier_batch(project, &[(item, result)]).await
    }
    /// Records several URLs' outcomes in one transaction (all or none), their discovered
    /// links in one bulk insert; returns how many links were new to the job. An outcome
    /// whose holder no longer holds the URL (its lease lapsed and another worker took it)
    /// is dropped: every URL is stored once.
    async fn finish_frontier_batch(
        &self,
        project: ProjectId,
        finished: &[(&FrontierItem, &FrontierResult)],
    ) -> StoreResult<u64>;
    async fn frontier_counts(&self, project: ProjectId, crawl: CrawlId) -> StoreResult<Vec<FrontierCount>>;
    /// The job and its frontier counters in one read (what a crawl's page polls).
    async fn crawl_with_counts(
        &self,
        viewer: UserId,
        id: CrawlId,
    ) -> StoreResult<Option<(CrawlJob, Vec<FrontierCount>)>>;
    /// Frontier counts of every job the viewer can see with an id in `lowest..=highest`, in one
    /// query (a page of the job list).
    async fn frontier_counts_between(
        &self,
        viewer: UserId,
        lowest: CrawlId,
        highest: CrawlId,
    ) -> StoreResult<Vec<(CrawlId, FrontierCount)>>;
    /// Every URL already on the job's frontier, whatever its state.
    async fn frontier_urls(&self, crawl: CrawlId) -> StoreResult<Vec<String>>;
    /// URLs per site that count against the site cap (all but skipped ones).
    async fn site_load(&self, crawl: CrawlId) -> StoreResult<Vec<(String, i64)>>;
    async fn list_pages(
        &self,
        viewer: UserId,
        crawl: CrawlId,
        filter: &PageFilter,
        page: PageRequest,
    ) -> StoreResult<Vec<Page>>;
    async fn page(&self, viewer: UserId, id: PageId) -> StoreResult<Option<Page>>;
    /// The page's raw body, zstd-compressed.
    async fn page_body(&self, viewer: UserId, id: PageId) -> StoreResult<Option<Vec<u8>>>;
    /// Pages with text and their words, per language (`None` when undetected), in SQL.
    async fn page_languages(&self, viewer: UserId, crawl: CrawlId) -> StoreResult<Vec<LanguageCount>>;
    /// Ranked full-text matches among the pages the viewer can see, most relevant first, after `after`.
    async fn search_pages(
        &self,
        viewer: UserId,
        search: &PageSearch,
        after: Option<HitCursor>,
        limit: u32,
    ) -> StoreResult<Vec<PageHit>>;
    /// The project's latest successful fetch of `url` since `fetched_since` (for reuse).
    async fn reusable_page(
        &self,
        project: ProjectId,
        url: &str,
        fetched_since: DateTime<Utc>,
    ) -> StoreResult<Option<Page>>;
}

/// Analysis runs and the terms of each page (nouns, entities, keywords).
#[async_trait]
pub trait AnalysisStore: Send + Sync {
    async fn create_analysis(&self, new: NewAnalysis) -> StoreResult<AnalysisRun>;
    async fn set_analysis_job(&self, id: AnalysisId, job_id: JobId) -> StoreResult<()>;
    async fn analysis(&self, viewer: UserId, id: AnalysisId) -> StoreResult<Option<AnalysisRun>>;
    async fn analysis_for_worker(&self, id: AnalysisId) -> StoreResult<Option<AnalysisRun>>;
    async fn set_analysis_status(&self, id: AnalysisId, status: SearchStatus) -> StoreResult<()>;
    /// The pages with text in the run's scope that this run has not analysed yet, by id.
    async fn pages_to_analyze(
        &self,
        run: &AnalysisRun,
        after: Option<PageId>,
        limit: u32,
    ) -> StoreResult<Vec<PageText>>;
    /// Replaces the pages' stored terms with these, in one transaction.
    async fn write_page_terms(&self, run: &AnalysisRun, pages: &[PageTermsRecord]) -> StoreResult<()>;
    async fn page_terms(&self, viewer: UserId, page: PageId) -> StoreResult<Option<PageTermsRecord>>;
    async fn analysis_counts(&self, run: AnalysisId) -> StoreResult<AnalysisCounts>;
    /// Pages with text in a scope (what a run over it will go through).
    async fn analysable_pages(&self, project: ProjectId, scope: AnalysisScope) -> StoreResult<i64>;
    /// Term counts per website over the analysed pages of a scope (entities per type).
    async fn domain_term_counts(
        &self,
        project: ProjectId,
        scope: AnalysisScope,
        kind: TermKind,
    ) -> StoreResult<Vec<DomainTermCount>>;
}

/// Networks, their built graphs, and the rows the network builders read.
#[async_trait]
pub trait NetworkStore: Send + Sync {
    async fn create_network(&self, new: NewNetwork) -> StoreResult<Network>;
    async fn set_network_job(&self, id: NetworkId, job_id: JobId) -> StoreResult<()>;
    async fn network(&self, viewer: UserId, id: NetworkId) -> StoreResult<Option<Network>>;
    async fn network_for_worker(&self, id: NetworkId) -> StoreResult<Option<Network>>;
    /// Newest first, keyset-paginated by id.
    async fn list_networks(
        &self,
        viewer: UserId,
        project: Option<ProjectId>,
        page: PageRequest,
    ) -> StoreResult<Vec<Network>>;
    async fn delete_network(&self, viewer: UserId, id: NetworkId) -> StoreResult<()>;
    async fn set_network_status(
        &self,
        id: NetworkId,
        status: SearchStatus,
        error: Option<&str>,
    ) -> StoreResult<()>;
    /// Stores the graph and the report and marks the network done, in one transaction.
    async fn finish_network(&self, id: NetworkId, outcome: &NetworkOutcome) -> StoreResult<()>;
    async fn network_graph(&self, viewer: UserId, id: NetworkId) -> StoreResult<Option<Vec<u8>>>;
    /// The project's scraping jobs in a scope: those named, and those started from its sessions.
    async fn scope_crawls(&self, project: ProjectId, scope: &NetworkScope) -> StoreResult<Vec<CrawlId>>;
    /// The sessions' results that were not excluded, in list order.
    async fn network_search_hits(
        &self,
        project: ProjectId,
        sessions: &[SearchSessionId],
    ) -> StoreResult<Vec<NetworkSearchHit>>;
    /// Term counts per website over the analysed pages of these scraping jobs, one page per
    /// URL; `languages` (if any) keeps pages in those languages.
    async fn network_term_counts(
        &self,
        project: ProjectId,
        crawls: &[CrawlId],
        kind: TermKind,
        unit: SiteUnit,
        languages: &[String],
    ) -> StoreResult<Vec<SiteTermCount>>;
    /// Outlinks of the fetched pages of these scraping jobs, one page per URL.
    async fn network_page_links(
        &self,
        project: ProjectId,
        crawls: &[CrawlId],
    ) -> StoreResult<Vec<PageOutlinks>>;
}

/// What the evidence behind a network's nodes and edges is read from. Each list is the
/// candidates on the given registrable domains; the caller keeps those of the website it
/// asks about (an actor may be a host or a URL prefix of a domain).
#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// The sessions' results on these domains that were not excluded, in list order.
    async fn search_evidence(
        &self,
        project: ProjectId,
        sessions: &[SearchSessionId],
        domains: &[String],
    ) -> StoreResult<Vec<SearchEvidence>>;
    /// The analysed pages (one per URL) of these scraping jobs on these domains that use
    /// the term, by page id; `languages` (if any) keeps pages in those languages.
    async fn term_pages(
        &self,
        project: ProjectId,
        crawls: &[CrawlId],
        term: TermKey<'_>,
        domains: &[String],
        languages: &[String],
    ) -> StoreResult<Vec<TermPage>>;
    /// The fetched pages (one per URL) of these scraping jobs on these domains, with their
    /// outlinks and anchor texts, by page id.
    async fn link_pages(
        &self,
        project: ProjectId,
        crawls: &[CrawlId],
        domains: &[String],
    ) -> StoreResult<Vec<LinkPage>>;
    /// The stored main texts of these pages of the project.
    async fn page_texts(&self, project: ProjectId, pages: &[PageId]) -> StoreResult<Vec<(PageId, String)>>;
}

/// What makes crawling polite across every job, user and process: per-host gates and the
/// shared robots.txt cache.
#[async_trait]
pub trait PolitenessStore: Send + Sync {
    /// Asks the host's gate for a request slot (one atomic step, on the database's clock).
    async fn gate_acquire(&self, request: &GateRequest<'_>) -> StoreResult<GateAnswer>;
    /// Frees a slot [`PolitenessStore::gate_acquire`] granted.
    async fn gate_release(&self, host: &str, token: &str) -> StoreResult<()>;
    async fn robots_txt(&self, origin: &str) -> StoreResult<Option<StoredRobots>>;
    async fn put_robots_txt(&self, origin: &str, robots: &StoredRobots) -> StoreResult<()>;
}

#[async_trait]
pub trait Store:
    ProjectStore
    + SearchStore
    + CrawlStore
    + PolitenessStore
    + AnalysisStore
    + NetworkStore
    + EvidenceStore
    + WebsiteStore
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    fn backend(&self) -> BackendKind;
    fn pool(&self) -> DbPool;
    fn pool_stats(&self) -> PoolStats;

    /// Applies our migrations and the queue engine's.
    async fn migrate(&self) -> StoreResult<()>;
    /// Versions of our migrations not yet applied.
    async fn pending_migrations(&self) -> StoreResult<Vec<i64>>;
    async fn ping(&self) -> StoreResult<()>;
    /// Whether the database server answers, outside the pool (see `PostgresStore`).
    async fn probe(&self) -> StoreResult<()>;
    async fn close(&self);

    // Users
    async fn create_user(&self, new: NewUser) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn credentials(&self, username: &str) -> StoreResult<Option<UserCredentials>>;
    async fn list_users(&self, page: PageRequest) -> StoreResult<Vec<User>>;
    async fn set_user_disabled(&self, id: UserId, disabled: bool) -> StoreResult<User>;
    async fn set_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()>;
    /// Deletes the account. What it made in projects with other members stays with them
    /// (passed to an owner; a remaining member becomes owner when it had the only one; its
    /// default project, if shared, becomes an ordinary project); the rest goes with it.
    async fn delete_user(&self, id: UserId) -> StoreResult<()>;
    async fn count_active_admins(&self) -> StoreResult<i64>;
    /// The user's saved preferences as a JSON object (`{}` until first saved).
    async fn user_preferences(&self, id: UserId) -> StoreResult<serde_json::Value>;
    /// Replaces the user's saved preferences.
    async fn set_user_preferences(&self, id: UserId, preferences: &serde_json::Value) -> StoreResult<()>;

    // Login sessions (the JWT `jti`)
    async fn create_session(&self, new: NewAuthSession) -> StoreResult<AuthSession>;
    /// A session and its user, if the session exists, is unrevoked and unexpired at `now`.
    async fn live_session(&self, id: &str, now: DateTime<Utc>) -> StoreResult<Option<(AuthSession, User)>>;
    async fn revoke_session(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes every live session of a user, optionally sparing one.
    async fn revoke_user_sessions(
        &self,
        user_id: UserId,
        except: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    // Jobs, for readers: a project's jobs to its members, a job without a project to its owner
    /// Writes the job row and its queue task atomically.
    async fn enqueue_job(&self, new: NewJob) -> StoreResult<Job>;
    async fn job(&self, viewer: UserId, id: JobId) -> StoreResult<Option<Job>>;
    async fn list_jobs(&self, viewer: UserId, filter: &JobFilter, page: PageRequest)
    -> StoreResult<Vec<Job>>;
    /// Queued jobs end `cancelled` at once; running ones get `cancel_requested`.
    /// `Conflict` when the job has already finished.
    async fn request_cancel(&self, viewer: UserId, id: JobId) -> StoreResult<Job>;
    async fn job_counts(&self) -> StoreResult<Vec<JobCount>>;

    // Jobs, for workers (not scoped: workers act for every project)
    /// Marks a job running for `worker`. `None` when it is no longer runnable
    /// (cancelled while queued, or already finished by an earlier attempt), or when it runs
    /// on another worker whose process beat since `holder_live_since` (the queue engine
    /// handed the same task out twice: the holder is alive and finishes it). A running job
    /// whose holder went silent is taken over.
    async fn claim_job(
        &self,
        id: JobId,
        worker: &str,
        holder_live_since: DateTime<Utc>,
    ) -> StoreResult<Option<Job>>;
    /// Records progress; returns whether cancellation has been requested.
    async fn record_progress(&self, id: JobId, progress: &JobProgress) -> StoreResult<bool>;
    async fn finish_job(&self, id: JobId, outcome: JobOutcome) -> StoreResult<()>;

    // Worker heartbeats
    async fn worker_heartbeat(&self, beat: &WorkerBeat, now: DateTime<Utc>) -> StoreResult<()>;
    async fn latest_worker_heartbeat(&self) -> StoreResult<Option<DateTime<Utc>>>;
    async fn remove_worker(&self, id: &str) -> StoreResult<()>;
    /// Ids of the worker processes serving `queue` that have beaten since `since`.
    async fn live_queue_workers(&self, queue: Queue, since: DateTime<Utc>) -> StoreResult<Vec<String>>;
    /// Seconds since the queue engine last heard from its worker `name`, by the database's
    /// clock (no skew between hosts); `None` when no such worker is registered.
    async fn queue_worker_silence(&self, name: &str) -> StoreResult<Option<f64>>;

    // Retention, in bounded batches so a cleanup job can checkpoint between them
    async fn purge_sessions(&self, expired_before: DateTime<Utc>, limit: u32) -> StoreResult<u64>;
    async fn purge_finished_jobs(&self, before: DateTime<Utc>, limit: u32) -> StoreResult<u64>;
    async fn purge_stale_workers(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    async fn purge_queue_tasks(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn credentials_in_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://obs:s3cr@t@db:5432/obs"),
            "postgres://obs:***@db:5432/obs"
        );
        assert_eq!(
            redact_url("http://user:pass@searx/search?q=a@b"),
            "http://user:***@searx/search?q=a@b"
        );
        assert_eq!(redact_url("https://TOKEN@searx.lab/"), "https://***@searx.lab/");
        assert_eq!(redact_url("http://searx:8080/?q=x@y"), "http://searx:8080/?q=x@y");
        assert_eq!(redact_url("sqlite://observatory.db"), "sqlite://observatory.db");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
