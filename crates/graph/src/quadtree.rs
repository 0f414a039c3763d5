//! A Barnes–Hut quadtree over node positions. Subtrees own contiguous ranges of one
//! permutation of the points, so building is an in-place partition and needs no per-node
//! allocation.

pub(crate) struct Cell {
    pub mass: f64,
    pub x: f64,
    pub y: f64,
    /// Side length of the square the cell covers.
    pub width: f64,
    pub start: u32,
    pub end: u32,
    pub children: [u32; 4],
    /// 0 for a leaf, whose points are `order[start..end]`.
    pub child_count: u8,
}

pub(crate) struct QuadTree {
    pub cells: Vec<Cell>,
    pub order: Vec<u32>,
}

const MAX_DEPTH: u32 = 20;
/// Points a cell holds before it splits: summing a few pairs directly is cheaper than
/// visiting more cells.
const LEAF_POINTS: usize = 1;

impl QuadTree {
    pub(crate) fn build(xs: &[f64], ys: &[f64], mass: &[f64]) -> Self {
        let n = xs.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for i in 0..n {
            min_x = min_x.min(xs[i]);
            max_x = max_x.max(xs[i]);
            min_y = min_y.min(ys[i]);
            max_y = max_y.max(ys[i]);
        }
        let width = (max_x - min_x).max(max_y - min_y).max(1e-9);
        let mut cells = Vec::with_capacity(2 * n + 1);
        if n > 0 {
            let root = Square {
                x0: min_x,
                y0: min_y,
                width,
            };
            build_cell(&mut cells, &mut order, xs, ys, mass, 0, n, root, 0);
        }
        QuadTree { cells, order }
    }
}

#[derive(Clone, Copy)]
struct Square {
    x0: f64,
    y0: f64,
    width: f64,
}

#[allow(clippy::too_many_arguments)]
fn build_cell(
    cells: &mut Vec<Cell>,
    order: &mut [u32],
    xs: &[f64],
    ys: &[f64],
    mass: &[f64],
    start: usize,
    end: usize,
    sq: Square,
    depth: u32,
) -> usize {
    let (mut m, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for &i in &order[start..end] {
        let i = i as usize;
        m += mass[i];
        cx += xs[i] * mass[i];
        cy += ys[i] * mass[i];
    }
    let id = cells.len();
    cells.push(Cell {
        mass: m,
        x: if m > 0.0 { cx / m } else { sq.x0 },
        y: if m > 0.0 { cy / m } else { sq.y0 },
        width: sq.width,
        start: start as u32,
        end: end as u32,
        children: [0; 4],
        child_count: 0,
    });
    if end - start <= LEAF_POINTS || depth >= MAX_DEPTH {
        return id;
    }
    let half = sq.width / 2.0;
    let (mx, my) = (sq.x0 + half, sq.y0 + half);
    // Partition into x < mx | x ≥ mx, then each half by y.
    let split_x = partition(&mut order[start..end], |i| xs[i as usize] < mx) + start;
    let split_lo = partition(&mut order[start..split_x], |i| ys[i as usize] < my) + start;
    let split_hi = partition(&mut order[split_x..end], |i| ys[i as usize] < my) + split_x;
    let quads = [
        (start, split_lo, sq.x0, sq.y0),
        (split_lo, split_x, sq.x0, my),
        (split_x, split_hi, mx, sq.y0),
        (split_hi, end, mx, my),
    ];
    let mut children = [0u32; 4];
    let mut count = 0u8;
    for &(s, e, x0, y0) in &quads {
        if s == e {
            continue;
        }
        let c = build_cell(
            cells,
            order,
            xs,
            ys,
            mass,
            s,
            e,
            Square { x0, y0, width: half },
            depth + 1,
        );
        children[count as usize] = c as u32;
        count += 1;
    }
    cells[id].children = children;
    cells[id].child_count = count;
    id
}

fn partition(items: &mut [u32], left: impl Fn(u32) -> bool) -> usize {
    let mut next = 0;
    for i in 0..items.len() {
        if left(items[i]) {
            items.swap(i, next);
            next += 1;
        }
    }
    next
}
