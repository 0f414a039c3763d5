//! The demo's evidence stage: for each network it built, why its heaviest edge is there,
//! read through the same service the API and the CLI use.

use networks::evidence::{Evidence, EvidenceItem, EvidenceQuery};
use store::{Network, Store, UserId};

/// The evidence behind one network's heaviest edge.
pub struct EdgeEvidence {
    pub network: store::NetworkId,
    pub kind: String,
    pub evidence: Evidence,
    /// The edge and its evidence in one line.
    pub line: String,
}

/// The heaviest edge of each network with its evidence.
pub async fn heaviest_edges(
    store: &dyn Store,
    owner: UserId,
    built: &[Network],
) -> anyhow::Result<Vec<EdgeEvidence>> {
    let mut shown = Vec::new();
    for n in built {
        let Some(graph) = networks::service::stored_graph(store, owner, n.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?
        else {
            continue;
        };
        let Some(edge) = graph.edges.iter().max_by(|a, b| a.weight.total_cmp(&b.weight)) else {
            continue;
        };
        let (source, target) = (
            &graph.nodes[edge.source as usize],
            &graph.nodes[edge.target as usize],
        );
        let query = EvidenceQuery {
            source: Some(source.id.clone()),
            target: Some(target.id.clone()),
            limit: Some(5),
            ..EvidenceQuery::default()
        };
        let evidence = networks::evidence::network_evidence(store, owner, n.id, query)
            .await
            .map_err(|e| anyhow::anyhow!("evidence for network {}: {e}", n.id))?;
        let line = format!(
            "{}: {} – {}: {}",
            n.kind,
            source.label,
            target.label,
            describe(&evidence)
        );
        shown.push(EdgeEvidence {
            network: n.id,
            kind: n.kind.clone(),
            evidence,
            line,
        });
    }
    Ok(shown)
}

fn describe(e: &Evidence) -> String {
    let what = match e.items.first() {
        Some(EvidenceItem::SearchResult(r)) => format!("results, best “{}” rank {}", r.query, r.rank),
        Some(EvidenceItem::Page(p)) => {
            match p.snippets.first().and_then(|s| s.matches.first().map(|m| (s, m))) {
                Some((s, [a, b])) => {
                    let chars: Vec<char> = s.text.chars().collect();
                    let word: String = chars[*a as usize..(*b as usize).min(chars.len())]
                        .iter()
                        .collect();
                    format!("pages, e.g. “{word}” on {}", p.url)
                }
                None => "pages".to_owned(),
            }
        }
        Some(EvidenceItem::LinkingPage(p)) => format!(
            "linking pages, e.g. “{}”",
            p.links.first().map(|l| l.anchor.as_str()).unwrap_or("")
        ),
        Some(EvidenceItem::Shared(_)) => "shared neighbours".to_owned(),
        Some(EvidenceItem::Edge(_)) | None => "items".to_owned(),
    };
    format!("{} {what}", e.total)
}
