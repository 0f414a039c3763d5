//! `observatory project`: a team's projects from the command line, with output that
//! composes in pipes (ids and tab-separated rows on stdout, messages on stderr).

use crate::cli::{observatory, text};

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = observatory(dir, args, None);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn projects_are_shared_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["migrate"]);
    for name in ["alice", "bob", "carol"] {
        let out = observatory(
            d,
            &["user", "add", name, "--password-stdin"],
            Some("a long enough password\n"),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    let id = ok(d, &["project", "create", "Energy", "--as", "alice"])
        .trim()
        .to_owned();
    assert!(id.parse::<i64>().is_ok(), "the id alone on stdout: {id:?}");
    ok(
        d,
        &["project", "add", &id, "bob", "--role", "viewer", "--as", "alice"],
    );

    // Lists are tab-separated rows: id, role, members, name.
    let listed = ok(d, &["project", "list", "--as", "bob"]);
    let row = listed
        .lines()
        .find(|l| l.starts_with(&format!("{id}\t")))
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(row, format!("{id}\tviewer\t2\tEnergy"));
    assert!(listed.lines().any(|l| l.ends_with("(default)")), "{listed}");
    let shown = ok(d, &["project", "show", &id, "--as", "bob"]);
    assert!(
        shown.contains("alice\towner") && shown.contains("bob\tviewer"),
        "{shown}"
    );

    // A viewer cannot manage; an outsider learns nothing; bad input names its field.
    let out = observatory(d, &["project", "add", &id, "carol", "--as", "bob"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("owner role"), "{}", text(&out.stderr));
    let out = observatory(d, &["project", "show", &id, "--as", "carol"], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no such project"),
        "{}",
        text(&out.stderr)
    );
    let out = observatory(
        d,
        &["project", "add", &id, "carol", "--role", "boss", "--as", "alice"],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("role"), "{}", text(&out.stderr));
    let out = observatory(d, &["project", "remove", &id, "alice", "--as", "alice"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("last owner"), "{}", text(&out.stderr));

    // A session goes into the project named; the trail says who did what.
    std::fs::write(d.join("urls.txt"), "https://example.dk/a\n").unwrap();
    let out = observatory(
        d,
        &[
            "search",
            "--engine",
            "manual",
            "--urls-file",
            "urls.txt",
            "--name",
            "listed",
            "--project",
            &id,
            "--as",
            "alice",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sessions = ok(d, &["search", "list", "--project", &id, "--as", "bob"]);
    assert!(sessions.contains("listed"), "{sessions}");
    ok(d, &["project", "role", &id, "bob", "editor", "--as", "alice"]);
    ok(d, &["project", "remove", &id, "bob", "--as", "bob"]);
    let trail = ok(d, &["project", "activity", &id, "--as", "alice"]);
    let actions: Vec<String> = trail
        .lines()
        .map(|l| l.split('\t').skip(1).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        actions,
        [
            "bob left",
            "alice changed role",
            "alice created",
            "alice added",
            "alice created"
        ],
        "{trail}"
    );
}

#[test]
fn websites_are_curated_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["migrate"]);
    let out = observatory(
        d,
        &["user", "add", "alice", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let id = ok(d, &["project", "create", "Energy", "--as", "alice"])
        .trim()
        .to_owned();
    std::fs::write(
        d.join("urls.txt"),
        "https://ens.dk/a\nhttps://www.dr.dk/b\nhttps://nyheder.tv2.dk/c\nhttps://tv2.dk/d\n",
    )
    .unwrap();
    let out = observatory(
        d,
        &[
            "search",
            "--engine",
            "manual",
            "--urls-file",
            "urls.txt",
            "--name",
            "listed",
            "--project",
            &id,
            "--as",
            "alice",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Rows: id, status, unit, actor, results, pages, inlinks, categories.
    let listed = ok(
        d,
        &["project", "websites", &id, "--sort", "unit", "--as", "alice"],
    );
    let units: Vec<&str> = listed.lines().map(|l| l.split('\t').nth(2).unwrap()).collect();
    assert_eq!(units, ["dr.dk", "ens.dk", "tv2.dk"], "{listed}");
    assert!(
        listed.lines().all(|l| l.split('\t').nth(1) == Some("in")),
        "{listed}"
    );

    // Curate: OUT with a category, then a host split off and merged back by name.
    ok(
        d,
        &[
            "project",
            "curate",
            &id,
            "dr.dk",
            "--status",
            "out",
            "--category",
            "sector=media",
            "--as",
            "alice",
        ],
    );
    ok(
        d,
        &[
            "project",
            "curate",
            &id,
            "nyheder.tv2.dk",
            "--merge-into",
            "tv2.dk",
            "--as",
            "alice",
        ],
    );
    ok(
        d,
        &[
            "project", "curate", &id, "tv2.dk", "--name", "TV 2", "--as", "alice",
        ],
    );
    let out_rows = ok(
        d,
        &["project", "websites", &id, "--status", "out", "--as", "alice"],
    );
    assert_eq!(out_rows.lines().count(), 1, "{out_rows}");
    assert!(
        out_rows.contains("\tdr.dk\tdr.dk\t1\t0\t0\tsector=media"),
        "{out_rows}"
    );
    let host = ok(
        d,
        &[
            "project", "websites", &id, "--q", "nyheder", "--json", "--as", "alice",
        ],
    );
    let host: serde_json::Value = serde_json::from_str(host.trim()).unwrap();
    assert_eq!(
        (&host["kind"], &host["actor_name"]),
        (&"host".into(), &"TV 2".into())
    );
    let prospects = ok(d, &["project", "prospects", &id, "--as", "alice"]);
    assert_eq!(prospects, "", "nothing undecided without crawled links");

    // The table goes out on stdout and comes back in; a bad row names its line.
    let table = ok(d, &["project", "table", &id, "--as", "alice"]);
    assert!(
        table.starts_with("website,kind,origin,status,name,merged_into,sector\n"),
        "{table}"
    );
    assert!(table.contains("nyheder.tv2.dk,host,search,,,tv2.dk,"), "{table}");
    let edited = table.replace(
        "ens.dk,domain,search,,,,",
        "ens.dk,domain,search,out,Energistyrelsen,,government",
    );
    std::fs::write(d.join("actors.csv"), &edited).unwrap();
    ok(
        d,
        &["project", "table", &id, "--import", "actors.csv", "--as", "alice"],
    );
    let ens = ok(d, &["project", "websites", &id, "--q", "ens", "--as", "alice"]);
    assert!(ens.contains("\tout\tens.dk\tEnergistyrelsen\t"), "{ens}");
    let out = observatory(
        d,
        &["project", "table", &id, "--import", "-", "--as", "alice"],
        Some("website,status\nens.dk,in\nunknown.example,out\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("line 3"), "{}", text(&out.stderr));
    let ens = ok(d, &["project", "websites", &id, "--q", "ens", "--as", "alice"]);
    assert!(ens.contains("\tout\tens.dk\t"), "nothing was applied: {ens}");
    let out = observatory(
        d,
        &[
            "project", "curate", &id, "dr.dk", "--status", "sideways", "--as", "alice",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown status"),
        "{}",
        text(&out.stderr)
    );
}
