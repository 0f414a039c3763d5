//! The demo's map over time: the search session run again as a snapshot (the demo engine
//! ranks a few queries differently from the second round on), its query–website network
//! built, and the two networks compared and written as one GEXF and a dynamic GEXF.

use std::path::{Path, PathBuf};

use anyhow::Context;
use networks::compare::{ComparisonFormat, NetworkComparison};
use networks::spec::{NetworkParams, NetworkRequest, NetworkType};
use store::{Network, NetworkScope, SearchSessionId, Store, UserId};

pub struct OverTime {
    pub snapshot: SearchSessionId,
    pub network: Network,
    pub comparison: NetworkComparison,
    pub files: Vec<PathBuf>,
}

pub async fn rerun_and_compare(
    store: &dyn Store,
    registry: &jobs::Registry,
    engines: &search::Engines,
    owner: UserId,
    session: SearchSessionId,
    first: &Network,
    out: &Path,
) -> anyhow::Result<OverTime> {
    let snapshot = search::service::rerun_session(store, registry, engines, owner, session)
        .await
        .map_err(|e| anyhow::anyhow!("re-running the search: {e:?}"))?;
    super::demo::wait(store, owner, snapshot.job_id, "re-run search").await?;
    let params: NetworkParams = serde_json::from_value(first.params.clone())?;
    let request = NetworkRequest {
        project_id: None,
        name: Some("demo query-website (re-run)".into()),
        kind: NetworkType::QueryWebsite,
        scope: NetworkScope {
            sessions: vec![snapshot.id],
            crawls: vec![],
        },
        params,
    };
    let network = networks::service::create_network(store, registry, owner, request)
        .await
        .map_err(|e| anyhow::anyhow!("starting the re-run's network: {e:?}"))?;
    super::demo::wait(store, owner, network.job_id, "re-run's network").await?;
    let network = networks::service::get_network(store, owner, network.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let comparison = networks::compare::compare_networks(store, owner, first.id, network.id, Some(10))
        .await
        .map_err(|e| anyhow::anyhow!("comparing the networks: {e}"))?;
    let mut files = Vec::new();
    for (format, name) in [
        (ComparisonFormat::Gexf, "demo-query-website-changes.gexf"),
        (ComparisonFormat::DynamicGexf, "demo-query-website-dynamic.gexf"),
    ] {
        let file = networks::compare::export_comparison(store, owner, first.id, network.id, format)
            .await
            .map_err(|e| anyhow::anyhow!("writing the comparison: {e}"))?;
        let path = out.join(name);
        std::fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))?;
        files.push(path);
    }
    Ok(OverTime {
        snapshot: snapshot.id,
        network,
        comparison,
        files,
    })
}
