//! One-sentence reasons for conflicts, given only where they are cheap and exact: when two
//! atoms (a bound on one integer variable, or a boolean variable and its negation), one from
//! each member of the conflict (or one from its only member and one from it or a fact),
//! contradict each other on their own; or when a literal of one member leads, through facts
//! of the form `a implies b` between literals, to the negation of a literal of another.
//! Every other conflict gets `shared`: the variables its formulas constrain together, a
//! statement of fact rather than a guess.

use crate::model::{CmpOp, Expr, IntExpr, Model, VarId};

/// A literal read off the top-level conjunction of a formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Atom {
    /// `var op value`, the variable on the left.
    Bound {
        var: VarId,
        op: CmpOp,
        value: i64,
    },
    Lit {
        var: VarId,
        positive: bool,
    },
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
    }
}

/// Atoms of the top-level conjunction of `e`; other shapes contribute none.
fn atoms(e: &Expr, out: &mut Vec<Atom>) {
    match e {
        Expr::And(es) => es.iter().for_each(|e| atoms(e, out)),
        Expr::Var(v) => out.push(Atom::Lit {
            var: *v,
            positive: true,
        }),
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Var(v) => out.push(Atom::Lit {
                var: *v,
                positive: false,
            }),
            Expr::Cmp(op, a, b) => {
                if let Some(a) = bound(negate(*op), a, b) {
                    out.push(a);
                }
            }
            _ => {}
        },
        Expr::Cmp(op, a, b) => {
            if let Some(a) = bound(*op, a, b) {
                out.push(a);
            }
        }
        _ => {}
    }
}

fn bound(op: CmpOp, a: &IntExpr, b: &IntExpr) -> Option<Atom> {
    match (a, b) {
        (IntExpr::Var(var), IntExpr::Const(value)) => Some(Atom::Bound {
            var: *var,
            op,
            value: *value,
        }),
        (IntExpr::Const(value), IntExpr::Var(var)) => Some(Atom::Bound {
            var: *var,
            op: flip(op),
            value: *value,
        }),
        _ => None,
    }
}

/// The integers allowed by a bound, as a closed interval (`None` for `!=`).
fn interval(op: CmpOp, c: i64) -> Option<(i128, i128)> {
    let c = i128::from(c);
    Some(match op {
        CmpOp::Eq => (c, c),
        CmpOp::Le => (i128::MIN, c),
        CmpOp::Lt => (i128::MIN, c - 1),
        CmpOp::Ge => (c, i128::MAX),
        CmpOp::Gt => (c + 1, i128::MAX),
        CmpOp::Ne => return None,
    })
}

fn contradict(a: Atom, b: Atom) -> bool {
    match (a, b) {
        (
            Atom::Lit {
                var: v,
                positive: p,
            },
            Atom::Lit {
                var: w,
                positive: q,
            },
        ) => v == w && p != q,
        (
            Atom::Bound {
                var: v,
                op: o1,
                value: c1,
            },
            Atom::Bound {
                var: w,
                op: o2,
                value: c2,
            },
        ) if v == w => match (interval(o1, c1), interval(o2, c2)) {
            (Some((l1, h1)), Some((l2, h2))) => l1.max(l2) > h1.min(h2),
            (None, Some(_)) => o2 == CmpOp::Eq && c1 == c2,
            (Some(_), None) => o1 == CmpOp::Eq && c1 == c2,
            (None, None) => false,
        },
        _ => false,
    }
}

fn phrase(op: CmpOp, c: i64) -> String {
    match op {
        CmpOp::Eq => format!("exactly {c}"),
        CmpOp::Ne => format!("other than {c}"),
        CmpOp::Lt => format!("less than {c}"),
        CmpOp::Le => format!("at most {c}"),
        CmpOp::Gt => format!("more than {c}"),
        CmpOp::Ge => format!("at least {c}"),
    }
}

fn sentence(model: &Model, a: Atom, b: Atom) -> String {
    let name = |v: VarId| crate::model::names::var_name(model, v).to_string();
    match (a, b) {
        (
            Atom::Bound { var, op, value, .. },
            Atom::Bound {
                op: op2,
                value: value2,
                ..
            },
        ) => format!(
            "`{}` cannot be both {} and {}",
            name(var),
            phrase(op, value),
            phrase(op2, value2)
        ),
        (Atom::Lit { var, positive }, _) => format!(
            "`{}` cannot be both {} and {}",
            name(var),
            positive,
            !positive
        ),
        (Atom::Bound { var, .. }, _) => format!("`{}` is constrained inconsistently", name(var)),
    }
}

/// A reason for the conflict whose members have the formulas `members` (each member's list is
/// its conjunction), given the facts' formulas `facts`; `None` when no exact one-sentence
/// reason is cheap.
pub(crate) fn explain(model: &Model, members: &[Vec<&Expr>], facts: &[&Expr]) -> Option<String> {
    let member_atoms: Vec<Vec<Atom>> = members
        .iter()
        .map(|fs| {
            let mut out = Vec::new();
            fs.iter().for_each(|e| atoms(e, &mut out));
            out
        })
        .collect();
    let direct = match member_atoms.as_slice() {
        [only] => {
            let mut fact_atoms = Vec::new();
            facts.iter().for_each(|e| atoms(e, &mut fact_atoms));
            for (i, &a) in only.iter().enumerate() {
                for &b in only[i + 1..].iter().chain(fact_atoms.iter()) {
                    if contradict(a, b) {
                        return Some(sentence(model, a, b));
                    }
                }
            }
            None
        }
        [first, second] => {
            for &a in first {
                for &b in second {
                    if contradict(a, b) {
                        return Some(sentence(model, a, b));
                    }
                }
            }
            None
        }
        _ => None,
    };
    direct.or_else(|| chain(model, &member_atoms, facts))
}

/// `x` or `not x`.
fn literal(model: &Model, var: VarId, positive: bool) -> String {
    let name = crate::model::names::var_name(model, var);
    if positive {
        format!("`{name}`")
    } else {
        format!("`not {name}`")
    }
}

/// A fact of the form `a implies b` between literals (or `a or b`, read as `not a implies
/// b`), as its two edges `a -> b` and `not b -> not a`.
fn implication_edges(e: &Expr) -> Vec<((VarId, bool), (VarId, bool))> {
    let lit = |e: &Expr| match e {
        Expr::Var(v) => Some((*v, true)),
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Var(v) => Some((*v, false)),
            _ => None,
        },
        _ => None,
    };
    let pair = match e {
        Expr::Implies(a, b) => lit(a).zip(lit(b)),
        Expr::Or(es) if es.len() == 2 => {
            lit(&es[0]).zip(lit(&es[1])).map(|((v, p), b)| ((v, !p), b))
        }
        _ => None,
    };
    match pair {
        Some((a, b)) => vec![(a, b), ((b.0, !b.1), (a.0, !a.1))],
        None => Vec::new(),
    }
}

/// A chain through the facts: a literal `from` of one member that, by facts of the form `a
/// implies b`, forces a literal whose negation another member (or the same, for a conflict of
/// one item) requires. Breadth first, so the chain found is a shortest one.
fn chain(model: &Model, members: &[Vec<Atom>], facts: &[&Expr]) -> Option<String> {
    let edges: Vec<((VarId, bool), (VarId, bool))> =
        facts.iter().flat_map(|e| implication_edges(e)).collect();
    if edges.is_empty() {
        return None;
    }
    let lits = |atoms: &[Atom]| -> Vec<(VarId, bool)> {
        atoms
            .iter()
            .filter_map(|a| match *a {
                Atom::Lit { var, positive } => Some((var, positive)),
                Atom::Bound { .. } => None,
            })
            .collect()
    };
    for (i, m) in members.iter().enumerate() {
        for start in lits(m) {
            // Breadth-first reach from `start`, in edge order (deterministic).
            let mut reached = vec![start];
            let mut k = 0;
            while k < reached.len() {
                let at = reached[k];
                for &(a, b) in &edges {
                    if a == at && !reached.contains(&b) {
                        reached.push(b);
                    }
                }
                k += 1;
            }
            for &(var, positive) in &reached[1..] {
                let other = members.iter().enumerate().any(|(j, o)| {
                    (j != i || members.len() == 1) && lits(o).contains(&(var, !positive))
                });
                if other {
                    let who = if members.len() == 1 {
                        "which the item itself rules out"
                    } else {
                        "which another item rules out"
                    };
                    return Some(format!(
                        "by the facts, {} implies {}, {who}",
                        literal(model, start.0, start.1),
                        literal(model, var, positive)
                    ));
                }
            }
        }
    }
    None
}

/// The reason of last resort, always available: the variables that the conflict's formulas
/// (`members`, each a member's conjunction, and the facts it relies on) constrain together,
/// those that appear in at least two of them (or every variable, when none is shared).
pub(crate) fn shared(model: &Model, members: &[Vec<&Expr>], facts: &[&Expr]) -> String {
    let formulas: Vec<Vec<VarId>> = members
        .iter()
        .map(|fs| super::consistency::vars_of(fs))
        .chain(facts.iter().map(|e| super::consistency::vars_of(&[*e])))
        .collect();
    let mut all: Vec<VarId> = formulas.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let shared: Vec<VarId> = all
        .iter()
        .copied()
        .filter(|v| formulas.iter().filter(|f| f.contains(v)).count() >= 2)
        .collect();
    let vars = if shared.is_empty() { all } else { shared };
    let names: Vec<String> = vars
        .iter()
        .map(|&v| format!("`{}`", crate::model::names::var_name(model, v)))
        .collect();
    let who = match (members.len(), facts.is_empty()) {
        (1, true) => "the item's formulas constrain",
        (1, false) => "the item and the facts constrain",
        (_, true) => "the items constrain",
        (_, false) => "the items and the facts constrain",
    };
    let which = match names.as_slice() {
        [] => "no variable, and are false as written".to_string(),
        [one] => format!("{one}, and no value of it satisfies them all"),
        _ => format!(
            "{} together, and no values satisfy them all",
            names.join(", ")
        ),
    };
    format!("{who} {which}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(v: VarId, c: i64) -> Expr {
        Expr::Cmp(CmpOp::Le, IntExpr::Var(v), IntExpr::Const(c))
    }

    #[test]
    fn implication_facts_give_both_edges_and_or_reads_as_implication() {
        let imp = Expr::Implies(Box::new(Expr::Var(0)), Box::new(Expr::Var(1)));
        assert_eq!(
            implication_edges(&imp),
            vec![((0, true), (1, true)), ((1, false), (0, false))]
        );
        // not a or b  ==  a implies b
        let or = Expr::Or(vec![Expr::Not(Box::new(Expr::Var(0))), Expr::Var(1)]);
        assert_eq!(implication_edges(&or), implication_edges(&imp));
        // Anything else gives no edge.
        assert!(implication_edges(&Expr::Var(0)).is_empty());
    }

    #[test]
    fn strict_bounds_touching_do_not_contradict_but_crossing_do() {
        let a = Atom::Bound {
            var: 0,
            op: CmpOp::Lt,
            value: 5,
        };
        let b = Atom::Bound {
            var: 0,
            op: CmpOp::Ge,
            value: 4,
        };
        assert!(!contradict(a, b));
        let c = Atom::Bound {
            var: 0,
            op: CmpOp::Ge,
            value: 5,
        };
        assert!(contradict(a, c));
    }

    #[test]
    fn reads_constant_on_the_left_and_negated_comparisons() {
        let mut out = Vec::new();
        atoms(
            &Expr::Not(Box::new(Expr::Cmp(
                CmpOp::Lt,
                IntExpr::Const(3),
                IntExpr::Var(1),
            ))),
            &mut out,
        );
        // not (3 < x)  ==  x <= 3
        assert_eq!(
            out,
            vec![Atom::Bound {
                var: 1,
                op: CmpOp::Le,
                value: 3
            }]
        );
        let mut out = Vec::new();
        atoms(&le(2, 7), &mut out);
        assert_eq!(out.len(), 1);
    }
}
