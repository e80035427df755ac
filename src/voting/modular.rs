//! The size × weight counting table modulo word-sized primes, for bodies whose exact
//! big-integer table would not fit in memory (the IMF: 191 members, 5.04 million votes,
//! counts of up to 186 bits).
//!
//! One table of 31-bit residues (`u32` cells) per prime, built with plain vectorisable row
//! additions (`min(a + b, a + b - p)`: no division, no branch), the per-member window
//! counts read off it by the same "remove one member" alternating sums as the big-integer
//! table, and the exact counts rebuilt by the Chinese remainder theorem. Every
//! reconstructed value is a window count `N_i(s) <= C(n-1, s)`, so primes are added until
//! their product exceeds the largest `C(n-1, s)` over the sizes where someone can swing
//! (six 31-bit primes for 191 members): the result is exact, never a guess.
//!
//! Complement reading (`Shape`): the coalitions S of size s without member i correspond
//! one to one to their complements `T = N \ {i} \ S`, of size n - 1 - s and weight
//! `W - w_i - w(S)`, so `N_i(s)` can be counted at row n - 1 - s in the window
//! `[W - w_i - theta(s) + 1, W - theta(s+1)]`. Each size is read at the row and width
//! that give the smallest table: for a majority, sizes above (n - 1) / 2 through their
//! complements, so only rows `0..=(n-1)/2` are built (the IMF: 96 rows instead of 183,
//! 39% fewer cell updates, 0.93 GB instead of 1.5 GB). Replacing the game by its dual is
//! the special case "every size through its complement".
//!
//! Cumulative counts built in place: adding a member of weight w is the same shift-and-add
//! on `Q(s, x) = #{S : |S| = s, w(S) <= x}` as on the plain counts, so the table holds the
//! prefix sums the reads need without a prefix pass (which was a serial, memory-bound
//! sixth of the time). Past its support a row is the constant `C(seen, s)`, not stored:
//! added where an update reads a source row there, written where a support grows.
//!
//! Parallelism: one table, shared by every worker. Each row update is split into column
//! stripes of equal cost, one per worker, with a barrier between rows (row s reads rows
//! s - 1 and s - 2, which the next updates write); narrow updates are done by one worker.
//! The workers map the table's pages in before the build, an equal share each, so that
//! no page fault lands in one worker's stripe while the others wait at a barrier. The
//! primes are processed one after the other in the same buffer, so memory is one table
//! whatever the thread count, and the result does not depend on the thread count (each
//! cell is written by the same additions in the same order).
//!
//! Work saved against the plain table (the same `O(n^2 X)` bound, far less in practice):
//! - members with weight >= X never enter a coalition of weight < X and are skipped;
//! - row s is stored only from `lo(s)`, the sum of the s smallest weights (below it every
//!   count is 0), and rows with `lo(s) >= X` are not stored at all;
//! - members are added in ascending weight order and every row update is clipped to the
//!   current support of its source row, so early updates are narrow;
//! - members are added two at a time (`(1 + z y^a)(1 + z y^b)`), one pass over the rows
//!   per pair, which halves the memory traffic of this memory-bound loop.

use std::sync::atomic::{AtomicUsize, Ordering};

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// Row layout of the table: row s holds `P(s, y)` for `y` in `lo[s]..=x_max`.
pub(super) struct Layout {
    x_max: usize,
    lo: Vec<usize>,
    start: Vec<usize>,
    words: usize,
}

impl Layout {
    /// `weights` are the members' weights (any order); `x_max` the table width; rows
    /// `0..=max_row` at most.
    fn new(weights: &[u64], x_max: usize, max_row: usize) -> Layout {
        let mut small: Vec<usize> = weights
            .iter()
            .filter(|&&w| w < x_max as u64)
            .map(|&w| w as usize)
            .collect();
        small.sort_unstable();
        let mut lo = vec![0usize];
        let mut sum = 0usize;
        for &w in small.iter().take(max_row) {
            sum += w;
            if sum >= x_max {
                break;
            }
            lo.push(sum);
        }
        let mut start = Vec::with_capacity(lo.len() + 1);
        let mut words = 0usize;
        for &l in &lo {
            start.push(words);
            words += x_max + 1 - l;
        }
        Layout {
            x_max,
            lo,
            start,
            words,
        }
    }

    /// Words of one residue table.
    fn words(&self) -> usize {
        self.words
    }

    fn rows(&self) -> usize {
        self.lo.len()
    }
}

/// How the table is read for the coalitions of one size (tests force each; `Auto` takes
/// the smallest table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// The smallest table over every per-size choice (see `Shape::choose`).
    Auto,
    /// Every size read directly: rows up to n - 1.
    Direct,
    /// Every size read through the complements.
    #[cfg_attr(not(test), allow(dead_code))]
    Complement,
    /// Sizes up to (n - 1) / 2 directly, the others through the complements.
    #[cfg_attr(not(test), allow(dead_code))]
    Split,
}

/// One table read `P_i(row, y)`: coalitions without member i, of size `row`, weight < y.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Read {
    /// No coalition (y <= 0).
    Zero,
    /// Every coalition of that size (y above the weight of all the others): `C(n-1, row)`.
    All,
    Table(u64),
}

/// `N_i(s) = P_i(row, hi) - P_i(row, lo)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    row: usize,
    hi: Read,
    lo: Read,
}

/// The game as the windows see it: weights, quotas by size, and bounds that show a size
/// has no swing for anyone.
struct Game<'a> {
    weights: &'a [u64],
    thetas: &'a [u64],
    inf: u64,
    /// Total weight.
    total: u128,
    /// `lightest[s]`: the sum of the s smallest weights (every coalition of size s weighs
    /// at least that); `heaviest[s]`: of the s largest.
    lightest: Vec<u128>,
    heaviest: Vec<u128>,
}

impl<'a> Game<'a> {
    fn new(weights: &'a [u64], thetas: &'a [u64], inf: u64) -> Self {
        let mut sorted: Vec<u64> = weights.to_vec();
        sorted.sort_unstable();
        let sums = |ws: &mut dyn Iterator<Item = &u64>| -> Vec<u128> {
            let mut out = vec![0u128];
            let mut acc = 0u128;
            for &w in ws {
                acc += u128::from(w);
                out.push(acc);
            }
            out
        };
        Game {
            weights,
            thetas,
            inf,
            total: weights.iter().map(|&w| u128::from(w)).sum(),
            lightest: sums(&mut sorted.iter()),
            heaviest: sums(&mut sorted.iter().rev()),
        }
    }

    fn n(&self) -> usize {
        self.weights.len()
    }

    /// The window of member i at coalition size s, read directly (coalitions S of size s
    /// with weight in `[theta(s+1) - w_i, theta(s))`) or through the complements
    /// `T = N \ {i} \ S` (size n - 1 - s, weight `W - w_i - w(S)`, so in
    /// `[W - w_i - theta(s) + 1, W - theta(s+1)]`); `None` when nobody can swing there.
    fn window(&self, i: usize, s: usize, complement: bool) -> Option<Window> {
        let (up, low) = (self.thetas[s], self.thetas[s + 1]);
        if low == self.inf {
            return None;
        }
        // Every coalition of size s already wins, or none of size s + 1 wins.
        if (up != self.inf && self.lightest[s] >= u128::from(up))
            || self.heaviest[s + 1] < u128::from(low)
        {
            return None;
        }
        let w = self.weights[i];
        // w(S) >= lower and (when up is finite) w(S) < up.
        let lower = low.saturating_sub(w);
        if up != self.inf && up <= lower {
            return None;
        }
        // Every coalition of the others weighs at most `rest`.
        let rest = self.total - u128::from(w);
        let read = |y: i128| -> Read {
            if y <= 0 {
                Read::Zero
            } else if y as u128 > rest {
                Read::All
            } else {
                Read::Table(y as u64)
            }
        };
        if !complement {
            let hi = if up == self.inf {
                Read::All
            } else {
                read(i128::from(up))
            };
            return Some(Window {
                row: s,
                hi,
                lo: read(i128::from(lower)),
            });
        }
        // w(S) >= lower <=> w(T) < rest - lower + 1; w(S) < up <=> w(T) >= rest - up + 1.
        let hi = read(rest as i128 - i128::from(lower) + 1);
        let lo = if up == self.inf {
            Read::Zero
        } else {
            read(rest as i128 - i128::from(up) + 1)
        };
        Some(Window {
            row: self.n() - 1 - s,
            hi,
            lo,
        })
    }
}

/// Which sizes are read through their complements, and the table that serves the reads.
pub(super) struct Shape {
    layout: Layout,
    complement: Vec<bool>,
}

impl Shape {
    /// The table for the windows of this game (`thetas[s]`: the least weight a coalition of
    /// size s needs, `inf` for none).
    ///
    /// A window count `N_i(s)` can be read at row s (`theta(s)` wide) or, through the
    /// complements in `N \ {i}`, at row n - 1 - s (`W - theta(s+1) + 1` wide). With a
    /// table of width X and rows `0..=R`, each size takes a reading that fits (the one of
    /// fewer rows when both do); `Auto` tries every X that some reading needs and keeps
    /// the smallest table: for a majority, sizes above (n - 1) / 2 through their
    /// complements, half the rows. Sizes where nobody swings need no reading.
    pub(super) fn choose(weights: &[u64], thetas: &[u64], inf: u64, fold: Fold) -> Shape {
        let game = Game::new(weights, thetas, inf);
        let n = game.n();
        // Per size and reading: (rows up to, width), or None when nobody swings.
        let need = |s: usize, complement: bool| -> Option<(usize, u64)> {
            let mut width = None;
            for i in 0..n {
                if let Some(win) = game.window(i, s, complement) {
                    let mut x = 0u64;
                    for r in [win.hi, win.lo] {
                        if let Read::Table(y) = r {
                            x = x.max(y);
                        }
                    }
                    width = Some((win.row, width.map_or(x, |(_, v): (usize, u64)| v.max(x))));
                }
            }
            width
        };
        let options: Vec<Option<[(usize, u64); 2]>> = (0..n)
            .map(|s| match (need(s, false), need(s, true)) {
                (Some(d), Some(c)) => Some([d, c]),
                _ => None,
            })
            .collect();
        let shape_of = |pick: &dyn Fn(usize, [(usize, u64); 2]) -> Option<bool>| -> Option<Shape> {
            let mut complement = vec![false; n];
            let (mut rows, mut width) = (0usize, 0u64);
            for (s, o) in options.iter().enumerate() {
                let Some(o) = *o else { continue };
                let c = pick(s, o)?;
                complement[s] = c;
                let (r, x) = o[usize::from(c)];
                rows = rows.max(r);
                width = width.max(x);
            }
            let width = usize::try_from(width).ok()?;
            Some(Shape {
                layout: Layout::new(weights, width, rows),
                complement,
            })
        };
        let half = n.saturating_sub(1) / 2;
        let fixed = |f: Fold| -> Option<Shape> {
            shape_of(&|s, _| {
                Some(match f {
                    Fold::Direct | Fold::Auto => false,
                    Fold::Complement => true,
                    Fold::Split => s > half,
                })
            })
        };
        let direct = || {
            fixed(Fold::Direct).unwrap_or(Shape {
                layout: Layout::new(weights, 0, 0),
                complement: vec![false; n],
            })
        };
        if fold != Fold::Auto {
            return fixed(fold).unwrap_or_else(direct);
        }
        let mut widths: Vec<u64> = options.iter().flatten().flatten().map(|o| o.1).collect();
        widths.sort_unstable();
        widths.dedup();
        let mut best: Option<Shape> = None;
        for &x in &widths {
            let shape = shape_of(&|_, [d, c]| match (d.1 <= x, c.1 <= x) {
                (true, true) => Some(c.0 < d.0),
                (true, false) => Some(false),
                (false, true) => Some(true),
                (false, false) => None,
            });
            if let Some(shape) = shape {
                if best.as_ref().is_none_or(|b| shape.words() < b.words()) {
                    best = Some(shape);
                }
            }
        }
        best.unwrap_or_else(direct)
    }

    /// Words of one residue table.
    pub(super) fn words(&self) -> usize {
        self.layout.words()
    }
}

/// Deterministic Miller–Rabin for 64-bit integers (these 12 bases are exact below
/// 3.3 × 10^24).
pub(super) fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    for &b in &BASES {
        if n % b == 0 {
            return n == b;
        }
    }
    let mut d = n - 1;
    let mut r = 0;
    while d % 2 == 0 {
        d /= 2;
        r += 1;
    }
    'bases: for &a in &BASES {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..r {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    (a as u128 * b as u128 % m as u128) as u64
}

fn pow_mod(mut a: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    a %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, a, m);
        }
        a = mul_mod(a, a, m);
        e >>= 1;
    }
    r
}

/// The largest primes below `2^bits` (`bits` in `3..=62`, so that the sum of two
/// residues stays below 2^63), descending, until their product exceeds `bound`; `None`
/// when all the primes below `2^bits` do not suffice.
pub(super) fn primes_above(bound: &BigUint, bits: u32) -> Option<Vec<u64>> {
    let bits = bits.clamp(3, 62);
    let mut primes = Vec::new();
    let mut product = BigUint::one();
    let mut candidate = (1u64 << bits) - 1;
    while &product <= bound && candidate > 2 {
        if is_prime(candidate) {
            primes.push(candidate);
            product *= candidate;
        }
        candidate -= 2;
    }
    (&product > bound).then_some(primes)
}

/// `a + b mod p` for `a, b < p < 2^31`: `a + b` fits in 32 bits, and when it is below p
/// the subtraction wraps above it, so the minimum is the reduced sum (branch-free; one
/// `vpminud` per 8 or 16 lanes once vectorised).
#[inline(always)]
fn add_mod(a: u32, b: u32, p: u32) -> u32 {
    let t = a + b;
    t.min(t.wrapping_sub(p))
}

#[inline(always)]
fn add_row_generic(dst: &mut [u32], src: &[u32], p: u32) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = add_mod(*d, s, p);
    }
}

#[inline(always)]
fn add_rows3_generic(dst: &mut [u32], a: &[u32], b: &[u32], c: &[u32], p: u32) {
    let len = dst.len().min(a.len()).min(b.len()).min(c.len());
    let (dst, a, b, c) = (&mut dst[..len], &a[..len], &b[..len], &c[..len]);
    for k in 0..len {
        let v = add_mod(add_mod(a[k], b[k], p), c[k], p);
        dst[k] = add_mod(dst[k], v, p);
    }
}

#[inline(always)]
fn add_const_generic(dst: &mut [u32], c: u32, p: u32) {
    for d in dst.iter_mut() {
        *d = add_mod(*d, c, p);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_const_avx2(dst: &mut [u32], c: u32, p: u32) {
    add_const_generic(dst, c, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2")]
unsafe fn add_const_avx512(dst: &mut [u32], c: u32, p: u32) {
    add_const_generic(dst, c, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_row_avx2(dst: &mut [u32], src: &[u32], p: u32) {
    add_row_generic(dst, src, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_rows3_avx2(dst: &mut [u32], a: &[u32], b: &[u32], c: &[u32], p: u32) {
    add_rows3_generic(dst, a, b, c, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2")]
unsafe fn add_row_avx512(dst: &mut [u32], src: &[u32], p: u32) {
    add_row_generic(dst, src, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx2")]
unsafe fn add_rows3_avx512(dst: &mut [u32], a: &[u32], b: &[u32], c: &[u32], p: u32) {
    add_rows3_generic(dst, a, b, c, p)
}

/// The widest vector unit the CPU reports (checked once per table).
#[derive(Clone, Copy)]
enum Simd {
    Plain,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx512,
}

fn simd() -> Simd {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            return Simd::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return Simd::Avx2;
        }
    }
    Simd::Plain
}

/// `dst[k] += src[k] mod p`.
fn add_row(dst: &mut [u32], src: &[u32], p: u32, simd: Simd) {
    match simd {
        // SAFETY: `Avx512`/`Avx2` are chosen only when the CPU reports them (`simd`).
        #[cfg(target_arch = "x86_64")]
        Simd::Avx512 => unsafe { add_row_avx512(dst, src, p) },
        #[cfg(target_arch = "x86_64")]
        Simd::Avx2 => unsafe { add_row_avx2(dst, src, p) },
        _ => add_row_generic(dst, src, p),
    }
}

/// `dst[k] += c mod p`.
fn add_const(dst: &mut [u32], c: u32, p: u32, simd: Simd) {
    match simd {
        // SAFETY: as in `add_row`.
        #[cfg(target_arch = "x86_64")]
        Simd::Avx512 => unsafe { add_const_avx512(dst, c, p) },
        #[cfg(target_arch = "x86_64")]
        Simd::Avx2 => unsafe { add_const_avx2(dst, c, p) },
        _ => add_const_generic(dst, c, p),
    }
}

/// `dst[k] += a[k] + b[k] + c[k] mod p`.
fn add_rows3(dst: &mut [u32], a: &[u32], b: &[u32], c: &[u32], p: u32, simd: Simd) {
    match simd {
        // SAFETY: as in `add_row`.
        #[cfg(target_arch = "x86_64")]
        Simd::Avx512 => unsafe { add_rows3_avx512(dst, a, b, c, p) },
        #[cfg(target_arch = "x86_64")]
        Simd::Avx2 => unsafe { add_rows3_avx2(dst, a, b, c, p) },
        _ => add_rows3_generic(dst, a, b, c, p),
    }
}

/// Half-open weight range `[a, b)` of possibly nonzero counts.
type Span = Option<(usize, usize)>;

fn hull(x: Span, y: Span) -> Span {
    match (x, y) {
        (None, s) | (s, None) => s,
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
    }
}

/// One write to a destination row, in weight coordinates `[a, b)` of that row.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Cells entering the row's support from below: set to 0.
    Zero { a: usize, b: usize },
    /// Cells entering the row's support from above: set to `C(seen, row)`, the count of
    /// every coalition of that size so far (the row's constant tail, see `plan`).
    Fill {
        a: usize,
        b: usize,
        row: usize,
        seen: usize,
    },
    /// `dst[x] += row[x - w]`.
    Add {
        a: usize,
        b: usize,
        row: usize,
        w: usize,
    },
    /// `dst[x] += row0[x - w0] + row1[x - w1] + row2[x - w2]` (a pair fused).
    Add3 {
        a: usize,
        b: usize,
        src: [(usize, usize); 3],
    },
    /// `dst[x] += C(seen, row)`: a source row read past its support, in its tail.
    AddTail {
        a: usize,
        b: usize,
        row: usize,
        seen: usize,
    },
}

impl Op {
    /// Rows streamed per cell: the destination read and written, each source read once.
    fn cost(&self) -> usize {
        match self {
            Op::Zero { .. } | Op::Fill { .. } => 1,
            Op::AddTail { .. } => 2,
            Op::Add { .. } => 3,
            Op::Add3 { .. } => 5,
        }
    }

    fn range(&self) -> (usize, usize) {
        match *self {
            Op::Zero { a, b }
            | Op::Fill { a, b, .. }
            | Op::Add { a, b, .. }
            | Op::Add3 { a, b, .. }
            | Op::AddTail { a, b, .. } => (a, b),
        }
    }
}

/// The row updates that add the members, and what the reads need to know of the result.
struct Plan {
    /// For each pair of members (ascending weights), rows descending, the writes to that
    /// row.
    steps: Vec<(usize, Vec<Op>)>,
    /// The final support of each row: `Q(s, x)` is 0 below it and `C(members, s)` from
    /// its end on (when the end is below the width).
    support: Vec<Span>,
    /// Members added (those lighter than the width).
    members: usize,
}

/// The row updates that build `Q(s, x) = #{S : |S| = s, w(S) <= x}` for `x < x_max`
/// directly, without a prefix pass: adding a member of weight w is the same shift-and-add
/// on the cumulative counts as on the counts, `Q'(s, x) = Q(s, x) + Q(s - 1, x - w)`.
///
/// Row s is stored on its support `[a, b)` (the hull of the shifted supports; members
/// are added in ascending weight order and every update is clipped to it, so early
/// updates are narrow): below a, `Q(s, x) = 0`; from b on (when `b < x_max`), every
/// coalition of size s of the members seen so far weighs less than b, so
/// `Q(s, x) = C(seen, s)`, a constant that is not stored. Where an update reads a source
/// row in its tail, it adds that constant (`AddTail`); where the support grows upwards,
/// the new cells start at the old tail (`Fill`). Every worker computes the same plan; it
/// is a few thousand small records.
fn plan(layout: &Layout, weights: &[u64]) -> Plan {
    let x_max = layout.x_max;
    let rows = layout.rows();
    let mut out = Vec::new();
    let mut small: Vec<usize> = weights
        .iter()
        .filter(|&&w| (w as usize) < x_max)
        .map(|&w| w as usize)
        .collect();
    small.sort_unstable();
    let mut support: Vec<Span> = vec![None; rows];
    if x_max == 0 {
        return Plan {
            steps: out,
            support,
            members: small.len(),
        };
    }
    support[0] = Some((0, 1));
    // Spans are of the coalitions' weights, not clipped to the width (a clipped end would
    // not be an upper bound, and the tail past it would be wrong); the writes are.
    let shift = |span: Span, w: usize| -> Span { span.map(|(a, b)| (a + w, b + w)) };
    let clip = |a: usize, b: usize| -> Option<(usize, usize)> {
        let b = b.min(x_max);
        (a < b).then_some((a, b))
    };
    let mut seen = 0usize;
    for pair in small.chunks(2) {
        let top = (seen + pair.len()).min(rows - 1);
        for s in (1..=top).rev() {
            // Terms (source row, shift, shifted span): one member, or a pair a, b:
            // row s += row s-1 >> a + row s-1 >> b + row s-2 >> (a + b).
            let mut terms: Vec<(usize, usize, Span)> = pair
                .iter()
                .map(|&w| (s - 1, w, shift(support[s - 1], w)))
                .collect();
            if let [a, b] = *pair {
                if s >= 2 {
                    terms.push((s - 2, a + b, shift(support[s - 2], a + b)));
                }
            }
            let mut fused = None;
            if terms.len() == 3 && terms.iter().all(|t| t.2.is_some()) {
                let a = terms.iter().filter_map(|t| t.2).map(|r| r.0).max();
                let b = terms.iter().filter_map(|t| t.2).map(|r| r.1).min();
                if let (Some(a), Some(b)) = (a, b) {
                    fused = clip(a, b);
                }
            }
            let old = support[s];
            let new = terms.iter().fold(old, |h, t| hull(h, t.2));
            let mut ops = Vec::new();
            if let Some((a, b)) = new {
                match old {
                    None => ops.extend(clip(a, b).map(|(a, b)| Op::Zero { a, b })),
                    Some((oa, ob)) => {
                        ops.extend(clip(a, oa).map(|(a, b)| Op::Zero { a, b }));
                        ops.extend(clip(ob, b).map(|(a, b)| Op::Fill { a, b, row: s, seen }));
                    }
                }
            }
            support[s] = new;
            if let Some((a, b)) = fused {
                ops.push(Op::Add3 {
                    a,
                    b,
                    src: [
                        (terms[0].0, terms[0].1),
                        (terms[1].0, terms[1].1),
                        (terms[2].0, terms[2].1),
                    ],
                });
            }
            for &(row, w, span) in &terms {
                let Some((a, b)) = span else { continue };
                let pieces = match fused {
                    None => [(a, b), (b, b)],
                    Some((fa, fb)) => [(a, b.min(fa)), (a.max(fb), b)],
                };
                for (a, b) in pieces {
                    if let Some((a, b)) = clip(a, b) {
                        ops.push(Op::Add { a, b, row, w });
                    }
                }
                // Past the source's support, its tail: up to the end of the new support
                // (beyond it, the destination's own tail, which is implicit).
                if let Some((_, end)) = new {
                    if let Some((a, b)) = clip(b, end) {
                        ops.push(Op::AddTail { a, b, row, seen });
                    }
                }
            }
            if !ops.is_empty() {
                out.push((s, ops));
            }
        }
        seen += pair.len();
    }
    Plan {
        steps: out,
        support,
        members: small.len(),
    }
}

/// `C(k, r) mod p` for `k <= n`, `r < rows`, flat by k.
fn binomials(n: usize, rows: usize, p: u32) -> Vec<u32> {
    let mut out = vec![0u32; (n + 1) * rows];
    for k in 0..=n {
        for r in 0..rows {
            out[k * rows + r] = match (k, r) {
                (_, 0) => 1 % p,
                (0, _) => 0,
                _ => add_mod(out[(k - 1) * rows + r], out[(k - 1) * rows + r - 1], p),
            };
        }
    }
    out
}

/// A row step narrower than this many cells is done by one worker: splitting it would
/// cost more in synchronisation than it saves.
/// (Tests split every update wider than 8 cells, so that the stripes are exercised on
/// small tables.)
const PARALLEL_CELLS: usize = if cfg!(test) { 8 } else { 1 << 15 };

/// A barrier that spins briefly, then yields: a row step takes microseconds to
/// milliseconds, so parking threads on a condition variable at every step would cost
/// more than the step (`std::sync::Barrier` does). Acquire/release ordering: every write
/// before `wait` in one worker is visible to every worker after it.
struct SpinBarrier {
    parties: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    fn new(parties: usize) -> Self {
        SpinBarrier {
            parties,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    fn wait(&self) {
        if self.parties <= 1 {
            return;
        }
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.parties {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0u32;
        while self.generation.load(Ordering::Acquire) == generation {
            if spins < 1 << 12 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// The shared residue table, written by several workers at once.
///
/// Every write goes through `row_mut` on cells of one destination row, each worker in its
/// own column stripe; every read of another row happens in a step in which no worker
/// writes that row; steps are separated by `SpinBarrier::wait`.
struct Shared {
    ptr: *mut u32,
    len: usize,
}

// SAFETY: `Shared` is a pointer to a buffer that outlives the workers (a `&mut [u32]`
// borrowed for the whole `thread::scope`); the access discipline above makes every
// concurrent access either a read of cells nobody writes in that step or a write of cells
// only that worker touches.
unsafe impl Sync for Shared {}

impl Shared {
    /// Cells `[at, at + len)` for reading.
    ///
    /// # Safety
    /// No worker writes these cells until the next barrier.
    unsafe fn row(&self, at: usize, len: usize) -> &[u32] {
        debug_assert!(at + len <= self.len);
        std::slice::from_raw_parts(self.ptr.add(at), len)
    }

    /// Cells `[at, at + len)` for writing.
    ///
    /// # Safety
    /// Only this worker touches these cells until the next barrier.
    #[allow(clippy::mut_from_ref)]
    unsafe fn row_mut(&self, at: usize, len: usize) -> &mut [u32] {
        debug_assert!(at + len <= self.len);
        std::slice::from_raw_parts_mut(self.ptr.add(at), len)
    }
}

/// The columns of one step (`[lo, hi)`, the union of its ops' ranges) that worker `t` of
/// `workers` owns: stripes of equal cost rather than equal width, so that no worker waits
/// at the barrier for one that drew the heavier columns. The IMF's steps mix fused pairs
/// with single additions, tails and fills: equal widths left the heavier stripe 2.8% above
/// an even share of the row streams.
fn stripe(ops: &[Op], lo: usize, hi: usize, t: usize, workers: usize) -> (usize, usize) {
    (
        cut(ops, lo, hi, t, workers),
        cut(ops, lo, hi, t + 1, workers),
    )
}

/// The column where the first `k` of `workers` equal shares of the step's cost end (`lo`
/// for none, `hi` for all); nondecreasing in `k`, and the same in every worker.
fn cut(ops: &[Op], lo: usize, hi: usize, k: usize, workers: usize) -> usize {
    if k == 0 {
        return lo;
    }
    if k >= workers {
        return hi;
    }
    let total: usize = ops
        .iter()
        .map(|op| {
            let (a, b) = op.range();
            (b - a) * op.cost()
        })
        .sum();
    let target = total * k / workers;
    let mut points: Vec<usize> = ops
        .iter()
        .flat_map(|op| {
            let (a, b) = op.range();
            [a, b]
        })
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut done = 0usize;
    for seg in points.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let density: usize = ops
            .iter()
            .filter(|op| {
                let (oa, ob) = op.range();
                oa <= a && b <= ob
            })
            .map(Op::cost)
            .sum();
        let here = density * (b - a);
        if density > 0 && done + here >= target {
            return (a + (target - done) / density).clamp(lo, hi);
        }
        done += here;
    }
    hi
}

/// A residue table: `Q(s, x) = #{S : |S| = s, w(S) <= x} mod p` on each row's support,
/// with the plan's supports and tails for the rest.
struct Table<'a> {
    layout: &'a Layout,
    plan: &'a Plan,
    /// `C(k, s) mod p`, flat by k (`binomials`).
    binom: &'a [u32],
    p: u32,
    cells: &'a [u32],
}

/// Builds the table mod p in `cells` with `workers` threads sharing it: every row update
/// of the plan split into column stripes, one per worker, with a barrier between rows
/// (row s reads rows s - 1 and s - 2, which the next steps write); narrow steps by worker
/// 0 alone. The cells are not cleared up front (they may hold the previous prime's
/// table): a row's cells are set as its support grows, and no cell outside the supports
/// is read.
fn build(layout: &Layout, plan: &Plan, binom: &[u32], cells: &mut [u32], p: u32, workers: usize) {
    if layout.x_max == 0 || cells.is_empty() {
        return;
    }
    cells[0] = 1 % p;
    let rows = layout.rows();
    let simd = simd();
    let shared = Shared {
        ptr: cells.as_mut_ptr(),
        len: cells.len(),
    };
    let barrier = SpinBarrier::new(workers);
    let work = |t: usize| {
        let shared = &shared;
        // Was the last step done by worker 0 alone, without a barrier after it?
        let mut pending = false;
        for (s, ops) in &plan.steps {
            let s = *s;
            let (lo, hi) = ops.iter().fold((usize::MAX, 0), |(l, h), op| {
                let (a, b) = op.range();
                (l.min(a), h.max(b))
            });
            let parallel = workers > 1 && hi.saturating_sub(lo) >= PARALLEL_CELLS;
            let (ca, cb) = if parallel {
                if pending {
                    barrier.wait();
                    pending = false;
                }
                stripe(ops, lo, hi, t, workers)
            } else if t == 0 {
                pending = workers > 1;
                (lo, hi)
            } else {
                pending = true;
                continue;
            };
            let dst_at = |x: usize| layout.start[s] + x - layout.lo[s];
            let src_at =
                |row: usize, w: usize, x: usize| layout.start[row] + x - w - layout.lo[row];
            for op in ops {
                let (a, b) = op.range();
                let (a, b) = (a.max(ca), b.min(cb));
                if a >= b {
                    continue;
                }
                let len = b - a;
                // SAFETY: this worker owns columns [ca, cb) of row s in this step; the
                // source rows (s - 1, s - 2) are not written before the next barrier.
                unsafe {
                    let dst = shared.row_mut(dst_at(a), len);
                    match *op {
                        Op::Zero { .. } => dst.fill(0),
                        Op::Fill { row, seen, .. } => dst.fill(binom[seen * rows + row]),
                        Op::Add { row, w, .. } => {
                            add_row(dst, shared.row(src_at(row, w, a), len), p, simd)
                        }
                        Op::Add3 { src, .. } => add_rows3(
                            dst,
                            shared.row(src_at(src[0].0, src[0].1, a), len),
                            shared.row(src_at(src[1].0, src[1].1, a), len),
                            shared.row(src_at(src[2].0, src[2].1, a), len),
                            p,
                            simd,
                        ),
                        Op::AddTail { row, seen, .. } => {
                            add_const(dst, binom[seen * rows + row], p, simd)
                        }
                    }
                }
            }
            if parallel {
                barrier.wait();
            }
        }
    };
    if workers <= 1 {
        work(0);
    } else {
        std::thread::scope(|scope| {
            for t in 1..workers {
                let work = &work;
                scope.spawn(move || work(t));
            }
            work(0);
        });
    }
}

impl Table<'_> {
    /// `P(s, y) = #{S : |S| = s, w(S) < y} = Q(s, y - 1)`, for `y <= x_max`.
    fn read(&self, s: usize, y: u64) -> u32 {
        let layout = self.layout;
        let Some(x) = (y as usize).checked_sub(1) else {
            return 0;
        };
        match (layout.lo.get(s), self.plan.support.get(s)) {
            (Some(&lo), Some(&Some((a, b)))) if x >= a => {
                if x >= b {
                    self.binom[self.plan.members * layout.rows() + s]
                } else {
                    self.cells[layout.start[s] + x - lo]
                }
            }
            _ => 0,
        }
    }

    /// Coalitions without a member of weight w, of size s and weight < y, mod p:
    /// `Σ_t (-1)^t P(s - t, y - t w)`.
    fn count_without(&self, w: u64, s: usize, y: u64) -> u32 {
        let p = self.p;
        let (mut pos, mut neg) = (0u32, 0u32);
        let mut at = y;
        for t in 0..=s {
            if at == 0 {
                break;
            }
            let v = self.read(s - t, at);
            if t % 2 == 0 {
                pos = add_mod(pos, v, p);
            } else {
                neg = add_mod(neg, v, p);
            }
            at = at.saturating_sub(w);
            if w == 0 && at == 0 {
                break;
            }
        }
        add_mod(pos, p - neg, p) % p
    }
}

/// Maps the table's pages in, each worker an equal share, before the build: nearly every
/// page is written at some point anyway (the IMF: 924 MB mapped, against 889 MB when the
/// pages are mapped on first write), and a page first written inside a row step costs its
/// fault to whichever worker's stripe holds it (the stripe where a support grows) while
/// the others wait at the barrier. One worker keeps the lazy mapping.
fn prefault(cells: &mut [u32], workers: usize) {
    if workers <= 1 {
        return;
    }
    // One write per 4 KiB page; writing 0 keeps the zeroed table as it is.
    const PAGE: usize = 1024;
    let share = cells.len().div_ceil(workers).div_ceil(PAGE) * PAGE;
    std::thread::scope(|scope| {
        for part in cells.chunks_mut(share.max(PAGE)) {
            scope.spawn(move || {
                for cell in part.iter_mut().step_by(PAGE) {
                    *cell = 0;
                }
            });
        }
    });
}

/// Window counts `N_i(s)` = number of coalitions without member i, of size s, with
/// weight in `[theta(s+1) - w_i, theta(s))` (`theta` = `inf` meaning no upper bound),
/// flat by member then size (n × n), exactly.
///
/// One residue table at a time, of the shape `shape` (the caller checked that it fits the
/// memory budget), shared by `threads` workers (see `build`); the primes one after the
/// other.
pub(super) fn window_counts(
    weights: &[u64],
    thetas: &[u64],
    inf: u64,
    shape: &Shape,
    prime_bits: u32,
    threads: usize,
) -> Result<Vec<BigUint>, String> {
    let n = weights.len();
    let game = Game::new(weights, thetas, inf);
    let layout = &shape.layout;
    // The windows, the same for every prime.
    let windows: Vec<Option<Window>> = (0..n)
        .flat_map(|i| (0..n).map(move |s| (i, s)))
        .map(|(i, s)| game.window(i, s, shape.complement[s]))
        .collect();
    // Every window count is at most C(n-1, s), over the sizes where someone may swing.
    let needed: Vec<bool> = (0..n)
        .map(|s| (0..n).any(|i| windows[i * n + s].is_some()))
        .collect();
    let mut bound = BigUint::one();
    let mut binom = BigUint::one();
    for (s, &needed) in needed.iter().enumerate() {
        if s > 0 {
            binom = binom * BigUint::from(n - s) / BigUint::from(s);
        }
        if needed && binom > bound {
            bound = binom.clone();
        }
    }
    // Residues below 2^31, so that the sum of two fits in a `u32`.
    let prime_bits = prime_bits.min(31);
    let primes = primes_above(&bound, prime_bits).ok_or_else(|| {
        format!("the primes below 2^{prime_bits} cannot represent counts up to {bound}")
    })?;
    let binomials_mod = |p: u32| -> Vec<u32> {
        // Row n-1 of Pascal's triangle mod p.
        let mut row = vec![0u32; n];
        row[0] = 1 % p;
        for k in 1..n {
            for j in (1..=k).rev() {
                row[j] = add_mod(row[j], row[j - 1], p);
            }
        }
        row
    };
    let workers = threads.max(1);
    let plan = plan(layout, weights);
    // Zeroed allocation: the pages are mapped lazily, on first write.
    let mut cells: Vec<u32> = vec![0; layout.words];
    prefault(&mut cells, workers);
    let mut residues: Vec<Vec<u32>> = Vec::with_capacity(primes.len());
    for &p in &primes {
        let p = p as u32;
        let tails = binomials(plan.members, layout.rows(), p);
        build(layout, &plan, &tails, &mut cells, p, workers);
        let table = Table {
            layout,
            plan: &plan,
            binom: &tails,
            p,
            cells: &cells,
        };
        let binom = binomials_mod(p);
        let member = |i: usize| -> Vec<u32> {
            let w = weights[i];
            let read = |row: usize, r: Read| -> u32 {
                match r {
                    Read::Zero => 0,
                    Read::All => binom[row],
                    Read::Table(y) => table.count_without(w, row, y),
                }
            };
            windows[i * n..(i + 1) * n]
                .iter()
                .map(|win| match *win {
                    None => 0,
                    Some(Window { row, hi, lo }) => {
                        add_mod(read(row, hi), p - read(row, lo), p) % p
                    }
                })
                .collect()
        };
        // Members dealt round-robin to the workers, reading the finished table.
        let mut out = vec![0u32; n * n];
        std::thread::scope(|scope| {
            let member = &member;
            let handles: Vec<_> = (1..workers.min(n.max(1)))
                .map(|t| {
                    scope.spawn(move || {
                        (t..n)
                            .step_by(workers)
                            .map(|i| (i, member(i)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mine: Vec<_> = (0..n).step_by(workers).map(|i| (i, member(i))).collect();
            let mut place = |done: Vec<(usize, Vec<u32>)>| {
                for (i, row) in done {
                    out[i * n..(i + 1) * n].copy_from_slice(&row);
                }
            };
            place(mine);
            for h in handles {
                match h.join() {
                    Ok(done) => place(done),
                    Err(_) => return Err("a counting thread panicked".to_string()),
                }
            }
            Ok(())
        })?;
        residues.push(out);
    }
    Ok((0..n * n)
        .map(|k| crt(&primes, residues.iter().map(|r| u64::from(r[k]))))
        .collect())
}

/// The unique `x < Π primes` with `x ≡ r_k (mod p_k)` (Garner's mixed-radix form).
fn crt(primes: &[u64], residues: impl Iterator<Item = u64>) -> BigUint {
    let rs: Vec<u64> = residues.collect();
    // Mixed-radix digits: x = d0 + d1 p0 + d2 p0 p1 + ...
    let mut digits: Vec<u64> = Vec::with_capacity(primes.len());
    for (k, (&p, &r)) in primes.iter().zip(&rs).enumerate() {
        // Value of the digits so far mod p, and the product of earlier primes mod p.
        let mut value = 0u64;
        let mut radix = 1 % p;
        for (&d, &q) in digits.iter().zip(&primes[..k]) {
            value = (value + mul_mod(d % p, radix, p)) % p;
            radix = mul_mod(radix, q % p, p);
        }
        let diff = (r % p + p - value) % p;
        // The primes are distinct, so `radix` is invertible mod p (Fermat).
        digits.push(mul_mod(diff, pow_mod(radix, p - 2, p), p));
    }
    let mut x = BigUint::zero();
    for (&d, &p) in digits.iter().zip(primes).rev() {
        x = x * BigUint::from(p) + BigUint::from(d);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miller_rabin_matches_trial_division() {
        let slow = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0);
        for n in 0..5000u64 {
            assert_eq!(is_prime(n), slow(n), "{n}");
        }
        // Known: 2^61 - 1 is prime, 2^62 - 57 is the largest prime below 2^62.
        assert!(is_prime((1 << 61) - 1));
        assert!(is_prime((1 << 62) - 57));
        assert!(!is_prime((1 << 62) - 55));
        // A strong pseudoprime to bases 2..=11 (3215031751) and a Carmichael number.
        assert!(!is_prime(3_215_031_751));
        assert!(!is_prime(561));
    }

    #[test]
    fn primes_cover_the_bound() {
        let bound = BigUint::one() << 185u32;
        let ps = primes_above(&bound, 62).unwrap_or_default();
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0], (1 << 62) - 57);
        let product: BigUint = ps.iter().map(|&p| BigUint::from(p)).product();
        assert!(product > bound);
        // The IMF's bound, C(190, 95) < 2^186: six 31-bit primes.
        let imf = (1..=95u32).fold(BigUint::one(), |b, k| b * (191 - k) / k);
        assert_eq!(primes_above(&imf, 31).map(|ps| ps.len()), Some(6));
        assert_eq!(primes_above(&BigUint::from(106u32), 3), None);
        assert_eq!(primes_above(&BigUint::from(104u32), 3), Some(vec![7, 5, 3]));
    }

    #[test]
    fn crt_reconstructs() {
        let ps = [1_000_003u64, 998_244_353, 1_000_000_007];
        let x = BigUint::from(123_456_789_012_345_678_901u128);
        let rs = ps.iter().map(|&p| (&x % p).try_into().unwrap_or(0u64));
        assert_eq!(crt(&ps, rs), x);
    }

    /// Every read `P(s, y)` of the table (cumulative counts built in place, tails and
    /// supports from the plan) against counting the subsets, on random small bodies with
    /// zero and tied weights, every width and row limit, 1 to 3 workers.
    #[test]
    fn table_reads_match_subset_counts() {
        let mut rng = crate::model::synth::Rng::new(7);
        for case in 0..300 {
            let n = 1 + case % 9;
            let modulus = 1 + rng.next_u31() % 9;
            let weights: Vec<u64> = (0..n).map(|_| rng.next_u31() % modulus).collect();
            let total: u64 = weights.iter().sum();
            let x_max = 1 + (rng.next_u31() % (total + 2)) as usize;
            let max_row = (rng.next_u31() as usize) % n.max(1);
            let layout = Layout::new(&weights, x_max, max_row);
            let plan = plan(&layout, &weights);
            let p = 13u32;
            let tails = binomials(plan.members, layout.rows(), p);
            for workers in 1..=3 {
                let mut cells = vec![7u32; layout.words];
                build(&layout, &plan, &tails, &mut cells, p, workers);
                let table = Table {
                    layout: &layout,
                    plan: &plan,
                    binom: &tails,
                    p,
                    cells: &cells,
                };
                for s in 0..=max_row {
                    for y in 0..=x_max as u64 {
                        let brute = (0..1usize << n)
                            .filter(|m| m.count_ones() as usize == s)
                            .filter(|m| {
                                let w: u64 =
                                    (0..n).filter(|i| m >> i & 1 == 1).map(|i| weights[i]).sum();
                                w < y
                            })
                            .count() as u32
                            % p;
                        assert_eq!(
                            table.read(s, y),
                            brute,
                            "{weights:?} x_max {x_max} rows {max_row}: P({s}, {y}), {workers} workers"
                        );
                    }
                }
            }
        }
    }

    /// The stripes of a step tile its columns in order, and each holds an even share of
    /// the cost up to one column's cost, on random sets of overlapping ops.
    #[test]
    fn stripes_tile_the_step_with_even_cost() {
        let mut rng = crate::model::synth::Rng::new(11);
        for _ in 0..500 {
            let ops: Vec<Op> = (0..1 + rng.next_u31() % 5)
                .map(|_| {
                    let a = (rng.next_u31() % 1000) as usize;
                    let b = a + 1 + (rng.next_u31() % 1000) as usize;
                    match rng.next_u31() % 4 {
                        0 => Op::Zero { a, b },
                        1 => Op::Add { a, b, row: 0, w: 0 },
                        2 => Op::Add3 {
                            a,
                            b,
                            src: [(0, 0); 3],
                        },
                        _ => Op::AddTail {
                            a,
                            b,
                            row: 0,
                            seen: 0,
                        },
                    }
                })
                .collect();
            let (lo, hi) = ops.iter().fold((usize::MAX, 0), |(l, h), op| {
                let (a, b) = op.range();
                (l.min(a), h.max(b))
            });
            let cost_in = |ca: usize, cb: usize| -> usize {
                ops.iter()
                    .map(|op| {
                        let (a, b) = op.range();
                        b.min(cb).saturating_sub(a.max(ca)) * op.cost()
                    })
                    .sum()
            };
            let total = cost_in(lo, hi);
            let densest: usize = ops.iter().map(Op::cost).sum();
            for workers in 1..=4 {
                let mut at = lo;
                for t in 0..workers {
                    let (ca, cb) = stripe(&ops, lo, hi, t, workers);
                    assert_eq!(ca, at, "{ops:?}: stripe {t} of {workers}");
                    assert!(cb >= ca);
                    let share = total / workers;
                    assert!(
                        cost_in(ca, cb).abs_diff(share) <= densest + workers,
                        "{ops:?}: stripe {t} of {workers} costs {} against {share}",
                        cost_in(ca, cb)
                    );
                    at = cb;
                }
                assert_eq!(at, hi);
            }
        }
    }

    #[test]
    fn add_mod_is_exact_near_the_top() {
        let p = (1u32 << 31) - 1;
        for (a, b) in [
            (p - 1, p - 1),
            (0, 0),
            (p - 1, 1),
            (1, p - 2),
            (p / 2, p / 2 + 1),
        ] {
            assert_eq!(
                add_mod(a, b, p),
                ((u64::from(a) + u64::from(b)) % u64::from(p)) as u32
            );
        }
    }
}
