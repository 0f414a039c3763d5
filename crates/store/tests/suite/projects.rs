//! Projects: the migration that moved every user's resources into a default project, and
//! members and roles as the store keeps them.

use chrono::Utc;
use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

/// The last migration before projects.
const BEFORE_PROJECTS: i64 = 20261202000003;

/// Rows as an installation without projects had them: two users, each with a search
/// session, a scraping job, a network and a job. Plain SQL, valid on both backends.
const SEED: [&str; 10] = [
    "INSERT INTO users (id, username, password_hash, is_admin, disabled, created_at, updated_at) \
     VALUES (1, 'ada', 'x', FALSE, FALSE, $1, $1)",
    "INSERT INTO users (id, username, password_hash, is_admin, disabled, created_at, updated_at) \
     VALUES (2, 'bo', 'x', FALSE, FALSE, $1, $1)",
    "INSERT INTO search_sessions (id, owner_id, name, engine, params, status, created_at, updated_at) \
     VALUES (10, 1, 'ada''s', 'manual', '{}', 'done', $1, $1)",
    "INSERT INTO search_sessions (id, owner_id, name, engine, params, status, created_at, updated_at) \
     VALUES (11, 2, 'bo''s', 'manual', '{}', 'done', $1, $1)",
    "INSERT INTO crawl_jobs (id, owner_id, name, config, sources, status, created_at, updated_at) \
     VALUES (20, 1, 'ada''s', '{}', '{}', 'done', $1, $1)",
    "INSERT INTO crawl_jobs (id, owner_id, name, config, sources, status, created_at, updated_at) \
     VALUES (21, 2, 'bo''s', '{}', '{}', 'done', $1, $1)",
    "INSERT INTO networks (id, owner_id, name, kind, scope, params, status, created_at, updated_at) \
     VALUES (30, 1, 'ada''s', 'query-website', '{\"sessions\": [10], \"crawls\": []}', '{}', 'done', $1, $1)",
    "INSERT INTO networks (id, owner_id, name, kind, scope, params, status, created_at, updated_at) \
     VALUES (31, 2, 'bo''s', 'query-website', '{\"sessions\": [11], \"crawls\": []}', '{}', 'done', $1, $1)",
    "INSERT INTO app_jobs (id, owner_id, kind, queue, priority, status, payload, created_at, updated_at) \
     VALUES (40, 1, 'crawl', 'crawl', 0, 'succeeded', '{}', $1, $1)",
    "INSERT INTO app_jobs (id, owner_id, kind, queue, priority, status, payload, created_at, updated_at) \
     VALUES (41, 2, 'crawl', 'crawl', 0, 'succeeded', '{}', $1, $1)",
];

#[tokio::test]
async fn the_migration_moves_every_resource_into_its_owner_s_default_project() {
    let db = TestDb::migrated_until(BEFORE_PROJECTS).await;
    let now = Utc::now();
    for sql in SEED {
        match db.store.pool() {
            DbPool::Sqlite(pool) => {
                sqlx::query(sql).bind(now).execute(&pool).await.unwrap();
            }
            DbPool::Postgres(pool) => {
                // PostgreSQL wants explicit ids over its identity columns said so; the
                // statements stay one text.
                let sql = sql.replace(") VALUES (", ") OVERRIDING SYSTEM VALUE VALUES (");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        }
    }
    db.store.migrate().await.unwrap();
    let s = db.store.as_ref();

    for (user_id, session, crawl, network, job) in [(1, 10, 20, 30, 40), (2, 11, 21, 31, 41)] {
        let user_id = UserId::new(user_id);
        let project = s.default_project(user_id).await.unwrap();
        let members = s.members(project).await.unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!((members[0].user_id, members[0].role), (user_id, Role::Owner));
        let session = s
            .search_session(user_id, SearchSessionId::new(session))
            .await
            .unwrap()
            .unwrap();
        let crawl = s.crawl(user_id, CrawlId::new(crawl)).await.unwrap().unwrap();
        let network = s
            .network(user_id, NetworkId::new(network))
            .await
            .unwrap()
            .unwrap();
        let job = s.job(user_id, JobId::new(job)).await.unwrap().unwrap();
        assert_eq!(
            (
                session.project_id,
                crawl.project_id,
                network.project_id,
                job.project_id
            ),
            (project, project, project, Some(project))
        );
    }
    // Nobody sees the other's.
    assert!(
        s.search_session(UserId::new(2), SearchSessionId::new(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.crawl(UserId::new(1), CrawlId::new(21)).await.unwrap().is_none());
    // New rows without a project are refused on both backends, not stored half-scoped.
    let orphan = "INSERT INTO crawl_jobs (owner_id, project_id, name, config, sources, status, created_at, updated_at) \
                  VALUES (1, NULL, 'x', '{}', '{}', 'done', $1, $1)";
    let refused = match s.pool() {
        DbPool::Sqlite(pool) => sqlx::query(orphan).bind(now).execute(&pool).await.is_err(),
        DbPool::Postgres(pool) => sqlx::query(orphan).bind(now).execute(&pool).await.is_err(),
    };
    assert!(refused, "a scraping job without a project");
}

#[tokio::test]
async fn members_roles_and_the_last_owner() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let ada = user(s, "ada").await;
    let bo = user(s, "bo").await;
    let project = s
        .create_project(NewProject {
            name: "shared".into(),
            description: String::new(),
            created_by: ada.id,
        })
        .await
        .unwrap();
    let p = project.id;
    assert_eq!(
        s.resource_role(ada.id, ProjectResource::Project(p))
            .await
            .unwrap(),
        Some((p, Role::Owner))
    );
    assert_eq!(
        s.resource_role(bo.id, ProjectResource::Project(p)).await.unwrap(),
        None
    );
    assert!(s.add_member(p, "nobody", Role::Viewer).await.unwrap().is_none());
    s.add_member(p, "bo", Role::Viewer).await.unwrap().unwrap();
    assert!(matches!(
        s.add_member(p, "bo", Role::Editor).await,
        Err(StoreError::Conflict(_))
    ));

    // A session in the project is the project's: its viewer reads it, with the role.
    let session = s
        .create_search_session(NewSearchSession {
            owner_id: ada.id,
            project_id: Some(p),
            name: "s".into(),
            engine: "manual".into(),
            params: serde_json::json!({}),
            snapshot_of: None,
            queries: vec![NewSearchQuery {
                text: "manual URL list".into(),
                params: serde_json::json!({}),
            }],
            manual_results: Some(Vec::new()),
        })
        .await
        .unwrap();
    assert_eq!(session.project_id, p);
    assert!(s.search_session(bo.id, session.id).await.unwrap().is_some());
    assert_eq!(
        s.resource_role(bo.id, ProjectResource::SearchSession(session.id))
            .await
            .unwrap(),
        Some((p, Role::Viewer))
    );
    let listed = s
        .list_search_sessions(
            bo.id,
            Some(p),
            None,
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let own = project_of(s, bo.id).await;
    let in_own = s
        .list_search_sessions(
            bo.id,
            Some(own),
            None,
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(in_own.is_empty());

    // The last owner neither steps down nor leaves; with a second owner both can.
    assert!(matches!(
        s.set_member_role(p, ada.id, Role::Editor).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.remove_member(p, ada.id).await,
        Err(StoreError::Conflict(_))
    ));
    s.set_member_role(p, bo.id, Role::Owner).await.unwrap();
    s.remove_member(p, ada.id).await.unwrap();
    assert!(s.search_session(ada.id, session.id).await.unwrap().is_none());
    assert!(matches!(
        s.remove_member(p, ada.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.member_ids(p).await.unwrap(), vec![bo.id]);

    // Default projects stay; others go with everything in them.
    assert!(matches!(
        s.delete_project(own).await,
        Err(StoreError::Conflict(_))
    ));
    s.delete_project(p).await.unwrap();
    assert!(s.search_session(bo.id, session.id).await.unwrap().is_none());
    assert!(matches!(s.delete_project(p).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn deleting_an_account_leaves_what_it_shared_with_the_team() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let ada = user(s, "ada").await;
    let bo = user(s, "bo").await;
    let cy = user(s, "cy").await;
    let manual = |owner: UserId, project: ProjectId, name: &str| NewSearchSession {
        owner_id: owner,
        project_id: Some(project),
        name: name.into(),
        engine: "manual".into(),
        params: serde_json::json!({}),
        snapshot_of: None,
        queries: vec![NewSearchQuery {
            text: "manual URL list".into(),
            params: serde_json::json!({}),
        }],
        manual_results: Some(Vec::new()),
    };
    // A team project Ada owns alone, with Bo as editor; Ada's own project shared with Cy
    // as viewer; and a project nobody else is in.
    let team = s
        .create_project(NewProject {
            name: "team".into(),
            description: String::new(),
            created_by: ada.id,
        })
        .await
        .unwrap()
        .id;
    s.add_member(team, "bo", Role::Editor).await.unwrap().unwrap();
    let own = project_of(s, ada.id).await;
    s.add_member(own, "cy", Role::Viewer).await.unwrap().unwrap();
    let alone = s
        .create_project(NewProject {
            name: "alone".into(),
            description: String::new(),
            created_by: ada.id,
        })
        .await
        .unwrap()
        .id;
    let in_team = s
        .create_search_session(manual(ada.id, team, "in team"))
        .await
        .unwrap();
    let in_own = s
        .create_search_session(manual(ada.id, own, "in own"))
        .await
        .unwrap();
    let in_alone = s
        .create_search_session(manual(ada.id, alone, "alone"))
        .await
        .unwrap();

    s.delete_user(ada.id).await.unwrap();

    // The team keeps its session, now Bo's, and Bo owns the project.
    let kept = s.search_session(bo.id, in_team.id).await.unwrap().unwrap();
    assert_eq!(kept.owner_id, bo.id);
    assert_eq!(
        s.resource_role(bo.id, ProjectResource::Project(team))
            .await
            .unwrap(),
        Some((team, Role::Owner))
    );
    // Ada's default project, shared with Cy, stays as an ordinary project Cy now owns.
    let shared = s.project(cy.id, own).await.unwrap().unwrap();
    assert_eq!((shared.role, shared.project.default_for), (Role::Owner, None));
    assert_eq!(
        s.search_session(cy.id, in_own.id)
            .await
            .unwrap()
            .unwrap()
            .owner_id,
        cy.id
    );
    // What nobody else could see is gone with the account.
    assert!(matches!(s.delete_project(alone).await, Err(StoreError::NotFound)));
    assert!(s.search_session(bo.id, in_alone.id).await.unwrap().is_none());
    assert!(matches!(s.delete_user(ada.id).await, Err(StoreError::NotFound)));
}
