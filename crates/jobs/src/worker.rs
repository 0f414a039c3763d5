//! Worker processes: one apalis worker per subscribed queue over the store's own pool,
//! plus a heartbeat that `/health/ready` reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use apalis::prelude::*;
use chrono::Utc;
use store::{DbPool, Queue, QueuedJob, Store, WorkerBeat};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::execute::Executor;
use crate::registry::Registry;
use crate::spread::{Spread, SpreadLayer, hold_for};

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    pub queues: Vec<Queue>,
    /// Jobs run at once per queue.
    pub concurrency: usize,
    /// How often an idle worker looks for new tasks.
    pub poll_interval: Duration,
    pub heartbeat_interval: Duration,
    /// Tasks of a worker silent for this many heartbeats go back to the queue.
    pub missed_heartbeats: usize,
    /// Told when a job changes what its owner's views show.
    pub cache: cache::Cache,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            queues: Queue::ALL.to_vec(),
            concurrency: 4,
            poll_interval: Duration::from_millis(500),
            heartbeat_interval: Duration::from_secs(10),
            missed_heartbeats: 3,
            cache: cache::Cache::disabled(),
        }
    }
}

/// Running workers of this process.
pub struct WorkerHandle {
    id: String,
    store: Arc<dyn Store>,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    last_heartbeat: Arc<AtomicI64>,
    heartbeat_interval: Duration,
}

impl std::fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerHandle")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl WorkerHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn liveness(&self) -> WorkerLiveness {
        WorkerLiveness {
            last_heartbeat: self.last_heartbeat.clone(),
            heartbeat_interval: self.heartbeat_interval,
        }
    }

    /// Stops taking tasks, lets running ones finish, and deregisters.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        if let Err(e) = self.store.remove_worker(&self.id).await {
            tracing::warn!(error = %e, "could not deregister worker");
        }
    }

    /// Stops at once, as a crash would: running tasks are abandoned mid-way and are
    /// recovered by other workers once this one's heartbeat goes stale.
    pub fn abort(self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A cheap view of a worker set's heartbeat, for readiness checks.
#[derive(Debug, Clone)]
pub struct WorkerLiveness {
    last_heartbeat: Arc<AtomicI64>,
    heartbeat_interval: Duration,
}

impl WorkerLiveness {
    /// Whether the workers have beaten within three heartbeat intervals.
    pub fn is_alive(&self) -> bool {
        let last = self.last_heartbeat.load(Ordering::Relaxed);
        let limit = i64::try_from((self.heartbeat_interval * 3).as_millis()).unwrap_or(i64::MAX);
        last > 0 && Utc::now().timestamp_millis() - last <= limit
    }
}

/// Tasks of one queue being handled in this process.
#[derive(Debug, Clone, Default)]
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn start(&self) -> InFlightGuard {
        self.0.fetch_add(1, Ordering::Relaxed);
        InFlightGuard(self.0.clone())
    }
}

struct InFlightGuard(Arc<AtomicUsize>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn handle_task(
    task: QueuedJob,
    executor: Data<Arc<Executor>>,
    in_flight: Data<InFlight>,
    worker: WorkerContext,
) -> Result<(), BoxDynError> {
    let _running = in_flight.start();
    executor
        .execute(task.job_id, worker.name())
        .await
        .map_err(|e| Box::new(e) as BoxDynError)
}

/// Resolves once the queue engine has not heard from worker `name` for longer than `limit`
/// while none of its tasks runs here. An apalis worker can stop polling without returning
/// (seen under SQLite write contention: registered, then never another heartbeat or fetch),
/// which would leave its queue unserved for good; the caller replaces it.
async fn gone_silent(store: &dyn Store, name: &str, limit: Duration, in_flight: &AtomicUsize) {
    let mut tick = tokio::time::interval(Duration::from_secs(1).min(limit));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if in_flight.load(Ordering::Relaxed) > 0 {
            continue;
        }
        if let Ok(Some(silent_for)) = store.queue_worker_silence(name).await
            && silent_for > limit.as_secs_f64()
        {
            return;
        }
    }
}

pub fn start_workers(store: Arc<dyn Store>, registry: Registry, options: WorkerOptions) -> WorkerHandle {
    let host = hostname();
    let pid = std::process::id();
    let id = format!("{host}:{pid}:{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let executor = Arc::new(Executor {
        store: store.clone(),
        registry,
        cache: options.cache.clone(),
        // A holder counts as alive a heartbeat short of the engine's own limit, so a task
        // the engine hands out again after a real crash always finds its holder silent.
        holder_silence: options.heartbeat_interval * (options.missed_heartbeats.max(2) as u32 - 1),
    });
    let shutdown = CancellationToken::new();
    let concurrency = options.concurrency.max(1);
    let mut tasks = Vec::new();
    let spreads: Vec<(Queue, Spread)> = options
        .queues
        .iter()
        .map(|q| (*q, Spread::new(hold_for(options.poll_interval))))
        .collect();

    for (queue, spread) in &spreads {
        let base_name = format!("{id}:{queue}");
        let stop = shutdown.clone();
        let executor = executor.clone();
        let queue_name = queue.as_str();
        let heartbeat = options.heartbeat_interval;
        let missed = options.missed_heartbeats;
        let poll = options.poll_interval;
        let store = store.clone();
        let in_flight = InFlight::default();
        let spread = spread.clone();
        // Beyond apalis's own limit for declaring a worker dead, plus a second of rounding
        // (SQLite keeps whole seconds).
        let silence_limit = heartbeat * (missed as u32 + 1) + Duration::from_secs(1);
        // The two apalis backends share a builder API but no trait that names it all,
        // so the wiring is written once and instantiated per backend. An apalis worker that
        // stops with an error (its heartbeat failed while the database was busy, say) would
        // leave its queue unserved; it is rebuilt under a fresh name and started again.
        macro_rules! spawn_worker {
            ($backend:path, $config:path, $pool:expr) => {{
                let pool = $pool.clone();
                tokio::spawn(async move {
                    for restart in 0u64.. {
                        let name = if restart == 0 { base_name.clone() } else { format!("{base_name}:r{restart}") };
                        // One task a fetch: the hold decides between fetches (see `spread`).
                        let config = <$config>::default()
                            .queue(queue_name)
                            .batch_size(1)
                            .heartbeat_interval(heartbeat)
                            .missed_heartbeats(missed);
                        let backend = <$backend>::new(&pool).with_config(config).poll_with_interval(poll);
                        let worker = WorkerBuilder::new(name.as_str())
                            .backend(backend)
                            .data(executor.clone())
                            .data(in_flight.clone())
                            .layer(SpreadLayer(spread.clone()))
                            .concurrency(concurrency)
                            .build(handle_task);
                        let signal = {
                            let stop = stop.clone();
                            async move {
                                stop.cancelled().await;
                                Ok::<(), std::io::Error>(())
                            }
                        };
                        let outcome = tokio::select! {
                            result = worker.run_until(signal) => Some(result),
                            () = gone_silent(store.as_ref(), &name, silence_limit, &in_flight.0) => None,
                        };
                        match outcome {
                            Some(Ok(())) => return,
                            Some(Err(e)) if !stop.is_cancelled() => {
                                tracing::error!(worker = %name, error = %e, "worker stopped with an error; restarting it");
                                metrics::counter!("observatory_worker_restarts_total", "queue" => queue_name, "reason" => "error").increment(1);
                            }
                            Some(Err(e)) => {
                                tracing::warn!(worker = %name, error = %e, "worker stopped with an error while shutting down");
                                return;
                            }
                            None if stop.is_cancelled() => return,
                            None => {
                                tracing::error!(worker = %name, silent_secs = silence_limit.as_secs(), "worker went silent while idle; replacing it");
                                metrics::counter!("observatory_worker_restarts_total", "queue" => queue_name, "reason" => "silent").increment(1);
                            }
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                })
            }};
        }
        let task = match store.pool() {
            DbPool::Sqlite(pool) => {
                spawn_worker!(
                    apalis_sqlite::SqliteStorage<QueuedJob>,
                    apalis_sqlite::Config,
                    pool
                )
            }
            DbPool::Postgres(pool) => {
                spawn_worker!(
                    apalis_postgres::PostgresStorage<QueuedJob>,
                    apalis_postgres::Config,
                    pool
                )
            }
        };
        tasks.push(task);
    }

    for handler in executor.registry.handlers() {
        if options.queues.contains(&handler.queue()) {
            let (handler, store, stop) = (handler.clone(), store.clone(), shutdown.clone());
            tasks.push(tokio::spawn(async move { handler.assist(store, stop).await }));
        }
    }

    let last_heartbeat = Arc::new(AtomicI64::new(0));
    let beat = WorkerBeat {
        id: id.clone(),
        queues: options
            .queues
            .iter()
            .map(|q| q.as_str())
            .collect::<Vec<_>>()
            .join(","),
        hostname: host,
        pid: i64::from(pid),
    };
    tasks.push(tokio::spawn(heartbeat(
        store.clone(),
        beat,
        Beating {
            every: options.heartbeat_interval,
            peers_within: options.heartbeat_interval * (options.missed_heartbeats as u32 + 1),
            spreads,
        },
        last_heartbeat.clone(),
        shutdown.clone(),
    )));
    tracing::info!(worker = %id, queues = ?options.queues, concurrency, "workers started");

    WorkerHandle {
        id,
        store,
        shutdown,
        tasks,
        last_heartbeat,
        heartbeat_interval: options.heartbeat_interval,
    }
}

/// How the heartbeat runs, and the queues whose peers it counts while it is at it.
struct Beating {
    every: Duration,
    /// A peer counts while its last beat is this recent.
    peers_within: Duration,
    spreads: Vec<(Queue, Spread)>,
}

async fn heartbeat(
    store: Arc<dyn Store>,
    beat: WorkerBeat,
    beating: Beating,
    last: Arc<AtomicI64>,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(beating.every);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = Utc::now();
        match store.worker_heartbeat(&beat, now).await {
            Ok(()) => last.store(now.timestamp_millis(), Ordering::Relaxed),
            Err(e) => tracing::warn!(error = %e, "worker heartbeat failed"),
        }
        let since = chrono::Duration::from_std(beating.peers_within)
            .ok()
            .and_then(|d| now.checked_sub_signed(d))
            .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
        for (queue, spread) in &beating.spreads {
            match store.live_queue_workers(*queue, since).await {
                Ok(ids) => {
                    let peers = ids.iter().filter(|id| **id != beat.id).count();
                    if spread.set_peers(peers) {
                        tracing::info!(
                            queue = queue.as_str(),
                            peers,
                            hold_ms = u64::try_from(spread.hold().as_millis()).unwrap_or(u64::MAX),
                            "other workers of the queue changed"
                        );
                    }
                }
                // Counted as before: a wrong count only delays or hurries a task.
                Err(e) => tracing::warn!(error = %e, "could not count the queue's workers"),
            }
        }
    }
}

/// This machine's name, as worker ids and crawl lease holders carry it.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}
