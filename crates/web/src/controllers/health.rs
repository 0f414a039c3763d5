use std::time::Duration;

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
    /// `ready`; `degraded` (still 200) while Redis is away; or `unavailable` (503) with the
    /// failing checks named.
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

/// How long readiness waits for the database: a load balancer asks often and must get an
/// answer well within a second, outage or not.
const DATABASE_DEADLINE: Duration = Duration::from_millis(400);

/// Readiness: the database answers, migrations are applied, and (when this process runs
/// workers) their heartbeat is fresh. Answers within a second, also while the database is
/// down.
#[utoipa::path(get, path = "/health/ready", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, ApiJson<Readiness>) {
    let mut checks = Vec::new();
    let within =
        |what: &'static str| format!("no answer within {} ms ({what})", DATABASE_DEADLINE.as_millis());
    let db = if state.db_health.is_down() {
        Err("unreachable: the health monitor's probes fail".to_owned())
    } else {
        match tokio::time::timeout(DATABASE_DEADLINE, state.store.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(within("ping")),
        }
    };
    let db_ok = db.is_ok();
    checks.push(Check {
        name: "database",
        ok: db_ok,
        detail: db.err(),
    });
    let migrations: Result<Vec<i64>, String> = if db_ok {
        match tokio::time::timeout(DATABASE_DEADLINE, state.store.pending_migrations()).await {
            Ok(found) => found.map_err(|e| e.to_string()),
            Err(_) => Err(within("migrations")),
        }
    } else {
        Err("not checked: the database is unreachable".into())
    };
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
            detail: Some(e),
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
    // Redis is an accelerator: away, it degrades this instance (no shared cache, limits
    // per process) but never makes it unready.
    let redis_degraded = state
        .redis
        .as_ref()
        .is_some_and(redislink::RedisLink::is_degraded);
    if state.redis.is_some() {
        checks.push(Check {
            name: "redis",
            ok: true,
            detail: redis_degraded.then(|| {
                "degraded: unreachable, so bypassed (no shared cache; rate limits and login throttling per process) until it answers"
                    .to_owned()
            }),
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
            status: match (all_ok, redis_degraded) {
                (false, _) => "unavailable",
                (true, true) => "degraded",
                (true, false) => "ready",
            },
            checks,
        }),
    )
}
