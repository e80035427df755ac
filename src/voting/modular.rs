//! The size × weight counting table modulo word-sized primes, for bodies whose exact
//! big-integer table would not fit in memory (the 189-member IBRD-like body with 2.5
//! million votes: 178 × 1.25 million counts of up to 185 bits).
//!
//! One table of `u64` residues per prime, built with plain vectorisable row additions
//! (`a + b - p`, then add `p` back when negative: no division), the per-member window
//! counts read off it by the same "remove one member" alternating sums as the big-integer
//! table, and the exact counts rebuilt by the Chinese remainder theorem. Every
//! reconstructed value is a window count `N_i(s) <= C(n-1, s)`, so primes are added until
//! their product exceeds `max_s C(n-1, s)`: the result is exact, never a guess.
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
    /// `weights` are the members' weights (any order); `x_max` the table width.
    pub(super) fn new(weights: &[u64], x_max: u64) -> Layout {
        let x_max = x_max as usize;
        let mut small: Vec<usize> = weights
            .iter()
            .filter(|&&w| w < x_max as u64)
            .map(|&w| w as usize)
            .collect();
        small.sort_unstable();
        let mut lo = vec![0usize];
        let mut sum = 0usize;
        for &w in &small {
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
    pub(super) fn words(&self) -> usize {
        self.words
    }

    fn rows(&self) -> usize {
        self.lo.len()
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

/// `a + b mod p` for `a, b < p < 2^62`, branch-free so that loops of it vectorise.
#[inline(always)]
fn add_mod(a: u64, b: u64, p: u64) -> u64 {
    let t = (a + b).wrapping_sub(p) as i64;
    (t + ((t >> 63) & p as i64)) as u64
}

#[inline(always)]
fn add_row_generic(dst: &mut [u64], src: &[u64], p: u64) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = add_mod(*d, s, p);
    }
}

#[inline(always)]
fn add_rows3_generic(dst: &mut [u64], a: &[u64], b: &[u64], c: &[u64], p: u64) {
    let len = dst.len().min(a.len()).min(b.len()).min(c.len());
    let (dst, a, b, c) = (&mut dst[..len], &a[..len], &b[..len], &c[..len]);
    for k in 0..len {
        let v = add_mod(add_mod(a[k], b[k], p), c[k], p);
        dst[k] = add_mod(dst[k], v, p);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_row_avx2(dst: &mut [u64], src: &[u64], p: u64) {
    add_row_generic(dst, src, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_rows3_avx2(dst: &mut [u64], a: &[u64], b: &[u64], c: &[u64], p: u64) {
    add_rows3_generic(dst, a, b, c, p)
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `dst[k] += src[k] mod p`.
fn add_row(dst: &mut [u64], src: &[u64], p: u64, avx2: bool) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: `avx2` is true only when the CPU reports AVX2 (`has_avx2`).
        unsafe { add_row_avx2(dst, src, p) };
        return;
    }
    let _ = avx2;
    add_row_generic(dst, src, p)
}

/// `dst[k] += a[k] + b[k] + c[k] mod p`.
fn add_rows3(dst: &mut [u64], a: &[u64], b: &[u64], c: &[u64], p: u64, avx2: bool) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: as in `add_row`.
        unsafe { add_rows3_avx2(dst, a, b, c, p) };
        return;
    }
    let _ = avx2;
    add_rows3_generic(dst, a, b, c, p)
}

/// Half-open weight range `[a, b)` of possibly nonzero counts.
type Span = Option<(usize, usize)>;

fn hull(x: Span, y: Span) -> Span {
    match (x, y) {
        (None, s) | (s, None) => s,
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
    }
}

/// A residue table: `P(s, y) = #{S : |S| = s, w(S) < y} mod p`.
struct Table<'a> {
    layout: &'a Layout,
    p: u64,
    cells: &'a mut [u64],
}

impl Table<'_> {
    /// Counts `c(s, x) mod p` for `x < x_max`, then prefix sums in place.
    fn build(&mut self, weights: &[u64]) {
        let layout = self.layout;
        let x_max = layout.x_max;
        let rows = layout.rows();
        let p = self.p;
        let avx2 = has_avx2();
        // The cells are not cleared up front (they may hold the previous prime's table):
        // a row's cells are zeroed as its support grows, and the prefix pass below writes
        // every cell.
        if x_max == 0 {
            return;
        }
        self.cells[0] = 1 % p;
        let mut small: Vec<usize> = weights
            .iter()
            .filter(|&&w| (w as usize) < x_max)
            .map(|&w| w as usize)
            .collect();
        small.sort_unstable();
        let mut support: Vec<Span> = vec![None; rows];
        support[0] = Some((0, 1));
        let shift = |span: Span, w: usize| -> Span {
            span.and_then(|(a, b)| {
                let (a, b) = (a + w, (b + w).min(x_max));
                (a < b).then_some((a, b))
            })
        };
        let mut seen = 0usize;
        for pair in small.chunks(2) {
            let top = (seen + pair.len()).min(rows - 1);
            for s in (1..=top).rev() {
                // Terms (source row, shift): one member, or a pair a, b:
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
                let mut fused: Span = None;
                if terms.len() == 3 && terms.iter().all(|t| t.2.is_some()) {
                    let a = terms.iter().filter_map(|t| t.2).map(|r| r.0).max();
                    let b = terms.iter().filter_map(|t| t.2).map(|r| r.1).min();
                    if let (Some(a), Some(b)) = (a, b) {
                        if a < b {
                            fused = Some((a, b));
                        }
                    }
                }
                let (head, tail) = self.cells.split_at_mut(layout.start[s]);
                let dst_lo = layout.lo[s];
                let old = support[s];
                let new = terms.iter().fold(old, |h, t| hull(h, t.2));
                if let Some((a, b)) = new {
                    let (oa, ob) = old.unwrap_or((b, b));
                    tail[a - dst_lo..oa - dst_lo].fill(0);
                    tail[ob - dst_lo..b - dst_lo].fill(0);
                }
                support[s] = new;
                let src = |row: usize, w: usize, a: usize, b: usize| -> &[u64] {
                    let at = layout.start[row] + (a - w - layout.lo[row]);
                    &head[at..at + (b - a)]
                };
                if let Some((a, b)) = fused {
                    let [t0, t1, t2] = [&terms[0], &terms[1], &terms[2]];
                    add_rows3(
                        &mut tail[a - dst_lo..b - dst_lo],
                        src(t0.0, t0.1, a, b),
                        src(t1.0, t1.1, a, b),
                        src(t2.0, t2.1, a, b),
                        p,
                        avx2,
                    );
                }
                for &(row, w, span) in &terms {
                    let Some((a, b)) = span else { continue };
                    let pieces = match fused {
                        None => [(a, b), (b, b)],
                        Some((fa, fb)) => [(a, b.min(fa)), (a.max(fb), b)],
                    };
                    for (a, b) in pieces {
                        if a < b {
                            add_row(
                                &mut tail[a - dst_lo..b - dst_lo],
                                src(row, w, a, b),
                                p,
                                avx2,
                            );
                        }
                    }
                }
            }
            seen += pair.len();
        }
        // Exclusive prefix sums: index k of row s becomes P(s, lo(s) + k); only the
        // support holds counts, the rest is written without being read.
        for (s, span) in support.iter().enumerate() {
            let end = layout.start.get(s + 1).copied().unwrap_or(layout.words);
            let row = &mut self.cells[layout.start[s]..end];
            let (a, b) = match span {
                Some((a, b)) => (a - layout.lo[s], b - layout.lo[s]),
                None => (row.len(), row.len()),
            };
            row[..a].fill(0);
            let mut run = 0u64;
            for cell in &mut row[a..b] {
                let c = *cell;
                *cell = run;
                run = add_mod(run, c, p);
            }
            row[b..].fill(run);
        }
    }

    fn read(&self, s: usize, y: u64) -> u64 {
        let layout = self.layout;
        match layout.lo.get(s) {
            Some(&lo) if y as usize > lo => self.cells[layout.start[s] + y as usize - lo],
            _ => 0,
        }
    }

    /// Coalitions without a member of weight w, of size s and weight < y, mod p:
    /// `Σ_t (-1)^t P(s - t, y - t w)`.
    fn count_without(&self, w: u64, s: usize, y: u64) -> u64 {
        let p = self.p;
        let (mut pos, mut neg) = (0u64, 0u64);
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

/// Window counts `N_i(s)` = number of coalitions without member i, of size s, with
/// weight in `[theta(s+1) - w_i, theta(s))` (`theta` = `INF` meaning no upper bound),
/// flat by member then size (n × n), exactly.
///
/// `threads` tables are built at once; the caller checked the memory budget.
pub(super) fn window_counts(
    weights: &[u64],
    thetas: &[u64],
    inf: u64,
    layout: &Layout,
    prime_bits: u32,
    threads: usize,
) -> Result<Vec<BigUint>, String> {
    let n = weights.len();
    // Every window count is at most C(n-1, s).
    let mut bound = BigUint::one();
    let mut binom = BigUint::one();
    for s in 1..n {
        binom = binom * BigUint::from(n - s) / BigUint::from(s);
        if binom > bound {
            bound = binom.clone();
        }
    }
    let primes = primes_above(&bound, prime_bits).ok_or_else(|| {
        format!("the primes below 2^{prime_bits} cannot represent counts up to {bound}")
    })?;
    let binomials_mod = |p: u64| -> Vec<u64> {
        // Row n-1 of Pascal's triangle mod p.
        let mut row = vec![0u64; n];
        row[0] = 1 % p;
        for k in 1..n {
            for j in (1..=k).rev() {
                row[j] = add_mod(row[j], row[j - 1], p);
            }
        }
        row
    };
    let residues_for = |cells: &mut [u64], p: u64| -> Vec<u64> {
        let mut table = Table { layout, p, cells };
        table.build(weights);
        let binom = binomials_mod(p);
        let mut out = vec![0u64; n * n];
        for (i, &w) in weights.iter().enumerate() {
            for s in 0..n {
                let upper = thetas[s];
                let lower = match thetas[s + 1] {
                    t if t == inf => continue,
                    t => t.saturating_sub(w),
                };
                if upper <= lower {
                    continue;
                }
                let hi = if upper == inf {
                    binom[s]
                } else {
                    table.count_without(w, s, upper)
                };
                let lo = table.count_without(w, s, lower);
                out[i * n + s] = add_mod(hi, p - lo, p) % p;
            }
        }
        out
    };
    let threads = threads.clamp(1, primes.len().max(1));
    let next = AtomicUsize::new(0);
    let mut residues: Vec<Option<Vec<u64>>> = vec![None; primes.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    // Zeroed allocation: the pages are mapped lazily, on first write. The
                    // caller keeps the tables alive at once within
                    // `MODULAR_TOTAL_WORDS_LIMIT`.
                    let mut cells: Vec<u64> = vec![0; layout.words];
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&p) = primes.get(k) else { break };
                        done.push((k, residues_for(&mut cells, p)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .map_err(|_| "a counting thread panicked".to_string())?;
            for (k, v) in done {
                residues[k] = Some(v);
            }
        }
        Ok::<(), String>(())
    })?;
    let residues: Vec<Vec<u64>> = residues
        .into_iter()
        .map(|r| r.ok_or_else(|| "a prime was not processed".to_string()))
        .collect::<Result<_, _>>()?;
    Ok((0..n * n)
        .map(|k| crt(&primes, residues.iter().map(|r| r[k])))
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

    #[test]
    fn add_mod_is_exact_near_the_top() {
        let p = (1u64 << 62) - 57;
        for (a, b) in [
            (p - 1, p - 1),
            (0, 0),
            (p - 1, 1),
            (1, p - 2),
            (p / 2, p / 2 + 1),
        ] {
            assert_eq!(
                add_mod(a, b, p),
                ((a as u128 + b as u128) % p as u128) as u64
            );
        }
    }
}
