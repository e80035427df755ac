//! The integer literals of a formula, for margins (`solve::margins`, `expect margin`): each
//! constant of a comparison, numbered in pre-order (left to right as written), with the
//! direction of change that weakens the formula, and the same literals replaced by terms.
//!
//! A literal is an `IntExpr::Const`, or `Neg(Const)` taken as one signed literal (`-5`). A
//! coefficient (`2` in `2 * x`) is no `Const` node after resolution, so it is not one.
//! `literals` and `substitute` count in exactly the same order.

use super::eval::for_each_var;
use super::types::{Expr, IntExpr, VarId};
use crate::syntax::ast::CmpOp;

/// Which way of moving a literal weakens its formula (so can only make it easier to hold).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakens {
    /// Raising it: `x <= 600_000`.
    Up,
    /// Lowering it: `x >= 800_000`.
    Down,
    /// Neither always (`==`, `!=`, under `iff`, or a literal whose coefficient is 0).
    Neither,
}

/// One literal of a formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralSite {
    /// Its value, with its sign when written `-N`.
    pub value: i64,
    pub weakens: Weakens,
    /// The variables of the comparison it is in (sorted, without repeats).
    pub vars: Vec<VarId>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pol {
    Pos,
    Neg,
    Both,
}

/// The literals of `e` in pre-order.
pub fn literals(e: &Expr) -> Vec<LiteralSite> {
    let mut out = Vec::new();
    walk_bool(e, Pol::Pos, &mut out);
    out
}

fn walk_bool(e: &Expr, pol: Pol, out: &mut Vec<LiteralSite>) {
    let flip = |p: Pol| match p {
        Pol::Pos => Pol::Neg,
        Pol::Neg => Pol::Pos,
        Pol::Both => Pol::Both,
    };
    match e {
        Expr::Const(_) | Expr::Var(_) => {}
        Expr::Not(a) => walk_bool(a, flip(pol), out),
        Expr::And(es) | Expr::Or(es) => es.iter().for_each(|x| walk_bool(x, pol, out)),
        Expr::Implies(a, b) => {
            walk_bool(a, flip(pol), out);
            walk_bool(b, pol, out);
        }
        Expr::Iff(a, b) => {
            walk_bool(a, Pol::Both, out);
            walk_bool(b, Pol::Both, out);
        }
        Expr::Cmp(op, a, b) => {
            let mut vars = Vec::new();
            for_each_var(e, &mut |v| vars.push(v));
            vars.sort_unstable();
            vars.dedup();
            let cmp = Cmp {
                op: *op,
                pol,
                vars: &vars,
            };
            walk_int(a, 1, &cmp, out);
            walk_int(b, -1, &cmp, out);
        }
    }
}

struct Cmp<'a> {
    op: CmpOp,
    pol: Pol,
    vars: &'a [VarId],
}

/// `sign`: the sign of the term's coefficient in `lhs - rhs` of its comparison.
fn walk_int(e: &IntExpr, sign: i64, cmp: &Cmp<'_>, out: &mut Vec<LiteralSite>) {
    let mut site = |value: i64| {
        // `lhs - rhs  op  0`, with the literal's coefficient `sign` in `lhs - rhs`.
        let raise_weakens = match cmp.op {
            CmpOp::Le | CmpOp::Lt if sign != 0 => Some(sign < 0),
            CmpOp::Ge | CmpOp::Gt if sign != 0 => Some(sign > 0),
            _ => None,
        };
        let weakens = match (raise_weakens, cmp.pol) {
            (None, _) | (_, Pol::Both) => Weakens::Neither,
            (Some(up), Pol::Pos) => dir(up),
            (Some(up), Pol::Neg) => dir(!up),
        };
        out.push(LiteralSite {
            value,
            weakens,
            vars: cmp.vars.to_vec(),
        });
    };
    match e {
        IntExpr::Const(c) => site(*c),
        IntExpr::Neg(a) if matches!(**a, IntExpr::Const(_)) => {
            if let IntExpr::Const(c) = **a {
                // Resolution keeps literals non-negative, so this always negates.
                site(c.checked_neg().unwrap_or(i64::MIN));
            }
        }
        IntExpr::Var(_) => {}
        IntExpr::Neg(a) => walk_int(a, -sign, cmp, out),
        IntExpr::Add(a, b) => {
            walk_int(a, sign, cmp, out);
            walk_int(b, sign, cmp, out);
        }
        IntExpr::Sub(a, b) => {
            walk_int(a, sign, cmp, out);
            walk_int(b, -sign, cmp, out);
        }
        IntExpr::Scale(k, a) => walk_int(a, sign * k.signum(), cmp, out),
    }
}

fn dir(up: bool) -> Weakens {
    if up {
        Weakens::Up
    } else {
        Weakens::Down
    }
}

/// `e` with its literals number `i` (as `literals` counts) replaced by the terms given.
pub fn substitute(e: &Expr, with: &[(usize, IntExpr)]) -> Expr {
    let mut n = 0;
    subst_bool(e, &mut n, with)
}

fn subst_bool(e: &Expr, n: &mut usize, with: &[(usize, IntExpr)]) -> Expr {
    match e {
        Expr::Const(_) | Expr::Var(_) => e.clone(),
        Expr::Not(a) => Expr::Not(Box::new(subst_bool(a, n, with))),
        Expr::And(es) => Expr::And(es.iter().map(|x| subst_bool(x, n, with)).collect()),
        Expr::Or(es) => Expr::Or(es.iter().map(|x| subst_bool(x, n, with)).collect()),
        Expr::Implies(a, b) => {
            let a = subst_bool(a, n, with);
            Expr::Implies(Box::new(a), Box::new(subst_bool(b, n, with)))
        }
        Expr::Iff(a, b) => {
            let a = subst_bool(a, n, with);
            Expr::Iff(Box::new(a), Box::new(subst_bool(b, n, with)))
        }
        Expr::Cmp(op, a, b) => {
            let a = subst_int(a, n, with);
            Expr::Cmp(*op, a, subst_int(b, n, with))
        }
    }
}

fn subst_int(e: &IntExpr, n: &mut usize, with: &[(usize, IntExpr)]) -> IntExpr {
    let is_literal = match e {
        IntExpr::Const(_) => true,
        IntExpr::Neg(a) => matches!(**a, IntExpr::Const(_)),
        _ => false,
    };
    if is_literal {
        let i = *n;
        *n += 1;
        return match with.iter().find(|(k, _)| *k == i) {
            Some((_, t)) => t.clone(),
            None => e.clone(),
        };
    }
    match e {
        IntExpr::Const(_) | IntExpr::Var(_) => e.clone(),
        IntExpr::Neg(a) => IntExpr::Neg(Box::new(subst_int(a, n, with))),
        IntExpr::Add(a, b) => {
            let a = subst_int(a, n, with);
            IntExpr::Add(Box::new(a), Box::new(subst_int(b, n, with)))
        }
        IntExpr::Sub(a, b) => {
            let a = subst_int(a, n, with);
            IntExpr::Sub(Box::new(a), Box::new(subst_int(b, n, with)))
        }
        IntExpr::Scale(k, a) => IntExpr::Scale(*k, Box::new(subst_int(a, n, with))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> IntExpr {
        IntExpr::Var(0)
    }
    fn c(v: i64) -> IntExpr {
        IntExpr::Const(v)
    }

    #[test]
    fn directions_follow_operator_side_and_polarity() {
        let le = Expr::Cmp(CmpOp::Le, x(), c(7));
        let ge_left = Expr::Cmp(CmpOp::Ge, c(7), x());
        let neg = Expr::Not(Box::new(le.clone()));
        let eq = Expr::Cmp(CmpOp::Eq, x(), c(7));
        let hyp = Expr::Implies(Box::new(le.clone()), Box::new(Expr::Const(false)));
        let iff = Expr::Iff(Box::new(le.clone()), Box::new(Expr::Var(1)));
        let scaled = Expr::Cmp(CmpOp::Le, IntExpr::Scale(-2, Box::new(x())), c(7));
        let minus = Expr::Cmp(CmpOp::Le, IntExpr::Sub(Box::new(x()), Box::new(c(3))), c(7));
        let w = |e: &Expr| literals(e).iter().map(|l| l.weakens).collect::<Vec<_>>();
        assert_eq!(w(&le), vec![Weakens::Up]);
        assert_eq!(w(&ge_left), vec![Weakens::Up]);
        assert_eq!(w(&neg), vec![Weakens::Down]);
        assert_eq!(w(&eq), vec![Weakens::Neither]);
        assert_eq!(w(&hyp), vec![Weakens::Down]);
        assert_eq!(w(&iff), vec![Weakens::Neither]);
        assert_eq!(w(&scaled), vec![Weakens::Up]);
        // `x - 3 <= 7`: a larger 3 makes the left side smaller, so raising it weakens too.
        assert_eq!(w(&minus), vec![Weakens::Up, Weakens::Up]);
    }

    #[test]
    fn substitution_counts_like_literals() {
        let e = Expr::And(vec![
            Expr::Cmp(CmpOp::Le, x(), IntExpr::Neg(Box::new(c(5)))),
            Expr::Cmp(CmpOp::Ge, IntExpr::Add(Box::new(x()), Box::new(c(1))), c(2)),
        ]);
        let l = literals(&e);
        assert_eq!(
            l.iter().map(|l| l.value).collect::<Vec<_>>(),
            vec![-5, 1, 2]
        );
        let s = substitute(&e, &[(0, c(9)), (2, c(4))]);
        let want = Expr::And(vec![
            Expr::Cmp(CmpOp::Le, x(), c(9)),
            Expr::Cmp(CmpOp::Ge, IntExpr::Add(Box::new(x()), Box::new(c(1))), c(4)),
        ]);
        assert_eq!(s, want);
    }
}
