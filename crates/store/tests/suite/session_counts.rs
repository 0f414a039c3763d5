//! A search session's counters are kept by triggers; after every kind of change they must
//! equal a recount over the session's queries and results.

use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};
use crate::search::{new_session, outcome, result};

/// The counters as the session views used to compute them: grouped and distinct-counted
/// over every query and result of the session.
async fn recount(db: &TestDb, session: SearchSessionId) -> SessionCounts {
    let statuses = "SELECT status, COUNT(*) FROM search_queries WHERE session_id = $1 GROUP BY status";
    let results = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN excluded THEN 1 ELSE 0 END), 0), \
                   COUNT(DISTINCT CASE WHEN excluded THEN NULL ELSE normalized_url END), \
                   COUNT(DISTINCT CASE WHEN excluded THEN NULL ELSE domain END) \
                   FROM search_results WHERE session_id = $1";
    type Totals = (i64, i64, i64, i64);
    let (statuses, totals): (Vec<(String, i64)>, Totals) = match db.store.pool() {
        DbPool::Postgres(pool) => (
            sqlx::query_as(statuses)
                .bind(session)
                .fetch_all(&pool)
                .await
                .unwrap(),
            sqlx::query_as(results)
                .bind(session)
                .fetch_one(&pool)
                .await
                .unwrap(),
        ),
        DbPool::Sqlite(pool) => (
            sqlx::query_as(statuses)
                .bind(session)
                .fetch_all(&pool)
                .await
                .unwrap(),
            sqlx::query_as(results)
                .bind(session)
                .fetch_one(&pool)
                .await
                .unwrap(),
        ),
    };
    let mut c = SessionCounts {
        results: totals.0,
        excluded: totals.1,
        unique_urls: totals.2,
        unique_domains: totals.3,
        ..SessionCounts::default()
    };
    for (status, n) in statuses {
        c.queries += n;
        match status.parse::<SearchStatus>().unwrap() {
            SearchStatus::Queued => c.queries_queued += n,
            SearchStatus::Running => c.queries_running += n,
            SearchStatus::Done => c.queries_done += n,
            SearchStatus::Failed => c.queries_failed += n,
            SearchStatus::Cancelled => c.queries_cancelled += n,
        }
    }
    c
}

/// Runs one statement straight on the database: the triggers must hold for any writer,
/// not only for the store's own statements.
async fn execute(db: &TestDb, sql: &'static str, session: SearchSessionId) {
    match db.store.pool() {
        DbPool::Postgres(pool) => sqlx::query(sql).bind(session).execute(&pool).await.map(|_| ()),
        DbPool::Sqlite(pool) => sqlx::query(sql).bind(session).execute(&pool).await.map(|_| ()),
    }
    .unwrap();
}

async fn count(db: &TestDb, sql: &'static str) -> i64 {
    match db.store.pool() {
        DbPool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap(),
        DbPool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap(),
    }
}

fn excluded(rank: i32, url: &str, domain: &str) -> NewSearchResult {
    NewSearchResult {
        excluded: true,
        exclusion_reason: Some(format!("domain {domain} is excluded")),
        ..result(rank, url, domain)
    }
}

#[tokio::test]
async fn session_counters_are_kept_exact_by_every_kind_of_change() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let session = s
        .create_search_session(new_session(alice.id, &["wind", "solar", "coal"]))
        .await
        .unwrap();
    let check = async |what: &str| {
        let kept = s
            .search_session_counts(project_of(s, alice.id).await, session.id)
            .await
            .unwrap();
        assert_eq!(kept, recount(&db, session.id).await, "after {what}");
        let listed = s
            .search_session_counts_many(alice.id, &[session.id])
            .await
            .unwrap();
        assert_eq!(listed[&session.id], kept, "listed after {what}");
        kept
    };
    assert_eq!(check("creation").await.queries_queued, 3);
    let queries = s.search_queries(alice.id, session.id).await.unwrap();

    s.start_search_query(queries[0].id).await.unwrap();
    check("a query starting").await;
    s.finish_search_query(
        queries[0].id,
        &outcome(vec![
            result(1, "https://dr.dk/a", "dr.dk"),
            result(2, "https://dr.dk/b", "dr.dk"),
            excluded(3, "https://spam.com/", "spam.com"),
        ]),
    )
    .await
    .unwrap();
    check("a query's results").await;

    // Overlap with the first query, and a URL both kept here and excluded there.
    s.start_search_query(queries[1].id).await.unwrap();
    s.finish_search_query(
        queries[1].id,
        &outcome(vec![
            result(1, "https://dr.dk/a", "dr.dk"),
            result(2, "https://spam.com/", "spam.com"),
            result(3, "https://ens.dk/", "ens.dk"),
        ]),
    )
    .await
    .unwrap();
    let both = check("an overlapping query").await;
    assert_eq!(
        (both.results, both.excluded, both.unique_urls, both.unique_domains),
        (6, 1, 4, 3)
    );

    // A re-run discards the first run's results and writes others.
    s.start_search_query(queries[1].id).await.unwrap();
    let rerun = check("a re-run discarding results").await;
    assert_eq!((rerun.unique_urls, rerun.unique_domains), (2, 1));
    s.finish_search_query(
        queries[1].id,
        &outcome(vec![result(1, "https://ens.dk/", "ens.dk")]),
    )
    .await
    .unwrap();
    check("a re-run's results").await;

    // Exclusion changed afterwards, by any writer, and every result of a domain removed.
    execute(
        &db,
        "UPDATE search_results SET excluded = TRUE WHERE session_id = $1 AND normalized_url = 'https://dr.dk/a'",
        session.id,
    )
    .await;
    check("excluding a result").await;
    execute(
        &db,
        "UPDATE search_results SET excluded = FALSE WHERE session_id = $1 AND domain = 'spam.com'",
        session.id,
    )
    .await;
    check("including a result").await;
    execute(
        &db,
        "UPDATE search_results SET raw_page_id = NULL WHERE session_id = $1",
        session.id,
    )
    .await;
    check("an update of nothing counted").await;
    execute(
        &db,
        "DELETE FROM search_results WHERE session_id = $1 AND domain = 'dr.dk'",
        session.id,
    )
    .await;
    let gone = check("deleting a domain's results").await;
    assert_eq!(gone.unique_domains, 2, "spam.com and ens.dk are left");

    s.cancel_unfinished_queries(session.id).await.unwrap();
    assert_eq!(check("cancelling").await.queries_cancelled, 1);

    // Another session's counters are its own; a deleted session's go with it.
    let other = s
        .create_search_session(new_session(alice.id, &["wind"]))
        .await
        .unwrap();
    let other_query = s.search_queries(alice.id, other.id).await.unwrap()[0].id;
    s.start_search_query(other_query).await.unwrap();
    s.finish_search_query(other_query, &outcome(vec![result(1, "https://dr.dk/a", "dr.dk")]))
        .await
        .unwrap();
    check("another session's results").await;
    assert_eq!(
        s.search_session_counts(project_of(s, alice.id).await, other.id)
            .await
            .unwrap(),
        recount(&db, other.id).await
    );
    let bob = user(s, "bob").await;
    assert_eq!(
        s.search_session_counts(project_of(s, bob.id).await, session.id)
            .await
            .unwrap(),
        SessionCounts::default(),
        "another user's session reads as empty"
    );
    s.delete_search_session(alice.id, session.id).await.unwrap();
    s.delete_search_session(alice.id, other.id).await.unwrap();
    for sql in [
        "SELECT COUNT(*) FROM search_session_counts",
        "SELECT COUNT(*) FROM search_session_urls",
        "SELECT COUNT(*) FROM search_session_domains",
    ] {
        assert_eq!(count(&db, sql).await, 0, "{sql} after deleting the sessions");
    }
}

#[tokio::test]
async fn queries_of_one_session_finishing_at_once_keep_its_counters_exact() {
    let db = TestDb::new().await;
    let s = db.store.clone();
    let alice = user(s.as_ref(), "alice").await;
    let texts: Vec<String> = (0..6).map(|i| format!("query {i}")).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let session = s
        .create_search_session(new_session(alice.id, &texts))
        .await
        .unwrap();
    let queries = s.search_queries(alice.id, session.id).await.unwrap();
    // Every query shares most URLs and domains with the others, so their tallies collide;
    // each query runs twice (a re-run removes before it adds).
    for round in 0..2 {
        let runs: Vec<_> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let s = s.clone();
                let id = q.id;
                tokio::spawn(async move {
                    let results = (0..20)
                        .map(|r| {
                            let n = (r + i + round) % 25;
                            result(
                                r as i32 + 1,
                                &format!("https://site{}.dk/{n}", n % 7),
                                &format!("site{}.dk", n % 7),
                            )
                        })
                        .collect();
                    s.start_search_query(id).await.unwrap();
                    s.finish_search_query(id, &outcome(results)).await.unwrap();
                })
            })
            .collect();
        for run in runs {
            run.await.unwrap();
        }
    }
    let kept = s
        .search_session_counts(project_of(s.as_ref(), alice.id).await, session.id)
        .await
        .unwrap();
    assert_eq!(kept, recount(&db, session.id).await);
    assert_eq!(
        (kept.queries_done, kept.results, kept.unique_domains),
        (6, 120, 7)
    );
}
