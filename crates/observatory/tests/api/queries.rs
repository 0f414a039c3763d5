//! What list endpoints ask of the database: a constant number of statements whatever the
//! page size (no N+1), and, on PostgreSQL, no sequential scan of a large table.
//!
//! Statements are seen through sqlx's statement log (`database.log_statements`), attributed
//! to the HTTP request whose span they ran in; each test's URIs carry a unique marker.

use std::collections::HashMap;
use std::sync::{Mutex, Once, OnceLock};

use observatory::startup::ServeMode;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::{
    NewCrawl, NewFrontierUrl, NewNetwork, NewSearchQuery, NewSearchResult, NewSearchSession, QueryOutcome,
};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::helpers::{TestApp, spawn_app_with};

/// Statements (full SQL, placeholders not values) by request URI.
fn recorded() -> &'static Mutex<HashMap<String, Vec<String>>> {
    static RECORDED: OnceLock<Mutex<HashMap<String, Vec<String>>>> = OnceLock::new();
    RECORDED.get_or_init(Default::default)
}

struct RequestUri(String);

#[derive(Default)]
struct Fields {
    uri: Option<String>,
    summary: Option<String>,
    statement: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = Some(value.to_owned()),
            "db.statement" => self.statement = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "uri" => self.uri = Some(format!("{value:?}")),
            "summary" => self.summary = Some(format!("{value:?}").trim_matches('"').to_owned()),
            "db.statement" => self.statement = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

struct StatementRecorder;

impl<S> Layer<S> for StatementRecorder
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "request" {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(uri), Some(span)) = (fields.uri, ctx.span(id)) {
            span.extensions_mut().insert(RequestUri(uri));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if !event.metadata().target().starts_with("sqlx::query") {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(RequestUri(uri)) = span.extensions().get::<RequestUri>() {
                let mut fields = Fields::default();
                event.record(&mut fields);
                let sql = fields
                    .statement
                    .filter(|s| !s.trim().is_empty())
                    .or(fields.summary)
                    .unwrap_or_default();
                let mut recorded = recorded().lock().unwrap();
                recorded
                    .entry(uri.clone())
                    .or_default()
                    .push(sql.trim().to_owned());
                return;
            }
        }
    }
}

fn install_recorder() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let only_ours = tracing_subscriber::filter::filter_fn(|m| {
            m.target().starts_with("sqlx::query") || (m.is_span() && m.name() == "request")
        });
        let subscriber = tracing_subscriber::registry().with(StatementRecorder.with_filter(only_ours));
        // Another test may have installed one first; then nothing is recorded and the
        // assertions below fail loudly rather than pass.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

async fn statements(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let _: Value = res.json().await.unwrap();
    let uri = path.to_owned();
    let mut issued = recorded().lock().unwrap().remove(&uri).unwrap_or_default();
    // A connection the pool happens to open during the request runs its set-up pragmas;
    // they are the pool's doing, not statements the endpoint issues.
    issued.retain(|sql| !sql.starts_with("PRAGMA "));
    issued
}

async fn app_logging_statements() -> TestApp {
    install_recorder();
    spawn_app_with(|s| s.database.log_statements = true, ServeMode::default()).await
}

/// `sessions` finished sessions of 2 queries × 3 results, plus crawls and networks.
async fn seed(app: &TestApp, owner: store::UserId, sessions: usize) {
    let store = app.store.as_ref();
    for n in 0..sessions {
        let session = store
            .create_search_session(NewSearchSession {
                owner_id: owner,
                project_id: None,
                name: format!("s{n}"),
                engine: "serper".into(),
                params: json!({}),
                snapshot_of: None,
                queries: (0..2)
                    .map(|q| NewSearchQuery {
                        text: format!("q{q}"),
                        params: json!({}),
                    })
                    .collect(),
                manual_results: None,
            })
            .await
            .unwrap();
        for q in store.search_queries(owner, session.id).await.unwrap() {
            let results = (0..3)
                .map(|r| NewSearchResult {
                    rank: r + 1,
                    page: 0,
                    url: format!("https://site{r}.dk/{n}"),
                    normalized_url: format!("https://site{r}.dk/{n}"),
                    host: format!("site{r}.dk"),
                    domain: format!("site{r}.dk"),
                    title: None,
                    snippet: None,
                    published: None,
                    excluded: false,
                    exclusion_reason: None,
                })
                .collect();
            store.start_search_query(q.id).await.unwrap();
            store
                .finish_search_query(
                    q.id,
                    &QueryOutcome {
                        status: store::SearchStatus::Done,
                        error: None,
                        shortfall: None,
                        requests: 1,
                        raw_pages: vec![],
                        results,
                    },
                )
                .await
                .unwrap();
        }
        let crawl = store
            .create_crawl(NewCrawl {
                owner_id: owner,
                project_id: None,
                name: format!("c{n}"),
                config: json!({}),
                sources: json!({}),
                sessions: vec![session.id],
                seeds: vec![NewFrontierUrl {
                    url: format!("https://site0.dk/{n}"),
                    site: "site0.dk".into(),
                    depth: 0,
                    parent_url: None,
                    skipped: None,
                }],
            })
            .await
            .unwrap();
        store
            .create_network(NewNetwork {
                owner_id: owner,
                project_id: None,
                name: format!("n{n}"),
                kind: "query-website".into(),
                scope: store::NetworkScope {
                    sessions: vec![session.id],
                    crawls: vec![crawl.id],
                },
                params: json!({}),
            })
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn list_endpoints_issue_a_constant_number_of_statements() {
    let app = app_logging_statements().await;
    let (user, token) = app.user_with_token("counter", false).await;
    seed(&app, user.id, 30).await;
    let marker = uuid::Uuid::new_v4().simple().to_string();
    // With the cache on (Redis runs), the login-session lookup is cached from here on; with
    // it off, every request makes it. Either way both page sizes below are alike.
    statements(&app, &token, &format!("/api/auth/me?probe={marker}")).await;
    for list in [
        "/api/search/sessions",
        "/api/crawls",
        "/api/networks",
        "/api/jobs",
    ] {
        // Each first request is a cache miss: its own page size is its own cache key.
        let small = statements(&app, &token, &format!("{list}?limit=2&probe={marker}")).await;
        let large = statements(&app, &token, &format!("{list}?limit=25&probe={marker}")).await;
        assert!(
            !small.is_empty(),
            "{list}: no statements recorded; is the recorder installed?"
        );
        assert_eq!(
            small.len(),
            large.len(),
            "{list}: {} statements for 2 items, {} for 25:\n{large:#?}",
            small.len(),
            large.len()
        );
        assert!(large.len() <= 4, "{list}: {} statements: {large:#?}", large.len());
        eprintln!("{list}: {} statements per page", large.len());
    }
}

/// Other researchers' data, in bulk, each in their default project: 300 users, 30,000 sessions with a query and 4 results
/// each, 30,000 scraping jobs with a page each, networks and jobs.
const LARGE_BULK: &str = "
INSERT INTO users (username, password_hash, created_at, updated_at)
  SELECT 'bulk' || g, 'x', now(), now() FROM generate_series(1, 300) g;
INSERT INTO search_sessions (owner_id, project_id, name, engine, params, status, created_at, updated_at)
  SELECT u.id, p.id, 'bulk', 'serper', '{}', 'done', now(), now()
  FROM users u JOIN projects p ON p.default_for = u.id, generate_series(1, 100) g WHERE u.username LIKE 'bulk%';
INSERT INTO search_queries (session_id, position, text, params, status)
  SELECT s.id, 0, 'bulk', '{}', 'done' FROM search_sessions s WHERE s.name = 'bulk';
INSERT INTO search_results (session_id, query_id, ordinal, rank, page, url, normalized_url, host, domain, fetched_at)
  SELECT q.session_id, q.id, r, r, 0, 'https://x.dk/' || q.id || '/' || r, 'https://x.dk/' || q.id || '/' || r,
         'x.dk', 'x.dk', now()
  FROM search_queries q, generate_series(1, 4) r WHERE q.text = 'bulk';
INSERT INTO crawl_jobs (owner_id, project_id, name, config, sources, status, created_at, updated_at)
  SELECT owner_id, project_id, 'bulk', '{}', '{}', 'done', now(), now() FROM search_sessions WHERE name = 'bulk';
INSERT INTO pages (crawl_id, owner_id, project_id, frontier_id, url, host, domain, depth, redirects, headers, outlinks, text, fetched_at)
  SELECT c.id, c.owner_id, c.project_id, 0, 'https://x.dk/' || c.id, 'x.dk', 'x.dk', 0, '[]', '{}', '[]', 'bulk text', now()
  FROM crawl_jobs c WHERE c.name = 'bulk';
INSERT INTO networks (owner_id, project_id, name, kind, scope, params, status, created_at, updated_at)
  SELECT owner_id, project_id, 'bulk', 'query-website', '{}', '{}', 'done', now(), now() FROM search_sessions WHERE name = 'bulk';
INSERT INTO app_jobs (owner_id, project_id, kind, queue, priority, status, payload, created_at, updated_at)
  SELECT owner_id, project_id, 'search', 'search', 0, 'succeeded', '{}', now(), now() FROM search_sessions WHERE name = 'bulk';
ANALYZE;
";

/// Sequential scans in a JSON plan, by relation.
fn seq_scans(plan: &Value, found: &mut Vec<String>) {
    if plan["Node Type"] == "Seq Scan"
        && let Some(relation) = plan["Relation Name"].as_str()
    {
        found.push(relation.to_owned());
    }
    if let Some(children) = plan["Plans"].as_array() {
        for child in children {
            seq_scans(child, found);
        }
    }
}

/// The highest `$n` in a statement: how many parameters it takes.
fn parameter_count(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut highest = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'$' {
            let digits: String = sql[i + 1..].chars().take_while(char::is_ascii_digit).collect();
            highest = highest.max(digits.parse().unwrap_or(0));
        }
    }
    highest
}

#[tokio::test]
async fn main_list_queries_use_indexes_on_postgresql() {
    if !std::env::var("OBSERVATORY_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        assert!(
            std::env::var("OBSERVATORY_TEST_EXPECT_BACKEND").as_deref() != Ok("postgres"),
            "the PostgreSQL pass must run this test"
        );
        return; // EXPLAIN plans are PostgreSQL's; runs in CI's PostgreSQL pass.
    }
    let app = app_logging_statements().await;
    let (user, token) = app.user_with_token("planner", false).await;
    seed(&app, user.id, 3).await;
    let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
    sqlx::raw_sql(LARGE_BULK).execute(&pool).await.unwrap();
    let session: i64 = sqlx::query_scalar("SELECT id FROM search_sessions WHERE owner_id = $1 LIMIT 1")
        .bind(user.id)
        .fetch_one(&pool)
        .await
        .unwrap();

    // A sequential scan of a few hundred rows is the right plan; of tens of thousands, not.
    let large: Vec<String> =
        sqlx::query_scalar("SELECT relname::text FROM pg_class WHERE relkind = 'r' AND reltuples >= 10000")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(large.iter().any(|t| t == "search_results"), "{large:?}");
    let crawl: i64 = sqlx::query_scalar("SELECT id FROM crawl_jobs WHERE owner_id = $1 LIMIT 1")
        .bind(user.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let marker = uuid::Uuid::new_v4().simple().to_string();
    let mut explained = 0;
    for path in [
        format!("/api/search/sessions?probe={marker}"),
        format!("/api/search/sessions/{session}/results?probe={marker}"),
        format!("/api/search/sessions/{session}/domains?probe={marker}"),
        format!("/api/search/sessions/{session}/urls?probe={marker}"),
        format!("/api/crawls?probe={marker}"),
        format!("/api/crawls/{crawl}/pages?probe={marker}"),
        format!("/api/networks?probe={marker}"),
        format!("/api/jobs?probe={marker}"),
    ] {
        for (i, sql) in statements(&app, &token, &path).await.into_iter().enumerate() {
            if !sql.trim_start().to_ascii_uppercase().starts_with("SELECT")
                && !sql.trim_start().to_ascii_uppercase().starts_with("WITH")
            {
                continue;
            }
            // A generic plan is the plan for any parameter values: what the planner does
            // with the index, not with one lucky value.
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("SET plan_cache_mode = force_generic_plan")
                .execute(&mut *conn)
                .await
                .unwrap();
            let name = format!("explained_{i}");
            // Types come from context; a parameter only compared with NULL has none, so each
            // such parameter tries the types our columns have until the statement prepares.
            const CANDIDATES: [&str; 4] = ["bigint", "text", "boolean", "timestamptz"];
            let mut types = vec!["unknown"; parameter_count(&sql)];
            let mut trying: Option<(usize, usize)> = None;
            loop {
                let declared = if types.is_empty() {
                    String::new()
                } else {
                    format!("({})", types.join(", "))
                };
                let Err(e) =
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("PREPARE {name} {declared} AS {sql}")))
                        .execute(&mut *conn)
                        .await
                else {
                    break;
                };
                let message = e.to_string();
                let undetermined: Option<usize> = message
                    .strip_prefix(
                        "error returned from database: could not determine data type of parameter $",
                    )
                    .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|d| d.parse().ok());
                trying = match (undetermined, trying) {
                    (Some(n), _) if (1..=types.len()).contains(&n) && types[n - 1] == "unknown" => {
                        Some((n, 0))
                    }
                    (None, Some((n, c))) if c + 1 < CANDIDATES.len() => Some((n, c + 1)),
                    _ => panic!("{path}: cannot prepare {sql}: {message}"),
                };
                if let Some((n, c)) = trying {
                    types[n - 1] = CANDIDATES[c];
                }
            }
            let nulls = vec!["NULL"; parameter_count(&sql)].join(", ");
            let execute = if nulls.is_empty() {
                name.clone()
            } else {
                format!("{name}({nulls})")
            };
            let plan: (Value,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "EXPLAIN (FORMAT JSON) EXECUTE {execute}"
            )))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DEALLOCATE {name}")))
                .execute(&mut *conn)
                .await
                .unwrap();
            let mut scans = Vec::new();
            seq_scans(&plan.0[0]["Plan"], &mut scans);
            scans.retain(|t| large.contains(t));
            assert!(
                scans.is_empty(),
                "{path}: sequential scan of {scans:?} in\n{sql}\n{:#}",
                plan.0
            );
            explained += 1;
        }
    }
    assert!(explained >= 6, "only {explained} statements explained");
}

#[tokio::test]
async fn slow_statements_are_logged_with_their_sql_never_their_values() {
    install_recorder();
    // Every statement is "slow" at a zero threshold; ordinary statement logging stays off.
    let app = spawn_app_with(
        |s| {
            s.database.log_statements = false;
            s.database.slow_query_ms = 0;
        },
        ServeMode::default(),
    )
    .await;
    let (user, token) = app.user_with_token("slowpoke", false).await;
    seed(&app, user.id, 1).await;
    let session: store::SearchSessionId = app
        .store
        .list_search_sessions(
            user.id,
            None,
            None,
            store::PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap()[0]
        .id;
    let marker = uuid::Uuid::new_v4().simple().to_string();
    let logged = statements(
        &app,
        &token,
        &format!("/api/search/sessions/{session}/results?domain=secret-domain.dk&probe={marker}"),
    )
    .await;
    assert!(
        logged.iter().any(|s| s.contains("FROM search_results")),
        "{logged:#?}"
    );
    assert!(logged.iter().all(|s| !s.contains("secret-domain")), "{logged:#?}");

    let quiet = spawn_app_with(|s| s.database.slow_query_ms = 60_000, ServeMode::default()).await;
    let (_, token) = quiet.user_with_token("quick", false).await;
    let none = statements(&quiet, &token, &format!("/api/search/sessions?probe={marker}")).await;
    assert!(none.is_empty(), "{none:#?}");
}
