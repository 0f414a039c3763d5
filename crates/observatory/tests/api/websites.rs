//! A project's websites and their curation over HTTP: the catalogue its searches and
//! crawled links found, prospection, status, merges and categories, the actor table as
//! CSV, bad input that changes nothing, and curation reaching the next crawl and network.

use observatory::startup::ServeMode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{FixtureConfig, FixtureWeb};

use crate::crawls::wait_for_crawl;
use crate::helpers::*;

async fn ok(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

struct Corpus {
    app: TestApp,
    web: FixtureWeb,
    token: String,
    project: i64,
    session: i64,
}

/// A project whose search found site0–site2 (article pages, each linking to the next
/// site as its "partner") and whose crawl of those pages discovered site3 by a link.
async fn corpus() -> Corpus {
    let web = FixtureWeb::start(FixtureConfig {
        sites: 4,
        pages_per_site: 3,
        ..FixtureConfig::default()
    })
    .await
    .unwrap();
    let (hosts, ip) = (web.hosts(), web.addr().ip());
    let app = spawn_app_with(
        move |s| {
            for host in &hosts {
                s.crawl.host_overrides.insert(host.clone(), ip);
            }
            s.crawl.private_hosts = hosts.clone();
        },
        ServeMode {
            workers: true,
            demo: false,
        },
    )
    .await;
    let (_, token) = app.user_with_token("ida", false).await;
    let project = ok(app
        .post_json("/api/projects", Some(&token), &json!({"name": "Energi"}))
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    let urls: Vec<String> = (0..3)
        .map(|i| web.url(&format!("site{i}.test"), "/p/0"))
        .collect();
    let session = ok(app
        .post_json(
            "/api/search/sessions",
            Some(&token),
            &json!({"project_id": project, "name": "seeds", "engine": "manual", "urls": urls}),
        )
        .await)
    .await;
    let session = session["id"].as_i64().unwrap();
    crate::search::wait_for_session(&app, session, &token).await;
    let crawl = crawl(&app, &token, session).await;
    assert_eq!(crawl["counters"]["fetched"], 3, "{crawl}");
    Corpus {
        app,
        web,
        token,
        project,
        session,
    }
}

async fn crawl(app: &TestApp, token: &str, session: i64) -> Value {
    let crawl = ok(app
        .post_json(
            "/api/crawls",
            Some(token),
            &json!({"name": "sider", "session_ids": [session], "config": {"delay_secs": 0, "timeout_secs": 5}}),
        )
        .await)
    .await;
    wait_for_crawl(app, crawl["id"].as_i64().unwrap(), token).await
}

impl Corpus {
    async fn websites(&self, query: &str) -> Vec<Value> {
        let page = ok(self
            .app
            .get(
                &format!("/api/projects/{}/websites?{query}", self.project),
                Some(&self.token),
            )
            .await)
        .await;
        page["items"].as_array().unwrap().clone()
    }

    async fn website(&self, unit: &str) -> Value {
        self.websites(&format!("q={unit}"))
            .await
            .into_iter()
            .find(|w| w["unit"] == unit)
            .unwrap_or_else(|| panic!("{unit} is not listed"))
    }

    async fn patch(&self, id: &Value, body: Value) -> reqwest::Response {
        self.app
            .send_json(
                Method::PATCH,
                &format!("/api/projects/{}/websites/{id}", self.project),
                Some(&self.token),
                &body,
            )
            .await
    }

    /// The id of the newest network.
    async fn newest_network(&self) -> i64 {
        let list = ok(self.app.get("/api/networks?limit=1", Some(&self.token)).await).await;
        list["items"][0]["id"].as_i64().unwrap()
    }

    /// Builds a query–website network with default parameters and returns its graph.
    async fn network(&self) -> Value {
        let created = ok(self
            .app
            .post_json(
                "/api/networks",
                Some(&self.token),
                &json!({"type": "query-website", "scope": {"sessions": [self.session]}}),
            )
            .await)
        .await;
        assert_eq!(
            created["params"]["corpus"], "in",
            "the corpus default is in the parameters"
        );
        self.app
            .wait_for_job(created["job_id"].as_i64().unwrap(), &self.token)
            .await;
        let id = created["id"].as_i64().unwrap();
        let res = self
            .app
            .get(
                &format!("/api/networks/{id}/download?format=json"),
                Some(&self.token),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }
}

/// Website node keys of a graphology export, sorted.
fn website_nodes(graph: &Value) -> Vec<String> {
    let mut keys: Vec<String> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["attributes"]["kind"] == "website")
        .map(|n| n["key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websites_are_found_prospected_and_curated_into_the_next_network() {
    let c = corpus().await;

    // The catalogue: three websites found by the search (IN by default), one discovered
    // through the partner link of site2's page (undecided by default).
    let all = c.websites("sort=unit").await;
    let units: Vec<&str> = all.iter().map(|w| w["unit"].as_str().unwrap()).collect();
    assert_eq!(units, ["site0.test", "site1.test", "site2.test", "site3.test"]);
    let site0 = &all[0];
    assert_eq!(
        (
            &site0["status"],
            &site0["origin"],
            &site0["results"],
            &site0["pages_crawled"]
        ),
        (&json!("in"), &json!("search"), &json!(1), &json!(1)),
        "{site0}"
    );
    assert_eq!(site0["queries"][0]["best_rank"], 1, "{site0}");
    assert!(site0["first_seen"].is_string() && site0["last_seen"].is_string());
    // Site i links to site i+1: only site3, which was not crawled, links to site0.
    assert_eq!(site0["inlinks_from_in"], 0, "{site0}");
    let site3 = &all[3];
    assert_eq!(
        (
            &site3["status"],
            &site3["origin"],
            &site3["inlinks_from_in"],
            &site3["linked_from"]
        ),
        (
            &json!("undecided"),
            &json!("link"),
            &json!(1),
            &json!(["site2.test"])
        ),
        "{site3}"
    );
    let undecided = c.websites("status=undecided").await;
    assert_eq!(undecided.len(), 1);

    // Prospection: undecided actors, most linked from IN websites first.
    let prospects = ok(c
        .app
        .get(
            &format!("/api/projects/{}/websites/prospects", c.project),
            Some(&c.token),
        )
        .await)
    .await;
    assert_eq!(prospects["items"][0]["unit"], "site3.test", "{prospects}");
    assert_eq!(prospects["items"][0]["linked_from"], json!(["site2.test"]));
    assert!(prospects["items"][0]["snippet"].is_null() || prospects["items"][0]["snippet"].is_string());

    // Pagination: one at a time in unit order, with the one cursor style.
    let first = ok(c
        .app
        .get(
            &format!("/api/projects/{}/websites?sort=unit&limit=2", c.project),
            Some(&c.token),
        )
        .await)
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok(c
        .app
        .get(
            &format!(
                "/api/projects/{}/websites?sort=unit&limit=2&cursor={cursor}",
                c.project
            ),
            Some(&c.token),
        )
        .await)
    .await;
    assert_eq!(second["items"][0]["unit"], "site2.test", "{second}");
    assert_eq!(second["next_cursor"], Value::Null);

    let before = website_nodes(&c.network().await);
    assert_eq!(before, ["site:site0.test", "site:site1.test", "site:site2.test"]);
    let first = c.newest_network().await;

    // OUT: site1 leaves the next network built with the same parameters.
    let site1 = c.website("site1.test").await;
    let changed = ok(c.patch(&site1["id"], json!({"status": "out"})).await).await;
    assert_eq!(
        (&changed["status"], &changed["status_set"]),
        (&json!("out"), &json!(true))
    );
    assert_eq!(
        website_nodes(&c.network().await),
        ["site:site0.test", "site:site2.test"]
    );

    // The two maps compared: exactly site1 and its one edge left; nothing else moved.
    let second = c.newest_network().await;
    let compared = ok(c
        .app
        .get(&format!("/api/networks/{first}/compare/{second}"), Some(&c.token))
        .await)
    .await;
    let s = &compared["summary"];
    assert_eq!(
        (
            &s["nodes_removed"],
            &s["nodes_added"],
            &s["edges_removed"],
            &s["edges_added"],
            &s["edges_changed"]
        ),
        (&json!(1), &json!(0), &json!(1), &json!(0), &json!(0)),
        "{compared}"
    );
    assert_eq!(compared["nodes_removed"][0]["id"], "site:site1.test");
    assert_eq!(compared["type"], "query-website");
    let itself = ok(c
        .app
        .get(
            &format!("/api/networks/{second}/compare/{second}"),
            Some(&c.token),
        )
        .await)
    .await;
    assert_eq!(
        (
            &itself["summary"]["node_jaccard"],
            &itself["summary"]["edge_jaccard"]
        ),
        (&json!(1.0), &json!(1.0))
    );
    // Both maps as one file: static with `change`, and dynamic with one spell per map; both
    // valid GEXF 1.3.
    let dir = tempfile::tempdir().unwrap();
    for format in ["gexf", "dynamic-gexf"] {
        let res = c
            .app
            .get(
                &format!("/api/networks/{first}/compare/{second}/download?format={format}"),
                Some(&c.token),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        assert_eq!(res.headers()["content-type"], "application/gexf+xml");
        let text = res.text().await.unwrap();
        let path = dir.path().join(format!("{format}.gexf"));
        std::fs::write(&path, &text).unwrap();
        assert_valid_gexf(&path);
        if format == "gexf" {
            assert!(
                text.contains("<attvalue for=\"change\" value=\"removed\"/>"),
                "{text}"
            );
            assert_eq!(text.matches("<node id=").count(), 4, "the union of both maps");
        } else {
            assert!(text.contains("mode=\"dynamic\"") && text.contains("<spell start=\"1\" end=\"1\"/>"));
        }
    }
    let res = c
        .app
        .get(
            &format!("/api/networks/{first}/compare/{second}/download?format=svg"),
            Some(&c.token),
        )
        .await;
    assert_eq!(
        error_fields(&assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["format"]
    );
    let res = c
        .app
        .get(
            &format!("/api/networks/{first}/compare/{second}?limit=0"),
            Some(&c.token),
        )
        .await;
    assert_eq!(
        error_fields(&assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["limit"]
    );
    let res = c
        .app
        .get(&format!("/api/networks/{first}/compare/999999"), Some(&c.token))
        .await;
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    // Merge: site2 joins site0's actor, which is one node with its name and categories.
    let site0_id = site0["id"].clone();
    let site2 = c.website("site2.test").await;
    ok(c.patch(
        &site0_id,
        json!({"name": "Energy agency", "categories": {"sector": "government", "stance": "neutral"}}),
    )
    .await)
    .await;
    let merged = ok(c.patch(&site2["id"], json!({"merged_into": site0_id})).await).await;
    assert_eq!(merged["actor_id"], site0_id);
    assert_eq!(merged["actor_name"], "Energy agency");
    let graph = c.network().await;
    assert_eq!(website_nodes(&graph), ["site:site0.test"]);
    let node = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "site:site0.test")
        .unwrap();
    assert_eq!(node["attributes"]["label"], "Energy agency", "{node}");
    assert_eq!(node["attributes"]["sector"], "government", "{node}");
    assert_eq!(node["attributes"]["status"], "in", "{node}");
    // The list's one query reaches the merged actor by one edge.
    assert_eq!(graph["edges"].as_array().unwrap().len(), 1, "{graph}");

    // The categories are typed attributes of the GEXF export too.
    let networks = ok(c.app.get("/api/networks?limit=1", Some(&c.token)).await).await;
    let id = networks["items"][0]["id"].as_i64().unwrap();
    let gexf = c
        .app
        .get(
            &format!("/api/networks/{id}/download?format=gexf"),
            Some(&c.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(gexf.contains("title=\"sector\" type=\"string\""), "{gexf}");
    assert!(gexf.contains("value=\"government\""));

    // Undoing the merge and the OUT brings the three websites back.
    ok(c.patch(&site2["id"], json!({"merged_into": null})).await).await;
    ok(c.patch(&site1["id"], json!({"status": null})).await).await;
    assert_eq!(website_nodes(&c.network().await).len(), 3);

    // A crawl started now leaves OUT websites' seeds out, and says why.
    ok(c.patch(&site1["id"], json!({"status": "out"})).await).await;
    let recrawl = crawl(&c.app, &c.token, c.session).await;
    assert_eq!(recrawl["config"]["corpus"], "in", "{recrawl}");
    assert_eq!(
        recrawl["counters"]["skipped_by_reason"]["curated_out"], 1,
        "{recrawl}"
    );

    // The audit trail records the curation.
    let trail = ok(c
        .app
        .get(&format!("/api/projects/{}/activity", c.project), Some(&c.token))
        .await)
    .await;
    assert!(
        trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "curated" && a["subject_kind"] == "website"),
        "{trail}"
    );
    drop(c.web);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_and_prefixes_refine_websites_and_bad_input_changes_nothing() {
    let c = corpus().await;
    let base = format!("/api/projects/{}/websites", c.project);

    // Refinement: a URL prefix of site0 becomes an actor of its own.
    let res = c
        .app
        .post_json(
            &base,
            Some(&c.token),
            &json!({"unit": "site0.test/p", "status": "out"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let prefix = ok(res).await;
    assert_eq!(
        (&prefix["kind"], &prefix["status"]),
        (&json!("prefix"), &json!("out"))
    );
    // site0's page /p/0 now belongs to the prefix, which is OUT: no site0 node any more.
    let graph = c.network().await;
    assert_eq!(website_nodes(&graph), ["site:site1.test", "site:site2.test"]);
    let again = c
        .app
        .post_json(&base, Some(&c.token), &json!({"unit": "site0.test/p"}))
        .await;
    assert_error(again, StatusCode::CONFLICT, "conflict").await;

    // A crawl following links leaves the OUT parts of a site alone: site0's seed is under
    // the OUT prefix, and site1's page links to /p/1, now OUT, and to /p/2, which it fetches.
    ok(c.app
        .post_json(
            &base,
            Some(&c.token),
            &json!({"unit": "site1.test/p/1", "status": "out"}),
        )
        .await)
    .await;
    let deeper = ok(c
        .app
        .post_json(
            "/api/crawls",
            Some(&c.token),
            &json!({"name": "deeper", "session_ids": [c.session],
                "config": {"depth": 2, "max_pages_per_site": 5, "delay_secs": 0, "timeout_secs": 5}}),
        )
        .await)
    .await;
    let deeper = wait_for_crawl(&c.app, deeper["id"].as_i64().unwrap(), &c.token).await;
    assert_eq!(
        deeper["counters"]["skipped_by_reason"]["curated_out"], 2,
        "{deeper}"
    );
    let pages = ok(c
        .app
        .get(
            &format!("/api/crawls/{}/pages?limit=100", deeper["id"]),
            Some(&c.token),
        )
        .await)
    .await;
    let urls: Vec<&str> = pages["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    assert!(
        urls.iter()
            .any(|u| u.contains("site1.test") && u.ends_with("/p/2")),
        "{urls:?}"
    );
    assert!(
        !urls
            .iter()
            .any(|u| u.contains("site1.test") && u.ends_with("/p/1")),
        "{urls:?}"
    );
    assert!(!urls.iter().any(|u| u.contains("site0.test")), "{urls:?}");

    // Bad input names its field and changes nothing.
    let site1 = c.website("site1.test").await;
    let res = c.patch(&site1["id"], json!({"status": "maybe"})).await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input").await;
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("status: unknown variant `maybe`")
    );
    for (body, field) in [
        (json!({"categories": {"Bad Key": "x"}}), "categories.Bad Key"),
        (json!({"categories": {"status": "x"}}), "categories.status"),
        (json!({"merged_into": 999_999}), "merged_into"),
        (json!({"merged_into": site1["id"]}), "merged_into"),
        (json!({"name": ""}), "name"),
    ] {
        let res = c.patch(&site1["id"], body.clone()).await;
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err), [field], "{body}: {err}");
    }
    for (unit, _) in [("http://", "unit"), ("site0.test/?q=1", "unit"), ("", "unit")] {
        let res = c
            .app
            .post_json(&base, Some(&c.token), &json!({"unit": unit}))
            .await;
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&err), ["unit"], "{unit}: {err}");
    }
    // A bulk change with one bad item applies none of them.
    let site2 = c.website("site2.test").await;
    let res = c
        .app
        .send_json(
            Method::PATCH,
            &base,
            Some(&c.token),
            &json!({"websites": [{"id": site2["id"], "status": "out"}, {"id": 424242, "status": "out"}]}),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["websites[1].id"]);
    assert_eq!(c.website("site2.test").await["status"], "in");
    let unchanged = c.website("site1.test").await;
    assert_eq!(
        (&unchanged["status"], &unchanged["name"]),
        (&json!("in"), &Value::Null)
    );

    // Bulk: two websites at once.
    let bulk = ok(c
        .app
        .send_json(
            Method::PATCH,
            &base,
            Some(&c.token),
            &json!({"websites": [
                {"id": site1["id"], "categories": {"sector": "media"}},
                {"id": site2["id"], "categories": {"sector": "ngo"}, "name": "Site two"}]}),
        )
        .await)
    .await;
    assert_eq!(bulk.as_array().unwrap().len(), 2);
    assert_eq!(c.websites("category=sector:ngo").await.len(), 1);

    // The actor table: exported, edited, imported whole; any bad row refuses the table.
    let table = c
        .app
        .get(&format!("{base}/table"), Some(&c.token))
        .await
        .text()
        .await
        .unwrap();
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap(),
        "website,kind,origin,status,name,merged_into,sector"
    );
    // The prefix took the search result; the domain keeps only the links into it (the PDF).
    assert!(table.contains("site0.test/p,prefix,search,out,,,"), "{table}");
    assert!(
        table.contains("site2.test,domain,search,,Site two,,ngo"),
        "{table}"
    );

    let put = |text: String| {
        c.app
            .request(Method::PUT, &format!("{base}/table"), Some(&c.token))
            .header("content-type", "text/csv")
            .body(text)
            .send()
    };
    let bad = "website,status,sector\nsite1.test,out,media\nnowhere.example,in,\nsite2.test,sideways,\n";
    let err = assert_error(
        put(bad.into()).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&err), ["line 3", "line 4"], "{err}");
    assert_eq!(
        c.website("site1.test").await["status"],
        "in",
        "nothing was applied"
    );

    let good = "website,status,name,merged_into,sector\n\
        site1.test,out,,,media\n\
        www.site2.test/p,in,Site two articles,,ngo\n\
        site2.test,in,Site two,,ngo\n\
        site3.test,,Site three,site2.test,\n";
    let report = ok(put(good.into()).await.unwrap()).await;
    assert_eq!(
        (&report["rows"], &report["added"]),
        (&json!(4), &json!(1)),
        "{report}"
    );
    // The search result now belongs to the new prefix, so the domain itself is known only
    // from links; its row sets it IN, and site3, merged into it, is IN with it.
    let site3 = c.website("site3.test").await;
    assert_eq!(
        (&site3["status"], &site3["actor_name"]),
        (&json!("in"), &json!("Site two"))
    );
    let articles = c.website("site2.test/p").await;
    assert_eq!(articles["actor_categories"]["sector"], "ngo", "{articles}");
    assert_eq!(c.website("site1.test").await["status"], "out");

    // Networks of different types do not compare; the refusal names both types.
    let query_website = c.newest_network().await;
    let hyperlink = ok(c
        .app
        .post_json(
            "/api/networks",
            Some(&c.token),
            &json!({"type": "hyperlink", "scope": {"crawls": [deeper["id"]]}, "params": {"crawled_only": false}}),
        )
        .await)
    .await;
    c.app
        .wait_for_job(hyperlink["job_id"].as_i64().unwrap(), &c.token)
        .await;
    let res = c
        .app
        .get(
            &format!("/api/networks/{query_website}/compare/{}", hyperlink["id"]),
            Some(&c.token),
        )
        .await;
    let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&err), ["b"]);
    let message = err["error"]["details"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("query-website") && message.contains("hyperlink"),
        "{message}"
    );

    // Unknown list parameters are named.
    let res = c.app.get(&format!("{base}?sort=size"), Some(&c.token)).await;
    assert_eq!(
        error_fields(&assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["sort"]
    );
    drop(c.web);
}
