//! Authorization generated from the OpenAPI document: every operation it lists is tried by
//! a member with the viewer role and by a user outside the project, against real resources
//! of one project (a search session with raw engine pages, a scraping job with pages, an
//! analysis, a network, their jobs). A non-member gets 404 on everything that touches the
//! project; a viewer reads exactly what the owner reads and gets 403 on every write. An
//! operation the test cannot classify fails it, so no route added later skips the check.

use std::collections::BTreeMap;

use observatory::startup::ServeMode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{FixtureConfig, FixtureWeb};

use crate::crawls::wait_for_crawl;
use crate::helpers::*;
use crate::search::{KEY, json, mock_serper, wait_for_session};

/// Operations about the caller alone, or open to anyone: no project is touched. Each is
/// listed with why, and checked for not leaking the project's resources where it lists.
const PERSONAL: &[(&str, &str, &str)] = &[
    ("POST", "/api/auth/login", "signs in"),
    ("POST", "/api/auth/logout", "signs the caller out"),
    ("GET", "/api/auth/me", "the caller"),
    ("PUT", "/api/auth/password", "the caller's password"),
    ("GET", "/api/auth/preferences", "the caller's preferences"),
    ("PUT", "/api/auth/preferences", "the caller's preferences"),
    ("GET", "/api/search/engines", "the installation's engines"),
    ("GET", "/health", "liveness"),
    ("GET", "/health/ready", "readiness"),
    ("GET", "/api/projects", "the caller's projects (checked below)"),
    ("POST", "/api/projects", "a new project of the caller's"),
    (
        "GET",
        "/api/jobs",
        "the jobs of the caller's projects (checked below)",
    ),
    (
        "GET",
        "/api/pages",
        "full-text search over the caller's projects (checked below)",
    ),
];

struct World {
    app: TestApp,
    _web: FixtureWeb,
    _serper: wiremock::MockServer,
    owner: String,
    viewer: String,
    stranger: String,
    ids: BTreeMap<&'static str, i64>,
}

async fn world() -> World {
    let (serper, _) = mock_serper(std::time::Duration::ZERO).await;
    let web = FixtureWeb::start(FixtureConfig::default()).await.unwrap();
    let (hosts, ip, uri) = (web.hosts(), web.addr().ip(), serper.uri());
    let app = spawn_app_with(
        move |s| {
            for host in &hosts {
                s.crawl.host_overrides.insert(host.clone(), ip);
            }
            s.crawl.private_hosts = hosts.clone();
            s.search.serper.base_url = Some(uri);
            s.search.serper.api_key = Some(KEY.into());
            s.search.serper.requests_per_second = 0.0;
        },
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    let (owner_user, owner) = app.user_with_token("olga", false).await;
    let (_, viewer) = app.user_with_token("vera", false).await;
    let (_, stranger) = app.user_with_token("sten", false).await;
    app.add_user("zed", false).await;

    let mut ids = BTreeMap::new();
    let project = json(
        app.post_json("/api/projects", Some(&owner), &json!({"name": "Shared corpus"}))
            .await,
    )
    .await;
    let p = project["id"].as_i64().unwrap();
    ids.insert("project", p);
    ids.insert("owner_user", owner_user.id.get());
    let added = app
        .post_json(
            &format!("/api/projects/{p}/members"),
            Some(&owner),
            &json!({"username": "vera", "role": "viewer"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);

    let session = json(
        app.post_json(
            "/api/search/sessions",
            Some(&owner),
            &json!({"project_id": p, "name": "searched", "engine": "serper", "queries": ["topic 1"], "max_results": 10}),
        )
        .await,
    )
    .await;
    let s = session["id"].as_i64().unwrap();
    assert_eq!(wait_for_session(&app, s, &owner).await["status"], "done");
    let results = json(
        app.get(&format!("/api/search/sessions/{s}/results?limit=1"), Some(&owner))
            .await,
    )
    .await;
    ids.insert("session", s);
    ids.insert("raw", results["items"][0]["raw_page_id"].as_i64().unwrap());
    let other = json(
        app.post_json(
            "/api/search/sessions",
            Some(&owner),
            &json!({"project_id": p, "name": "listed", "engine": "manual", "urls": [web.url("site0.test", "/")]}),
        )
        .await,
    )
    .await;
    ids.insert("other_session", other["id"].as_i64().unwrap());

    let crawl = json(
        app.post_json(
            "/api/crawls",
            Some(&owner),
            &json!({"project_id": p, "name": "scraped", "urls": [web.url("site0.test", "/"), web.url("site1.test", "/")]}),
        )
        .await,
    )
    .await;
    let c = crawl["id"].as_i64().unwrap();
    assert_eq!(crawl["project_id"], p);
    assert_eq!(wait_for_crawl(&app, c, &owner).await["status"], "done");
    ids.insert("crawl", c);
    ids.insert("job", crawl["job_id"].as_i64().unwrap());
    let pages = json(app.get(&format!("/api/crawls/{c}/pages"), Some(&owner)).await).await;
    ids.insert("page", pages["items"][0]["id"].as_i64().unwrap());

    let analysis = json(
        app.post_json(&format!("/api/crawls/{c}/analyses"), Some(&owner), &json!({}))
            .await,
    )
    .await;
    let a = analysis["id"].as_i64().unwrap();
    app.wait_for_job(analysis["job_id"].as_i64().unwrap(), &owner)
        .await;
    ids.insert("analysis", a);

    let network = json(
        app.post_json(
            "/api/networks",
            Some(&owner),
            &json!({"type": "query-website", "scope": {"sessions": [s], "crawls": []}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        network["project_id"], p,
        "a network lives in its scope's project: {network}"
    );
    app.wait_for_job(network["job_id"].as_i64().unwrap(), &owner)
        .await;
    ids.insert("network", network["id"].as_i64().unwrap());
    let websites = json(
        app.get(&format!("/api/projects/{p}/websites"), Some(&owner))
            .await,
    )
    .await;
    ids.insert("website", websites["items"][0]["id"].as_i64().unwrap());

    World {
        app,
        _web: web,
        _serper: serper,
        owner,
        viewer,
        stranger,
        ids,
    }
}

/// The resource a path's `{param}` names, by where it sits.
fn fill(path: &str, ids: &BTreeMap<&'static str, i64>) -> String {
    let prefix_kind = [
        ("/api/search/sessions/{id}", "session"),
        ("/api/crawls/{id}", "crawl"),
        ("/api/analyses/{id}", "analysis"),
        ("/api/networks/{id}", "network"),
        ("/api/pages/{id}", "page"),
        ("/api/jobs/{id}", "job"),
        ("/api/projects/{id}", "project"),
        ("/api/admin/users/{id}", "owner_user"),
    ];
    let kind = prefix_kind
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, kind)| *kind)
        .unwrap_or_else(|| panic!("{path}: which resource does {{id}} name? (add it to the test)"));
    // `{other}` is a second thing of the same kind: a session to compare, or a network.
    let other = if kind == "network" {
        ids["network"]
    } else {
        ids["other_session"]
    };
    let filled = path
        .replace("{id}", &ids[kind].to_string())
        .replace("{other}", &other.to_string())
        .replace("{raw_id}", &ids["raw"].to_string())
        .replace("{user_id}", &ids["owner_user"].to_string())
        .replace("{website_id}", &ids["website"].to_string());
    // Required query parameters, so that what answers is the access check.
    if path.ends_with("/evidence") {
        return format!("{filled}?node=query%3Atopic%201");
    }
    filled
}

/// A valid body for a write, so that what answers is the access check, not validation.
fn body(method: &str, path: &str, ids: &BTreeMap<&'static str, i64>) -> Option<Value> {
    let p = ids["project"];
    Some(match (method, path) {
        ("POST", "/api/search/sessions") => {
            json!({"project_id": p, "name": "x", "engine": "manual", "urls": ["https://a.dk/"]})
        }
        ("POST", "/api/crawls") => json!({"project_id": p, "name": "x", "urls": ["https://a.dk/"]}),
        ("POST", "/api/networks") => {
            json!({"type": "query-website", "scope": {"sessions": [ids["session"]], "crawls": []}})
        }
        ("POST", p) if p.ends_with("/analyses") => json!({}),
        ("PATCH", "/api/projects/{id}") => json!({"name": "renamed"}),
        ("POST", "/api/projects/{id}/members") => json!({"username": "zed", "role": "viewer"}),
        ("PATCH", "/api/projects/{id}/members/{user_id}") => json!({"role": "editor"}),
        ("POST", "/api/projects/{id}/websites") => json!({"unit": "brand-new.example"}),
        ("PATCH", "/api/projects/{id}/websites") => {
            json!({"websites": [{"id": ids["website"], "status": "out"}]})
        }
        ("PATCH", "/api/projects/{id}/websites/{website_id}") => json!({"status": "out"}),
        ("POST", "/api/admin/users") => json!({"username": "newbie", "password": PASSWORD}),
        ("PATCH", "/api/admin/users/{id}") => json!({"disabled": true}),
        ("PUT", "/api/admin/users/{id}/password") => json!({"password": "another long password"}),
        ("POST", "/api/admin/cleanup") => json!({}),
        _ => return None,
    })
}

async fn call(world: &World, method: &str, path: &str, token: &str, body: Option<&Value>) -> StatusCode {
    let method: Method = method.parse().unwrap();
    let mut request = world.app.request(method, path, Some(token));
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_404_to_non_members_and_read_only_to_viewers() {
    let world = world().await;
    let spec: Value = world
        .app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let ids = &world.ids;
    let p = ids["project"];
    let mut checked = 0;
    let mut problems = Vec::new();
    for (template, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let method = method.to_uppercase();
            if PERSONAL.iter().any(|(m, t, _)| *m == method && t == template) {
                continue;
            }
            checked += 1;
            let lists_projects = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|x| x["name"] == "project_id" && x["in"] == "query"));
            let path = if template.contains('{') {
                fill(template, ids)
            } else if lists_projects {
                format!("{template}?project_id={p}")
            } else {
                template.clone()
            };
            let body = body(&method, template, ids);
            let read = method == "GET";
            let admin_only = template.starts_with("/api/admin/");
            let stranger = call(&world, &method, &path, &world.stranger, body.as_ref()).await;
            let viewer = call(&world, &method, &path, &world.viewer, body.as_ref()).await;
            let (want_stranger, want_viewer) = if admin_only {
                (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN)
            } else if read {
                let owner = call(&world, &method, &path, &world.owner, body.as_ref()).await;
                if !owner.is_success() {
                    problems.push(format!(
                        "{method} {path}: the owner got {owner}; the fixture is missing something"
                    ));
                }
                (StatusCode::NOT_FOUND, owner)
            } else if !template.contains('{') && body.is_none() {
                problems.push(format!("{method} {template}: a write the test has no body for"));
                continue;
            } else {
                (StatusCode::NOT_FOUND, StatusCode::FORBIDDEN)
            };
            if stranger != want_stranger {
                problems.push(format!(
                    "{method} {path}: a non-member got {stranger}, not {want_stranger}"
                ));
            }
            if viewer != want_viewer {
                problems.push(format!(
                    "{method} {path}: a viewer got {viewer}, not {want_viewer}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 40, "only {checked} operations were checked");

    // The personal lists show a non-member nothing of the project.
    let projects = json(world.app.get("/api/projects", Some(&world.stranger)).await).await;
    assert!(projects["items"].as_array().unwrap().iter().all(|x| x["id"] != p));
    let jobs = json(world.app.get("/api/jobs", Some(&world.stranger)).await).await;
    assert_eq!(jobs["items"], json!([]), "{jobs}");
    let viewer_jobs = json(world.app.get("/api/jobs", Some(&world.viewer)).await).await;
    assert!(
        viewer_jobs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == ids["job"])
    );
    let page = json(
        world
            .app
            .get(&format!("/api/pages/{}", ids["page"]), Some(&world.owner))
            .await,
    )
    .await;
    let word = page["text"]
        .as_str()
        .unwrap_or_default()
        .split(|c: char| !c.is_alphabetic())
        .find(|w| w.chars().count() >= 5)
        .unwrap_or_else(|| panic!("a word to search for in {page}"))
        .to_owned();
    for token in [&world.stranger, &world.viewer] {
        let hits = json(world.app.get(&format!("/api/pages?q={word}"), Some(token)).await).await;
        let n = hits["items"].as_array().map_or(0, Vec::len);
        assert_eq!(
            n > 0,
            *token == world.viewer,
            "page search as a member or not: {hits}"
        );
    }
}
