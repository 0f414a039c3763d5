//! The `observatory` binary as an administrator uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub(crate) fn observatory(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    observatory_with_env(dir, args, stdin, &[])
}

fn observatory_with_env(
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_observatory"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env(
            "OBSERVATORY_DATABASE_URL",
            format!("sqlite://{}", dir.join("cli.db").display()),
        )
        .env("OBSERVATORY_LOG__FILTER", "warn")
        .env_remove("OBSERVATORY_REDIS_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run observatory");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn users_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = observatory(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = observatory(
        dir.path(),
        &["user", "add", "Alice", "--admin", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created administrator `alice`"));

    let out = observatory(
        dir.path(),
        &["user", "add", "alice", "--password-stdin"],
        Some("another long password\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already taken"),
        "{}",
        text(&out.stderr)
    );

    let out = observatory(
        dir.path(),
        &["user", "add", "bob", "--password-stdin"],
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("password: must be at least 10 characters"),
        "{}",
        text(&out.stderr)
    );

    let out = observatory(
        dir.path(),
        &["user", "add", "bob", "--password-stdin"],
        Some("bob's long password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = observatory(dir.path(), &["user", "disable", "bob"], None);
    assert!(
        text(&out.stdout).contains("`bob` is now disabled"),
        "{}",
        text(&out.stderr)
    );

    let list = text(&observatory(dir.path(), &["user", "list"], None).stdout);
    assert!(
        list.lines().any(|l| l.contains("alice") && l.contains("true")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.contains("bob") && l.contains("false") && l.contains("true")),
        "{list}"
    );

    let out = observatory(
        dir.path(),
        &[
            "user",
            "preferences",
            "alice",
            "--set",
            "theme=dark",
            "--set",
            "page_size=50",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown: serde_json::Value =
        serde_json::from_slice(&observatory(dir.path(), &["user", "preferences", "alice"], None).stdout)
            .unwrap();
    assert_eq!(shown["theme"], "dark");
    assert_eq!(shown["page_size"], 50);
    for (bad, says) in [
        ("page_size=0", "page_size: must be between 1 and 200"),
        ("colour=blue", "unknown field `colour`"),
        ("theme", "expected FIELD=VALUE"),
    ] {
        let out = observatory(dir.path(), &["user", "preferences", "alice", "--set", bad], None);
        assert!(!out.status.success(), "{bad}");
        assert!(text(&out.stderr).contains(says), "{bad}: {}", text(&out.stderr));
    }

    let out = observatory(dir.path(), &["cleanup", "--as", "alice"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"sessions\""),
        "{}",
        text(&out.stdout)
    );
    let out = observatory(dir.path(), &["cleanup", "--as", "bob"], None);
    assert!(!out.status.success(), "only administrators run cleanup");
}

#[test]
fn config_prints_the_effective_settings_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("observatory.toml"), "bind = \"127.0.0.1:9911\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_observatory"))
        .arg("config")
        .current_dir(dir.path())
        .env(
            "OBSERVATORY_DATABASE_URL",
            "postgres://obs:hunter2@db.internal/obs",
        )
        .env("OBSERVATORY_SECRET_KEY", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t")
        .env("OBSERVATORY_REDIS_URL", "redis://:redispw@cache:6379")
        .env("OBSERVATORY_WORKERS__CONCURRENCY", "3")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("bind = \"127.0.0.1:9911\""), "{printed}");
    assert!(printed.contains("concurrency = 3"), "{printed}");
    assert!(
        printed.contains("postgres://obs:***@db.internal/obs"),
        "{printed}"
    );
    for secret in ["hunter2", "s3cr3t", "redispw"] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
}

#[test]
fn serve_refuses_the_development_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_observatory"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("OBSERVATORY_SECRET_KEY")
        .env("OBSERVATORY_BIND", "127.0.0.1:0")
        // A researcher's shell may have it set; errors still read as sentences.
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("development secret"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
}

/// `observatory search` runs a session against a (mock) Serper with a progress bar and a
/// summary, then shows, re-runs and compares it.
#[tokio::test(flavor = "multi_thread")]
async fn search_sessions_run_from_the_command_line() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(header("X-API-KEY", "cli-key-123"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"organic": [
                {"position": 1, "title": "Energistyrelsen", "link": "https://ens.dk/a"},
                {"position": 2, "title": "DR", "link": "https://www.dr.dk/nyheder/b"},
                {"position": 3, "title": "DR igen", "link": "https://www.dr.dk/c"},
            ]})),
        )
        .mount(&server)
        .await;
    let uri = server.uri();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("q.txt"), "vindmøller\nsolceller\n\n").unwrap();
    let run = move |args: Vec<&'static str>| {
        let dir = dir.path().to_owned();
        let uri = uri.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                observatory_with_env(
                    &dir,
                    &args,
                    Some("a long enough password\n"),
                    &[
                        ("OBSERVATORY_SEARCH__SERPER__BASE_URL", uri.as_str()),
                        ("OBSERVATORY_SEARCH__SERPER__API_KEY", "cli-key-123"),
                    ],
                )
            })
            .await
            .unwrap()
        }
    };
    let out = run(vec!["user", "add", "alice", "--password-stdin"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(vec![
        "search",
        "--as",
        "alice",
        "--engine",
        "serper",
        "--queries-file",
        "q.txt",
        "--max-results",
        "3",
        "--name",
        "Vind og sol",
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}{}", stdout, text(&out.stderr));
    assert!(
        stdout.contains("search session 1 “Vind og sol” (serper): done"),
        "{stdout}"
    );
    assert!(stdout.contains("queries: 2 done, 0 failed"), "{stdout}");
    assert!(
        stdout.contains("results: 6 (0 excluded), 3 unique URLs on 2 websites"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains("dr.dk") && l.contains(" 2 ")),
        "{stdout}"
    );
    assert!(!stdout.contains("cli-key-123") && !text(&out.stderr).contains("cli-key-123"));

    let out = run(vec!["search", "--as", "alice", "rerun", "1"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("snapshot of session 1"),
        "{}",
        text(&out.stdout)
    );
    let out = run(vec!["search", "--as", "alice", "compare", "1", "2"]).await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Jaccard 1.000") && stdout.contains("1.000  vindmøller"),
        "{stdout}"
    );
    let out = run(vec!["search", "--as", "alice", "list"]).await;
    assert_eq!(text(&out.stdout).lines().count(), 3, "{}", text(&out.stdout));

    let out = run(vec![
        "search",
        "--as",
        "alice",
        "--engine",
        "brave",
        "--queries-file",
        "q.txt",
    ])
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("engine: engine `brave` is not configured"),
        "{}",
        text(&out.stderr)
    );
    let out = run(vec!["search", "engines"]).await;
    assert!(
        text(&out.stdout).contains("serper      Serper                 configured"),
        "{}",
        text(&out.stdout)
    );
}

/// `observatory extract` works on any HTML file, gzip and legacy charsets included.
#[test]
fn the_extractor_runs_alone_on_any_html_file() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let html = "<html lang=\"da\"><head><meta charset=\"windows-1252\"><title>Gr\u{f8}n omstilling</title></head><body>\
        <nav><a href=\"/\">Forside</a></nav><article><h1>Gr\u{f8}n omstilling</h1>\
        <p>Regeringen fremlagde i g\u{e5}r en plan for den gr\u{f8}nne omstilling, som skal halvere udledningerne fra landbruget inden 2030.</p>\
        <p>If\u{f8}lge ministeren vil staten st\u{f8}tte landm\u{e6}nd, der udtager lavbundsjorder, og kommunerne f\u{e5}r ansvaret for nye vindm\u{f8}ller.</p>\
        <p>L\u{e6}s mere hos <a href=\"https://ens.dk/vind#x\">Energistyrelsen</a>.</p></article>\
        <footer>Kontakt redaktionen</footer></body></html>";
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(html);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&latin1).unwrap();
    std::fs::write(dir.path().join("page.html.gz"), gz.finish().unwrap()).unwrap();

    let out = observatory(
        dir.path(),
        &[
            "extract",
            "--url",
            "https://nyheder.example.dk/a/1",
            "page.html.gz",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["language"], "da");
    assert_eq!(page["encoding"], "windows-1252");
    assert!(
        page["title"].as_str().unwrap().contains("Grøn omstilling"),
        "{page}"
    );
    let body = page["text"].as_str().unwrap();
    assert!(
        body.contains("halvere udledningerne") && body.contains("nye vindmøller"),
        "{body}"
    );
    assert!(!body.contains("Kontakt redaktionen"), "{body}");
    let links: Vec<&str> = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        links,
        vec!["https://ens.dk/vind", "https://nyheder.example.dk/"],
        "content links before navigation"
    );

    let out = observatory(dir.path(), &["extract", "missing.html"], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("reading missing.html"),
        "{}",
        text(&out.stderr)
    );
}

/// `observatory crawl` scrapes URLs against the fixture web with a progress bar and a
/// summary; `observatory pages` then finds and exports what it stored.
#[tokio::test(flavor = "multi_thread")]
async fn crawls_and_pages_run_from_the_command_line() {
    let web = testkit::FixtureWeb::start(testkit::FixtureConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ip = web.addr().ip();
    // The fixture hosts are ours: no politeness floor.
    let mut config =
        String::from("[crawl]\nmin_delay_secs = 0\nmax_per_host_concurrency = 16\nprivate_hosts = [");
    config.push_str(
        &web.hosts()
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", "),
    );
    config.push_str("]\n[crawl.host_overrides]\n");
    for host in web.hosts() {
        config.push_str(&format!("\"{host}\" = \"{ip}\"\n"));
    }
    std::fs::write(dir.path().join("observatory.toml"), config).unwrap();
    std::fs::write(
        dir.path().join("urls.txt"),
        format!(
            "{}\n{}\n{}\n",
            web.url("latin1.test", "/"),
            web.url("site0.test", "/"),
            web.url("robots-disallow.test", "/private/a")
        ),
    )
    .unwrap();
    let root = dir.path().to_owned();
    let run = move |args: Vec<&'static str>| {
        let dir = dir.path().to_owned();
        async move {
            tokio::task::spawn_blocking(move || observatory(&dir, &args, Some("a long enough password\n")))
                .await
                .unwrap()
        }
    };
    let out = run(vec!["user", "add", "alice", "--password-stdin"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(vec![
        "crawl",
        "--as",
        "alice",
        "--urls-file",
        "urls.txt",
        "--depth",
        "2",
        "--max-pages-per-site",
        "3",
        "--delay",
        "0",
        "--name",
        "energi",
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("scraping job 1 “energi”: done"), "{stdout}");
    assert!(stdout.contains("skipped robots: 1"), "{stdout}");
    assert!(
        stdout.contains("pages with text") && stdout.contains("da "),
        "{stdout}"
    );

    let out = run(vec![
        "pages",
        "--as",
        "alice",
        "search",
        "energistyrelsen",
        "--json",
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let hits: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(hits.len(), 1, "{stdout}");
    assert_eq!(hits[0]["domain"], "latin1.test");

    let out = run(vec![
        "pages",
        "--as",
        "alice",
        "export",
        "--job",
        "1",
        "--format",
        "csv",
        "--out",
        "pages.csv",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("page(s) of job 1 written to pages.csv"));
    let mut reader = csv::Reader::from_path(root.join("pages.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 2, "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r[5] == *"latin1.test" && r[22].contains("vindmøller på land"))
    );

    let out = run(vec!["analyze", "--as", "alice", "--job", "1", "--top", "5"]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("analysis 1 of scraping job 1: done"), "{stdout}");
    assert!(
        stdout.contains("top nouns by TF-IDF over 2 websites:"),
        "{stdout}"
    );
    let nouns = stdout
        .split("top nouns")
        .nth(1)
        .and_then(|rest| rest.split("top entities").next())
        .unwrap_or_default();
    assert_eq!(
        nouns.lines().filter(|l| l.contains(" times on ")).count(),
        5,
        "{stdout}"
    );
    assert!(stdout.contains("top entities by TF-IDF"), "{stdout}");
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "build",
        "--type",
        "website-noun",
        "--job",
        "1",
        "--min-df",
        "1",
        "--backbone",
        "disparity",
        "--alpha",
        "0.5",
        "--out",
        "nouns.gexf",
        "--out",
        "nouns.zip",
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("network 1 ") && stdout.contains("(website-noun): done"),
        "{stdout}"
    );
    assert!(stdout.contains("backbone disparity (0.5): edges "), "{stdout}");
    assert!(stdout.contains("community 0 ("), "{stdout}");
    assert!(
        std::fs::read_to_string(root.join("nouns.gexf"))
            .unwrap()
            .contains("<gexf xmlns=\"http://gexf.net/1.3\"")
    );
    assert!(root.join("nouns.zip").exists());
    let out = run(vec!["network", "--as", "alice", "list"]).await;
    assert!(
        text(&out.stdout).contains("website-noun"),
        "{}",
        text(&out.stdout)
    );
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "download",
        "1",
        "--out",
        "nouns.json",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("nouns.json")).unwrap()).unwrap();
    assert!(!g["nodes"].as_array().unwrap().is_empty());
    // The same network over every website, whatever its status, compared with the first:
    // nothing is curated here, so nothing moved.
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "build",
        "--type",
        "website-noun",
        "--job",
        "1",
        "--min-df",
        "1",
        "--backbone",
        "disparity",
        "--alpha",
        "0.5",
        "--corpus",
        "all",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(vec!["network", "--as", "alice", "compare", "1", "2"]).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.starts_with("website-noun 1 → 2: nodes "), "{stdout}");
    assert!(stdout.contains("(+0 −0, Jaccard 1.000)"), "{stdout}");
    let out = run(vec!["network", "--as", "alice", "compare", "1", "2", "--json"]).await;
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["summary"]["edges_changed"], 0, "{c}");
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "compare",
        "1",
        "2",
        "--out",
        "changes.gexf",
        "--dynamic",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    crate::helpers::assert_valid_gexf(&root.join("changes.gexf"));
    let out = run(vec!["network", "--as", "alice", "compare", "1", "9"]).await;
    assert!(!out.status.success());
    // Evidence: a node's heaviest edge, then that edge's pages with the term bracketed.
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "evidence",
        "1",
        "--json",
        "--node",
        "site:site0.test",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let node: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let term: &'static str = node["items"][0]["node"]["id"].as_str().unwrap().to_owned().leak();
    let label = node["items"][0]["node"]["label"].as_str().unwrap().to_owned();
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "evidence",
        "1",
        "--source",
        "site:site0.test",
        "--target",
        term,
    ])
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("TF-IDF"), "{}", text(&out.stderr));
    let first = stdout.lines().next().unwrap();
    assert_eq!(first.split('\t').count(), 4, "{first}");
    let stem: String = label.chars().take(3).collect();
    assert!(
        first.to_lowercase().contains(&format!("[[{stem}")),
        "{label}: {first}"
    );
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "evidence",
        "1",
        "--node",
        "noun:nowhere",
    ])
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("`noun:nowhere` is not in network 1"),
        "{}",
        text(&out.stderr)
    );
    let out = run(vec![
        "network",
        "--as",
        "alice",
        "build",
        "--type",
        "query-website",
        "--job",
        "1",
    ])
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("scope.sessions: a query–website network needs"),
        "{}",
        text(&out.stderr)
    );

    let out = run(vec!["analyze", "--as", "alice", "--job", "7"]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no scraping job 7 is yours"),
        "{}",
        text(&out.stderr)
    );

    let out = run(vec!["pages", "--as", "alice", "search", "-kul"]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("the query only excludes words"),
        "{}",
        text(&out.stderr)
    );
    let out = run(vec!["pages", "--as", "alice", "export", "--job", "9"]).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no scraping job 9"),
        "{}",
        text(&out.stderr)
    );
}

/// `observatory nlp tag` tokenizes and tags plain text or CoNLL-U with the built-in models.
#[test]
fn text_is_tagged_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = observatory(
        dir.path(),
        &["nlp", "tag", "--lang", "da"],
        Some("Regeringen vil bygge flere vindmøller på land, f.eks. i Thy. Naboerne klager!\n"),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("# text = Regeringen vil bygge flere vindmøller på land, f.eks. i Thy."),
        "{stdout}"
    );
    assert!(stdout.contains("\tvindmøller\tvindmølle\tNOUN\t"), "{stdout}");
    assert!(
        stdout.contains("\tThy\tThy\tPROPN\t_\t_\t_\t_\t_\tNER=B-LOC|SpaceAfter=No"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\tf.eks.\t"),
        "abbreviations stay whole: {stdout}"
    );
    assert_eq!(stdout.matches("# sent_id").count(), 2, "{stdout}");

    let conllu = "# text = I don't know.\n1\tI\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\t_\t_\t_\t_\t_\t_\t_\t_\n\
                  3\tn't\t_\t_\t_\t_\t_\t_\t_\t_\n4\tknow\t_\t_\t_\t_\t_\t_\t_\t_\n5\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n";
    std::fs::write(dir.path().join("in.conllu"), conllu).unwrap();
    let out = observatory(
        dir.path(),
        &["nlp", "tag", "--lang", "en", "--conllu", "in.conllu"],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("2\tdo\tdo\tAUX\t") && stdout.contains("3\tn't\tnot\tPART\t"),
        "{stdout}"
    );

    let out = observatory(
        dir.path(),
        &["nlp", "terms"],
        Some(
            "Naboerne til vindmøllerne i Thy klager. Mette Frederiksen vil have en grøn omstilling, \
              og kommunerne skal sikre den grønne omstilling og flere vindmøller.\n",
        ),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let terms: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(terms["language"], "da", "identified: {terms}");
    let nouns = terms["nouns"].as_array().unwrap();
    assert!(
        nouns.iter().any(|n| n["lemma"] == "vindmølle" && n["count"] == 2),
        "{terms}"
    );
    assert!(
        terms["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["normalized"] == "mette frederiksen" && e["label"] == "PER"),
        "{terms}"
    );
    assert_eq!(terms["keywords"][0]["phrase"], "grøn omstilling", "{terms}");

    let out = observatory(dir.path(), &["nlp", "tag", "--lang", "fr"], Some("Bonjour."));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unsupported language `fr`"),
        "{}",
        text(&out.stderr)
    );
}

/// `observatory … | head -2`: when the reader stops reading, the command ends quietly
/// instead of panicking with "failed printing to stdout: Broken pipe".
#[test]
fn commands_end_quietly_when_their_output_pipe_closes() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let text = "Vindmøllerne står på land. Naboerne klager over støjen. ".repeat(4_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_observatory"))
        .args(["nlp", "tag", "--lang", "da"])
        .current_dir(dir.path())
        .env("OBSERVATORY_LOG__FILTER", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = self::text(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}
