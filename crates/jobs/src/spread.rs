//! Spreading a queue's jobs over its workers.
//!
//! A queue worker takes a task whenever its service is ready (apalis asks the service
//! before it fetches), and a worker that just took one asks again at once, while an idle
//! one only looks every poll interval. Left alone, jobs submitted together all land on
//! whichever worker looked first. So a worker that already runs tasks of a queue holds
//! back from taking another for [`Spread::hold`] per task it runs, counted from the last
//! task it took, whenever other live workers serve the queue: they poll several times
//! within that hold and take the task first if they are free. When every worker is busy
//! the task still runs, only a hold later; a worker alone on its queue never waits.
//!
//! The hold counts from the last task taken, not from when the next one was queued: a job
//! submitted more than a hold after the previous one is taken by whichever worker looks
//! first, busy or idle. Jobs submitted together (within a hold of each other) spread.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// One queue's view of this process: tasks it runs, when it took the last one, and how
/// many other live workers serve the queue.
#[derive(Debug, Clone)]
pub struct Spread(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    hold: Duration,
    running: AtomicUsize,
    peers: AtomicUsize,
    /// Milliseconds after `epoch` at which the last task was taken.
    last_taken_ms: AtomicU64,
    epoch: Instant,
}

impl Spread {
    /// `hold` per running task: a couple of the peers' poll intervals.
    pub fn new(hold: Duration) -> Self {
        Self(Arc::new(Inner {
            hold,
            running: AtomicUsize::new(0),
            peers: AtomicUsize::new(0),
            last_taken_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        }))
    }

    pub fn hold(&self) -> Duration {
        self.0.hold
    }

    /// Other live workers of the queue; returns whether the number changed.
    pub fn set_peers(&self, peers: usize) -> bool {
        self.0.peers.swap(peers, Ordering::Relaxed) != peers
    }

    pub fn running(&self) -> usize {
        self.0.running.load(Ordering::Relaxed)
    }

    /// When this worker may take its next task; `None` for at once.
    fn ready_at(&self) -> Option<Instant> {
        let running = self.running();
        if running == 0 || self.0.peers.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let last = self.0.epoch + Duration::from_millis(self.0.last_taken_ms.load(Ordering::Relaxed));
        let factor = u32::try_from(running).unwrap_or(u32::MAX);
        Some(last + self.0.hold.saturating_mul(factor)).filter(|at| *at > Instant::now())
    }

    fn take(&self) -> Taken {
        let since = u64::try_from(self.0.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.0.last_taken_ms.store(since, Ordering::Relaxed);
        self.0.running.fetch_add(1, Ordering::Relaxed);
        Taken(self.clone())
    }
}

/// A task taken by this worker, until its future ends (or is dropped).
#[derive(Debug)]
struct Taken(Spread);

impl Drop for Taken {
    fn drop(&mut self) {
        self.0.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The layer a queue worker's service is wrapped in.
#[derive(Debug, Clone)]
pub struct SpreadLayer(pub Spread);

impl<S> tower::Layer<S> for SpreadLayer {
    type Service = SpreadService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SpreadService {
            inner,
            spread: self.0.clone(),
            wait: None,
        }
    }
}

pub struct SpreadService<S> {
    inner: S,
    spread: Spread,
    wait: Option<Pin<Box<Sleep>>>,
}

impl<S, R> tower::Service<R> for SpreadService<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Counted<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Re-evaluated on every poll: a task ending here wakes the worker, which asks
        // again with one task fewer running.
        if let Some(at) = self.spread.ready_at() {
            let sleep = self
                .wait
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
            if sleep.deadline() != at {
                sleep.as_mut().reset(at);
            }
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        self.wait = None;
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        // Counted when taken, not when first polled: apalis asks for readiness again
        // before it runs the future it was just given.
        let taken = self.spread.take();
        Counted {
            inner: Box::pin(self.inner.call(request)),
            _taken: taken,
        }
    }
}

pub struct Counted<F> {
    inner: Pin<Box<F>>,
    _taken: Taken,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

/// How long a worker running tasks holds back per task, given how often its peers poll:
/// long enough for jobs submitted one after another by a person or a script (a second or
/// so apart, more on a loaded machine) to find the idle workers.
pub fn hold_for(poll_interval: Duration) -> Duration {
    poll_interval.saturating_mul(5).max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tower::{Layer, Service, ServiceExt};

    use super::*;

    /// A service whose calls finish when told to.
    fn service() -> impl Service<
        tokio::sync::oneshot::Receiver<()>,
        Response = (),
        Error = Infallible,
        Future = impl Future<Output = Result<(), Infallible>>,
    > {
        tower::service_fn(|done: tokio::sync::oneshot::Receiver<()>| async move {
            let _ = done.await;
            Ok::<_, Infallible>(())
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_worker_alone_on_its_queue_never_waits() {
        let spread = Spread::new(Duration::from_secs(1));
        let mut svc = SpreadLayer(spread.clone()).layer(service());
        let started = Instant::now();
        let mut running = Vec::new();
        for _ in 0..3 {
            let (tx, rx) = tokio::sync::oneshot::channel();
            running.push((tx, svc.ready().await.unwrap().call(rx)));
        }
        assert_eq!(spread.running(), 3);
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_worker_with_peers_holds_back_per_running_task() {
        let spread = Spread::new(Duration::from_secs(1));
        spread.set_peers(2);
        let mut svc = SpreadLayer(spread.clone()).layer(service());
        let started = Instant::now();
        let (first_done, rx) = tokio::sync::oneshot::channel();
        let first = tokio::spawn(svc.ready().await.unwrap().call(rx));
        assert_eq!(
            started.elapsed(),
            Duration::ZERO,
            "an idle worker takes a task at once"
        );

        let (_second_done, rx) = tokio::sync::oneshot::channel::<()>();
        let second = svc.ready().await.unwrap().call(rx);
        assert_eq!(started.elapsed(), Duration::from_secs(1), "one running: one hold");
        let (_third_done, rx) = tokio::sync::oneshot::channel::<()>();
        let third = svc.ready().await.unwrap().call(rx);
        assert_eq!(
            started.elapsed(),
            Duration::from_secs(3),
            "two running: two holds after the last"
        );
        assert_eq!(spread.running(), 3);

        // Tasks ending (or dropped) count down, and a worker left idle is ready at once.
        first_done.send(()).unwrap();
        first.await.unwrap().unwrap();
        drop(second);
        assert_eq!(spread.running(), 1);
        drop(third);
        assert_eq!(spread.running(), 0);
        let before = Instant::now();
        let (_done, rx) = tokio::sync::oneshot::channel::<()>();
        let _fourth = svc.ready().await.unwrap().call(rx);
        assert_eq!(before.elapsed(), Duration::ZERO);
    }
}
