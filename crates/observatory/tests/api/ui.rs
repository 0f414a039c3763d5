//! The web UI: the HTTP contract of its pages (plain-HTTP login, redirects, ownership, the
//! sandboxed page view, embedded assets), and the researcher's whole flow in headless Chromium
//! with axe-core accessibility checks on every page.

use std::path::PathBuf;
use std::process::Command;

use observatory::commands::demo::DemoWorld;
use observatory::startup::ServeMode;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/ui")
}

/// `application/x-www-form-urlencoded`, as a browser posts a form.
trait FormPairs {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormPairs for reqwest::RequestBuilder {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self {
        let encode = |raw: &str| -> String {
            raw.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    b' ' => "+".to_owned(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers()[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn pages_send_strangers_to_the_login_page_and_back() {
    let app = spawn_app().await;
    let res = app.get("/sessions/new", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login?next=%2Fsessions%2Fnew");

    let login = app.get("/login?next=%2Fsessions%2Fnew", None).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(
        login.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = login.text().await.unwrap();
    assert!(html.contains(r#"<label for="username">Username</label>"#));
    let unknown = app
        .client
        .get(app.url("/nothing-here"))
        .header("Accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(
        unknown.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    // minijinja escapes `/` in attribute values.
    assert!(
        html.contains(r#"name="next" value="&#x2f;sessions&#x2f;new""#),
        "{html}"
    );
}

#[tokio::test]
async fn the_login_form_works_as_a_plain_post_and_refuses_cross_site_posts() {
    let app = spawn_app().await;
    app.add_user("ada", false).await;
    let form = [("username", "ada"), ("password", PASSWORD), ("next", "/crawls")];

    let wrong = app
        .client
        .post(app.url("/login"))
        .form_pairs(&[("username", "ada"), ("password", "wrong password"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong username or password.")
    );

    let cross_site = app
        .client
        .post(app.url("/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .form_pairs(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert!(cross_site.headers().get(SET_COOKIE).is_none());

    let ok = app
        .client
        .post(app.url("/login"))
        .form_pairs(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/crawls");
    let cookie = cookie_of(&ok);
    let page = app
        .client
        .get(app.url("/crawls"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<h1>Scraping jobs</h1>"));

    // Never redirected off-site.
    let off_site = app
        .client
        .post(app.url("/login"))
        .form_pairs(&[
            ("username", "ada"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(off_site.headers()[LOCATION], "/");

    // Browsers drop tabs and newlines in URLs and read `\` as `/`: `/<TAB>/evil.example`
    // is `//evil.example` to them. Every such target becomes `/`, and none is a 500.
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/x",
        "/\\evil.example",
        "/ /evil.example",
    ] {
        let res = app
            .client
            .post(app.url("/login"))
            .form_pairs(&[("username", "ada"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()[LOCATION], "/", "{next:?}");
    }
    for query in [
        "next=/%09/evil.example",
        "next=/%0a",
        "next=/%0d%0aSet-Cookie:x=1",
        "next=%2F%5Cevil.example",
    ] {
        let res = app
            .client
            .get(app.url(&format!("/login?{query}")))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{query}");
        assert_eq!(res.headers()[LOCATION], "/", "{query}");
    }
}

#[tokio::test]
async fn another_user_s_pages_are_not_found_and_admin_pages_are_for_admins() {
    let app = spawn_app().await;
    let (_, owner) = app.user_with_token("owner", false).await;
    app.add_user("other", false).await;
    let session = app
        .post_json(
            "/api/search/sessions",
            Some(&owner),
            &json!({"name": "mine", "engine": "manual", "urls": ["https://example.dk/a"]}),
        )
        .await;
    assert_eq!(session.status(), StatusCode::ACCEPTED);
    let id = session.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();

    let login = |name: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(app.url("/login"))
                .form_pairs(&[("username", name), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            cookie_of(&res)
        }
    };
    let owner_cookie = login("owner").await;
    let other_cookie = login("other").await;
    let get = |path: String, cookie: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&path))
                .header("Cookie", cookie)
                .send()
                .await
                .unwrap()
        }
    };
    let mine = get(format!("/sessions/{id}"), owner_cookie.clone()).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert!(mine.text().await.unwrap().contains("example.dk"));

    let theirs = get(format!("/sessions/{id}"), other_cookie.clone()).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(
        theirs.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(!theirs.text().await.unwrap().contains("mine"));

    let admin_page = get("/admin/users".into(), other_cookie).await;
    assert_eq!(admin_page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn assets_are_embedded_and_pages_forbid_inline_scripts() {
    let app = spawn_app().await;
    for (name, kind) in [
        ("app.js", "text/javascript"),
        ("viewer.js", "text/javascript"),
        ("app.css", "text/css"),
    ] {
        let res = app.get(&format!("/assets/{name}"), None).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with(kind));
        assert!(res.bytes().await.unwrap().len() > 1000, "{name} is bundled");
    }
    assert_eq!(
        app.get("/assets/nope.js", None).await.status(),
        StatusCode::NOT_FOUND
    );
    let login = app.get("/login", None).await;
    let csp = login.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = login.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline scripts");
}

/// The whole research flow in headless Debian Chromium (playwright-core from npm), with
/// axe-core on every page: zero serious or critical violations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_works_in_chromium() {
    let chromium = std::env::var("OBSERVATORY_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "{chromium} is missing: run `bash .ci/setup` (installs Debian's chromium)"
    );
    let world = DemoWorld::start().await.unwrap();
    let app = spawn_app_with(
        |settings| world.configure(settings),
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    app.add_user("researcher", true).await;
    app.add_user("colleague", false).await;
    let screenshots = std::env::var("OBSERVATORY_UI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            std::env::temp_dir().join(format!("observatory-ui-{}", uuid::Uuid::new_v4().simple()))
        });
    let base = app.address.clone();
    let ui = ui_dir();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("e2e/walk.mjs")
            .current_dir(ui)
            .env("BASE_URL", base)
            .env("USERNAME", "researcher")
            .env("PASSWORD", PASSWORD)
            .env("CHROMIUM", chromium)
            .env("SCREENSHOTS", &screenshots)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs (Node.js 20+ is needed to build the UI too)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the Chromium walk failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("the walk passed"));
    let pages_checked: usize = stdout
        .split("axe checked ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(pages_checked >= 15, "axe ran on every page: {stdout}");
}

#[tokio::test]
async fn the_demo_signs_a_browser_on_this_machine_in_as_its_user() {
    let app = spawn_app_with(
        |_| {},
        ServeMode {
            workers: false,
            demo: true,
        },
    )
    .await;
    app.add_user(observatory::startup::DEMO_USER, true).await;
    let res = app.get("/login?next=%2Fnetworks", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/networks");
    let cookie = cookie_of(&res);
    let page = app
        .client
        .get(app.url("/networks"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<h1>Networks</h1>"));

    // Only a request from this machine, to a loopback name, with no proxy in between.
    for (name, value) in [
        ("host", "evil.example"),
        ("host", "evil.example:8000"),
        ("host", "localhost.evil.example"),
        ("x-forwarded-for", "203.0.113.9"),
        ("forwarded", "for=203.0.113.9"),
        ("x-real-ip", "203.0.113.9"),
    ] {
        let res = app
            .client
            .get(app.url("/login"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{name}: {value} gets the login form"
        );
        assert!(res.headers().get(SET_COOKIE).is_none(), "{name}: {value}");
    }
    for host in [
        "localhost",
        &format!("localhost:{}", app.address.rsplit(':').next().unwrap()),
    ] {
        let res = app
            .client
            .get(app.url("/login"))
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{host}");
    }

    // Logging out sticks for the browser session: the form, not another demo sign-in.
    let logout = app
        .client
        .post(app.url("/logout"))
        .header("Cookie", &cookie)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    let set: Vec<String> = logout
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let signed_out = set
        .iter()
        .find(|c| c.starts_with("observatory_demo_signed_out=1"))
        .unwrap_or_else(|| panic!("{set:?}"));
    let signed_out = signed_out.split(';').next().unwrap().to_owned();
    let res = app
        .client
        .get(app.url("/login"))
        .header("Cookie", &signed_out)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the login form after logout");
    assert!(res.headers().get(SET_COOKIE).is_none());
    let page = app
        .client
        .get(app.url("/networks"))
        .header("Cookie", format!("{cookie}; {signed_out}"))
        .send()
        .await
        .unwrap();
    assert_ne!(page.status(), StatusCode::OK, "the old session is gone");
}

#[tokio::test]
async fn action_buttons_work_as_plain_form_posts() {
    let app = crate::helpers::spawn_app_without_workers().await;
    let (_, token) = app.user_with_token("ada", false).await;
    let session = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"name": "urls", "engine": "manual", "urls": ["https://example.dk/a"]}),
        )
        .await;
    let session_id = session.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let crawl = app
        .post_json(
            "/api/crawls",
            Some(&token),
            &json!({"name": "pages", "session_ids": [session_id]}),
        )
        .await;
    assert_eq!(crawl.status(), StatusCode::ACCEPTED);
    let crawl_id = crawl.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let login = app
        .client
        .post(app.url("/login"))
        .form_pairs(&[("username", "ada"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&login);
    let act = |pairs: Vec<(&'static str, String)>, site: &'static str| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.client
                .post(app.url("/act"))
                .header("Cookie", cookie)
                .header("Sec-Fetch-Site", site)
                .form_pairs(&pairs)
                .send()
                .await
                .unwrap()
        }
    };
    let cancel = vec![
        ("_api", format!("/api/crawls/{crawl_id}/cancel")),
        ("_then", "/crawls/{id}".to_owned()),
    ];

    let cross_site = act(cancel.clone(), "cross-site").await;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let not_an_action = act(vec![("_api", "/api/admin/users".to_owned())], "same-origin").await;
    assert_eq!(not_an_action.status(), StatusCode::NOT_FOUND);

    let done = act(cancel, "same-origin").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()[LOCATION], format!("/crawls/{crawl_id}").as_str());
    let status: serde_json::Value = app
        .get(&format!("/api/crawls/{crawl_id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "cancelled", "{status}");
}

#[tokio::test]
async fn two_users_share_a_project_through_plain_form_posts() {
    let app = crate::helpers::spawn_app_without_workers().await;
    for name in ["ada", "bob", "cyd"] {
        app.add_user(name, false).await;
    }
    let login = async |name: &str| {
        let res = app
            .client
            .post(app.url("/login"))
            .form_pairs(&[("username", name), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        cookie_of(&res)
    };
    let (ada, bo, cy) = (login("ada").await, login("bob").await, login("cyd").await);
    let post = async |path: &str, cookie: &str, pairs: &[(&str, &str)]| {
        app.client
            .post(app.url(path))
            .header("Cookie", cookie)
            .header("Sec-Fetch-Site", "same-origin")
            .form_pairs(pairs)
            .send()
            .await
            .unwrap()
    };
    let get = async |path: &str, cookie: &str| {
        app.client
            .get(app.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap()
    };

    // Ada creates a project and adds Bo as viewer, with forms a browser posts.
    let made = post("/projects", &ada, &[("name", "Havvind"), ("description", "")]).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let project_path = made.headers()[LOCATION].to_str().unwrap().to_owned();
    let id: i64 = project_path.rsplit('/').next().unwrap().parse().unwrap();
    let added = post(
        &format!("{project_path}/members"),
        &ada,
        &[("username", "bob"), ("role", "viewer")],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);

    // Bo sees it as a viewer, without the owner's form; Cy does not see it at all.
    let page = get(&project_path, &bo).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Your role: <strong>viewer</strong>"), "{html}");
    assert!(!html.contains("Add the member"));
    assert_eq!(get(&project_path, &cy).await.status(), StatusCode::NOT_FOUND);
    // Bo cannot add members: the API's refusal is the page's.
    let refused = post(
        &format!("{project_path}/members"),
        &bo,
        &[("username", "cyd"), ("role", "editor")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // A session Ada makes in the project shows in Bo's list once he works in it.
    let token = app.login("ada").await;
    let session = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"project_id": id, "name": "shared list", "engine": "manual", "urls": ["https://example.dk/a"]}),
        )
        .await;
    assert_eq!(session.status(), StatusCode::ACCEPTED);
    let switched = post(
        "/projects/switch",
        &bo,
        &[("project", &id.to_string()), ("next", "/sessions")],
    )
    .await;
    assert_eq!(switched.headers()[LOCATION], "/sessions");
    let list = get("/sessions", &bo).await.text().await.unwrap();
    assert!(list.contains("shared list"), "{list}");
    assert!(
        list.contains(&format!(
            "<option value=\"{id}\" selected>Havvind (viewer)</option>"
        )),
        "{list}"
    );
    // Back to every project; a stale or foreign project never filters.
    let all = post(
        "/projects/switch",
        &bo,
        &[("project", ""), ("next", "https://evil.example/")],
    )
    .await;
    assert_eq!(all.headers()[LOCATION], "/");
    let cy_switch = post("/projects/switch", &cy, &[("project", &id.to_string())]).await;
    assert_eq!(cy_switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(get("/sessions", &cy).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn websites_are_curated_through_plain_form_posts() {
    let app = crate::helpers::spawn_app_without_workers().await;
    app.add_user("ada", false).await;
    let res = app
        .client
        .post(app.url("/login"))
        .form_pairs(&[("username", "ada"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let ada = cookie_of(&res);
    let token = app.login("ada").await;
    let post = async |path: &str, pairs: &[(&str, &str)]| {
        app.client
            .post(app.url(path))
            .header("Cookie", &ada)
            .header("Sec-Fetch-Site", "same-origin")
            .form_pairs(pairs)
            .send()
            .await
            .unwrap()
    };
    let get = async |path: &str| {
        app.client
            .get(app.url(path))
            .header("Cookie", &ada)
            .send()
            .await
            .unwrap()
    };
    let project: Value = app
        .post_json("/api/projects", Some(&token), &json!({"name": "Havvind"}))
        .await
        .json()
        .await
        .unwrap();
    let id = project["id"].as_i64().unwrap();
    let session = app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"project_id": id, "name": "list", "engine": "manual", "urls": ["https://ens.dk/a", "https://dr.dk/b"]}),
        )
        .await;
    assert_eq!(session.status(), StatusCode::ACCEPTED);

    // The catalogue page lists both, each with its status buttons.
    let html = get(&format!("/projects/{id}/websites?sort=unit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(">dr.dk</a>") && html.contains(">ens.dk</a>"),
        "{html}"
    );
    let websites: Value = app
        .get(&format!("/api/projects/{id}/websites?q=dr.dk"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let dr = websites["items"][0]["id"].as_i64().unwrap();
    let marked = post(
        &format!("/projects/{id}/websites/{dr}/status"),
        &[("status", "out"), ("next", &format!("/projects/{id}/websites"))],
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        marked.headers()[LOCATION],
        format!("/projects/{id}/websites").as_str()
    );

    // The edit form: name, categories (key=value lines), status back to the default.
    let page = get(&format!("/projects/{id}/websites/{dr}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let saved = post(
        &format!("/projects/{id}/websites/{dr}"),
        &[
            ("status", "default"),
            ("name", "DR"),
            ("categories", "sector=media\nstance = neutral\n"),
            ("merged_into", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let w: Value = app
        .get(&format!("/api/projects/{id}/websites/{dr}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&w["name"], &w["status"], &w["status_set"]),
        (&json!("DR"), &json!("in"), &json!(false))
    );
    assert_eq!(w["categories"], json!({"sector": "media", "stance": "neutral"}));
    // Removing a line removes the category; a bad line is refused and changes nothing.
    post(
        &format!("/projects/{id}/websites/{dr}"),
        &[
            ("status", "out"),
            ("name", "DR"),
            ("categories", "sector=media"),
            ("merged_into", "ens.dk"),
        ],
    )
    .await;
    let w: Value = app
        .get(&format!("/api/projects/{id}/websites/{dr}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w["categories"], json!({"sector": "media"}));
    assert_eq!(w["actor_name"], "ens.dk", "merged into ens.dk: {w}");
    let refused = post(
        &format!("/projects/{id}/websites/{dr}"),
        &[
            ("status", "in"),
            ("name", ""),
            ("categories", "no equals sign"),
            ("merged_into", ""),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let after: Value = app
        .get(&format!("/api/projects/{id}/websites/{dr}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after, w);

    // Prospection renders (nothing undecided without crawled links).
    let prospects = get(&format!("/projects/{id}/prospects")).await;
    assert_eq!(prospects.status(), StatusCode::OK);
    assert!(prospects.text().await.unwrap().contains("Nothing undecided"));
}
