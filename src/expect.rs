//! `treaty test`: checks each `expect` of the loaded files against the analyses, one line
//! per expectation, with the difference on failure.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::analysis::TreatyAnalysis;
use crate::model::{CmpOp, ConflictItem, Expect, Expectation, ExpectedValue, Model, PowerIndex};
use crate::report::loaded::clause_name;
use crate::voting;

/// The result of one expectation.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub passed: bool,
    /// What was found, when it differs (or a note).
    pub detail: Option<String>,
}

fn pass() -> Outcome {
    Outcome {
        passed: true,
        detail: None,
    }
}

fn fail(detail: String) -> Outcome {
    Outcome {
        passed: false,
        detail: Some(detail),
    }
}

fn conflict_text(model: &Model, items: &[ConflictItem]) -> String {
    items
        .iter()
        .map(|i| match i {
            ConflictItem::Clause(c) => format!("clause {}", clause_name(model, *c)),
            ConflictItem::RedLine { position, index } => {
                let p = &model.positions[*position];
                format!("{}.\"{}\"", p.id, p.red_lines[*index].label)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare(op: CmpOp, actual: &BigRational, expected: &ExpectedValue) -> bool {
    let want = BigRational::new(BigInt::from(expected.numer), BigInt::from(expected.denom));
    match (op, expected.decimals) {
        // `== 0.1963`: equal when rounded to the decimals written.
        (CmpOp::Eq, Some(d)) => {
            let scale = BigInt::from(10).pow(d);
            let scaled = actual * BigRational::from_integer(scale.clone());
            let rounded = (scaled + BigRational::new(BigInt::from(1), BigInt::from(2))).floor();
            let want_scaled = (want * BigRational::from_integer(scale)).round();
            rounded == want_scaled
        }
        (CmpOp::Eq, None) => *actual == want,
        (CmpOp::Ne, _) => *actual != want,
        (CmpOp::Lt, _) => *actual < want,
        (CmpOp::Le, _) => *actual <= want,
        (CmpOp::Gt, _) => *actual > want,
        (CmpOp::Ge, _) => *actual >= want,
    }
}

/// Checks one expectation. `analyses` holds the analysis of each treaty by id.
pub fn check(model: &Model, analyses: &BTreeMap<usize, TreatyAnalysis>, e: &Expect) -> Outcome {
    let get = |t: usize| analyses.get(&t);
    match &e.expectation {
        Expectation::Conflict(items) => {
            let found = analyses
                .values()
                .flat_map(|a| a.consistency.conflicts.iter())
                .any(|c| {
                    let mut got = c.items.clone();
                    got.sort();
                    got == *items
                });
            if found {
                pass()
            } else {
                let all: Vec<String> = analyses
                    .values()
                    .flat_map(|a| a.consistency.conflicts.iter())
                    .map(|c| format!("{{ {} }}", conflict_text(model, &c.items)))
                    .collect();
                fail(if all.is_empty() {
                    "no conflict was found".into()
                } else {
                    format!("no such minimal conflict; found: {}", all.join(", "))
                })
            }
        }
        Expectation::Consistent => {
            let n: usize = analyses
                .values()
                .map(|a| a.consistency.conflicts.len())
                .sum();
            if n == 0
                && analyses
                    .values()
                    .all(|a| a.consistency.facts_contradiction.is_none())
            {
                pass()
            } else {
                fail(format!("{n} conflict(s) found"))
            }
        }
        Expectation::Veto {
            actor,
            clause,
            expected,
        } => match get(clause.treaty).and_then(|a| a.clause(*clause)) {
            Some(s) => {
                let has = s.vetoes.contains(actor);
                if has == *expected {
                    pass()
                } else {
                    let v: Vec<&str> = s
                        .vetoes
                        .iter()
                        .map(|&a| model.actors[a].id.as_str())
                        .collect();
                    fail(format!(
                        "{} {} veto clause {}; vetoes: {}",
                        model.actors[*actor].id,
                        if has { "can" } else { "cannot" },
                        clause_name(model, *clause),
                        if v.is_empty() {
                            "none".into()
                        } else {
                            v.join(", ")
                        }
                    ))
                }
            }
            None => fail("the clause was not analysed".into()),
        },
        Expectation::Blocked(c) | Expectation::Adoptable(c) => {
            let want_blocked = matches!(e.expectation, Expectation::Blocked(_));
            match get(c.treaty).and_then(|a| a.clause(*c)) {
                Some(s) if s.adoptable != want_blocked => pass(),
                Some(s) => fail(format!(
                    "clause {} is {}",
                    clause_name(model, *c),
                    if s.adoptable { "adoptable" } else { "blocked" }
                )),
                None => fail("the clause was not analysed".into()),
            }
        }
        Expectation::Feasible { treaty, expected } => match get(*treaty) {
            Some(a) if a.feasible == *expected => pass(),
            Some(a) => fail(format!(
                "the treaty is {}",
                if a.feasible { "feasible" } else { "infeasible" }
            )),
            None => fail("the treaty was not analysed".into()),
        },
        Expectation::NonPartyClauses { treaty, count } => match get(*treaty) {
            Some(a) => {
                let got: Vec<String> = a
                    .clauses
                    .iter()
                    .filter(|s| !s.non_parties.is_empty())
                    .map(|s| clause_name(model, s.clause))
                    .collect();
                if got.len() == *count {
                    pass()
                } else {
                    fail(format!(
                        "{} clauses need non-parties: {}",
                        got.len(),
                        got.join(", ")
                    ))
                }
            }
            None => fail("the treaty was not analysed".into()),
        },
        Expectation::Power {
            body,
            rule,
            actor,
            index,
            op,
            value,
        } => {
            let b = &model.bodies[*body];
            let Some(r) = b.rule(rule.as_deref()) else {
                return fail("no such rule".into());
            };
            let Some(m) = b.member_index(*actor) else {
                return fail("not a member".into());
            };
            match voting::power(b, &r.rule) {
                Ok(p) => {
                    let mp = &p.members[m];
                    let actual = match index {
                        PowerIndex::Swings => {
                            Some(BigRational::from_integer(BigInt::from(mp.swings.clone())))
                        }
                        PowerIndex::Banzhaf => Some(mp.banzhaf.clone()),
                        PowerIndex::BanzhafAbsolute => Some(mp.banzhaf_absolute.clone()),
                        PowerIndex::ShapleyShubik => mp.shapley_shubik.clone(),
                    };
                    match actual {
                        Some(v) if compare(*op, &v, value) => pass(),
                        Some(v) => fail(format!(
                            "the value is {v} ≈ {}",
                            crate::report::power::decimal(&v, 6)
                        )),
                        None => fail(
                            "Shapley–Shubik is too large to compute exactly for this rule".into(),
                        ),
                    }
                }
                Err(err) => fail(format!("cannot compute: {err}")),
            }
        }
    }
}
