//! Power indices: raw Banzhaf swings, absolute and normalised Banzhaf, Shapley–Shubik,
//! all exact.
//!
//! Definitions (n members, a coalition is its set of yes voters):
//! - member i *swings* for a coalition S not containing i when S ∪ {i} wins and S loses;
//!   `swings_i` counts such S; absolute Banzhaf is `swings_i / 2^(n-1)`, normalised
//!   Banzhaf is `swings_i / Σ_j swings_j` (0 for everyone when no one swings);
//! - Shapley–Shubik is `Σ_S |S|! (n-1-|S|)! / n!` over the same S: the share of the n!
//!   orders of arrival in which i turns a losing coalition into a winning one (0 for
//!   everyone when no one is ever pivotal, i.e. the empty coalition already wins or the
//!   grand coalition loses).
//!
//! Method choice (`PowerMethod`), first that applies:
//! 1. shortcuts: no winning coalition, every coalition wins, unanimity (every member a
//!    vetoer), pure veto structures (the vetoers alone win) — closed forms, `O(n^2)`;
//! 2. rules over the head count and at most one weight axis (weighted thresholds,
//!    majority, `at least N members and at least P% of votes`, `no veto from` lists,
//!    which are a 0/1 axis, ...): counting coalitions by (size, weight) — a pseudo-
//!    polynomial table with big-integer cells when it fits `TABLE_WORDS_LIMIT`, meet in
//!    the middle on at most `MEET_IN_THE_MIDDLE_LIMIT` members, then the same table
//!    modulo word-sized primes with exact reconstruction by the Chinese remainder theorem
//!    (`modular.rs`) when one residue table fits `MODULAR_TABLE_WORDS_LIMIT`; past that,
//!    Banzhaf alone from a weight-only table (Shapley–Shubik reported missing);
//! 3. anything else on at most `ENUMERATION_LIMIT` members: enumeration of all
//!    coalitions;
//! 4. otherwise `PowerError::TooLarge`, never an approximation.
//!
//! Counting trick used by the tables: with `c(s, x)` the number of coalitions of size s
//! and weight x among *all* members, the count without member i is
//! `c_i(s, x) = Σ_t (-1)^t c(s - t, x - t w_i)` (divide the generating function by
//! `1 + z y^{w_i}`), so with prefix sums `P(s, y) = #{S : |S| = s, w(S) < y}` any window
//! count without i is an alternating sum of `O(min(s, y / w_i))` table reads: one table
//! for all members instead of one per member.

use num_bigint::BigUint;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::model::{Body, Rule};

use super::game::{Game, Node};
use super::modular::{self, Fold, Shape};
use super::VotingError;

/// Largest body for which the enumeration fallback runs (2^n coalitions, `O(n 2^n)`).
pub const ENUMERATION_LIMIT: usize = 22;
/// Largest body for meet in the middle (`O(n^2 2^(n/2))` per member).
pub const MEET_IN_THE_MIDDLE_LIMIT: usize = 34;
/// Memory budget of a counting table, in 64-bit words (128 MiB).
pub const TABLE_WORDS_LIMIT: usize = 1 << 24;
/// Largest body the fixed-width counters support (`n + 1` bits per count).
pub const MAX_MEMBERS: usize = 16 * 64 - 1;

/// Why power indices could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PowerError {
    #[error(transparent)]
    Invalid(#[from] VotingError),
    /// No exact method fits the rule within the time and memory budgets.
    #[error("{0}")]
    TooLarge(String),
    /// The index was not asked for (`PowerBudget::index`).
    #[error("not requested (Banzhaf only)")]
    NotRequested,
}

/// How the indices were computed (for reports and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PowerMethod {
    NoWinningCoalition,
    EveryCoalitionWins,
    Unanimity,
    VetoStructure,
    /// Counting by weight (Banzhaf) and by (size, weight) (Shapley–Shubik) in a table.
    CountingTable,
    /// The size × weight table modulo several primes, exact counts by the Chinese
    /// remainder theorem (for tables too large for big-integer cells).
    ModularTable,
    MeetInTheMiddle,
    Enumeration,
}

/// Power of one member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPower {
    /// Index into `Body::members`.
    pub member: usize,
    pub swings: BigUint,
    /// `swings / 2^(n-1)`.
    pub banzhaf_absolute: BigRational,
    /// `swings / total swings` (0 when the total is 0).
    pub banzhaf: BigRational,
    /// `None` when only Shapley–Shubik exceeded the budget (see
    /// `PowerIndices::shapley_shubik_error`).
    pub shapley_shubik: Option<BigRational>,
}

/// A one-line description of the game (the rule's text with quotas is
/// `model::display::rule_text`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameSummary {
    pub members: usize,
    /// Members in every winning coalition (empty when nothing wins).
    pub vetoers: Vec<usize>,
    /// Members with no swing at all.
    pub dummies: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PowerIndices {
    /// In member order.
    pub members: Vec<MemberPower>,
    pub total_swings: BigUint,
    pub summary: GameSummary,
    pub method: PowerMethod,
    /// Set when Banzhaf was computed but Shapley–Shubik was too large.
    pub shapley_shubik_error: Option<PowerError>,
}

/// How much memory the counting tables may take. A table is sized before it is built: one
/// over the budget is never allocated; a leaner method is used instead (Banzhaf alone from
/// a weight-only table, with Shapley–Shubik reported missing and the memory it would
/// need), or the computation is refused with that figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowerBudget {
    /// Bytes for the residue table (`treaty power --max-memory`, in GiB).
    pub max_memory: u64,
    /// Worker threads for the counting tables; 0: every core the system offers
    /// (`std::thread::available_parallelism`). The results never depend on it.
    pub threads: usize,
    /// Which indices to compute.
    pub index: IndexChoice,
}

/// Which indices `power_within` computes (`treaty power --index`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IndexChoice {
    /// Banzhaf alone: for a rule on one weight, the weight-only table (`O(n X)` time,
    /// `O(X)` memory); Shapley–Shubik is reported `PowerError::NotRequested`.
    Banzhaf,
    /// Shapley–Shubik (Banzhaf comes with it): an error, never a Banzhaf-only fallback,
    /// when its table is over budget.
    ShapleyShubik,
    /// Both; Banzhaf alone, with the reason, when Shapley–Shubik's table is over budget.
    #[default]
    Both,
}

/// The default memory budget: 2 GiB, comfortable on a laptop. The IMF's 191 members with
/// 5.04 million votes need 0.86 GiB for the residue table of Shapley–Shubik (one table,
/// shared by every thread).
pub const DEFAULT_MAX_MEMORY: u64 = 2 << 30;

impl Default for PowerBudget {
    fn default() -> PowerBudget {
        PowerBudget {
            max_memory: DEFAULT_MAX_MEMORY,
            threads: 0,
            index: IndexChoice::Both,
        }
    }
}

impl PowerBudget {
    /// The number of worker threads: `threads`, or every available core when 0.
    pub fn workers(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |t| t.get()),
            t => t,
        }
    }
}

/// Exact power indices of every member of `body` under `rule`, within the default memory
/// budget. See the module doc for the method choice and complexities.
pub fn power(body: &Body, rule: &Rule) -> Result<PowerIndices, PowerError> {
    power_within(body, rule, PowerBudget::default())
}

/// `power` within a memory budget of one's choosing.
pub fn power_within(
    body: &Body,
    rule: &Rule,
    budget: PowerBudget,
) -> Result<PowerIndices, PowerError> {
    power_with_budget(body, rule, Strategy::Auto, budget)
}

/// GiB, to one decimal, for messages.
fn gib(bytes: u128) -> String {
    let tenths = (bytes * 10).div_ceil(1 << 30);
    format!("{}.{} GiB", tenths / 10, tenths % 10)
}

/// Which counting method `size_weight` uses; tests force each one to check them all
/// against brute force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    Auto,
    Table,
    MeetInTheMiddle,
    WeightOnly,
    /// The size × weight table modulo primes below `2^prime_bits` (62 in `Auto`; tests
    /// use small primes so that many are needed and the reconstruction is exercised).
    #[cfg_attr(not(test), allow(dead_code))]
    Modular {
        prime_bits: u32,
    },
    /// `Modular` with the windows read as `fold` says (`Auto` chooses the smallest table;
    /// tests force each reading to check them against each other).
    #[cfg_attr(not(test), allow(dead_code))]
    ModularFolded {
        prime_bits: u32,
        fold: Fold,
    },
}

#[cfg(test)]
pub(crate) fn power_with(
    body: &Body,
    rule: &Rule,
    strategy: Strategy,
) -> Result<PowerIndices, PowerError> {
    power_with_budget(body, rule, strategy, PowerBudget::default())
}

/// `power_with` under a budget of one's choosing (thread counts, index choice).
#[cfg(test)]
pub(crate) fn power_with_in(
    body: &Body,
    rule: &Rule,
    strategy: Strategy,
    budget: PowerBudget,
) -> Result<PowerIndices, PowerError> {
    power_with_budget(body, rule, strategy, budget)
}

fn power_with_budget(
    body: &Body,
    rule: &Rule,
    strategy: Strategy,
    budget: PowerBudget,
) -> Result<PowerIndices, PowerError> {
    let game = Game::new(body, rule)?;
    let n = game.n;
    if n > MAX_MEMBERS {
        return Err(PowerError::TooLarge(format!(
            "power indices support at most {MAX_MEMBERS} members, body `{}` has {n}",
            body.id
        )));
    }
    // O(n): the grand coalition's sums once, each member by subtraction.
    let vetoers = game.vetoers();
    let mut counts = compute(&game, &vetoers, strategy, budget)?;
    match budget.index {
        IndexChoice::Banzhaf => counts.ss_numerators = Err(PowerError::NotRequested),
        IndexChoice::ShapleyShubik => {
            if let Err(e) = &counts.ss_numerators {
                return Err(e.clone());
            }
        }
        IndexChoice::Both => {}
    }
    Ok(assemble(n, counts, vetoers))
}

/// Raw results of a method: per member swings, and per member the numerator of
/// Shapley–Shubik over n! (or why it is missing).
struct Counts {
    swings: Vec<BigUint>,
    ss_numerators: Result<Vec<BigUint>, PowerError>,
    method: PowerMethod,
}

fn compute(
    game: &Game,
    vetoers: &[usize],
    strategy: Strategy,
    budget: PowerBudget,
) -> Result<Counts, PowerError> {
    let n = game.n;
    let zero = || Counts {
        swings: vec![BigUint::zero(); n],
        ss_numerators: Ok(vec![BigUint::zero(); n]),
        method: PowerMethod::NoWinningCoalition,
    };
    if !game.wins(&vec![true; n]) {
        return Ok(zero());
    }
    if game.wins(&vec![false; n]) {
        return Ok(Counts {
            method: PowerMethod::EveryCoalitionWins,
            ..zero()
        });
    }
    let fact = factorials(n);
    if !vetoers.is_empty() {
        let mut only = vec![false; n];
        for &i in vetoers {
            only[i] = true;
        }
        if game.wins(&only) {
            // Winning <=> containing every vetoer. A vetoer swings for every S that holds
            // the other vetoers: 2^(n - |V|); it is pivotal in 1/|V| of the orders.
            let v = vetoers.len();
            let mut swings = vec![BigUint::zero(); n];
            let mut ss = vec![BigUint::zero(); n];
            for &i in vetoers {
                swings[i] = BigUint::one() << (n - v);
                ss[i] = &fact[n] / BigUint::from(v);
            }
            return Ok(Counts {
                swings,
                ss_numerators: Ok(ss),
                method: if v == n {
                    PowerMethod::Unanimity
                } else {
                    PowerMethod::VetoStructure
                },
            });
        }
    }
    let used = game.used_axes();
    let members_axis = game.members_axis();
    let others: Vec<usize> = used
        .iter()
        .copied()
        .filter(|a| Some(*a) != members_axis)
        .collect();
    if others.len() <= 1 {
        return size_weight(game, others.first().copied(), &fact, strategy, budget);
    }
    if n <= ENUMERATION_LIMIT {
        return Ok(enumerate(game, &fact));
    }
    Err(PowerError::TooLarge(format!(
        "the rule combines {} weight dimensions; exact power indices for such rules are \
         computed by enumeration, which is limited to {ENUMERATION_LIMIT} members (this \
         body has {n})",
        others.len()
    )))
}

fn factorials(n: usize) -> Vec<BigUint> {
    let mut f = vec![BigUint::one()];
    for k in 1..=n {
        let next = &f[k - 1] * BigUint::from(k);
        f.push(next);
    }
    f
}

/// `s! (n-1-s)!`, the Shapley–Shubik weight of a swing at coalition size s, times n!.
fn ss_weight(fact: &[BigUint], n: usize, s: usize) -> BigUint {
    &fact[s] * &fact[n - 1 - s]
}

fn binomials(n: usize) -> Vec<BigUint> {
    // Row n of Pascal's triangle.
    let mut row = vec![BigUint::one()];
    for k in 1..=n {
        let next = &row[k - 1] * BigUint::from(n + 1 - k) / BigUint::from(k);
        row.push(next);
    }
    row
}

const INF: u64 = u64::MAX;

/// For a formula over the head count and one weight axis: the least weight a coalition
/// of size s needs to win (`INF` if none suffices). Monotone formulas are exactly
/// "weight >= theta(size)".
fn theta(node: &Node, members_axis: Option<usize>, s: u64) -> u64 {
    match node {
        Node::Const(true) => 0,
        Node::Const(false) => INF,
        Node::Atom { axis, quota } => {
            if Some(*axis) == members_axis {
                if s >= *quota {
                    0
                } else {
                    INF
                }
            } else {
                *quota
            }
        }
        Node::And(ns) => ns
            .iter()
            .map(|k| theta(k, members_axis, s))
            .max()
            .unwrap_or(0),
        Node::Or(ns) => ns
            .iter()
            .map(|k| theta(k, members_axis, s))
            .min()
            .unwrap_or(INF),
    }
}

/// Rules over the head count and at most one weight axis `axis`.
///
/// Member i swings for S (|S| = s, w(S) = x) iff `theta(s+1) - w_i <= x < theta(s)`, so
/// everything reduces to counting coalitions without i by size in weight windows.
/// Weights are first divided by their gcd (the quotas rounded up accordingly), and the
/// game is replaced by its dual when that makes the table narrower (same indices).
///
/// Complexity, with X the largest finite quota (after the gcd) and L = ceil((n+1)/64)
/// limbs per count:
/// - size × weight table: `O(n^2 X L)` time, `O(n X L)` memory, then `O(n^2)` window
///   counts per member of `O(n)` reads each; used when the table fits
///   `TABLE_WORDS_LIMIT`;
/// - the same table modulo k primes below 2^31, k the least with their product above
///   `max_s C(n-1, s)` (6 for n = 191): `O(k n^2 X)` word additions (far fewer in
///   practice: rows are stored and updated only where counts can be nonzero, and sizes
///   above (n - 1) / 2 are read through their complements, so a majority needs only the
///   lower half of the rows; see `modular.rs`), `O(n X)` words, one table shared by
///   every thread, then `O(k n^3)` reads for the window counts and `O(n^2 k^2)` for the
///   reconstruction; used when the table fits the memory budget (`--max-memory`) and
///   neither of the above applies;
/// - weight-only table when the rule does not depend on the head count (a weighted
///   threshold): Banzhaf in `O(n X L)` time and `O(X L)` memory, with `O(X / w_i)` reads
///   per member, when even the modular table is over budget; Shapley–Shubik is then
///   reported missing;
/// - meet in the middle, for `n <= MEET_IN_THE_MIDDLE_LIMIT` and any weights: per member,
///   the others split in two halves, each half's subsets listed by (size, weight) and
///   sorted, and window counts by merging: `O(n^2 2^(n/2))` per member.
fn size_weight(
    game: &Game,
    axis: Option<usize>,
    fact: &[BigUint],
    strategy: Strategy,
    budget: PowerBudget,
) -> Result<Counts, PowerError> {
    let n = game.n;
    let members_axis = game.members_axis();
    let raw: Vec<u64> = match axis {
        Some(a) => game.weights[a].clone(),
        None => vec![0; n],
    };
    let g = raw.iter().fold(0u64, |g, &w| g.gcd(&w));
    let g = if g == 0 { 1 } else { g };
    let weights: Vec<u64> = raw.iter().map(|w| w / g).collect();
    let thetas: Vec<u64> = (0..=n as u64)
        .map(|s| match theta(&game.formula, members_axis, s) {
            INF => INF,
            t => t.div_ceil(g),
        })
        .collect();
    // The dual game (S wins iff its complement would lose) has the same swings and the
    // same Shapley–Shubik values, and its quotas are `W - theta(n - s) + 1`: for
    // supermajorities (85% of votes) its table is several times narrower.
    let total: u64 = weights.iter().sum();
    let dual: Vec<u64> = (0..=n)
        .map(|s| match thetas[n - s] {
            INF => 0,
            0 => INF,
            t => total.saturating_sub(t) + 1,
        })
        .collect();
    let widest = |ts: &[u64]| ts.iter().copied().filter(|&t| t != INF).max().unwrap_or(0);
    let thetas = if widest(&dual) < widest(&thetas) {
        dual
    } else {
        thetas
    };
    let x_max = thetas
        .iter()
        .copied()
        .filter(|&t| t != INF)
        .max()
        .unwrap_or(0);
    let limbs = (n + 1).div_ceil(64);
    let depends_on_size = thetas.windows(2).any(|w| w[0] != w[1]);

    let table2_words = (n as u128 + 1) * (x_max as u128 + 1) * limbs as u128;
    let table1_words = (x_max as u128 + 1) * limbs as u128;
    let auto = strategy == Strategy::Auto;
    let banzhaf_only = budget.index == IndexChoice::Banzhaf;
    if auto && banzhaf_only && !depends_on_size && table1_words <= TABLE_WORDS_LIMIT as u128 {
        // Banzhaf alone of a weighted threshold: the weight-only table, `O(n X)`.
        return weight_only(n, &weights, &thetas, x_max, limbs, || {
            PowerError::NotRequested
        });
    }
    if (auto && table2_words <= TABLE_WORDS_LIMIT as u128) || strategy == Strategy::Table {
        let table = SizeTable::build(&weights, x_max as usize, limbs);
        let counter = |i: usize, s: usize, below: u64| table.count_without(i, &weights, s, below);
        return Ok(from_windows(
            n,
            &weights,
            &thetas,
            fact,
            counter,
            PowerMethod::CountingTable,
        ));
    }
    if (auto && n <= MEET_IN_THE_MIDDLE_LIMIT) || strategy == Strategy::MeetInTheMiddle {
        return Ok(meet_in_the_middle(n, &weights, &thetas, fact));
    }
    let fold = match strategy {
        Strategy::ModularFolded { fold, .. } => fold,
        _ => Fold::Auto,
    };
    let shape = Shape::choose(&weights, &thetas, INF, fold);
    // Cells of 4 bytes (31-bit residues).
    let modular_bytes = shape.words() as u128 * 4;
    let budget_bytes = u128::from(budget.max_memory);
    let forced = matches!(
        strategy,
        Strategy::Modular { .. } | Strategy::ModularFolded { .. }
    );
    if (auto && modular_bytes <= budget_bytes) || forced {
        let prime_bits = match strategy {
            Strategy::Modular { prime_bits } | Strategy::ModularFolded { prime_bits, .. } => {
                prime_bits
            }
            _ => 31,
        };
        let counts =
            modular::window_counts(&weights, &thetas, INF, &shape, prime_bits, budget.workers())
                .map_err(PowerError::TooLarge)?;
        return Ok(from_counts(n, &counts, fact, PowerMethod::ModularTable));
    }
    if !depends_on_size
        && ((auto && table1_words <= TABLE_WORDS_LIMIT as u128) || strategy == Strategy::WeightOnly)
    {
        let cells = shape.words();
        return weight_only(n, &weights, &thetas, x_max, limbs, || {
            PowerError::TooLarge(format!(
                "exact Shapley–Shubik for {n} members needs a size × weight table; modulo \
                 primes one table takes {need} ({cells} cells of 4 bytes), over the memory \
                 budget of {have}: raise it with --max-memory (in GiB) to compute it; \
                 Banzhaf was computed exactly",
                need = gib(modular_bytes),
                have = gib(budget_bytes),
            ))
        });
    }
    Err(PowerError::TooLarge(format!(
        "exact power indices for {n} members under a rule on the head count and a weight \
         need a size × weight table of {n1} × {w1} counts of {limbs} words (the weights \
         were divided by their gcd {g}); modulo primes one table takes {need}, over the \
         memory budget of {have} (raise it with --max-memory, in GiB), and the body is too \
         large for meet in the middle (at most {MEET_IN_THE_MIDDLE_LIMIT} members)",
        n1 = n + 1,
        w1 = x_max + 1,
        need = gib(modular_bytes),
        have = gib(budget_bytes),
    )))
}

/// Banzhaf of a weighted threshold (`thetas` all equal) from the weight-only table;
/// Shapley–Shubik is `missing()`.
fn weight_only(
    n: usize,
    weights: &[u64],
    thetas: &[u64],
    x_max: u64,
    limbs: usize,
    missing: impl FnOnce() -> PowerError,
) -> Result<Counts, PowerError> {
    let q = thetas[0];
    if q == INF || q == 0 {
        // Unreachable: such games are caught by the shortcuts; keep it panic-free.
        return Err(PowerError::TooLarge("degenerate weighted threshold".into()));
    }
    let table = WeightTable::build(weights, x_max as usize, limbs);
    let swings = (0..n)
        .map(|i| {
            let lo = q.saturating_sub(weights[i]);
            table.count_without(i, weights, q) - table.count_without(i, weights, lo)
        })
        .collect();
    Ok(Counts {
        swings,
        ss_numerators: Err(missing()),
        method: PowerMethod::CountingTable,
    })
}

/// Assembles swings and Shapley–Shubik numerators from window counts:
/// `count(i, s, y)` = number of coalitions without i, of size s and weight < y.
fn from_windows(
    n: usize,
    weights: &[u64],
    thetas: &[u64],
    fact: &[BigUint],
    count: impl Fn(usize, usize, u64) -> BigUint,
    method: PowerMethod,
) -> Counts {
    let binom = binomials(n - 1);
    let mut swings = Vec::with_capacity(n);
    let mut ss = Vec::with_capacity(n);
    for (i, &w) in weights.iter().enumerate().take(n) {
        let mut sw = BigUint::zero();
        let mut num = BigUint::zero();
        for s in 0..n {
            let upper = thetas[s];
            let lower = match thetas[s + 1] {
                INF => continue,
                t => t.saturating_sub(w),
            };
            if upper <= lower {
                continue;
            }
            let hi = if upper == INF {
                binom[s].clone()
            } else {
                count(i, s, upper)
            };
            let c = hi - count(i, s, lower);
            if !c.is_zero() {
                num += &c * ss_weight(fact, n, s);
                sw += c;
            }
        }
        swings.push(sw);
        ss.push(num);
    }
    Counts {
        swings,
        ss_numerators: Ok(ss),
        method,
    }
}

/// Swings and Shapley–Shubik numerators from exact window counts `counts[i * n + s]`
/// (coalitions without i, of size s, that i turns from losing to winning).
fn from_counts(n: usize, counts: &[BigUint], fact: &[BigUint], method: PowerMethod) -> Counts {
    let (swings, ss) = counts
        .chunks(n)
        .map(|row| {
            let mut sw = BigUint::zero();
            let mut num = BigUint::zero();
            for (s, c) in row.iter().enumerate() {
                if !c.is_zero() {
                    num += c * ss_weight(fact, n, s);
                    sw += c;
                }
            }
            (sw, num)
        })
        .unzip();
    Counts {
        swings,
        ss_numerators: Ok(ss),
        method,
    }
}

/// Fixed-width unsigned counters stored flat, `limbs` words each, little-endian.
fn add_into(dst: &mut [u64], src: &[u64]) {
    let mut carry = false;
    for (d, &s) in dst.iter_mut().zip(src) {
        let (v, c1) = d.overflowing_add(s);
        let (v, c2) = v.overflowing_add(carry as u64);
        *d = v;
        carry = c1 || c2;
    }
}

fn to_big(limbs: &[u64]) -> BigUint {
    let mut digits = Vec::with_capacity(limbs.len() * 2);
    for &l in limbs {
        digits.push(l as u32);
        digits.push((l >> 32) as u32);
    }
    BigUint::new(digits)
}

/// Signed accumulation of table reads: positive and negative parts kept apart (each
/// term is below 2^(n+1), at most 2^64 terms, so `limbs + 1` words cannot overflow).
struct Alternating {
    pos: Vec<u64>,
    neg: Vec<u64>,
}

impl Alternating {
    fn new(limbs: usize) -> Self {
        Alternating {
            pos: vec![0; limbs + 1],
            neg: vec![0; limbs + 1],
        }
    }
    fn finish(self) -> BigUint {
        let (p, q) = (to_big(&self.pos), to_big(&self.neg));
        // The alternating sum is a count, hence non-negative; guard anyway.
        if p >= q {
            p - q
        } else {
            BigUint::zero()
        }
    }
}

/// `add_into` over a destination one word wider than the source: carry into the top.
fn add_wide(dst: &mut [u64], src: &[u64]) {
    let mut carry = false;
    for (k, d) in dst.iter_mut().enumerate() {
        let s = src.get(k).copied().unwrap_or(0);
        let (v, c1) = d.overflowing_add(s);
        let (v, c2) = v.overflowing_add(carry as u64);
        *d = v;
        carry = c1 || c2;
        if k >= src.len() && !carry {
            break;
        }
    }
}

/// Calls `f::<L>(args)` with the limb count as a constant, so that the hot loops work on
/// fixed-size arrays (about 3x faster than slices of runtime length).
macro_rules! by_limbs {
    ($limbs:expr, $f:ident($($arg:expr),*)) => {
        match $limbs {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            10 => $f::<10>($($arg),*),
            11 => $f::<11>($($arg),*),
            12 => $f::<12>($($arg),*),
            13 => $f::<13>($($arg),*),
            14 => $f::<14>($($arg),*),
            15 => $f::<15>($($arg),*),
            // `MAX_MEMBERS` keeps `limbs <= 16`.
            _ => $f::<16>($($arg),*),
        }
    };
}

#[inline(always)]
fn add_arr<const L: usize>(dst: &mut [u64; L], src: &[u64; L]) {
    let mut carry = false;
    for (d, &s) in dst.iter_mut().zip(src) {
        let (v, c1) = d.overflowing_add(s);
        let (v, c2) = v.overflowing_add(carry as u64);
        *d = v;
        carry = c1 || c2;
    }
}

/// `c(x)` = number of coalitions of weight x, for x < `x_max`, flat with L words each,
/// followed by one more cell (zero) so that the prefix sums fit in place.
///
/// Members are added in ascending weight order and each update stops at the support so
/// far (no coalition of the members seen is heavier than their total): for the IMF, 107
/// million cell updates instead of 481 million.
fn subset_counts<const L: usize>(weights: &[u64], x_max: usize) -> Vec<u64> {
    let mut c = vec![[0u64; L]; x_max + 1];
    if x_max > 0 {
        c[0][0] = 1;
    }
    let mut sorted: Vec<u64> = weights.to_vec();
    sorted.sort_unstable();
    // Counts are zero from `reach` on.
    let mut reach = x_max.min(1);
    for w in sorted {
        let w = w as usize;
        if w >= x_max {
            continue;
        }
        if w == 0 {
            // A zero-weight member doubles every count.
            for cell in c[..reach].iter_mut() {
                let v = *cell;
                add_arr(cell, &v);
            }
            continue;
        }
        let top = (reach + w).min(x_max);
        // Descending, so that c(x - w) is still the count without this member.
        for x in (w..top).rev() {
            let src = c[x - w];
            add_arr(&mut c[x], &src);
        }
        reach = top;
    }
    c.into_iter().flatten().collect()
}

/// `c(s, x)` = number of coalitions of size s and weight x, for s <= n and x < `x_max`,
/// flat (row s, then x), L words each.
fn subset_counts_by_size<const L: usize>(weights: &[u64], x_max: usize) -> Vec<u64> {
    let n = weights.len();
    let mut rows = vec![vec![[0u64; L]; x_max]; n + 1];
    if let Some(first) = rows[0].first_mut() {
        first[0] = 1;
    }
    for (seen, &w) in weights.iter().enumerate() {
        let w = w as usize;
        if w >= x_max {
            continue;
        }
        // Sizes descending, so that row s - 1 is still without this member.
        for s in (1..=seen + 1).rev() {
            let (below, this) = rows.split_at_mut(s);
            let prev = &below[s - 1];
            let cur = &mut this[0];
            for (d, src) in cur[w..].iter_mut().zip(&prev[..x_max - w]) {
                add_arr(d, src);
            }
        }
    }
    rows.into_iter().flatten().flatten().collect()
}

/// `P(y) = #{S : w(S) < y}` for `y` in `0..=x_max`.
struct WeightTable {
    limbs: usize,
    prefix: Vec<u64>,
}

impl WeightTable {
    /// `O(n X L)`: the classic subset-sum count, truncated at X.
    fn build(weights: &[u64], x_max: usize, limbs: usize) -> Self {
        // Exclusive prefix sums in place: cell y becomes the sum of cells below y.
        let mut prefix = by_limbs!(limbs, subset_counts(weights, x_max));
        let mut run = [0u64; 16];
        let run = &mut run[..limbs];
        for cell in prefix.chunks_mut(limbs) {
            // cell <- run, run <- cell + run.
            cell.swap_with_slice(run);
            add_into(run, cell);
        }
        WeightTable { limbs, prefix }
    }

    fn read(&self, y: u64) -> &[u64] {
        let y = y as usize;
        &self.prefix[y * self.limbs..(y + 1) * self.limbs]
    }

    /// Coalitions without member i of weight < y: `Σ_t (-1)^t P(y - t w_i)`.
    fn count_without(&self, i: usize, weights: &[u64], y: u64) -> BigUint {
        let w = weights[i];
        if w == 0 {
            // (1 + y^0) = 2: exactly half of all coalitions leave i out.
            return to_big(self.read(y)) >> 1;
        }
        let mut acc = Alternating::new(self.limbs);
        let mut t = 0u64;
        let mut at = y;
        while at > 0 {
            acc.add_signed(self.read(at), t % 2 == 1);
            t += 1;
            at = at.saturating_sub(w);
        }
        acc.finish()
    }
}

impl Alternating {
    fn add_signed(&mut self, v: &[u64], negative: bool) {
        add_wide(
            if negative {
                &mut self.neg
            } else {
                &mut self.pos
            },
            v,
        );
    }
}

/// `P(s, y) = #{S : |S| = s, w(S) < y}` for `s` in `0..=n`, `y` in `0..=x_max`.
struct SizeTable {
    limbs: usize,
    width: usize,
    prefix: Vec<u64>,
}

impl SizeTable {
    /// `O(n^2 X L)`: subset-sum counts by size, truncated at X.
    fn build(weights: &[u64], x_max: usize, limbs: usize) -> Self {
        let n = weights.len();
        let row = x_max * limbs;
        let c = by_limbs!(limbs, subset_counts_by_size(weights, x_max));
        let width = x_max + 1;
        let mut prefix = vec![0u64; (n + 1) * width * limbs];
        for s in 0..=n {
            for y in 1..=x_max {
                let base = (s * width + y) * limbs;
                let (lo, hi) = prefix.split_at_mut(base);
                hi[..limbs].copy_from_slice(&lo[base - limbs..base]);
                let src = s * row + (y - 1) * limbs;
                add_into(&mut hi[..limbs], &c[src..src + limbs]);
            }
        }
        SizeTable {
            limbs,
            width,
            prefix,
        }
    }

    fn read(&self, s: usize, y: u64) -> &[u64] {
        let base = (s * self.width + y as usize) * self.limbs;
        &self.prefix[base..base + self.limbs]
    }

    /// Coalitions without member i, of size s and weight < y:
    /// `Σ_{t=0}^{s} (-1)^t P(s - t, y - t w_i)`.
    fn count_without(&self, i: usize, weights: &[u64], s: usize, y: u64) -> BigUint {
        let w = weights[i];
        let mut acc = Alternating::new(self.limbs);
        let mut at = y;
        for t in 0..=s {
            if at == 0 {
                break;
            }
            acc.add_signed(self.read(s - t, at), t % 2 == 1);
            at = at.saturating_sub(w);
            if w == 0 && at == 0 {
                break;
            }
        }
        acc.finish()
    }
}

/// Meet in the middle for one weight axis with arbitrary (large) weights; see
/// `size_weight` for the complexity.
fn meet_in_the_middle(n: usize, weights: &[u64], thetas: &[u64], fact: &[BigUint]) -> Counts {
    // Per member: halves of the other members, their subsets by size, sorted by weight.
    let halves: Vec<[Vec<Vec<u64>>; 2]> = (0..n)
        .map(|i| {
            let others: Vec<u64> = (0..n).filter(|&j| j != i).map(|j| weights[j]).collect();
            let (a, b) = others.split_at(others.len() / 2);
            [subsets_by_size(a), subsets_by_size(b)]
        })
        .collect();
    let count = |i: usize, s: usize, y: u64| -> BigUint {
        let [a, b] = &halves[i];
        let mut total = 0u64;
        for (s1, list_a) in a.iter().enumerate() {
            if s1 > s || s - s1 >= b.len() {
                continue;
            }
            total += pairs_below(list_a, &b[s - s1], y);
        }
        BigUint::from(total)
    };
    from_windows(
        n,
        weights,
        thetas,
        fact,
        count,
        PowerMethod::MeetInTheMiddle,
    )
}

/// Weights of all subsets of `ws`, grouped by size, each group sorted ascending.
fn subsets_by_size(ws: &[u64]) -> Vec<Vec<u64>> {
    let mut by_size = vec![Vec::new(); ws.len() + 1];
    for mask in 0u64..(1u64 << ws.len()) {
        let mut sum = 0u64;
        for (k, &w) in ws.iter().enumerate() {
            if mask >> k & 1 == 1 {
                sum += w;
            }
        }
        by_size[mask.count_ones() as usize].push(sum);
    }
    for v in &mut by_size {
        v.sort_unstable();
    }
    by_size
}

/// Number of pairs (a, b) with a + b < y, both lists sorted ascending.
fn pairs_below(a: &[u64], b: &[u64], y: u64) -> u64 {
    let mut j = b.len();
    let mut total = 0u64;
    for &x in a {
        while j > 0 && x.saturating_add(b[j - 1]) >= y {
            j -= 1;
        }
        if j == 0 {
            break;
        }
        total += j as u64;
    }
    total
}

/// Enumeration of all 2^n coalitions, `O(n 2^n)` time, `O(2^n)` bits of memory.
fn enumerate(game: &Game, fact: &[BigUint]) -> Counts {
    let n = game.n;
    let size = 1usize << n;
    let axes = game.weights.len();
    let mut wins = vec![false; size];
    let mut sums = vec![0u64; axes];
    // Gray code: one member changes per step.
    let mut prev = 0usize;
    for k in 0..size {
        let gray = k ^ (k >> 1);
        let diff = gray ^ prev;
        if diff != 0 {
            let j = diff.trailing_zeros() as usize;
            let joined = gray & diff != 0;
            for (a, s) in sums.iter_mut().enumerate() {
                let w = game.weights[a][j];
                *s = if joined { *s + w } else { *s - w };
            }
        }
        wins[gray] = game.formula.eval(&sums);
        prev = gray;
    }
    let mut swings = vec![0u64; n];
    let mut by_size = vec![vec![0u64; n]; n];
    for (mask, &won) in wins.iter().enumerate() {
        if won {
            continue;
        }
        let s = mask.count_ones() as usize;
        for i in 0..n {
            if mask >> i & 1 == 0 && wins[mask | 1 << i] {
                swings[i] += 1;
                by_size[i][s] += 1;
            }
        }
    }
    let ss = (0..n)
        .map(|i| {
            (0..n)
                .map(|s| BigUint::from(by_size[i][s]) * ss_weight(fact, n, s))
                .sum()
        })
        .collect();
    Counts {
        swings: swings.into_iter().map(BigUint::from).collect(),
        ss_numerators: Ok(ss),
        method: PowerMethod::Enumeration,
    }
}

fn assemble(n: usize, counts: Counts, vetoers: Vec<usize>) -> PowerIndices {
    let total: BigUint = counts.swings.iter().sum();
    let coalitions = BigUint::one() << (n - 1);
    let n_fact: BigUint = (1..=n).map(BigUint::from).product();
    let rational = |num: &BigUint, den: &BigUint| -> BigRational {
        if den.is_zero() {
            BigRational::zero()
        } else {
            BigRational::new(num.clone().into(), den.clone().into())
        }
    };
    let (ss, ss_error) = match counts.ss_numerators {
        Ok(v) => (v.into_iter().map(Some).collect(), None),
        Err(e) => (vec![None; n], Some(e)),
    };
    let members: Vec<MemberPower> = counts
        .swings
        .into_iter()
        .zip(ss)
        .enumerate()
        .map(|(i, (sw, ss))| MemberPower {
            member: i,
            banzhaf_absolute: rational(&sw, &coalitions),
            banzhaf: rational(&sw, &total),
            shapley_shubik: ss.map(|num: BigUint| rational(&num, &n_fact)),
            swings: sw,
        })
        .collect();
    let dummies = members
        .iter()
        .filter(|m| m.swings.is_zero())
        .map(|m| m.member)
        .collect();
    PowerIndices {
        members,
        total_swings: total,
        summary: GameSummary {
            members: n,
            vetoers,
            dummies,
        },
        method: counts.method,
        shapley_shubik_error: ss_error,
    }
}
