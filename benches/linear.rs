//! The rows of issue 15 that are about how time grows with the input (a plain harness:
//! medians of a few runs are printed; nothing is asserted but the answers' sizes).
//!
//!     cargo bench --bench linear                       # every row, check at N = 1,000 and 3,000
//!     cargo bench --bench linear -- check 1000 30000   # check rows only, at these sizes
//!     cargo bench --bench linear -- vetoes verify      # the voting rows only
//!     LINEAR_WRITE=DIR cargo bench --bench linear -- check 1000   # also writes DIR/independent-N.treaty
//!
//! - `check N`: the pipeline of `treaty check` in process (load the text, analyse with the
//!   CLI's options, margins included, build the report and render it as text) on a
//!   generated file of N clauses in small independent groups: about a tenth of them in
//!   planted conflicts (contradictory pairs, overlapping triples, cycles `a <= b, b <= c,
//!   c < a`, clauses against a position's possible red line), the rest satisfiable groups of
//!   three clauses over two variables of their own; every variable has the facts `x >= 0`
//!   and `x <= 1000`. Once with every conflict listed (the count is checked against the
//!   planted one) and once with the CLI's default cap of 100.
//! - `vetoes`: `voting::analyse_decision` (can pass, veto players, blockers, smallest
//!   blocking coalition) for 100 decisions with random fixed votes on a 5,000-member
//!   weighted body, cycling through three rules (the workload of `benches/voting.rs` at 25
//!   times the body).
//! - `verify`: one decision of a 200-member weighted body asked of Z3
//!   (`solve::decision_summary`: can pass, veto players, smallest blocking coalition), the
//!   encoding `check --verify` cross-checks decisions with: `voting`'s claim (its
//!   certificates built included) confirmed by Z3, and for comparison Z3's free search
//!   (`decision_summary_with(.., None, ..)`, median of 3).

use std::time::{Duration, Instant};

mod common;
use common::{decision_rules, decision_workload, zipf_weights};
use treaty::model::synth::Rng;
use treaty::model::Body;
use treaty::solve::Options;

/// The generated treaty of `clauses` clauses and how many minimal conflicts it has.
fn independent_text(clauses: usize, seed: u64) -> (String, usize) {
    let mut rng = Rng::new(seed);
    let k = (clauses / 40).max(1);
    let mut out = String::from("actors { A \"Actor A\" }\n");
    let mut items: Vec<String> = Vec::new();
    let mut possibles: Vec<String> = Vec::new();
    let mut next = 0usize;
    let mut fresh = |out: &mut String| {
        next += 1;
        out.push_str(&format!(
            "var x{next}: int\nfact x{next} >= 0\nfact x{next} <= 1000\n"
        ));
        format!("x{next}")
    };
    for _ in 0..k {
        let x = fresh(&mut out);
        items.push(format!("{x} <= 10"));
        items.push(format!("{x} >= 20"));
    }
    for _ in 0..k / 2 {
        let x = fresh(&mut out);
        items.push(format!("{x} <= 10"));
        items.push(format!("{x} >= 20"));
        items.push(format!("{x} >= 30"));
    }
    for _ in 0..k / 2 {
        let (x, y, z) = (fresh(&mut out), fresh(&mut out), fresh(&mut out));
        items.push(format!("{x} <= {y}"));
        items.push(format!("{y} <= {z}"));
        items.push(format!("{z} < {x}"));
    }
    for _ in 0..k / 2 {
        let x = fresh(&mut out);
        items.push(format!("{x} <= 100"));
        possibles.push(format!("{x} >= 500"));
    }
    let conflicts = k + 2 * (k / 2) + k / 2 + k / 2;
    // Fillers: three clauses over two variables of their own, true at a hidden point.
    while items.len() < clauses {
        let (a, b) = (fresh(&mut out), fresh(&mut out));
        let (ha, hb) = (rng.below(1001) as i64, rng.below(1001) as i64);
        let mut slack = || rng.below(50) as i64;
        for c in [
            format!("{a} + {b} <= {}", ha + hb + slack()),
            format!("{a} >= {}", (ha - slack()).max(0)),
            format!("{a} - {b} >= {}", ha - hb - slack()),
        ] {
            if items.len() < clauses {
                items.push(c);
            }
        }
    }
    // Fisher-Yates, deterministic: planted conflicts spread through the text.
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    out.push_str("treaty Synthetic \"generated\" {\n");
    for (i, c) in items.iter().enumerate() {
        out.push_str(&format!("  clause {} {{ {c} }}\n", i + 1));
    }
    out.push_str("}\nposition A_lines \"generated\" {\n  held by A\n");
    for (i, p) in possibles.iter().enumerate() {
        out.push_str(&format!("  red line \"line {}\": possible {p}\n", i + 1));
    }
    out.push_str("}\n");
    (out, conflicts)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// `treaty check` in process; the number of conflicts listed.
fn check(text: &str, max_conflicts: Option<usize>) -> usize {
    let model = match treaty::load_str("generated.treaty", text) {
        Ok(m) => m,
        Err((_, d)) => panic!("the generated text does not load: {:?}", d.first()),
    };
    let options = Options {
        max_conflicts,
        timeout_ms: None,
        rlimit: None,
        margins: true,
    };
    let analyses =
        treaty::analysis::analyse_all(&model, &options).unwrap_or_else(|e| panic!("analysis: {e}"));
    let doc = treaty::report::wire::check(&model, &analyses);
    std::hint::black_box(treaty::report::check::human(&doc));
    analyses
        .decided
        .first()
        .map_or(0, |a| a.consistency.conflicts.len())
}

fn bench_check(sizes: &[usize]) {
    println!("check (in process, margins included)");
    println!(
        "{:>7} {:>9} {:>5} {:>12} {:>16}",
        "N", "conflicts", "runs", "all listed", "cap 100"
    );
    for &n in sizes {
        let (text, planted) = independent_text(n, 42);
        // `LINEAR_WRITE=DIR` also writes the file, to time `treaty check` on it.
        if let Ok(dir) = std::env::var("LINEAR_WRITE") {
            let path = std::path::Path::new(&dir).join(format!("independent-{n}.treaty"));
            std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let runs = if n >= 10_000 { 1 } else { 3 };
        let mut all = Vec::new();
        let mut capped = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let found = check(&text, None);
            all.push(t.elapsed());
            assert_eq!(found, planted, "N = {n}: conflicts found vs planted");
            let t = Instant::now();
            let found = check(&text, Some(100));
            capped.push(t.elapsed());
            assert!(
                found >= planted.min(100),
                "N = {n}: {found} listed under the cap"
            );
        }
        println!(
            "{:>7} {:>9} {:>5} {:>12.2?} {:>16.2?}",
            n,
            planted,
            runs,
            median(all),
            median(capped)
        );
    }
}

fn bench_vetoes() {
    let ws = zipf_weights(5000, 500, 3_000_000, 5000);
    let body = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w]).collect());
    let rules = decision_rules();
    let decisions = decision_workload(5000, 100, rules.len());
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for (r, votes) in &decisions {
            std::hint::black_box(
                treaty::voting::analyse_decision(&body, &rules[*r], votes)
                    .unwrap_or_else(|e| panic!("decision: {e}")),
            );
        }
        times.push(t.elapsed());
    }
    println!(
        "vetoes: 100 decisions on 5,000 members: median of 5 {:.2?}",
        median(times)
    );
}

fn bench_verify() {
    let ws = zipf_weights(200, 500, 300_000, 200);
    let body = Body::synthetic(&["votes"], ws.iter().map(|&w| vec![w]).collect());
    let rules = decision_rules();
    let decisions = decision_workload(200, 3, rules.len());
    let options = Options::default();
    for (r, votes) in &decisions {
        let plain = treaty::voting::analyse_decision(&body, &rules[*r], votes)
            .unwrap_or_else(|e| panic!("decision: {e}"));
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let z = treaty::solve::decision_summary(&body, &rules[*r], votes, &options)
                .unwrap_or_else(|e| panic!("z3: {e}"));
            times.push(t.elapsed());
            assert_eq!(z.veto_players, plain.veto_players, "rule {r}");
            assert_eq!(
                z.min_blocking_size,
                plain.smallest_blocking_coalition.as_ref().map(Vec::len),
                "rule {r}"
            );
        }
        let mut free = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let z = treaty::solve::decision_summary_with(&body, &rules[*r], votes, None, &options)
                .unwrap_or_else(|e| panic!("z3: {e}"));
            free.push(t.elapsed());
            assert_eq!(z.veto_players, plain.veto_players, "rule {r}");
        }
        println!(
            "verify: one 200-member decision in Z3 (rule {r}): median of 5 {:.2?} (free search: {:.2?})",
            median(times),
            median(free)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let named: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| matches!(*a, "check" | "vetoes" | "verify"))
        .collect();
    let want = |row: &str| named.is_empty() || named.contains(&row);
    println!("z3 {}", treaty::solve::z3_version());
    if want("check") || !sizes.is_empty() {
        let sizes = if sizes.is_empty() {
            vec![1000, 3000]
        } else {
            sizes
        };
        bench_check(&sizes);
    }
    if want("vetoes") {
        bench_vetoes();
    }
    if want("verify") {
        bench_verify();
    }
}
