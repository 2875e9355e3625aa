//! Jenks natural breaks, exact: the partition of the sorted values into `k`
//! classes minimising the sum of squared deviations to the class means (Fisher
//! 1958). Computed as Wang & Song's ckmeans (R Journal 3/2, 2011): the dynamic
//! program over classes × values where the best start of the last class never
//! decreases with the end, so each row is filled by divide and conquer in
//! O(n log n) rather than Fisher's O(n²). In f64 throughout.

/// Prefix sums of the weights, values and squared values (values shifted by a
/// middle value so the squares stay small and the differences precise).
struct Sums {
    w: Vec<f64>,
    x: Vec<f64>,
    xx: Vec<f64>,
}

impl Sums {
    fn new(values: &[f64], weights: &[f64]) -> Self {
        let shift = values[values.len() / 2];
        let mut sums = Sums {
            w: vec![0.0],
            x: vec![0.0],
            xx: vec![0.0],
        };
        for (&v, &w) in values.iter().zip(weights) {
            let d = v - shift;
            sums.w.push(sums.w.last().unwrap() + w);
            sums.x.push(sums.x.last().unwrap() + w * d);
            sums.xx.push(sums.xx.last().unwrap() + w * d * d);
        }
        sums
    }

    /// Sum of squared deviations to their mean of the values `j..=i`.
    fn cost(&self, j: usize, i: usize) -> f64 {
        let w = self.w[i + 1] - self.w[j];
        let x = self.x[i + 1] - self.x[j];
        (self.xx[i + 1] - self.xx[j] - x * x / w).max(0.0)
    }
}

/// One row of the dynamic program: `prev[j]` is the best cost of the values `0..=j`
/// in one class fewer; fills `cost[i]` and `start[i]` (first index of the last
/// class) for `i` in `imin..=imax`, knowing the best start lies in `jmin..=jmax`.
struct Row<'a> {
    sums: &'a Sums,
    prev: &'a [f64],
    cost: Vec<f64>,
    start: Vec<usize>,
}

impl Row<'_> {
    fn fill(&mut self, imin: usize, imax: usize, jmin: usize, jmax: usize) {
        if imin > imax {
            return;
        }
        let i = imin + (imax - imin) / 2;
        let mut best = (f64::INFINITY, jmin);
        for j in jmin..=jmax.min(i) {
            let c = self.prev[j - 1] + self.sums.cost(j, i);
            if c < best.0 {
                best = (c, j);
            }
        }
        (self.cost[i], self.start[i]) = best;
        if i > imin {
            self.fill(imin, i - 1, jmin, best.1);
        }
        self.fill(i + 1, imax, best.1, jmax);
    }
}

/// The `k − 1` thresholds (the smallest value of each class but the first) of the
/// optimal partition of the sorted values; `k` is at most the distinct values.
pub(super) fn thresholds(sorted: &[f64], k: usize) -> Vec<f64> {
    // Working on distinct values weighted by their count keeps equal values in the
    // same class (a left-closed threshold cannot split them) and shortens the work
    // on data with many ties, like the populations of small communes.
    let mut values: Vec<f64> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    for &v in sorted {
        match (values.last(), weights.last_mut()) {
            (Some(&last), Some(w)) if last == v => *w += 1.0,
            _ => {
                values.push(v);
                weights.push(1.0);
            }
        }
    }
    let n = values.len();
    let sums = Sums::new(&values, &weights);
    let mut prev: Vec<f64> = (0..n).map(|i| sums.cost(0, i)).collect();
    let mut starts: Vec<Vec<usize>> = Vec::with_capacity(k.saturating_sub(1));
    for q in 1..k {
        // With q + 1 classes, the last one starts at index q at least.
        let mut row = Row {
            sums: &sums,
            prev: &prev,
            cost: vec![f64::INFINITY; n],
            start: vec![0; n],
        };
        row.fill(q, n - 1, q, n - 1);
        let Row { cost, start, .. } = row;
        prev = cost;
        starts.push(start);
    }
    let mut cuts = Vec::with_capacity(starts.len());
    let mut end = n - 1;
    for start in starts.iter().rev() {
        let j = start[end];
        cuts.push(values[j]);
        end = j - 1;
    }
    cuts.reverse();
    cuts
}
