//! Politeness: at most `per_site` requests at once to one site, request starts to a site at
//! least `delay` apart (raised to the site's robots `Crawl-delay`), and at most `global`
//! requests at once overall. Waiting for a busy site never holds a global slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The politeness the operator guarantees every host, whatever a job asks for: a job may
/// be stricter (a longer delay, fewer requests at once), never laxer. robots.txt
/// `Crawl-delay` raises the delay further.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostFloor {
    /// The shortest time between two request starts to one host.
    pub min_delay: Duration,
    /// The most requests to one host at once.
    pub max_per_host: u32,
}

impl HostFloor {
    /// The installation default: one request per second, at most two at once.
    pub const DEFAULT: HostFloor = HostFloor {
        min_delay: Duration::from_secs(1),
        max_per_host: 2,
    };

    /// The delay and concurrency a job gets: its own where stricter, the floor otherwise.
    pub fn apply(&self, delay: Duration, per_host: u32) -> (Duration, u32) {
        (
            delay.max(self.min_delay),
            per_host.clamp(1, self.max_per_host.max(1)),
        )
    }
}

impl Default for HostFloor {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug)]
struct SiteGate {
    slots: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Option<Instant>>,
    delay: Mutex<Duration>,
}

#[derive(Debug)]
pub struct Politeness {
    global: Arc<Semaphore>,
    per_site: usize,
    default_delay: Duration,
    sites: Mutex<HashMap<String, Arc<SiteGate>>>,
}

/// Held while a request runs; dropping it frees the slots. (The semaphores are never
/// closed, so the permits are always present.)
#[derive(Debug)]
pub struct Permit {
    _site: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

impl Politeness {
    pub fn new(global: usize, per_site: usize, delay: Duration) -> Self {
        Self {
            global: Arc::new(Semaphore::new(global.max(1))),
            per_site: per_site.max(1),
            default_delay: delay,
            sites: Mutex::new(HashMap::new()),
        }
    }

    fn gate(&self, site: &str) -> Arc<SiteGate> {
        let mut sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        sites
            .entry(site.to_owned())
            .or_insert_with(|| {
                Arc::new(SiteGate {
                    slots: Arc::new(Semaphore::new(self.per_site)),
                    next_start: tokio::sync::Mutex::new(None),
                    delay: Mutex::new(self.default_delay),
                })
            })
            .clone()
    }

    /// Raises a site's delay to its robots `Crawl-delay` (never lowers it).
    pub fn set_crawl_delay(&self, site: &str, crawl_delay: Duration) {
        let gate = self.gate(site);
        let mut delay = gate.delay.lock().unwrap_or_else(|e| e.into_inner());
        *delay = (*delay).max(crawl_delay);
    }

    /// Waits until a request to `site` may start.
    pub async fn acquire(&self, site: &str) -> Permit {
        let gate = self.gate(site);
        let site_permit = gate.slots.clone().acquire_owned().await.ok();
        {
            let mut next = gate.next_start.lock().await;
            let delay = *gate.delay.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = next.map_or(now, |n| n.max(now));
            *next = Some(start + delay);
            tokio::time::sleep_until(start).await;
        }
        let global_permit = self.global.clone().acquire_owned().await.ok();
        Permit {
            _site: site_permit,
            _global: global_permit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_site_is_spaced_and_others_are_not_held_up() {
        let p = Arc::new(Politeness::new(8, 1, Duration::from_secs(1)));
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..3 {
            let permit = p.acquire("dr.dk").await;
            starts.push(t0.elapsed());
            drop(permit);
        }
        assert_eq!(
            starts,
            vec![Duration::ZERO, Duration::from_secs(1), Duration::from_secs(2)]
        );
        // Another site starts at once.
        let before = Instant::now();
        let _other = p.acquire("tv2.dk").await;
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn crawl_delay_raises_the_spacing() {
        let p = Politeness::new(8, 1, Duration::from_secs(1));
        p.set_crawl_delay("slow.dk", Duration::from_secs(5));
        p.set_crawl_delay("slow.dk", Duration::from_millis(10));
        let t0 = Instant::now();
        drop(p.acquire("slow.dk").await);
        drop(p.acquire("slow.dk").await);
        assert_eq!(t0.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn per_site_and_global_concurrency_are_bounded() {
        let p = Arc::new(Politeness::new(2, 1, Duration::ZERO));
        let a = p.acquire("a.dk").await;
        let b = p.acquire("b.dk").await;
        // Global limit reached: a third site waits until a slot frees.
        let p2 = p.clone();
        let waiter = tokio::spawn(async move { p2.acquire("c.dk").await });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(!waiter.is_finished());
        drop(a);
        let _c = waiter.await.unwrap();
        // The same site never runs twice at once.
        let p3 = p.clone();
        let same = tokio::spawn(async move { p3.acquire("b.dk").await });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(!same.is_finished());
        drop(b);
        drop(same.await.unwrap());
    }
}
