//! Network operations shared by the HTTP API and the CLI.

use contract::{FieldIssue, ServiceError};
use graph::export::{ColorBy, ExportMeta};
use jobs::Registry;
use projects::Need;
use projects::activity::Act;
use store::{
    Network, NewNetwork, PageRequest, Priority, ProjectId, ProjectResource, SearchStatus, Store, StoreError,
    UserId,
};

use crate::export::{self, Format};
use crate::job::{KIND, NetworkPayload};
use crate::spec::NetworkRequest;

/// The project a network goes into: every session and scraping job of its scope must be
/// in it, and the user must be able to edit there. A scope item the user cannot see is
/// simply not found; one in another of the user's projects is refused by name.
async fn check_scope(
    store: &dyn Store,
    user: UserId,
    request: &NetworkRequest,
) -> Result<ProjectId, ServiceError> {
    let mut found = Vec::new();
    for (i, &id) in request.scope.sessions.iter().enumerate() {
        let access =
            projects::access::require(store, user, ProjectResource::SearchSession(id), Need::Read).await?;
        found.push((format!("scope.sessions[{i}]"), access.project));
    }
    for (i, &id) in request.scope.crawls.iter().enumerate() {
        let access = projects::access::require(store, user, ProjectResource::Crawl(id), Need::Read).await?;
        found.push((format!("scope.crawls[{i}]"), access.project));
    }
    let project = match (request.project_id, found.first()) {
        (Some(p), _) => p,
        (None, Some((_, p))) => *p,
        (None, None) => store.default_project(user).await?,
    };
    let access = projects::access::target(store, user, Some(project)).await?;
    let issues: Vec<_> = found
        .into_iter()
        .filter(|(_, p)| *p != access.project)
        .map(|(field, _)| FieldIssue::new(field, "is in another project"))
        .collect();
    if issues.is_empty() {
        Ok(access.project)
    } else {
        Err(ServiceError::Invalid(issues))
    }
}

/// Queues a network build (queue `network`).
pub async fn create_network(
    store: &dyn Store,
    registry: &Registry,
    owner: UserId,
    request: NetworkRequest,
) -> Result<Network, ServiceError> {
    let problems = request.problems();
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let project = check_scope(store, owner, &request).await?;
    let name = match &request.name {
        Some(name) => name.trim().to_owned(),
        None => format!(
            "{} {}",
            request.kind.as_str(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M")
        ),
    };
    let params = serde_json::to_value(&request.params).map_err(|e| ServiceError::Submit(e.to_string()))?;
    let network = store
        .create_network(NewNetwork {
            owner_id: owner,
            project_id: Some(project),
            name,
            kind: request.kind.as_str().to_owned(),
            scope: request.scope.clone(),
            params,
        })
        .await?;
    let payload = serde_json::to_value(NetworkPayload {
        network_id: network.id,
    })
    .map_err(|e| ServiceError::Submit(e.to_string()))?;
    let job = registry
        .submit_in(store, owner, Some(project), KIND, payload, Priority::Normal)
        .await?;
    store.set_network_job(network.id, job.id).await?;
    let act = Act::new("created", "network", network.id).with_detail(serde_json::json!({
        "name": network.name,
        "type": network.kind,
        "params": network.params,
    }));
    projects::activity::record(store, project, owner, act).await;
    get_network(store, owner, network.id).await
}

pub async fn get_network(
    store: &dyn Store,
    owner: UserId,
    id: store::NetworkId,
) -> Result<Network, ServiceError> {
    store.network(owner, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_networks(
    store: &dyn Store,
    owner: UserId,
    project: Option<ProjectId>,
    page: PageRequest,
) -> Result<Vec<Network>, ServiceError> {
    Ok(store.list_networks(owner, project, page).await?)
}

pub async fn delete_network(
    store: &dyn Store,
    owner: UserId,
    id: store::NetworkId,
) -> Result<ProjectId, ServiceError> {
    let access = projects::access::require(store, owner, ProjectResource::Network(id), Need::Edit).await?;
    match store.delete_network(owner, id).await {
        Err(StoreError::NotFound) => return Err(ServiceError::NotFound),
        other => other?,
    }
    projects::activity::record(store, access.project, owner, Act::new("deleted", "network", id)).await;
    Ok(access.project)
}

/// A built network's graph, as stored; `None` until it is built.
pub async fn stored_graph(
    store: &dyn Store,
    owner: UserId,
    id: store::NetworkId,
) -> Result<Option<graph::Graph>, ServiceError> {
    let Some(bytes) = store.network_graph(owner, id).await? else {
        return Ok(None);
    };
    export::decompress(&bytes).map(Some).map_err(ServiceError::Export)
}

/// A file ready to send: bytes, content type, and a file name.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

pub async fn export_network(
    store: &dyn Store,
    owner: UserId,
    id: store::NetworkId,
    format: Format,
    color_by: ColorBy,
) -> Result<ExportFile, ServiceError> {
    let network = get_network(store, owner, id).await?;
    if network.status != SearchStatus::Done {
        return Err(ServiceError::NotReady(match &network.error {
            Some(e) => format!("network {id} was not built: {e}"),
            None => format!(
                "network {id} is {}; it can be downloaded once it is done",
                network.status.as_str()
            ),
        }));
    }
    let bytes = store
        .network_graph(owner, id)
        .await?
        .ok_or_else(|| ServiceError::NotReady(format!("network {id} has no stored graph")))?;
    let (meta, format_name) = (export_meta(&network), format.extension());
    let bytes = tokio::task::spawn_blocking(move || {
        let graph = export::decompress(&bytes).map_err(ServiceError::Export)?;
        export::render(&graph, &meta, format, color_by).map_err(|e| ServiceError::Export(e.to_string()))
    })
    .await
    .map_err(|e| ServiceError::Export(e.to_string()))??;
    Ok(ExportFile {
        bytes,
        content_type: format.content_type(),
        file_name: format!("network-{id}-{}.{format_name}", network.kind),
    })
}

/// Where a file came from, for each format's metadata.
pub fn export_meta(network: &Network) -> ExportMeta {
    fn scope<Id: std::fmt::Display>(ids: &[Id]) -> String {
        ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", ")
    }
    ExportMeta {
        title: network.name.clone(),
        creator: format!("Issue Observatory {}", env!("CARGO_PKG_VERSION")),
        description: format!(
            "{} network \"{}\" (id {}) from search sessions [{}] and scraping jobs [{}]; parameters: {}",
            network.kind,
            network.name,
            network.id,
            scope(&network.scope.sessions),
            scope(&network.scope.crawls),
            network.params
        ),
        date: network.created_at.format("%Y-%m-%d").to_string(),
    }
}
