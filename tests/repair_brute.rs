//! `treaty repair` against brute force, on random small treaties over bounded variables
//! (three integers in 0..=3 by the facts, one Boolean): every subset of the items (the
//! clauses and every red line) is judged a repair or not by enumerating every assignment,
//! independently of the solver; the minimal ones (no proper subset is a repair) must be
//! exactly the repairs the tool lists, and the listing must say it is complete. The
//! semantics judged here are those of docs/semantics.md, "Repairs":
//! - the facts and the remaining clauses hold together;
//! - no actor has a conflict left: a minimal unsatisfiable set of remaining clauses and
//!   remaining must / possible lines of positions the actor holds, with at least one clause,
//!   at least one line and at most one possible line;
//! - every remaining guaranteed line holds in every assignment that satisfies the facts and
//!   the remaining clauses.

use std::collections::BTreeSet;

use treaty::analysis::repair::repairs;
use treaty::model::eval::{eval_bool, Value};
use treaty::model::synth::{assignments, ex::*, Builder, Rng};
use treaty::model::{
    ActorId, ClauseRef, CmpOp, ConflictItem, Expr, Model, PositionId, RedLineKind, TreatyId, VarId,
};
use treaty::solve::Options;

const MAX: i64 = 3;

fn formula(rng: &mut Rng, x: &[VarId], b: VarId) -> Expr {
    let a = rng.atom(x, b, MAX + 1);
    match rng.below(5) {
        0 => Expr::Or(vec![a, rng.atom(x, b, MAX + 1)]),
        1 => Expr::And(vec![a, rng.atom(x, b, MAX + 1)]),
        2 => Expr::Implies(Box::new(a), Box::new(rng.atom(x, b, MAX + 1))),
        _ => a,
    }
}

/// 1-3 clauses of 0-2 formulas; 1-3 positions of 1-2 red lines of any kind, each held by
/// one or two of three actors (so actors share positions and hold several).
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
    if rng.below(5) == 0 {
        let f = formula(&mut rng, &x[..2], flag);
        b.fact(f);
    }
    let t = b.treaty("T", None);
    for c in 0..1 + rng.below(3) {
        let formulas = (0..rng.below(3))
            .map(|_| formula(&mut rng, &x, flag))
            .collect();
        b.clause(t, &(c + 1).to_string(), None, formulas);
    }
    for p in 0..1 + rng.below(3) {
        let mut holders = vec![actors[rng.below(actors.len())]];
        if rng.below(3) == 0 {
            let other = actors[rng.below(actors.len())];
            if !holders.contains(&other) {
                holders.push(other);
            }
        }
        holders.sort();
        let pos = b.position(&format!("P{p}"), &holders);
        for l in 0..1 + rng.below(2) {
            let kind = match rng.below(4) {
                0 | 1 => RedLineKind::Must,
                2 => RedLineKind::Possible,
                _ => RedLineKind::Guaranteed,
            };
            let e = formula(&mut rng, &x, flag);
            b.red_line(pos, &format!("l{l}"), kind, e);
        }
    }
    b.build()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Clause,
    Must(PositionId),
    Possible(PositionId),
    Guaranteed,
}

/// The minimal repairs by brute force, as sorted item lists.
fn brute(model: &Model) -> Vec<Vec<ConflictItem>> {
    let t = &model.treaties[0];
    let mut items: Vec<(ConflictItem, What, Vec<&Expr>)> = Vec::new();
    for (c, clause) in t.clauses.iter().enumerate() {
        items.push((
            ConflictItem::Clause(ClauseRef {
                treaty: TreatyId(0),
                clause: c,
            }),
            What::Clause,
            clause.formulas.iter().map(|f| &f.expr).collect(),
        ));
    }
    for (p, position) in model.positions.iter().enumerate() {
        for (i, line) in position.red_lines.iter().enumerate() {
            let pid = PositionId(p);
            let what = match line.kind {
                RedLineKind::Must => What::Must(pid),
                RedLineKind::Possible => What::Possible(pid),
                RedLineKind::Guaranteed => What::Guaranteed,
            };
            items.push((
                ConflictItem::RedLine {
                    position: pid,
                    index: i,
                },
                what,
                vec![&line.formula.expr],
            ));
        }
    }
    let n = items.len();
    let holds = |e: &Expr, a: &[Value]| eval_bool(e, &|v| a.get(v).copied()) == Some(true);
    // For each assignment that satisfies the facts: the items it satisfies.
    let masks: Vec<usize> = assignments(model, MAX)
        .iter()
        .filter(|a| model.facts.iter().all(|f| holds(&f.formula.expr, a)))
        .map(|a| {
            (0..n)
                .filter(|&i| items[i].2.iter().all(|e| holds(e, a)))
                .fold(0usize, |m, i| m | 1 << i)
        })
        .collect();
    if masks.is_empty() {
        return Vec::new(); // contradictory facts: no repair
    }
    let sat = |s: usize| masks.iter().any(|&m| m & s == s);
    let guaranteed_bits = (0..n)
        .filter(|&i| items[i].1 == What::Guaranteed)
        .fold(0usize, |m, i| m | 1 << i);
    let clause_bits = (0..n)
        .filter(|&i| items[i].1 == What::Clause)
        .fold(0usize, |m, i| m | 1 << i);
    // Every minimal unsatisfiable set of soft items (no guaranteed line).
    let muses: Vec<usize> = (1..1usize << n)
        .filter(|&s| s & guaranteed_bits == 0)
        .filter(|&s| {
            !sat(s)
                && (0..n)
                    .filter(|i| s >> i & 1 == 1)
                    .all(|i| sat(s & !(1 << i)))
        })
        .collect();
    let holder_positions = |a: ActorId| -> BTreeSet<PositionId> {
        (0..model.positions.len())
            .map(PositionId)
            .filter(|&p| model.positions[p].held_by.contains(&a))
            .collect()
    };
    // A conflict of some actor: clauses and that actor's lines, one of each at least, at
    // most one possible line.
    let of_one_actor = |m: usize| {
        let lines: Vec<What> = (0..n)
            .filter(|&i| m >> i & 1 == 1 && items[i].1 != What::Clause)
            .map(|i| items[i].1)
            .collect();
        if m & clause_bits == 0 || lines.is_empty() {
            return false;
        }
        if lines
            .iter()
            .filter(|w| matches!(w, What::Possible(_)))
            .count()
            > 1
        {
            return false;
        }
        (0..model.actors.len()).map(ActorId).any(|a| {
            let held = holder_positions(a);
            lines.iter().all(|w| match w {
                What::Must(p) | What::Possible(p) => held.contains(p),
                _ => false,
            })
        })
    };
    let relevant: Vec<usize> = muses
        .iter()
        .copied()
        .filter(|&m| m & !clause_bits == 0 || of_one_actor(m))
        .collect();
    let is_repair = |r: usize| {
        let kept_clauses = clause_bits & !r;
        if !sat(kept_clauses) {
            return false;
        }
        if relevant.iter().any(|&m| m & r == 0) {
            return false;
        }
        (0..n)
            .filter(|&i| items[i].1 == What::Guaranteed && r >> i & 1 == 0)
            .all(|g| {
                masks
                    .iter()
                    .filter(|&&m| m & kept_clauses == kept_clauses)
                    .all(|&m| m >> g & 1 == 1)
            })
    };
    let repairs: Vec<usize> = (0..1usize << n).filter(|&r| is_repair(r)).collect();
    let minimal: Vec<usize> = repairs
        .iter()
        .copied()
        .filter(|&r| !repairs.iter().any(|&s| s != r && s & r == s))
        .collect();
    let mut out: Vec<Vec<ConflictItem>> = minimal
        .iter()
        .map(|&r| {
            let mut v: Vec<ConflictItem> = (0..n)
                .filter(|&i| r >> i & 1 == 1)
                .map(|i| items[i].0.clone())
                .collect();
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

#[test]
fn minimal_repairs_agree_with_brute_force() {
    let mut needed = 0;
    let mut several = 0;
    let mut with_guarantee = 0;
    for seed in 0..400u64 {
        let model = random_treaty(seed);
        let want = brute(&model);
        let got = repairs(&model, TreatyId(0), &Options::default(), None)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(got.complete, "seed {seed}: an uncapped listing is cut");
        let mut listed: Vec<Vec<ConflictItem>> =
            got.repairs.iter().map(|r| r.items.clone()).collect();
        listed.sort();
        assert_eq!(
            listed, want,
            "seed {seed}: tool (left) and brute force (right) differ"
        );
        if !got.none_needed() && !got.facts_contradiction {
            needed += 1;
        }
        if listed.len() > 1 {
            several += 1;
        }
        let guaranteed_dropped = listed.iter().flatten().any(|i| match i {
            ConflictItem::RedLine { position, index } => {
                model.positions[*position].red_lines[*index].kind == RedLineKind::Guaranteed
            }
            ConflictItem::Clause(_) => false,
        });
        if guaranteed_dropped {
            with_guarantee += 1;
        }
    }
    // The generator must exercise the interesting cases, or the test proves little.
    assert!(needed > 100, "only {needed} treaties needed a repair");
    assert!(several > 50, "only {several} treaties had several repairs");
    assert!(
        with_guarantee > 30,
        "only {with_guarantee} repairs dropped a guaranteed line"
    );
}

/// `--max-repairs` cuts the list to the smallest repairs and says so.
#[test]
fn a_cut_listing_says_so_and_keeps_the_smallest() {
    let mut cut = 0;
    for seed in 0..200u64 {
        let model = random_treaty(seed);
        let full = repairs(&model, TreatyId(0), &Options::default(), None)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        if full.repairs.len() < 2 {
            continue;
        }
        let capped = repairs(&model, TreatyId(0), &Options::default(), Some(1))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(!capped.complete, "seed {seed}: a cut listing says complete");
        assert_eq!(capped.repairs.len(), 1, "seed {seed}");
        let smallest = full.repairs.iter().map(|r| r.items.len()).min();
        assert_eq!(Some(capped.repairs[0].items.len()), smallest, "seed {seed}");
        assert!(
            full.repairs
                .iter()
                .any(|r| r.items == capped.repairs[0].items),
            "seed {seed}: the capped repair is not one of the full list"
        );
        cut += 1;
    }
    assert!(cut > 20, "only {cut} treaties had several repairs");
}
