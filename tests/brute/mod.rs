//! The voting questions of one decision answered by brute force: `passes_ballots` on every
//! one of the `4^n` ballot profiles, and each question read off that table by its
//! definition, with no shortcut (no use of "yes is the best ballot"). Shared by the
//! differential tests of `voting` (src/voting/tests.rs) and of the Z3 encoding
//! (tests/voting_differential.rs); bodies of up to 8 members.

#![allow(dead_code)]

pub mod random;

use treaty::model::{Ballot, Body, Rule};
use treaty::voting::{passes_ballots, Vote};

pub struct Brute {
    pub n: usize,
    /// `table[p]`: does profile `p` pass? Member `i` casts `Ballot::ALL[p / 4^i % 4]`.
    table: Vec<bool>,
}

/// Member `i`'s ballot in profile `p`.
pub fn ballot(p: usize, i: usize) -> Ballot {
    Ballot::ALL[p >> (2 * i) & 3]
}

/// The profile index of a ballot list.
pub fn index(ballots: &[Ballot]) -> usize {
    ballots
        .iter()
        .enumerate()
        .fold(0, |p, (i, b)| p | b.index() << (2 * i))
}

pub fn profile(n: usize, p: usize) -> Vec<Ballot> {
    (0..n).map(|i| ballot(p, i)).collect()
}

impl Brute {
    pub fn new(body: &Body, rule: &Rule) -> Brute {
        let n = body.members.len();
        assert!(n <= 8, "brute force is for small bodies");
        let table = (0..1usize << (2 * n))
            .map(|p| passes_ballots(body, rule, &profile(n, p)))
            .collect();
        Brute { n, table }
    }

    pub fn passes(&self, ballots: &[Ballot]) -> bool {
        self.table[index(ballots)]
    }

    /// The profiles that keep every fixed vote (free members cast anything).
    pub fn profiles<'a>(&'a self, votes: &'a [Vote]) -> impl Iterator<Item = usize> + 'a {
        (0..self.table.len()).filter(move |&p| {
            votes
                .iter()
                .enumerate()
                .all(|(i, v)| v.fixed().is_none_or(|b| ballot(p, i) == b))
        })
    }

    pub fn can_pass(&self, votes: &[Vote]) -> bool {
        self.profiles(votes).any(|p| self.table[p])
    }

    pub fn can_fail(&self, votes: &[Vote]) -> bool {
        self.profiles(votes).any(|p| !self.table[p])
    }

    /// Veto players as `voting::DecisionAnalysis` defines them, each with its ballots:
    /// when the decision can pass, free members some withholding ballot of whom leaves no
    /// passing profile; when it cannot, fixed withholding members whose switch to yes
    /// leaves some passing profile (with their fixed ballot).
    pub fn veto(&self, votes: &[Vote]) -> (Vec<usize>, Vec<Vec<Ballot>>) {
        let mut players = Vec::new();
        let mut ballots = Vec::new();
        let can_pass = self.can_pass(votes);
        for i in 0..self.n {
            let with = |b: Ballot| {
                let mut v = votes.to_vec();
                v[i] = Vote::of(b);
                self.can_pass(&v)
            };
            let by: Vec<Ballot> = if can_pass && votes[i] == Vote::Free {
                Ballot::WITHHOLDING
                    .into_iter()
                    .filter(|&b| !with(b))
                    .collect()
            } else if !can_pass && votes[i].withholds() && with(Ballot::Yes) {
                votes[i].fixed().into_iter().collect()
            } else {
                Vec::new()
            };
            if !by.is_empty() {
                players.push(i);
                ballots.push(by);
            }
        }
        (players, ballots)
    }

    /// The same players and ballots by `voting`'s own wording: with every other free
    /// member voting yes (equal to `veto` because yes is the best ballot; checked).
    pub fn veto_others_yes(&self, votes: &[Vote]) -> (Vec<usize>, Vec<Vec<Ballot>>) {
        let base: Vec<Ballot> = votes
            .iter()
            .map(|v| v.fixed().unwrap_or(Ballot::Yes))
            .collect();
        let can_pass = self.passes(&base);
        let mut players = Vec::new();
        let mut ballots = Vec::new();
        for i in 0..self.n {
            let mut with = base.clone();
            let by: Vec<Ballot> = if can_pass && votes[i] == Vote::Free {
                Ballot::WITHHOLDING
                    .into_iter()
                    .filter(|&b| {
                        with[i] = b;
                        !self.passes(&with)
                    })
                    .collect()
            } else if !can_pass && votes[i].withholds() {
                with[i] = Ballot::Yes;
                if self.passes(&with) {
                    votes[i].fixed().into_iter().collect()
                } else {
                    Vec::new()
                }
            } else {
                Vec::new()
            };
            if !by.is_empty() {
                players.push(i);
                ballots.push(by);
            }
        }
        (players, ballots)
    }

    /// The fewest free members not voting yes in a failing profile (fixed votes kept);
    /// `None` when no profile fails.
    pub fn min_blocking_size(&self, votes: &[Vote]) -> Option<usize> {
        self.profiles(votes)
            .filter(|&p| !self.table[p])
            .map(|p| {
                (0..self.n)
                    .filter(|&i| votes[i] == Vote::Free && ballot(p, i) != Ballot::Yes)
                    .count()
            })
            .min()
    }

    /// When the decision cannot pass: the fewest fixed withholding members whose fixed
    /// ballots alone (everyone else yes) make it fail.
    pub fn min_blockers_size(&self, votes: &[Vote]) -> Option<usize> {
        let fixed: Vec<usize> = (0..self.n).filter(|&i| votes[i].withholds()).collect();
        (0..1usize << fixed.len())
            .filter(|&s| {
                let mut b = vec![Ballot::Yes; self.n];
                for (k, &i) in fixed.iter().enumerate() {
                    if s >> k & 1 == 1 {
                        b[i] = votes[i].fixed().unwrap_or(Ballot::Yes);
                    }
                }
                !self.passes(&b)
            })
            .map(|s| s.count_ones() as usize)
            .min()
    }

    /// Members with whose yes every profile passes.
    pub fn sole_passers(&self) -> Vec<usize> {
        (0..self.n)
            .filter(|&i| {
                (0..self.table.len()).all(|p| ballot(p, i) != Ballot::Yes || self.table[p])
            })
            .collect()
    }

    /// `voting::set_blocks`: for a decision that should pass, some ballots of `members`
    /// (everyone else yes) make it fail; for a lapse, their yes makes every profile pass.
    pub fn set_blocks(&self, members: &[usize], lapse: bool) -> bool {
        let chosen = |i: usize| members.contains(&i);
        if lapse {
            (0..self.table.len())
                .filter(|&p| (0..self.n).all(|i| !chosen(i) || ballot(p, i) == Ballot::Yes))
                .all(|p| self.table[p])
        } else {
            (0..self.table.len())
                .filter(|&p| (0..self.n).all(|i| chosen(i) || ballot(p, i) == Ballot::Yes))
                .any(|p| !self.table[p])
        }
    }
}

// ---------------------------------------------------------------- strategies

use proptest::prelude::*;
use treaty::model::{Base, Bound, Dim, Percent, Ratio, Withholding};

pub fn arb_dim(dims: usize) -> BoxedStrategy<Dim> {
    match dims {
        0 => Just(Dim::Members).boxed(),
        1 => prop_oneof![Just(Dim::Members), Just(Dim::Weight(0))].boxed(),
        _ => prop_oneof![
            Just(Dim::Members),
            Just(Dim::Weight(0)),
            Just(Dim::Weight(1))
        ]
        .boxed(),
    }
}

const ROUND: &[u64] = &[0, 10, 20, 25, 30, 40, 50, 60, 65, 70, 75, 80, 85, 90, 100];

/// A percentage with 0 to 6 decimals, from 0% to 100%, often a round value or next to one
/// (where small totals meet strict and non-strict thresholds exactly).
pub fn arb_percent() -> impl Strategy<Value = Percent> {
    (0u32..=6).prop_flat_map(|e| {
        let denom = 10u64.pow(e);
        prop_oneof![
            1 => (0..=100 * denom).prop_map(move |numer| Percent { numer, denom }),
            2 => (prop::sample::select(ROUND), 0u64..=3).prop_map(move |(p, d)| Percent {
                numer: match d {
                    0 => (p * denom).saturating_sub(1),
                    3 => (p * denom + 1).min(100 * denom),
                    _ => p * denom,
                },
                denom,
            }),
        ]
    })
}

/// A percentage or a fraction `a/b` of at most one (small denominators, and the largest
/// allowed).
pub fn arb_ratio() -> impl Strategy<Value = Ratio> {
    let fraction = prop_oneof![
        3 => 1u64..=12,
        1 => Just(100_000_000u64),
        1 => 99_999_990u64..=100_000_000,
    ]
    .prop_flat_map(|denom| {
        prop_oneof![0..=denom, Just(denom / 2), Just(denom / 3 + 1), Just(denom)]
            .prop_map(move |numer| Ratio::Fraction { numer, denom })
    });
    prop_oneof![arb_percent().prop_map(Ratio::Percent), fraction]
}

pub fn arb_bound(total_hint: u64) -> impl Strategy<Value = Bound> {
    prop_oneof![
        prop_oneof![0..=total_hint + 1, 0u64..=12, 0u64..=10_000_000_000].prop_map(Bound::Count),
        arb_ratio().prop_map(Bound::Share),
    ]
}

pub fn arb_withholding() -> impl Strategy<Value = Withholding> {
    prop_oneof![
        Just(Withholding::Against),
        Just(Withholding::Abstaining),
        Just(Withholding::Absent),
        Just(Withholding::NotInFavour),
    ]
}

pub fn arb_base() -> impl Strategy<Value = Base> {
    prop_oneof![Just(Base::All), Just(Base::Cast), Just(Base::Present)]
}

/// Every rule form of the model, for a body of `n` members with `dims` weight dimensions.
pub fn arb_leaf(n: usize, dims: usize) -> impl Strategy<Value = Rule> {
    let list = proptest::collection::vec(0..n, 0..=3);
    let count = prop_oneof![0u64..=12, 0u64..=100, 0u64..=10_000_000_000];
    prop_oneof![
        1 => Just(Rule::Unanimity),
        1 => Just(Rule::Majority),
        2 => (arb_dim(dims), any::<bool>(), arb_percent()).prop_map(|(dim, strict, percent)| {
            Rule::Share { dim, strict, percent }
        }),
        4 => (arb_dim(dims), any::<bool>(), arb_ratio(), arb_base()).prop_map(
            |(dim, strict, ratio, base)| Rule::ShareOf { dim, strict, ratio, base }
        ),
        2 => (arb_dim(dims), any::<bool>(), count)
            .prop_map(|(dim, strict, count)| Rule::Count { dim, strict, count }),
        4 => (arb_dim(dims), any::<bool>(), arb_bound(n as u64), arb_withholding()).prop_map(
            |(dim, strict, bound, what)| Rule::Withheld { dim, strict, bound, what }
        ),
        3 => (arb_dim(dims), any::<bool>(), arb_bound(n as u64))
            .prop_map(|(dim, strict, bound)| Rule::Quorum { dim, strict, bound }),
        1 => (0u64..=(n as u64 + 1)).prop_map(Rule::AtMostAgainst),
        1 => list.clone().prop_map(Rule::NoVetoFrom),
        1 => list.prop_map(Rule::AllOf),
    ]
}

/// `and`/`or` trees of up to 3 levels above the leaves.
pub fn arb_rule(n: usize, dims: usize) -> impl Strategy<Value = Rule> {
    arb_leaf(n, dims).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..=3).prop_map(Rule::And),
            proptest::collection::vec(inner, 1..=3).prop_map(Rule::Or),
        ]
    })
}

/// Weights for `n` members in two dimensions, on one scale per dimension (small totals,
/// where thresholds are met exactly, population-sized ones, where scaled products
/// overflow `i32` and `u64`, and zeros, where a dimension may weigh nothing).
pub fn arb_weights(n: usize) -> impl Strategy<Value = Vec<Vec<u64>>> {
    let weight = |scale: u8| -> BoxedStrategy<u64> {
        match scale {
            0 => (0u64..=3).boxed(),
            1 => (0u64..=30).boxed(),
            2 => (0u64..=1_000_000_000).boxed(),
            3 => (999_999_990u64..=1_000_000_000).boxed(),
            // Mostly zeros: dimensions that weigh nothing, or little.
            4 => (0u64..=1).boxed(),
            _ => prop_oneof![0u64..=3, 0u64..=1_000_000_000].boxed(),
        }
    };
    (0u8..=5, 0u8..=5).prop_flat_map(move |(s0, s1)| {
        proptest::collection::vec((weight(s0), weight(s1)).prop_map(|(a, b)| vec![a, b]), n)
    })
}

/// A vote: free half of the time, else fixed to one of the four ballots.
pub fn arb_vote() -> impl Strategy<Value = Vote> {
    prop_oneof![
        4 => Just(Vote::Free),
        1 => Just(Vote::Yes),
        1 => Just(Vote::No),
        1 => Just(Vote::Abstain),
        1 => Just(Vote::Absent),
    ]
}

/// A body of 1 to `max_n` members with 1 or 2 weight dimensions, a rule over it, and a
/// vote per member.
pub fn arb_case(max_n: usize) -> impl Strategy<Value = (Body, Rule, Vec<Vote>)> {
    (1usize..=max_n, 1usize..=2).prop_flat_map(|(n, dims)| {
        let votes = proptest::collection::vec(arb_vote(), n);
        (arb_weights(n), arb_rule(n, dims), votes).prop_map(move |(w, rule, votes)| {
            let names = ["votes", "population"];
            let w = w
                .into_iter()
                .map(|mut x| {
                    x.truncate(dims);
                    x
                })
                .collect();
            (Body::synthetic(&names[..dims], w), rule, votes)
        })
    })
}
