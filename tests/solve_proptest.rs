//! The MUS enumeration against brute force on small random instances.
//!
//! Variables are bounded by facts (`0 <= x <= 2`), so a set of items is unsatisfiable over
//! the integers exactly when no assignment in the finite box satisfies it: brute force over
//! the box is then sound and complete, and evaluates with the plain `model::eval`.

use proptest::prelude::*;
use treaty::model::eval::{eval_bool, Value};
use treaty::model::synth::{ex::*, Builder};
use treaty::model::{CmpOp, ConflictItem, Expr, IntExpr, RedLineKind};
use treaty::solve::{check_consistency, Options};

const INTS: usize = 3;
const BOOLS: usize = 2;
const HI: i64 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Clause,
    Must(usize),
    Possible(usize),
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
    ]
}

/// Variables 0..INTS are ints, INTS..INTS+BOOLS are bools.
fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0..INTS, op(), -1..=HI + 1).prop_map(|(v, o, c)| bound(v, o, c)),
        (0..INTS, op(), 0..INTS, -1i64..=1).prop_map(|(a, o, b, c)| cmp(
            o,
            iv(a),
            add(iv(b), ic(c))
        )),
        (0..INTS, 0..INTS, -1..=2 * HI).prop_map(|(a, b, c)| cmp(
            CmpOp::Le,
            IntExpr::Scale(2, Box::new(iv(a))),
            IntExpr::Sub(Box::new(ic(c)), Box::new(iv(b)))
        )),
        (0..INTS, op(), 0..INTS, -1i64..=1).prop_map(|(a, o, b, c)| cmp(
            o,
            IntExpr::Neg(Box::new(iv(a))),
            add(ic(c), IntExpr::Neg(Box::new(iv(b))))
        )),
        (INTS..INTS + BOOLS).prop_map(bv),
        (INTS..INTS + BOOLS).prop_map(|v| not(bv(v))),
    ]
}

fn formula() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(not),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(vec![a, b])),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(vec![a, b])),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Expr::Implies(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Iff(Box::new(a), Box::new(b))),
        ]
    })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => Just(Kind::Clause),
        2 => (0..2usize).prop_map(Kind::Must),
        1 => (0..2usize).prop_map(Kind::Possible),
    ]
}

/// Every assignment of the box.
fn assignments() -> Vec<Vec<Value>> {
    let mut out = vec![Vec::new()];
    for v in 0..INTS + BOOLS {
        let choices: Vec<Value> = if v < INTS {
            (0..=HI).map(|i| Value::Int(i128::from(i))).collect()
        } else {
            vec![Value::Bool(false), Value::Bool(true)]
        };
        out = out
            .into_iter()
            .flat_map(|a| {
                choices.iter().map(move |c| {
                    let mut a = a.clone();
                    a.push(*c);
                    a
                })
            })
            .collect();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn marco_finds_exactly_the_minimal_conflicts(
        items in prop::collection::vec((kind(), formula()), 1..=8),
        shared in any::<bool>()
    ) {
        let mut b = Builder::new("p.treaty");
        for i in 0..INTS {
            let v = b.int_var(&format!("x{i}"));
            b.fact(bound(v, CmpOp::Ge, 0));
            b.fact(bound(v, CmpOp::Le, HI));
        }
        for i in 0..BOOLS {
            b.bool_var(&format!("p{i}"));
        }
        let a0 = b.actor("A", "A");
        let a1 = b.actor("B", "B");
        // Position 1 is held by A too (`shared`: A's red lines span both positions, so a
        // possible line may meet the other position's must lines) or by B alone.
        let holders = |p: usize| if p == 0 || shared { vec![a0] } else { vec![a1] };
        let t = b.treaty("T", None);
        // Items in model order: clauses, then position 0's lines, then position 1's.
        let mut ordered: Vec<(ConflictItem, Kind, Expr)> = Vec::new();
        for (k, (kind, e)) in items.iter().enumerate() {
            if *kind == Kind::Clause {
                let r = b.clause(t, &k.to_string(), None, vec![e.clone()]);
                ordered.push((ConflictItem::Clause(r), *kind, e.clone()));
            }
        }
        for p in 0..2 {
            let pid = b.position(&format!("P{p}"), &holders(p));
            for (k, (kind, e)) in items.iter().enumerate() {
                let rk = match kind {
                    Kind::Must(q) if *q == p => RedLineKind::Must,
                    Kind::Possible(q) if *q == p => RedLineKind::Possible,
                    _ => continue,
                };
                let item = b.red_line(pid, &format!("l{k}"), rk, e.clone());
                ordered.push((item, *kind, e.clone()));
            }
        }
        let model = b.build();
        let n = ordered.len();

        // Brute force: which items each assignment of the box satisfies.
        let masks: Vec<u32> = assignments()
            .iter()
            .map(|a| {
                let value = |v: usize| a.get(v).copied();
                (0..n)
                    .filter(|&i| eval_bool(&ordered[i].2, &value) == Some(true))
                    .fold(0u32, |m, i| m | (1 << i))
            })
            .collect();
        let sat = |s: u32| masks.iter().any(|&m| m & s == s);
        let allowed = |s: u32| {
            let members: Vec<Kind> = (0..n).filter(|&i| s & (1 << i) != 0).map(|i| ordered[i].1).collect();
            let possibles: Vec<usize> = members.iter().filter_map(|k| match k { Kind::Possible(p) => Some(*p), _ => None }).collect();
            match possibles.as_slice() {
                [] => true,
                [p] => shared || members.iter().all(|k| !matches!(k, Kind::Must(q) if q != p)),
                _ => false,
            }
        };
        let mut expected: Vec<Vec<ConflictItem>> = (1u32..(1 << n))
            .filter(|&s| allowed(s) && !sat(s) && (0..n).all(|i| s & (1 << i) == 0 || sat(s & !(1 << i))))
            .map(|s| (0..n).filter(|&i| s & (1 << i) != 0).map(|i| ordered[i].0.clone()).collect::<Vec<_>>())
            .collect();
        expected.iter_mut().for_each(|v| v.sort());
        expected.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));

        let report = match check_consistency(&model, treaty::model::TreatyId(0), &Options::default()) {
            Ok(r) => r,
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(report.facts_contradiction.clone(), None);
        let got: Vec<Vec<ConflictItem>> = report.conflicts.iter().map(|c| c.items.clone()).collect();
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(report.witness.is_some(), expected.is_empty());
    }
}
