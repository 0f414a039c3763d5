//! `observatory bench crawl --workers N`: the crawler as a shared service, measured with the
//! real binary. One crawl job over a loopback fixture web of many hosts, each response
//! delayed like a real server's and padded to a real news page's weight, is fetched by 1,
//! 2 … N `observatory worker` processes in turn (pages/s and the speed-up); then one job
//! with a 1 s delay over 40 sites, whose requests are compared with its politeness budget
//! (every host asked once a second for the whole crawl).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::json;
use store::{FrontierState, JobStatus, NewCrawl, Priority, Store, UserId};
use testkit::{FixtureConfig, FixtureWeb};

use app::follow_job;
use app::settings::Settings;
use app::startup::{job_registry, open_store};

/// What `observatory bench crawl --workers N` measures.
#[derive(Debug, Clone)]
pub struct ScaleOut {
    /// The most worker processes; the job is run with 1, 2 … this many.
    pub workers: usize,
    /// Each fixture response waits this long, `(lowest, highest)` milliseconds.
    pub latency_ms: (u64, u64),
    /// Article pages weigh this much, `(lightest, heaviest)` KB.
    pub page_kb: (usize, usize),
    /// Fixture hosts of the scaling job.
    pub sites: usize,
    /// Pages the scaling job stores.
    pub pages: u32,
    /// The job's `global_concurrency`: requests in flight per worker process.
    pub concurrency: u32,
    /// A database the benchmark may write to (default: a throwaway SQLite file).
    pub database_url: Option<String>,
}

/// Hosts and pages per host of the politeness-budget job.
const BUDGET_SITES: usize = 40;
const BUDGET_PAGES_PER_SITE: u32 = 20;
const BUDGET_DELAY_SECS: f64 = 1.0;
/// The goals, from the issue that asked for the scale-out.
const SPEEDUP_GOAL: f64 = 2.5;
const BUDGET_GOAL: f64 = 0.9;
/// How long a worker process may take to say it is taking jobs.
const WORKER_START: Duration = Duration::from_secs(60);

/// One scaling run's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScalingRun {
    pub workers: usize,
    pub pages: i64,
    pub secs: f64,
    pub pages_per_sec: f64,
    /// Pages fetched by each worker process (by pid), busiest first.
    pub per_worker: Vec<i64>,
}

/// The politeness-budget run's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BudgetRun {
    pub hosts: usize,
    pub requests: usize,
    /// From the first request the fixture web saw to the last.
    pub span_secs: f64,
    /// Requests made over requests the delay allowed in that span.
    pub budget_used: f64,
    pub job_secs: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScaleOutReport {
    pub runs: Vec<ScalingRun>,
    pub speedup: f64,
    pub budget: BudgetRun,
}

pub async fn run(settings: &Settings, bench: &ScaleOut) -> anyhow::Result<ScaleOutReport> {
    anyhow::ensure!(
        (1..=16).contains(&bench.workers),
        "--workers must be between 1 and 16"
    );
    anyhow::ensure!(
        bench.latency_ms.0 <= bench.latency_ms.1 && bench.latency_ms.1 <= 10_000,
        "--latency-ms must be LOW-HIGH with LOW ≤ HIGH ≤ 10000"
    );
    anyhow::ensure!(
        bench.page_kb.0 <= bench.page_kb.1 && bench.page_kb.1 <= 4096,
        "--page-kb must be LOW-HIGH with LOW ≤ HIGH ≤ 4096"
    );
    anyhow::ensure!(
        (1..=10_000).contains(&bench.sites),
        "--sites must be between 1 and 10000"
    );
    anyhow::ensure!(
        (1..=1_000_000).contains(&bench.pages),
        "--pages must be between 1 and 1000000"
    );
    anyhow::ensure!(
        (1..=512).contains(&bench.concurrency),
        "--concurrency must be between 1 and 512"
    );
    let scratch = tempfile::tempdir()?;
    let mut settings = settings.clone();
    settings.database_url = match &bench.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", scratch.path().join("bench.db").display()),
    };
    // The hosts are the same names in every fixture web; only the port changes, and with
    // it the origin, so no run finds another's robots.txt in the shared cache.
    let hosts = FixtureConfig {
        sites: bench.sites.max(BUDGET_SITES),
        ..FixtureConfig::default()
    }
    .hosts();
    write_worker_config(scratch.path(), &hosts)?;
    let store = open_store(&settings).await?;
    let owner = crate::crawl::bench_owner(store.as_ref()).await?;
    let (registry, _) = job_registry(&settings)?;
    let bed = Bed {
        registry,
        store,
        settings,
        owner: owner.id,
        dir: scratch.path().to_owned(),
    };
    let outcome = bed.measure(bench).await;
    bed.store.close().await;
    outcome
}

/// The installation under test: its database, configuration and scratch directory.
struct Bed {
    /// Submits the jobs (the worker processes run them).
    registry: jobs::Registry,
    store: Arc<dyn Store>,
    settings: Settings,
    owner: UserId,
    dir: PathBuf,
}

impl Bed {
    async fn measure(&self, bench: &ScaleOut) -> anyhow::Result<ScaleOutReport> {
        eprintln!(
            "one crawl job over {} fixture hosts ({}–{} ms per response, {}–{} KB pages), \
             {} requests in flight per worker, on {:?}",
            bench.sites,
            bench.latency_ms.0,
            bench.latency_ms.1,
            bench.page_kb.0,
            bench.page_kb.1,
            bench.concurrency,
            self.store.backend()
        );
        let mut runs = Vec::new();
        let mut workers = Workers::default();
        for n in 1..=bench.workers {
            while workers.0.len() < n {
                workers.0.push(self.start_worker(workers.0.len())?);
            }
            self.wait_for_workers(&mut workers).await?;
            let run = self.scaling_run(bench, n).await?;
            eprintln!(
                "{n} worker(s): {} pages in {:.1} s = {:.1} pages/s (per worker {:?})",
                run.pages, run.secs, run.pages_per_sec, run.per_worker
            );
            runs.push(run);
        }
        let budget = self.budget_run(bench).await?;
        drop(workers);
        let speedup = match (runs.first(), runs.last()) {
            (Some(one), Some(all)) if one.pages_per_sec > 0.0 => all.pages_per_sec / one.pages_per_sec,
            _ => 1.0,
        };
        let report = ScaleOutReport {
            runs,
            speedup,
            budget,
        };
        print_report(&report);
        Ok(report)
    }

    fn start_worker(&self, index: usize) -> anyhow::Result<Child> {
        let exe = std::env::current_exe().context("finding the observatory binary")?;
        let log = std::fs::File::create(self.worker_log(index))?;
        let mut command = Command::new(exe);
        command
            .args(["worker", "--queues", "crawl"])
            .current_dir(&self.dir)
            .env("OBSERVATORY_DATABASE_URL", &self.settings.database_url)
            // Their start line says when they take jobs.
            .env("OBSERVATORY_LOG__FILTER", "warn,jobs=info")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(redis) = &self.settings.redis_url {
            command
                .env("OBSERVATORY_REDIS_URL", redis.expose_secret())
                .env("OBSERVATORY_REDIS_KEY_PREFIX", &self.settings.redis_key_prefix);
        }
        command.spawn().context("starting a worker process")
    }

    fn worker_log(&self, index: usize) -> PathBuf {
        self.dir.join(format!("worker-{index}.log"))
    }

    async fn wait_for_workers(&self, workers: &mut Workers) -> anyhow::Result<()> {
        let deadline = Instant::now() + WORKER_START;
        for (index, child) in workers.0.iter_mut().enumerate() {
            loop {
                let log = std::fs::read_to_string(self.worker_log(index)).unwrap_or_default();
                if log.contains("workers started") {
                    break;
                }
                if let Some(status) = child.try_wait()? {
                    anyhow::bail!("worker process {index} exited ({status}) before taking jobs:\n{log}");
                }
                anyhow::ensure!(
                    Instant::now() < deadline,
                    "worker process {index} did not start taking jobs within {} s:\n{log}",
                    WORKER_START.as_secs()
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok(())
    }

    async fn scaling_run(&self, bench: &ScaleOut, workers: usize) -> anyhow::Result<ScalingRun> {
        let per_site = bench.pages.div_ceil(u32::try_from(bench.sites)?);
        let web = latency_web(bench, bench.sites, usize::try_from(per_site)?.max(1) * 2 + 1).await?;
        let config = crawl::CrawlConfig {
            depth: 3,
            max_pages_per_site: Some(per_site),
            max_pages: bench.pages,
            delay_secs: 0.0,
            per_site_concurrency: 2,
            global_concurrency: bench.concurrency,
            recollect: true,
            ..crawl::CrawlConfig::default()
        };
        let started = Instant::now();
        let crawl = self
            .crawl(
                &web,
                bench.sites,
                config,
                &format!("scale-out, {workers} worker(s)"),
            )
            .await?;
        let secs = started.elapsed().as_secs_f64();
        let pages = self.stored(crawl).await?;
        let mut by_worker: HashMap<String, i64> = HashMap::new();
        for (_, holder) in self.store.frontier_fetchers(crawl).await? {
            // Holders are `host:pid:run`: one process may have had several runs.
            let process = holder
                .as_deref()
                .and_then(|h| h.rsplit_once(':'))
                .map(|(process, _)| process.to_owned())
                .unwrap_or_default();
            *by_worker.entry(process).or_default() += 1;
        }
        let mut per_worker: Vec<i64> = by_worker.into_values().collect();
        per_worker.sort_unstable_by(|a, b| b.cmp(a));
        Ok(ScalingRun {
            workers,
            pages,
            secs,
            pages_per_sec: pages as f64 / secs.max(1e-9),
            per_worker,
        })
    }

    async fn budget_run(&self, bench: &ScaleOut) -> anyhow::Result<BudgetRun> {
        let web = latency_web(bench, BUDGET_SITES, 2 * BUDGET_PAGES_PER_SITE as usize + 1).await?;
        let config = crawl::CrawlConfig {
            depth: 3,
            max_pages_per_site: Some(BUDGET_PAGES_PER_SITE),
            max_pages: BUDGET_PAGES_PER_SITE * BUDGET_SITES as u32,
            delay_secs: BUDGET_DELAY_SECS,
            per_site_concurrency: 1,
            global_concurrency: bench.concurrency,
            recollect: true,
            ..crawl::CrawlConfig::default()
        };
        eprintln!(
            "one job over {BUDGET_SITES} hosts, {BUDGET_PAGES_PER_SITE} pages each, \
             {BUDGET_DELAY_SECS} s between requests to a host, on {} worker(s)",
            bench.workers
        );
        let started = Instant::now();
        self.crawl(&web, BUDGET_SITES, config, "politeness budget")
            .await?;
        let job_secs = started.elapsed().as_secs_f64();
        let arrivals = web.arrivals();
        let mut per_host: BTreeMap<&str, usize> = BTreeMap::new();
        for arrival in &arrivals {
            *per_host.entry(arrival.host.as_str()).or_default() += 1;
        }
        let span_secs = match (arrivals.first(), arrivals.last()) {
            (Some(first), Some(last)) => last.at.duration_since(first.at).as_secs_f64(),
            _ => 0.0,
        };
        // In a span of S seconds a host can be asked S / delay + 1 times.
        let allowed = per_host.len() as f64 * (span_secs / BUDGET_DELAY_SECS + 1.0);
        let budget = BudgetRun {
            hosts: per_host.len(),
            requests: arrivals.len(),
            span_secs,
            budget_used: arrivals.len() as f64 / allowed.max(1.0),
            job_secs,
        };
        eprintln!(
            "{} requests to {} hosts in {:.1} s: {:.0}% of the budget",
            budget.requests,
            budget.hosts,
            budget.span_secs,
            budget.budget_used * 100.0
        );
        Ok(budget)
    }

    /// Creates a crawl of every fixture site's home page, submits its job and follows it
    /// to the end.
    async fn crawl(
        &self,
        web: &FixtureWeb,
        sites: usize,
        config: crawl::CrawlConfig,
        name: &str,
    ) -> anyhow::Result<store::CrawlId> {
        let seeds = crate::crawl::home_pages(web, sites);
        let crawl = self
            .store
            .create_crawl(NewCrawl {
                owner_id: self.owner,
                project_id: None,
                name: format!("bench: {name}"),
                config: serde_json::to_value(&config)?,
                sources: json!({"urls": seeds.len()}),
                sessions: vec![],
                seeds,
            })
            .await?;
        let job = self
            .registry
            .submit(
                self.store.as_ref(),
                self.owner,
                "crawl",
                json!({"crawl_id": crawl.id}),
                Priority::Normal,
            )
            .await?;
        let job = follow_job(self.store.as_ref(), self.owner, job.id).await?;
        anyhow::ensure!(
            job.status == JobStatus::Succeeded,
            "the benchmark crawl ({name}) ended {}: {}",
            job.status.as_str(),
            job.error.unwrap_or_default()
        );
        Ok(crawl.id)
    }

    async fn stored(&self, crawl: store::CrawlId) -> anyhow::Result<i64> {
        let counts = self
            .store
            .frontier_counts(self.store.default_project(self.owner).await?, crawl)
            .await?;
        Ok(counts
            .iter()
            .filter(|c| c.state == FrontierState::Done)
            .map(|c| c.count)
            .sum())
    }
}

/// A fresh fixture web (a new port, so no run finds another's robots.txt in the shared
/// cache) with the benchmark's latency and page weight.
async fn latency_web(bench: &ScaleOut, sites: usize, pages_per_site: usize) -> std::io::Result<FixtureWeb> {
    FixtureWeb::start(FixtureConfig {
        sites,
        pages_per_site,
        latency_ms: bench.latency_ms,
        page_bytes: (bench.page_kb.0 * 1024, bench.page_kb.1 * 1024),
    })
    .await
}

/// The workers' `observatory.toml`: no floor (the fixture web is ours), its hostnames
/// allowed and mapped to loopback, and quick polling so a run starts promptly.
fn write_worker_config(dir: &Path, hosts: &[String]) -> anyhow::Result<()> {
    let quoted: Vec<String> = hosts.iter().map(|h| format!("\"{h}\"")).collect();
    let mut toml = format!(
        "[workers]\npoll_interval_ms = 100\n\
         [crawl]\nmin_delay_secs = 0.0\nmax_per_host_concurrency = 16\nprivate_hosts = [{}]\n\
         [crawl.host_overrides]\n",
        quoted.join(", ")
    );
    for host in hosts {
        toml.push_str(&format!("\"{host}\" = \"127.0.0.1\"\n"));
    }
    std::fs::write(dir.join("observatory.toml"), toml)?;
    Ok(())
}

fn print_report(report: &ScaleOutReport) {
    println!("workers  pages  seconds  pages/s  speed-up  pages per worker");
    let base = report.runs.first().map_or(1.0, |r| r.pages_per_sec.max(1e-9));
    for run in &report.runs {
        println!(
            "{:>7}  {:>5}  {:>7.1}  {:>7.1}  {:>7.2}×  {:?}",
            run.workers,
            run.pages,
            run.secs,
            run.pages_per_sec,
            run.pages_per_sec / base,
            run.per_worker
        );
    }
    let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
    if report.runs.len() >= 3 {
        println!(
            "speed-up 1 → {} workers  {:.2}×  (goal ≥ {SPEEDUP_GOAL}×) {}",
            report.runs.len(),
            report.speedup,
            verdict(report.speedup >= SPEEDUP_GOAL)
        );
    }
    let b = &report.budget;
    println!(
        "politeness budget      {:.0}%  ({} requests to {} hosts in {:.1} s at {BUDGET_DELAY_SECS} s apart; job {:.1} s; goal ≥ {:.0}%) {}",
        b.budget_used * 100.0,
        b.requests,
        b.hosts,
        b.span_secs,
        b.job_secs,
        BUDGET_GOAL * 100.0,
        verdict(b.budget_used >= BUDGET_GOAL)
    );
}

/// The worker processes, killed when the benchmark ends however it ends.
#[derive(Default)]
struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
