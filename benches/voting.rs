//! Benchmarks of `treaty::voting` at realistic scale.
//!
//! Run: `cargo bench --bench voting`
//! (about a minute; criterion prints the median of each benchmark as the middle value of
//! `time: [low median high]`).
//!
//! - `power_large/ibrd_189`: a 189-member body, total weight ~2.5 million, Zipf-like
//!   weights plus equal basic votes (as in the IBRD), `more than 50% of votes`: exact
//!   Banzhaf and Shapley–Shubik (the size × weight table modulo six 31-bit primes, one
//!   table shared by every core, one prime after the other; seconds per iteration).
//! - `power/ibrd_189_div100`: the same weights divided by 100 (total ~25,000): both
//!   indices, to show the Shapley–Shubik cost.
//! - `power/ibrd_189_amendment`: `at least 60% of members and at least 85% of votes` on
//!   the divided weights (a compound rule over count and weight).
//! - `power/eu27_qmv`: the EU Council's qualified majority with Eurostat 2023 populations.
//! - `power_imf/both`, `power_imf/banzhaf`: the IMF Board of Governors as shipped
//!   (`rules/institutions/imf.treaty`: 191 members, 5.04 million votes, more than 50%):
//!   both indices (the shared 31-bit residue table, six primes, every core), and Banzhaf
//!   alone (`--index banzhaf`: the weight-only table). Run alone with
//!   `cargo bench --bench voting -- power_imf`; `TREATY_THREADS=1` for one thread.
//! - `decisions/weighted_200x100`: veto players, blockers and smallest blocking
//!   coalitions of 100 decisions with random fixed votes on a 200-member weighted body,
//!   cycling through three rules.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use treaty::model::{Body, Dim, Rule};

mod common;
use common::{decision_rules, decision_workload, share, zipf_weights};
use treaty::voting::{analyse_decision, power, power_within, IndexChoice, PowerBudget};

/// Eurostat, population on 1 January 2023 (`eu-population-eurostat-2023.csv`).
const EU27: [u64; 27] = [
    84_358_845, 68_070_697, 58_850_717, 48_059_777, 36_753_736, 19_051_562, 17_811_291, 11_754_004,
    10_827_529, 10_521_556, 10_467_366, 10_394_055, 9_597_085, 9_104_772, 6_447_710, 5_932_654,
    5_563_970, 5_428_792, 5_194_336, 3_850_894, 2_857_279, 2_116_792, 1_883_008, 1_365_884,
    920_701, 660_809, 542_051,
];

fn bench_power(c: &mut Criterion) {
    let mut g = c.benchmark_group("power");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(5));

    let ws = zipf_weights(189, 700, 405_000, 189);
    let total: u64 = ws.iter().sum();
    eprintln!("ibrd_189: total weight {total}");
    let ibrd = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w]).collect());
    let majority = share(Dim::Weight(0), true, 50);
    let p = power(&ibrd, &majority).expect("ibrd power");
    eprintln!(
        "ibrd_189: method {:?}, Shapley–Shubik: {}",
        p.method,
        p.shapley_shubik_error
            .as_ref()
            .map_or("computed".to_string(), |e| e.to_string())
    );

    let small = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w / 100]).collect());
    let p = power(&small, &majority).expect("scaled power");
    assert!(p.shapley_shubik_error.is_none());
    g.bench_function("ibrd_189_div100", |b| {
        b.iter(|| power(black_box(&small), &majority))
    });
    let amendment = Rule::And(vec![
        share(Dim::Members, false, 60),
        share(Dim::Weight(0), false, 85),
    ]);
    power(&small, &amendment).expect("amendment power");
    match power(&ibrd, &amendment) {
        Ok(p) => eprintln!("ibrd_189 amendment at full scale: {:?}", p.method),
        Err(e) => eprintln!("ibrd_189 amendment at full scale: {e}"),
    }
    g.bench_function("ibrd_189_amendment", |b| {
        b.iter(|| power(black_box(&small), &amendment))
    });

    let eu = Body::synthetic(&["population"], EU27.iter().map(|&p| vec![p]).collect());
    let qmv = Rule::Or(vec![
        Rule::And(vec![
            share(Dim::Members, false, 55),
            share(Dim::Weight(0), false, 65),
        ]),
        Rule::AtMostAgainst(3),
    ]);
    g.bench_function("eu27_qmv", |b| b.iter(|| power(black_box(&eu), &qmv)));
    g.finish();
}

fn bench_power_large(c: &mut Criterion) {
    let ws = zipf_weights(189, 700, 405_000, 189);
    let ibrd = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w]).collect());
    let majority = share(Dim::Weight(0), true, 50);
    let mut g = c.benchmark_group("power_large");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(100));
    g.measurement_time(Duration::from_secs(40));
    g.bench_function("ibrd_189", |b| {
        b.iter(|| {
            let p = power(black_box(&ibrd), &majority).expect("ibrd power");
            assert!(p.shapley_shubik_error.is_none());
            p
        })
    });
    g.finish();
}

/// The worker count of the IMF benchmarks: `TREATY_THREADS`, or every core.
fn threads() -> usize {
    std::env::var("TREATY_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

fn bench_power_imf(c: &mut Criterion) {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .join("institutions")
        .join("imf.treaty");
    let model = treaty::load(&[path]).expect("the shipped IMF file loads");
    let b = model.find_body("IMF").expect("body IMF");
    let body = &model.bodies[b];
    let rule = body
        .rule(body.find_rule(None).expect("default rule"))
        .rule
        .clone();
    let mut g = c.benchmark_group("power_imf");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(100));
    g.measurement_time(Duration::from_secs(30));
    for (name, index) in [
        ("both", IndexChoice::Both),
        ("banzhaf", IndexChoice::Banzhaf),
    ] {
        let budget = PowerBudget {
            threads: threads(),
            index,
            ..Default::default()
        };
        g.bench_function(name, |bch| {
            bch.iter(|| power_within(black_box(body), &rule, budget).expect("IMF power"))
        });
    }
    g.finish();
}

fn bench_decisions(c: &mut Criterion) {
    let mut g = c.benchmark_group("decisions");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    let ws = zipf_weights(200, 500, 300_000, 200);
    let b200 = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w]).collect());
    let rules = decision_rules();
    let decisions = decision_workload(200, 100, rules.len());
    g.bench_function("weighted_200x100", |b| {
        b.iter(|| {
            for (r, votes) in &decisions {
                black_box(analyse_decision(&b200, &rules[*r], votes).expect("decision"));
            }
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_power,
    bench_power_large,
    bench_decisions,
    bench_power_imf
);
criterion_main!(benches);
