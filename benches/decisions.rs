//! Veto players and smallest blocking coalitions of many decisions on a large weighted
//! body: the solver-free `treaty::voting` against the Z3 encoding `treaty::solve::voting`.
//!
//! Run: `cargo bench --bench decisions`
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
use treaty::model::Body;

mod common;
use common::{decision_rules, decision_workload, zipf_weights};
use treaty::solve::{self, Options};
use treaty::voting::analyse_decision;

fn body(weights: &[u64]) -> Body {
    Body::synthetic(&["population"], weights.iter().map(|&w| vec![w]).collect())
}

fn bench_decisions(c: &mut Criterion) {
    let ws = zipf_weights(200, 500_000, 300_000_000, 200);
    eprintln!(
        "decisions: 200 members, total weight {}",
        ws.iter().sum::<u64>()
    );
    let b = body(&ws);
    let rules = decision_rules();
    let decisions = decision_workload(200, 100, rules.len());
    let opts = Options::default();

    // The answers must agree before their speed means anything.
    let mut blocked = 0;
    for (r, votes) in &decisions {
        let plain = analyse_decision(&b, &rules[*r], votes).expect("voting");
        let vetoes = solve::decision_veto_players(&b, &rules[*r], votes, &opts).expect("z3 veto");
        let size =
            solve::decision_min_blocking_size(&b, &rules[*r], votes, &opts).expect("z3 block");
        let players: Vec<usize> = vetoes.iter().map(|(i, _)| *i).collect();
        let ballots: Vec<_> = vetoes.into_iter().map(|(_, b)| b).collect();
        assert_eq!(players, plain.veto_players);
        assert_eq!(ballots, plain.veto_ballots);
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
