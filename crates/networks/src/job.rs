//! The `network` job: reads the scope, builds the graph, refines it (backbone, filters,
//! communities, layout) off the async runtime, and stores graph and report together.

use async_trait::async_trait;
use graph::RefineReport;
use jobs::{JobContext, JobError, JobHandler};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{Network, NetworkOutcome, Queue, SearchStatus};

use crate::load::{self, Inputs, Loaded};
use crate::spec::{NetworkParams, NetworkType};

pub const KIND: &str = "network";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkPayload {
    pub network_id: store::NetworkId,
}

/// What a built network's record carries besides its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NetworkReport {
    pub inputs: Inputs,
    #[serde(flatten)]
    pub refine: RefineReport,
    /// Milliseconds spent reading, building and refining, and storing.
    pub millis: Timings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Timings {
    pub load: u64,
    pub build: u64,
    pub store: u64,
}

#[derive(Default)]
pub struct RunNetwork;

impl RunNetwork {
    pub fn new() -> Self {
        Self
    }
}

#[async_trait]
impl JobHandler for RunNetwork {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn queue(&self) -> Queue {
        Queue::Network
    }

    fn validate(&self, payload: &Value) -> Result<(), String> {
        serde_json::from_value::<NetworkPayload>(payload.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn run(&self, ctx: &JobContext, payload: Value) -> Result<Value, JobError> {
        let payload: NetworkPayload =
            serde_json::from_value(payload).map_err(|e| JobError::Failed(format!("bad payload: {e}")))?;
        let outcome = execute(ctx, payload.network_id).await;
        match &outcome {
            Err(JobError::Failed(message)) => {
                ctx.store()
                    .set_network_status(payload.network_id, SearchStatus::Failed, Some(message))
                    .await?;
            }
            Err(JobError::Cancelled) => {
                ctx.store()
                    .set_network_status(payload.network_id, SearchStatus::Cancelled, None)
                    .await?;
            }
            _ => {}
        }
        outcome
    }
}

const STEPS: i64 = 4;

async fn execute(ctx: &JobContext, id: store::NetworkId) -> Result<Value, JobError> {
    let store = ctx.store().clone();
    let Some(network) = store.network_for_worker(id).await? else {
        return Err(JobError::Failed("the network was deleted".into()));
    };
    let (kind, params) = spec_of(&network)?;
    store.set_network_status(id, SearchStatus::Running, None).await?;

    ctx.checkpoint(0, Some(STEPS), "reading the scope".to_owned())
        .await?;
    let started = std::time::Instant::now();
    let (loaded, inputs) =
        load::load(store.as_ref(), network.project_id, kind, &network.scope, &params).await?;
    if inputs.rows == 0 {
        return Err(JobError::Failed(nothing_to_build(kind)));
    }
    let load_ms = started.elapsed().as_millis() as u64;

    ctx.checkpoint(
        1,
        Some(STEPS),
        format!(
            "building from {} rows, then backbone, communities and layout",
            inputs.rows
        ),
    )
    .await?;
    let started = std::time::Instant::now();
    let (graph, refine) = tokio::task::spawn_blocking(move || build_and_refine(&loaded, kind, &params))
        .await
        .map_err(|e| JobError::Failed(format!("building the network failed: {e}")))?;
    let build_ms = started.elapsed().as_millis() as u64;

    ctx.checkpoint(
        3,
        Some(STEPS),
        format!(
            "saving {} nodes and {} edges",
            graph.node_count(),
            graph.edge_count()
        ),
    )
    .await?;
    let started = std::time::Instant::now();
    let graph_zstd = crate::export::compress(&graph).map_err(JobError::Failed)?;
    let mut report = NetworkReport {
        inputs,
        refine,
        millis: Timings {
            load: load_ms,
            build: build_ms,
            store: 0,
        },
    };
    report.millis.store = started.elapsed().as_millis() as u64;
    let report = serde_json::to_value(&report).map_err(|e| JobError::Failed(e.to_string()))?;
    store
        .finish_network(
            id,
            &NetworkOutcome {
                node_count: graph.node_count() as i64,
                edge_count: graph.edge_count() as i64,
                report,
                graph_zstd,
            },
        )
        .await?;
    Ok(json!({
        "network_id": id,
        "nodes": graph.node_count(),
        "edges": graph.edge_count(),
    }))
}

/// The build and every refinement step: pure CPU work.
pub fn build_and_refine(
    loaded: &Loaded,
    kind: NetworkType,
    params: &NetworkParams,
) -> (graph::Graph, RefineReport) {
    let mut graph = load::build(loaded, kind, params);
    let report = graph::refine(&mut graph, &params.refinement(), |_| {});
    (graph, report)
}

pub(crate) fn spec_of(network: &Network) -> Result<(NetworkType, NetworkParams), JobError> {
    let kind: NetworkType = network.kind.parse().map_err(JobError::Failed)?;
    let params: NetworkParams = serde_json::from_value(network.params.clone())
        .map_err(|e| JobError::Failed(format!("stored parameters are unreadable: {e}")))?;
    Ok((kind, params))
}

fn nothing_to_build(kind: NetworkType) -> String {
    match kind {
        NetworkType::QueryWebsite => "the search sessions have no results to build from".into(),
        NetworkType::Hyperlink => "the scope has no fetched pages: run a scraping job first".into(),
        _ => "the scope has no analysed pages (in the chosen languages): run an analysis first".into(),
    }
}
