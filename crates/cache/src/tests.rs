use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;

fn key(owner: i64, variant: &str) -> Key {
    Key::new(
        Namespace::new("sessions", owner),
        Class::SessionLists,
        None,
        variant,
    )
}

/// A loader that counts its calls and answers `value`.
fn loader(
    calls: &Arc<AtomicUsize>,
    value: &'static str,
) -> impl FnOnce() -> std::future::Ready<Result<Bytes, String>> {
    let calls = calls.clone();
    move || {
        calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(Bytes::from_static(value.as_bytes())))
    }
}

async fn exercise_read_through_and_invalidation(cache: &Cache) {
    let calls = Arc::new(AtomicUsize::new(0));
    let k = key(1, "limit=20");
    assert_eq!(cache.get_or_load(&k, loader(&calls, "v1")).await.unwrap(), "v1");
    assert_eq!(cache.get_or_load(&k, loader(&calls, "v2")).await.unwrap(), "v1");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the second read is a hit");

    // The same view of another owner is another entry.
    assert_eq!(
        cache
            .get_or_load(&key(2, "limit=20"), loader(&calls, "other"))
            .await
            .unwrap(),
        "other"
    );

    // A write invalidates: the very next read loads again.
    cache.invalidate(&[Namespace::new("sessions", 1)]).await;
    assert_eq!(cache.get_or_load(&k, loader(&calls, "v3")).await.unwrap(), "v3");
    // Other owners' entries are untouched.
    assert_eq!(
        cache
            .get_or_load(&key(2, "limit=20"), loader(&calls, "x"))
            .await
            .unwrap(),
        "other"
    );
}

#[tokio::test]
async fn local_cache_reads_through_and_invalidates_by_namespace() {
    exercise_read_through_and_invalidation(&Cache::local(&CacheSettings::default())).await;
}

#[tokio::test]
async fn a_class_with_a_zero_ttl_is_not_cached_and_the_others_still_are() {
    let mut settings = CacheSettings::default();
    settings.ttls.session_lists_secs = 0;
    let cache = Cache::local(&settings);
    let calls = Arc::new(AtomicUsize::new(0));
    for value in ["v1", "v2"] {
        assert_eq!(
            cache
                .get_or_load(&key(1, "a"), loader(&calls, value))
                .await
                .unwrap(),
            value
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2, "every read of the class loads");
    let login = Key::new(Namespace::new("users", 1), Class::LoginSessions, None, "token");
    for _ in 0..2 {
        assert_eq!(
            cache.get_or_load(&login, loader(&calls, "me")).await.unwrap(),
            "me"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3, "login sessions are still cached");
}

#[tokio::test]
async fn a_load_racing_an_invalidation_is_not_served_after_it() {
    let cache = Cache::local(&CacheSettings::default());
    let k = key(1, "v");
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let slow = {
        let cache = cache.clone();
        let k = k.clone();
        tokio::spawn(async move {
            cache
                .get_or_load(&k, || async move {
                    let _ = started_tx.send(());
                    let _ = release_rx.await;
                    Ok::<_, String>(Bytes::from_static(b"read before the write"))
                })
                .await
        })
    };
    started_rx.await.unwrap();
    cache.invalidate(&[Namespace::new("sessions", 1)]).await;
    release_tx.send(()).unwrap();
    assert_eq!(slow.await.unwrap().unwrap(), "read before the write");
    let calls = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        cache.get_or_load(&k, loader(&calls, "after")).await.unwrap(),
        "after"
    );
}

#[tokio::test]
async fn concurrent_misses_load_once() {
    let cache = Cache::local(&CacheSettings::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let cache = cache.clone();
        let calls = calls.clone();
        tasks.push(tokio::spawn(async move {
            cache
                .get_or_load(&key(1, "burst"), || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, String>(Bytes::from_static(b"once"))
                })
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), "once");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(cache.stats().misses, 1);
}

#[tokio::test]
async fn failed_loads_are_not_cached() {
    let cache = Cache::local(&CacheSettings::default());
    let k = key(1, "flaky");
    let err = cache
        .get_or_load(&k, || async { Err::<Bytes, _>("database down".to_owned()) })
        .await;
    assert_eq!(err.unwrap_err(), "database down");
    let calls = Arc::new(AtomicUsize::new(0));
    assert_eq!(cache.get_or_load(&k, loader(&calls, "ok")).await.unwrap(), "ok");
}

#[tokio::test]
async fn a_disabled_cache_always_loads() {
    let cache = Cache::disabled();
    let calls = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        cache
            .get_or_load(&key(1, "x"), loader(&calls, "v"))
            .await
            .unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn keys_name_resource_owner_entity_and_variant() {
    let k = Key::new(
        Namespace::new("networks", 7),
        Class::NetworkMetadata,
        Some(42),
        "meta",
    );
    assert_eq!(k.render(), "io:networks:u7.42:meta");
    assert_eq!(key(7, "limit=20").render(), "io:sessions:u7:limit=20");
}

fn prefix() -> String {
    format!("obs-test-{}:", uuid::Uuid::new_v4().simple())
}

#[tokio::test]
async fn redis_cache_reads_through_and_invalidates() {
    let Some(url) = redislink::test_url() else { return };
    let cache = Cache::with_redis(&CacheSettings::default(), &url, &prefix())
        .await
        .unwrap();
    assert_eq!(cache.backend(), "memory+redis");
    exercise_read_through_and_invalidation(&cache).await;
}

#[tokio::test]
async fn two_instances_share_entries_and_see_each_others_invalidations() {
    let Some(url) = redislink::test_url() else { return };
    let prefix = prefix();
    let a = Cache::with_redis(&CacheSettings::default(), &url, &prefix)
        .await
        .unwrap();
    let b = Cache::with_redis(&CacheSettings::default(), &url, &prefix)
        .await
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let k = key(5, "list");

    assert_eq!(
        a.get_or_load(&k, loader(&calls, "from a")).await.unwrap(),
        "from a"
    );
    // B finds A's entry in Redis without loading.
    assert_eq!(
        b.get_or_load(&k, loader(&calls, "from b")).await.unwrap(),
        "from a"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(b.stats().remote_hits, 1);

    // B writes; A's in-process entry must go once A hears of it.
    let before = a.stats().invalidations_received;
    b.invalidate(&[Namespace::new("sessions", 5)]).await;
    for _ in 0..500 {
        if a.stats().invalidations_received > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        a.stats().invalidations_received > before,
        "A never heard of B's invalidation"
    );
    assert_eq!(a.get_or_load(&k, loader(&calls, "fresh")).await.unwrap(), "fresh");
    assert_eq!(b.get_or_load(&k, loader(&calls, "again")).await.unwrap(), "fresh");
}

#[tokio::test]
async fn redis_drops_a_write_from_a_load_that_raced_an_invalidation() {
    let Some(url) = redislink::test_url() else { return };
    let prefix = prefix();
    let a = Cache::with_redis(&CacheSettings::default(), &url, &prefix)
        .await
        .unwrap();
    let b = Cache::with_redis(&CacheSettings::default(), &url, &prefix)
        .await
        .unwrap();
    let k = key(6, "raced");
    let b2 = b.clone();
    let stale = a
        .get_or_load(&k, || async move {
            // The write lands while A is still loading the old state.
            b2.invalidate(&[Namespace::new("sessions", 6)]).await;
            Ok::<_, String>(Bytes::from_static(b"old"))
        })
        .await
        .unwrap();
    assert_eq!(stale, "old");
    let calls = Arc::new(AtomicUsize::new(0));
    assert_eq!(b.get_or_load(&k, loader(&calls, "new")).await.unwrap(), "new");
}
