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

async fn built(store: &dyn Store, viewer: UserId, id: NetworkId) -> Result<(Network, Vec<u8>), ServiceError> {
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
    if network_a.kind != network_b.kind {
        return Err(ServiceError::Invalid(vec![FieldIssue::new(
            "b",
            format!(
                "network {a} is {} and network {b} is {}: only networks of one type compare",
                network_a.kind, network_b.kind
            ),
        )]));
    }
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
