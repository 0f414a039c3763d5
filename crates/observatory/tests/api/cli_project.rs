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
