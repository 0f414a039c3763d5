//! Two built networks of the same type compared (typically one built from a search session
//! and one from its re-run snapshot): the operation the API and the CLI share.

use contract::{FieldIssue, ServiceError};
use graph::compare::Comparison;
use serde::Serialize;
use store::{Network, NetworkId, SearchStatus, Store, UserId};

use crate::service::get_network;

/// Entries per list in a comparison, by default and at most.
pub const DEFAULT_LIMIT: usize = 200;
pub const MAX_LIMIT: usize = 5_000;

/// A comparison with the two networks it compares.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NetworkComparison {
    #[schema(value_type = i64)]
    pub a: NetworkId,
    #[schema(value_type = i64)]
    pub b: NetworkId,
    #[serde(rename = "type")]
    pub kind: String,
    /// Entries kept per list (the summary counts them all).
    pub limit: usize,
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// How a comparison is written as one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonFormat {
    /// Both networks' nodes and edges, each with `change` (added, removed, kept).
    Gexf,
    /// A dynamic GEXF: spell 1 is the first network, spell 2 the second.
    DynamicGexf,
    /// The union (as `Gexf`) as graphology JSON, for the viewer.
    Json,
}

impl std::str::FromStr for ComparisonFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "gexf" => Ok(Self::Gexf),
            "dynamic-gexf" => Ok(Self::DynamicGexf),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "unknown format `{other}`: use gexf, dynamic-gexf or json"
            )),
        }
    }
}

/// The two networks as one GEXF file (see [`ComparisonFormat`]).
pub async fn export_comparison(
    store: &dyn Store,
    viewer: UserId,
    a: NetworkId,
    b: NetworkId,
    format: ComparisonFormat,
) -> Result<crate::service::ExportFile, ServiceError> {
    let (network_a, bytes_a) = built(store, viewer, a).await?;
    let (network_b, bytes_b) = built(store, viewer, b).await?;
    same_type(&network_a, &network_b)?;
    let mut meta = crate::service::export_meta(&network_b);
    meta.title = format!("{} → {}", network_a.name, network_b.name);
    meta.description = format!(
        "network {a} ({}) compared with network {b} ({}); {}",
        network_a.name,
        network_b.name,
        match format {
            ComparisonFormat::Gexf => "`change` says whether a node or edge was added, removed or kept",
            ComparisonFormat::DynamicGexf => "time 1 is the first network, time 2 the second",
            ComparisonFormat::Json => "`change` says whether a node or edge was added, removed or kept",
        }
    );
    let bytes = tokio::task::spawn_blocking(move || {
        let ga = crate::export::decompress(&bytes_a).map_err(ServiceError::Export)?;
        let gb = crate::export::decompress(&bytes_b).map_err(ServiceError::Export)?;
        Ok::<_, ServiceError>(match format {
            ComparisonFormat::Gexf => graph::export::changes_gexf(&ga, &gb, &meta),
            ComparisonFormat::DynamicGexf => graph::export::dynamic_gexf(&ga, &gb, &meta),
            ComparisonFormat::Json => graph::export::graphology(
                &graph::export::union(&ga, &gb),
                &meta,
                graph::export::ColorBy::Kind,
            )
            .to_string(),
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))??;
    let (suffix, extension, content_type) = match format {
        ComparisonFormat::Gexf => ("changes", "gexf", "application/gexf+xml"),
        ComparisonFormat::DynamicGexf => ("dynamic", "gexf", "application/gexf+xml"),
        ComparisonFormat::Json => ("changes", "json", "application/json"),
    };
    Ok(crate::service::ExportFile {
        bytes: bytes.into_bytes(),
        content_type,
        file_name: format!("network-{a}-vs-{b}-{suffix}.{extension}"),
    })
}

fn same_type(a: &Network, b: &Network) -> Result<(), ServiceError> {
    if a.kind == b.kind {
        return Ok(());
    }
    Err(ServiceError::Invalid(vec![FieldIssue::new(
        "b",
        format!(
            "network {} is {} and network {} is {}: only networks of one type compare",
            a.id, a.kind, b.id, b.kind
        ),
    )]))
}

pub(crate) async fn built(
    store: &dyn Store,
    viewer: UserId,
    id: NetworkId,
) -> Result<(Network, Vec<u8>), ServiceError> {
    let network = get_network(store, viewer, id).await?;
    if network.status != SearchStatus::Done {
        return Err(ServiceError::NotReady(format!(
            "network {id} is {}; it can be compared once it is built",
            network.status.as_str()
        )));
    }
    let bytes = store
        .network_graph(viewer, id)
        .await?
        .ok_or_else(|| ServiceError::NotReady(format!("network {id} has no stored graph")))?;
    Ok((network, bytes))
}

/// `a` (before) compared with `b` (after); both must be readable by `viewer` and of one type.
pub async fn compare_networks(
    store: &dyn Store,
    viewer: UserId,
    a: NetworkId,
    b: NetworkId,
    limit: Option<usize>,
) -> Result<NetworkComparison, ServiceError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let (network_a, bytes_a) = built(store, viewer, a).await?;
    let (network_b, bytes_b) = built(store, viewer, b).await?;
    same_type(&network_a, &network_b)?;
    let comparison = tokio::task::spawn_blocking(move || {
        let ga = crate::export::decompress(&bytes_a).map_err(ServiceError::Export)?;
        let gb = crate::export::decompress(&bytes_b).map_err(ServiceError::Export)?;
        let mut comparison = graph::compare::compare(&ga, &gb);
        comparison.truncate(limit);
        Ok::<_, ServiceError>(comparison)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))??;
    Ok(NetworkComparison {
        a,
        b,
        kind: network_a.kind,
        limit,
        comparison,
    })
}
