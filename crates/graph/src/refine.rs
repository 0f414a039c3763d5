//! The steps after building, in order: backbone, filters, degrees, communities, sizes,
//! layout, statistics. One function so the job, the CLI and the benchmarks run the same.

use serde::{Deserialize, Serialize};

use crate::backbone::{self, BackboneReport, Method};
use crate::layout::{self, LayoutOptions, LayoutReport};
use crate::stats::{self, Filters, Statistics};
use crate::{Graph, community};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CommunityOptions {
    /// Detect communities (Louvain) [true].
    pub enabled: bool,
    /// Higher finds more, smaller communities [1.0].
    pub resolution: f64,
    pub seed: u64,
}

impl Default for CommunityOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            resolution: 1.0,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Refinement {
    pub backbone: Option<Method>,
    pub filters: Filters,
    pub communities: CommunityOptions,
    pub layout: LayoutOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefineReport {
    pub backbone: Option<BackboneReport>,
    pub statistics: Statistics,
    pub layout: Option<LayoutReport>,
}

/// Which step is running, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Backbone,
    Communities,
    Layout,
}

pub fn refine(graph: &mut Graph, r: &Refinement, mut on_step: impl FnMut(Step)) -> RefineReport {
    let backbone = r.backbone.map(|m| {
        on_step(Step::Backbone);
        backbone::apply(graph, m)
    });
    stats::apply_filters(graph, r.filters);
    stats::compute_degrees(graph);
    let communities = if r.communities.enabled {
        on_step(Step::Communities);
        let c = community::louvain(graph, r.communities.seed, r.communities.resolution);
        for (n, c) in graph.nodes.iter_mut().zip(&c.assignment) {
            n.community = Some(*c);
        }
        Some((c.count, c.modularity))
    } else {
        None
    };
    layout::assign_sizes(graph);
    let layout = if r.layout.enabled {
        on_step(Step::Layout);
        Some(layout::force_atlas2(graph, &r.layout))
    } else {
        None
    };
    RefineReport {
        backbone,
        statistics: stats::statistics(graph, communities),
        layout,
    }
}
