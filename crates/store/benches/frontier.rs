//! Claiming frontier URLs as the frontier grows: one leased claim of 128 URLs (at most 2 per
//! site, 50 sites skipped as a busy run would) on a crawl whose frontier holds 10 thousand
//! to 10 million queued rows over 500 sites and four depths. A claim reads a bounded window
//! of the `(crawl_id, state, depth, id)` index, so its cost should not grow with the
//! frontier. PostgreSQL (`OBSERVATORY_TEST_DATABASE_URL`) up to 10 million rows, SQLite up
//! to 1 million; `FRONTIER_BENCH_MAX_ROWS` lowers the ceiling. The rows are synthetic, made
//! by the database itself (`generate_series`, a recursive CTE on SQLite).

use chrono::{Duration, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use serde_json::json;
use store::testing::TestDb;
use store::*;

const SIZES: [i64; 4] = [10_000, 100_000, 1_000_000, 10_000_000];

async fn setup() -> (TestDb, CrawlJob) {
    let db = TestDb::new().await;
    let owner = db
        .store
        .create_user(NewUser {
            username: "frontier-bench".into(),
            password_hash: "not a hash".into(),
            is_admin: false,
        })
        .await
        .unwrap();
    let crawl = db
        .store
        .create_crawl(NewCrawl {
            owner_id: owner.id,
            project_id: None,
            name: "frontier bench".into(),
            config: json!({}),
            sources: json!({}),
            sessions: vec![],
            seeds: vec![],
        })
        .await
        .unwrap();
    (db, crawl)
}

/// Adds queued rows `from..to` (1-based) to the crawl's frontier.
async fn grow(db: &TestDb, crawl: CrawlId, from: i64, to: i64) {
    let now = Utc::now();
    match db.store.pool() {
        DbPool::Postgres(pool) => {
            sqlx::query(
                "INSERT INTO crawl_frontier (crawl_id, url, site, depth, state, updated_at) \
                 SELECT $1, 'http://site' || (g % 500) || '.test/p/' || g, 'site' || (g % 500) || '.test', \
                 (g % 4)::int, 'queued', $4 FROM generate_series($2::bigint, $3::bigint) AS g",
            )
            .bind(crawl)
            .bind(from)
            .bind(to)
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query("ANALYZE crawl_frontier")
                .execute(&pool)
                .await
                .unwrap();
        }
        DbPool::Sqlite(pool) => {
            sqlx::query(
                "WITH RECURSIVE g(x) AS (SELECT $2 UNION ALL SELECT x + 1 FROM g WHERE x < $3) \
                 INSERT INTO crawl_frontier (crawl_id, url, site, depth, state, updated_at) \
                 SELECT $1, 'http://site' || (x % 500) || '.test/p/' || x, 'site' || (x % 500) || '.test', \
                 x % 4, 'queued', $4 FROM g",
            )
            .bind(crawl)
            .bind(from)
            .bind(to)
            .bind(now)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        }
    }
}

fn frontier_claims(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (db, crawl) = rt.block_on(setup());
    let ceiling = match db.backend() {
        BackendKind::Postgres => 10_000_000,
        BackendKind::Sqlite => 1_000_000,
    };
    let max_rows = std::env::var("FRONTIER_BENCH_MAX_ROWS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(ceiling)
        .min(ceiling);
    let skip: Vec<String> = (0..50).map(|i| format!("site{i}.test")).collect();
    let mut group = c.benchmark_group(format!("frontier_claim_{:?}", db.backend()).to_lowercase());
    let mut rows = 0;
    for size in SIZES.into_iter().filter(|s| *s <= max_rows) {
        let started = std::time::Instant::now();
        rt.block_on(grow(&db, crawl.id, rows + 1, size));
        eprintln!(
            "frontier of {size} queued rows ready in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        rows = size;
        group.bench_with_input(BenchmarkId::new("claim_128", size), &size, |b, _| {
            b.to_async(&rt).iter_custom(|iters| {
                let store = db.store.clone();
                let skip = skip.clone();
                async move {
                    let mut claiming = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        let claim = FrontierClaim {
                            holder: "bench:1:run",
                            limit: 128,
                            per_site: 2,
                            skip_sites: &skip,
                            lease_until: Utc::now() + Duration::seconds(30),
                        };
                        let t = std::time::Instant::now();
                        let claimed = store.claim_frontier_leased(crawl.id, &claim).await.unwrap();
                        claiming += t.elapsed();
                        assert_eq!(claimed.len(), 128);
                        // Back to the queue, so every claim finds the same frontier.
                        store
                            .release_frontier_leases(crawl.id, "bench:1:run")
                            .await
                            .unwrap();
                    }
                    claiming
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, frontier_claims);
criterion_main!(benches);
