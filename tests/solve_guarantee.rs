//! Guaranteed red lines against brute force, on random treaties over small bounded
//! variables (three integers in 0..=6 by the facts, one Boolean): a line is reported
//! violated exactly when some assignment satisfies the facts and every clause and falsifies
//! it; none is when the clauses allow no assignment at all; and every counterexample
//! falsifies the line, satisfies every fact and clause formula over its variables, and
//! extends to a whole assignment that satisfies all the facts and clauses.

use treaty::model::eval::{eval_bool, Value};
use treaty::model::synth::{assignments, ex::*, Builder, Rng};
use treaty::model::{ActorId, CmpOp, Expr, Model, RedLineKind, TreatyId, VarId};
use treaty::solve::{check_consistency, Options};

const MAX: i64 = 6;

/// An atom, or two joined by `or`, `and` or `implies`.
fn formula(rng: &mut Rng, x: &[VarId], b: VarId) -> Expr {
    let a = rng.atom(x, b, MAX + 1);
    match rng.below(5) {
        0 => Expr::Or(vec![a, rng.atom(x, b, MAX + 1)]),
        1 => Expr::And(vec![a, rng.atom(x, b, MAX + 1)]),
        2 => Expr::Implies(Box::new(a), Box::new(rng.atom(x, b, MAX + 1))),
        _ => a,
    }
}

/// 1-4 clauses of 0-2 formulas, and 1-2 positions with 1-3 red lines each, mostly
/// `guaranteed` (the others may not change the answer). Variable `z` is sometimes left out
/// of the clauses, so that lines on it stand in components of their own.
fn random_treaty(seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new("random.treaty");
    let actors: Vec<ActorId> = (0..3).map(|i| b.actor(&format!("A{i}"), "actor")).collect();
    let x = [b.int_var("x"), b.int_var("y"), b.int_var("z")];
    let flag = b.bool_var("b");
    for &v in &x {
        b.fact(bound(v, CmpOp::Ge, 0));
        b.fact(bound(v, CmpOp::Le, MAX));
    }
    if rng.below(4) == 0 {
        let f = formula(&mut rng, &x[..2], flag);
        b.fact(f);
    }
    let clause_vars = if rng.below(2) == 0 { &x[..2] } else { &x[..] };
    let t = b.treaty("T", None);
    for c in 0..1 + rng.below(4) {
        let formulas = (0..rng.below(3))
            .map(|_| formula(&mut rng, clause_vars, flag))
            .collect();
        b.clause(t, &(c + 1).to_string(), None, formulas);
    }
    for p in 0..1 + rng.below(2) {
        let pos = b.position(&format!("P{p}"), &[actors[rng.below(actors.len())]]);
        for l in 0..1 + rng.below(3) {
            let kind = match rng.below(5) {
                0 => RedLineKind::Must,
                1 => RedLineKind::Possible,
                _ => RedLineKind::Guaranteed,
            };
            let e = formula(&mut rng, &x, flag);
            b.red_line(pos, &format!("l{l}"), kind, e);
        }
    }
    b.build()
}

fn check_seed(seed: u64) -> (usize, usize) {
    let model = random_treaty(seed);
    let what = format!("seed {seed}");
    let t = TreatyId(0);
    let report =
        check_consistency(&model, t, &Options::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
    let hard: Vec<&Expr> = model
        .facts
        .iter()
        .map(|f| &f.formula.expr)
        .chain(
            model.treaties[0]
                .clauses
                .iter()
                .flat_map(|c| c.formulas.iter().map(|f| &f.expr)),
        )
        .collect();
    let holds = |e: &Expr, a: &[Value]| eval_bool(e, &|v| a.get(v).copied()) == Some(true);
    let allowed: Vec<Vec<Value>> = assignments(&model, MAX)
        .into_iter()
        .filter(|a| hard.iter().all(|e| holds(e, a)))
        .collect();
    let mut violated_count = 0;
    if allowed.is_empty() {
        assert!(
            report.violated_guarantees.is_empty(),
            "{what}: nothing is allowed, yet a guarantee is violated"
        );
    }
    for (p, position) in model.positions.iter().enumerate() {
        for (i, line) in position.red_lines.iter().enumerate() {
            let found = report
                .violated_guarantees
                .iter()
                .find(|g| g.position.index() == p && g.index == i);
            if line.kind != RedLineKind::Guaranteed {
                assert!(found.is_none(), "{what}: a {:?} line is listed", line.kind);
                continue;
            }
            let f = &line.formula.expr;
            let open = allowed.iter().any(|a| !holds(f, a));
            assert_eq!(
                found.is_some(),
                open,
                "{what}: P{p}.l{i} ({}): solver and brute force disagree",
                line.formula.text
            );
            let Some(g) = found else { continue };
            violated_count += 1;
            let ce = &g.counterexample;
            let names: Vec<&str> = ce
                .iter()
                .map(|(v, _)| model.vars[*v].name.as_str())
                .collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(names, sorted, "{what}: counterexample not sorted by name");
            let lookup = |v: usize| ce.iter().find(|(w, _)| *w == v).map(|(_, x)| *x);
            assert_eq!(
                eval_bool(f, &lookup),
                Some(false),
                "{what}: the counterexample {ce:?} does not falsify {}",
                line.formula.text
            );
            for e in &hard {
                // A formula over the counterexample's variables must hold on it.
                if let Some(value) = eval_bool(e, &lookup) {
                    assert!(
                        value,
                        "{what}: the counterexample {ce:?} fails a fact or clause"
                    );
                }
            }
            let extends = allowed
                .iter()
                .any(|a| ce.iter().all(|(v, x)| a.get(*v) == Some(x)));
            assert!(
                extends,
                "{what}: the counterexample {ce:?} extends to no allowed world"
            );
        }
    }
    (usize::from(!allowed.is_empty()), violated_count)
}

#[test]
fn violated_guarantees_and_counterexamples_match_brute_force() {
    const SEEDS: u64 = 2_000;
    let run = |seeds: Vec<u64>| {
        seeds
            .into_iter()
            .map(check_seed)
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    };
    let (a, b) = std::thread::scope(|s| {
        let even = s.spawn(|| run((0..SEEDS).step_by(2).collect()));
        let odd = s.spawn(|| run((1..SEEDS).step_by(2).collect()));
        (
            even.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            odd.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let (feasible, violated) = (a.0 + b.0, a.1 + b.1);
    // Both outcomes must be exercised, or the test proves little.
    assert!(
        feasible > 800 && feasible < 1_900,
        "{feasible} of {SEEDS} treaties allow a world"
    );
    assert!(violated > 1_000, "only {violated} violated guarantees");
}
