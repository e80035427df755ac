//! Workloads shared by the benchmarks: realistic uneven weights and the 100-decision
//! workload that `voting` and `decisions` both time, drawn from the crate's deterministic
//! test generator (`treaty::model::synth::Rng`).

#![allow(dead_code)] // each bench uses its own part of this module

use treaty::model::synth::Rng;
use treaty::model::{Dim, Percent, Rule};
use treaty::voting::Vote;

/// Zipf-like weights: `floor` each plus `c / rank` with +-20% noise, fixed seed.
pub fn zipf_weights(n: usize, floor: u64, c: u64, seed: u64) -> Vec<u64> {
    let mut rng = Rng::new(seed);
    (0..n as u64)
        .map(|k| floor + c / (k + 1) * (80 + rng.next_u31() % 41) / 100)
        .collect()
}

/// `at least` (or `more than`) `numer`% of `dim`.
pub fn share(dim: Dim, strict: bool, numer: u64) -> Rule {
    Rule::Share {
        dim,
        strict,
        percent: Percent { numer, denom: 1 },
    }
}

/// The three rules of the decision workload, over the head count and weight 0: a weighted
/// majority, IBRD-style amendment (60% of members and 85% of votes), EU-style QMV.
pub fn decision_rules() -> Vec<Rule> {
    vec![
        share(Dim::Weight(0), true, 50),
        Rule::And(vec![
            share(Dim::Members, false, 60),
            share(Dim::Weight(0), false, 85),
        ]),
        Rule::Or(vec![
            Rule::And(vec![
                share(Dim::Members, false, 55),
                share(Dim::Weight(0), false, 65),
            ]),
            Rule::AtMostAgainst(3),
        ]),
    ]
}

/// `decisions` decisions on `members` members: (rule index, fixed votes) with 10% no,
/// 20% yes and 70% free votes, rules taken in turn; fixed seed.
pub fn decision_workload(
    members: usize,
    decisions: usize,
    rules: usize,
) -> Vec<(usize, Vec<Vote>)> {
    let mut rng = Rng::new(7);
    (0..decisions)
        .map(|d| {
            let votes = (0..members)
                .map(|_| match rng.next_u31() % 10 {
                    0 => Vote::No,
                    1 | 2 => Vote::Yes,
                    _ => Vote::Free,
                })
                .collect();
            (d % rules, votes)
        })
        .collect()
}
