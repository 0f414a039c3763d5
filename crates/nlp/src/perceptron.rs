//! The averaged perceptron (Collins 2002) over hashed features, for any small label set.
//! Training keeps running totals so averaging is exact without storing every update.

use crate::features::HashedMap;

/// Training-time weights: per feature, a row of `classes` weights with totals and the
/// update count at which each weight last changed.
pub(crate) struct Trainer {
    classes: usize,
    rows: HashedMap<usize>,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    updates: u32,
}

impl Trainer {
    pub fn new(classes: usize) -> Self {
        Self {
            classes,
            rows: HashedMap::default(),
            weights: Vec::new(),
            totals: Vec::new(),
            stamps: Vec::new(),
            updates: 0,
        }
    }

    /// Scores of every class for these features, into `scores`.
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(&row) = self.rows.get(f) {
                let w = &self.weights[row * self.classes..(row + 1) * self.classes];
                for (s, w) in scores.iter_mut().zip(w) {
                    *s += w;
                }
            }
        }
    }

    /// Counts one training example (whether or not it was right).
    pub fn tick(&mut self) {
        self.updates += 1;
    }

    /// Rewards `truth` and penalizes `guess` on every feature.
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        if truth == guess {
            return;
        }
        for f in features {
            let row = self.row(*f);
            self.bump(row, truth, 1.0);
            self.bump(row, guess, -1.0);
        }
    }

    /// Adds `by` to the weight of `class` on every feature (structured updates).
    pub fn adjust(&mut self, features: &[u64], class: usize, by: f32) {
        for f in features {
            let row = self.row(*f);
            self.bump(row, class, by);
        }
    }

    fn row(&mut self, feature: u64) -> usize {
        let next = self.rows.len();
        let row = *self.rows.entry(feature).or_insert(next);
        if row == next {
            self.weights.extend(std::iter::repeat_n(0.0, self.classes));
            self.totals.extend(std::iter::repeat_n(0.0, self.classes));
            self.stamps.extend(std::iter::repeat_n(0, self.classes));
        }
        row
    }

    fn bump(&mut self, row: usize, class: usize, by: f32) {
        let i = row * self.classes + class;
        self.totals[i] += f64::from(self.updates - self.stamps[i]) * f64::from(self.weights[i]);
        self.stamps[i] = self.updates;
        self.weights[i] += by;
    }

    /// The averaged weights, as sparse rows: (feature, [(class, weight)]), dropping weights
    /// whose magnitude is below `min_weight`.
    pub fn averaged(mut self, min_weight: f32) -> Vec<(u64, Vec<(u8, f32)>)> {
        let n = f64::from(self.updates.max(1));
        let mut rows: Vec<(u64, usize)> = self.rows.drain().collect();
        rows.sort_unstable();
        rows.into_iter()
            .filter_map(|(feature, row)| {
                let cells: Vec<(u8, f32)> = (0..self.classes)
                    .filter_map(|c| {
                        let i = row * self.classes + c;
                        let total = self.totals[i]
                            + f64::from(self.updates - self.stamps[i]) * f64::from(self.weights[i]);
                        let avg = (total / n) as f32;
                        (avg.abs() >= min_weight).then_some((c as u8, avg))
                    })
                    .collect();
                (!cells.is_empty()).then_some((feature, cells))
            })
            .collect()
    }
}

/// Inference-time weights: dense rows, looked up by feature hash.
#[derive(Debug, Clone)]
pub(crate) struct Weights {
    classes: usize,
    rows: HashedMap<u32>,
    weights: Vec<f32>,
}

impl Weights {
    pub fn from_sparse(classes: usize, sparse: &[(u64, Vec<(u8, f32)>)]) -> Self {
        let mut rows = HashedMap::default();
        rows.reserve(sparse.len());
        let mut weights = vec![0.0; sparse.len() * classes];
        for (r, (feature, cells)) in sparse.iter().enumerate() {
            rows.insert(*feature, r as u32);
            for (c, w) in cells {
                if let Some(slot) = weights.get_mut(r * classes + usize::from(*c)) {
                    *slot = *w;
                }
            }
        }
        Self {
            classes,
            rows,
            weights,
        }
    }

    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(&row) = self.rows.get(f) {
                let start = row as usize * self.classes;
                for (s, w) in scores.iter_mut().zip(&self.weights[start..start + self.classes]) {
                    *s += w;
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// A tiny deterministic generator for shuffling training data (xorshift64*): the same
/// seed gives the same model, byte for byte.
pub(crate) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// The index of the highest score (the lowest index on ties, so results are deterministic).
pub(crate) fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_problem_and_averages() {
        // Class 0 has feature 1, class 1 has feature 2; feature 3 is noise on both.
        let data = [(vec![1u64, 3], 0usize), (vec![2, 3], 1)];
        let mut t = Trainer::new(2);
        let mut scores = [0.0; 2];
        for _ in 0..5 {
            for (f, y) in &data {
                t.scores(f, &mut scores);
                let guess = argmax(&scores);
                t.update(f, *y, guess);
                t.tick();
            }
        }
        let w = Weights::from_sparse(2, &t.averaged(0.0));
        for (f, y) in &data {
            w.scores(f, &mut scores);
            assert_eq!(argmax(&scores), *y);
        }
        w.scores(&[99], &mut scores);
        assert_eq!(scores, [0.0, 0.0], "unknown features score nothing");
    }
}
