//! `treaty diff` on random pairs of drafts over one vocabulary (`analysis::diff`):
//! - a draft against itself has no change and is not worse;
//! - the clause matching is a partial bijection: every clause is matched once or is added
//!   (removed), a match by id has equal ids, a match by title has equal normalised titles
//!   that no other unmatched clause on either side has;
//! - the diff is antisymmetric: swapping OLD and NEW swaps added and removed clauses, new
//!   and resolved conflicts (the very same conflicts), newly violated and no longer violated
//!   red lines, guarantees left open and closed, blocked and adoptable matched clauses and
//!   decisions, parties gained and lost, and each actor's vetoes gained and lost.

use std::collections::BTreeSet;

use treaty::analysis::diff::{self, normalise_title, Diff, MatchedBy, Side};
use treaty::analysis::{self, TreatyAnalysis};
use treaty::model::synth::{ex::*, Builder, Rng};
use treaty::model::{CmpOp, Expr, Model, RedLineKind, Requirement, Target, TreatyId};
use treaty::solve::Options;

const IDS: [&str; 5] = ["1", "2", "3", "3a", "4"];
const TITLES: [Option<&str>; 5] = [
    Some("Alpha"),
    Some("Beta"),
    Some("alpha!"),
    Some("Gamma"),
    None,
];

/// A draft: 1 to 4 clauses with ids and titles from small pools (so that ids and titles
/// collide across drafts, and titles within one), random bounds and requirements, over a
/// fixed vocabulary (three actors, a must, a guaranteed and a possible red line).
fn draft(seed: u64) -> Model {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new("gen.treaty");
    let actors = [b.actor("A", "A"), b.actor("B", "B"), b.actor("C", "C")];
    let x = b.int_var("x");
    let y = b.int_var("y");
    let f = b.bool_var("f");
    for v in [x, y] {
        b.fact(bound(v, CmpOp::Ge, 0));
        b.fact(bound(v, CmpOp::Le, 100));
    }
    let pa = b.position("PA", &[actors[0]]);
    b.red_line(pa, "a", RedLineKind::Must, bound(x, CmpOp::Le, 50));
    let pb = b.position("PB", &[actors[1]]);
    b.red_line(pb, "b", RedLineKind::Guaranteed, bv(f));
    let pc = b.position("PC", &[actors[2]]);
    b.red_line(pc, "c", RedLineKind::Possible, bound(y, CmpOp::Ge, 70));
    let t = b.treaty("T", None);
    let mut ids: Vec<&str> = IDS.to_vec();
    let n = 1 + rng.below(4);
    let mut requires = Vec::new();
    for _ in 0..n {
        let id = ids.remove(rng.below(ids.len()));
        let title = TITLES[rng.below(TITLES.len())];
        let mut formulas: Vec<Expr> = Vec::new();
        for _ in 0..rng.below(3) {
            let c = 10 * rng.below(11) as i64;
            let op = [CmpOp::Le, CmpOp::Ge][rng.below(2)];
            formulas.push(match rng.below(4) {
                0 => bound(x, op, c),
                1 => bound(y, op, c),
                2 => bv(f),
                _ => not(bv(f)),
            });
        }
        b.clause(t, id, title, formulas);
        requires.push(
            (0..rng.below(3))
                .map(|_| actors[rng.below(3)])
                .collect::<Vec<_>>(),
        );
    }
    let mut model = b.build();
    let tr = &mut model.treaties[0];
    tr.parties = vec![actors[0], actors[1]];
    for (c, reqs) in tr.clauses.iter_mut().zip(requires) {
        c.requires = reqs
            .into_iter()
            .map(|a| Requirement::one(Target::Actor(a), c.loc))
            .collect();
    }
    model
}

fn analyse(m: &Model) -> TreatyAnalysis {
    analysis::analyse(m, TreatyId(0), &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn run(old: (&Model, &TreatyAnalysis), new: (&Model, &TreatyAnalysis)) -> Diff {
    diff::diff(
        Side {
            model: old.0,
            analysis: old.1,
        },
        Side {
            model: new.0,
            analysis: new.1,
        },
    )
    .unwrap_or_else(|e| panic!("{}", e.message))
}

fn lines(ls: &[diff::RedLineChange]) -> BTreeSet<(String, String)> {
    ls.iter()
        .map(|l| (l.position.clone(), l.label.clone()))
        .collect()
}

fn matched_statuses(ss: &[diff::StatusChange], swap: bool) -> BTreeSet<(usize, usize)> {
    ss.iter()
        .filter_map(|s| s.old.map(|o| if swap { (s.new, o) } else { (o, s.new) }))
        .collect()
}

fn decisions(ds: &[diff::DecisionChange], swap: bool) -> BTreeSet<(usize, usize, String)> {
    ds.iter()
        .map(|d| {
            let (o, n) = if swap {
                (d.new_clause, d.old_clause)
            } else {
                (d.old_clause, d.new_clause)
            };
            (o, n, d.key.clone())
        })
        .collect()
}

fn check_matching(a: &Model, b: &Model, d: &Diff) {
    let (oc, nc) = (&a.treaties[0].clauses, &b.treaties[0].clauses);
    let olds: Vec<usize> = d
        .matched
        .iter()
        .map(|m| m.old)
        .chain(d.removed.clone())
        .collect();
    let news: Vec<usize> = d
        .matched
        .iter()
        .map(|m| m.new)
        .chain(d.added.clone())
        .collect();
    assert_eq!(olds.iter().collect::<BTreeSet<_>>().len(), oc.len());
    assert_eq!(olds.len(), oc.len());
    assert_eq!(news.iter().collect::<BTreeSet<_>>().len(), nc.len());
    assert_eq!(news.len(), nc.len());
    let norm = |t: &Option<String>| t.as_deref().map(normalise_title);
    for m in &d.matched {
        match m.by {
            MatchedBy::Id => assert_eq!(oc[m.old].id, nc[m.new].id),
            MatchedBy::Title => {
                let t = norm(&oc[m.old].title);
                assert!(t.is_some());
                assert_eq!(t, norm(&nc[m.new].title));
                assert_ne!(oc[m.old].id, nc[m.new].id);
                // Unique among the clauses not matched by id on each side.
                let by_id_old: BTreeSet<usize> = d
                    .matched
                    .iter()
                    .filter(|x| x.by == MatchedBy::Id)
                    .map(|x| x.old)
                    .collect();
                let by_id_new: BTreeSet<usize> = d
                    .matched
                    .iter()
                    .filter(|x| x.by == MatchedBy::Id)
                    .map(|x| x.new)
                    .collect();
                let same_old = (0..oc.len())
                    .filter(|i| !by_id_old.contains(i) && norm(&oc[*i].title) == t)
                    .count();
                let same_new = (0..nc.len())
                    .filter(|i| !by_id_new.contains(i) && norm(&nc[*i].title) == t)
                    .count();
                assert_eq!((same_old, same_new), (1, 1));
            }
            MatchedBy::Pinned => panic!("no clause says `matches`"),
        }
    }
    // An unmatched pair with equal ids cannot exist.
    for &r in &d.removed {
        for &n in &d.added {
            assert_ne!(oc[r].id, nc[n].id);
        }
    }
}

#[test]
fn diffs_of_random_drafts_are_antisymmetric_and_empty_on_themselves() {
    // How often each kind of change was seen: the generator must produce every one.
    let mut seen = [0usize; 8];
    for seed in 0..150u64 {
        let a = draft(2 * seed + 1);
        let b = draft(2 * seed + 2);
        let (aa, ba) = (analyse(&a), analyse(&b));
        let same = run((&a, &aa), (&a, &aa));
        assert!(same.is_empty(), "seed {seed}: {same:?}");
        assert!(same.worse().is_empty(), "seed {seed}");

        let d1 = run((&a, &aa), (&b, &ba));
        let d2 = run((&b, &ba), (&a, &aa));
        check_matching(&a, &b, &d1);
        for (k, hit) in [
            d1.matched.iter().any(|m| m.by == MatchedBy::Title),
            !d1.conflicts_added.is_empty(),
            !d1.red_lines_violated.is_empty(),
            !d1.guarantees_open.is_empty(),
            !d1.clauses_blocked.is_empty(),
            !d1.decisions_blocked.is_empty(),
            !d1.refusing_gained.is_empty(),
            d1.vetoes.iter().any(|v| v.new_holder),
        ]
        .into_iter()
        .enumerate()
        {
            seen[k] += usize::from(hit);
        }
        check_matching(&b, &a, &d2);
        let pairs = |d: &Diff, swap: bool| -> BTreeSet<(usize, usize)> {
            d.matched
                .iter()
                .map(|m| if swap { (m.new, m.old) } else { (m.old, m.new) })
                .collect()
        };
        assert_eq!(pairs(&d1, false), pairs(&d2, true), "seed {seed}");
        assert_eq!(d1.added, d2.removed, "seed {seed}");
        assert_eq!(d1.removed, d2.added, "seed {seed}");
        assert_eq!(d1.conflicts_added, d2.conflicts_removed, "seed {seed}");
        assert_eq!(d1.conflicts_removed, d2.conflicts_added, "seed {seed}");
        assert_eq!(
            lines(&d1.red_lines_violated),
            lines(&d2.red_lines_satisfied),
            "seed {seed}"
        );
        assert_eq!(
            lines(&d1.guarantees_open),
            lines(&d2.guarantees_closed),
            "seed {seed}"
        );
        assert_eq!(
            matched_statuses(&d1.clauses_blocked, false),
            matched_statuses(&d2.clauses_unblocked, true),
            "seed {seed}"
        );
        assert_eq!(
            decisions(&d1.decisions_blocked, false),
            decisions(&d2.decisions_unblocked, true),
            "seed {seed}"
        );
        assert_eq!(d1.refusing_gained, d2.refusing_lost, "seed {seed}");
        assert_eq!(d1.refusing_lost, d2.refusing_gained, "seed {seed}");
        assert_eq!(d1.vetoes.len(), d2.vetoes.len(), "seed {seed}");
        for (v1, v2) in d1.vetoes.iter().zip(&d2.vetoes) {
            assert_eq!(v1.actor, v2.actor, "seed {seed}");
            assert_eq!(v1.gained, v2.lost, "seed {seed}");
            assert_eq!(v1.lost, v2.gained, "seed {seed}");
        }
        assert_eq!(
            (d1.old_feasible, d1.new_feasible),
            (d2.new_feasible, d2.old_feasible)
        );
        // The verdict going from feasible to infeasible is always a reason to be worse.
        if aa.feasible && !ba.feasible {
            assert!(!d1.worse().is_empty(), "seed {seed}");
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "kinds of change seen: {seen:?}"
    );
}
