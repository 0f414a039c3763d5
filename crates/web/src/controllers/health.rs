use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Liveness {
    pub status: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, or `unavailable` with the failing checks named.
    pub status: &'static str,
    pub checks: Vec<Check>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: Option<String>,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Liveness)))]
pub async fn live() -> ApiJson<Liveness> {
    ApiJson(Liveness {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database answers, migrations are applied, and (when this process runs
/// workers) their heartbeat is fresh.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, ApiJson<Readiness>) {
    let mut checks = Vec::new();
    let db = state.store.ping().await;
    checks.push(Check {
        name: "database",
        ok: db.is_ok(),
        detail: db.err().map(|e| e.to_string()),
    });
    let migrations = state.store.pending_migrations().await;
    checks.push(match migrations {
        Ok(pending) if pending.is_empty() => Check {
            name: "migrations",
            ok: true,
            detail: None,
        },
        Ok(pending) => Check {
            name: "migrations",
            ok: false,
            detail: Some(format!("{} pending", pending.len())),
        },
        Err(e) => Check {
            name: "migrations",
            ok: false,
            detail: Some(e.to_string()),
        },
    });
    if let Some(workers) = &state.workers {
        let ok = workers.is_alive();
        checks.push(Check {
            name: "workers",
            ok,
            detail: (!ok).then(|| "no recent worker heartbeat".to_owned()),
        });
    }
    let all_ok = checks.iter().all(|c| c.ok);
    let status = if all_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        ApiJson(Readiness {
            status: if all_ok { "ready" } else { "unavailable" },
            checks,
        }),
    )
}
