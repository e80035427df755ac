//! Time to enumerate all minimal conflicts of synthetic treaties with planted conflicts.
//!
//!     cargo bench --bench conflicts
//!     cargo bench --bench conflicts -- 30 300   # sizes
//!
//! A plain `harness = false` main: for each size N it generates `Spec::planted(N, seed)`
//! (about a tenth of the clauses in planted conflicts: contradictory pairs, overlapping
//! triples, cycles `a <= b, b <= c, c < a`, clauses against a possible red line; the rest
//! satisfiable fillers over shared variables), checks that exactly the planted number of
//! conflicts is found, and prints the median and spread of a few runs.

use std::time::{Duration, Instant};

use treaty::model::synth::{generate, Spec};
use treaty::solve::{check_consistency, Options};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if args.is_empty() {
        vec![30, 300, 3000]
    } else {
        args
    };
    println!("z3 {}", treaty::solve::z3_version());
    println!(
        "{:>6} {:>6} {:>9} {:>5} {:>11} {:>11} {:>11}",
        "N", "vars", "conflicts", "runs", "median", "min", "max"
    );
    for n in sizes {
        let spec = Spec::planted(n, 42);
        let model = generate(&spec);
        let runs = if n >= 3000 { 5 } else { 11 };
        let mut times: Vec<Duration> = Vec::new();
        let mut found = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let out = check_consistency(&model, treaty::model::TreatyId(0), &Options::default());
            times.push(start.elapsed());
            match out {
                Ok(r) => found = r.conflicts.len(),
                other => {
                    eprintln!("N = {n}: {other:?}");
                    std::process::exit(1);
                }
            }
        }
        if found != spec.expected_conflicts() {
            eprintln!(
                "N = {n}: found {found} conflicts, planted {}",
                spec.expected_conflicts()
            );
            std::process::exit(1);
        }
        times.sort();
        println!(
            "{:>6} {:>6} {:>9} {:>5} {:>11.2?} {:>11.2?} {:>11.2?}",
            n,
            model.vars.len(),
            found,
            runs,
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}
