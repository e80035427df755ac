//! The consistency analysis on models built in Rust (the parser is not needed here).

use treaty::budget::GaveUp;
use treaty::model::eval::{eval_bool, Value};
use treaty::model::synth::{ex::*, generate, Builder, Spec};
use treaty::model::{ClauseRef, CmpOp, ConflictItem, Model, PositionId, RedLineKind, TreatyId};
use treaty::solve::{check_consistency, ConsistencyReport, Options, SolveError};

fn report(model: &Model, options: &Options) -> ConsistencyReport {
    match check_consistency(model, TreatyId(0), options) {
        Ok(r) => r,
        other => panic!("expected a report, got {other:?}"),
    }
}

fn clause(c: usize) -> ConflictItem {
    ConflictItem::Clause(ClauseRef {
        treaty: TreatyId(0),
        clause: c,
    })
}

fn line(position: usize, index: usize) -> ConflictItem {
    ConflictItem::RedLine {
        position: PositionId(position),
        index,
    }
}

fn conflict_sets(r: &ConsistencyReport) -> Vec<Vec<ConflictItem>> {
    r.conflicts.iter().map(|c| c.items.clone()).collect()
}

#[test]
fn consistent_treaty_has_a_rechecked_canonical_witness() {
    let mut b = Builder::new("t.treaty");
    let x = b.int_var("x");
    let a = b.int_var("a");
    let p = b.bool_var("p");
    b.fact(bound(x, CmpOp::Ge, 0));
    let t = b.treaty("T", None);
    b.clause(t, "1", None, vec![bound(x, CmpOp::Le, 10), bv(p)]);
    b.clause(t, "2", None, vec![cmp(CmpOp::Ge, iv(a), add(iv(x), ic(3)))]);
    b.clause(t, "3", Some("needs a body only"), vec![]);
    let m = b.build();
    let r = report(&m, &Options::default());
    assert!(r.is_consistent());
    let w = r.witness.clone().expect("a witness");
    let names: Vec<&str> = w.iter().map(|(v, _)| m.vars[*v].name.as_str()).collect();
    assert_eq!(names, ["a", "p", "x"], "sorted by name");
    let value = |v: usize| w.iter().find(|(k, _)| *k == v).map(|(_, val)| *val);
    for f in m
        .facts
        .iter()
        .map(|f| &f.formula)
        .chain(m.treaties[0].clauses.iter().flat_map(|c| &c.formulas))
    {
        assert_eq!(eval_bool(&f.expr, &value), Some(true), "{}", f.text);
    }
    assert_eq!(value(p), Some(Value::Bool(true)));
}

#[test]
fn one_conflict_with_a_reason_and_no_witness() {
    let mut b = Builder::new("t.treaty");
    let x = b.int_var("UKR.armed_forces");
    let t = b.treaty("Plan", None);
    b.clause(t, "6", None, vec![bound(x, CmpOp::Le, 600_000)]);
    b.clause(t, "7", None, vec![bound(x, CmpOp::Ge, 0)]);
    b.clause(t, "8", None, vec![bound(x, CmpOp::Ge, 800_000)]);
    let r = report(&b.build(), &Options::default());
    assert_eq!(conflict_sets(&r), vec![vec![clause(0), clause(2)]]);
    assert_eq!(r.conflicts[0].id, "C1");
    assert_eq!(
        r.conflicts[0].reason.as_deref(),
        Some("`UKR.armed_forces` cannot be both at most 600000 and at least 800000")
    );
    assert!(r.witness.is_none());
    assert!(!r.truncated);
}

#[test]
fn several_overlapping_conflicts_sorted_with_stable_ids() {
    let mut b = Builder::new("t.treaty");
    let x = b.int_var("x");
    let q = b.bool_var("q");
    let eu = b.actor("EU", "European Union");
    let t = b.treaty("T", None);
    b.clause(t, "1", None, vec![bound(x, CmpOp::Ge, 30)]);
    b.clause(t, "2", None, vec![bv(q)]);
    b.clause(t, "3", None, vec![bound(x, CmpOp::Le, 10)]);
    b.clause(t, "4", None, vec![bound(x, CmpOp::Ge, 20)]);
    // 2x <= 14 contradicts clauses 1 and 4, but it is not a plain bound.
    b.clause(
        t,
        "5",
        None,
        vec![cmp(CmpOp::Le, add(iv(x), iv(x)), ic(14))],
    );
    let p = b.position("EU_lines", &[eu]);
    b.red_line(p, "never q", RedLineKind::Must, not(bv(q)));
    let r = report(&b.build(), &Options::default());
    assert_eq!(
        conflict_sets(&r),
        vec![
            vec![clause(0), clause(2)],
            vec![clause(0), clause(4)],
            vec![clause(1), line(0, 0)],
            vec![clause(2), clause(3)],
            vec![clause(3), clause(4)],
        ]
    );
    let ids: Vec<&str> = r.conflicts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5"]);
    assert_eq!(
        r.conflicts[2].reason.as_deref(),
        Some("`q` cannot be both true and false")
    );
    // 2x <= 14 is not a plain bound: no sentence about bounds, only the variable the
    // items constrain together (a fact, not a guess).
    assert_eq!(
        r.conflicts[1].reason.as_deref(),
        Some("the items constrain `x`, and no value of it satisfies them all")
    );
}

#[test]
fn possible_line_conflicts_with_clauses_and_own_must_lines_only() {
    let mut b = Builder::new("t.treaty");
    let x = b.int_var("UKR.armed_forces");
    let tc = b.bool_var("territory_changed_by_force");
    let e = b.bool_var("eu_central");
    b.fact(bound(x, CmpOp::Ge, 0));
    let eu = b.actor("EU", "European Union");
    let ru = b.actor("RUS", "Russia");
    let t = b.treaty("Plan28", None);
    b.clause(
        t,
        "6",
        Some("armed forces limited"),
        vec![bound(x, CmpOp::Le, 600_000)],
    );
    b.clause(t, "21a", None, vec![bv(tc)]);
    b.clause(t, "22", None, vec![bound(x, CmpOp::Ge, 0)]);
    let p = b.position("EU_three_elements", &[eu]);
    b.red_line(p, "borders", RedLineKind::Must, not(bv(tc)));
    b.red_line(
        p,
        "no limits",
        RedLineKind::Possible,
        bound(x, CmpOp::Ge, 800_000),
    );
    // Its own must-line makes `possible not eu_central` impossible without any clause.
    b.red_line(p, "centrality", RedLineKind::Must, bv(e));
    b.red_line(p, "optional", RedLineKind::Possible, not(bv(e)));
    let r2 = b.position("RUS_lines", &[ru]);
    // Another position's must-line never combines with EU's possible line.
    b.red_line(
        r2,
        "small army",
        RedLineKind::Must,
        bound(x, CmpOp::Le, 100),
    );
    let r = report(&b.build(), &Options::default());
    assert_eq!(
        conflict_sets(&r),
        vec![
            vec![clause(0), line(0, 1)],
            vec![clause(1), line(0, 0)],
            vec![line(0, 2), line(0, 3)],
        ]
    );
    assert_eq!(
        r.conflicts[0].reason.as_deref(),
        Some("`UKR.armed_forces` cannot be both at most 600000 and at least 800000")
    );
}

#[test]
fn unrelated_floor_as_fact_or_clause_stays_out_of_the_conflict() {
    for floor_as_fact in [true, false] {
        let mut b = Builder::new("t.treaty");
        let x = b.int_var("x");
        let eu = b.actor("EU", "European Union");
        if floor_as_fact {
            b.fact(bound(x, CmpOp::Ge, 0));
        }
        let t = b.treaty("T", None);
        b.clause(t, "6", None, vec![bound(x, CmpOp::Le, 600_000)]);
        if !floor_as_fact {
            b.clause(t, "floor", None, vec![bound(x, CmpOp::Ge, 0)]);
        }
        let p = b.position("EU", &[eu]);
        b.red_line(
            p,
            "no limits",
            RedLineKind::Possible,
            bound(x, CmpOp::Ge, 800_000),
        );
        let r = report(&b.build(), &Options::default());
        assert_eq!(conflict_sets(&r), vec![vec![clause(0), line(0, 0)]]);
    }
}

#[test]
fn contradictory_facts_are_reported_alone() {
    let mut b = Builder::new("t.treaty");
    let x = b.int_var("x");
    let y = b.int_var("y");
    b.fact(bound(x, CmpOp::Ge, 5));
    b.fact(bound(y, CmpOp::Ge, 0));
    b.fact(cmp(CmpOp::Le, iv(x), iv(y)));
    b.fact(bound(y, CmpOp::Le, 3));
    let t = b.treaty("T", None);
    b.clause(t, "1", None, vec![bound(x, CmpOp::Le, 1)]);
    let r = report(&b.build(), &Options::default());
    assert_eq!(r.facts_contradiction, Some(vec![0, 2, 3]));
    assert!(r.conflicts.is_empty());
    assert!(r.witness.is_none());
    assert!(!r.is_consistent());
}

#[test]
fn constant_false_clause_is_a_conflict_of_its_own_and_empty_clauses_never_are() {
    let mut b = Builder::new("t.treaty");
    let t = b.treaty("T", None);
    b.clause(t, "1", None, vec![]);
    b.clause(t, "2", None, vec![treaty::model::Expr::Const(false)]);
    let r = report(&b.build(), &Options::default());
    assert_eq!(conflict_sets(&r), vec![vec![clause(1)]]);
}

fn three_pairs() -> Model {
    let mut b = Builder::new("t.treaty");
    let vs: Vec<usize> = (0..3).map(|i| b.int_var(&format!("x{i}"))).collect();
    let t = b.treaty("T", None);
    for (i, &v) in vs.iter().enumerate() {
        b.clause(t, &format!("{i}a"), None, vec![bound(v, CmpOp::Le, 1)]);
        b.clause(t, &format!("{i}b"), None, vec![bound(v, CmpOp::Ge, 2)]);
    }
    b.build()
}

#[test]
fn max_conflicts_cuts_the_enumeration_and_says_so() {
    let m = three_pairs();
    let cut = |max| {
        report(
            &m,
            &Options {
                max_conflicts: Some(max),
                ..Options::default()
            },
        )
    };
    let r = cut(2);
    assert_eq!(r.conflicts.len(), 2);
    assert!(r.truncated);
    assert!(r.witness.is_none());
    assert_eq!(cut(2), r, "deterministic when cut");
    let r = cut(3);
    assert_eq!(r.conflicts.len(), 3);
    assert!(!r.truncated, "exactly three exist");
    let r = cut(0);
    assert!(r.conflicts.is_empty() && r.truncated);
}

#[test]
fn tiny_rlimit_gives_unknown_never_a_verdict() {
    let m = generate(&Spec::planted(60, 7));
    let out = check_consistency(
        &m,
        TreatyId(0),
        &Options {
            rlimit: Some(1),
            ..Options::default()
        },
    );
    match out {
        Err(SolveError::GaveUp(GaveUp { query, reason, .. })) => {
            assert!(!query.is_empty());
            assert!(!reason.is_empty());
        }
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn zero_timeout_gives_unknown() {
    let m = three_pairs();
    let out = check_consistency(
        &m,
        TreatyId(0),
        &Options {
            timeout_ms: Some(0),
            ..Options::default()
        },
    );
    assert!(matches!(out, Err(SolveError::GaveUp(_))), "{out:?}");
}

#[test]
fn unknown_treaty_is_an_error() {
    assert!(check_consistency(&three_pairs(), TreatyId(5), &Options::default()).is_err());
}

#[test]
fn planted_conflicts_are_found_exactly() {
    for (n, seed) in [(30, 1), (120, 2), (300, 3)] {
        let spec = Spec::planted(n, seed);
        let m = generate(&spec);
        let r = report(&m, &Options::default());
        assert_eq!(r.conflicts.len(), spec.expected_conflicts(), "n = {n}");
        assert_eq!(report(&m, &Options::default()), r, "deterministic");
    }
}
