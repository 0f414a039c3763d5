//! The page templates (minijinja, autoescaped), compiled into the binary.

use std::sync::OnceLock;

use minijinja::{Environment, Error, ErrorKind};
use serde_json::Value;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../ui/templates/", $name)))),*]
    };
}

const TEMPLATES: [(&str, &str); 27] = templates![
    "base.html",
    "macros.html",
    "error.html",
    "login.html",
    "dashboard.html",
    "jobs_fragment.html",
    "sessions.html",
    "session_new.html",
    "session.html",
    "job_progress.html",
    "compare.html",
    "crawls.html",
    "crawl.html",
    "crawl_progress.html",
    "page.html",
    "analysis.html",
    "networks.html",
    "network.html",
    "viewer.html",
    "admin_users.html",
    "account.html",
    "about.html",
    "projects.html",
    "project.html",
    "websites.html",
    "prospects.html",
    "website.html",
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            if let Err(e) = env.add_template(name, source) {
                // A broken template is a build defect; the unit test below catches it first.
                tracing::error!(template = name, error = %e, "template does not parse");
            }
        }
        env.add_filter("when", when);
        env.add_filter("thousands", thousands);
        env
    })
}

pub fn render(name: &str, ctx: &Value) -> Result<String, Error> {
    environment().get_template(name)?.render(ctx)
}

/// An RFC 3339 timestamp as `2026-11-28 18:30 UTC`.
fn when(value: Option<String>) -> Result<String, Error> {
    let Some(value) = value else {
        return Ok(String::from("—"));
    };
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("not a timestamp: {e}")))
}

/// 12345 as `12,345`.
fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }

    #[test]
    fn timestamps_read_as_utc() {
        assert_eq!(
            when(Some("2026-11-28T19:30:00+01:00".into())).unwrap(),
            "2026-11-28 18:30 UTC"
        );
        assert_eq!(when(None).unwrap(), "—");
        assert!(when(Some("yesterday".into())).is_err());
    }
}
