//! What a project's curation adds to its networks' website nodes: the actor's name as the
//! label, and its status and categories as typed attributes in every export.
//!
//! Pure: the actors come in, the graph is annotated.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use curation::Catalogue;
use graph::{AttrDecl, AttrType, AttrValue, Graph, NodeKind};

/// One actor as its network nodes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorAttrs {
    pub label: String,
    pub status: String,
    pub categories: BTreeMap<String, String>,
}

/// Actors by the key their website nodes carry (`tv2.dk`, `tv2.dk/sport`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorAttributes {
    by_key: HashMap<String, ActorAttrs>,
}

impl ActorAttributes {
    /// Every actor of the catalogue.
    pub fn of(catalogue: &Catalogue) -> Self {
        let by_key = (0..catalogue.len())
            .filter(|&i| catalogue.lead(i) == i)
            .map(|i| {
                let w = &catalogue.websites()[i];
                (
                    w.unit.key(),
                    ActorAttrs {
                        label: catalogue.actor_label(i),
                        status: catalogue.status(i).as_str().to_owned(),
                        categories: w.categories.clone(),
                    },
                )
            })
            .collect();
        Self { by_key }
    }

    pub fn get(&self, key: &str) -> Option<&ActorAttrs> {
        self.by_key.get(key)
    }

    /// Labels website nodes with their actor's name and gives them `actor`, `status` and
    /// one string attribute per category any of them has (absent where an actor has none).
    pub fn annotate(&self, graph: &mut Graph) {
        let mut keys = BTreeSet::new();
        let mut any = false;
        for node in graph.nodes.iter_mut().filter(|n| n.kind == NodeKind::Website) {
            let Some(key) = node.id.strip_prefix("site:") else {
                continue;
            };
            let Some(actor) = self.by_key.get(key) else {
                continue;
            };
            any = true;
            node.attrs
                .insert("actor".into(), AttrValue::String(key.to_owned()));
            node.attrs
                .insert("status".into(), AttrValue::String(actor.status.clone()));
            for (k, v) in &actor.categories {
                node.attrs.insert(k.clone(), AttrValue::String(v.clone()));
                keys.insert(k.clone());
            }
            node.label = actor.label.clone();
        }
        if !any {
            return;
        }
        let declared: BTreeSet<String> = graph.node_attrs.iter().map(|d| d.key.clone()).collect();
        let mut declare = |key: &str, title: &str| {
            if !declared.contains(key) {
                graph.node_attrs.push(AttrDecl::new(key, title, AttrType::String));
            }
        };
        declare("actor", "Actor");
        declare("status", "Status");
        for k in &keys {
            declare(k, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use graph::GraphBuilder;

    use super::*;

    #[test]
    fn website_nodes_carry_their_actor() {
        let mut attrs = ActorAttributes::default();
        attrs.by_key.insert(
            "tv2.dk".into(),
            ActorAttrs {
                label: "TV 2".into(),
                status: "in".into(),
                categories: BTreeMap::from([("sector".into(), "media".into())]),
            },
        );
        let mut b = GraphBuilder::new(false);
        let w = b.node("site:tv2.dk", "tv2.dk", NodeKind::Website);
        let other = b.node("site:dr.dk", "dr.dk", NodeKind::Website);
        let n = b.node("noun:vind", "vind", NodeKind::Noun);
        b.edge(w, n).weight = 1.0;
        b.edge(other, n).weight = 1.0;
        let mut g = b.finish();
        attrs.annotate(&mut g);
        let keys: Vec<&str> = g.node_attrs.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["actor", "status", "sector"]);
        let tv2 = &g.nodes[w as usize];
        assert_eq!(tv2.label, "TV 2");
        assert_eq!(tv2.attrs["sector"], AttrValue::String("media".into()));
        assert!(g.nodes[other as usize].attrs.is_empty());
        assert!(g.nodes[n as usize].attrs.is_empty());
    }
}
