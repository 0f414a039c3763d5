//! What a host gate costs per request: one ask and one release, on the database (the
//! suite's backend: SQLite by default, PostgreSQL with `OBSERVATORY_TEST_DATABASE_URL`)
//! and on Redis (with `OBSERVATORY_TEST_REDIS_URL`). Spread over 500 hosts, as a crawl
//! spreads its requests, with no delay so that nothing waits.

use std::sync::Arc;

use crawl::{HostGate, RedisGate, StoreGate};
use criterion::{Criterion, criterion_group, criterion_main};
use store::testing::TestDb;
use store::{GateAnswer, GateRequest};

const HOSTS: usize = 500;

async fn ask_and_release(gate: &dyn HostGate, i: usize) {
    let host = format!("site{}.test", i % HOSTS);
    let token = format!("bench-{i}");
    let request = GateRequest {
        host: &host,
        token: &token,
        delay_ms: 0,
        max_in_flight: 2,
        lease_ms: 60_000,
    };
    let answer = gate.acquire(&request).await.unwrap();
    assert!(matches!(answer, GateAnswer::Granted { .. }), "{answer:?}");
    gate.release(&host, &token).await.unwrap();
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let backend = format!("{:?}", db.store.backend()).to_lowercase();
    let database: Arc<dyn HostGate> = Arc::new(StoreGate(db.store.clone()));
    let mut gates = vec![(backend, database)];
    if let Ok(url) = std::env::var("OBSERVATORY_TEST_REDIS_URL") {
        let link = rt.block_on(redislink::RedisLink::connect(&url)).unwrap();
        let prefix = format!("bench:{}:", std::process::id());
        gates.push(("redis".to_owned(), Arc::new(RedisGate::new(link, &prefix))));
    }
    let mut group = c.benchmark_group("gate");
    for (name, gate) in gates {
        let mut i = 0usize;
        group.bench_function(format!("ask_and_release/{name}"), |b| {
            b.to_async(&rt).iter(|| {
                i += 1;
                let gate = gate.clone();
                async move { ask_and_release(gate.as_ref(), i).await }
            });
        });
    }
    group.finish();
    drop(db);
}

criterion_group!(gate, benches);
criterion_main!(gate);
