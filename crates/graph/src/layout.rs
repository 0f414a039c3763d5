//! ForceAtlas2 (Jacomy et al. 2014) as Gephi implements it: degree-based masses,
//! Barnes–Hut repulsion, linear or LinLog attraction, gravity, adaptive speed, and an
//! optional overlap-preventing mode. Deterministic for a seed and an iteration count; the
//! time budget only ever stops it early, and the result says so.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Graph;
use crate::quadtree::QuadTree;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutOptions {
    /// Run the layout at all [true].
    pub enabled: bool,
    /// Iterations [100]: starting from community discs, layouts of a few thousand nodes
    /// no longer change visibly after that (docs/benchmarks.md).
    pub iterations: u32,
    /// Stop after this many milliseconds even if iterations remain [5000].
    pub max_millis: u64,
    /// LinLog attraction, which tightens clusters [false].
    pub linlog: bool,
    /// Pull towards the centre [1.0].
    pub gravity: f64,
    /// Gravity that grows with distance [false].
    pub strong_gravity: bool,
    /// Repulsion strength; larger spreads the graph [10.0].
    pub scaling: f64,
    /// Keep node discs from overlapping, over the last fifth of the iterations [true].
    pub prevent_overlap: bool,
    /// How much edge weight counts in attraction (0 = not at all) [1.0].
    pub edge_weight_influence: f64,
    /// Barnes–Hut accuracy; lower is more exact and slower [1.2].
    pub theta: f64,
    /// The layout has settled once nodes move on average less than this share of its
    /// width per iteration, three iterations running; the forming phase then ends early
    /// and the overlap-prevention pass follows (0 = always run every iteration) [0.002].
    pub settle: f64,
    pub seed: u64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            iterations: 100,
            max_millis: 5_000,
            linlog: false,
            gravity: 1.0,
            strong_gravity: false,
            scaling: 10.0,
            prevent_overlap: true,
            edge_weight_influence: 1.0,
            theta: 1.2,
            settle: 0.002,
            seed: 42,
        }
    }
}

impl LayoutOptions {
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.iterations > 100_000 {
            out.push(("iterations", "must be at most 100000"));
        }
        if self.max_millis > 600_000 {
            out.push(("max_millis", "must be at most 600000 (10 minutes)"));
        }
        if !(self.gravity.is_finite() && self.gravity >= 0.0) {
            out.push(("gravity", "must be a number ≥ 0"));
        }
        if !(self.scaling.is_finite() && self.scaling > 0.0) {
            out.push(("scaling", "must be a number > 0"));
        }
        if !(self.edge_weight_influence.is_finite() && self.edge_weight_influence >= 0.0) {
            out.push(("edge_weight_influence", "must be a number ≥ 0"));
        }
        if !(self.theta.is_finite() && self.theta > 0.0) {
            out.push(("theta", "must be a number > 0"));
        }
        if !(self.settle.is_finite() && (0.0..1.0).contains(&self.settle)) {
            out.push(("settle", "must be a number ≥ 0 and < 1"));
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LayoutReport {
    pub iterations_run: u32,
    /// The iteration after which the layout had settled (see `settle`), if it did.
    pub settled_after: Option<u32>,
    /// The time budget ran out before the iterations did.
    pub stopped_by_time: bool,
    pub millis: u64,
}

/// Node sizes from weighted degree: 4 to 30 by the square root of the share of the
/// largest, so area grows with weight.
pub fn assign_sizes(graph: &mut Graph) {
    let max = graph
        .nodes
        .iter()
        .map(|n| n.weighted_degree)
        .fold(0.0f64, f64::max);
    for n in &mut graph.nodes {
        let share = if max > 0.0 {
            (n.weighted_degree / max).max(0.0)
        } else {
            0.0
        };
        n.size = (4.0 + 26.0 * share.sqrt()) as f32;
    }
}

/// Lays the graph out; degrees and sizes must be set.
pub fn force_atlas2(graph: &mut Graph, options: &LayoutOptions) -> LayoutReport {
    let started = Instant::now();
    let n = graph.nodes.len();
    let mut rng = Rng::new(options.seed);
    let (mut x, mut y) = initial_positions(graph, &mut rng);
    let mass: Vec<f64> = graph.nodes.iter().map(|n| f64::from(n.degree) + 1.0).collect();
    let size: Vec<f64> = graph.nodes.iter().map(|n| f64::from(n.size)).collect();
    let edges: Vec<(usize, usize, f64)> = graph
        .edges
        .iter()
        .filter(|e| e.source != e.target)
        .map(|e| {
            let w = if options.edge_weight_influence == 0.0 {
                1.0
            } else if options.edge_weight_influence == 1.0 {
                e.weight
            } else {
                e.weight.max(0.0).powf(options.edge_weight_influence)
            };
            (e.source as usize, e.target as usize, w)
        })
        .collect();

    let mut dx = vec![0.0f64; n];
    let mut dy = vec![0.0f64; n];
    let mut old_dx = vec![0.0f64; n];
    let mut old_dy = vec![0.0f64; n];
    let mut speed = 1.0f64;
    let mut speed_efficiency = 1.0f64;
    let budget = Duration::from_millis(options.max_millis);
    let mut iterations_run = 0;
    let mut stopped_by_time = false;
    let mut settled_after = None;
    let mut calm_iterations = 0;

    // Overlap prevention from the start freezes clusters into one packed blob; like Gephi
    // users do by hand, it runs only over the last fifth, once the structure has formed.
    let overlap_from = options.iterations - options.iterations / 5;
    let wants_overlap = options.prevent_overlap;
    let mut iteration = 0;
    while iteration < options.iterations {
        if n == 0 {
            break;
        }
        let mut step = *options;
        step.prevent_overlap = options.prevent_overlap && iteration >= overlap_from;
        let options = &step;
        if started.elapsed() >= budget {
            stopped_by_time = true;
            break;
        }
        iterations_run += 1;
        std::mem::swap(&mut dx, &mut old_dx);
        std::mem::swap(&mut dy, &mut old_dy);
        dx.iter_mut().for_each(|v| *v = 0.0);
        dy.iter_mut().for_each(|v| *v = 0.0);

        repulsion(&x, &y, &mass, &size, options, &mut dx, &mut dy);

        for i in 0..n {
            let d = (x[i] * x[i] + y[i] * y[i]).sqrt();
            if d > 0.0 {
                let factor = if options.strong_gravity {
                    options.scaling * mass[i] * options.gravity
                } else {
                    mass[i] * options.gravity / d
                };
                dx[i] -= x[i] * factor;
                dy[i] -= y[i] * factor;
            }
        }

        for &(a, b, w) in &edges {
            let (ex, ey) = (x[a] - x[b], y[a] - y[b]);
            let mut d = (ex * ex + ey * ey).sqrt();
            if options.prevent_overlap {
                d -= size[a] + size[b];
                if d <= 0.0 {
                    continue;
                }
            }
            let factor = if options.linlog {
                if d > 0.0 { -w * (1.0 + d).ln() / d } else { 0.0 }
            } else {
                -w
            };
            dx[a] += ex * factor;
            dy[a] += ey * factor;
            dx[b] -= ex * factor;
            dy[b] -= ey * factor;
        }

        // Adaptive speed, as in Gephi: slow down where nodes swing, speed up where they
        // travel together.
        let (mut swinging, mut traction) = (0.0, 0.0);
        for i in 0..n {
            swinging += mass[i] * ((old_dx[i] - dx[i]).powi(2) + (old_dy[i] - dy[i]).powi(2)).sqrt();
            traction += mass[i] * 0.5 * ((old_dx[i] + dx[i]).powi(2) + (old_dy[i] + dy[i]).powi(2)).sqrt();
        }
        let nf = n as f64;
        let estimated_jitter = 0.05 * nf.sqrt();
        let min_jitter = estimated_jitter.sqrt();
        let max_jitter = 10.0f64;
        let mut jitter = if traction > 0.0 {
            min_jitter.max(max_jitter.min(estimated_jitter * traction / (nf * nf)))
        } else {
            min_jitter
        };
        const MIN_EFFICIENCY: f64 = 0.05;
        if swinging > 0.0 && traction / swinging < 0.5 {
            if speed_efficiency > MIN_EFFICIENCY {
                speed_efficiency *= 0.5;
            }
            jitter = jitter.max(1.0);
        }
        let target = if swinging > 0.0 {
            jitter * speed_efficiency * traction / swinging
        } else {
            speed
        };
        if swinging > jitter * traction {
            if speed_efficiency > MIN_EFFICIENCY {
                speed_efficiency *= 0.7;
            }
        } else if speed < 1000.0 {
            speed_efficiency *= 1.3;
        }
        speed += (target - speed).min(0.5 * speed);
        if !speed.is_finite() || speed <= 0.0 {
            speed = 1e-3;
        }

        let mut moved = 0.0f64;
        for i in 0..n {
            let swing = mass[i] * ((old_dx[i] - dx[i]).powi(2) + (old_dy[i] - dy[i]).powi(2)).sqrt();
            let mut factor = speed / (1.0 + (speed * swing).sqrt());
            if options.prevent_overlap {
                factor *= 0.1;
                let force = (dx[i] * dx[i] + dy[i] * dy[i]).sqrt();
                if force > 0.0 {
                    factor = (factor * force).min(10.0) / force;
                }
            }
            if factor.is_finite() {
                x[i] += dx[i] * factor;
                y[i] += dy[i] * factor;
                moved += (dx[i] * dx[i] + dy[i] * dy[i]).sqrt() * factor;
            }
        }
        iteration += 1;

        if settled_after.is_none() && !options.prevent_overlap && options.settle > 0.0 {
            let (low, high) = x
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            let width = high - low;
            let calm = width > 0.0 && moved / (n as f64) < options.settle * width;
            calm_iterations = if calm { calm_iterations + 1 } else { 0 };
            if calm_iterations >= 3 {
                settled_after = Some(iteration);
                if wants_overlap {
                    iteration = iteration.max(overlap_from);
                } else {
                    break;
                }
            }
        }
    }

    for (i, node) in graph.nodes.iter_mut().enumerate() {
        node.position = Some((finite(x[i]) as f32, finite(y[i]) as f32));
    }
    LayoutReport {
        iterations_run,
        settled_after,
        stopped_by_time,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// Where nodes start. With communities known, each community starts as a disc of its
/// own, the largest in the middle and the others on a spiral around it, so the forces
/// only refine an arrangement that already separates groups; otherwise uniformly at random.
fn initial_positions(graph: &Graph, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let n = graph.nodes.len();
    let spread = (n as f64).sqrt() * 10.0 + 10.0;
    if graph.nodes.iter().any(|node| node.community.is_none()) {
        let x = (0..n).map(|_| (rng.unit() - 0.5) * spread).collect();
        let y = (0..n).map(|_| (rng.unit() - 0.5) * spread).collect();
        return (x, y);
    }
    let k = graph
        .nodes
        .iter()
        .filter_map(|node| node.community)
        .max()
        .map_or(0, |c| c as usize + 1);
    let mut size = vec![0usize; k];
    for node in &graph.nodes {
        size[node.community.unwrap_or(0) as usize] += 1;
    }
    // Community discs of area proportional to their size, centres on a golden-angle spiral.
    let mut centres = Vec::with_capacity(k);
    let mut area = 0.0f64;
    for (c, &s) in size.iter().enumerate() {
        let radius = if c == 0 {
            0.0
        } else {
            (area / std::f64::consts::PI).sqrt() * 1.6
        };
        let angle = c as f64 * 2.399_963_229_728_653;
        centres.push((
            radius * angle.cos(),
            radius * angle.sin(),
            (s as f64).sqrt() * 10.0,
        ));
        area += s as f64 * 100.0 * 2.0;
    }
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for node in &graph.nodes {
        let (cx, cy, r) = centres[node.community.unwrap_or(0) as usize];
        let (angle, dist) = (rng.unit() * std::f64::consts::TAU, rng.unit().sqrt() * r);
        x.push(cx + dist * angle.cos());
        y.push(cy + dist * angle.sin());
    }
    (x, y)
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

fn repulsion(
    x: &[f64],
    y: &[f64],
    mass: &[f64],
    size: &[f64],
    options: &LayoutOptions,
    dx: &mut [f64],
    dy: &mut [f64],
) {
    let n = x.len();
    if n <= 256 {
        for i in 0..n {
            let (fx, fy) = (0..n).filter(|&j| j != i).fold((0.0, 0.0), |(fx, fy), j| {
                let (ax, ay) = pair_force(x, y, mass, size, options, i, j);
                (fx + ax, fy + ay)
            });
            dx[i] += fx;
            dy[i] += fy;
        }
        return;
    }
    let tree = QuadTree::build(x, y, mass);
    // Each node's force depends only on the tree and the positions, so nodes are split
    // across cores with results identical to one core. The repulsion of ~500 nodes takes
    // a few hundred microseconds, several times what starting a scoped thread costs; the
    // first part runs on the calling thread.
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n / 512)
        .max(1);
    let chunk = n.div_ceil(threads);
    let forces = |part: usize, dx: &mut [f64], dy: &mut [f64]| {
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        for (k, (dx, dy)) in dx.iter_mut().zip(dy.iter_mut()).enumerate() {
            let (fx, fy) = tree_force(&tree, x, y, mass, size, options, part * chunk + k, &mut stack);
            *dx += fx;
            *dy += fy;
        }
    };
    std::thread::scope(|scope| {
        let mut parts = dx.chunks_mut(chunk).zip(dy.chunks_mut(chunk)).enumerate();
        let first = parts.next();
        for (part, (dx, dy)) in parts {
            let forces = &forces;
            scope.spawn(move || forces(part, dx, dy));
        }
        if let Some((part, (dx, dy))) = first {
            forces(part, dx, dy);
        }
    });
}

/// Repulsion on node `i` from node `j`.
fn pair_force(
    x: &[f64],
    y: &[f64],
    mass: &[f64],
    size: &[f64],
    options: &LayoutOptions,
    i: usize,
    j: usize,
) -> (f64, f64) {
    let kr = options.scaling;
    let (ex, ey) = (x[i] - x[j], y[i] - y[j]);
    let d2 = ex * ex + ey * ey;
    let factor = if options.prevent_overlap {
        let d = d2.sqrt() - size[i] - size[j];
        if d > 0.0 {
            kr * mass[i] * mass[j] / (d * d)
        } else if d < 0.0 {
            100.0 * kr * mass[i] * mass[j]
        } else {
            0.0
        }
    } else if d2 > 0.0 {
        kr * mass[i] * mass[j] / d2
    } else {
        0.0
    };
    (ex * factor, ey * factor)
}

/// Repulsion on node `i` from the whole tree: far cells act as one mass at their centre.
#[allow(clippy::too_many_arguments)]
fn tree_force(
    tree: &QuadTree,
    x: &[f64],
    y: &[f64],
    mass: &[f64],
    size: &[f64],
    options: &LayoutOptions,
    i: usize,
    stack: &mut Vec<u32>,
) -> (f64, f64) {
    let (mut fx, mut fy) = (0.0, 0.0);
    let theta2 = options.theta * options.theta;
    stack.clear();
    stack.push(0);
    while let Some(c) = stack.pop() {
        let cell = &tree.cells[c as usize];
        if cell.child_count == 0 {
            for &j in &tree.order[cell.start as usize..cell.end as usize] {
                if j as usize != i {
                    let (ax, ay) = pair_force(x, y, mass, size, options, i, j as usize);
                    fx += ax;
                    fy += ay;
                }
            }
            continue;
        }
        let (ex, ey) = (x[i] - cell.x, y[i] - cell.y);
        let d2 = ex * ex + ey * ey;
        if d2 > 0.0 && cell.width * cell.width < theta2 * d2 {
            let factor = options.scaling * mass[i] * cell.mass / d2;
            fx += ex * factor;
            fy += ey * factor;
        } else {
            stack.extend_from_slice(&cell.children[..cell.child_count as usize]);
        }
    }
    (fx, fy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::louvain;
    use crate::stats::compute_degrees;
    use crate::{GraphBuilder, NodeKind};

    fn clusters(k: usize, size: usize) -> Graph {
        let mut b = GraphBuilder::new(false);
        for c in 0..k {
            let ids: Vec<u32> = (0..size)
                .map(|i| b.node(&format!("{c}-{i}"), "n", NodeKind::Website))
                .collect();
            for i in 0..size {
                for j in i + 1..size {
                    b.edge(ids[i], ids[j]).weight = 1.0;
                }
            }
            if c > 0 {
                let prev = b.node_index(&format!("{}-0", c - 1)).expect("node");
                b.edge(prev, ids[0]).weight = 0.1;
            }
        }
        let mut g = b.finish();
        compute_degrees(&mut g);
        assign_sizes(&mut g);
        g
    }

    fn run(g: &Graph, options: LayoutOptions) -> Vec<(f32, f32)> {
        let mut g = g.clone();
        let report = force_atlas2(&mut g, &options);
        assert!(!report.stopped_by_time);
        g.nodes.iter().map(|n| n.position.expect("laid out")).collect()
    }

    #[test]
    fn same_seed_same_layout_and_clusters_sit_apart() {
        let g = clusters(3, 12);
        let options = LayoutOptions {
            max_millis: 600_000,
            ..Default::default()
        };
        let a = run(&g, options);
        assert_eq!(a, run(&g, options));
        assert_ne!(a, run(&g, LayoutOptions { seed: 1, ..options }));

        // Mean distance within a cluster is well below the mean distance across clusters.
        let c = louvain(&g, 1, 1.0).assignment;
        let (mut within, mut nw, mut across, mut na) = (0.0, 0, 0.0, 0);
        for i in 0..a.len() {
            for j in i + 1..a.len() {
                let d = ((a[i].0 - a[j].0).powi(2) + (a[i].1 - a[j].1).powi(2)).sqrt() as f64;
                if c[i] == c[j] {
                    within += d;
                    nw += 1;
                } else {
                    across += d;
                    na += 1;
                }
            }
        }
        assert!(within / nw as f64 * 1.5 < across / na as f64, "{within} {across}");
    }

    #[test]
    fn barnes_hut_for_large_graphs_is_deterministic_and_finite() {
        let g = clusters(30, 12);
        assert!(g.nodes.len() > 256);
        let options = LayoutOptions {
            iterations: 50,
            max_millis: 600_000,
            ..Default::default()
        };
        let a = run(&g, options);
        assert!(a.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
        assert_eq!(a, run(&g, options));
    }

    #[test]
    fn a_settled_layout_ends_its_forming_phase_early_and_still_prevents_overlap() {
        let g = clusters(4, 10);
        let lay = |options: LayoutOptions| {
            let mut g = g.clone();
            let report = force_atlas2(&mut g, &options);
            (report, g)
        };
        let options = LayoutOptions {
            iterations: 1_000,
            max_millis: 600_000,
            ..Default::default()
        };
        let (settled, laid) = lay(options);
        let after = settled
            .settled_after
            .expect("a small graph settles well within 800 iterations");
        assert!(after < 800, "settled after {after}");
        // The forming phase ended at `after`; the overlap pass (the last fifth) ran whole.
        assert_eq!(settled.iterations_run, after + 200);
        assert!(laid.nodes.iter().all(|n| n.position.is_some()));

        let (every, _) = lay(LayoutOptions {
            settle: 0.0,
            ..options
        });
        assert_eq!((every.iterations_run, every.settled_after), (1_000, None));

        let (no_overlap, _) = lay(LayoutOptions {
            prevent_overlap: false,
            ..options
        });
        let after = no_overlap.settled_after.expect("settles");
        assert_eq!(
            no_overlap.iterations_run, after,
            "nothing follows without overlap prevention"
        );
        assert!(
            !LayoutOptions {
                settle: 1.0,
                ..options
            }
            .problems()
            .is_empty()
        );
    }

    #[test]
    fn a_zero_budget_stops_at_once() {
        let mut g = clusters(2, 5);
        let r = force_atlas2(
            &mut g,
            &LayoutOptions {
                max_millis: 0,
                ..Default::default()
            },
        );
        assert!(r.stopped_by_time);
        assert_eq!(r.iterations_run, 0);
        assert!(g.nodes.iter().all(|n| n.position.is_some()));
    }
}
