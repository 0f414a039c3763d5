//! Issue networks, with no I/O: each builder turns rows read from the store into a
//! [`Graph`]; backboning, statistics, communities and layout refine it; exporters write it
//! for Gephi, other tools and our viewer.

#![forbid(unsafe_code)]

pub mod backbone;
pub mod build;
pub mod community;
pub mod compare;
pub mod export;
pub mod layout;
mod model;
pub mod palette;
mod quadtree;
mod refine;
mod rng;
pub mod stats;

pub use model::{
    AttrDecl, AttrType, AttrValue, Attrs, Edge, Graph, GraphBuilder, Node, NodeKind, format_float,
};
pub use refine::{CommunityOptions, RefineReport, Refinement, Step, refine};
