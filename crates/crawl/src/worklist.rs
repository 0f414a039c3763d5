//! One run's work loop over a crawl's frontier, shared with every other run on the crawl
//! (the owner's and helpers on other workers).
//!
//! - **Leased, continuous claims.** The run keeps up to `target` URLs in hand and claims
//!   more as soon as it has room (not when a whole batch is done), leasing them under its
//!   holder name; the lease is renewed while the run lives, so a dead run's URLs go back to
//!   the others when it lapses, and only those are fetched twice.
//! - **Interleaved sites.** A claim takes at most `per_host` URLs of one site and none of
//!   the sites the run already holds enough of, so a job keeps every site's gate busy
//!   instead of queueing one site's URLs behind its delay while the others wait.
//! - **Writes beside fetches.** Finished URLs go to a writer task that stores whatever has
//!   finished meanwhile in one transaction, while fetching goes on.
//! - **The end, exactly once.** A run stops when nothing is claimable and no lease is live
//!   (so no other run can still add links); only the owner then ends the job.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jobs::{JobContext, JobError};
use store::{CrawlStatus, FrontierClaim, FrontierItem, FrontierResult, ProjectId, Store, StoreError};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::run::CrawlRun;

/// Most finished URLs written in one transaction.
const WRITE_BATCH: usize = 64;
/// How long a run waits before claiming again after a claim found nothing.
const IDLE_CLAIM: Duration = Duration::from_millis(200);
/// The shortest gap between two claims of one run (claims are transactions).
const CLAIM_GAP: Duration = Duration::from_millis(25);
/// How often the owner reports progress (and hears a cancel), and a helper checks the
/// crawl still runs.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How often the caps are read again from the frontier, which other runs also add to.
const BUDGET_EVERY: Duration = Duration::from_secs(5);

/// Whose run this is.
pub(crate) enum Role<'c> {
    /// The job's own run: reports progress, hears cancels, ends the job.
    Owner(&'c JobContext),
    /// A run lent by another worker: stops when the crawl stops or the process shuts down.
    Helper(&'c CancellationToken),
}

impl CrawlRun {
    /// Works the frontier with the other runs until it is exhausted (or the run must
    /// stop); returns how many URLs this run decided.
    pub(crate) async fn work(self: &Arc<Self>, role: Role<'_>) -> Result<i64, JobError> {
        let writer = Writer::start(self.store.clone(), self.crawl.project_id);
        let outcome = self.work_with(&role, &writer).await;
        // Whatever finished is stored before the leases of the rest are given back.
        let flushed = writer.finish().await;
        if let Err(e) = self
            .store
            .release_frontier_leases(self.crawl.id, &self.holder)
            .await
        {
            tracing::warn!(crawl = %self.crawl.id, error = %e, "could not give back leased URLs; they return when the lease lapses");
        }
        // A writer that failed is the cause of whatever the loop then saw.
        flushed?;
        outcome
    }

    async fn work_with(self: &Arc<Self>, role: &Role<'_>, writer: &Writer) -> Result<i64, JobError> {
        // Each URL is its own task, so that it moves on while this loop awaits the
        // database: a fetch suspended inside a gate's transaction while the loop waits for
        // the same (SQLite) write lock would deadlock them both.
        let mut in_hand: JoinSet<(FrontierItem, FrontierResult)> = JoinSet::new();
        let mut sites: HashMap<tokio::task::Id, String> = HashMap::new();
        let outcome = self.work_in(role, writer, &mut in_hand, &mut sites).await;
        in_hand.abort_all();
        while in_hand.join_next().await.is_some() {}
        outcome
    }

    async fn work_in(
        self: &Arc<Self>,
        role: &Role<'_>,
        writer: &Writer,
        in_hand: &mut JoinSet<(FrontierItem, FrontierResult)>,
        sites: &mut HashMap<tokio::task::Id, String>,
    ) -> Result<i64, JobError> {
        let (_, per_host) = self.host_rules;
        // Enough URLs in hand that every host's gate has one waiting: waiting for a gate is
        // cheap (no connection, no global slot), an empty gate is lost budget.
        let target = (self.config.global_concurrency as usize * 4).clamp(32, 1024);
        let mut held: HashMap<String, u32> = HashMap::new();
        let mut processed = 0i64;
        let now = Instant::now();
        let mut claim_at = now;
        let mut check_at = now + CHECK_EVERY;
        let mut renew_at = now + self.lease / 3;
        let mut budget_at = now + BUDGET_EVERY;
        loop {
            writer.healthy()?;
            let now = Instant::now();
            if now >= renew_at {
                let until = chrono::Utc::now() + chrono::Duration::from_std(self.lease).unwrap_or_default();
                self.store
                    .renew_frontier_leases(self.crawl.id, &self.holder, until)
                    .await?;
                renew_at = now + self.lease / 3;
            }
            if now >= check_at {
                if !self.carry_on(role).await? {
                    return Ok(processed);
                }
                check_at = now + CHECK_EVERY;
            }
            if now >= budget_at {
                self.refresh_budget().await?;
                budget_at = now + BUDGET_EVERY;
            }
            if in_hand.len() < target && now >= claim_at {
                let skip: Vec<String> = held
                    .iter()
                    .filter(|(_, n)| **n >= per_host)
                    .map(|(site, _)| site.clone())
                    .collect();
                let claimed = self
                    .store
                    .claim_frontier_leased(
                        self.crawl.id,
                        &FrontierClaim {
                            holder: &self.holder,
                            limit: u32::try_from(target - in_hand.len()).unwrap_or(u32::MAX),
                            per_site: per_host,
                            skip_sites: &skip,
                            lease_until: chrono::Utc::now()
                                + chrono::Duration::from_std(self.lease).unwrap_or_default(),
                        },
                    )
                    .await?;
                claim_at = now + if claimed.is_empty() { IDLE_CLAIM } else { CLAIM_GAP };
                let mut reusable = self.reusable(&claimed).await?;
                for item in claimed {
                    *held.entry(item.site.clone()).or_insert(0) += 1;
                    let previous = reusable.remove(&item.id);
                    let site = item.site.clone();
                    let run = self.clone();
                    let task = in_hand.spawn(async move { run.process(item, previous).await });
                    sites.insert(task.id(), site);
                }
            }
            if in_hand.is_empty() {
                // Nothing in hand: done when no run holds anything either (their pages may
                // still add links to claim).
                let activity = self
                    .store
                    .frontier_activity(self.crawl.id, chrono::Utc::now())
                    .await?;
                if activity.is_exhausted() {
                    return Ok(processed);
                }
                tokio::time::sleep_until(claim_at.max(now + Duration::from_millis(50))).await;
                continue;
            }
            let wake = [check_at, renew_at, budget_at]
                .into_iter()
                .chain((in_hand.len() < target).then_some(claim_at))
                .min()
                .unwrap_or(check_at);
            tokio::select! {
                Some(joined) = in_hand.join_next_with_id() => {
                    let (id, outcome) = match joined {
                        Ok((id, outcome)) => (id, Some(outcome)),
                        Err(e) => (e.id(), None),
                    };
                    if let Some(n) = sites.remove(&id).and_then(|site| held.get_mut(&site)) {
                        *n = n.saturating_sub(1);
                    }
                    // A task that panicked leaves its URL leased: it goes back to the queue
                    // when this run ends (and is fetched again, by whichever run).
                    let Some((item, result)) = outcome else {
                        tracing::error!(crawl = %self.crawl.id, "a URL's task failed");
                        continue;
                    };
                    metrics::counter!("observatory_crawl_urls_total", "state" => result.state.as_str())
                        .increment(1);
                    processed += 1;
                    writer.send(item, result).await;
                }
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    /// Whether the run goes on: the owner records progress (from the frontier, which
    /// every run writes to) and hears a cancel; a helper checks the crawl still runs.
    async fn carry_on(&self, role: &Role<'_>) -> Result<bool, JobError> {
        match role {
            Role::Owner(ctx) => {
                let counts = self
                    .store
                    .frontier_counts(self.crawl.project_id, self.crawl.id)
                    .await?;
                let counters = crate::service::counters(&counts);
                ctx.checkpoint(
                    counters.decided(),
                    Some(counters.total().max(self.total())),
                    format!("{} of {} URLs decided", counters.decided(), counters.total()),
                )
                .await?;
                Ok(true)
            }
            Role::Helper(shutdown) => {
                if shutdown.is_cancelled() {
                    return Ok(false);
                }
                let crawl = self.store.crawl_for_worker(self.crawl.id).await?;
                Ok(crawl.is_some_and(|c| c.status == CrawlStatus::Running))
            }
        }
    }

    /// Reads the caps' counts again: other runs add links to the frontier too.
    async fn refresh_budget(&self) -> Result<(), StoreError> {
        let load: HashMap<String, i64> = self.store.site_load(self.crawl.id).await?.into_iter().collect();
        let mut budget = self.budget.lock().unwrap_or_else(|e| e.into_inner());
        for (site, n) in load {
            let ours = budget.per_site.entry(site).or_insert(0);
            *ours = (*ours).max(n);
        }
        budget.total = budget.total.max(budget.per_site.values().sum());
        Ok(())
    }
}

/// Stores finished URLs in batches on its own task, so fetching goes on during commits.
struct Writer {
    queue: mpsc::Sender<(FrontierItem, FrontierResult)>,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Writer {
    fn start(store: Arc<dyn Store>, project: ProjectId) -> Self {
        let (queue, mut finished) = mpsc::channel::<(FrontierItem, FrontierResult)>(WRITE_BATCH * 2);
        let task = tokio::spawn(async move {
            while let Some(first) = finished.recv().await {
                let mut batch = vec![first];
                while batch.len() < WRITE_BATCH {
                    match finished.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let refs: Vec<_> = batch.iter().map(|(item, result)| (item, result)).collect();
                store.finish_frontier_batch(project, &refs).await?;
            }
            Ok(())
        });
        Self { queue, task }
    }

    async fn send(&self, item: FrontierItem, result: FrontierResult) {
        // Refused only when the task ended: it failed, and `healthy` says so at the next turn.
        let _ = self.queue.send((item, result)).await;
    }

    /// Fails once the writer has stopped: while the run still sends, it can only have
    /// stopped on an error, which [`Writer::finish`] returns.
    fn healthy(&self) -> Result<(), JobError> {
        if self.task.is_finished() {
            return Err(JobError::Failed("the crawl's result writer stopped".into()));
        }
        Ok(())
    }

    async fn finish(self) -> Result<(), JobError> {
        drop(self.queue);
        match self.task.await {
            Ok(result) => Ok(result?),
            Err(e) => Err(JobError::Failed(format!(
                "the crawl's result writer stopped: {e}"
            ))),
        }
    }
}
