//! Veto players and smallest blocking coalitions of many decisions on a large weighted
//! body: the solver-free `treaty::voting` against the Z3 encoding `treaty::solve::voting`.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-feas cargo bench --bench decisions`
//! (about 10 minutes on 2 cores, nearly all of it the Z3 runs; criterion prints the median of each benchmark as the middle
//! value of `time: [low median high]`).
//!
//! Workload: a 200-member body with population-like Zipf weights (`c / rank`, +-20% noise,
//! plus a floor; total about 1.8 billion, so scaled thresholds overflow `i32`), 100
//! decisions with random fixed votes (10% no, 20% yes, 70% free), cycling through three
//! rules: more than 50% of votes; at least 60% of members and at least 85% of votes; (at
//! least 55% of members and at least 65% of votes) or at most 3 members against.
//!
//! - `decisions/voting_200x100`: `voting::analyse_decision` (can pass, veto players,
//!   blockers, smallest blocking coalition) for all 100 decisions;
//! - `decisions/z3_veto_200x100`: `solve::decision_veto_players` for all 100;
//! - `decisions/z3_min_blocking_200x100`: `solve::decision_min_blocking_size` for all 100.
//!
//! Before timing, every Z3 answer is checked against `voting`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use treaty::model::{Body, Dim, Percent, Rule};
use treaty::solve::{self, Options};
use treaty::voting::{analyse_decision, Vote};

/// A tiny deterministic generator (Knuth's MMIX LCG); no RNG dependency needed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Zipf-like weights: `floor` each plus `c / rank` with +-20% noise, fixed seed.
fn zipf_weights(n: usize, floor: u64, c: u64, seed: u64) -> Vec<u64> {
    let mut rng = Lcg(seed);
    (0..n as u64)
        .map(|k| floor + c / (k + 1) * (80 + rng.next() % 41) / 100)
        .collect()
}

fn body(weights: &[u64]) -> Body {
    Body::synthetic(&["population"], weights.iter().map(|&w| vec![w]).collect())
}

fn share(dim: Dim, strict: bool, numer: u64) -> Rule {
    Rule::Share {
        dim,
        strict,
        percent: Percent { numer, denom: 1 },
    }
}

fn bench_decisions(c: &mut Criterion) {
    let ws = zipf_weights(200, 500_000, 300_000_000, 200);
    eprintln!(
        "decisions: 200 members, total weight {}",
        ws.iter().sum::<u64>()
    );
    let b = body(&ws);
    let rules = [
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
    ];
    let mut rng = Lcg(7);
    let decisions: Vec<(usize, Vec<Vote>)> = (0..100)
        .map(|d| {
            let votes = (0..200)
                .map(|_| match rng.next() % 10 {
                    0 => Vote::No,
                    1 | 2 => Vote::Yes,
                    _ => Vote::Free,
                })
                .collect();
            (d % rules.len(), votes)
        })
        .collect();
    let opts = Options::default();

    // The answers must agree before their speed means anything.
    let mut blocked = 0;
    for (r, votes) in &decisions {
        let plain = analyse_decision(&b, &rules[*r], votes).expect("voting");
        let vetoes = solve::decision_veto_players(&b, &rules[*r], votes, &opts).expect("z3 veto");
        let size =
            solve::decision_min_blocking_size(&b, &rules[*r], votes, &opts).expect("z3 block");
        assert_eq!(vetoes, plain.veto_players);
        assert_eq!(size, plain.smallest_blocking_coalition.map(|c| c.len()));
        blocked += usize::from(!plain.can_pass);
    }
    eprintln!("decisions: {blocked} of 100 blocked by their fixed votes; answers agree");

    let mut g = c.benchmark_group("decisions");
    // One iteration is all 100 decisions (tens of seconds with Z3): flat sampling keeps
    // criterion to its minimum of 10 iterations per benchmark.
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("voting_200x100", |bn| {
        bn.iter(|| {
            for (r, votes) in &decisions {
                black_box(analyse_decision(&b, &rules[*r], votes).expect("voting"));
            }
        })
    });
    g.bench_function("z3_veto_200x100", |bn| {
        bn.iter(|| {
            for (r, votes) in &decisions {
                black_box(
                    solve::decision_veto_players(&b, &rules[*r], votes, &opts).expect("z3 veto"),
                );
            }
        })
    });
    g.bench_function("z3_min_blocking_200x100", |bn| {
        bn.iter(|| {
            for (r, votes) in &decisions {
                black_box(
                    solve::decision_min_blocking_size(&b, &rules[*r], votes, &opts)
                        .expect("z3 block"),
                );
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench_decisions);
criterion_main!(benches);
