//! The `observatory` binary as an administrator uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn observatory(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_observatory"))
        .args(args)
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

fn text(bytes: &[u8]) -> String {
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
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("development secret"),
        "{}",
        text(&out.stderr)
    );
}
