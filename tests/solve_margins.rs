//! Margins against brute force, on random treaties over small bounded variables (two
//! integers in 0..=6 by the facts, one Boolean): for every literal of every item of every
//! listed conflict, the values reported to resolve the conflict (a range, the nearest values,
//! or none) are checked value by value over a window around the literal and the boundary,
//! and every joint move is checked to resolve the conflict, to be dominated by no other
//! resolving pair of moves, and (when the front is said to be complete) to leave no
//! Pareto-optimal pair out. A value resolves a conflict when some assignment satisfies every
//! fact and every item of the conflict with the literal set to it.
//!
//! Literals of facts are not brute-forced here (moving the range facts would unbound the
//! domain); the fixtures under tests/cases/margins cover them.

use treaty::model::eval::{eval_bool, Value};
use treaty::model::literals::substitute;
use treaty::model::synth::{ex::*, Builder, Rng};
use treaty::model::{
    ActorId, CmpOp, ConflictItem, Expr, IntExpr, Model, RedLineKind, TreatyId, VarId,
};
use treaty::solve::margins::{Outcome, Owner, Weakens};
use treaty::solve::{check_consistency, Options};

const MAX: i64 = 6;
/// Values this far around a literal or a boundary are checked one by one. Every threshold
/// of the random formulas lies well inside it (coefficients at most 3, variables in 0..=6).
const WINDOW: i64 = 40;

fn atom(rng: &mut Rng, x: &[VarId], b: VarId) -> Expr {
    let ops = [
        CmpOp::Le,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Gt,
        CmpOp::Eq,
        CmpOp::Ne,
    ];
    let op = ops[rng.below(ops.len())];
    let c = rng.below(12) as i64 - 2;
    let v = x[rng.below(x.len())];
    let w = x[rng.below(x.len())];
    match rng.below(6) {
        0 => cmp(
            op,
            IntExpr::Scale(1 + rng.below(3) as i64, Box::new(iv(v))),
            ic(c),
        ),
        1 => cmp(op, add(iv(v), iv(w)), ic(c)),
        2 => cmp(
            op,
            ic(c),
            IntExpr::Sub(Box::new(iv(v)), Box::new(ic(rng.below(4) as i64))),
        ),
        3 => cmp(op, iv(v), IntExpr::Neg(Box::new(ic(rng.below(3) as i64)))),
        _ => rng.atom(x, b, MAX + 1),
    }
}

fn formula(rng: &mut Rng, x: &[VarId], b: VarId) -> Expr {
    let a = atom(rng, x, b);
    match rng.below(6) {
        0 => Expr::Or(vec![a, atom(rng, x, b)]),
        1 => Expr::And(vec![a, atom(rng, x, b)]),
        2 => Expr::Implies(Box::new(a), Box::new(atom(rng, x, b))),
        3 => Expr::Not(Box::new(a)),
        _ => a,
    }
}

fn random_treaty(seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new("random.treaty");
    let actors: Vec<ActorId> = (0..2).map(|i| b.actor(&format!("A{i}"), "actor")).collect();
    let x = [b.int_var("x"), b.int_var("y")];
    let flag = b.bool_var("b");
    for &v in &x {
        b.fact(bound(v, CmpOp::Ge, 0));
        b.fact(bound(v, CmpOp::Le, MAX));
    }
    let t = b.treaty("T", None);
    for c in 0..1 + rng.below(3) {
        let formulas = (0..1 + rng.below(2))
            .map(|_| formula(&mut rng, &x, flag))
            .collect();
        b.clause(t, &(c + 1).to_string(), None, formulas);
    }
    for p in 0..1 + rng.below(2) {
        let pos = b.position(&format!("P{p}"), &[actors[rng.below(actors.len())]]);
        for l in 0..1 + rng.below(2) {
            let kind = if rng.below(3) == 0 {
                RedLineKind::Possible
            } else {
                RedLineKind::Must
            };
            let e = formula(&mut rng, &x, flag);
            b.red_line(pos, &format!("l{l}"), kind, e);
        }
    }
    b.build()
}

fn assignments() -> Vec<[Value; 3]> {
    let mut out = Vec::new();
    for i in 0..=MAX {
        for j in 0..=MAX {
            for f in [false, true] {
                out.push([
                    Value::Int(i128::from(i)),
                    Value::Int(i128::from(j)),
                    Value::Bool(f),
                ]);
            }
        }
    }
    out
}

fn item_formulas(model: &Model, item: &ConflictItem) -> Vec<Expr> {
    match item {
        ConflictItem::Clause(c) => model
            .clause(*c)
            .formulas
            .iter()
            .map(|f| f.expr.clone())
            .collect(),
        ConflictItem::RedLine { position, index } => {
            vec![model.positions[*position].red_lines[*index]
                .formula
                .expr
                .clone()]
        }
    }
}

/// The formulas of a conflict's items, each tagged with (item, formula index).
type Tagged = Vec<(usize, usize, Expr)>;

/// Whether the conflict holds with the facts when literal `(item, formula, index)` takes the
/// values given.
fn holds(
    model: &Model,
    all: &[[Value; 3]],
    formulas: &Tagged,
    set: &[((usize, usize, usize), i64)],
) -> bool {
    let exprs: Vec<Expr> = formulas
        .iter()
        .map(|(i, f, e)| {
            let with: Vec<(usize, IntExpr)> = set
                .iter()
                .filter(|((si, sf, _), _)| si == i && sf == f)
                .map(|((_, _, k), v)| (*k, IntExpr::Const(*v)))
                .collect();
            substitute(e, &with)
        })
        .chain(model.facts.iter().map(|f| f.formula.expr.clone()))
        .collect();
    all.iter().any(|a| {
        exprs
            .iter()
            .all(|e| eval_bool(e, &|v| a.get(v).copied()) == Some(true))
    })
}

fn check_seed(seed: u64, tally: &mut [usize; 6]) {
    let model = random_treaty(seed);
    let what = format!("seed {seed}");
    let options = Options {
        margins: true,
        ..Options::default()
    };
    let report =
        check_consistency(&model, TreatyId(0), &options).unwrap_or_else(|e| panic!("{what}: {e}"));
    let all = assignments();
    for c in &report.conflicts {
        let formulas: Tagged = c
            .items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                item_formulas(&model, item)
                    .into_iter()
                    .enumerate()
                    .map(move |(f, e)| (i, f, e))
            })
            .collect();
        assert!(
            !holds(&model, &all, &formulas, &[]),
            "{what}: {} holds",
            c.id
        );
        assert!(!c.margins.literals_cut, "{what}: literals cut");
        let key = |owner: &Owner, formula: usize, index: usize| match owner {
            Owner::Item(item) => c
                .items
                .iter()
                .position(|i| i == item)
                .map(|i| (i, formula, index)),
            Owner::Fact(_) => None,
        };
        let mut count = 0;
        for m in &c.margins.literals {
            let l = &m.literal;
            let Some(k) = key(&l.owner, l.formula, l.index) else {
                continue;
            };
            count += 1;
            let at = |v: i64| holds(&model, &all, &formulas, &[(k, v)]);
            let lit = l.value;
            let ctx = format!(
                "{what}: {} literal {lit} ({:?}) -> {:?}",
                c.id, l.weakens, m.outcome
            );
            match m.outcome {
                Outcome::AtLeast(b) => {
                    assert_eq!(l.weakens, Weakens::Up, "{ctx}");
                    for v in b - WINDOW..=b + WINDOW {
                        assert_eq!(at(v), v >= b, "{ctx}: value {v}");
                    }
                    tally[0] += 1;
                }
                Outcome::AtMost(b) => {
                    assert_eq!(l.weakens, Weakens::Down, "{ctx}");
                    for v in b - WINDOW..=b + WINDOW {
                        assert_eq!(at(v), v <= b, "{ctx}: value {v}");
                    }
                    tally[1] += 1;
                }
                Outcome::Nearest { below, above } => {
                    let hi = above.unwrap_or(lit + WINDOW);
                    let lo = below.unwrap_or(lit - WINDOW);
                    for v in lo..=hi {
                        let want = Some(v) == above || Some(v) == below;
                        assert_eq!(at(v), want, "{ctx}: value {v}");
                    }
                    tally[2] += 1;
                }
                Outcome::Never => {
                    for v in lit - WINDOW..=lit + WINDOW {
                        assert!(!at(v), "{ctx}: value {v} resolves it");
                    }
                    tally[3] += 1;
                }
                Outcome::Unknown(ref why) => panic!("{ctx}: unknown without a budget: {why}"),
            }
        }
        let literal_count: usize = formulas
            .iter()
            .map(|(_, _, e)| treaty::model::literals::literals(e).len())
            .sum();
        assert_eq!(count, literal_count, "{what}: {} literals", c.id);
        assert!(!c.margins.joint_cut, "{what}: joint cut");
        for j in &c.margins.joint {
            let (a, b) = (&c.margins.literals[j.first], &c.margins.literals[j.second]);
            let (Some(ka), Some(kb)) = (
                key(&a.literal.owner, a.literal.formula, a.literal.index),
                key(&b.literal.owner, b.literal.formula, b.literal.index),
            ) else {
                continue;
            };
            let step = |l: &treaty::solve::margins::Literal, d: i64| {
                if l.weakens == Weakens::Up {
                    l.value + d
                } else {
                    l.value - d
                }
            };
            let ok = |da: i64, db: i64| {
                holds(
                    &model,
                    &all,
                    &formulas,
                    &[(ka, step(&a.literal, da)), (kb, step(&b.literal, db))],
                )
            };
            // The Pareto front over the window, by brute force.
            let mut front = Vec::new();
            for da in 0..=WINDOW {
                for db in 0..=WINDOW {
                    if ok(da, db) && !(da > 0 && ok(da - 1, db)) && !(db > 0 && ok(da, db - 1)) {
                        let dominated = front.iter().any(|&(x, y): &(i64, i64)| x <= da && y <= db);
                        if !dominated {
                            front.push((da, db));
                        }
                    }
                }
            }
            let moved: Vec<(i64, i64)> = j
                .moves
                .iter()
                .map(|&(va, vb)| ((va - a.literal.value).abs(), (vb - b.literal.value).abs()))
                .collect();
            for m in &moved {
                assert!(
                    front.contains(m),
                    "{what}: {} joint {m:?} not on {front:?}",
                    c.id
                );
            }
            assert_eq!(
                j.more,
                front.len() > moved.len(),
                "{what}: {} joint {moved:?} vs front {front:?}",
                c.id
            );
            assert!(
                front.iter().any(|&(x, y)| x > 0 && y > 0),
                "{what}: a joint margin where the literals do not interact"
            );
            tally[4] += 1;
        }
        tally[5] += 1;
    }
}

#[test]
fn margins_agree_with_brute_force() {
    let mut tally = [0usize; 6];
    for seed in 0..200 {
        check_seed(seed, &mut tally);
    }
    let [at_least, at_most, nearest, never, joint, conflicts] = tally;
    // The generator must exercise every kind of answer.
    assert!(conflicts > 100, "{tally:?}");
    assert!(at_least > 20 && at_most > 20, "{tally:?}");
    assert!(nearest > 5 && never > 5 && joint > 5, "{tally:?}");
}
