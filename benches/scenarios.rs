//! 100 scenarios on the 28-point plan: `treaty scenarios` (the base analysed once, each
//! scenario reusing what it can) against 100 separate runs (each scenario's model analysed
//! from scratch, as `treaty check --scenario NAME` does). Loading is timed apart.
//!
//! Run: `cargo bench --bench scenarios` (a plain harness: it prints the median of 3 rounds
//! of each, and the ratio; nothing is asserted).
//!
//! The 100 scenarios: 80 change ballots only (each of the first 40 actors voting no, then
//! abstaining: the consistency analysis is reused), 10 add a position with stances only
//! (reused too), 10 add a fact (`assume UKR.armed_forces <= N`: the solver runs again).

use std::path::Path;
use std::time::{Duration, Instant};

use treaty::analysis::{analyse_all, reuse::analyse_scenarios};
use treaty::solve::Options;

fn text(actors: &[String]) -> String {
    let mut s = String::from("use \"peace-plan-28.treaty\"\n");
    let mut n = 0;
    for ballot in ["no", "abstain"] {
        for a in actors.iter().take(40) {
            s.push_str(&format!("scenario s{n} {{ {a} votes {ballot} }}\n"));
            n += 1;
        }
    }
    for (k, a) in actors.iter().take(10).enumerate() {
        s.push_str(&format!(
            "scenario s{n} {{ position Extra{k} \"x\" {{ held by {a}  opposes clause 2 }} }}\n"
        ));
        n += 1;
    }
    for k in 0..10 {
        let cap = 500_000 + 50_000 * k;
        s.push_str(&format!(
            "scenario s{n} {{ assume UKR.armed_forces <= {cap} }}\n"
        ));
        n += 1;
    }
    s
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = root.join("rules/treaties/peace-plan-28.treaty");
    let base = match treaty::load(&[plan]) {
        Ok(m) => m,
        Err((_, d)) => panic!("{d:?}"),
    };
    let actors: Vec<String> = base.actors.iter().map(|a| a.id.clone()).collect();
    // Written next to the plan so that `use` finds it; removed at the end.
    let file = root.join("rules/treaties/.bench-scenarios.treaty");
    std::fs::write(&file, text(&actors)).unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let loaded = treaty::load(std::slice::from_ref(&file));
    let load_time = t.elapsed();
    let _ = std::fs::remove_file(&file);
    let model = match loaded {
        Ok(m) => m,
        Err((_, d)) => panic!("{d:?}"),
    };
    assert_eq!(model.scenarios.len(), 100);
    let options = Options::default();
    let mut together = Vec::new();
    let mut separate = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let out = analyse_scenarios(&model, &options).unwrap_or_else(|e| panic!("{e}"));
        together.push(t.elapsed());
        std::hint::black_box(out);
        let t = Instant::now();
        for sc in &model.scenarios {
            let a = analyse_all(&sc.model, &options).unwrap_or_else(|e| panic!("{e}"));
            std::hint::black_box(a);
        }
        separate.push(t.elapsed());
    }
    let (a, b) = (median(together), median(separate));
    println!("load and resolve the plan with 100 scenarios: {load_time:?}");
    println!("treaty scenarios (base + 100, reusing): {a:?} (median of 3)");
    println!("100 separate analyses:                  {b:?} (median of 3)");
    println!(
        "ratio separate / together: {:.1}",
        b.as_secs_f64() / a.as_secs_f64()
    );
}
