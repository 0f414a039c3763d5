//! Search storage behaviour on every backend (SQLite always, PostgreSQL when configured).

use chrono::Utc;
use serde_json::json;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

fn page(after: Option<i64>, limit: u32) -> PageRequest {
    PageRequest { after, limit }
}

pub(crate) fn new_session(owner: UserId, queries: &[&str]) -> NewSearchSession {
    NewSearchSession {
        owner_id: owner,
        project_id: None,
        name: "energy".into(),
        engine: "serper".into(),
        params: json!({"max_results": 10}),
        snapshot_of: None,
        queries: queries
            .iter()
            .map(|q| NewSearchQuery {
                text: (*q).into(),
                params: json!({"text": q}),
            })
            .collect(),
        manual_results: None,
    }
}

pub(crate) fn result(rank: i32, url: &str, domain: &str) -> NewSearchResult {
    NewSearchResult {
        rank,
        page: 0,
        url: url.into(),
        normalized_url: url.into(),
        host: domain.into(),
        domain: domain.into(),
        title: Some(format!("title {rank}")),
        snippet: None,
        published: None,
        excluded: false,
        exclusion_reason: None,
    }
}

pub(crate) fn outcome(results: Vec<NewSearchResult>) -> QueryOutcome {
    QueryOutcome {
        status: SearchStatus::Done,
        error: None,
        shortfall: None,
        requests: 1,
        raw_pages: vec![NewRawPage {
            page: 0,
            request: json!({"method": "POST"}),
            status: 200,
            body_gzip: vec![1, 2, 3],
            fetched_at: Utc::now(),
        }],
        results,
    }
}

#[tokio::test]
async fn overlap_between_queries_is_kept_and_unique_lists_collapse_it() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let session = s
        .create_search_session(new_session(alice.id, &["wind power", "solar"]))
        .await
        .unwrap();
    assert_eq!(session.status, SearchStatus::Queued);
    let queries = s.search_queries(alice.id, session.id).await.unwrap();
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0].text, "wind power");

    // The second query finishes first (queries run side by side); lists keep query order.
    let mut excluded = result(2, "https://spam.com/", "spam.com");
    excluded.excluded = true;
    excluded.exclusion_reason = Some("domain spam.com is excluded".into());
    s.start_search_query(queries[1].id).await.unwrap();
    s.finish_search_query(
        queries[1].id,
        &outcome(vec![result(1, "https://ens.dk/b", "ens.dk"), excluded]),
    )
    .await
    .unwrap();

    s.start_search_query(queries[0].id).await.unwrap();
    s.finish_search_query(
        queries[0].id,
        &outcome(vec![
            result(1, "https://dr.dk/a", "dr.dk"),
            result(2, "https://ens.dk/b", "ens.dk"),
            result(3, "https://www.dr.dk/c", "dr.dk"),
        ]),
    )
    .await
    .unwrap();
    let counts = s
        .search_session_counts(project_of(s, alice.id).await, session.id)
        .await
        .unwrap();
    assert_eq!(counts.queries, 2);
    assert_eq!(counts.queries_done, 2);
    assert_eq!(counts.results, 5);
    assert_eq!(counts.excluded, 1);
    assert_eq!(counts.unique_urls, 3);
    assert_eq!(counts.unique_domains, 2);

    // Every query↔rank link survives: ens.dk/b appears under both queries.
    let all = s
        .list_search_results(alice.id, session.id, &ResultFilter::default(), page(None, 100))
        .await
        .unwrap();
    let shared: Vec<_> = all
        .iter()
        .filter(|r| r.normalized_url == "https://ens.dk/b")
        .map(|r| (r.query_text.as_str(), r.rank))
        .collect();
    assert_eq!(shared, vec![("wind power", 2), ("solar", 1)]);
    let order: Vec<(&str, i32)> = all.iter().map(|r| (r.query_text.as_str(), r.rank)).collect();
    assert_eq!(
        order,
        vec![
            ("wind power", 1),
            ("wind power", 2),
            ("wind power", 3),
            ("solar", 1),
            ("solar", 2)
        ]
    );
    assert!(all.iter().all(|r| r.raw_page_id.is_some()));

    let urls = s
        .session_urls(alice.id, session.id, page(None, 100))
        .await
        .unwrap();
    assert_eq!(urls.len(), 3);
    let b = urls
        .iter()
        .find(|u| u.normalized_url == "https://ens.dk/b")
        .unwrap();
    assert_eq!((b.queries, b.results, b.best_rank), (2, 2, 1));

    let domains = s
        .session_domains(alice.id, session.id, page(None, 100))
        .await
        .unwrap();
    let dr = domains.iter().find(|d| d.domain == "dr.dk").unwrap();
    assert_eq!((dr.urls, dr.results, dr.queries, dr.best_rank), (2, 2, 1, 1));
    assert!(
        domains.iter().all(|d| d.domain != "spam.com"),
        "excluded results are not in the unique lists"
    );

    // Filters and keyset pages in rank order.
    let first = s
        .list_search_results(alice.id, session.id, &ResultFilter::default(), page(None, 2))
        .await
        .unwrap();
    let next = s
        .list_search_results(
            alice.id,
            session.id,
            &ResultFilter::default(),
            page(Some(first[1].ordinal), 10),
        )
        .await
        .unwrap();
    assert_eq!(first.len() + next.len(), 5);
    assert_eq!(next[0].rank, 3);
    let only_excluded = ResultFilter {
        excluded: Some(true),
        ..ResultFilter::default()
    };
    let ex = s
        .list_search_results(alice.id, session.id, &only_excluded, page(None, 10))
        .await
        .unwrap();
    assert_eq!(ex.len(), 1);
    assert_eq!(
        ex[0].exclusion_reason.as_deref(),
        Some("domain spam.com is excluded")
    );
    let by_domain = ResultFilter {
        domain: Some("dr.dk".into()),
        query_id: Some(queries[0].id),
        ..ResultFilter::default()
    };
    assert_eq!(
        s.list_search_results(alice.id, session.id, &by_domain, page(None, 10))
            .await
            .unwrap()
            .len(),
        2
    );

    let ranked = s.session_ranked_urls(alice.id, session.id).await.unwrap();
    assert_eq!(ranked.len(), 4);
    assert_eq!(ranked[3].query_text, "solar");

    let raw = s
        .search_raw_page(alice.id, session.id, all[0].raw_page_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(raw.body_gzip, vec![1, 2, 3]);
}

#[tokio::test]
async fn other_users_see_nothing() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let mallory = user(s, "mallory").await;
    let session = s
        .create_search_session(new_session(alice.id, &["q"]))
        .await
        .unwrap();
    let q = s.search_queries(alice.id, session.id).await.unwrap()[0].id;
    s.start_search_query(q).await.unwrap();
    s.finish_search_query(q, &outcome(vec![result(1, "https://a.dk/", "a.dk")]))
        .await
        .unwrap();
    let raw_id = s
        .list_search_results(alice.id, session.id, &ResultFilter::default(), page(None, 1))
        .await
        .unwrap()[0]
        .raw_page_id
        .unwrap();

    assert!(s.search_session(mallory.id, session.id).await.unwrap().is_none());
    assert!(s.search_queries(mallory.id, session.id).await.unwrap().is_empty());
    assert_eq!(
        s.search_session_counts(project_of(s, mallory.id).await, session.id)
            .await
            .unwrap(),
        SessionCounts::default()
    );
    assert!(
        s.list_search_results(mallory.id, session.id, &ResultFilter::default(), page(None, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.session_urls(mallory.id, session.id, page(None, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.session_domains(mallory.id, session.id, page(None, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.session_ranked_urls(mallory.id, session.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.search_raw_page(mallory.id, session.id, raw_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.list_search_sessions(mallory.id, None, None, page(None, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.delete_search_session(mallory.id, session.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(s.search_session(alice.id, session.id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_restarted_query_leaves_nothing_half_written() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let session = s
        .create_search_session(new_session(alice.id, &["q"]))
        .await
        .unwrap();
    let q = s.search_queries(alice.id, session.id).await.unwrap()[0].id;
    s.start_search_query(q).await.unwrap();
    s.finish_search_query(
        q,
        &outcome(vec![
            result(1, "https://a.dk/", "a.dk"),
            result(2, "https://b.dk/", "b.dk"),
        ]),
    )
    .await
    .unwrap();
    // Run again (a worker died after finishing but before the job was marked done).
    s.start_search_query(q).await.unwrap();
    let counts = s
        .search_session_counts(project_of(s, alice.id).await, session.id)
        .await
        .unwrap();
    assert_eq!((counts.results, counts.queries_running), (0, 1));
    s.finish_search_query(q, &outcome(vec![result(1, "https://c.dk/", "c.dk")]))
        .await
        .unwrap();
    let counts = s
        .search_session_counts(project_of(s, alice.id).await, session.id)
        .await
        .unwrap();
    assert_eq!((counts.results, counts.queries_done), (1, 1));
    let query = &s.search_queries(alice.id, session.id).await.unwrap()[0];
    assert_eq!(query.result_count, 1);
}

#[tokio::test]
async fn statuses_snapshots_manual_lists_and_cascading_delete() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let alice = user(s, "alice").await;
    let original = s
        .create_search_session(new_session(alice.id, &["a", "b"]))
        .await
        .unwrap();
    s.set_search_session_status(original.id, SearchStatus::Running)
        .await
        .unwrap();
    let running = s.search_session(alice.id, original.id).await.unwrap().unwrap();
    assert!(running.started_at.is_some() && running.finished_at.is_none());
    assert_eq!(s.cancel_unfinished_queries(original.id).await.unwrap(), 2);
    s.set_search_session_status(original.id, SearchStatus::Cancelled)
        .await
        .unwrap();
    let cancelled = s.search_session(alice.id, original.id).await.unwrap().unwrap();
    assert_eq!(cancelled.status, SearchStatus::Cancelled);
    assert!(cancelled.finished_at.is_some());

    let mut again = new_session(alice.id, &["a", "b"]);
    again.snapshot_of = Some(original.id);
    let snapshot = s.create_search_session(again).await.unwrap();
    let other = s
        .create_search_session(new_session(alice.id, &["z"]))
        .await
        .unwrap();
    let family: Vec<_> = s
        .list_search_sessions(alice.id, None, Some(original.id), page(None, 10))
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(family, vec![snapshot.id, original.id]);
    let everything = s
        .list_search_sessions(alice.id, None, None, page(None, 2))
        .await
        .unwrap();
    assert_eq!(everything[0].id, other.id);

    let mut manual = new_session(alice.id, &["manual URL list"]);
    manual.engine = "manual".into();
    manual.manual_results = Some(vec![
        result(1, "https://x.dk/", "x.dk"),
        result(2, "https://y.dk/", "y.dk"),
    ]);
    let manual = s.create_search_session(manual).await.unwrap();
    assert_eq!(manual.status, SearchStatus::Done);
    let counts = s
        .search_session_counts(project_of(s, alice.id).await, manual.id)
        .await
        .unwrap();
    assert_eq!(
        (counts.queries_done, counts.results, counts.unique_urls),
        (1, 2, 2)
    );

    let many = s
        .search_session_counts_many(alice.id, &[original.id, manual.id, snapshot.id])
        .await
        .unwrap();
    assert_eq!(many[&manual.id], counts);
    assert_eq!(
        many[&original.id],
        s.search_session_counts(project_of(s, alice.id).await, original.id)
            .await
            .unwrap()
    );
    assert_eq!(many[&original.id].queries_cancelled, 2);
    let bob = user(s, "bob").await;
    assert!(
        s.search_session_counts_many(bob.id, &[original.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.search_session_counts_many(alice.id, &[])
            .await
            .unwrap()
            .is_empty()
    );

    let job = s
        .enqueue_job(NewJob {
            owner_id: alice.id,
            project_id: None,
            kind: "search_session".into(),
            queue: Queue::Search,
            priority: Priority::Interactive,
            payload: json!({"session_id": original.id}),
        })
        .await
        .unwrap();
    s.set_search_session_job(original.id, job.id).await.unwrap();
    assert_eq!(
        s.search_session(alice.id, original.id)
            .await
            .unwrap()
            .unwrap()
            .job_id,
        Some(job.id)
    );

    s.delete_search_session(alice.id, original.id).await.unwrap();
    assert!(s.search_session(alice.id, original.id).await.unwrap().is_none());
    assert!(s.search_session_for_worker(original.id).await.unwrap().is_none());
    let orphan = s.search_session(alice.id, snapshot.id).await.unwrap().unwrap();
    assert_eq!(
        orphan.snapshot_of, None,
        "a snapshot outlives the session it re-ran"
    );
    // Deleting a user removes their sessions.
    s.delete_user(alice.id).await.unwrap();
    assert!(s.search_session_for_worker(manual.id).await.unwrap().is_none());
}
