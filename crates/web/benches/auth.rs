//! The cost a login pays: argon2id hashing (user creation, password change) and
//! verification (every login attempt, including unknown users), and token checks
//! (every authenticated request, before the session lookup).

use accounts::password;
use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use web::auth::token::TokenKeys;

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stored = rt
        .block_on(password::hash("correct horse battery".into()))
        .unwrap();
    let mut group = c.benchmark_group("auth");
    group.sample_size(20);
    group.bench_function("argon2id_hash", |b| {
        b.to_async(&rt)
            .iter(|| password::hash("correct horse battery".into()))
    });
    group.bench_function("argon2id_verify", |b| {
        b.to_async(&rt)
            .iter(|| password::verify("correct horse battery".into(), Some(stored.clone())))
    });
    group.finish();

    let keys = TokenKeys::new(&SecretString::from("k".repeat(48)));
    let token = keys
        .issue(
            store::UserId::new(1),
            "session",
            Utc::now() + chrono::Duration::hours(1),
        )
        .unwrap();
    c.bench_function("auth/jwt_verify", |b| b.iter(|| keys.verify(&token).unwrap()));
}

criterion_group!(auth_benches, benches);
criterion_main!(auth_benches);
